"""Placeholder labels staff can read and say, measured over every draft the project can make.

The drafts: the sample agency year by year (its 2018 report → 2019 … its 2024 report → 2025, no prose figures
given), both seeds → 2019 and the real Pingtan 2022 report → 2023 with the fictional table figures of
tests/fixtures/figures (their prose figures left out, so every prose label shows), and Pingtan 2021 → 2022.

For every 【待填：label（上年：value）】 of them: the label starts and ends on a word of the clause it stands in
(as jieba cuts it), carries no year but the report year, and two quantities of one draft never share it; it is
the label of the draft's provenance and of `figures-template`, and the chat fills the mark by that name.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

import jieba
import jieba.posseg
import pytest
import yaml
from conftest import REAL, ROOT, SEEDS

from reportassist import read_report
from reportassist.drafting import DraftInputs, assemble_draft
from reportassist.drafting.rolling import ProseValues, RollContext, roll_text
from reportassist.drafting.template import figures_template
from reportassist.given_figures import load_figures
from reportassist.markers import Mark, find_marks
from reportassist.model import Draft
from reportassist.parsing.labels import MAX_CHARS, LabelBook, figure_label, section_name
from reportassist.revision import revise
from reportassist.revision.values import place_values

jieba.setLogLevel(logging.WARNING)

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
FIGURES = ROOT / "tests" / "fixtures" / "figures"

# (prior report, report year, table figures or None)
CASES: dict[str, tuple[Path, int, Path | None]] = {
    **{f"sample-{y}": (SAMPLE / f"{y - 1}.md", y, None) for y in range(2019, 2025)},
    "sample-2025": (SAMPLE / "2024.md", 2025, SAMPLE / "figures-2025.yaml"),
    "quanzhou-2019": (SEEDS / "quanzhou-kjj-2018.txt", 2019, FIGURES / "quanzhou-2019.yaml"),
    "panzhihua-2019": (SEEDS / "panzhihua-kjj-2018.txt", 2019, FIGURES / "panzhihua-2019.yaml"),
    "pingtan-2023": (REAL / "pingtan-2022.txt", 2023, FIGURES / "pingtan-2023.yaml"),
    "pingtan-2022": (REAL / "pingtan-2021.txt", 2022, None),
}
# What the label maker may add after the words of the clause: a noun measure word, a count noun that tells two
# quantities apart, and a section's name or a number in brackets.
COMPLETIONS = (
    "场次",
    "人次",
    "批次",
    "轮次",
    "工作日数",
    "条数",
    "件数",
    "项数",
    "次数",
    "个数",
    "期数",
    "金额",
    "比例",
)
QUALIFIER = re.compile(r"（[^（）]+）$")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
CLAUSE_MARK = re.compile(r"[，,。；;：:！？!?\n]")


@cache
def _draft(case: str) -> Draft:
    prior, year, figures = CASES[case]
    if not prior.exists():
        pytest.skip(f"{prior} is not present beside this checkout")
    given = load_figures(figures, year).figures if figures else {}
    inputs = DraftInputs(prior=read_report(prior), year=year, figures=given, figures_source="示例数据")
    return assemble_draft(inputs)


def _prose_marks(draft: Draft) -> list[tuple[str, Mark]]:
    """The draft's 【待填：label（上年：value）】 (its empty table cells and template sentences aside), with the
    clause each stands in: the text around it, every mark in it given back last year's value."""
    found = []
    for _, section in draft.places():
        text = section.text
        for mark in find_marks(text):
            if mark.kind != "fill" or mark.was is None:
                continue
            start = max((m.end() for m in CLAUSE_MARK.finditer(text, 0, mark.start)), default=0)
            end = CLAUSE_MARK.search(text, mark.end)
            clause = text[start : end.start() if end else len(text)]
            for other in reversed(find_marks(clause)):
                clause = clause[: other.start] + (other.was or "") + clause[other.end :]
            found.append((clause, mark))
    return found


def _words(clause: str) -> set[str]:
    """The clause's words, as jieba cuts it with and without parts of speech."""
    words = {*jieba.lcut(clause), *(p.word for p in jieba.posseg.lcut(clause))}
    return {w for w in words if w.strip()}


def _cut_mid_word(label: str, clause: str) -> bool:
    core = QUALIFIER.sub("", label)
    words = _words(clause)
    starts = any(core.startswith(w) for w in words)
    ends = any(core.endswith(w) for w in words) or core.endswith(COMPLETIONS)
    return not (starts and ends)


# ---------------------------------------------------------------------------------------------- every draft


@pytest.mark.parametrize("case", list(CASES))
def test_no_label_is_cut_mid_word_or_carries_another_year(case: str) -> None:
    draft = _draft(case)
    marks = _prose_marks(draft)
    assert marks, "every draft leaves some prose figure to fill"
    cut = [f"{m.label}｜{clause}" for clause, m in marks if _cut_mid_word(m.label, clause)]
    stale = [m.label for _, m in marks if any(int(y) != draft.meta.year for y in YEAR.findall(m.label))]
    long = [m.label for _, m in marks if len(m.label) > MAX_CHARS + 4]
    assert (cut, stale, long) == ([], [], [])


@pytest.mark.parametrize("case", list(CASES))
def test_two_quantities_never_share_a_label_and_the_provenance_uses_the_marks_label(case: str) -> None:
    draft = _draft(case)
    priors: dict[str, set[str]] = {}
    for item in draft.prose_origins:
        priors.setdefault(item.label, set()).add(str(item.origin.prior))
    assert {label: p for label, p in priors.items() if len(p) > 1} == {}
    assert {m.label for _, m in _prose_marks(draft)} <= set(priors)


def test_the_labels_the_issue_found_wrong() -> None:
    labels = {m.label for case in ("panzhihua-2019", "pingtan-2023") for _, m in _prose_marks(_draft(case))}
    assert {"主办建议提案", "政策解读场次", "现存政务新媒体", "主动公开政府信息"} <= labels | {
        label[-6:]
        for label in labels  # "…申报等政策解读场次"
    }
    assert not any(label.startswith(("报、", "康、", "先后", "2022年")) for label in labels)


# --------------------------------------------------------------------------------------- one label everywhere


@pytest.mark.parametrize("case", ["sample-2025", "panzhihua-2019", "pingtan-2023"])
def test_figures_template_asks_by_the_drafts_labels_and_filling_it_fills_every_figure(case: str) -> None:
    prior_path, year, _ = CASES[case]
    if not prior_path.exists():
        pytest.skip(f"{prior_path} is not present beside this checkout")
    prior = read_report(prior_path)
    asked = yaml.safe_load(figures_template(prior, year))["prose"]
    bare = assemble_draft(DraftInputs(prior=prior, year=year))
    assert set(asked) == {p.label for p in bare.prose_origins if p.origin.kind == "placeholder"}

    filled = assemble_draft(DraftInputs(prior=prior, year=year, prose={label: 7 for label in asked}))
    assert [p.label for p in filled.prose_origins if p.origin.kind == "placeholder"] == []
    assert not [m for _, m in _prose_marks(filled)]


@pytest.mark.parametrize("case", ["sample-2025", "panzhihua-2019", "pingtan-2023"])
def test_the_chat_fills_each_mark_by_its_label(case: str) -> None:
    draft = _draft(case)
    for label in dict.fromkeys(m.label for _, m in _prose_marks(draft)):
        placed = place_values(f"{label}这一项填7", draft)
        assert not placed.unplaced, (label, placed.unplaced)
        assert placed.prose == {label: 7} or (placed.figures and not placed.prose), (label, placed)


def test_staff_fill_a_mark_by_saying_its_label_with_the_number() -> None:
    turn = revise(_draft.__wrapped__("pingtan-2023"), "现存政务新媒体70个")  # a draft of its own
    assert turn.applied, turn.reply
    body = turn.draft.body()[0]
    assert "现存的70个政务新媒体" in body and "【待填：现存政务新媒体" not in body


# ------------------------------------------------------------------------------------------ the label maker


@pytest.mark.parametrize(
    ("clause", "figure", "unit", "label"),
    [
        ("2018年在攀组织开展省级科技计划项目申报、企业R&D投入政策、高新技术企业申报政策解读4场次", "4场次", "场次",
         "省级科技计划项目申报等政策解读场次"),
        ("公开卫生健康、教育、公共交通、新闻传播、供电、供水、供气等8个领域", "8个", "个", "公开卫生健康等领域"),
        ("2022年全区共主动公开政府信息14571条", "14571条", "条", "主动公开政府信息"),
        ("先后4次对我局的行政权力事项进行清理确认", "4次", "次", "行政权力事项清理确认"),
        ("对全区现存的33个政务新媒体加强信息更新", "33个", "个", "现存政务新媒体"),
        ("2018年我局主办建议提案6件", "6件", "件", "主办建议提案"),
        ("全年发布政策解读26条", "26条", "条", "发布政策解读"),
        ("本年度全区共收到70件申请", "70件", "件", "收到申请"),
        ("其中自然人申请18件", "18件", "件", "自然人申请"),
        ("我局通过市科技局门户网站政府信息公开专栏主动公开政府信息163条", "163条", "条", "主动公开政府信息"),
        ("废止不适应科技管理改革要求的规范性文件2件", "2件", "件", "废止规范性文件"),
        ("另有1件因申请人逾期不补正", "1件", "件", "申请人逾期不补正"),
        ("办结率达到 100%", "100%", "%", "办结率"),
    ],
)  # fmt: skip
def test_a_label_is_a_short_phrase_of_whole_words(clause: str, figure: str, unit: str, label: str) -> None:
    start = clause.index(figure)
    assert figure_label(clause, start, start + len(figure), unit) == label


def test_the_same_quantity_shares_its_label_and_another_is_told_apart() -> None:
    book = LabelBook()
    requests = "三、收到和处理政府信息公开申请情况"
    assert book.claim("办结", 14, "件", requests) == "办结"
    assert book.claim("办结", 14, "件", "一、总体情况") == "办结"  # the same quantity, said again
    assert book.claim("办结", 2, "件", "四、政府信息公开行政复议、行政诉讼情况") == "办结（复议诉讼）"
    assert book.claim("办结", 3, "件", "四、政府信息公开行政复议、行政诉讼情况") == "办结（第二处）"
    assert book.claim("办结", 5, "次", requests) == "办结次数"  # another measure word
    assert section_name(requests) == "依申请公开" and section_name(None) == ""


def test_two_quantities_of_one_phrase_in_a_draft_get_two_marks() -> None:
    values = ProseValues(by_label={}, tables={}, prior_tables={}, fmt="gb2021", prior_fmt="gb2021", source="")
    ctx = RollContext(prior_year=2024, year=2025, values=values)
    first = roll_text("全年办结申请14件。", ctx, "三、收到和处理政府信息公开申请情况")
    second = roll_text("全年办结申请2件。", ctx, "四、政府信息公开行政复议、行政诉讼情况")
    again = roll_text("办结申请14件。", ctx, "一、总体情况")
    assert [m.label for m in find_marks(first.text + second.text + again.text)] == [
        "办结申请", "办结申请（复议诉讼）", "办结申请",
    ]  # fmt: skip
