"""Checks of the report's shape: required sections, the format for its year, the fee statement, length."""

from __future__ import annotations

import re
from collections.abc import Iterator

from reportassist.schema import FORMAT_NAMES, REQUIRED_SECTIONS, SECTIONS, format_for_year
from reportassist.validation.context import Context
from reportassist.validation.findings import Issue, Location

__all__ = ["check_fees_statement", "check_format", "check_overview_length", "check_sections"]


def check_sections(ctx: Context) -> Iterator[Issue]:
    fmt = ctx.report.meta.format
    if fmt is None:
        return
    for canonical in REQUIRED_SECTIONS[fmt]:
        if ctx.report.find_section(canonical) is None:
            yield Issue(
                rule="structure.missing_section",
                message=f"缺少“{SECTIONS[canonical]}”部分：{FORMAT_NAMES[fmt]}要求报告包含这一部分。",
                location=Location(section=SECTIONS[canonical]),
            )


def check_format(ctx: Context) -> Iterator[Issue]:
    meta = ctx.report.meta
    if meta.year is None or meta.format is None or (meta.format_evidence or "").startswith("未找到"):
        return
    expected = format_for_year(meta.year)
    if meta.format != expected:
        yield Issue(
            rule="format.outdated",
            message=(
                f"{meta.year} 年度报告应使用{FORMAT_NAMES[expected]}，本报告用的是{FORMAT_NAMES[meta.format]}"
                f"（{meta.format_evidence}）。"
            ),
        )


def check_fees_statement(ctx: Context) -> Iterator[Issue]:
    if ctx.report.meta.format != "gb2021":
        return
    section = ctx.report.find_section("other")
    if section is None:
        return
    if not re.search(r"信息处理费|收费", section.full_text()):
        yield Issue(
            rule="fees.statement",
            message=(
                f"“{section.heading}”没有说明是否收取信息处理费。2021 年版格式要求写明本年收取信息处理费的申请数和金额，"
                "或写明未收取。"
            ),
            location=Location(section=section.heading),
        )


def check_overview_length(ctx: Context) -> Iterator[Issue]:
    if ctx.report.meta.format != "gb2021":
        return
    section = ctx.report.find_section("overview")
    if section is None:
        return
    length = len(re.sub(r"\s", "", section.full_text()))
    limit = ctx.settings.overview_max_chars
    if length > limit:
        yield Issue(
            rule="length.overview",
            message=f"“{section.heading}”有 {length} 字，明显超过格式建议的 1000 字左右（提示阈值 {limit} 字），建议精简。",
            location=Location(section=section.heading),
        )
