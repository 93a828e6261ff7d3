"""The command line as staff use it: real files in, Chinese messages and exit codes out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli

NO_TABLES = """示例市科学技术局2023年度政府信息公开工作年度报告

一、总体情况

2023年，示例市科学技术局认真贯彻落实《中华人民共和国政府信息公开条例》。本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。

二、主动公开政府信息情况

全年主动公开政府信息120条。
"""


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, timeout=120)


def test_parse_json_gives_the_design_shape() -> None:
    result = run("parse", SEEDS / "quanzhou-kjj-2018.txt", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"meta", "sections", "figures", "prose_figures"} <= set(data)
    assert data["meta"]["year"] == 2018 and data["meta"]["format"] == "legacy"
    assert data["figures"]["legacy.active.total"] == 163


def test_parse_human_output_shows_meta_sections_and_figures() -> None:
    result = run("parse", SEEDS / "quanzhou-kjj-2018.txt")
    assert result.returncode == 0, result.stderr
    for text in ("泉州市科技局", "旧版", "二、主动公开政府信息情况", "附表", "历年累计", "163"):
        assert text in result.stdout


def test_validate_exit_codes_and_json() -> None:
    clean = run("validate", SEEDS / "panzhihua-kjj-2018.txt", "--json")
    assert clean.returncode == 0, clean.stdout
    assert json.loads(clean.stdout)["ok"] is True
    flawed = run("validate", SEEDS / "quanzhou-kjj-2018.txt", "--json")
    assert flawed.returncode == 1
    data = json.loads(flawed.stdout)
    assert data["ok"] is False
    finding = data["findings"][0]
    assert {"rule", "severity", "message", "location"} <= set(finding)
    assert finding["rule"] == "structure.missing_section"


def test_validate_with_prior(real_dir: Path) -> None:
    result = run("validate", real_dir / "pingtan-2022.txt", "--prior", real_dir / "pingtan-2021.txt")
    assert result.returncode == 0, result.stdout
    assert "0 个错误" in result.stdout


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("bad")
    files = {
        "empty": tmp_path / "空文件.txt",
        "random": tmp_path / "random.txt",
        "not_word": tmp_path / "报告.docx",
        "random_docx": tmp_path / "random.docx",
        "huge": tmp_path / "huge.txt",
        "missing": tmp_path / "不存在.txt",
    }
    files["empty"].write_bytes(b"")
    files["random"].write_bytes(os.urandom(5000))
    with zipfile.ZipFile(files["not_word"], "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    files["random_docx"].write_bytes(os.urandom(5000))
    with files["huge"].open("w", encoding="utf-8") as handle:
        line = "示例市政府信息公开工作年度报告正文。" * 20 + "\n"
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line)
    return files


@pytest.mark.parametrize("command", ["parse", "validate"])
def test_bad_input_gets_a_chinese_message_and_exit_2(bad_inputs: dict[str, Path], command: str) -> None:
    for name, path in bad_inputs.items():
        result = run(command, path)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, name
        assert path.name in result.stderr, name
        assert "无法读取" in result.stderr, name


def test_bad_prior_is_reported_too(tmp_path: Path) -> None:
    prior = tmp_path / "上年.docx"
    prior.write_bytes(os.urandom(300))
    result = run("validate", SEEDS / "panzhihua-kjj-2018.txt", "--prior", prior)
    assert result.returncode == 2 and "上年.docx" in result.stderr


def test_gbk_text_file_reads_like_utf8(tmp_path: Path) -> None:
    text = (SEEDS / "quanzhou-kjj-2018.txt").read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    utf8 = json.loads(run("parse", SEEDS / "quanzhou-kjj-2018.txt", "--json").stdout)
    from_gbk = json.loads(run("parse", gbk, "--json").stdout)
    assert from_gbk["figures"] == utf8["figures"]
    assert from_gbk["meta"]["agency"] == utf8["meta"]["agency"]


def test_report_without_tables_says_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "no-tables.txt"
    path.write_text(NO_TABLES, encoding="utf-8")
    result = run("validate", path, "--json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    missing = {f["location"]["section"] for f in findings if f["rule"] == "structure.missing_section"}
    assert missing == {
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    }
    absent = [f["message"] for f in findings if f["rule"] == "figure.absent"]
    assert len(absent) == 3 and all(m.startswith("未找到表") for m in absent)


_DEFECT = """
import sys
import reportassist.cli as cli
import reportassist.corpus.paths as paths
import reportassist.parsing as parsing

def defect(*args, **kwargs):
    raise RuntimeError("a defect of ours")

parsing.read_report = defect  # inside a command's own guard
paths.expand_paths = defect  # outside any: the guard around every command takes it
sys.argv = ["reportassist", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.parametrize("command", [["parse", str(SEEDS / "quanzhou-kjj-2018.txt")], ["ingest", str(SEEDS)]])
def test_a_defect_of_ours_exits_3_with_a_message_for_the_maintainers(
    tmp_path: Path, command: list[str]
) -> None:
    """The defect is injected by replacing a function with one that raises: the only way to make one."""
    env = {**os.environ, "REPORTASSIST_STORE": str(tmp_path / "store")}
    result = subprocess.run(
        [sys.executable, "-c", _DEFECT, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "内部错误" in result.stderr and "RuntimeError" in result.stderr


def test_a_damaged_store_is_bad_input(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "manifest.json").write_text("{not json", encoding="utf-8")
    result = run("search", "政务公开", "--store", store)
    assert result.returncode == 2, result.stderr
    assert "manifest.json" in result.stderr


def test_importing_the_package_and_the_command_line_loads_no_heavy_library_and_changes_nothing() -> None:
    code = (
        "import os, sys; before = dict(os.environ); import reportassist, reportassist.cli; "
        "heavy = ('bs4', 'pdfplumber', 'docx', 'jieba', 'langchain_core', 'chromadb', 'gradio', 'torch'); "
        "print(sorted(m for m in heavy if m in sys.modules), dict(os.environ) == before)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] True"
