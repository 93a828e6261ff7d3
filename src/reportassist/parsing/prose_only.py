"""A report's prose alone: the text the reader kept, less the tables that were run into it.

A report read from a web page keeps its tables in the prose, their cells run together ("规章000行政
规范性文件8855698…"). The exports render every table from the figures and a draft writes its own
prose around them, so that text is cut, with the header words the table left just before it; the
reader's own `inline_readings` says where those tables lie. 表三's balance note belongs to the table,
so a line holding only the note is dropped.
"""

from __future__ import annotations

from reportassist.model import Report
from reportassist.parsing.tables import inline_readings
from reportassist.schema import BALANCE_NOTE, TABLE_HEADER_WORDS, tables_for

__all__ = ["prose_only"]


def prose_only(report: Report) -> Report:
    """A copy of the report whose section texts hold prose only."""
    copy = report.model_copy(deep=True)
    body, spans = copy.body()
    fmt = copy.meta.format
    tables = inline_readings(body, tables_for(fmt), skip=set()).spans if fmt else []
    with_text = [section for section in copy.walk_sections() if section.text]
    for section, (start, end, _) in zip(with_text, spans, strict=True):
        cuts = [(max(a, start) - start, min(b, end) - start) for a, b in tables if a < end and b > start]
        section.text = _clean(section.text, cuts)
    return copy


def _clean(text: str, cuts: list[tuple[int, int]]) -> str:
    for a, b in sorted(cuts, reverse=True):
        left, right = text[: _header_start(text, a)].rstrip(" "), text[b:].lstrip(" ")
        glue = " " if left and right and not left.endswith("\n") and not right.startswith("\n") else ""
        text = left + glue + right
    lines = [line for line in text.split("\n") if line.strip() and line.strip() != BALANCE_NOTE]
    return "\n".join(lines)


def _header_start(text: str, start: int) -> int:
    """Where the header words that end just before `start` begin, within its line."""
    line_start = text.rfind("\n", 0, start) + 1
    pos = start
    while pos > line_start:
        found = next(
            (
                p
                for word in TABLE_HEADER_WORDS
                if (p := _word_before(text, line_start, pos, word)) is not None
            ),
            None,
        )
        if found is None:
            break
        pos = found
    return pos


def _word_before(text: str, floor: int, end: int, word: str) -> int | None:
    """The start of `word` ending at `end` (whitespace inside or after it ignored), or None."""
    i = end
    for ch in reversed(word):
        while i > floor and text[i - 1].isspace():
            i -= 1
        if i == floor or text[i - 1] != ch:
            return None
        i -= 1
    return i
