"""PDF files with a text layer, as most published annual reports are.

Ruled tables are found with pdfplumber's line-based table finder; their characters are taken out
of the running text, which is read line by line. The text between two tables (across pages) goes
through `blocks_from_text`, the text reader's logic, so a sentence broken at a line or page end
is joined back exactly as for text converted from PDF by other tools. Lines set larger than the
body text, or in a bold face the body does not use, are passed to it as Markdown headings.

A PDF without any characters is a scan; OCR is out of scope, so the user is told what to do.

Before pdfplumber sees a file, what it would cost is bounded: the page count (`pdf_max_pages`; a report
has a few dozen pages at most) and what its compressed streams unpack to together (`archive_max_mb`;
no ratio limit, since a blank page's image inflates a thousandfold quite honestly), so that a crafted
file of thousands of pages or one stream that inflates to gigabytes is refused in milliseconds.
"""

from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from reportassist.errors import InputError
from reportassist.readers.base import Block, Document, Table
from reportassist.readers.text import blocks_from_text
from reportassist.readers.whitespace import tidy_text
from reportassist.settings import get_settings

__all__ = ["PdfReader"]

_BOMS_AND_SPACE = b"\xef\xbb\xbf \t\r\n\x00"
# "3", "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10": a running page number, not content.
_PAGE_NUMBER = re.compile(
    r"^[—\-–－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:/|共)\s*\d{1,4}\s*页?)?[—\-–－\s]*$"
)
_BOLD_FONT = re.compile(r"bold|black|heavy|hei|xbs|xiaobiaosong", re.IGNORECASE)
_HEADING_SIZE_STEP = 1.5  # points above the body size that make a line a heading
_HEADING_MAX_CHARS = 80


@dataclass(frozen=True)
class _RawPage:
    """What pdfplumber found on a page: each table's top and cells, and the text lines outside tables."""

    tables: list[tuple[float, list[list[str | None]]]]
    lines: list[dict[str, Any]]


@dataclass(frozen=True)
class _Line:
    top: float
    text: str
    size: float
    font: str


@dataclass(frozen=True)
class _Grid:
    top: float
    rows: list[list[str | None]]


@dataclass(frozen=True)
class _BodyStyle:
    """The size and font most characters of the document are set in."""

    size: float
    font: str


class PdfReader:
    kind = "pdf"
    suffixes = (".pdf",)

    def sniff(self, data: bytes) -> bool:
        return data[:1024].lstrip(_BOMS_AND_SPACE).startswith(b"%PDF")

    def read(self, path: Path, data: bytes) -> Document:
        _check_streams(data, path)
        raw_pages = _extract(path, data)
        if not raw_pages:
            raise InputError("PDF 中没有任何页面（文件可能已损坏）。", path=path)
        pages = [_page_items(raw) for raw in raw_pages]
        blocks = _assemble(pages, _body_style(pages))
        if not blocks:
            raise InputError(
                "PDF 没有文字层（可能是扫描件），请先用 OCR 转为文字，或提供 Word/网页版本。", path=path
            )
        return Document(path=path, kind=self.kind, blocks=blocks)


def _extract(path: Path, data: bytes) -> list[_RawPage]:
    # pdfminer reports damaged files with almost any exception type, so everything raised while
    # pdfplumber parses is the file's fault; our own processing of its results runs outside this guard.
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_page_count(pdf, path)
            return [_raw_page(page) for page in pdf.pages]
    except InputError:
        raise
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect):
            raise InputError("PDF 已加密，需要密码才能打开。请提供未加密的版本。", path=path) from exc
        raise InputError(f"无法打开 PDF 文件：{exc}（文件可能已损坏）。", path=path) from exc
    except Exception as exc:
        raise InputError(
            f"无法读取 PDF 内容：{type(exc).__name__}: {exc}（文件可能已损坏）。", path=path
        ) from exc


_STREAM = re.compile(rb"stream\r?\n")


def _check_streams(data: bytes, path: Path) -> None:
    """Unpack each Flate stream only as far as the limit allows; refuse the file when it is passed."""
    settings = get_settings()
    budget = int(settings.archive_max_mb * 1_000_000)
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            size = len(inflater.decompress(raw, budget + 1))
        except zlib.error:
            continue  # not Flate, or damaged: pdfminer says so in its own words
        if size > budget or inflater.unconsumed_tail:
            raise InputError(
                f"PDF 中的数据流解压后超过 {settings.archive_max_mb:g} MB，可能是恶意构造的文件（“压缩炸弹”），未读取"
                "（上限可用环境变量 REPORTASSIST_ARCHIVE_MAX_MB 调整）。",
                path=path,
            )
        budget -= size


def _check_page_count(pdf: pdfplumber.PDF, path: Path) -> None:
    """Count the pages from the document's page tree, before any page is laid out."""
    limit = get_settings().pdf_max_pages
    pages = resolve1(pdf.doc.catalog.get("Pages"))
    count = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
    if isinstance(count, int) and count > limit:
        raise InputError(
            f"PDF 共 {count} 页，超过上限 {limit} 页；年度报告远没有这么长，未读取"
            "（上限可用环境变量 REPORTASSIST_PDF_MAX_PAGES 调整）。",
            path=path,
        )


def _raw_page(page: Page) -> _RawPage:
    # A single-cell "table" is a frame drawn around text (or around the page): read it as text.
    tables = [table for table in page.find_tables() if len(table.cells) > 1]
    boxes = [table.bbox for table in tables]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    return _RawPage(
        tables=[(table.bbox[1], table.extract()) for table in tables],
        lines=text_page.extract_text_lines(),
    )


def _page_items(raw: _RawPage) -> list[_Line | _Grid]:
    """A page's text lines and tables, top to bottom, without its page number."""
    items: list[_Line | _Grid] = [_Grid(top=top, rows=_rows(cells)) for top, cells in raw.tables]
    items.extend(_line(line) for line in raw.lines if line["text"].strip())
    items.sort(key=lambda item: item.top)
    return _drop_page_numbers(items)


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _rows(extracted: list[list[str | None]]) -> list[list[str | None]]:
    """Cell texts tidied (lines wrapped inside a cell joined); rows made only of merged positions dropped."""
    rows = [[None if cell is None else tidy_text(cell) for cell in row] for row in extracted]
    return [row for row in rows if any(cell is not None for cell in row)]


def _line(line: dict[str, Any]) -> _Line:
    chars = line["chars"]
    fonts = Counter(char["fontname"] for char in chars)
    return _Line(
        top=line["top"],
        text=line["text"],
        size=min(round(char["size"], 1) for char in chars),
        font=fonts.most_common(1)[0][0],
    )


def _drop_page_numbers(items: list[_Line | _Grid]) -> list[_Line | _Grid]:
    ends = {0, len(items) - 1}
    return [
        item
        for i, item in enumerate(items)
        if not (i in ends and isinstance(item, _Line) and _PAGE_NUMBER.match(item.text))
    ]


def _body_style(pages: list[list[_Line | _Grid]]) -> _BodyStyle:
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    for item in (item for page in pages for item in page):
        if isinstance(item, _Line):
            sizes[item.size] += len(item.text)
            fonts[item.font] += len(item.text)
    if not sizes:
        return _BodyStyle(size=0.0, font="")
    return _BodyStyle(size=sizes.most_common(1)[0][0], font=fonts.most_common(1)[0][0])


def _is_heading(line: _Line, body: _BodyStyle) -> bool:
    if len(line.text) > _HEADING_MAX_CHARS:
        return False
    larger = line.size >= body.size + _HEADING_SIZE_STEP
    bolder = bool(_BOLD_FONT.search(line.font)) and not _BOLD_FONT.search(body.font)
    return larger or bolder


def _assemble(pages: list[list[_Line | _Grid]], body: _BodyStyle) -> list[Block]:
    """Blocks in reading order: runs of text between tables go through `blocks_from_text` whole."""
    blocks: list[Block] = []
    text: list[str] = []
    for page in pages:
        for item in page:
            if isinstance(item, _Grid):
                blocks.extend(blocks_from_text("\n".join(text)))
                text = []
                if any(cell for row in item.rows for cell in row):
                    blocks.append(Table(rows=item.rows))
            else:
                text.append(f"# {item.text}" if _is_heading(item, body) else item.text)
        text.append("")  # a page break is a blank line, which blocks_from_text joins across mid-sentence
    blocks.extend(blocks_from_text("\n".join(text)))
    return blocks
