"""Tables extracted from a PDF as text: one row per line, cells a space apart.

Text pulled out of a PDF (or typed as plain text) prints a table row as its label followed by its
figures: "一、本年新收政府信息公开申请数量 38 2 0 0 0 1 41", "主动公开文件数 条 163 1482". The spaces
are the cell boundaries, which is worth keeping: such a row is a table row with atomic cells, not
a run of digits whose boundaries are lost.
"""

from __future__ import annotations

import re

from reportassist.readers.base import Table

__all__ = ["ROW_LINE", "row_runs"]

_VALUE = r"(?:[+\-−]?\d+(?:\.\d+)?%?|[/／—－-]+)"
# A label with a Chinese word in it, then at least two figures a space apart.
ROW_LINE = re.compile(
    rf"^\s*(?P<label>(?:\d{{1,2}}[.．、]|[^\s\d]).{{0,60}}?[\u3400-\u9fff）)”\"])\s+"
    rf"(?P<values>{_VALUE}(?:\s+{_VALUE})+)\s*$"
)
_SENTENCE = re.compile(r"[。；！？]")


def _row(line: str) -> list[str | None] | None:
    if "\t" in line or line.lstrip().startswith("|"):
        return None  # pasted from Excel or Markdown: the other readers know their blank cells
    match = ROW_LINE.match(line)
    if match is None or _SENTENCE.search(match.group("label")):
        return None
    return [match.group("label").strip(), *match.group("values").split()]


def row_runs(lines: list[str]) -> dict[int, tuple[int, Table]]:
    """Runs of row lines, by first line: (the line after the run, the table)."""
    runs: dict[int, tuple[int, Table]] = {}
    i = 0
    while i < len(lines):
        rows: list[list[str | None]] = []
        j = i
        while j < len(lines) and (row := _row(lines[j])) is not None:
            rows.append(row)
            j += 1
        if rows and (len(rows) >= 2 or len(rows[0]) >= 4):
            runs[i] = (j, Table(rows=rows))
            i = j
        else:
            i = max(j, i + 1)
    return runs
