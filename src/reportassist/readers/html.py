"""Web pages: annual reports as published on government websites.

Such pages are often GBK/GB2312 and say so only in a `<meta>` tag, so the declared charset is
honoured before any guessing (valid UTF-8 still wins: old templates keep their stale declaration). Their layout is frequently built from tables: an outer table holds
the page (navigation, paragraphs, the real data tables), so a table whose cells hold headings,
many paragraphs or another table is treated as layout and read through, and only the innermost
tables become `Table` blocks. Word's "save as web page" wraps every cell in a `<p>`; such cells
are still data cells.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from reportassist.errors import InputError
from reportassist.readers.base import Block, Document, Paragraph, Table
from reportassist.readers.decoding import decode_text
from reportassist.readers.whitespace import tidy_text

__all__ = ["HtmlReader"]

_SNIFF_MARKERS = ("<html", "<!doctype html", "<body", "<table", "<p>", "<p ", "<div")
_DECLARED_CHARSET = re.compile(
    rb"""(?:<meta[^>]*?charset|<\?xml[^>]*?encoding)\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE
)
_MAX_REPLACED = 0.01  # share of undecodable characters tolerated in a page that declares its charset
# GBK and GB2312 pages routinely contain characters only GB18030 (their superset) defines.
_GB_FAMILY = {"gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}

_DROPPED = {
    "script", "style", "nav", "header", "footer", "noscript", "template",
    "select", "button", "textarea", "iframe",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "hr", "html", "li", "main", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_BOLD = {"b", "strong"}
_BOLD_HEADING_MAX_CHARS = 80
_TEXT_BLOCKS = {"p", "div", "li", "blockquote", "pre", "dd", "dt"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Elements nested deeper than this are no web page but a hostile file; the collector walks the tree
# recursively, so deeper nesting is refused before walking (real pages stay well under 100).
_MAX_DEPTH = 256


class HtmlReader:
    kind = "html"
    suffixes = (".html", ".htm", ".shtml", ".xhtml")

    def sniff(self, data: bytes) -> bool:
        head = data[:4096].decode("ascii", errors="ignore").lower()
        return any(marker in head for marker in _SNIFF_MARKERS)

    def read(self, path: Path, data: bytes) -> Document:
        soup = BeautifulSoup(_decode(data, path), "lxml")
        _check_depth(soup, path)
        collector = _Collector()
        collector.walk(soup.body or soup)
        return Document(path=path, kind=self.kind, blocks=collector.finish())


def _check_depth(soup: BeautifulSoup, path: Path) -> None:
    """Refuse a page nested deeper than `_MAX_DEPTH`, measured without recursion."""
    depth = {id(soup): 0}
    for tag in soup.descendants:
        if isinstance(tag, Tag):
            level = depth[id(tag.parent)] + 1
            if level > _MAX_DEPTH:
                raise InputError(
                    f"网页的标签嵌套超过 {_MAX_DEPTH} 层，不像正常的网页（可能是恶意构造的文件），未读取。",
                    path=path,
                )
            depth[id(tag)] = level


def _decode(data: bytes, path: Path) -> str:
    """Decode with the charset the page declares, unless the bytes are valid UTF-8.

    Templates often keep declaring GB2312 after a site has moved to UTF-8; GBK-encoded Chinese is
    practically never valid UTF-8, so valid UTF-8 wins over the declaration.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = _declared_encoding(data[:4096])
    if encoding is not None:
        # A few stray bytes (a page cut short, one odd character) must not lose the whole report.
        text = data.decode(encoding, errors="replace")
        if text.count("\ufffd") <= len(text) * _MAX_REPLACED:
            return text
    return decode_text(data, path)


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(head)
    if match is None:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class _Collector:
    """Walks the DOM in document order, turning visual lines into paragraphs and data tables into grids."""

    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._line: list[tuple[str, bool]] = []  # text pieces of the current line, and whether bold
        self._heading_depth = 0
        self._bold_depth = 0

    def finish(self) -> list[Block]:
        self._flush()
        return self._blocks

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self._visit(child)
            elif type(child) is NavigableString:  # not a comment, CDATA or doctype
                self._line.append((str(child), self._bold_depth > 0))

    def _visit(self, tag: Tag) -> None:
        name = tag.name
        if name in _DROPPED or _is_hidden(tag):
            return
        if name == "br":
            self._flush()
        elif name == "table" and not _is_layout_table(tag):
            self._flush()
            self._add_table(tag)
        elif name in _HEADINGS:
            self._flush()
            self._heading_depth += 1
            self.walk(tag)
            self._flush()
            self._heading_depth -= 1
        elif name in _BLOCKS:
            self._flush()
            self.walk(tag)
            self._flush()
        elif name in _BOLD:
            self._bold_depth += 1
            self.walk(tag)
            self._bold_depth -= 1
        else:
            self.walk(tag)

    def _flush(self) -> None:
        text = tidy_text("".join(piece for piece, _ in self._line))
        all_bold = all(bold for piece, bold in self._line if piece.strip())
        self._line = []
        if text:
            heading = self._heading_depth > 0 or (all_bold and len(text) <= _BOLD_HEADING_MAX_CHARS)
            self._blocks.append(Paragraph(text, heading=heading))

    def _add_table(self, table: Tag) -> None:
        caption = table.find("caption", recursive=False)
        if caption is not None:
            self.walk(caption)
            self._flush()
        rows = _grid(table)
        if any(cell for row in rows for cell in row):
            self._blocks.append(Table(rows=rows))


def _is_hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(str(tag.get("style") or "")))


def _own_rows(table: Tag) -> list[Tag]:
    """The table's rows, not those of tables nested in its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _own_cells(row: Tag) -> list[Tag]:
    return row.find_all(["td", "th"], recursive=False)


def _is_layout_table(table: Tag) -> bool:
    """A table that arranges the page rather than holding data."""
    rows = [_own_cells(row) for row in _own_rows(table)]
    if all(len(cells) <= 1 for cells in rows):
        return True  # one column of boxes: a frame around content
    for cells in rows:
        for cell in cells:
            if cell.find("table") is not None or cell.find(list(_HEADINGS)) is not None:
                return True
            texts = [block for block in cell.find_all(list(_TEXT_BLOCKS)) if block.get_text(strip=True)]
            if len(texts) >= 3:
                return True
    return False


def _grid(table: Tag) -> list[list[str | None]]:
    """Expand rowspan/colspan: the origin position keeps the text, covered positions are None."""
    rows = _own_rows(table)
    taken: dict[tuple[int, int], str | None] = {}
    for r, row in enumerate(rows):
        col = 0
        for cell in _own_cells(row):
            while (r, col) in taken:
                col += 1
            rowspan = min(_span(cell, "rowspan"), len(rows) - r)
            colspan = _span(cell, "colspan")
            text = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, col + dc)] = text if dr == dc == 0 else None
            col += colspan
    width = max((c + 1 for _, c in taken), default=0)
    return [[taken.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(cell: Tag, attribute: str) -> int:
    match = re.match(r"\s*(\d+)", str(cell.get(attribute) or ""))
    return min(max(int(match.group(1)), 1), 1000) if match else 1


def _cell_text(cell: Tag) -> str:
    collector = _Collector()
    collector.walk(cell)
    return tidy_text("\n".join(block.text for block in collector.finish() if isinstance(block, Paragraph)))
