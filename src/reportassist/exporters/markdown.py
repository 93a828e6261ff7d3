"""Markdown export: headings with `#`, tables as pipe tables laid out as the corpus writes them.

The result reads back through the project's text reader with the same figures: the official
tables' merged headers become blank cells, 表三's balance note stands on its own line above the
table, and placeholders (【待填】) are kept as they are.
"""

from __future__ import annotations

from reportassist.exporters.layouts import TableLayout, layout
from reportassist.exporters.plan import Closing, Heading, TableBlock, Text, Title, plan
from reportassist.model import Report

__all__ = ["to_markdown"]


def to_markdown(report: Report) -> str:
    exported = plan(report)
    parts: list[str] = []
    for block in exported.blocks:
        if isinstance(block, Title):
            parts.append(f"# {block.text}")
        elif isinstance(block, Heading):
            parts.append(f"{'#' * (block.level + 1)} {block.text}")
        elif isinstance(block, Text):
            parts.append(block.text)
        elif isinstance(block, TableBlock):
            table = layout(block.spec, exported.report, nested_labels=False)
            if table.note:
                parts.append(table.note)
            parts.append(_pipe_table(table))
        elif isinstance(block, Closing):
            parts.extend(block.lines)
    return "\n\n".join(parts) + "\n"


def _pipe_table(table: TableLayout) -> str:
    lines = ["| " + " | ".join(cell.text if cell else "" for cell in row) + " |" for row in table.rows]
    lines.insert(1, "|" + "---|" * len(table.rows[0]))
    return "\n".join(lines)
