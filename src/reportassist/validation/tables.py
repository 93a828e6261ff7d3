"""Checks of the tables themselves: the template's sums (勾稽关系) and the signs of figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from reportassist.model import Value
from reportassist.schema import CUMULATIVE, T2_2019, TABLE_NAMES, Constraint, label_of, name_of, tables_for
from reportassist.validation.context import Context, fmt_value
from reportassist.validation.findings import Issue, Location

__all__ = ["check_absent", "check_constraints", "check_non_negative", "check_total_public"]


def _term_name(key: str, constraint: Constraint) -> str:
    """Within a row sum, name the column; within a column sum, name the row."""
    name = name_of(key)
    rows = {name_of(k).row for k in constraint.keys}
    if len(rows) == 1:
        return name.column
    return name.row


def _sum_text(keys: tuple[str, ...], values: dict[str, Value | None], constraint: Constraint) -> str:
    return " + ".join(f"{_term_name(k, constraint)} {fmt_value(values[k])}" for k in keys)


def check_constraints(ctx: Context, rule: str) -> Iterator[Issue]:
    """Every sum the format's tables must satisfy, for the given rule id."""
    fmt = ctx.report.meta.format
    if fmt is None:
        return
    figures = ctx.report.figures
    for spec in tables_for(fmt):
        for c in spec.constraints:
            if c.rule != rule or not any(k in figures for k in c.keys):
                continue
            sides = c.sides(figures)
            if sides is None:
                continue  # reported once per blank cell by figure.absent
            left, right = sides
            if left == right:
                continue
            values = {k: figures.get(k) for k in c.keys}
            yield Issue(
                rule=rule,
                message=_constraint_message(c, values, left, right),
                location=Location(section=spec.title, keys=list(c.keys)),
            )


def _constraint_message(c: Constraint, values: dict[str, Value | None], left: Value, right: Value) -> str:
    gap: Value = abs(left - right)  # type: ignore[assignment]
    diff = fmt_value(gap)
    lhs = _sum_text(c.left, values, c)
    rhs = _sum_text(c.right, values, c)
    if c.rule == "t3.balance":
        return (
            f"{c.where}不平衡：一、本年新收与二、上年结转之和 {fmt_value(left)}（{lhs}），"
            f"应等于（七）总计与四、结转下年度之和 {fmt_value(right)}（{rhs}），相差 {diff}。"
        )
    if len(c.right) == 1:
        return f"{c.where}合计不符：{lhs} = {fmt_value(left)}，但{_term_name(c.right[0], c)}填的是 {fmt_value(right)}，相差 {diff}。"
    return f"{c.where}合计不符：{lhs} = {fmt_value(left)}，而 {rhs} = {fmt_value(right)}，相差 {diff}。"


def check_non_negative(ctx: Context) -> Iterator[Issue]:
    fmt = ctx.report.meta.format
    if fmt is None:
        return
    for spec in tables_for(fmt):
        if spec.id != "t2":
            continue
        for key in spec.keys:
            value = ctx.report.figures.get(key)
            if value is None or key in spec.signed_keys:
                continue
            if value < 0:
                why = f"不能为负数（填的是 {fmt_value(value)}）"
            elif (
                key not in spec.amount_keys
                and isinstance(value, Decimal)
                and value != value.to_integral_value()
            ):
                why = f"是件数，应为整数（填的是 {fmt_value(value)}）"
            else:
                continue
            yield Issue(
                rule="t2.non_negative",
                message=f"{label_of(key)}{why}。",
                location=Location(section=spec.title, keys=[key]),
            )


def check_total_public(ctx: Context) -> Iterator[Issue]:
    if ctx.report.meta.format != "gb2019":
        return
    for row in ("regulations", "normative"):
        total, new = (ctx.report.figures.get(f"t2.{row}.{c}") for c in ("total_public", "published"))
        if total is None or new is None or total >= new:
            continue
        yield Issue(
            rule="t2.gb2019_total_public",
            message=(
                f"表二“{name_of(f't2.{row}.published').row}”行：对外公开总数量 {fmt_value(total)} "
                f"小于本年新公开数量 {fmt_value(new)}，总数应包含本年新公开的件数。"
            ),
            location=Location(section=T2_2019.title, keys=[f"t2.{row}.total_public", f"t2.{row}.published"]),
        )


def check_absent(ctx: Context) -> Iterator[Issue]:
    """Blank or '/' cells and rows the reader could not settle: the sums they are in go unchecked."""
    report = ctx.report
    fmt = report.meta.format
    seen: set[str] = set()  # keys already reported, by a note or a finding
    for note in report.notes:
        if (
            note.kind == "unsatisfiable"
            and note.rule
            and all(report.figures.get(k) is None for k in note.keys)
        ):
            yield Issue(
                rule=note.rule,
                message=note.message,
                location=Location(section=TABLE_NAMES.get(note.table), keys=note.keys),
            )
        else:
            yield Issue(
                rule="figure.absent",
                message=note.message,
                location=Location(section=TABLE_NAMES.get(note.table), keys=note.keys),
            )
        seen.update(note.keys)
    if fmt is None:
        return
    for spec in tables_for(fmt):
        present = [k for k in spec.keys if k in report.figures]
        if not present:
            if spec.id != "legacy":  # the legacy 附表 was optional
                yield Issue(
                    rule="figure.absent",
                    message=f"未找到{spec.title}，其中的数字和勾稽关系都无法核对。",
                    location=Location(section=spec.title),
                )
            continue
        missing = [k for k in spec.keys if k not in report.figures]
        blank = [k for k in spec.keys if k in report.figures and report.figures[k] is None]
        affected: dict[str, list[str]] = defaultdict(list)
        for c in spec.constraints:
            for k in c.keys:
                if report.figures.get(k) is None and c.where not in affected[k]:
                    affected[k].append(c.where)
        keys = [k for k in missing + blank if k not in seen and not k.endswith(CUMULATIVE)]
        if spec.id == "legacy":
            keys = [k for k in blank if k not in seen]
        if not keys:
            continue
        seen.update(keys)
        if len(keys) > 8:
            shown = "、".join(label_of(k) for k in keys[:5])
            yield Issue(
                rule="figure.absent",
                message=f"{spec.title}有 {len(keys)} 个数字空缺或未找到（如{shown}等），相关合计无法核对。",
                location=Location(section=spec.title, keys=keys),
            )
            continue
        for k in keys:
            source = report.figure_sources.get(k)
            how = (
                f"填的是“{source.raw}”"
                if source and source.raw
                else ("为空" if k in report.figures else "未找到")
            )
            checks = "、".join(affected.get(k, [])) or "相关核对"
            yield Issue(
                rule="figure.absent",
                message=f"{label_of(k)}{how}，{checks}的合计因此无法核对（空缺不等于 0，如为 0 请填 0）。",
                location=Location(section=spec.title, keys=[k]),
            )
