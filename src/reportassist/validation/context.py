"""What every check sees: the report, last year's report if given, the settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from reportassist.model import Report, Value
from reportassist.schema import label_of
from reportassist.settings import Settings
from reportassist.validation.findings import Issue, Location

__all__ = ["Context", "fmt_value"]


@dataclass
class Context:
    report: Report
    prior: Report | None
    settings: Settings

    @cached_property
    def body(self) -> str:
        return self.report.body()[0]

    @cached_property
    def spans(self) -> list[tuple[int, int, str]]:
        return self.report.body()[1]

    def section_at(self, position: int) -> str | None:
        for start, end, path in self.spans:
            if start <= position <= end:
                return path or None
        return None

    @property
    def year(self) -> int | None:
        return self.report.meta.year

    def absent(self, check: str, keys: list[str], prior_keys: list[str] | None = None) -> Issue | None:
        """`figure.absent` for a check whose operands are blank in a table that is there.

        None when no operand is blank: either all are given, or a whole table is missing, which
        `figure.absent` reports once for the table.
        """
        blank = [label_of(k) for k in keys if k in self.report.figures and self.report.figures[k] is None]
        if self.prior is not None:
            blank += [
                f"上年报告{label_of(k)}"
                for k in prior_keys or []
                if k in self.prior.figures and self.prior.figures[k] is None
            ]
        if not blank:
            return None
        return Issue(
            rule="figure.absent",
            message=f"{check}无法核对：{'、'.join(blank)}空缺或无法确定（空缺不等于 0）。",
            location=Location(keys=[*keys, *(prior_keys or [])]),
        )


def fmt_value(value: Value | None) -> str:
    if value is None:
        return "空"
    return f"{value:g}" if not isinstance(value, int) else str(value)
