"""Which official column each column of a grid is, from the header rows above the figures.

The templates' headers have up to three levels, with merged cells: 表三 申请人情况 / 自然人 /
法人或其他组织 (over five columns) / 总计; 表四 行政复议 over five columns and 行政诉讼 over ten, in
two groups. Copied to CSV or read from XLSX, a merged cell keeps its text in its first column only, so
a column's own cells name its column and the cells carried from the left name its group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reportassist.given_figures.grid import Row
from reportassist.model import ReportFormat
from reportassist.schema import CUMULATIVE, T3_COLUMNS, T4_COLUMNS, T4_GROUPS, RowSpec, TableSpec, tables_for

__all__ = ["Header", "Scheme", "key_of", "read_header", "schemes_for", "template_keys"]

_PAREN = re.compile(r"\([^()]*\)")
_THIS_YEAR = re.compile(r"^(?:本年度?(?:数)?|\d{4}年度?(?:数)?)$")


def _norm(text: str) -> str:
    return re.sub(r"[\s/／]", "", unicodedata.normalize("NFKC", text))


def _forms(text: str) -> set[str]:
    """A header text as written and without a parenthesised remark ("本年收费金额（单位：万元）")."""
    norm = _norm(text)
    return {norm, _PAREN.sub("", norm)} - {""}


@dataclass(frozen=True)
class Scheme:
    """How one table's columns are named: leaf labels, and for 表四 the groups above them."""

    table: str
    leaves: dict[str, str]  # normalised label -> column name
    groups: dict[str, str]  # normalised label -> group name (表四 only)

    def leaf(self, text: str) -> str | None:
        if self.table == "legacy" and _THIS_YEAR.match(_norm(text)):
            return ""
        return next((self.leaves[f] for f in _forms(text) if f in self.leaves), None)

    def group(self, text: str) -> str | None:
        return next((self.groups[f] for f in _forms(text) if f in self.groups), None)

    def mentions(self, text: str) -> bool:
        return self.leaf(text) is not None or self.group(text) is not None

    def identify(self, own: list[str], carried: list[str]) -> str | None:
        """A column's name from the header cells in it (`own`) and those carried from the left."""
        leaf = next((n for t in reversed(own) if (n := self.leaf(t)) is not None), None)
        if leaf is None or not self.groups:
            return leaf
        group = next((g for t in reversed(carried) if (g := self.group(t)) is not None), None)
        return f"{group}.{leaf}" if group else None


def _scheme(spec: TableSpec) -> Scheme:
    if spec.id == "t3":
        return Scheme("t3", {_norm(label): name for name, label in T3_COLUMNS}, {})
    if spec.id == "t4":
        groups: dict[str, str] = {}
        for name, label in T4_GROUPS:
            norm = _norm(label)
            groups[norm] = name
            inner = re.search(r"\(([^()]*)\)", norm)
            if inner:
                groups[inner.group(1)] = name
        return Scheme("t4", {_norm(label): name for name, label in T4_COLUMNS}, groups)
    if spec.id == "legacy":
        return Scheme("legacy", {_norm("历年累计"): CUMULATIVE, _norm("累计"): CUMULATIVE}, {})
    leaves: dict[str, str] = {}
    for row in spec.rows:
        for key, label in zip(row.keys, row.column_labels):
            for form in _forms(label):
                leaves[form] = key.rsplit(".", 1)[1]
    return Scheme(spec.id, leaves, {})


_SCHEMES: dict[ReportFormat, dict[str, Scheme]] = {
    fmt: {spec.id: _scheme(spec) for spec in tables_for(fmt)} for fmt in ("legacy", "gb2019", "gb2021")
}


def schemes_for(fmt: ReportFormat) -> dict[str, Scheme]:
    return _SCHEMES[fmt]


@dataclass(frozen=True)
class Header:
    table: str
    columns: dict[int, str]  # 1-based column -> column name


def read_header(block: list[Row], schemes: dict[str, Scheme]) -> Header | None:
    """The table and columns named by consecutive header rows; the table naming most columns wins."""
    width = max((c.column for row in block for c in row), default=0)
    own: dict[int, list[str]] = {c: [] for c in range(1, width + 1)}
    carried: dict[int, list[str]] = {c: [] for c in range(1, width + 1)}
    for row in block:
        texts = {c.column: c.text for c in row if not c.blank}
        carry: str | None = None
        for column in range(1, width + 1):
            if column in texts:
                carry = texts[column]
                own[column].append(carry)
            if carry is not None:
                carried[column].append(carry)
    best: Header | None = None
    for table, scheme in schemes.items():
        columns = {c: name for c in own if (name := scheme.identify(own[c], carried[c])) is not None}
        if columns and (best is None or len(columns) > len(best.columns)):
            best = Header(table, columns)
    return best


def key_of(spec: TableSpec, row: RowSpec, column: str) -> str | None:
    """The key of `row`'s cell in the named column, if the row has one."""
    if spec.id == "legacy":
        return row.keys[0] + column
    key = f"t4.{column}" if spec.id == "t4" else f"{spec.id}.{row.id}.{column}"
    return key if key in row.keys else None


def template_keys(spec: TableSpec, row: RowSpec, count: int) -> tuple[str, ...] | None:
    """The keys of `count` figures written in template order, or None when the count does not fit."""
    if spec.id == "legacy":
        return {1: row.keys, 2: (row.keys[0], row.keys[0] + CUMULATIVE)}.get(count)
    return row.keys if count == len(row.keys) else None
