"""What an exported report consists of, in order, whatever the file format.

Title, then the preamble without a heading, then each section (heading, paragraphs, sub-sections)
with the official table that belongs to it after it (表二 after 二, 表三 after 三, 表四 after 四, the
legacy 附表 in 附表), and last the agency and date block, right-aligned in Word as 公文 are. The
renderers (Markdown, text, Word) only decide how each block looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportassist.markers import ANY_MARK
from reportassist.model import Report, Section
from reportassist.schema import CUMULATIVE, TABLE_SECTIONS, TableSpec, tables_for

__all__ = [
    "Closing",
    "Heading",
    "Piece",
    "Plan",
    "TableBlock",
    "Text",
    "Title",
    "plan",
    "report_title",
]


# Which section each official table follows.
_CN_DIGIT = "0-9〇零一二三四五六七八九十"
_DATE_LINE = re.compile(rf"^[{_CN_DIGIT}]{{4}}\s*年\s*[{_CN_DIGIT}]{{1,2}}\s*月\s*[{_CN_DIGIT}]{{1,3}}\s*日$")


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: 一、 2: （一） 3: 1.


@dataclass(frozen=True)
class Text:
    """One paragraph of prose."""

    text: str


@dataclass(frozen=True)
class TableBlock:
    spec: TableSpec


@dataclass(frozen=True)
class Closing:
    """The agency and the date under the report."""

    lines: tuple[str, ...]


Piece = Title | Heading | Text | TableBlock | Closing


@dataclass(frozen=True)
class Plan:
    """The blocks, and the report they render (its figures fill the tables)."""

    report: Report
    blocks: tuple[Piece, ...]


def report_title(report: Report) -> str:
    meta = report.meta
    if meta.title:
        return meta.title
    return f"{meta.agency or ''}{meta.year or ''}{'年' if meta.year else ''}政府信息公开工作年度报告"


def plan(report: Report) -> Plan:
    prose = report.model_copy(deep=True)  # its closing block is taken out below
    title = report_title(report)
    closing = _take_closing(prose)
    tables = _tables(prose)
    placed: dict[str, list[TableSpec]] = {}
    unplaced: list[TableSpec] = []
    for spec in tables:
        canonical = TABLE_SECTIONS[spec.id]
        if prose.find_section(canonical) is not None:
            placed.setdefault(canonical, []).append(spec)
        else:
            unplaced.append(spec)
    blocks: list[Piece] = [Title(title)]
    for section in prose.sections:
        blocks.extend(_section_blocks(section, placed, title))
    blocks.extend(TableBlock(spec) for spec in unplaced)
    if closing:
        blocks.append(Closing(closing))
    return Plan(report=report, blocks=tuple(blocks))


def _tables(report: Report) -> list[TableSpec]:
    """The format's official tables; the legacy 附表, optional in its day, only where it has figures."""
    fmt = report.meta.format
    if fmt is None:
        return []
    return [
        spec
        for spec in tables_for(fmt)
        if spec.id != "legacy" or any(k in report.figures for k in _all_keys(spec))
    ]


def _all_keys(spec: TableSpec) -> list[str]:
    return [k for key in spec.keys for k in (key, key + CUMULATIVE)]


def _section_blocks(section: Section, placed: dict[str, list[TableSpec]], title: str) -> list[Piece]:
    blocks: list[Piece] = []
    if section.heading:
        blocks.append(Heading(section.heading, max(1, min(section.level, 3))))
    lines = section.text.split("\n") if section.text else []
    if not section.heading and lines and lines[0].strip() == title:
        lines = lines[1:]  # the preamble begins with the title the reader found there
    blocks.extend(Text(line) for line in lines if line.strip())
    for child in section.children:
        blocks.extend(_section_blocks(child, placed, title))
    if section.canonical in placed:
        blocks.extend(TableBlock(spec) for spec in placed.pop(section.canonical))
    return blocks


def _take_closing(report: Report) -> tuple[str, ...]:
    """Cut the agency and date lines off the end of the last section, if that is how it ends (a draft
    may hold a placeholder where the date will be)."""
    sections = list(report.walk_sections())
    agency = report.meta.agency
    if not sections or not agency or not sections[-1].text:
        return ()
    last = sections[-1]
    lines = last.text.split("\n")
    date = lines[-1].strip()
    if (
        len(lines) >= 2
        and lines[-2].strip() == agency.strip()
        and (_DATE_LINE.match(date) or ANY_MARK.fullmatch(date))
    ):
        last.text = "\n".join(lines[:-2])
        return (lines[-2].strip(), lines[-1].strip())
    return ()
