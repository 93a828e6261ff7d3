"""Statements in words that the tables decide ("无依申请公开信件", "均已结案"), found in a text and judged.

The statements are those of `schema.CLAIMS`. A clause is read as one statement; a sentence about 复议 and
诉讼 together ("没有…行政复议、提起行政诉讼的情况") states each. A statement is judged only when every figure it
depends on is known: an absent figure decides nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from reportassist.model import ReportFormat, Value
from reportassist.schema import CLAIMS, Claim

__all__ = ["ClaimFound", "claim_keys", "find_claims", "judge"]

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CLAUSE_END = re.compile(r"[，,；;：:]")


@dataclass(frozen=True)
class ClaimFound:
    """A statement of `claim` in `sentence`, the sentence starting at `start` of the text searched."""

    claim: Claim
    sentence: str
    start: int
    words: str  # the words that make the statement, as written


def find_claims(text: str, fmt: ReportFormat | None) -> list[ClaimFound]:
    """Every statement of `schema.CLAIMS` that `text` makes, sentence by sentence."""
    if fmt is None:
        return []
    found: list[ClaimFound] = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        seen: set[str] = set()
        for claim in CLAIMS:
            if fmt not in claim.formats or claim.id in seen or not re.search(claim.topic, sentence):
                continue
            for clause in _clauses(sentence):
                hit = re.search(claim.words, clause)
                if hit is None or (claim.not_words and re.search(claim.not_words, clause)):
                    continue
                found.append(ClaimFound(claim, sentence.strip(), m.start(), hit.group(0)))
                seen.add(claim.id)
                break
    return found


def judge(found: ClaimFound, figures: Mapping[str, Value | None]) -> bool | None:
    """True when the figures bear the statement out, False when they contradict it, None when they
    cannot decide (a figure absent, or a statement no figure covers)."""
    claim = found.claim
    keys = claim_keys(found)
    if claim.holds == "review" or not keys:
        return None
    values = [figures.get(k) for k in keys]
    if any(v is None for v in values):
        return None
    total = sum(values)  # type: ignore[arg-type]
    return total == 0 if claim.holds == "zero" else total > 0


def claim_keys(found: ClaimFound) -> tuple[str, ...]:
    """The figures the statement depends on: of 表四, only the groups the sentence speaks of ("行政复议案件2件，
    均已结案" says nothing of 诉讼)."""
    about = {"t4.review": "复议" in found.sentence, "t4.suit": "诉讼" in found.sentence}
    if not any(about.values()):
        return found.claim.keys
    return tuple(k for k in found.claim.keys if all(about[g] for g in about if k.startswith(g)))


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_END.split(sentence) if c.strip()]
