"""What a table cell holds: a figure, an absence mark, or words.

Readers need it to recognise tables that lost their grid (one cell per line); the parser needs it to
tell a row's label cells from its value cells. Said once, here.
"""

from __future__ import annotations

import re

from reportassist.markers import ANY_MARK

__all__ = ["ABSENT", "is_value_text"]

# Cells that say "nothing here": a blank, a slash, a dash, 不适用…
ABSENT = frozenset({"/", "／", "—", "——", "－", "-", "–", "不适用", "无", "", "\\", "×"})
# Atomic groups and possessive quantifiers: a run of digits is read one way only, so a long line of
# digits that ends in a word fails at once instead of trying every way to cut the digits.
_VALUE_TEXT = re.compile(r"^\s*+(?:(?>[+\-−]?\d++(?:\.\d++)?|[/／\\×]|—++|－|–|-|不适用|零|无)\s*+)*+$")


def is_value_text(text: str) -> bool:
    """True for a cell that holds a figure or an absence mark, as opposed to a label."""
    stripped = text.strip()
    return stripped in ABSENT or bool(_VALUE_TEXT.match(stripped) or ANY_MARK.fullmatch(stripped))
