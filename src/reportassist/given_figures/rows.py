"""Figures from a grid laid out like the official tables (CSV, XLSX, text pasted from Excel).

Rows are found by their labels (the schema's row patterns, numbering prefixes and labels split
over several columns tolerated), columns by the header rows above them, or in template order where
there is no header and the count fits exactly. Rows of bare numbers are placed by the grid's shape
alone, and only when exactly one table has that shape. A table left wholly blank is taken as not
given; a blank cell in a table that has figures is absent (formats.md), not zero.
"""

from __future__ import annotations

import re
from collections import defaultdict

from reportassist.given_figures.collect import Collector
from reportassist.given_figures.grid import Row, Sheet, SheetCell, row_text
from reportassist.given_figures.headers import Header, key_of, read_header, schemes_for, template_keys
from reportassist.given_figures.values import is_value
from reportassist.schema import TABLE_NAMES, RowSpec, TableSpec, tables_for

__all__ = ["read_grid"]

# Tables whose rows carry labels; 表四's single row of fifteen figures has none.
_LABELLED = ("t2", "t3", "legacy")


def read_grid(grid: Sheet, out: Collector) -> None:
    _GridReader(grid, out).read()


class _GridReader:
    def __init__(self, grid: Sheet, out: Collector) -> None:
        self.grid = grid
        self.out = out
        self.specs = {spec.id: spec for spec in tables_for(out.format)}
        self.schemes = schemes_for(out.format)
        self.header: Header | None = None
        self.block: list[Row] = []  # the header rows read so far
        self.in_header = False
        self.cursors = {t: 0 for t in self.specs}
        self.used: set[tuple[str, int]] = set()
        self.run: list[Row] = []  # consecutive rows of numbers without labels
        self.found: list[tuple[str, str, SheetCell]] = []  # table, key, cell

    def read(self) -> None:
        for row in self.grid.rows:
            self._row(row)
        self._flush()
        self._commit()

    # ------------------------------------------------------------ row by row

    def _row(self, row: Row) -> None:
        if not row:
            self._flush()
            self.in_header = False
            return
        filled = [c for c in row if not c.blank]
        has_values = any(is_value(c.text) for c in filled)
        if (
            filled
            and not has_values
            and any(s.mentions(c.text) for s in self.schemes.values() for c in filled)
        ):
            self._header_row(row)
            return
        labels, values = self._split(row, self.header)
        label = " ".join(c.text for c in labels)
        found = self._find(label) if label else None
        t4_header = self.header if self.header is not None and self.header.table == "t4" else None
        if found is not None:
            self._end_run()
            self._labelled(row, *found)
        elif label and not has_values:
            self._flush()  # a title or a note: it ends a grid of bare numbers, not a header
        elif label and t4_header is None:
            self._end_run()
            names = "、".join(TABLE_NAMES[t] for t in _LABELLED if t in self.specs)
            self.out.unplaced(
                row_text(row),
                self.grid.rows_place([row]),
                f"行标题“{label}”对应不到{names}的任何一行，这一行的数字没有读取；请核对行标题",
            )
        elif t4_header is not None and has_values:
            self._end_run()  # 表四's one row of figures, whatever label it may have
            t4 = self.specs["t4"]
            self._by_header(values, t4, t4.rows[0], t4_header)
        elif has_values or self.run:
            self.in_header = False
            self.run.append(row)

    def _header_row(self, row: Row) -> None:
        self._flush()
        self.block = [*self.block, row] if self.in_header else [row]
        self.in_header = True
        self.header = read_header(self.block, self.schemes)
        if self.header is not None:  # a new table begins: its rows may be met again
            self.cursors[self.header.table] = 0
            self.used = {u for u in self.used if u[0] != self.header.table}

    def _end_run(self) -> None:
        self._flush()
        self.in_header = False

    @staticmethod
    def _split(row: Row, header: Header | None) -> tuple[list[SheetCell], list[SheetCell]]:
        """Label cells (left of the figures) and the cells that may hold figures."""
        if header is not None:
            first = min(header.columns)
            return [c for c in row if c.column < first and not c.blank], [c for c in row if c.column >= first]
        first_value = next((i for i, c in enumerate(row) if not c.blank and is_value(c.text)), len(row))
        end = max((i + 1 for i, c in enumerate(row[:first_value]) if not c.blank), default=0)
        return [c for c in row[:end] if not c.blank], list(row[end:])

    def _find(self, label: str) -> tuple[TableSpec, RowSpec] | None:
        """The official row a label names: the header's table first, in template order, then the others."""
        compact = re.sub(r"\s+", "", label)
        first = self.header.table if self.header is not None and self.header.table in _LABELLED else None
        order = ([first] if first else []) + [t for t in _LABELLED if t in self.specs and t != first]
        for table in order:
            spec = self.specs[table]
            start = self.cursors[table]
            for index in [*range(start, len(spec.rows)), *range(start)]:
                if (table, index) not in self.used and re.search(spec.rows[index].pattern, compact):
                    self.cursors[table] = index + 1
                    self.used.add((table, index))
                    return spec, spec.rows[index]
        return None

    def _labelled(self, row: Row, spec: TableSpec, spec_row: RowSpec) -> None:
        if self.header is not None and self.header.table == spec.id:
            self._by_header(self._split(row, self.header)[1], spec, spec_row, self.header)
            return
        cells = self._split(row, None)[1]
        widths = (2, 1) if spec.id == "legacy" else (len(spec_row.keys),)
        for width in widths:
            fitted = _fit(cells, width)
            keys = template_keys(spec, spec_row, len(fitted))
            if keys is not None:
                self.found.extend((spec.id, key, cell) for key, cell in zip(keys, fitted))
                return
        given = len(_fit(cells, 0))
        self.out.unplaced(
            row_text(row),
            self.grid.rows_place([row]),
            f"这一行应有 {len(spec_row.keys)} 个数字，读到 {given} 个，又没有表头说明各列是什么，无法确定各数字属于哪一列；"
            "请连同表头一起复制，或按模板的列数填写",
        )

    def _by_header(self, cells: list[SheetCell], spec: TableSpec, spec_row: RowSpec, header: Header) -> None:
        for cell in cells:
            name = header.columns.get(cell.column)
            key = key_of(spec, spec_row, name) if name is not None else None
            if key is not None:
                self.found.append((spec.id, key, cell))
            elif not cell.blank and is_value(cell.text):
                self.out.unplaced(
                    cell.text,
                    self.grid.place(cell),
                    "这一格上方的表头不是这一行的任何一列，数字没有读取",
                )

    # ------------------------------------------------------------ rows without labels

    def _flush(self) -> None:
        run, self.run = self.run, []
        while run and all(c.blank for c in run[-1]):
            run.pop()
        if not run:
            return
        header = self.header if self.header is not None and self.header.table != "t4" else None
        candidates = [self.specs[header.table]] if header is not None else list(self.specs.values())
        fits = [(spec, pairs) for spec in candidates if (pairs := _shape(spec, run, header)) is not None]
        if len(fits) == 1:
            spec, pairs = fits[0]
            self.found.extend((spec.id, key, cell) for key, cell in pairs)
            return
        text = row_text(run[0]) + (" …" if len(run) > 1 else "")
        if fits:
            names = "和".join(TABLE_NAMES[spec.id] for spec, _ in fits)
            reason = f"这组没有行标题的数字，形状同时符合{names}，无法确定是哪一张表；请连同行标题一起复制"
        else:
            counts = "、".join(str(len(_fit(list(r), 0))) for r in run)
            expected = "；".join(_shape_text(spec) for spec in candidates)
            reason = (
                f"这组没有行标题的数字共 {len(run)} 行（各行数字个数：{counts}），对应不到任何一张表的形状"
                f"（{expected}）；请连同行标题一起复制"
            )
        self.out.unplaced(text, self.grid.rows_place(run), reason)

    def _commit(self) -> None:
        """Hand the figures found to the collector, table by table; a wholly blank table was not given."""
        by_table: dict[str, list[tuple[str, SheetCell]]] = defaultdict(list)
        for table, key, cell in self.found:
            by_table[table].append((key, cell))
        for items in by_table.values():
            if all(cell.blank for _, cell in items):
                continue
            for key, cell in items:
                self.out.table(key, cell.text, self.grid.place(cell, key))


def _fit(cells: list[SheetCell], width: int) -> list[SheetCell]:
    """Drop blank cells at either end while there are more cells than `width` (merged label cells,
    a grid wider than the row)."""
    cells = list(cells)
    while len(cells) > width and cells and cells[0].blank:
        cells = cells[1:]
    while len(cells) > width and cells and cells[-1].blank:
        cells = cells[:-1]
    return cells


def _shape(spec: TableSpec, run: list[Row], header: Header | None) -> list[tuple[str, SheetCell]] | None:
    """The keys of a grid of bare numbers if it has exactly `spec`'s shape, else None."""
    rows = list(run)
    if spec.id == "t3" and len(rows) == len(spec.rows) + 1 and all(c.blank for c in rows[2]):
        del rows[2]  # 三、本年度办理结果 on a line of its own, with no figures
    if len(rows) != len(spec.rows):
        return None
    if header is not None:
        pairs: list[tuple[str, SheetCell]] = []
        for row, spec_row in zip(rows, spec.rows):
            for cell in row:
                name = header.columns.get(cell.column)
                key = key_of(spec, spec_row, name) if name is not None else None
                if key is not None:
                    pairs.append((key, cell))
                elif not cell.blank:
                    return None
        return pairs
    # Columns blank in every row on the left are the sheet's margin, not figures.
    margin = min(next((i for i, c in enumerate(r) if not c.blank), len(r)) for r in rows)
    for skip in range(margin + 1):
        ordered = _in_order(spec, [r[skip:] for r in rows])
        if ordered is not None:
            return ordered
    return None


def _in_order(spec: TableSpec, rows: list[Row]) -> list[tuple[str, SheetCell]] | None:
    count = 1
    if spec.id == "legacy" and any(len(r) > 1 and not r[1].blank for r in rows):
        count = 2
    pairs: list[tuple[str, SheetCell]] = []
    for row, spec_row in zip(rows, spec.rows):
        keys = template_keys(spec, spec_row, count if spec.id == "legacy" else len(spec_row.keys))
        if keys is None or len(row) < len(keys) or any(not c.blank for c in row[len(keys) :]):
            return None
        pairs.extend(zip(keys, row))
    return pairs


def _shape_text(spec: TableSpec) -> str:
    widths = [len(r.keys) for r in spec.rows]
    name = TABLE_NAMES[spec.id]
    if spec.id == "legacy":
        return f"{name}为 {len(widths)} 行 × 1 或 2 列"
    if len(set(widths)) == 1:
        extra = "（或在第 3 行多一行空行“三、本年度办理结果”）" if spec.id == "t3" else ""
        return f"{name}为 {len(widths)} 行 × {widths[0]} 列{extra}"
    return f"{name}为 {len(widths)} 行（每行 {'、'.join(map(str, widths))} 个数）"
