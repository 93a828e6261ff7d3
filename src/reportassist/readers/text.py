"""Plain text and Markdown, including text converted from PDF and tables pasted from Excel.

PDF-converted text breaks sentences at page ends (a blank line, sometimes a `---` rule, in the
middle of a sentence); those pieces are joined back here, and the page's furniture (page numbers,
running headers repeating the title) is dropped. Text extracted from a PDF also spaces out
letter-spaced headings ("收 到 和 处 理") and prints a narrow column one character per line; both
are put back together. Markdown pipe tables (a row hard-wrapped over two lines is joined), runs of
tab-separated lines (what Excel puts on the clipboard), tables copied one cell per line
(`cell_lines`) and rows printed with their figures a space apart (`spaced_rows`) become `Table`
blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportassist.errors import InputError
from reportassist.readers.base import Block, Document, Paragraph, Table
from reportassist.readers.cell_lines import cell_runs
from reportassist.readers.decoding import decode_text
from reportassist.readers.spaced_rows import ROW_LINE, row_runs
from reportassist.settings import get_settings

__all__ = ["TextReader", "blocks_from_text"]

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_WHOLE_BOLD = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*$")
_INLINE_MARKUP = re.compile(r"\*\*|__|(?<![\w*])\*(?!\s)|`")
# Character classes exclude the opening bracket too, so that a line of thousands of "[" or "<" is linear.
_MD_LINK = re.compile(r"<(https?://[^<>\s]+)>|\[([^\[\]]*)\]\([^()]*\)")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|=+\s*正文\s*=+|={5,}.*)\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—\-–－]+\s*\d+\s*[—\-–－]+|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$"
)
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_LETTER_SPACE = re.compile(rf"(?<=[{_CJK}、（）]) (?=[{_CJK}、（）])")
_ONE_CHARACTER = re.compile(rf"^\s*[{_CJK}、（）()“”]\s*$")

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
    lines = _restore_lines(text.replace("\u3000", " ").replace("\xa0", " ").split("\n"))
    runs = {run.start: (run.stop, run.table) for run in cell_runs(lines, _is_furniture)} | row_runs(lines)
    blocks: list[Block] = []
    pending: list[Paragraph] = []  # paragraphs separated by blank lines, joined lazily
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in runs:
            blocks.extend(_flush(pending))
            pending = []
            i, table = runs[i]
            blocks.append(table)
            continue
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
        if not line.strip() or _RULE.match(line) or _is_furniture(line):
            continue
        pending.append(_paragraph(line))
    blocks.extend(_flush(pending))
    return blocks


def _is_furniture(line: str) -> bool:
    """A page number: printed on every page, part of no paragraph or table."""
    return bool(_PAGE_NUMBER.match(line))


def _restore_lines(lines: list[str]) -> list[str]:
    """Undo what PDF extraction and page layout did to lines: running headers, letter-spaced
    words, a column printed one character per line, a Markdown row wrapped over two lines."""
    lines = _drop_running_headers(lines)
    lines = [_LETTER_SPACE.sub("", line) if _letter_spaced(line) else line for line in lines]
    lines = _join_vertical_words(lines)
    return _join_wrapped_pipe_rows(lines)


def _letter_spaced(line: str) -> bool:
    """ "三、收 到 和 处 理 政 府 信 息": most Chinese characters of the line stand a space apart."""
    spaced = len(_LETTER_SPACE.findall(line))
    characters = len(re.findall(rf"[{_CJK}]", line))
    return spaced >= 3 and spaced * 2 >= characters


def _drop_running_headers(lines: list[str]) -> list[str]:
    """Later copies of the title line, and any line repeated next to page numbers, are page headers."""
    title = next((line.strip() for line in lines if line.strip()), "")
    near_page_breaks: dict[str, int] = {}
    for index, line in enumerate(lines):
        if _is_furniture(line):
            for near in lines[max(0, index - 2) : index + 3]:
                if near.strip() and not _is_furniture(near):
                    near_page_breaks[near.strip()] = near_page_breaks.get(near.strip(), 0) + 1
    repeated = {text for text, count in near_page_breaks.items() if count >= 2 and len(text) >= 6}
    out: list[str] = []
    seen_title = False
    for line in lines:
        stripped = line.strip()
        if stripped and (
            stripped == title and seen_title and len(title) >= 6 or stripped in repeated and stripped != title
        ):
            continue
        seen_title = seen_title or stripped == title
        out.append(line)
    return out


def _join_vertical_words(lines: list[str]) -> list[str]:
    """Three or more lines of one character each are one word printed down a narrow column: a
    merged label cell, which labels the table row after it ("三、本年度办理结果" + "（一）予以公开 9 0 …")."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _ONE_CHARACTER.match(lines[j]):
            j += 1
        if j - i >= 3:
            word = "".join(line.strip() for line in lines[i:j])
            if j < len(lines) and ROW_LINE.match(lines[j]):
                out.append(f"{word} {lines[j].strip()}")
                j += 1
            else:
                out.append(word)
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _join_wrapped_pipe_rows(lines: list[str]) -> list[str]:
    """A Markdown table row cut by a hard wrap ("| 一、本年新收政府信息公开申请" / "数量 | 38 | … |")."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if (
            stripped.startswith("|")
            and not stripped.endswith("|")
            and i + 1 < len(lines)
            and lines[i + 1].strip().endswith("|")
            and not lines[i + 1].strip().startswith("|")
        ):
            out.append(_join_text(stripped, lines[i + 1].strip()))
            i += 2
            continue
        out.append(line)
        i += 1
    return out


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
