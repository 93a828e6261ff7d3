"""The official tables as grids of cells, the same for every export format.

Rows, labels, column labels and keys come from `schema.TABLES`; what the schema does not hold is
the templates' header structure (表二 grouped by 第二十条 item, 表三's 法人或其他组织 over its five
columns and its nested row labels, 表四's two-level header), which is laid out here with the header
texts of `schema`. A grid position that
a merged cell covers is `None`, as in the readers' `Table`, so a renderer that cannot merge (Markdown,
tab-separated text) writes a blank there and the grid still reads back through the project's readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reportassist.model import Report
from reportassist.schema import (
    BALANCE_NOTE,
    CUMULATIVE,
    LEGACY_HEADER,
    T2_CONTENT,
    T2_ITEMS,
    T3_COLUMNS,
    T3_CORNER,
    T3_ORGANISATIONS,
    T4_COLUMNS,
    T4_GROUPS,
    TableSpec,
    t4_group_parts,
)

__all__ = [
    "Cell",
    "Grid",
    "TableLayout",
    "cell_text",
    "layout",
]


Role = Literal["header", "label", "value"]


@dataclass(frozen=True)
class Cell:
    text: str
    role: Role
    colspan: int = 1
    rowspan: int = 1


Grid = list[list[Cell | None]]


@dataclass(frozen=True)
class TableLayout:
    """A table ready to render: `widths` are relative, `header_rows` repeat on every page."""

    rows: Grid
    widths: tuple[float, ...]
    header_rows: int
    note: str | None = None  # printed with the table: 表三's balance rule


def cell_text(report: Report, key: str) -> str:
    """A figure as the table shows it; an absent one as the source showed it ("/", "", "【待填】")."""
    value = report.figures.get(key)
    if value is not None:
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    source = report.figure_sources.get(key)
    return source.raw if source is not None else ""


def layout(spec: TableSpec, report: Report, *, nested_labels: bool) -> TableLayout:
    """The grid of one official table. `nested_labels`: 表三's row labels in the template's three
    merged label columns (Word); otherwise one label column, as the Markdown corpus writes it."""
    if spec.id == "t2":
        return _t2(spec, report)
    if spec.id == "t3":
        return _t3_nested(spec, report) if nested_labels else _t3_flat(spec, report)
    if spec.id == "t4":
        return _t4(spec, report)
    return _legacy(spec, report)


def _spanning(cells: list[Cell], width: int) -> list[Cell | None]:
    """A row of cells whose last cell spans the rest of the table's width."""
    last = cells[-1]
    widened = Cell(last.text, last.role, colspan=width - len(cells) + 1)
    return [*cells[:-1], widened, *([None] * (width - len(cells)))]


def _t2(spec: TableSpec, report: Report) -> TableLayout:
    width = 1 + max(len(row.keys) for row in spec.rows)
    rows: Grid = []
    item = None
    for row in spec.rows:
        if T2_ITEMS[row.id] != item:
            item = T2_ITEMS[row.id]
            rows.append(_spanning([Cell(item, "header")], width))
            rows.append(
                _spanning(
                    [Cell(T2_CONTENT, "header"), *(Cell(c, "header") for c in row.column_labels)], width
                )
            )
        values = [Cell(cell_text(report, key), "value") for key in row.keys]
        rows.append(_spanning([Cell(row.label, "label"), *values], width))
    return TableLayout(rows=rows, widths=(1.6,) + (1.0,) * (width - 1), header_rows=0)


def _t3_flat(spec: TableSpec, report: Report) -> TableLayout:
    rows: Grid = [[Cell(T3_CORNER, "header"), *(Cell(label, "header") for _, label in T3_COLUMNS)]]
    for row in spec.rows:
        rows.append([Cell(row.label, "label"), *(Cell(cell_text(report, key), "value") for key in row.keys)])
    return TableLayout(rows=rows, widths=(4.0,) + (1.0,) * len(T3_COLUMNS), header_rows=1, note=BALANCE_NOTE)


_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^（[一二三四五六七八九十]+）"),
    re.compile(r"^\d+[.．]"),
)
_LABEL_COLUMNS = len(_LEVELS)


def _level(part: str, previous: int) -> int:
    return next(
        (i for i, pattern in enumerate(_LEVELS) if pattern.match(part)), min(previous + 1, _LABEL_COLUMNS - 1)
    )


def _t3_nested(spec: TableSpec, report: Report) -> TableLayout:
    """The Word template: "三、本年度办理结果" and "（三）不予公开" are cells spanning their items' rows."""
    organisations = T3_COLUMNS[1:-1]
    natural_label, total_label = T3_COLUMNS[0][1], T3_COLUMNS[-1][1]
    header: Grid = [
        [
            Cell(T3_CORNER, "header", colspan=_LABEL_COLUMNS, rowspan=2),
            *([None] * (_LABEL_COLUMNS - 1)),
            Cell(natural_label, "header", rowspan=2),
            Cell(T3_ORGANISATIONS, "header", colspan=len(organisations)),
            *([None] * (len(organisations) - 1)),
            Cell(total_label, "header", rowspan=2),
        ],
        [None] * (_LABEL_COLUMNS + 1) + [Cell(label, "header") for _, label in organisations] + [None],
    ]
    labels = _nested_labels([row.label for row in spec.rows])
    body: Grid = [
        label_cells + [Cell(cell_text(report, key), "value") for key in row.keys]
        for row, label_cells in zip(spec.rows, labels)
    ]
    return TableLayout(
        rows=header + body,
        widths=(1.4, 2.0, 4.2) + (1.0,) * len(T3_COLUMNS),
        header_rows=len(header),
        note=BALANCE_NOTE,
    )


def _nested_labels(labels: list[str]) -> Grid:
    """Row labels such as "（三）不予公开 1.属于国家秘密" as cells of the three label columns, a parent
    ("三、", "（三）") spanning the rows of its items and a label spanning the columns it does not nest."""
    owners: list[list[tuple[int, int]]] = []  # per row and label column: (row, column) of the covering cell
    texts: dict[tuple[int, int], str] = {}
    for i, label in enumerate(labels):
        parts: list[tuple[int, str]] = []
        for part in label.split(" "):
            parts.append((_level(part, parts[-1][0] if parts else -1), part))
        # Columns before the row's first part continue the cells above them.
        row = list(owners[-1]) if owners else [(i, 0)] * _LABEL_COLUMNS
        for j, (level, text) in enumerate(parts):
            end = parts[j + 1][0] if j + 1 < len(parts) else _LABEL_COLUMNS
            row[level:end] = [(i, level)] * (end - level)
            texts[(i, level)] = text
        owners.append(row)
    grid: Grid = []
    for i, row in enumerate(owners):
        cells: list[Cell | None] = []
        for col, origin in enumerate(row):
            if origin != (i, col):
                cells.append(None)
                continue
            colspan = sum(1 for o in row if o == origin)
            rowspan = sum(1 for r in owners[i:] if r[col] == origin)
            cells.append(Cell(texts[origin], "label", colspan=colspan, rowspan=rowspan))
        grid.append(cells)
    return grid


def _t4(spec: TableSpec, report: Report) -> TableLayout:
    """行政复议 over its five columns; 行政诉讼 over two groups of five, each under its own heading."""
    columns = len(T4_COLUMNS)
    (review, _), *suits = (t4_group_parts(label) for _, label in T4_GROUPS)
    suit = suits[0][0]
    top: list[Cell | None] = [
        Cell(review, "header", colspan=columns),
        *([None] * (columns - 1)),
        Cell(suit, "header", colspan=columns * len(suits)),
        *([None] * (columns * len(suits) - 1)),
    ]
    middle: list[Cell | None] = [Cell(label, "header", rowspan=2) for _, label in T4_COLUMNS]
    bottom: list[Cell | None] = [None] * columns
    for _, way in suits:
        middle += [Cell(way, "header", colspan=columns), *([None] * (columns - 1))]
        bottom += [Cell(label, "header") for _, label in T4_COLUMNS]
    values: list[Cell | None] = [Cell(cell_text(report, key), "value") for key in spec.rows[0].keys]
    return TableLayout(rows=[top, middle, bottom, values], widths=(1.0,) * len(values), header_rows=3)


def _legacy(spec: TableSpec, report: Report) -> TableLayout:
    """附表: 本年, and 历年累计 only where the report gives any cumulative figure."""
    cumulative = any(row.keys[0] + CUMULATIVE in report.figures for row in spec.rows)
    header = LEGACY_HEADER if cumulative else LEGACY_HEADER[:2]
    rows: Grid = [[Cell(text, "header") for text in header]]
    for row in spec.rows:
        keys = (row.keys[0], row.keys[0] + CUMULATIVE) if cumulative else row.keys[:1]
        rows.append([Cell(row.label, "label"), *(Cell(cell_text(report, key), "value") for key in keys)])
    return TableLayout(rows=rows, widths=(3.0,) + (1.0,) * (len(header) - 1), header_rows=1)
