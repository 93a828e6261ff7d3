"""Plain text and Markdown, including text converted from PDF and tables pasted from Excel.

PDF-converted text breaks sentences at page ends (a blank line, sometimes a `---` rule, in the
middle of a sentence); those pieces are joined back here. Markdown pipe tables and runs of
tab-separated lines (what Excel puts on the clipboard) become `Table` blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportassist.errors import InputError
from reportassist.readers.base import Block, Document, Paragraph, Table
from reportassist.readers.decoding import decode_text
from reportassist.settings import get_settings

__all__ = ["TextReader", "blocks_from_text"]

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_WHOLE_BOLD = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*$")
_INLINE_MARKUP = re.compile(r"\*\*|__|(?<![\w*])\*(?!\s)|`")
# Character classes exclude the opening bracket too, so that a line of thousands of "[" or "<" is linear.
_MD_LINK = re.compile(r"<(https?://[^<>\s]+)>|\[([^\[\]]*)\]\([^()]*\)")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|=+\s*正文\s*=+|={5,}.*)\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_NUMBER = re.compile(r"^\s*[—\-–]\s*\d+\s*[—\-–]\s*$")

# A paragraph that ends in one of these is complete; anything else may continue after a page break.
_TERMINAL = "。！？；：…」』》”）)!?;:"
# Starts of a heading or list item: such a paragraph never continues the one before it.
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[.．、](?!\d)|[（(]\d+[）)]|附件|附表)"
)


class TextReader:
    kind = "text"
    suffixes = (".txt", ".md", ".markdown", ".text", ".tsv", "")

    def sniff(self, data: bytes) -> bool:
        return False  # the fallback reader: chosen by suffix or when no other reader claims the bytes

    def read(self, path: Path, data: bytes) -> Document:
        text = decode_text(data, path)
        _check_lines(text, path)
        kind = "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"
        return Document(path=path, kind=kind, blocks=blocks_from_text(text))


def _check_lines(text: str, path: Path) -> None:
    limit = get_settings().max_line_chars
    longest = max(map(len, text.split("\n")), default=0)
    if longest > limit:
        raise InputError(
            f"有一行长达 {longest} 字，超过上限 {limit} 字；年度报告的段落远短于此，这不像一份报告，未读取"
            "（上限可用环境变量 REPORTASSIST_MAX_LINE_CHARS 调整）。",
            path=path,
        )


def blocks_from_text(text: str) -> list[Block]:
    """Split text into paragraphs and tables, undoing PDF page breaks."""
    lines = text.replace("\u3000", " ").replace("\xa0", " ").split("\n")
    blocks: list[Block] = []
    pending: list[Paragraph] = []  # paragraphs separated by blank lines, joined lazily
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_pipe_row(line):
            rows, i = _take_pipe_table(lines, i)
            blocks.extend(_flush(pending))
            pending = []
            blocks.append(Table(rows=rows))
            continue
        if "\t" in line.strip("\t ") and _is_tab_row(line):
            rows, i = _take_tab_table(lines, i)
            if len(rows) >= 2 or len(rows[0]) >= 3:
                blocks.extend(_flush(pending))
                pending = []
                blocks.append(Table(rows=rows))
                continue
            line = " ".join(c for c in rows[0] if c)
        i += 1
        if not line.strip() or _RULE.match(line) or _PAGE_NUMBER.match(line):
            continue
        pending.append(_paragraph(line))
    blocks.extend(_flush(pending))
    return blocks


def _paragraph(line: str) -> Paragraph:
    match = _MD_HEADING.match(line)
    if match:
        return Paragraph(_clean_inline(match.group(1)), heading=True)
    match = _WHOLE_BOLD.match(line)
    if match and len(match.group(1)) <= 80:
        return Paragraph(_clean_inline(match.group(1)), heading=True)
    return Paragraph(_clean_inline(line))


def _clean_inline(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _INLINE_MARKUP.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _flush(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join paragraphs that a page break split in the middle of a sentence."""
    joined: list[Paragraph] = []
    for para in paragraphs:
        if joined and _continues(joined[-1], para):
            prev = joined[-1]
            joined[-1] = Paragraph(_join_text(prev.text, para.text), heading=prev.heading)
        else:
            joined.append(para)
    return joined


def _continues(prev: Paragraph, nxt: Paragraph) -> bool:
    if prev.heading or nxt.heading or not prev.text or not nxt.text:
        return False
    if prev.text[-1] in _TERMINAL or _HEADING_START.match(nxt.text):
        return False
    # A short line without final punctuation is a title, a letterhead or a signature.
    return len(prev.text) >= 30 or prev.text[-1] in "，、（(《“"


def _join_text(left: str, right: str) -> str:
    # No space between CJK characters; keep one between Latin words or digits.
    if (
        left
        and right
        and left[-1].isascii()
        and right[0].isascii()
        and left[-1].isalnum()
        and right[0].isalnum()
    ):
        return f"{left} {right}"
    return left + right


def _is_pipe_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def _take_pipe_table(lines: list[str], start: int) -> tuple[list[list[str | None]], int]:
    rows: list[list[str | None]] = []
    i = start
    while i < len(lines) and _is_pipe_row(lines[i]):
        line = lines[i].strip()
        i += 1
        if _TABLE_SEPARATOR.match(line):
            continue
        cells = [_clean_inline(c) for c in line.strip("|").split("|")]
        if any(cells):
            rows.append(list(cells))
    return rows, i


def _is_tab_row(line: str) -> bool:
    return line.count("\t") >= 1


def _take_tab_table(lines: list[str], start: int) -> tuple[list[list[str | None]], int]:
    rows: list[list[str | None]] = []
    i = start
    while i < len(lines) and _is_tab_row(lines[i]):
        rows.append([c.strip() for c in lines[i].rstrip("\n").split("\t")])
        i += 1
    return rows, i
