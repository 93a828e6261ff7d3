"""Word (.docx) files, the form most annual reports are drafted in.

The body is walked as XML rather than through `Document.paragraphs`/`tables`, for three reasons:
paragraphs and tables must stay interleaved in reading order; content controls (`w:sdt`) hide
body text from python-docx's lists; and merged table cells are only unambiguous in the XML.
python-docx's `row.cells` repeats one cell object for every grid column a merged cell spans, so
telling "merged" from "two cells that both say 0" by comparing texts is wrong; reading `gridSpan`
and `vMerge` on each `w:tc` is exact.

A table of a single cell is a frame drawn around content, so its content is read as body text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.styles.style import CharacterStyle
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run
from lxml.etree import XMLSyntaxError, _Element

from reportassist.errors import InputError
from reportassist.readers.archives import check_archive
from reportassist.readers.base import Block, Document, Paragraph, Table
from reportassist.readers.whitespace import tidy_text

__all__ = ["DocxReader"]

_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title$|标题)", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc\s*\d|toc heading|目录)", re.IGNORECASE)
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}  # containers that only wrap body content
_BOLD_HEADING_MAX_CHARS = 80
_VISIBLE_RUNS = ".//w:r[not(ancestor::w:txbxContent)]"  # text boxes float outside the reading order


class DocxReader:
    kind = "docx"
    suffixes = (".docx",)

    def sniff(self, data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "word/document.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return False

    def read(self, path: Path, data: bytes) -> Document:
        check_archive(data, path, "Word")
        word = _open(path, data)
        blocks = list(_blocks(word.element.body, word))
        return Document(path=path, kind=self.kind, blocks=blocks)


def _open(path: Path, data: bytes) -> WordDocument:
    # python-docx fails on damaged files in many ways (zip, XML, missing parts, wrong content type).
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"无法打开 Word 文件：{_describe(exc)}（文件可能已损坏）。", path=path) from exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return f"压缩包结构损坏（{exc}）"
    if isinstance(exc, (KeyError, PackageNotFoundError)):
        return f"缺少必要的组成部分（{exc}）"
    if isinstance(exc, XMLSyntaxError):
        return f"文档内容的 XML 无法解析（{exc}）"
    return f"{type(exc).__name__}: {exc}"


def _block_elements(container: _Element) -> Iterator[CT_P | CT_Tbl]:
    """The `w:p` and `w:tbl` children of a body or cell, looking through content controls."""
    for child in container.iterchildren():
        if isinstance(child, (CT_P, CT_Tbl)):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _block_elements(child)


def _blocks(container: _Element, word: WordDocument) -> Iterator[Block]:
    for element in _block_elements(container):
        if isinstance(element, CT_Tbl):
            yield from _table_blocks(element, word)
        else:
            yield from _paragraph_blocks(WordParagraph(element, word))


def _paragraph_blocks(paragraph: WordParagraph) -> Iterator[Paragraph]:
    style_name = _style_name(paragraph)
    if _TOC_STYLE.match(style_name):
        return  # a table of contents repeats the headings that follow
    lines = [tidy_text(line) for line in _text(paragraph._p).split("\n")]
    lines = [line for line in lines if line]
    heading = (
        bool(_HEADING_STYLE.match(style_name))
        or _has_outline_level(paragraph._p)
        or (bool(lines) and _is_bold_line(paragraph, " ".join(lines)))
    )
    for line in lines:
        yield Paragraph(line, heading=heading)


def _text(p: CT_P) -> str:
    """A paragraph's text, including runs inside hyperlinks, fields and content controls, not text boxes."""
    runs: list[CT_R] = p.xpath(_VISIBLE_RUNS)
    return "".join(run.text for run in runs)


def _style_name(paragraph: WordParagraph) -> str:
    style = paragraph.style
    return (style.name or "") if style is not None else ""


def _has_outline_level(p: CT_P) -> bool:
    """Chinese templates often mark headings with an outline level instead of a heading style."""
    levels = p.xpath("./w:pPr/w:outlineLvl/@w:val")
    return bool(levels) and levels[0].isdigit() and int(levels[0]) < 9


def _is_bold_line(paragraph: WordParagraph, text: str) -> bool:
    runs = [Run(r, paragraph) for r in paragraph._p.xpath(_VISIBLE_RUNS)]
    runs = [run for run in runs if run.text.strip()]
    if not runs or len(text) > _BOLD_HEADING_MAX_CHARS:
        return False
    return all(_is_bold(run, paragraph) for run in runs)


def _is_bold(run: Run, paragraph: WordParagraph) -> bool:
    """Direct formatting first, then the run's character style, then the paragraph style."""
    if run.bold is not None:
        return run.bold
    for style in (*_lineage(run.style), *_lineage(paragraph.style)):
        if style.font.bold is not None:
            return style.font.bold
    return False


def _lineage(style: CharacterStyle | None) -> Iterator[CharacterStyle]:
    while style is not None:
        yield style
        style = style.base_style


def _table_blocks(tbl: CT_Tbl, word: WordDocument) -> Iterator[Block]:
    rows = tbl.tr_lst
    if len(rows) == 1 and len(rows[0].tc_lst) == 1:
        yield from _blocks(rows[0].tc_lst[0], word)
        return
    grid = _grid(rows)
    if any(cell for row in grid for cell in row):
        yield Table(rows=grid)


def _grid(rows: list[CT_Row]) -> list[list[str | None]]:
    """One list per row: a cell's text at its first grid column, None where a merged cell covers."""
    grid: list[list[str | None]] = []
    for tr in rows:
        row: list[str | None] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            continues_above = tc.vMerge == "continue"
            row.append(None if continues_above else _cell_text(tc))
            row.extend([None] * (tc.grid_span - 1))
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def _cell_text(tc: CT_Tc) -> str:
    """The cell's paragraphs joined; a table nested in the cell is flattened into its text."""
    pieces: list[str] = []
    for element in _block_elements(tc):
        if isinstance(element, CT_Tbl):
            pieces.extend(cell for row in _grid(element.tr_lst) for cell in row if cell)
        else:
            pieces.append(_text(element))
    return tidy_text("\n".join(pieces))
