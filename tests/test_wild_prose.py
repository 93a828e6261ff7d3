"""Prose as staff of other agencies write it: read without false alarms, and a changed figure still found.

A 其中 list that runs on into another statement, "尚未审结N件" as one of the parts, shares ("占51.85%"), 历年累计
beside the year's figures, a sentence about a sub-unit against the tables of the whole district; and every way of
saying that no 信息处理费 was charged. Each variant is a sentence in the consistent fictional report
fixtures/gb2021-2023.md (示例市科学技术局), or in that report made a district's (`_district`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reportassist import Report, read_report, validate
from reportassist.parsing.claims import find_claims

FIXTURES = Path(__file__).parent / "fixtures"
BASE = (FIXTURES / "gb2021-2023.md").read_text(encoding="utf-8")
# The sentences of the base report that a variant replaces.
OVERVIEW = "本年度共收到政府信息公开申请7件，其中上年结转1件；办结6件，1件结转下年度继续办理。"
FEES = "2023年，本机关未收取信息处理费。"


def _district() -> str:
    """The base report made a district's (示例区人民政府), its overview written as in the wild: a sub-unit's
    figures, a 其中 list running on into the cases, shares, 历年累计, 尚未审结 as a part; fees in other words."""
    text = BASE.replace("示例市科学技术局", "示例区人民政府").replace("示例市示例大道", "示例区示例大道")
    text = _replaced(
        text,
        "全年主动公开政府信息185条，集中公开现行有效行政规范性文件25件。" + OVERVIEW,
        (
            "全年主动公开政府信息185条，其中机构职能10条、政策文件25条、工作动态150条，历年累计主动公开政府信息3200条。"
            "集中公开现行有效行政规范性文件25件。\n\n"
            "（二）依申请公开。全区共收到政府信息公开申请7件，其中自然人6件，占85.71%；商业企业1件，占14.29%。"
            "本年度办结政府信息公开申请6件，其中予以公开4件、部分公开1件、无法提供1件；"
            "因政府信息公开引起的行政复议案件2件、行政诉讼案件0件。自2008年以来，累计收到政府信息公开申请120件。"
            "区教育局收到政府信息公开申请3件，办结3件。\n\n"
            "（三）复议诉讼。因政府信息公开被申请行政复议2件，其中结果维持1件、其他结果0件、尚未审结1件。"
        ),
    )
    text = _replaced(text, "（二）依申请公开。严格按照法定时限答复", "（四）规范答复。严格按照法定时限答复")
    return _replaced(text, FEES, "2023年，本机关未向申请人收取任何费用。")


def _read(tmp_path: Path, text: str) -> Report:
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def _replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _rules(report: Report, severity: str) -> list[str]:
    return [f.rule for f in validate(report).findings if f.severity == severity]


def _breakdowns(report: Report) -> list[tuple[str, list[str]]]:
    """Each breakdown read, as the total and the parts written."""
    figures = report.prose_figures
    return [(figures[b.total].raw, [figures[i].raw for i in b.parts]) for b in report.breakdowns]


@dataclass(frozen=True)
class Variant:
    id: str
    sentence: str  # agrees with the tables of the base report
    breakdowns: list[tuple[str, list[str]]]  # what the sentence is read to break down
    change: tuple[str, str]  # one figure of the sentence made wrong…
    errors: list[str]  # …and the rules that find it


VARIANTS = [
    Variant(
        "run_on_into_cases",
        "本年度共收到政府信息公开申请7件，办结6件，其中予以公开4件、部分公开1件、无法提供1件；"
        "因政府信息公开引起的行政复议案件2件、行政诉讼案件0件。",
        [("6件", ["4件", "1件", "1件"])],
        ("予以公开4件", "予以公开5件"),
        ["text.table_mismatch", "text.breakdown_sum"],
    ),
    Variant(
        "run_on_closed_by_other",
        "本年度办结政府信息公开申请6件，其中予以公开4件、部分公开1件、其他处理1件；"
        "因政府信息公开引起的行政复议案件2件、行政诉讼案件0件。",
        [("6件", ["4件", "1件", "1件"])],
        ("其他处理1件", "其他处理2件"),
        ["text.breakdown_sum"],
    ),
    Variant(
        "run_on_case_count_checked",
        "本年度办结政府信息公开申请6件，其中予以公开4件、部分公开1件、其他处理1件；"
        "因政府信息公开引起的行政复议案件2件、行政诉讼案件0件。",
        [("6件", ["4件", "1件", "1件"])],
        ("行政复议案件2件", "行政复议案件3件"),
        ["text.table_mismatch"],
    ),
    Variant(
        "pending_review_is_a_part",
        "因政府信息公开被申请行政复议2件，其中结果维持1件、其他结果0件、尚未审结1件。",
        [("2件", ["1件", "0件", "1件"])],
        ("尚未审结1件", "尚未审结2件"),
        ["text.breakdown_sum"],
    ),
    Variant(
        "unfinished_application_is_a_part",
        "本年度共收到政府信息公开申请7件，其中予以公开4件、部分公开1件、无法提供1件、尚未办结1件。",
        [("7件", ["4件", "1件", "1件", "1件"])],
        ("尚未办结1件", "尚未办结3件"),
        ["text.breakdown_sum"],
    ),
    Variant(
        "shares_are_no_parts",
        "本年度共收到政府信息公开申请7件，其中自然人6件，占85.71%；商业企业1件，占14.29%。",
        [("7件", ["6件", "1件"])],
        ("商业企业1件", "商业企业2件"),
        ["text.table_mismatch", "text.breakdown_sum"],
    ),
    Variant(
        "rounded_shares_add_to_no_total",
        "依申请公开答复率100%，其中予以公开占66.67%、部分公开占16.67%、其他占16.67%。本年度办结政府信息公开申请6件。",
        [],
        ("申请6件", "申请5件"),
        ["text.table_mismatch"],
    ),
    Variant(
        "cumulative_beside_the_year",
        "2023年主动公开政府信息185条，其中机构职能10条、政策文件25条、工作动态150条，历年累计主动公开政府信息3200条。",
        [("185条", ["10条", "25条", "150条"])],
        ("工作动态150条", "工作动态160条"),
        ["text.breakdown_sum"],
    ),
    Variant(
        "cumulative_is_no_year_figure",
        "历年累计收到政府信息公开申请120件。自2008年以来，累计收到政府信息公开申请120件。全年累计收到政府信息公开申请7件。"
        "截至今年12月31日，现行有效行政规范性文件25件。",
        [],
        ("全年累计收到政府信息公开申请7件", "全年累计收到政府信息公开申请9件"),
        ["text.table_mismatch"],
    ),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_a_consistent_variant_is_read_without_error(tmp_path: Path, variant: Variant) -> None:
    report = _read(tmp_path, _replaced(BASE, OVERVIEW, variant.sentence))
    assert _breakdowns(report) == variant.breakdowns
    assert _rules(report, "error") == []
    assert _rules(report, "warning") == []


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_a_changed_figure_in_the_variant_is_found(tmp_path: Path, variant: Variant) -> None:
    sentence = _replaced(variant.sentence, *variant.change)
    report = _read(tmp_path, _replaced(BASE, OVERVIEW, sentence))
    assert _rules(report, "error") == variant.errors


# ------------------------------------------------------------------------- a sub-unit in a district's report


def test_the_district_report_has_no_error_and_says_which_sentence_is_about_a_sub_unit(tmp_path: Path) -> None:
    report = _read(tmp_path, _district())
    assert report.meta.agency == "示例区人民政府"
    assert _rules(report, "error") == []
    scope = [f for f in validate(report).findings if f.rule == "text.scope"]
    assert [f.severity for f in scope] == ["warning", "warning"]
    assert all("区教育局" in f.message and "示例区人民政府" in f.message for f in scope)
    assert [f.location.sentence for f in scope] == ["区教育局收到政府信息公开申请3件，办结3件"] * 2


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("全区共收到政府信息公开申请7件", "全区共收到政府信息公开申请9件", "text.table_mismatch"),
        ("办结政府信息公开申请6件", "办结政府信息公开申请5件", "text.table_mismatch"),
        ("其中结果维持1件、其他结果0件", "其中结果维持2件、其他结果0件", "text.breakdown_sum"),
    ],
)
def test_a_changed_figure_of_the_district_itself_is_still_an_error(
    tmp_path: Path, old: str, new: str, rule: str
) -> None:
    assert rule in _rules(_read(tmp_path, _replaced(_district(), old, new)), "error")


@pytest.mark.parametrize(
    "sentence",
    [
        "示例区人民政府收到政府信息公开申请9件。",
        "区政府收到政府信息公开申请9件。",
        "我区各部门共收到政府信息公开申请9件。",
    ],
)
def test_the_district_naming_itself_is_checked(tmp_path: Path, sentence: str) -> None:
    report = _read(tmp_path, _replaced(_district(), "（四）规范答复。", sentence + "（四）规范答复。"))
    assert _rules(report, "error") == ["text.table_mismatch"]


def test_a_sub_unit_sentence_that_agrees_with_the_tables_says_nothing(tmp_path: Path) -> None:
    text = _replaced(
        _district(),
        "区教育局收到政府信息公开申请3件，办结3件。",
        "区教育局收到政府信息公开申请6件，办结6件。",
    )
    assert validate(_read(tmp_path, text)).findings == []


# ------------------------------------------------------------------------------------------ fee statements

NO_FEE = [
    "未收取信息公开处理费。",
    "2023年，本机关没有收取信息处理费。",
    "本机关不存在收费情况。",
    "本年度未收取任何费用。",
    "本年度无信息处理费收费情况。",
    "本年度收取信息处理费0元。",
    "本年度信息处理费收费0次，收费金额0元。",
    "2023年度，本机关政府信息公开未发生收费情况。",
    "本年度未向申请人收取任何费用。",
    "本年度免收信息处理费。",
    "本年度信息处理费为0。",
]
FEE_CHARGED = [
    "本年度收取信息处理费2次，共计300元。",
    "本年度对3件申请收取信息处理费，金额0.06万元。",
    "本年度收取信息处理费100元。",
    "仅对1件申请收取信息处理费，其余均未收取。",
    "本年度行政事业性收费0万元，收取信息处理费1次。",
]


def _fee_claims(text: str) -> list[str]:
    return [found.claim.id for found in find_claims(text, "gb2021") if found.claim.id == "no_processing_fee"]


@pytest.mark.parametrize("statement", NO_FEE)
def test_no_fee_is_read_however_it_is_said(tmp_path: Path, statement: str) -> None:
    assert _fee_claims(statement) == ["no_processing_fee"]
    report = _read(tmp_path, _replaced(BASE, FEES, statement))
    assert validate(report).findings == []


@pytest.mark.parametrize("statement", FEE_CHARGED)
def test_fees_charged_are_not_read_as_none_and_need_no_warning(tmp_path: Path, statement: str) -> None:
    assert _fee_claims(statement) == []
    report = _read(tmp_path, _replaced(BASE, FEES, statement))
    assert validate(report).findings == []


@pytest.mark.parametrize("statement", ["无其他需要报告的事项。", "本机关没有专项经费用于政府信息公开。"])
def test_a_section_that_says_nothing_of_the_fee_is_still_warned(tmp_path: Path, statement: str) -> None:
    assert _fee_claims(statement) == []
    report = _read(tmp_path, _replaced(BASE, FEES, statement))
    assert _rules(report, "warning") == ["fees.statement"]
