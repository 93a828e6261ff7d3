"""Plain-text export, for pasting into a website's content system or a mail.

Tables are tab-separated rows, not columns aligned with spaces: a tab is what Excel, WPS and most
web editors take as a cell boundary when text is pasted into a table, and it is what the project's
text reader reads back as a table, cell by cell. Spaces would run the cells together again, which
is the very damage (figures of neighbouring cells read as one number) that copied web tables show.
A row that spans the whole table (表二's "第二十条第（一）项") is written as a line of its own: a
tab-separated table starts at a row with a tab between two cells.
"""

from __future__ import annotations

from reportassist.exporters.layouts import TableLayout, layout
from reportassist.exporters.plan import Closing, Heading, TableBlock, Text, Title, plan
from reportassist.model import Report

__all__ = ["to_text"]


def to_text(report: Report) -> str:
    exported = plan(report)
    parts: list[str] = []
    for block in exported.blocks:
        if isinstance(block, (Title, Heading, Text)):
            parts.append(block.text)
        elif isinstance(block, TableBlock):
            table = layout(block.spec, exported.report, nested_labels=False)
            if table.note:
                parts.append(table.note)
            parts.append(_tab_table(table))
        elif isinstance(block, Closing):
            parts.extend(block.lines)
    return "\n\n".join(parts) + "\n"


def _tab_table(table: TableLayout) -> str:
    lines: list[str] = []
    for row in table.rows:
        first = row[0]
        if first is not None and first.colspan == len(row):
            lines.append(first.text)
        else:
            lines.append("\t".join(cell.text if cell else "" for cell in row))
    return "\n".join(lines)
