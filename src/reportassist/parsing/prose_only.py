"""A report's prose alone: the text the reader kept, less the tables that were run into it.

A report read from a web page keeps its tables in the prose, their cells run together ("规章000行政
规范性文件8855698…"). The parser reads those tables (`tables.inline_readings` says where they lie) and then
cuts them from the sections' texts here, with the header words the table left just before it, so that every
consumer (the prose reader, the corpus, the drafter, the exports) sees prose only. 表三's balance note
belongs to the table, so a line holding only the note is dropped.
"""

from __future__ import annotations

from reportassist.model import Report
from reportassist.schema import BALANCE_NOTE, TABLE_HEADER_WORDS

__all__ = ["cut_tables"]


def cut_tables(report: Report, tables: list[tuple[int, int]]) -> None:
    """Cut the spans `tables` of the report's body (`Report.body`) out of its sections' texts, in place, and
    the lines that hold only 表三's balance note (a table's, wherever the table itself was read from)."""
    _, spans = report.body()
    with_text = [section for section in report.walk_sections() if section.text]
    for section, (start, end, _) in zip(with_text, spans, strict=True):
        cuts = [(max(a, start) - start, min(b, end) - start) for a, b in tables if a < end and b > start]
        section.text = _clean(section.text, cuts)


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
