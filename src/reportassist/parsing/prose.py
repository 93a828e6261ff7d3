"""Figures stated in sentences ("主动公开政府信息163条"), and totals given with their parts."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from decimal import Decimal

from reportassist.model import Breakdown, ProseFigure
from reportassist.units import PROSE, alternation

__all__ = ["Labeller", "extract_prose_figures", "find_breakdowns", "is_cumulative", "plain_label"]

# (clause, start and end of the figure in it, measure word) -> the figure's label
Labeller = Callable[[str, int, int, str], str]

_FIGURE = re.compile(
    r"(?P<pre>近|约|超过|逾)?\s*"
    r"(?<![\d.〔\[［第/:：\-—~～])(?P<num>\d+(?:\.\d+)?)(?![\d.〕\]］])\s*"
    r"(?P<post>余|多)?\s*"
    rf"(?P<unit>{alternation(PROSE)})"
    r"(?P<post2>以上|左右)?"
)
_SENTENCE_END = re.compile(r"[。！？!?\n]")
# A figure's clause: from the last of these before it (or the figure before it)…
_CLAUSE_START = re.compile(r"[，,。；;：:！？!?\n（()）]")
# …to the first of these after it: "申请41件（含上年结转1件）" is about 41, "7件、自然人29件" about 7.
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?\n（(、]")
_BREAKDOWN_MARKER = re.compile(
    r"[，,；;：:\s]*(其中|分别为|分别是|包括|涉及|按[^，,。；]{0,10}分(?:为)?)[，,：:\s]*"
)
_EXHAUSTIVE_MARKERS = ("分别为", "分别是", "按")
# Words that begin another statement in the same sentence rather than list a part: another verb ("尚未审结1件"
# is a state, one of the parts), another subject (复议 and 诉讼 cases after a list of applications).
_NEW_STATEMENT = re.compile(r"(?<!未)(?:办结|审结)|结转|答复|办理|受理|收到|转办|复议|诉讼")
# A count over the years, not the year's: "历年累计公开3200条", "条例实施以来". Not "今年以来", "全年累计",
# "截至今年底".
_CUMULATIVE = re.compile(r"历年|(?<!截)至今(?!年)|(?<!今年)(?<!本年)(?<!年初)(?<!全年)以来")


def extract_prose_figures(
    body: str, spans: list[tuple[int, int, str]], masked: list[tuple[int, int]], label: Labeller | None = None
) -> list[ProseFigure]:
    """Every 'number + unit' of the body text outside the tables, with its label (made by `label`, by default
    `plain_label`) and sentence."""
    label = label or plain_label
    figures: list[ProseFigure] = []
    for start, end, path in spans:
        text = body[start:end]
        previous_end = 0
        # Where each kind of boundary is, found once: a section of thousands of figures stays linear.
        sentence_ends = _positions(_SENTENCE_END, text)
        clause_starts, clause_ends = _positions(_CLAUSE_START, text), _positions(_CLAUSE_END, text)
        for m in _FIGURE.finditer(text):
            position = start + m.start("num")
            if any(a <= position < b for a, b in masked) or text[: m.start("num")].rstrip().endswith("第"):
                continue  # inside a table, or an ordinal ("第 1023 期")
            qualifier = m.group("pre") or m.group("post") or m.group("post2")
            sentence, _ = _around(text, m.start("num"), sentence_ends, sentence_ends)
            clause, c_start = _around(text, m.start("num"), clause_starts, clause_ends, floor=previous_end)
            previous_end = m.end()
            figures.append(
                ProseFigure(
                    label=label(clause, m.start() - c_start, m.end() - c_start, m.group("unit")),
                    value=_number(m.group("num")),
                    unit=m.group("unit").replace("％", "%"),
                    qualifier=qualifier,
                    sentence=sentence,
                    clause=clause,
                    section=path or None,
                    position=position,
                    raw=m.group(0).strip(),
                )
            )
    return figures


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def _positions(boundary: re.Pattern[str], text: str) -> list[int]:
    """Where the one-character `boundary` occurs in `text`, in order."""
    return [m.start() for m in boundary.finditer(text)]


def _around(
    text: str, index: int, openings: list[int], closings: list[int], floor: int = 0
) -> tuple[str, int]:
    """The stretch of `text` around `index` between the last opening before it and the first
    closing at or after it (positions from `_positions`), starting no earlier than `floor` (the end of
    the figure before, so that "自然人72件、商业企业3件" gives "、商业企业3件")."""
    before = bisect_left(openings, index)
    start = openings[before - 1] + 1 if before else 0
    start = max(start, floor)
    after = bisect_left(closings, index)
    end = closings[after] if after < len(closings) else len(text)
    return text[start:end].strip(), start + (len(text[start:end]) - len(text[start:end].lstrip()))


def plain_label(clause: str, fig_start: int, fig_end: int, unit: str = "") -> str:
    """The words that say what the figure counts: before it, or after it when nothing precedes. Quick, for
    reading reports; a draft names the figures it leaves to fill with `parsing.labels.figure_label`."""
    before = clause[:fig_start].strip().lstrip('、”’"')
    before = re.sub(r"^(?:[其另]中|共计?|合计|总计|累计|全年|今年|本年度?|年内|以来|已|均|及时)+", "", before)
    after = clause[fig_end:].strip()
    if len(re.sub(r"[^\u4e00-\u9fff]", "", before)) >= 2:
        if len(before) <= 24:
            return before
        return re.sub(r"^[\dA-Za-z]+\s*(?:年度?|月)?\s*", "", before[-24:])  # not half a year ("018 年…")
    return (before + after)[:24] or clause[:24]


def is_cumulative(figure: ProseFigure) -> bool:
    """Whether the figure counts over the years ("历年累计…3200条", "自2008年以来，累计…") rather than in the
    report year."""
    if _CUMULATIVE.search(figure.clause):
        return True
    return "累计" in figure.clause and _CUMULATIVE.search(figure.sentence) is not None


def find_breakdowns(body: str, figures: list[ProseFigure]) -> list[Breakdown]:
    """Totals followed by their parts in the same sentence: "共X项，其中a项、b项…".

    The parts end where another statement begins ("…其他处理2件；因政府信息公开引起的行政复议案件2件"), or a
    count over the years ("历年累计…"). Percentages are shares, not parts: "占51.85%" is read as no part, and a
    percentage is no total (rounded shares need not add up to 100).
    """
    breakdowns: list[Breakdown] = []
    for i, total in enumerate(figures):
        if total.unit == "%":
            continue
        m = _FIGURE.match(body, total.position)
        if m is None:
            continue
        marker = _BREAKDOWN_MARKER.match(body, m.end())
        if marker is None:
            continue
        parts: list[int] = []
        for j in range(i + 1, len(figures)):
            part = figures[j]
            if part.sentence != total.sentence or part.position - total.position >= len(total.sentence):
                break
            if set(_NEW_STATEMENT.findall(part.clause)) - set(_NEW_STATEMENT.findall(total.clause)):
                break  # "收到申请7件，其中上年结转1件；办结6件": another statement, not a part
            if is_cumulative(part) and not is_cumulative(total):
                break
            if part.unit == total.unit:
                parts.append(j)
        if len(parts) < 2:
            continue
        word = marker.group(1)
        exhaustive = word.startswith(_EXHAUSTIVE_MARKERS) or any(
            re.search(r"其他|其它", figures[j].clause) for j in parts
        )
        breakdowns.append(Breakdown(total=i, parts=parts, exhaustive=exhaustive))
    return breakdowns
