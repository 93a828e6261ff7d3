"""Gather the figures one input gives, for one format: values checked, contradictions caught.

Every reader (mapping file, spreadsheet grid, sentences) hands its figures to a `Collector` with the
place each came from. A value that cannot be read, or the same key given twice with different values,
is a problem for staff to fix; all problems of one input are reported together as one `InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reportassist.errors import InputError
from reportassist.given_figures.keys import KeySet, key_set
from reportassist.given_figures.model import FigureInput, Understood, Unplaced
from reportassist.given_figures.values import ValueProblem, read_number, read_value
from reportassist.model import ReportFormat, Value
from reportassist.schema import label_of
from reportassist.validation.context import fmt_value

__all__ = ["Collector"]


class Collector:
    def __init__(self, fmt: ReportFormat, path: Path | None) -> None:
        self.keys: KeySet = key_set(fmt)
        self.path = path
        self._table: dict[str, tuple[Value | None, str]] = {}
        self._prose: dict[str, tuple[Value, str]] = {}
        self._understood: list[Understood] = []
        self._unplaced: list[Unplaced] = []
        self._problems: list[tuple[str, str]] = []  # (place, reason)

    @property
    def format(self) -> ReportFormat:
        return self.keys.format

    def table(self, key: str, raw: str | None, place: str) -> None:
        """A table figure as written (None: given as null); `key` must be one of the format's keys."""
        try:
            value = read_value(raw, amount=key in self.keys.amount_keys, signed=key in self.keys.signed_keys)
        except ValueProblem as problem:
            self._problems.append((place, f"“{key}”（{label_of(key)}）的值{problem.reason}"))
            return
        if self._repeated(self._table, key, label_of(key), value, place):
            return
        self._table[key] = (value, place)
        self._understood.append(Understood(key=key, kind="table", value=value, place=place))

    def prose(self, label: str, raw: str, place: str) -> None:
        try:
            value = read_number(raw)
        except ValueProblem as problem:
            self._problems.append((place, f"正文数字“{label}”的值{problem.reason}"))
            return
        if self._repeated(self._prose, label, f"正文数字“{label}”", value, place):
            return
        self._prose[label] = (value, place)
        self._understood.append(Understood(key=label, kind="prose", value=value, place=place))

    def unplaced(self, text: str, place: str, reason: str, candidates: Sequence[str] = ()) -> None:
        self._unplaced.append(Unplaced(text=text, place=place, reason=reason, candidates=list(candidates)))

    def problem(self, place: str, reason: str) -> None:
        self._problems.append((place, reason))

    def fit(self) -> int:
        """How well the input reads in this format: table figures placed (or attempted) less the unplaced."""
        return len(self._table) + len(self._problems) - len(self._unplaced)

    def outcome(self) -> tuple[object, ...]:
        """What the reading amounts to, for comparing the readings of several formats."""
        return (sorted(self._table.items()), sorted(self._prose.items()), [u.text for u in self._unplaced])

    def finish(self, year: int | None, agency: str | None) -> FigureInput:
        """The figures read, or `InputError` listing every problem found."""
        if len(self._problems) == 1:
            place, reason = self._problems[0]
            raise InputError(reason + "。", path=self.path, place=place)
        if self._problems:
            lines = "\n".join(
                f"{i}. {place}：{reason}。" for i, (place, reason) in enumerate(self._problems, 1)
            )
            raise InputError(f"发现 {len(self._problems)} 处问题，请改正后再试：\n{lines}", path=self.path)
        return FigureInput(
            year=year,
            agency=agency,
            figures={k: v for k, (v, _) in self._table.items()},
            prose={k: v for k, (v, _) in self._prose.items()},
            understood=self._understood,
            unplaced=self._unplaced,
        )

    def _repeated(
        self,
        seen: Mapping[str, tuple[Value | None, str]],
        key: str,
        name: str,
        value: Value | None,
        place: str,
    ) -> bool:
        """True when `key` was given before; a problem when it was given with another value."""
        if key not in seen:
            return False
        before, where = seen[key]
        if before != value or (before is None) != (value is None):
            self._problems.append(
                (
                    place,
                    f"{name}前后不一致：{where}为 {fmt_value(before)}，{place}为 {fmt_value(value)}，请核对后只保留正确的一处",
                )
            )
        return True
