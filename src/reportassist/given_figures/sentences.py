"""Figures said in Chinese sentences: "本年新收申请5件，其中自然人3件、商业企业2件；予以公开4件…".

The report parser's own pieces find the figures (`extract_prose_figures`, `find_breakdowns`) and say
which table figures the words may mean (`readings_for`). For input a figure is placed only when
exactly one reading fits; a breakdown by applicant type ("其中自然人3件") gives the cells of the row
whose total it breaks down. A figure that names no table figure is a prose figure, under the label
the extractor gives it.
"""

from __future__ import annotations

import re
from typing import Literal

from reportassist.given_figures.collect import Collector
from reportassist.model import ProseFigure, ReportFormat
from reportassist.parsing.prose import extract_prose_figures, find_breakdowns
from reportassist.parsing.readings import readings_for
from reportassist.schema import T3_COLUMNS, T4_GROUPS, label_of

__all__ = ["read_sentences"]

# The section the sentences are taken to stand in: figures supplied for the annual report on
# government information disclosure (some readings need the topic "公开" in the sentence or section).
_CONTEXT = "政府信息公开工作年度报告"
_APPLICANT = {label: name for name, label in T3_COLUMNS if name != "total"}
_APPLICANT_LABEL = re.compile(rf"^(?:由|为|是)?({'|'.join(_APPLICANT)})(?:提出|提交|的|申请)*$")
_T3_TOTAL = re.compile(r"^t3\.(.+)\.total$")
_T4_TOTAL = re.compile(r"^t4\.(\w+)\.total$")
_T4_GROUP_WORDS = dict(T4_GROUPS)


def read_sentences(text: str, out: Collector) -> None:
    figures = extract_prose_figures(text, [(0, len(text), _CONTEXT)], [])
    readings = [readings_for(f, out.format) for f in figures]
    # A part of a breakdown -> its total, and the key the total's row gives it (None: the row is unknown).
    by_breakdown: dict[int, tuple[int, str | None]] = {}
    for breakdown in find_breakdowns(text, figures):
        total = _single(readings[breakdown.total])
        for part in breakdown.parts:
            if (found := _part_key(total, figures[part], out.format)) is not False:
                by_breakdown[part] = (breakdown.total, found)
    for index, figure in enumerate(figures):
        place = f"“{figure.sentence.strip()}”"
        if index in by_breakdown:
            total_index, key = by_breakdown[index]
            if key is None:
                out.unplaced(
                    figure.clause,
                    place,
                    f"这是按申请人类型列出的数字，但它所属的“{figures[total_index].clause}”可以有多种理解，"
                    "无法确定是表三哪一行",
                )
            else:
                out.table(key, str(figure.value), place)
            continue
        _place(figure, readings[index], place, out)


def _place(figure: ProseFigure, readings: tuple[tuple[str, ...], ...], place: str, out: Collector) -> None:
    if not readings:
        out.prose(figure.label or figure.clause, str(figure.value), place)
        return
    if figure.approximate:
        out.unplaced(figure.clause, place, f"这是约数（“{figure.qualifier}”），表格需要确切的数字")
        return
    if len(readings) == 1 and len(readings[0]) == 1:
        out.table(readings[0][0], str(figure.value), place)
        return
    if len(readings) == 1 and figure.value == 0:
        for key in readings[0]:  # counts are never negative: a sum of 0 makes every part 0
            out.table(key, "0", place)
        return
    named = [_reading_name(r) for r in readings]
    if len(readings) == 1:
        reason = f"这是{named[0]}，不能拆到单个格子；请直接填写各项"
    else:
        options = "；".join(f"{i}. {n}" for i, n in enumerate(named, 1))
        reason = f"可以有 {len(readings)} 种理解（{options}），无法确定是哪一种；请直接填写表格数字"
    out.unplaced(figure.clause, place, reason, [" + ".join(r) for r in readings])


def _reading_name(keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return label_of(keys[0])
    if len(keys) == 2:
        return f"{label_of(keys[0])}与{label_of(keys[1])}之和"
    return f"{label_of(keys[0])}等 {len(keys)} 项之和"


def _single(readings: tuple[tuple[str, ...], ...]) -> str | None:
    """The one key a figure means, when it has exactly one reading of one key."""
    return readings[0][0] if len(readings) == 1 and len(readings[0]) == 1 else None


def _part_key(total: str | None, part: ProseFigure, fmt: ReportFormat) -> str | None | Literal[False]:
    """The cell a breakdown's part gives in its total's row: "其中自然人3件" of 新收 is t3.new.natural,
    "其中维持1件" of 行政复议 is t4.review.upheld. None: it names an applicant type but the total's row is
    unknown; False: the part is read on its own."""
    column = _applicant(part)
    if column is not None:
        m = _T3_TOTAL.match(total or "")
        return f"t3.{m.group(1)}.{column}" if m else None
    m = _T4_TOTAL.match(total or "")
    if m is None:
        return False
    said = part.model_copy(update={"clause": _T4_GROUP_WORDS[m.group(1)] + part.clause})
    key = _single(readings_for(said, fmt))
    return key if key is not None and key.startswith(f"t4.{m.group(1)}.") else False


def _applicant(figure: ProseFigure) -> str | None:
    """The 表三 column a breakdown's part names ("其中自然人3件" -> natural)."""
    m = _APPLICANT_LABEL.match(figure.label)
    return _APPLICANT[m.group(1)] if m else None
