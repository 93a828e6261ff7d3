"""Checks against last year's report: carried-over figures, stocks that roll forward, pending cases."""

from __future__ import annotations

from collections.abc import Iterator

from reportassist.schema import T3_COLUMNS, T4_GROUPS
from reportassist.validation.context import Context, fmt_value
from reportassist.validation.findings import Issue, Location

__all__ = ["check_carried_in", "check_gb2019_items", "check_in_force", "check_pending", "check_prior_year"]


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


def check_carried_in(ctx: Context) -> Iterator[Issue]:
    if not _gb(ctx):
        return
    assert ctx.prior is not None
    for col, col_label in T3_COLUMNS:
        this_key, prior_key = f"t3.carried_in.{col}", f"t3.carried_out.{col}"
        this, prior = ctx.report.figures.get(this_key), ctx.prior.figures.get(prior_key)
        if this is None or prior is None:
            if absent := ctx.absent(f"表三“{col_label}”列的上年结转", [this_key], [prior_key]):
                yield absent
            continue
        if this != prior:
            yield Issue(
                rule="cross_year.carried_in",
                message=(
                    f"表三“{col_label}”列：本年“二、上年结转”为 {fmt_value(this)}，"
                    f"但上年报告“四、结转下年度继续办理”为 {fmt_value(prior)}，两者应相等。"
                ),
                location=Location(section="表三 收到和处理政府信息公开申请情况", keys=[this_key]),
            )


def check_in_force(ctx: Context) -> Iterator[Issue]:
    if ctx.prior is None or ctx.report.meta.format != "gb2021" or ctx.prior.meta.format != "gb2021":
        return
    for row, name in (("regulations", "规章"), ("normative", "行政规范性文件")):
        keys = [f"t2.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        now, issued, repealed = (ctx.report.figures.get(k) for k in keys)
        before = ctx.prior.figures.get(f"t2.{row}.in_force")
        if None in (now, issued, repealed, before):
            if absent := ctx.absent(f"表二“{name}”现行有效件数的跨年度关系", keys, [f"t2.{row}.in_force"]):
                yield absent
            continue
        expected = before + issued - repealed  # type: ignore[operator]
        if now != expected:
            yield Issue(
                rule="cross_year.in_force",
                message=(
                    f"表二“{name}”：上年现行有效 {fmt_value(before)} + 本年制发 {fmt_value(issued)} − 本年废止 "
                    f"{fmt_value(repealed)} = {fmt_value(expected)}，但本年现行有效件数为 {fmt_value(now)}。"
                    "如有清理、失效等其他变化，请在正文中说明。"
                ),
                location=Location(section="表二 主动公开政府信息情况", keys=keys),
            )


def check_pending(ctx: Context) -> Iterator[Issue]:
    if not _gb(ctx):
        return
    assert ctx.prior is not None
    for group, name in T4_GROUPS:
        pending = ctx.prior.figures.get(f"t4.{group}.pending")
        total = ctx.report.figures.get(f"t4.{group}.total")
        if total is None or pending is None:
            if absent := ctx.absent(f"表四“{name}”上年未审结案件的去向", [f"t4.{group}.total"], [f"t4.{group}.pending"]):
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
                location=Location(section="表四 政府信息公开行政复议、行政诉讼情况", keys=[f"t4.{group}.total"]),
            )


def check_gb2019_items(ctx: Context) -> Iterator[Issue]:
    if ctx.prior is None or ctx.report.meta.format != "gb2019" or ctx.prior.meta.format != "gb2019":
        return
    for row, name in (
        ("licensing", "行政许可"),
        ("other_services", "其他对外管理服务事项"),
        ("penalty", "行政处罚"),
        ("coercion", "行政强制"),
        ("fees", "行政事业性收费"),
    ):
        now = ctx.report.figures.get(f"t2.{row}.prior_count")
        before = ctx.prior.figures.get(f"t2.{row}.prior_count")
        change = ctx.prior.figures.get(f"t2.{row}.change")
        if None in (now, before, change):
            prior_keys = [f"t2.{row}.prior_count", f"t2.{row}.change"]
            if absent := ctx.absent(f"表二“{name}”项目数量的跨年度关系", [f"t2.{row}.prior_count"], prior_keys):
                yield absent
            continue
        expected = before + change  # type: ignore[operator]
        if now != expected:
            yield Issue(
                rule="cross_year.gb2019_items",
                message=(
                    f"表二“{name}”：上年的上一年项目数量 {fmt_value(before)} 加上年增/减 {fmt_value(change)} "
                    f"= {fmt_value(expected)}，但本年“上一年项目数量”为 {fmt_value(now)}。"
                ),
                location=Location(section="表二 主动公开政府信息情况", keys=[f"t2.{row}.prior_count"]),
            )
