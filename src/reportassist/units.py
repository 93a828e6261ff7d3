"""Measure words, said once: which a table's counts are written with, which make a prose figure, which
any count may carry.

- `TABLE_COUNT`: a count of the official tables as written ("申请5件", "商业企业2家"); `AMOUNT`: the tables'
  amounts of money;
- `PROSE`: the measure words the prose reader takes a figure by ("主动公开政府信息163条", "400余条", "98%");
- `MEASURE`: every measure word a count may carry, longest first: the number guard compares figures by it;
- `NOT_COUNTED`: those that make a number a date, an age or a place in a text rather than a quantity;
- `MULTIPLIERS`: 万, 千, 百, 亿 after a number ("1.2万").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["AMOUNT", "MEASURE", "MULTIPLIERS", "NOT_COUNTED", "PROSE", "TABLE_COUNT", "alternation"]

TABLE_COUNT: tuple[str, ...] = ("件", "条", "个", "项", "次", "份", "家")
AMOUNT: tuple[str, ...] = ("万元",)
PROSE: tuple[str, ...] = (
    "万人次", "万次", "万条", "万元", "亿元", "个工作日", "人次", "场次", "批次",
    "元", "%", "％", "条", "件", "项", "次", "个", "期", "场", "篇", "份", "家", "轮", "名", "户", "天",
)  # fmt: skip
MEASURE: tuple[str, ...] = (
    "个工作日", "个百分点", "工作日", "百分点", "个月", "人次", "场次", "批次", "分钟", "小时", "平方米", "公里",
    "季度", "%", "％", "‰", "个", "件", "条", "项", "次", "份", "场", "期", "篇", "家", "名", "人", "户", "天", "日",
    "年", "月", "周", "批", "轮", "类", "种", "位", "所", "处", "本", "部", "台", "套", "元", "倍", "成", "岁", "届",
    "座", "章", "节", "款", "页", "张", "册", "道", "幅", "组", "支", "起", "宗", "例", "封", "号", "秒", "米", "亩", "吨",
)  # fmt: skip
NOT_COUNTED: frozenset[str] = frozenset(
    {"年", "月", "日", "号", "届", "岁", "季度", "个月", "章", "节", "款", "页", "秒"}
)
MULTIPLIERS: tuple[str, ...] = ("万", "千", "百", "亿")


def alternation(units: Iterable[str]) -> str:
    """A regular expression matching any of `units`, the longest first."""
    return "|".join(re.escape(u) for u in sorted(set(units), key=len, reverse=True))
