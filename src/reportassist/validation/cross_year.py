"""Checks against last year's report: carried-over figures, stocks that roll forward, pending cases."""

from __future__ import annotations

from collections.abc import Iterator

from reportassist.schema import T4, T4_GROUPS, cross_year_relations, label_of, tables_for
from reportassist.validation.context import Context, fmt_value
from reportassist.validation.findings import Issue, Location

__all__ = ["check_pending", "check_prior_year", "check_relations"]


def _gb(ctx: Context) -> bool:
    return ctx.prior is not None and {ctx.report.meta.format, ctx.prior.meta.format} <= {"gb2019", "gb2021"}


def check_prior_year(ctx: Context) -> Iterator[Issue]:
    if ctx.prior is None or ctx.year is None or ctx.prior.meta.year is None:
        return
    if ctx.prior.meta.year != ctx.year - 1:
        yield Issue(
            rule="cross_year.prior_year",
            message=(
                f"作为上年报告提供的是 {ctx.prior.meta.year} 年度报告，本报告是 {ctx.year} 年度，"
                f"跨年度核对应使用 {ctx.year - 1} 年度报告。"
            ),
            location=Location(report="prior"),
        )


def check_relations(ctx: Context, rule: str) -> Iterator[Issue]:
    """The relations of `schema.cross_year_relations` that `rule` checks: this year's figure against what
    last year's report and this year's other figures make it."""
    if ctx.prior is None:
        return
    last = f"{ctx.prior.meta.year}年报告" if ctx.prior.meta.year else "上年报告"
    this, before = ctx.report.figures, ctx.prior.figures
    for relation in cross_year_relations(ctx.prior.meta.format, ctx.report.meta.format):
        if relation.rule != rule:
            continue
        now, expected = this.get(relation.key), relation.expected(before, this)
        if now is None or expected is None:
            check = f"{label_of(relation.key)}的跨年度关系"
            if absent := ctx.absent(check, [relation.key, *relation.this_keys], list(relation.prior_plus)):
                yield absent
            continue
        if now != expected:
            formula = relation.formula(last, before, this)
            yield Issue(
                rule=rule,
                message=(
                    f"{label_of(relation.key)}为 {fmt_value(now)}，但按上年报告应为 {formula} = "
                    f"{fmt_value(expected)}。{relation.note}"
                ),
                location=Location(
                    section=_table_title(ctx, relation.key), keys=[relation.key, *relation.this_keys]
                ),
            )


def check_pending(ctx: Context) -> Iterator[Issue]:
    if not _gb(ctx):
        return
    assert ctx.prior is not None
    for group, name in T4_GROUPS:
        pending = ctx.prior.figures.get(f"t4.{group}.pending")
        total = ctx.report.figures.get(f"t4.{group}.total")
        if total is None or pending is None:
            if absent := ctx.absent(
                f"表四“{name}”上年未审结案件的去向", [f"t4.{group}.total"], [f"t4.{group}.pending"]
            ):
                yield absent
            continue
        if not pending:
            continue
        if total < pending:
            yield Issue(
                rule="cross_year.pending",
                message=(
                    f"表四“{name}”：上年有 {fmt_value(pending)} 件尚未审结，本年应作为已审结或仍未审结的案件再次出现，"
                    f"但本年总计只有 {fmt_value(total)} 件。"
                ),
                location=Location(section=T4.title, keys=[f"t4.{group}.total"]),
            )


def _table_title(ctx: Context, key: str) -> str | None:
    fmt = ctx.report.meta.format
    return next((t.title for t in tables_for(fmt) if key in t.keys), None) if fmt else None
