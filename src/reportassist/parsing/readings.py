"""What table figure a sentence may mean: "收到申请75件" is 新收 alone or 新收 + 上年结转.

Staff write loosely; a sentence agrees with the tables when any reading its words allow
matches (formats.md). Each entry: words that must appear in the clause (and, for some, in the
sentence), the units that fit, and the readings as tuples of keys whose sum is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportassist.model import ProseFigure, ReportFormat
from reportassist.parsing.prose import is_cumulative
from reportassist.schema import CUMULATIVE, T3_COLUMNS
from reportassist.units import AMOUNT, TABLE_COUNT

__all__ = ["other_body", "readings_for"]

_COUNT_UNITS = frozenset(TABLE_COUNT)
# 表三's applicant columns that a sentence names on its own (其他 is too common a word to stand for one).
_T3_COLS = {column: name for column, name in T3_COLUMNS if column not in ("other", "total")}
_DENIED = tuple(
    f"t3.denied.{r}.total"
    for r in ("secret", "law", "safety", "third_party", "internal", "process", "enforcement", "query")
)
_UNABLE = tuple(f"t3.unable.{r}.total" for r in ("not_held", "must_create", "unclear"))
_REJECTED = tuple(
    f"t3.rejected.{r}.total" for r in ("petition", "repeat", "publication", "massive", "confirm")
)


@dataclass(frozen=True)
class _Entry:
    clause: str  # regular expression the clause must match
    readings: tuple[tuple[str, ...], ...]
    formats: tuple[ReportFormat, ...] = ("gb2019", "gb2021")
    sentence: str | None = None  # regular expression the sentence must match
    not_clause: str | None = None
    not_sentence: str | None = None
    topic: str | None = None  # regular expression the sentence or its section's heading must match
    units: frozenset[str] = _COUNT_UNITS


# Sentences about applications (表三): not those about 复议/诉讼 cases, which mention 申请 too.
_APPLICATION = "申请"
_CASES = "复议|诉讼"


def _t4(groups: tuple[tuple[str, ...], ...], column: str) -> tuple[tuple[str, ...], ...]:
    """Readings of a 表四 figure: for each way of grouping, the keys of `column` summed."""
    return tuple(tuple(f"{g}.{column}" for g in group) for group in groups)


_GB_ENTRIES: tuple[_Entry, ...] = (
    _Entry(r"上年结转", (("t3.carried_in.total",),), sentence=_APPLICATION, not_sentence=_CASES),
    _Entry(r"结转(?:至|到)?下一?年|转入下一?年", (("t3.carried_out.total",),)),
    _Entry(r"部分公开", (("t3.partial.total",),), sentence=_APPLICATION, not_sentence=_CASES),
    _Entry(r"不予公开", (_DENIED,), sentence=_APPLICATION, not_sentence=_CASES),
    _Entry(r"无法提供", (_UNABLE,), sentence=_APPLICATION, not_sentence=_CASES),
    _Entry(r"不予处理", (_REJECTED,), sentence=_APPLICATION, not_sentence=_CASES),
    _Entry(
        r"予以公开|同意公开",
        (("t3.granted.total",),),
        sentence=_APPLICATION,
        not_sentence=_CASES,
        not_clause=r"不予|部分",
    ),
    _Entry(r"新收", (("t3.new.total",),), sentence=_APPLICATION, not_sentence=_CASES),
    _Entry(
        r"收到|受理|接收|共收|收悉",
        (("t3.new.total",), ("t3.new.total", "t3.carried_in.total")),
        sentence=_APPLICATION,
        not_sentence=_CASES,
        topic="公开",
        not_clause=r"复议|诉讼|信访|投诉|咨询|留言|来信|建议|提案|许可|审批",
    ),
    _Entry(
        r"逾期不补正",
        (("t3.other.no_correction.total",),),
        formats=("gb2021",),
        sentence=_APPLICATION,
        not_sentence=_CASES,
    ),
    _Entry(
        r"逾期未(?:按收费通知要求)?缴纳",
        (("t3.other.no_fee.total",),),
        formats=("gb2021",),
        not_sentence=_CASES,
    ),
    _Entry(
        r"(?<!未)(?:办结|办理完毕|答复完毕|处理完毕)",  # "尚未办结1件" is not （七）总计
        (("t3.handled.total",),),
        sentence=_APPLICATION,
        not_sentence=_CASES,
    ),
    *(
        _Entry(
            label,
            ((f"t3.new.{col}",), (f"t3.new.{col}", f"t3.carried_in.{col}")),
            sentence=_APPLICATION,
            not_sentence=_CASES,
        )
        for col, label in _T3_COLS.items()
    ),
    *(
        _Entry(rf"(?:{words}).*(?:{outcome})|(?:{outcome}).*(?:{words})", readings, not_clause=other)
        for words, other, group_keys in (
            ("行政复议|复议", "诉讼", (("t4.review",),)),
            (
                "行政诉讼|诉讼",
                "复议",
                (("t4.suit_direct", "t4.suit_after"), ("t4.suit_direct",), ("t4.suit_after",)),
            ),
        )
        for outcome, readings in (
            (r"纠正|撤销|责令|确认违法", _t4(group_keys, "corrected")),
            (r"维持|驳回", _t4(group_keys, "upheld")),
            (r"尚未审结|未审结|审理中|未结", _t4(group_keys, "pending")),
        )
    ),
    _Entry(r"行政复议", _t4((("t4.review",),), "total"), not_clause=r"诉讼"),
    _Entry(
        r"行政诉讼",
        _t4((("t4.suit_direct", "t4.suit_after"), ("t4.suit_direct",), ("t4.suit_after",)), "total"),
        not_clause=r"复议",
    ),
    _Entry(r"现行有效.*规范性文件|规范性文件.*现行有效", (("t2.normative.in_force",),), formats=("gb2021",)),
    _Entry(
        r"(?:制发|印发|出台|发布).*规范性文件",
        (("t2.normative.issued",),),
        formats=("gb2021",),
        not_clause="废止",
    ),
    _Entry(r"废止.*规范性文件|规范性文件.*废止", (("t2.normative.repealed",),), formats=("gb2021",)),
    _Entry(r"现行有效.*规章|规章.*现行有效", (("t2.regulations.in_force",),), formats=("gb2021",)),
    _Entry(
        r"(?:制发|印发|出台|发布).*规章",
        (("t2.regulations.issued",),),
        formats=("gb2021",),
        not_clause="废止",
    ),
    _Entry(r"行政许可.*决定|许可决定", (("t2.licensing.decisions",),)),
    _Entry(r"行政处罚.*决定|处罚决定", (("t2.penalty.decisions",),)),
    _Entry(r"行政强制.*决定|强制决定", (("t2.coercion.decisions",),)),
    _Entry(r"收费", (("t2.fees.amount",),), formats=("gb2021",), units=frozenset(AMOUNT)),
)

_LEGACY_ENTRIES: tuple[_Entry, ...] = (
    _Entry(
        r"累计.*主动公开|主动公开.*累计",
        (("legacy.active.total" + CUMULATIVE,),),
        formats=("legacy",),
        not_clause=r"其他|类",
    ),
    _Entry(
        r"主动公开(?:了)?(?:政府)?(?:信息|文件)",
        (("legacy.active.total",),),
        formats=("legacy",),
        not_clause=r"其他|类",
    ),
    _Entry(
        r"(?:受理|收到).*申请|申请.*(?:受理|收到)",
        (("legacy.requests.total",),),
        formats=("legacy",),
        not_clause="复议|诉讼",
    ),
    _Entry(
        r"答复", (("legacy.replies.total",),), formats=("legacy",), sentence=_APPLICATION, not_sentence=_CASES
    ),
    _Entry(r"行政复议", (("legacy.reviews",),), formats=("legacy",), not_clause="诉讼"),
    _Entry(r"行政诉讼", (("legacy.suits",),), formats=("legacy",), not_clause="复议"),
)


def readings_for(figure: ProseFigure, fmt: ReportFormat | None) -> tuple[tuple[str, ...], ...]:
    """The table readings a prose figure may have; empty when it names no table figure."""
    if fmt is None or figure.unit not in _COUNT_UNITS | set(AMOUNT):
        return ()
    entries = _LEGACY_ENTRIES if fmt == "legacy" else _GB_ENTRIES
    cumulative = is_cumulative(figure)  # "历年累计收到申请120件" is no figure of the year's tables
    for entry in entries:
        if fmt not in entry.formats or figure.unit not in entry.units:
            continue
        if cumulative and not all(k.endswith(CUMULATIVE) for reading in entry.readings for k in reading):
            continue
        if not re.search(entry.clause, figure.clause):
            continue
        if entry.not_clause and re.search(entry.not_clause, figure.clause):
            continue
        if entry.sentence and not re.search(entry.sentence, figure.sentence):
            continue
        if entry.not_sentence and re.search(entry.not_sentence, _said_by(figure)):
            continue
        if entry.topic and not re.search(entry.topic, f"{figure.sentence} {figure.section or ''}"):
            continue
        return entry.readings
    return ()


# A body named as the subject of a statement: "区教育局收到申请3件", "2023年度，县发展和改革局主动公开…".
_BODY = re.compile(
    r"(?:^|(?<=[，,；;：:、）)\s]))(?:本年度?|今年|全年|年内|\d{4}\s*年度?)?"
    r"(?P<body>[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办公室|中心|街道办事处|街道|管委会|政府|镇|乡))"
    r"(?:全年|本年度?|今年|年内|共计?|累计|已|依法)*"
    r"(?:收到|受理|接收|办结|答复|办理|处理|主动公开|公开|发布|制发|印发)"
)
# Words for the reporting body itself or for all of it ("全区各部门"), which the tables cover.
_WHOLE = re.compile(r"^[本我全]|各")


def other_body(figure: ProseFigure, agency: str | None) -> str | None:
    """The body other than `agency` that the figure's sentence speaks of ("区教育局收到申请3件" in the report
    of 示例区人民政府, whose tables are the whole district's), or None. A name is the agency's own when its
    characters occur in the agency's name in order ("市科技局" for 示例市科学技术局); with no agency known
    nothing is said to be another's."""
    if not agency:
        return None
    for m in _BODY.finditer(_said_by(figure)):
        name = m.group("body")
        if not _WHOLE.search(name) and not _in_order(name, agency):
            return name
    return None


def _in_order(name: str, agency: str) -> bool:
    """Whether the characters of `name` occur in `agency` in the same order."""
    rest = iter(agency)
    return all(char in rest for char in name)


def _said_by(figure: ProseFigure) -> str:
    """The sentence up to the end of the figure's clause: what it says is said by then, and a statement that
    follows ("…无法提供1件；因政府信息公开引起的行政复议案件2件") changes nothing of it."""
    end = figure.sentence.find(figure.clause)
    return figure.sentence[: end + len(figure.clause)] if end >= 0 else figure.sentence
