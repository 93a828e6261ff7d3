"""The number guard: a rewrite may state no figure that is neither given nor in the text it started from.

Language models invent numbers, and a report with an invented number is worse than no rewrite. Every
number of the rewrite (see `numbers.find_numbers`) must be one of this year's figures (`allowed`, the
caller's given and derived figures) or appear in the source text with the same measure word (“3场” in
the source does not vouch for “3家”); dates, document numbers and codes must appear in the source as a
whole. The source's placeholders (【待填：…】, 【待核实：…】) must survive unchanged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from reportassist.llm.numbers import PLACEHOLDER, Number, find_numbers, same_unit
from reportassist.model import Value

__all__ = ["GuardResult", "RejectedNumber", "check_numbers", "dropped_numbers"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_WHOLE_KIND = {"date": "日期", "doc_number": "文号", "code": "编号", "vague": "数字"}


@dataclass(frozen=True)
class RejectedNumber:
    """A number of the rewrite that nothing vouches for: as written, its sentence, why (in Chinese)."""

    number: str
    sentence: str
    reason: str


@dataclass(frozen=True)
class GuardResult:
    rejected: list[RejectedNumber] = field(default_factory=list)
    placeholder_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.placeholder_problems

    def reasons(self) -> list[str]:
        """Everything wrong with the rewrite, in Chinese, for the user."""
        return [f"{r.reason}（所在句子：{r.sentence}）" for r in self.rejected] + self.placeholder_problems


def check_numbers(rewrite: str, allowed: Iterable[Value], source: str) -> GuardResult:
    """Check every number of `rewrite` against `allowed` and `source`, and `source`'s placeholders."""
    allowed_values = {Decimal(str(v)) for v in allowed}
    source_numbers = _vouching(find_numbers(source))
    rejected = [
        RejectedNumber(number=n.raw, sentence=_sentence(rewrite, n), reason=reason)
        for n in find_numbers(rewrite)
        if (reason := _unvouched(n, allowed_values, source_numbers)) is not None
    ]
    return GuardResult(rejected=rejected, placeholder_problems=_placeholder_problems(rewrite, source))


def dropped_numbers(rewrite: str, source: str) -> list[Number]:
    """The numbers of `source` that `rewrite` no longer states (in any wording)."""
    kept = _vouching(find_numbers(rewrite))
    return [n for n in find_numbers(source) if _find(n, kept) is None]


def _vouching(numbers: list[Number]) -> list[Number]:
    """The numbers, plus the year, month and day of each date: “2024年1月1日” vouches for “2024年”."""
    parts: list[Number] = []
    for n in numbers:
        if n.kind == "date" and n.token:
            pieces = [Decimal(p) for p in n.token.split("-")]
            for piece, unit in zip(pieces, ("年", "月", "日"), strict=False):
                parts.append(
                    Number(
                        raw=n.raw,
                        start=n.start,
                        end=n.end,
                        kind="figure",
                        value=piece,
                        written=piece,
                        unit=unit,
                    )
                )
            if len(pieces) == 3:
                parts.append(
                    Number(raw=n.raw, start=n.start, end=n.end, kind="date", token=n.token.rsplit("-", 1)[0])
                )
    return numbers + parts


def _find(number: Number, candidates: list[Number]) -> Number | None:
    for c in candidates:
        if number.kind == "figure":
            if c.kind == "figure" and c.value == number.value and same_unit(c.unit, number.unit):
                return c
        elif c.kind == number.kind and c.token == number.token:
            return c
    return None


def _unvouched(number: Number, allowed: set[Decimal], source: list[Number]) -> str | None:
    """Why nothing vouches for `number`, or None when something does."""
    if number.kind == "figure" and (number.value in allowed or number.written in allowed):
        return None
    if _find(number, source) is not None:
        return None
    if number.kind != "figure":
        return f"{_WHOLE_KIND[number.kind]}“{number.raw}”在原文中没有"
    same_value = next((c for c in source if c.kind == "figure" and c.value == number.value), None)
    if same_value is not None:
        return f"“{number.raw}”：原文中同样的数值在“{same_value.raw}”里，说的不是同一件事；本年数字中也没有"
    return f"“{number.raw}”既不是本年的数字，也不在原文中，可能是模型编造的"


def _placeholder_problems(rewrite: str, source: str) -> list[str]:
    before = Counter(PLACEHOLDER.findall(source))
    after = Counter(PLACEHOLDER.findall(rewrite))
    lost = [f"占位符“{p}”被删去或改动了，必须原样保留" for p in (before - after).elements()]
    added = [f"改写中多出了原文没有的占位符“{p}”" for p in (after - before).elements()]
    return lost + added


def _sentence(text: str, number: Number) -> str:
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, number.start):
        start = m.end()
    end_match = _SENTENCE_END.search(text, number.end)
    end = end_match.end() if end_match else len(text)
    return text[start:end].strip()
