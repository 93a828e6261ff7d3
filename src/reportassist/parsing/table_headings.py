"""Part headings caught inside a table, put back where they belong.

A table copied one cell per line is recognised from its short lines, and the short heading line
just before it ("三、收到和处理政府信息公开申请情况") reads like one more label cell. A part
heading is no cell: it is lifted out as a heading paragraph and the table split there, so that the
part it opens is found. Only headings that go on with the report's own numbering are lifted: the
"一、主动公开情况" rows of a legacy 附表 restart the numbering and stay in their table.
"""

from __future__ import annotations

import re

from reportassist.parsing.headings import canonical_of, match_heading
from reportassist.readers.base import Block, Paragraph, Table
from reportassist.readers.cells import is_value_text

__all__ = ["lift_headings"]

_NUMERAL = re.compile(r"^\s*([一二三四五六七八九十]+)")
_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def _part_number(text: str) -> int | None:
    """The number of a top-level part heading ("三、…情况" -> 3); None for anything else."""
    match = match_heading(text)
    if match is None or match.level != 1 or match.rest or canonical_of(match.title) is None:
        return None
    numeral = _NUMERAL.match(match.title)
    return _numeral_value(numeral.group(1)) if numeral else None


def _numeral_value(numeral: str) -> int | None:
    if numeral == "十":
        return 10
    if len(numeral) == 1:
        return _DIGITS.get(numeral)
    if numeral.startswith("十"):
        return 10 + _DIGITS.get(numeral[1], 0)
    return None


def lift_headings(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    last = 0  # the number of the last part heading met
    for block in blocks:
        if isinstance(block, Paragraph):
            last = _part_number(block.text) or last
            out.append(block)
            continue
        rows: list[list[str | None]] = []
        for row in block.rows:
            cells = list(row)
            while (cut := _heading_cell(cells, last)) is not None:
                heading = cells[cut] or ""
                out.extend(Paragraph(c) for c in cells[:cut] if c)
                if rows:
                    out.append(Table(rows=rows))
                    rows = []
                out.append(Paragraph(heading, heading=True))
                last = _part_number(heading) or last
                cells = cells[cut + 1 :]
            if cells:
                rows.append(cells)
        if rows:
            out.append(Table(rows=rows))
    return out


def _heading_cell(cells: list[str | None], last: int) -> int | None:
    """The first label cell that is the next part's heading; never a row's own label (the cell
    right before its figures: "一、本年新收政府信息公开申请数量")."""
    for index, cell in enumerate(cells):
        if not cell:
            continue
        if is_value_text(cell):
            return None
        after = next((c for c in cells[index + 1 :] if c), None)
        if after is None or is_value_text(after):
            return None
        number = _part_number(cell)
        if number is not None and number > last:
            return index
    return None
