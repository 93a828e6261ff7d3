"""The marks a draft leaves for staff, said once: 【待填：…】 a value to fill, 【待核实：…】 a thing to check.

- 【待填】 alone: a table cell left to fill;
- 【待填：label（上年：value）】: a figure of last year's prose whose value this year is not known; with 参考
  instead of 上年 when the text came from another agency's report;
- 【待核实：kind（上年：value）】: a 文号, a document title, a date or a web address of last year that cannot be
  known for this year; 【待核实：free text】 a statement to check (a peer's wording).

Everything that writes, finds or highlights these marks uses this module, so a mark written by the drafter
is the mark the validator, the exporters, the number guard and the chat look for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ANY_MARK",
    "EMPTY_CELL",
    "Mark",
    "MarkKind",
    "check_mark",
    "fill_mark",
    "find_marks",
]

MarkKind = Literal["fill", "check"]
_WORDS: dict[MarkKind, str] = {"fill": "待填", "check": "待核实"}

# A table cell left to fill.
EMPTY_CELL = "【待填】"
# Any mark of either kind, as the drafter writes them and as staff type them (【待补充】, 【此处请填写】).
ANY_MARK = re.compile(r"【(?:待|[^】]{0,12}(?:待填|待核实|请填写))[^】]*】")
_PARTS = re.compile(r"^【(?P<word>待填|待核实)(?:[：:](?P<inner>.*))?】$", re.DOTALL)
# The value a mark remembers: “（上年：12）” or, for a peer's text, “（参考：12）”.
_WAS = re.compile(r"[（(](?:上年|参考)[：:](?P<was>[^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*)[）)]$")


def fill_mark(label: str, was: str | None = None, shown: str | None = None) -> str:
    """【待填：label（was：shown）】; `was` is 上年 or 参考."""
    return _mark("fill", label, was, shown)


def check_mark(label: str, was: str | None = None, shown: str | None = None) -> str:
    """【待核实：label（was：shown）】; `was` is 上年 or 参考."""
    return _mark("check", label, was, shown)


def _mark(kind: MarkKind, label: str, was: str | None, shown: str | None) -> str:
    remembered = f"（{was}：{shown}）" if was and shown is not None else ""
    return f"【{_WORDS[kind]}：{label}{remembered}】"


@dataclass(frozen=True)
class Mark:
    """One mark in a text: its kind, what it names (label), the value it remembers, and where it stands."""

    kind: MarkKind
    label: str
    was: str | None
    text: str
    start: int
    end: int


def find_marks(text: str) -> list[Mark]:
    """Every 【待填…】 and 【待核实…】 of `text`, in reading order."""
    marks: list[Mark] = []
    for m in ANY_MARK.finditer(text):
        parts = _PARTS.match(m.group(0))
        kind: MarkKind = "check" if parts is not None and parts.group("word") == "待核实" else "fill"
        inner = (parts.group("inner") or "") if parts is not None else m.group(0)[1:-1]
        was = _WAS.search(inner)
        label = inner[: was.start()] if was else inner
        marks.append(
            Mark(
                kind=kind,
                label=label.strip(),
                was=was.group("was").strip() if was else None,
                text=m.group(0),
                start=m.start(),
                end=m.end(),
            )
        )
    return marks
