"""`reportassist revise` as staff and scripts use it: one message per run, the draft saved in place with its
history, bad files refused with exit 2 and left untouched, two runs at once both kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from reportassist import read_report
from reportassist.drafting import DraftInputs, assemble_draft, load_draft, save_draft
from reportassist.given_figures import load_figures

SAMPLE = ROOT / "corpus" / "示例市科学技术局"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, timeout=120)


@pytest.fixture
def draft_file(tmp_path: Path) -> Path:
    given = load_figures(SAMPLE / "figures-2025.yaml", 2025)
    inputs = DraftInputs(
        prior=read_report(SAMPLE / "2024.md"),
        year=2025,
        figures=given.figures,
        figures_source="figures-2025.yaml",
    )
    path = tmp_path / "草稿-2025.json"
    save_draft(assemble_draft(inputs), path)
    return path


def test_revise_json_changes_and_saves_the_draft_and_undo_works_in_a_later_run(draft_file: Path) -> None:
    result = run("revise", draft_file, "行政处罚的处理决定改为13件", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"reply", "applied", "changes", "findings"} and data["applied"] is True
    assert {
        "kind": "figure",
        "where": "表二“行政处罚”行“本年处理决定数量”列",
        "before": 0,
        "after": 13,
    } in data["changes"]
    assert all({"rule", "severity", "message", "location"} <= set(f) for f in data["findings"])
    assert load_draft(draft_file).figures["t2.penalty.decisions"] == 13

    undone = run("revise", draft_file, "撤销")
    assert undone.returncode == 0 and "已撤销第 2 版" in undone.stdout
    assert load_draft(draft_file).figures["t2.penalty.decisions"] == 0


def test_a_question_leaves_the_file_as_it_was(draft_file: Path) -> None:
    before = draft_file.read_bytes()
    result = run("revise", draft_file, "还有哪些待填", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["applied"] is False
    assert draft_file.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"meta": {"year": 2025}, "sections": [', "不是完整的 JSON"),
        (b'{"name": "something else"}', "不是 reportassist 保存的草稿"),
        (b'{"meta": {}, "sections": [], "figures": {}, "unknown_field": 1}', "内容不完整或被改动过"),
    ],
)
def test_a_file_that_is_not_a_draft_exits_2_untouched(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "草稿.json"
    path.write_bytes(content)
    result = run("revise", path, "撤销")
    assert result.returncode == 2
    assert expected in result.stderr.replace("\n", "") and "草稿.json" in result.stderr
    assert path.read_bytes() == content


def test_a_draft_saved_by_an_older_version_exits_2_untouched(draft_file: Path) -> None:
    old = json.loads(draft_file.read_text(encoding="utf-8"))
    for field in ("recipe", "history", "undone", "proposal", "draft_version"):
        old.pop(field)
    draft_file.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    before = draft_file.read_bytes()
    result = run("revise", draft_file, "行政处罚的处理决定改为13件")
    assert result.returncode == 2 and "旧版本" in result.stderr
    assert draft_file.read_bytes() == before
    assert run("validate", draft_file).returncode in (0, 1)  # still readable for validate and export


def test_two_runs_at_once_both_keep_their_change(draft_file: Path) -> None:
    env = {**os.environ, "REPORTASSIST_LLM_URL": ""}
    messages = ["行政处罚的处理决定改为13件", "行政强制的处理决定改为4件"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "reportassist", "revise", str(draft_file), m],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for m in messages
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    draft = load_draft(draft_file)
    assert draft.figures["t2.penalty.decisions"] == 13 and draft.figures["t2.coercion.decisions"] == 4
    assert sorted(v.message for v in draft.history[1:]) == sorted(messages)
    assert [v.number for v in draft.history] == [1, 2, 3]
