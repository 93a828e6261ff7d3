"""One figure's text as staff type it ("1,234", "１２", "/", "5件", "87.35") to a value, or why not.

Absence marks are those the report parser knows (`parsing.splitting.parse_value`): absent is kept
apart from zero. Full-width digits and separators are folded first (NFKC).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from reportassist.model import Value
from reportassist.parsing.splitting import parse_value
from reportassist.units import AMOUNT, TABLE_COUNT

__all__ = ["ValueProblem", "is_absent", "is_value", "read_number", "read_value", "read_year"]

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_YEAR = re.compile(r"^(\d{4})\s*年?度?$")


class ValueProblem(ValueError):
    """A figure's text is not a usable value; `reason` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace("−", "-")


def _strip_unit(text: str, units: tuple[str, ...]) -> str:
    for unit in units:
        if text.endswith(unit) and text[: -len(unit)].strip():
            return text[: -len(unit)].strip()
    return text


def is_absent(text: str) -> bool:
    """True for a blank or an absence mark ("/", "—", "不适用")."""
    return _absent(_fold(text))


def _absent(text: str) -> bool:
    try:
        return parse_value(text) is None
    except (ValueError, InvalidOperation):
        return False


def is_value(text: str) -> bool:
    """True for a cell that holds a figure or an absence mark (as opposed to a label)."""
    folded = _strip_unit(_fold(text), TABLE_COUNT + AMOUNT)
    return bool(_NUMBER.match(folded)) or folded == "零" or _absent(folded)


def read_value(raw: str | None, *, amount: bool = False, signed: bool = False) -> Value | None:
    """The value of one table figure: an int (a Decimal for amounts), or None when given as absent."""
    if raw is None:
        return None
    text = _strip_unit(_fold(raw), AMOUNT if amount else TABLE_COUNT)
    if text == "零":
        return Decimal(0) if amount else 0
    if not _NUMBER.match(text):
        if _absent(text):
            return None
        raise ValueProblem(f"“{raw}”不是数字")
    number = Decimal(text.replace(",", ""))
    if number < 0 and not signed:
        raise ValueProblem(f"“{raw}”是负数，这一项不能为负")
    if amount:
        return number
    if number != number.to_integral_value():
        raise ValueProblem(f"“{raw}”不是整数，这一项应为整数")
    return int(number)


def read_number(raw: str) -> Value:
    """A prose figure's value: any number, with an int where it has no fraction."""
    text = _strip_unit(_fold(raw), TABLE_COUNT + AMOUNT + ("%",))
    if not _NUMBER.match(text):
        raise ValueProblem(f"“{raw}”不是数字")
    number = Decimal(text.replace(",", ""))
    return int(number) if "." not in text else number


def read_year(raw: str) -> int:
    """'2024', '2024年', '２０２４年度' -> 2024."""
    m = _YEAR.match(_fold(raw))
    if m is None:
        raise ValueProblem(f"“{raw}”不是年份")
    return int(m.group(1))
