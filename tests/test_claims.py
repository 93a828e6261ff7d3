"""Statements in words that the tables decide: found in published reports without false alarms, and made true
in drafts (rewritten from this year's figures, or listed for staff when the figures cannot decide them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REAL, ROOT, SEEDS

from reportassist import read_report, validate
from reportassist.drafting import DraftInputs, assemble_draft
from reportassist.given_figures import load_figures
from reportassist.model import Draft, Report
from reportassist.revision import revise
from reportassist.schema import SECTIONS

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
FIGURES = ROOT / "tests" / "fixtures" / "figures"
CONSISTENT = [
    *sorted(SAMPLE.glob("20*.md")),
    *sorted(SEEDS.glob("*.txt")),
    REAL / "pingtan-2021.txt",
    REAL / "pingtan-2022.txt",
    ROOT.parent / "shared" / "real-wild" / "shuyangxian-fagaiju-2023.html",
    *sorted((ROOT / "tests" / "fixtures").glob("*.md")),
]


def _claims(report: Report) -> list[str]:
    return [f.message for f in validate(report).findings if f.rule == "text.claim_mismatch"]


@pytest.mark.parametrize("path", CONSISTENT, ids=lambda p: p.name)
def test_no_false_alarm_on_published_reports(path: Path) -> None:
    assert _claims(read_report(path)) == []


def _with_sentence(tmp_path: Path, source: Path, after: str, sentence: str) -> Report:
    text = source.read_text(encoding="utf-8")
    assert after in text
    path = tmp_path / source.name
    path.write_text(text.replace(after, after + sentence, 1), encoding="utf-8")
    return read_report(path)


@pytest.mark.parametrize(
    ("sentence", "says"),
    [
        ("本年度未收到政府信息公开申请。", "没有收到政府信息公开申请"),
        ("全年无依申请公开信件。", "没有收到政府信息公开申请"),
        ("本年度没有因政府信息公开被申请行政复议的情况。", "没有政府信息公开行政复议"),
    ],
)
def test_a_false_statement_is_found_in_a_published_report(tmp_path: Path, sentence: str, says: str) -> None:
    report = _with_sentence(tmp_path, SAMPLE / "2023.md", "## 一、总体情况\n\n", sentence)
    found = _claims(report)
    assert len(found) == 1 and says in found[0] and sentence.rstrip("。") in found[0]


def test_all_closed_is_false_while_a_suit_is_pending(tmp_path: Path) -> None:
    report = read_report(SAMPLE / "2022.md")
    assert (report.figures["t4.suit_direct.pending"] or 0) > 0
    changed = _with_sentence(
        tmp_path, SAMPLE / "2022.md", "## 一、总体情况\n\n", "本年度行政诉讼案件均已审结。"
    )
    assert any("均已审结" in m for m in _claims(changed))
    # the same words about 复议 alone say nothing of the pending suit
    reviews = _with_sentence(
        tmp_path, SAMPLE / "2022.md", "## 一、总体情况\n\n", "本年度行政复议案件均已审结。"
    )
    assert _claims(reviews) == []


# ---------------------------------------------------------------------------------------------- drafts


def _draft(prior: Path, year: int, figures: Path) -> Draft:
    given = load_figures(figures, year)
    inputs = DraftInputs(
        prior=read_report(prior),
        year=year,
        figures=given.figures,
        prose=given.prose,
        figures_source=figures.name,
    )
    return assemble_draft(inputs)


def test_a_seed_draft_no_longer_says_there_were_no_applications() -> None:
    draft = _draft(SEEDS / "panzhihua-kjj-2018.txt", 2019, FIGURES / "panzhihua-2019.yaml")
    body = draft.body()[0]
    assert "无依申请公开信件" not in body and "无受理依申请公开信件" not in body
    assert "没有因政府信息公开申请行政复议" not in body
    assert f"新收政府信息公开申请{draft.figures['t3.new.total']}件" in body
    assert _claims(draft) == []
    rewritten = [c for c in draft.claims if c.status == "rewritten"]
    assert len(rewritten) == 3 and all(c.detail for c in rewritten)
    review = [c for c in draft.claims if c.status == "review"]
    assert any("收费" in c.sentence for c in review)  # no figure says whether fees were charged
    assert any("请核实" in m for m in draft.messages) and any("按本年表格改写" in m for m in draft.messages)


def test_a_pending_suit_makes_all_closed_say_so_in_the_draft_and_in_the_chat() -> None:
    draft = _draft(REAL / "pingtan-2022.txt", 2023, FIGURES / "pingtan-2023.yaml")
    assert "均已结案" in draft.body()[0]  # true with these figures: kept
    turn = revise(draft, "行政诉讼（未经复议直接起诉）的尚未审结改为1件")
    body = turn.draft.body()[0]
    assert "均已结案" not in body and "其中尚未审结1件" in body
    assert _claims(turn.draft) == []


@pytest.mark.parametrize("year", range(2019, 2025))
def test_the_sample_agency_drafted_year_by_year_says_nothing_its_tables_contradict(year: int) -> None:
    actual = read_report(SAMPLE / f"{year}.md")
    given = {k: v for k, v in actual.figures.items() if v is not None}
    inputs = DraftInputs(
        prior=read_report(SAMPLE / f"{year - 1}.md"), year=year, figures=given, figures_source=f"{year}.md"
    )
    draft = assemble_draft(inputs)
    assert _claims(draft) == []


@pytest.mark.parametrize(
    ("prior", "year", "figures"),
    [
        (SEEDS / "panzhihua-kjj-2018.txt", 2019, FIGURES / "panzhihua-2019.yaml"),
        (SEEDS / "quanzhou-kjj-2018.txt", 2019, FIGURES / "quanzhou-2019.yaml"),
        (REAL / "pingtan-2022.txt", 2023, FIGURES / "pingtan-2023.yaml"),
    ],
    ids=["panzhihua", "quanzhou", "pingtan"],
)
def test_drafts_carry_the_official_headings(prior: Path, year: int, figures: Path) -> None:
    draft = _draft(prior, year, figures)
    headings = [s.heading for s in draft.sections if s.canonical != "preamble"]
    assert headings == [
        SECTIONS[c] for c in ("overview", "active", "requests", "review", "problems", "other")
    ]
    overview = draft.find_section("overview")
    assert overview is not None
    for index, child in enumerate(overview.children):
        assert child.heading.startswith(f"（{'一二三四五六七八九十'[index]}）"), child.heading


# ---------------------------------------------------------------------------------------------- derivable words


def _rolled(text: str, tables: dict[str, int], prior_tables: dict[str, int]) -> tuple[str, list]:
    from reportassist.drafting.rolling import ProseValues, RollContext, roll_text

    values = ProseValues(
        by_label={}, tables=tables, prior_tables=prior_tables, fmt="gb2021", prior_fmt="gb2021", source="示例"
    )
    rolled = roll_text(
        text, RollContext(prior_year=2024, year=2025, values=values), "三、收到和处理政府信息公开申请情况"
    )
    return rolled.text, rolled.figures


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (80, "新收政府信息公开申请80件，同比减少20%"),
        (130, "新收政府信息公开申请130件，同比增长30%"),
        (125, "同比增长25%"),
    ],
)
def test_a_year_on_year_change_is_computed_and_its_verb_follows(new: int, expected: str) -> None:
    text, figures = _rolled(
        "2024年，我局新收政府信息公开申请100件，同比增长25%。",
        {"t3.new.total": new, "t3.carried_in.total": 0, "t3.handled.total": new},
        {"t3.new.total": 100},
    )
    assert expected in text and "【待填" not in text
    assert any("上年 100" in origin.detail for _, origin in figures if origin.kind == "derived")


def test_a_completion_rate_is_computed_from_the_table() -> None:
    text, figures = _rolled(
        "全年办结率为100%。", {"t3.new.total": 38, "t3.carried_in.total": 2, "t3.handled.total": 39}, {}
    )
    assert "办结率为97.5%" in text
    assert any("÷" in origin.detail for _, origin in figures)


def test_a_list_of_applicant_types_is_written_from_the_table_when_a_part_is_unknown() -> None:
    given = load_figures(SAMPLE / "figures-2025.yaml", 2025)
    draft = assemble_draft(
        DraftInputs(prior=read_report(SAMPLE / "2024.md"), year=2025, figures=given.figures)
    )
    requests = draft.find_section("requests")
    assert requests is not None
    assert (
        "其中自然人18件、商业企业20件、科研机构11件、社会公益组织28件、法律服务机构1件、其他53件"
        in requests.text
    )
    assert "其他组织申请【待填" not in requests.text
