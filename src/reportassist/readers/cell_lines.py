"""Tables copied out of a web page one cell per line.

Copying a table from a browser into plain text often gives every cell its own line: a row's label,
then each figure on a line of its own, a blank cell as an empty line, sometimes a separator the
browser left after a cell or a row ("38 |", "||"), sometimes two or three line breaks between
cells where one was meant. A run of short lines with enough bare figures in it is such a table:
its rows are read back as label lines followed by the value lines up to the next label.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from reportassist.readers.base import Table
from reportassist.readers.cells import is_value_text
from reportassist.readers.spaced_rows import ROW_LINE

__all__ = ["CellRun", "cell_runs"]

# Fewer bare figures than this, each on its own line, is a list or a signature, not a table.
_MIN_VALUES = 4
# A label cell is short and is no sentence.
_LABEL_MAX = 40
_SEPARATOR = re.compile(r"^[|｜\s]*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|.*\|")  # a Markdown row of several cells: not one cell


@dataclass(frozen=True)
class CellRun:
    """Lines `start` to `stop` (exclusive) of a text are the table `table`."""

    start: int
    stop: int
    table: Table


def _kind(line: str, ignorable: Callable[[str], bool]) -> str:
    """'blank', 'skip' (a separator, a page number), 'value', 'label' or 'text' (a sentence, a Markdown row)."""
    stripped = line.strip()
    if not stripped:
        return "blank"
    if _SEPARATOR.match(stripped) or ignorable(stripped):
        return "skip"
    if _PIPE_ROW.match(stripped) or "\t" in stripped or ROW_LINE.match(stripped):
        return "text"  # a Markdown row, a row pasted from Excel, a row with its figures on one line
    cell = stripped.strip("|｜").strip()
    if is_value_text(cell):
        return "value"
    if len(cell) <= _LABEL_MAX and "。" not in cell and cell[-1] not in "；;！？!?，,":
        return "label"
    return "text"


def cell_runs(lines: list[str], ignorable: Callable[[str], bool]) -> list[CellRun]:
    """The one-cell-per-line tables among `lines`, in order."""
    kinds = [_kind(line, ignorable) for line in lines]
    runs: list[CellRun] = []
    i = 0
    while i < len(lines):
        if kinds[i] == "text":
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] != "text":
            j += 1
        values = [k for k in range(i, j) if kinds[k] == "value"]
        labels = [k for k in range(i, j) if kinds[k] == "label"]
        if len(values) >= _MIN_VALUES and labels and labels[0] < values[-1]:
            start = next(k for k in range(i, j) if kinds[k] in ("label", "value"))
            stop = values[-1] + 1
            runs.append(CellRun(start, stop, Table(rows=_rows(lines[start:stop], kinds[start:stop]))))
        i = j
    return runs


def _rows(lines: list[str], kinds: list[str]) -> list[list[str | None]]:
    """Group cell lines into rows: the label lines of a row, then its value and blank cells."""
    cells = _cells(lines, kinds)
    rows: list[list[str | None]] = []
    labels: list[str | None] = []
    values: list[str | None] = []
    for kind, text in cells:
        if kind == "value" and len(text.split()) > 1:  # "163 1482": two cells on one line
            values.extend(text.split())
            continue
        if kind == "label":
            if values:
                rows.append(labels + values)
                labels, values = [], []
            labels.append(text)
        else:
            values.append(text)
    if values:
        rows.append(labels + values)
    return rows


def _cells(lines: list[str], kinds: list[str]) -> list[tuple[str, str]]:
    """The cells in order, as (kind, text), with the blank cells the empty lines stand for.

    Where every pair of cells is at least `unit` line breaks apart (a copy that doubled or tripled
    the breaks), a blank cell is `unit` more breaks, not one.
    """
    filled = [
        (index, kind, line.strip().strip("|｜").strip())
        for index, (kind, line) in enumerate(zip(kinds, lines))
        if kind in ("label", "value")
    ]
    gaps = [b[0] - a[0] - _skipped(kinds, a[0], b[0]) for a, b in itertools.pairwise(filled)]
    unit = min(gaps, default=1)
    cells: list[tuple[str, str]] = []
    for n, (_, kind, text) in enumerate(filled):
        if n:
            cells.extend([("value", "")] * (gaps[n - 1] // unit - 1))
        cells.append((kind, text))
    return cells


def _skipped(kinds: list[str], start: int, stop: int) -> int:
    """Separator and page-number lines between two cells: they are no blank cells."""
    return sum(1 for k in kinds[start + 1 : stop] if k == "skip")
