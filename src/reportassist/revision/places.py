"""Which part of the draft a message speaks of: "第五部分", "五、", "总体情况", "第一部分（二）"…

Words inside quotation marks are the text to change, not a part's name, and are not looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportassist.model import Draft, Section
from reportassist.schema import PARTS

__all__ = ["QUOTED", "PartRef", "find_part", "unquoted"]

QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|‘[^’]*’")
_NUMERALS = "一二三四五六七八九十"
_PART = re.compile(
    rf"第\s*([{_NUMERALS}]|[1-9])\s*(?:部分|节|章|大项|大部分)|(?<![（(\d])([{_NUMERALS}])\s*、"
)
_CHILD = re.compile(rf"[（(]([{_NUMERALS}]+)[）)]")
# Names staff use for the parts, by canonical section.
_NAMES: dict[str, tuple[str, ...]] = {
    "preamble": ("开头", "前言", "引言", "导语", "开头语"),
    "overview": ("总体情况", "总体"),
    "active": ("主动公开政府信息情况", "主动公开情况", "主动公开部分"),
    "requests": ("收到和处理", "依申请公开情况", "依申请", "申请情况"),
    "review": ("行政复议、行政诉讼", "复议和诉讼", "复议诉讼", "复议、诉讼"),
    "problems": ("存在的主要问题", "主要问题", "问题及改进", "改进情况", "问题和改进"),
    "other": ("其他需要报告的事项", "其他需要报告", "其他事项"),
}


@dataclass(frozen=True)
class PartRef:
    place: str
    section: Section

    @property
    def name(self) -> str:
        return self.section.heading or "开头"


def unquoted(message: str) -> str:
    """The message with quoted text blanked out (same length, so offsets still hold)."""
    return QUOTED.sub(lambda m: " " * len(m.group(0)), message)


def find_part(message: str, draft: Draft) -> PartRef | None:
    """The section the message names, or None when it names none."""
    text = unquoted(message)
    top = _top(text, draft)
    if top is None:
        return None
    child = _CHILD.search(text)
    if child is not None:
        for index, sub in enumerate(top.section.children):
            if sub.heading.startswith(child.group(0).replace("(", "（").replace(")", "）")):
                return PartRef(f"{top.place}.{index}", sub)
    return top


def _top(text: str, draft: Draft) -> PartRef | None:
    places = [(p, s) for p, s in draft.places() if "." not in p]
    m = _PART.search(text)
    if m is not None:
        number = _number(m.group(1) or m.group(2))
        for place, section in places:
            if section.heading.startswith(f"{_NUMERALS[number - 1]}、"):
                return PartRef(place, section)
        if draft.meta.format != "legacy" and 1 <= number <= len(PARTS):
            return _by_canonical(places, PARTS[number - 1])
    for canonical, names in _NAMES.items():
        if any(name in text for name in names):
            found = _by_canonical(places, canonical)
            if found is not None:
                return found
    return None


def _by_canonical(places: list[tuple[str, Section]], canonical: str) -> PartRef | None:
    return next((PartRef(p, s) for p, s in places if s.canonical == canonical), None)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMERALS.index(token) + 1
