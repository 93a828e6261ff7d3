"""The canonical keys a figures input may use for a format, and hints for keys that are not among them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from reportassist.model import ReportFormat
from reportassist.schema import CUMULATIVE, FORMAT_NAMES, TABLES, TableSpec, keys_for, label_of

__all__ = ["FORMATS", "KeySet", "key_set"]

# Newest first: where the year is unknown and formats read an input alike, the newest is taken.
FORMATS: tuple[ReportFormat, ...] = ("gb2021", "gb2019", "legacy")


@dataclass(frozen=True)
class KeySet:
    """The keys of one format, with what each one's value may be."""

    format: ReportFormat
    keys: frozenset[str]
    amount_keys: frozenset[str]
    signed_keys: frozenset[str]

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def unknown_reason(self, key: str) -> tuple[str, list[str]]:
        """Why `key` is not a figure of this format, in Chinese, and the nearest real key."""
        other = next((f for f in FORMATS if f != self.format and key in key_set(f)), None)
        if other is not None:
            reason = f"这是{FORMAT_NAMES[other]}的项目，本年度报告使用{FORMAT_NAMES[self.format]}"
        else:
            reason = "不是年度报告格式中的项目名称"
        near = difflib.get_close_matches(key, sorted(self.keys), n=1, cutoff=0.6)
        if near:
            reason += f"；最接近的是“{near[0]}”（{label_of(near[0])}）"
        return reason, near


def _build(fmt: ReportFormat) -> KeySet:
    specs: tuple[TableSpec, ...] = TABLES[fmt]
    keys = set(keys_for(fmt))
    if fmt == "legacy":
        keys |= {k + CUMULATIVE for k in list(keys)}
    return KeySet(
        format=fmt,
        keys=frozenset(keys),
        amount_keys=frozenset(k for s in specs for k in s.amount_keys),
        signed_keys=frozenset(k for s in specs for k in s.signed_keys),
    )


_KEY_SETS = {fmt: _build(fmt) for fmt in FORMATS}


def key_set(fmt: ReportFormat) -> KeySet:
    return _KEY_SETS[fmt]
