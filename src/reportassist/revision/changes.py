"""What a turn changed, found by comparing the draft before and after: figures, sentences, sections, findings.

Comparing the two drafts (rather than trusting what the command meant to do) reports everything that
moved: the figure staff gave, the figures derived from it, every sentence that cites them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Literal

from reportassist.markers import find_marks
from reportassist.model import Draft, Value
from reportassist.schema import label_of
from reportassist.validation import Finding

__all__ = [
    "Change",
    "ChangeKind",
    "FindingChanges",
    "figure_changes",
    "finding_changes",
    "sentence_changes",
    "text_changes",
]

ChangeKind = Literal["figure", "text", "section", "placeholder", "undo"]
_SENTENCE = re.compile(r"[^。！？；\n]*(?:[。！？；]|\n|$)")


@dataclass(frozen=True)
class Change:
    """One change: its kind, where (in Chinese), the value or text before and after, and how it came about."""

    kind: ChangeKind
    where: str
    before: Value | str | None
    after: Value | str | None
    how: str = ""  # e.g. "工作人员在对话中给出", "= A + B（…）"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "where": self.where,
            "before": _json(self.before),
            "after": _json(self.after),
        }

    def line(self) -> str:
        """One line for the reply."""
        how = f"（{self.how}）" if self.how else ""
        if self.kind in ("figure", "undo"):
            return f"{self.where}：{_show(self.before)} → {_show(self.after)}{how}"
        if self.kind == "section":
            return f"{self.where}：整段改写（原 {len(str(self.before or ''))} 字，现 {len(str(self.after or ''))} 字）"
        if not self.before:
            return f"{self.where}：新增“{self.after}”"
        if not self.after:
            return f"{self.where}：删去“{self.before}”"
        return f"{self.where}：“{self.before}”→“{self.after}”"


def figure_changes(before: Draft, after: Draft) -> list[Change]:
    """Every table figure whose value differs, in the order of the official tables."""
    changes = []
    for key in dict.fromkeys([*after.figures, *before.figures]):
        old, new = before.figures.get(key), after.figures.get(key)
        if old == new and (old is None) == (new is None):
            continue
        origin = after.figure_origins.get(key)
        how = ""
        if origin is not None:
            how = "推算 " + origin.detail if origin.kind == "derived" else origin.detail
        changes.append(Change("figure", label_of(key), old, new, how))
    return changes


def text_changes(before: Draft, after: Draft, whole: set[str] | frozenset[str] = frozenset()) -> list[Change]:
    """Sentences changed, added or removed, section by section; `whole`: places rewritten as a whole,
    reported as one change of kind "section"."""
    old_sections = dict(before.places())
    changes: list[Change] = []
    for place, section in after.places():
        previous = old_sections.pop(place, None)
        where = section.heading or "开头"
        if previous is None:
            changes.append(Change("section", where, None, section.text))
            continue
        if previous.text == section.text:
            continue
        if place in whole:
            changes.append(Change("section", where, previous.text, section.text))
            continue
        changes.extend(sentence_changes(where, previous.text, section.text))
    for place, section in old_sections.items():
        if not any(place.startswith(f"{p}.") for p in whole):
            changes.append(Change("section", section.heading or "开头", section.text, None))
    return changes


def sentence_changes(where: str, old: str, new: str) -> list[Change]:
    a, b = _sentences(old), _sentences(new)
    changes = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        was, now = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
        filled = len(find_marks(now)) < len(find_marks(was))
        changes.append(Change("placeholder" if filled else "text", where, was or None, now or None))
    return changes


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


@dataclass(frozen=True)
class FindingChanges:
    appeared: list[Finding]
    resolved: list[Finding]


def finding_changes(before: list[Finding], after: list[Finding]) -> FindingChanges:
    """Findings that the change brought and those it cleared."""
    old = {_identity(f) for f in before}
    new = {_identity(f) for f in after}
    return FindingChanges(
        appeared=[f for f in after if _identity(f) not in old],
        resolved=[f for f in before if _identity(f) not in new],
    )


def _identity(finding: Finding) -> tuple[str, str | None, tuple[str, ...], str]:
    """A finding that is still there after a change (its figures, or the text quoted around it "……", are
    different) is the same finding: compared by rule, place and message without its digits and context."""
    where = finding.location
    message = re.sub(r"…[^…]*…", "…", finding.message)
    return finding.rule, where.section, tuple(where.keys), re.sub(r"\d+", "#", message)


def _show(value: Value | str | None) -> str:
    if value is None:
        return "空"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _json(value: Value | str | None) -> object:
    return float(value) if isinstance(value, Decimal) else value
