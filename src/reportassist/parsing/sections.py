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
    _name_unheaded_parts(sections)
    return sections


def _name_unheaded_parts(sections: list[Section]) -> None:
    """A part whose own heading is missing is still there under its sub-headings.

    Without "五、存在的主要问题及改进情况", "（一）主要问题" falls inside 四 and inherits nothing;
    the first sub-heading that names a section no heading names stands for that section.
    """
    named = {s.canonical for top in sections for s in top.walk() if s.canonical}
    for top in sections:
        for section in top.walk():
            canonical = canonical_of(section.heading) if section.canonical is None else None
            if canonical is not None and canonical not in named:
                section.canonical = canonical
                named.add(canonical)


def _append_text(section: Section, text: str) -> None:
    section.text = f"{section.text}\n{text}" if section.text else text
