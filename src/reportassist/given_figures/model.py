"""This year's figures as staff supplied them: what was understood, and what could not be placed."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reportassist.model import Value
from reportassist.schema import TABLE_NAMES

__all__ = ["FigureInput", "Understood", "Unplaced"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Understood(_Model):
    """One figure placed: a canonical table key or a prose label, its value and where it was read."""

    key: str = Field(description="Canonical key (formats.md §3), or the label of a prose figure.")
    kind: Literal["table", "prose"]
    value: Value | None = Field(description="None: given as absent (blank, '/', '—').")
    place: str = Field(description="In Chinese: the line, cell or sentence it came from.")


class Unplaced(_Model):
    """Text that looked like data but could not be placed, and why (in Chinese)."""

    text: str
    place: str
    reason: str
    candidates: list[str] = Field(
        default_factory=list, description="Keys it might mean, where there are several."
    )


class FigureInput(_Model):
    year: int | None = Field(
        default=None, description="The year the figures are for, as the input or the caller says."
    )
    agency: str | None = None
    figures: dict[str, Value | None] = Field(
        default_factory=dict, description="Table figures by canonical key; None is absent, not zero."
    )
    prose: dict[str, Value] = Field(
        default_factory=dict, description="This year's values of prose figures, by label."
    )
    understood: list[Understood] = Field(default_factory=list)
    unplaced: list[Unplaced] = Field(default_factory=list)

    def summary(self) -> str:
        """A few lines in Chinese: how many figures were understood, per table, and each unplaced item."""
        lines: list[str] = []
        if self.understood:
            per_table = Counter(_group(u) for u in self.understood)
            parts = [
                f"{name} {per_table[name]} 个"
                for name in (*TABLE_NAMES.values(), "正文数字")
                if per_table[name]
            ]
            line = f"读取到 {len(self.understood)} 个数字：{'，'.join(parts)}。"
            absent = sum(1 for u in self.understood if u.value is None)
            if absent:
                line += f"其中 {absent} 个为空或“/”，按缺失处理（不是 0）。"
            lines.append(line)
        else:
            lines.append("没有读取到任何数字。")
        if self.unplaced:
            lines.append(f"有 {len(self.unplaced)} 处内容未能对应到具体数字：")
            lines.extend(_unplaced_line(u) for u in self.unplaced)
        return "\n".join(lines)


def _unplaced_line(item: Unplaced) -> str:
    text = f"“{item.text}”"
    where = "" if item.place == text else f"（{item.place}）"
    return f"- {text}{where}：{item.reason}。"


def _group(item: Understood) -> str:
    if item.kind == "prose":
        return "正文数字"
    return TABLE_NAMES[item.key.split(".", 1)[0]]
