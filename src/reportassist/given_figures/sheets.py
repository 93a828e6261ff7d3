"""Spreadsheet files as grids: CSV (any delimiter Excel writes) and XLSX (every worksheet, cached values)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from reportassist.errors import InputError
from reportassist.given_figures.grid import Row, Sheet, SheetCell
from reportassist.readers.archives import check_archive

__all__ = ["grids_from_csv", "grids_from_xlsx"]


def _describe(exc: Exception) -> str:
    if isinstance(exc, (InvalidFileException, zipfile.BadZipFile)):
        return "压缩包结构损坏"
    if isinstance(exc, KeyError):
        return "缺少必要的组成部分"
    if isinstance(exc, SyntaxError):  # xml.etree's ParseError and lxml's XMLSyntaxError
        return "表格内容的 XML 无法解析"
    return type(exc).__name__


def grids_from_csv(text: str) -> list[Sheet]:
    """One grid; a line with no fields at all separates tables."""
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    rows: list[Row] = []
    for number, fields in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        rows.append(tuple(SheetCell(text=f.strip(), row=number, column=i) for i, f in enumerate(fields, 1)))
    return [Sheet(rows=tuple(rows))]


def grids_from_xlsx(data: bytes, path: Path) -> list[Sheet]:
    """One grid per worksheet. Formulas are read as the values Excel saved with them."""
    check_archive(data, path, "Excel")
    # openpyxl fails on damaged files in many ways (zip, zlib, XML, missing parts, odd values), as
    # python-docx does (see readers/docx.py): whatever it raises while opening, the file is unusable.
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:
        raise InputError(
            f"无法作为 Excel（.xlsx）文件打开，文件可能已损坏或不是 .xlsx 格式（{_describe(exc)}）。",
            path=path,
        ) from exc
    grids = []
    for sheet in values.worksheets:
        shown = formulas[sheet.title]
        rows: list[Row] = []
        for cells in sheet.iter_rows():
            row: list[SheetCell] = []
            for cell in cells:
                text = _text(cell.value)
                if cell.value is None and isinstance(shown[cell.coordinate].value, str):
                    formula = shown[cell.coordinate].value
                    if formula.startswith("="):
                        raise InputError(
                            f"单元格是公式“{formula}”，但文件里没有保存计算结果（可能由程序生成、未在 Excel 中打开过）。"
                            "请用 Excel 或 WPS 打开并保存一次，或把公式改为数值。",
                            path=path,
                            place=f"工作表“{sheet.title}”{cell.coordinate}",
                        )
                row.append(SheetCell(text=text, row=cell.row, column=cell.column))
            rows.append(tuple(row) if any(not c.blank for c in row) else ())
        grids.append(Sheet(rows=tuple(rows), sheet=sheet.title, excel=True))
    return grids


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()
