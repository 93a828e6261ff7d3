"""Drafting next year's report from a prior one, as staff do it: the command line, real reports, real figures files.

The figures files in tests/fixtures/figures/ are fictional (示例数据): this year's figures for each prior report,
consistent in every table sum; the prose values are made up.
"""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEEDS, run_cli

from reportassist import read_report
from reportassist.drafting import DraftInputs, load_draft, make_draft
from reportassist.exporters import to_markdown
from reportassist.model import Draft, Report
from reportassist.schema import CUMULATIVE, T3_COLUMNS, keys_for
from reportassist.validation import validate

FIGURES = ROOT / "tests" / "fixtures" / "figures"
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
PLACEHOLDER = re.compile(r"【[^】]*】")


def run(*args: str | Path, store: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"REPORTASSIST_STORE": str(store)})


def _draft_cli(
    tmp_path: Path, prior: Path, year: int, figures: Path, suffix: str = ".json"
) -> tuple[Path, str]:
    out = tmp_path / f"draft-{year}{suffix}"
    result = run(
        "draft",
        "--year",
        year,
        "--prior",
        prior,
        "--figures",
        figures,
        "--out",
        out,
        store=tmp_path / "store",
    )
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def _given(figures: Path) -> dict:
    return yaml.safe_load(figures.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize(
    ("seed", "figures"),
    [("quanzhou-kjj-2018.txt", "quanzhou-2019.yaml"), ("panzhihua-kjj-2018.txt", "panzhihua-2019.yaml")],
)
def test_a_2019_draft_from_each_seed(tmp_path: Path, seed: str, figures: str) -> None:
    prior_path = SEEDS / seed
    out, stderr = _draft_cli(tmp_path, prior_path, 2019, FIGURES / figures)
    draft = load_draft(out)
    prior = read_report(prior_path)

    assert (
        draft.meta.format == "gb2019" and draft.meta.year == 2019 and draft.meta.agency == prior.meta.agency
    )
    assert [s.canonical for s in draft.sections] == [
        "preamble",
        "overview",
        "active",
        "requests",
        "review",
        "problems",
        "other",
    ]
    missing = [k for k in keys_for("gb2019") if draft.figures.get(k) is None]
    assert not missing, missing
    checked = run("validate", out, store=tmp_path / "store")
    assert checked.returncode == 0, checked.stdout  # no error (warnings such as 待核实 remain)
    assert "表格数字：本年数据 172 个" in stderr

    # Not one of the seed's 2018 prose figures is left outside a placeholder, unless this year's figures give it.
    this_year = {
        Decimal(str(v))
        for v in [*_given(FIGURES / figures)["figures"].values(), *draft.figures.values()]
        if v is not None
    }
    this_year |= {Decimal(str(f.value)) for f in draft.prose_figures}
    text = PLACEHOLDER.sub("", draft.body()[0])
    stated = {Decimal(n) for n in re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", text)}
    for figure in prior.prose_figures:
        if figure.value not in this_year:
            assert Decimal(str(figure.value)) not in stated, (
                f"上年的“{figure.raw}”（{figure.clause}）仍在草稿中"
            )


def test_running_totals_are_derived_from_last_years_and_this_years(tmp_path: Path) -> None:
    out, _ = _draft_cli(tmp_path, SEEDS / "quanzhou-kjj-2018.txt", 2019, FIGURES / "quanzhou-2019.yaml")
    draft = load_draft(out)
    this_year = _given(FIGURES / "quanzhou-2019.yaml")["prose"]["主动公开政府信息"]
    running = [p for p in draft.prose_origins if "累计" in p.label]
    assert running and running[0].origin.kind == "derived" and running[0].origin.prior == 1482
    assert f"历年累计主动公开政府信息{1482 + this_year}条" in draft.body()[0].replace(" ", "")


def test_legacy_content_moves_into_the_2019_shape(tmp_path: Path) -> None:
    out, _ = _draft_cli(tmp_path, SEEDS / "panzhihua-kjj-2018.txt", 2019, FIGURES / "panzhihua-2019.yaml")
    draft = load_draft(out)
    headings = [s.heading for s in draft.sections[1:]]
    assert headings == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]  # fmt: skip
    overview = draft.sections[1]
    assert any(
        "人大代表建议" in c.heading for c in overview.children
    )  # the legacy report's own parts, under 一
    other = draft.find_section("other")
    assert other is not None and "收费" in other.text  # 收费及减免 kept, under 六
    assert other.text.splitlines()[-2:][0] == "攀枝花市科学技术局"  # the closing block stays last
    # 文号, plan titles and the publication date cannot be known: flagged, not guessed
    body = draft.body()[0]
    assert "攀办发〔2018〕94号" not in PLACEHOLDER.sub("", body)
    assert "【待核实：日期（上年：2019 年 2 月 22 日）】" in body
    # contact details are carried as they were, and said to be
    assert "电话：3333482" in body
    assert any("3333482" in m for m in draft.messages)


# ---------------------------------------------------------------------------------------------- recent reports


def _parsed_back(draft: Draft, tmp_path: Path) -> Report:
    path = tmp_path / "back.md"
    path.write_text(to_markdown(draft), encoding="utf-8")
    return read_report(path)


def _check_recent(tmp_path: Path, prior_path: Path, year: int, figures: Path) -> Draft:
    out, _ = _draft_cli(tmp_path, prior_path, year, figures)
    draft = load_draft(out)
    prior = read_report(prior_path)
    given = _given(figures)["figures"]
    assert not any(k.startswith("t3.carried_in.") for k in given)  # 上年结转 is not given…
    for column, _ in T3_COLUMNS:  # …it comes from last year's 结转下年度
        assert draft.figures[f"t3.carried_in.{column}"] == prior.figures[f"t3.carried_out.{column}"]
        assert draft.figure_origins[f"t3.carried_in.{column}"].kind == "derived"
    back = _parsed_back(draft, tmp_path)
    assert {k: back.figures.get(k) for k in keys_for("gb2021")} == {
        k: draft.figures[k] for k in keys_for("gb2021")
    }
    for key, value in given.items():
        assert draft.figures[key] == (Decimal(str(value)) if isinstance(value, float) else value), key
    result = validate(draft, prior)
    assert result.ok, [f.message for f in result.findings if f.severity == "error"]
    assert validate(back, prior).ok
    return draft


def test_a_2025_draft_from_the_sample_agencys_2024_report(tmp_path: Path) -> None:
    draft = _check_recent(tmp_path, SAMPLE / "2024.md", 2025, SAMPLE / "figures-2025.yaml")
    body = draft.body()[0]
    assert "统计期限自2025年1月1日起至2025年12月31日止" in body
    assert "示科办〔2024〕3号" not in PLACEHOLDER.sub("", body)
    # 现行有效件数 derived across the years when not given: last year's 19 + this year's issued − repealed
    given = {
        k: v
        for k, v in _given(SAMPLE / "figures-2025.yaml")["figures"].items()
        if k != "t2.normative.in_force"
    }
    derived = make_draft(DraftInputs(prior=read_report(SAMPLE / "2024.md"), year=2025, figures=given)).draft
    assert (
        derived.figures["t2.normative.in_force"]
        == 19 + given["t2.normative.issued"] - given["t2.normative.repealed"]
    )
    assert derived.figure_origins["t2.normative.in_force"].kind == "derived"


def test_a_2023_draft_from_a_real_2022_report(tmp_path: Path, real_dir: Path) -> None:
    draft = _check_recent(tmp_path, real_dir / "pingtan-2022.txt", 2023, FIGURES / "pingtan-2023.yaml")
    assert draft.find_section("requests") is not None
    # the 2022 report's 三 was only its table copied from a web page: the draft's 三 is prose made from the figures
    requests = draft.find_section("requests")
    assert (
        requests is not None and "本年新收" not in requests.text and "新收政府信息公开申请" in requests.text
    )


def test_problems_section_never_passes_as_this_years_without_a_note(tmp_path: Path) -> None:
    prior = read_report(SAMPLE / "2024.md")
    draft = make_draft(DraftInputs(prior=prior, year=2025)).draft
    findings = validate(draft, prior).findings
    problems = draft.find_section("problems")
    assert problems is not None and any(f.rule == "text.repeated" for f in findings)  # last year's words…
    assert problems.text.startswith("【待核实：本部分沿用2024年报告的内容")  # …never without the note


# ---------------------------------------------------------------------------------------------- without figures


def test_without_figures_every_unknown_is_a_visible_placeholder() -> None:
    prior = read_report(SAMPLE / "2024.md")
    result = make_draft(DraftInputs(prior=prior, year=2025))
    draft = result.draft
    body = draft.body()[0]
    assert (
        "全年主动公开政府信息【待填：主动公开政府信息（上年：342条）】" not in body
    )  # the unit stays outside…
    assert "全年主动公开政府信息【待填：主动公开政府信息（上年：342）】条" in body  # …as in the sentence
    kinds = {o.kind for o in draft.figure_origins.values()}
    assert kinds == {"derived", "placeholder"}
    assert all(
        draft.figure_sources[k].raw == "【待填】"
        for k, o in draft.figure_origins.items()
        if o.kind == "placeholder"
    )
    assert not result.validation.ok and any(
        f.rule == "placeholder.unfilled" for f in result.validation.findings
    )
    assert all(s.origin is not None for s in draft.walk_sections() if s.heading or s.text)


def test_figures_template_lists_the_years_keys_and_fills_the_draft(tmp_path: Path) -> None:
    prior = SAMPLE / "2024.md"
    template = tmp_path / "figures-2025.yaml"
    result = run(
        "figures-template", "--year", 2025, "--prior", prior, "--out", template, store=tmp_path / "store"
    )
    assert result.returncode == 0, result.stderr
    text = template.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["year"] == 2025 and set(data["figures"]) == set(keys_for("gb2021"))
    assert (
        data["figures"]["t3.carried_in.total"] == 3
        and "推算" in text.split("t3.carried_in.total")[1].split("\n")[0]
    )
    assert "# 表三“一、本年新收政府信息公开申请数量”行“自然人”列；上年：29" in text
    assert "主动公开政府信息" in data["prose"]
    # staff fill it in: every table figure and every prose figure it asks for
    filled = _given(SAMPLE / "figures-2025.yaml")
    for key in data["figures"]:
        if data["figures"][key] is None:
            data["figures"][key] = filled["figures"].get(key)
    data["prose"] = {label: filled["prose"].get(label, 1) for label in data["prose"]}
    template.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out, _ = _draft_cli(tmp_path, prior, 2025, template)
    draft = load_draft(out)
    assert "【待填" not in draft.body()[0] and all(v is not None for v in draft.figures.values())


def test_legacy_running_totals_roll_forward_in_a_legacy_draft() -> None:
    """A 2018 report drafted from a 2017 one keeps the 附表's 历年累计 column (the 2018 seed stands in for 2017)."""
    prior = read_report(SEEDS / "quanzhou-kjj-2018.txt")
    prior.meta.year = 2017
    draft = make_draft(DraftInputs(prior=prior, year=2018, figures={"legacy.active.total": 200})).draft
    assert draft.meta.format == "legacy"
    assert draft.figures["legacy.active.total" + CUMULATIVE] == 1482 + 200
    assert draft.figure_origins["legacy.active.total" + CUMULATIVE].kind == "derived"


# ---------------------------------------------------------------------------------------------- bad input


def test_bad_input_gets_a_chinese_message_and_exit_2(tmp_path: Path) -> None:
    store = tmp_path / "store"
    same_year = run("draft", "--year", 2024, "--prior", SAMPLE / "2024.md", store=store)
    assert same_year.returncode == 2 and "已是 2024 年度" in same_year.stderr
    wrong = tmp_path / "figures.yaml"
    wrong.write_text("year: 2023\nfigures:\n  t3.new.total: 5\n", encoding="utf-8")
    mismatch = run("draft", "--year", 2025, "--prior", SAMPLE / "2024.md", "--figures", wrong, store=store)
    assert mismatch.returncode == 2 and "2023" in mismatch.stderr and "figures.yaml" in mismatch.stderr
    out = tmp_path / "草稿.json"
    missing = run("draft", "--year", 2025, "--prior", tmp_path / "没有.md", "--out", out, store=store)
    assert missing.returncode == 2 and "没有.md" in missing.stderr and not out.exists()


def test_a_draft_json_keeps_its_provenance(tmp_path: Path) -> None:
    out, _ = _draft_cli(tmp_path, SAMPLE / "2024.md", 2025, SAMPLE / "figures-2025.yaml")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["prior"]["meta"]["year"] == 2024 and data["figures_source"] == "figures-2025.yaml"
    assert set(data["figure_origins"]) == set(keys_for("gb2021"))
    assert {o["kind"] for o in data["figure_origins"].values()} == {"given", "derived"}
    assert all(s["origin"]["kind"] in ("prior", "template") for s in data["sections"])
    assert data["prose_origins"] and all(p["origin"]["kind"] != "placeholder" for p in data["prose_origins"])


# ---------------------------------------------------------------------------------------------- peers from the corpus


def test_a_part_the_prior_report_lacks_comes_from_a_peer_in_the_corpus(tmp_path: Path) -> None:
    """A fictional county bureau whose 2023 report has no 六: the draft takes 六 from another agency's report in the
    corpus (the sample agency's), names the source, puts this agency's name in, and leaves its figures to fill."""
    from reportassist.corpus import open_store

    text = (ROOT / "tests" / "fixtures" / "gb2021-2023.md").read_text(encoding="utf-8")
    text = text.replace("示例市科学技术局", "示例县农业农村局").split("## 六、其他需要报告的事项")[0]
    prior_path = tmp_path / "示例县农业农村局2023.md"
    prior_path.write_text(text, encoding="utf-8")
    prior = read_report(prior_path)
    assert prior.find_section("other") is None

    with open_store(tmp_path / "store", None, "hashing") as store:
        store.ingest([SAMPLE])
        result = make_draft(DraftInputs(prior=prior, year=2024), store)
    other = result.draft.find_section("other")
    assert other is not None and other.origin is not None
    assert (
        other.origin.kind == "peer"
        and other.origin.agency == "示例市科学技术局"
        and other.origin.year <= 2023
    )
    assert other.text.startswith("【待核实：上年报告没有这一部分，以下参考示例市科学技术局")
    peer_text = other.text.split("\n", 1)[1]
    assert "示例市科学技术局" not in peer_text
    assert "信息处理费" in other.text  # the 2021 format's statement is there
    assert not re.search(
        r"(?<![\d〔（(])\d{1,3}件", PLACEHOLDER.sub("", peer_text)
    )  # the peer's counts are not ours


# ---------------------------------------------------------------------------------------------- export


def test_a_saved_draft_exports_to_word_markdown_and_text(tmp_path: Path) -> None:
    out, _ = _draft_cli(tmp_path, SAMPLE / "2024.md", 2025, SAMPLE / "figures-2025.yaml")
    draft = load_draft(out)
    for kind in ("docx", "md", "txt"):
        result = run("export", out, "--to", kind, store=tmp_path / "store")
        assert result.returncode == 0, result.stderr
        back = read_report(out.with_suffix(f".{kind}"))
        assert {k: back.figures.get(k) for k in draft.figures} == draft.figures, kind
    wrong = run("export", out, "--to", "pdf", store=tmp_path / "store")
    assert wrong.returncode == 2 and "docx、md、txt" in wrong.stderr
    not_a_template = tmp_path / "模板.docx"
    not_a_template.write_bytes(b"not a zip")
    bad = run(
        "export",
        out,
        "--to",
        "docx",
        "--out",
        tmp_path / "x.docx",
        "--template",
        not_a_template,
        store=tmp_path / "store",
    )
    assert bad.returncode == 2 and "模板.docx" in bad.stderr and not (tmp_path / "x.docx").exists()


# ---------------------------------------------------------------------------------------------- with a language model


def test_the_chain_takes_a_models_rewrite_only_when_its_numbers_hold(tmp_path: Path) -> None:
    """LangChain's fake chat model stands in for a model whose answers must be exact here (the real model,
    behind a real llama.cpp server, is exercised in test_llm_model.py): the first section's rewrite invents a
    figure and is rejected, the second is a faithful rewrite and is taken, the rest are returned unchanged."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    prior = read_report(SAMPLE / "2024.md")
    given = _given(SAMPLE / "figures-2025.yaml")
    inputs = DraftInputs(prior=prior, year=2025, figures=given["figures"], prose=given["prose"])
    plain = make_draft(inputs).draft
    sections = [s for s in plain.walk_sections() if s.text.strip() and s.canonical != "preamble"]
    answers = [
        sections[0].text + "另新增专项工作999项。",
        "经整理，" + sections[1].text,
        *(s.text for s in sections[2:]),
    ]
    model = GenericFakeChatModel(messages=iter(AIMessage(content=a) for a in answers))

    result = make_draft(inputs, model=model)
    rewritten = [s for s in result.draft.walk_sections() if s.text.strip() and s.canonical != "preamble"]
    assert (
        "999" not in rewritten[0].text
        and rewritten[0].origin is not None
        and rewritten[0].origin.kind != "llm"
    )
    assert any("999" in m and sections[0].heading in m for m in result.draft.messages)
    assert rewritten[1].text.startswith("经整理，") and rewritten[1].origin is not None
    assert rewritten[1].origin.kind == "llm" and rewritten[1].origin.source == "2024.md"
    assert result.validation.ok


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022, 2023, 2024])
def test_what_is_derived_matches_the_sample_agencys_real_next_report(year: int) -> None:
    """Draft each year of the fictional agency from the year before, given only what cannot be derived: the
    tables come out as that year's report has them (上年结转, 现行有效件数, 上一年项目数量 and every total derived)."""
    prior, actual = read_report(SAMPLE / f"{year - 1}.md"), read_report(SAMPLE / f"{year}.md")
    across_years = {  # what last year's report fixes, by (last year's format, this year's)
        ("legacy", "gb2019"): [],
        ("gb2019", "gb2019"): [r"^t3\.carried_in\.", r"\.prior_count$"],
        ("gb2019", "gb2021"): [r"^t3\.carried_in\."],
        ("gb2021", "gb2021"): [r"^t3\.carried_in\.", r"\.in_force$"],
    }[(prior.meta.format, actual.meta.format)]
    derivable = re.compile("|".join([r"\.total$", r"^t3\.handled\.", *across_years]))
    given = {k: v for k, v in actual.figures.items() if not derivable.search(k)}
    draft = make_draft(DraftInputs(prior=prior, year=year, figures=given)).draft
    expected = {k: actual.figures.get(k) for k in keys_for(draft.meta.format)}
    assert {k: draft.figures[k] for k in expected} == expected
    derived = {k for k, o in draft.figure_origins.items() if o.kind == "derived"}
    assert derived == set(expected) - set(given)
