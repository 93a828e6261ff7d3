"""Paragraphs to the section tree: headings as written, each mapped to its canonical section."""

from __future__ import annotations

from reportassist.model import Section
from reportassist.parsing.headings import canonical_of, match_heading, split_inline_headings
from reportassist.readers.base import Block, Paragraph

__all__ = ["PREAMBLE", "build_sections", "restore_headings"]

PREAMBLE = "preamble"

# Paragraphs longer than this may be a whole report run together (text copied from a web page).
_RUN_TOGETHER = 300


def restore_headings(blocks: list[Block]) -> list[Block]:
    """Cut run-together paragraphs at the headings inside them."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and not block.heading and len(block.text) > _RUN_TOGETHER:
            pieces = split_inline_headings(block.text)
            out.extend(Paragraph(text, heading=is_heading) for text, is_heading in pieces)
        else:
            out.append(block)
    return out


def build_sections(blocks: list[Block]) -> list[Section]:
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    matches = [match_heading(p.text, marked=p.heading) for p in paragraphs]
    has_top_level = any(m is not None and m.level == 1 for m in matches)
    preamble = Section(heading="", canonical=PREAMBLE, level=0)
    sections: list[Section] = [preamble]
    stack: list[Section] = []
    for para, match in zip(paragraphs, matches):
        opens = match is not None and match.level >= 1 and (stack or match.level == 1 or not has_top_level)
        if not opens:
            target = stack[-1] if stack else preamble
            _append_text(target, para.text)
            continue
        assert match is not None
        while stack and stack[-1].level >= match.level:
            stack.pop()
        parent = stack[-1] if stack else None
        inherited = any(s.canonical for s in stack)
        section = Section(
            heading=match.title,
            level=match.level,
            canonical=None if inherited else canonical_of(match.title),
        )
        (parent.children if parent else sections).append(section)
        stack.append(section)
        if match.rest:
            _append_text(section, match.rest)
    if not preamble.text and not preamble.children:
        sections.remove(preamble)
    return sections


def _append_text(section: Section, text: str) -> None:
    section.text = f"{section.text}\n{text}" if section.text else text
