"""What every check sees: the report, last year's report if given, the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from reportassist.model import Report, Value
from reportassist.settings import Settings

__all__ = ["Context", "fmt_value"]


@dataclass
class Context:
    report: Report
    prior: Report | None
    settings: Settings
    absent_seen: set[str] = field(default_factory=set)  # keys already reported as absent

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


def fmt_value(value: Value | None) -> str:
    if value is None:
        return "空"
    return f"{value:g}" if not isinstance(value, int) else str(value)
