"""This year's figures, however staff have them: a figures file (YAML/JSON), a spreadsheet (CSV/XLSX)
laid out like the official tables, a table pasted from Excel, or sentences said in the chat.

`load_figures` and `read_figures_text` read them all into one `FigureInput`, which says what was
understood (and where from) and what could not be placed; input that contradicts itself or holds a
value that is no number raises `InputError`.
"""

from __future__ import annotations

from pathlib import Path

from reportassist.errors import InputError
from reportassist.given_figures.mapping import looks_like_mapping, parse_json, parse_yaml
from reportassist.given_figures.model import FigureInput, Understood, Unplaced
from reportassist.given_figures.pasted import split_pasted
from reportassist.given_figures.reading import Source, interpret
from reportassist.given_figures.sheets import grids_from_csv, grids_from_xlsx
from reportassist.readers import load_file
from reportassist.readers.decoding import decode_text
from reportassist.readers.docx import DocxReader

__all__ = ["FigureInput", "Understood", "Unplaced", "load_figures", "read_figures_text"]

_ZIP = b"PK\x03\x04"
_OTHER_FORMATS = {
    ".xls": "旧版 Excel（.xls）暂不支持，请在 Excel 或 WPS 中另存为 .xlsx 后再试。",
    ".et": "WPS 表格（.et）暂不支持，请另存为 .xlsx 后再试。",
    ".docx": "这是 Word 文件。今年的数字请用 YAML/JSON、CSV、Excel（.xlsx）或文本提供；往年报告请用 parse 读取。",
    ".doc": "这是 Word 文件。今年的数字请用 YAML/JSON、CSV、Excel（.xlsx）或文本提供。",
    ".pdf": "这是 PDF 文件。今年的数字请用 YAML/JSON、CSV、Excel（.xlsx）或文本提供。",
}


def load_figures(path: Path, year: int | None = None) -> FigureInput:
    """Read a figures file, choosing the reader by its content and suffix; `year` is the report year."""
    path = Path(path)
    data = load_file(path)
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        raise InputError(_OTHER_FORMATS[suffix], path=path)
    actual = _actual_format(data)
    if actual is not None:  # the content decides, whatever the file is called
        raise InputError(f"扩展名是 {suffix or '（无）'}，但{_OTHER_FORMATS[actual]}", path=path)
    if data.startswith(_ZIP) or suffix in (".xlsx", ".xlsm"):
        return interpret(Source(path, grids=grids_from_xlsx(data, path)), year)
    if not data.strip():
        raise InputError("文件是空的。", path=path)
    text = decode_text(data, path)
    if suffix in (".yaml", ".yml"):
        return interpret(Source(path, mapping=parse_yaml(text, path)), year)
    if suffix == ".json":
        return interpret(Source(path, mapping=parse_json(text, path)), year)
    if suffix == ".csv":
        return interpret(Source(path, grids=grids_from_csv(text)), year)
    return _from_text(text, path, year)


def _actual_format(data: bytes) -> str | None:
    """ ".pdf" or ".docx" when the bytes are such a file, which no figures reader reads."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(_ZIP) and DocxReader().sniff(data):
        return ".docx"
    return None


def read_figures_text(text: str, year: int | None = None) -> FigureInput:
    """Read figures pasted in the chat box: a table copied from Excel, sentences, or a figures file's text."""
    if not text.strip():
        raise InputError("没有输入任何内容。")
    return _from_text(text, None, year)


def _from_text(text: str, path: Path | None, year: int | None) -> FigureInput:
    if looks_like_mapping(text):
        parse = parse_json if text.lstrip().startswith("{") else parse_yaml
        return interpret(Source(path, mapping=parse(text, path)), year)
    pasted = split_pasted(text)
    return interpret(Source(path, grids=pasted.grids, sentences=pasted.prose), year)
