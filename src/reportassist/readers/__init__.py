"""Readers: one per input format, behind `read_document`."""

from __future__ import annotations

from pathlib import Path

from reportassist.errors import InputError
from reportassist.readers.base import Block, Document, Paragraph, Reader, Table
from reportassist.readers.docx import DocxReader
from reportassist.readers.html import HtmlReader
from reportassist.readers.pdf import PdfReader
from reportassist.readers.text import TextReader
from reportassist.settings import get_settings

__all__ = [
    "READERS",
    "Block",
    "Document",
    "Paragraph",
    "Reader",
    "Table",
    "load_file",
    "read_bytes",
    "read_document",
    "readable_suffixes",
]

READERS: tuple[Reader, ...] = (DocxReader(), PdfReader(), HtmlReader(), TextReader())


def readable_suffixes() -> frozenset[str]:
    """Every file suffix some reader reads: what a folder given to `ingest` is searched for."""
    return frozenset(suffix for reader in READERS for suffix in reader.suffixes)


def read_document(path: Path | str) -> Document:
    """Read a file into blocks, choosing the reader by the file's content first and its suffix second."""
    path = Path(path)
    return read_bytes(path, load_file(path))


def load_file(path: Path) -> bytes:
    """The bytes of an input file, or `InputError` for a file that is missing, a folder, or too large."""
    if not path.exists():
        raise InputError("文件不存在。", path=path)
    if path.is_dir():
        raise InputError("这是一个文件夹，不是文件。", path=path)
    if not path.is_file():  # a FIFO would block the read, a device would never end
        raise InputError("这不是普通文件（可能是管道、设备等特殊文件），未读取。", path=path)
    limit = get_settings().max_input_mb
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > limit:
        raise InputError(
            f"文件过大（{size_mb:.1f} MB），超过上限 {limit:g} MB。年度报告通常不到 5 MB，请确认选对了文件"
            "（上限可用环境变量 REPORTASSIST_MAX_INPUT_MB 调整）。",
            path=path,
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror or exc}。", path=path) from exc


def read_bytes(path: Path, data: bytes) -> Document:
    if not data.strip():
        raise InputError("文件是空的。", path=path)
    reader = _choose(path, data)
    return reader.read(path, data)


def _choose(path: Path, data: bytes) -> Reader:
    for reader in READERS:
        if reader.sniff(data):
            return reader
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes and reader.kind in ("docx", "pdf"):
            raise InputError(
                f"扩展名是 {suffix}，但内容不是{_KIND_NAMES[reader.kind]}文件（文件可能已损坏或扩展名有误）。",
                path=path,
            )
    if suffix in (".doc", ".wps", ".xls", ".et"):
        raise InputError(f"暂不支持旧版 {suffix} 格式，请在 Word/WPS 中另存为 .docx 后再读取。", path=path)
    return READERS[-1]


_KIND_NAMES = {"docx": " Word（.docx）", "pdf": " PDF "}
