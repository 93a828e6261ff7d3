"""Text pasted in a chat box or saved as .txt: tables copied from Excel (tab-separated), Markdown pipe
tables, lines of numbers, and sentences, told apart line by line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportassist.given_figures.grid import Row, Sheet, SheetCell
from reportassist.given_figures.values import is_value

__all__ = ["Pasted", "split_pasted"]

_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_MARKS = re.compile(r"[，。；：！？]")


@dataclass
class Pasted:
    grids: list[Sheet] = field(default_factory=list)
    prose: str = ""  # the lines that are not table rows, one per line


def split_pasted(text: str) -> Pasted:
    result = Pasted()
    prose: list[str] = []
    rows: list[Row] = []

    def close() -> None:
        if any(rows):
            result.grids.append(Sheet(rows=tuple(rows)))
        rows.clear()

    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if "|" in line and _PIPE_SEPARATOR.match(line):
            continue  # the rule under a Markdown table's header
        cells = _cells(line)
        if cells is None and rows and not re.search(r"\d", line) and not _SENTENCE_MARKS.search(line):
            cells = [line.strip()]  # a row label on its own line ("三、本年度办理结果") inside a table
        if cells is None:
            close()
            prose.append(line)
        elif cells:
            rows.append(tuple(SheetCell(text=t, row=number, column=i) for i, t in enumerate(cells, 1)))
        elif rows:
            rows.append(())  # an empty line: the tables before and after it are apart
    close()
    result.prose = "\n".join(prose).strip()
    return result


def _cells(line: str) -> list[str] | None:
    """The cells of a table row; [] for an empty line; None for a line of text."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    stripped = line.strip()
    if not stripped:
        return []
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    tokens = stripped.split()
    if _SENTENCE_MARKS.search(stripped):
        return None
    # "21 5 0 0 1 0 27" or "规章 0 0 0": labels first, then figures only.
    first_value = next((i for i, t in enumerate(tokens) if is_value(t)), None)
    if first_value is None or not all(is_value(t) for t in tokens[first_value:]):
        return None
    return tokens
