"""A spreadsheet-like grid of cell texts (from CSV, XLSX or text pasted from Excel), with its cells' places."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from reportassist.schema import name_of

__all__ = ["Row", "Sheet", "SheetCell", "row_text"]


@dataclass(frozen=True)
class SheetCell:
    text: str  # as shown, stripped; "" for an empty cell
    row: int  # 1-based, in the sheet or file
    column: int  # 1-based

    @property
    def blank(self) -> bool:
        return not self.text


Row = tuple[SheetCell, ...]  # empty: a wholly empty line, which separates tables


@dataclass(frozen=True)
class Sheet:
    rows: tuple[Row, ...]
    sheet: str | None = None  # the worksheet's name, for places
    excel: bool = False  # places also give the cell's A1 reference

    def place(self, cell: SheetCell, key: str | None = None) -> str:
        """'第3行“（一）予以公开”、“自然人”列', with the sheet and the A1 reference for Excel."""
        text = f"{self._prefix()}第{cell.row}行"
        if key is not None:
            name = name_of(key)
            if name.table == "表四":
                text += f"“{name.row}·{name.column}”列"
            else:
                text += f"“{name.row}”、“{name.column}”列"
        else:
            text += f"第{cell.column}列"
        if self.excel:
            text += f"（{get_column_letter(cell.column)}{cell.row}）"
        return text

    def rows_place(self, rows: list[Row]) -> str:
        numbers = [r[0].row for r in rows if r]
        first, last = min(numbers), max(numbers)
        return f"{self._prefix()}第{first}行" if first == last else f"{self._prefix()}第{first}至{last}行"

    def _prefix(self) -> str:
        return f"工作表“{self.sheet}”" if self.sheet else ""


def row_text(row: Row) -> str:
    """The row's non-empty cells, for messages."""
    return " ".join(c.text for c in row if not c.blank)
