"""This year's table figures: those given, those that follow from them and from last year's report.

Derivations, each recorded with its formula in Chinese (`FigureOrigin`):
- 上年结转 = last year's 结转下年度继续办理, column by column (gb2019/gb2021 prior reports);
- gb2021 现行有效件数 = last year's + 本年制发 − 本年废止; gb2019 上一年项目数量 = last year's + last year's 本年增/减;
- legacy 历年累计 = last year's 历年累计 + this year's;
- every sum of the format (`schema.constraints_for`): one unknown operand is solved for; and where the known
  parts already make the total, the unknown parts are 0 (counts are never negative).
A derivation that would give a negative count is not made: the figure stays a placeholder, and the validator
says which given figures disagree. A given figure is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reportassist.markers import EMPTY_CELL
from reportassist.model import FigureOrigin, FigureSource, OriginKind, Report, ReportFormat, Value
from reportassist.schema import (
    CUMULATIVE,
    Constraint,
    constraints_for,
    cross_year_relations,
    keys_for,
    label_of,
    tables_for,
)

__all__ = ["STAFF_DETAIL", "DerivedFigures", "derive_figures", "target_keys"]

STAFF_DETAIL = "工作人员在对话中给出"


@dataclass
class DerivedFigures:
    values: dict[str, Value | None] = field(default_factory=dict)
    origins: dict[str, FigureOrigin] = field(default_factory=dict)
    sources: dict[str, FigureSource] = field(default_factory=dict)

    def known(self, key: str) -> bool:
        return self.values.get(key) is not None

    def set(self, key: str, value: Value, kind: OriginKind, detail: str, prior: Value | None) -> None:
        self.values[key] = value
        self.origins[key] = FigureOrigin(kind=kind, detail=detail, prior=prior)


def target_keys(fmt: ReportFormat, with_cumulative: bool) -> tuple[str, ...]:
    """Every table key of a draft in `fmt` (legacy: with the 历年累计 column when the prior report had one)."""
    keys = keys_for(fmt)
    if fmt == "legacy" and with_cumulative:
        return tuple(k for key in keys for k in (key, key + CUMULATIVE))
    return keys


def derive_figures(
    fmt: ReportFormat,
    given: Mapping[str, Value | None],
    given_from: str,
    prior: Report | None,
    staff: Mapping[str, Value | None] | None = None,
) -> DerivedFigures:
    """All table figures of a draft in `fmt`: said by staff in the chat (`staff`, first), `given` (from
    `given_from`, e.g. the figures file's name), derived, or placeholders."""
    prior_figures = prior.figures if prior is not None else {}
    prior_year = prior.meta.year if prior is not None else None
    with_cumulative = any(k.endswith(CUMULATIVE) and v is not None for k, v in prior_figures.items())
    keys = target_keys(fmt, with_cumulative)
    out = DerivedFigures()

    def prior_of(key: str) -> Value | None:
        # Last year's value of the same cell, where last year's format had it.
        return prior_figures.get(key) if prior is not None and prior.meta.format == fmt else None

    staff = staff or {}
    for key in keys:
        if (value := staff.get(key)) is not None:
            out.set(key, value, "staff", STAFF_DETAIL, prior_of(key))
        elif (value := given.get(key)) is not None:
            out.set(key, value, "given", f"本年数据（{given_from}）", prior_of(key))
    last = f"{prior_year}年报告" if prior_year else "上年报告"
    if prior is not None:
        _carry_forward(fmt, prior, last, out, prior_of)
    _solve_sums(fmt, out, prior_of)
    for key in keys:
        if not out.known(key):
            out.values[key] = None
            out.sources[key] = FigureSource(raw=EMPTY_CELL, place=label_of(key))
            previous = prior_of(key)
            hint = f"（上年：{previous}）" if previous is not None else ""
            out.origins[key] = FigureOrigin(
                kind="placeholder", detail=f"本年数据未提供，也无法推算{hint}", prior=previous
            )
    out.values = {k: out.values[k] for k in keys}  # in the order of the official tables
    out.origins = {k: out.origins[k] for k in keys}
    return out


def _carry_forward(
    fmt: ReportFormat, prior: Report, last: str, out: DerivedFigures, prior_of: PriorOf
) -> None:
    """The figures that last year's report fixes for this year (`schema.cross_year_relations`)."""
    for relation in cross_year_relations(prior.meta.format, fmt):
        if not out.known(relation.key):
            value = relation.expected(prior.figures, out.values)
            if value is not None and value >= 0:
                detail = "= " + relation.formula(last, prior.figures, out.values)
                out.set(relation.key, value, "derived", detail, prior_of(relation.key))


PriorOf = Callable[[str], Value | None]


def _solve_sums(fmt: ReportFormat, out: DerivedFigures, prior_of: PriorOf) -> None:
    """Apply the format's sums until nothing more follows."""
    constraints = constraints_for(fmt)
    signed = frozenset(k for spec in tables_for(fmt) for k in spec.signed_keys)
    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            changed |= _solve(constraint, out, signed, prior_of)


def _solve(constraint: Constraint, out: DerivedFigures, signed: frozenset[str], prior_of: PriorOf) -> bool:
    unknown = [k for k in constraint.keys if not out.known(k)]
    if not unknown:
        return False
    left, right = constraint.known_sums(out.values)
    if len(unknown) == 1:
        key = unknown[0]
        value = right - left if key in constraint.left else left - right
        if value < 0 and key not in signed:
            return False
        out.set(key, value, "derived", _formula(constraint, key), prior_of(key))
        return True
    # Several unknowns: when they all lie on the side that already balances, they are all 0.
    for side, other_total, this_total in ((constraint.left, right, left), (constraint.right, left, right)):
        rest = [k for k in unknown if k not in side]
        if not rest and this_total == other_total and not (set(unknown) & signed):
            for key in unknown:
                out.set(
                    key, 0, "derived", f"{constraint.where}：其余各项之和已等于合计，此项为 0", prior_of(key)
                )
            return True
    return False


def _formula(constraint: Constraint, key: str) -> str:
    """'= a + b − c' in the template's Chinese names, for the figure `key` solved from `constraint`."""

    def names(keys: tuple[str, ...]) -> list[str]:
        return [label_of(k) for k in keys if k != key]

    if key in constraint.left:
        plus, minus = names(constraint.right), names(constraint.left)
    else:
        plus, minus = names(constraint.left), names(constraint.right)
    text = " + ".join(plus)
    if minus:
        text += " − " + " − ".join(minus)
    return f"= {text}（{constraint.where}）"
