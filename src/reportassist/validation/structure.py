"""Checks of the report's shape: required sections, the format for its year, the fee statement, length."""

from __future__ import annotations

import re
from collections.abc import Iterator

from reportassist.model import Report, Section
from reportassist.parsing.claims import find_claims
from reportassist.parsing.headings import mentions_part, part_number
from reportassist.parsing.sections import PREAMBLE
from reportassist.schema import (
    FORMAT_NAMES,
    PARTS,
    REQUIRED_SECTIONS,
    SECTIONS,
    TABLE_SECTIONS,
    format_for_year,
)
from reportassist.validation.context import Context
from reportassist.validation.findings import Issue, Location

__all__ = ["check_fees_statement", "check_format", "check_overview_length", "check_sections"]


def check_sections(ctx: Context) -> Iterator[Issue]:
    fmt = ctx.report.meta.format
    if fmt is None:
        return
    for canonical in REQUIRED_SECTIONS[fmt]:
        if not _has_part(ctx.report, canonical):
            yield Issue(
                rule="structure.missing_section",
                message=f"缺少“{SECTIONS[canonical]}”部分：{FORMAT_NAMES[fmt]}要求报告包含这一部分。",
                location=Location(section=SECTIONS[canonical]),
            )


# Sentences before "二、…" that are this long are the overview whose heading was lost.
_OVERVIEW_MIN_CHARS = 30


def _has_part(report: Report, canonical: str) -> bool:
    """Is the part there, under its heading or plainly without one?

    Reports as found lose headings; a part is still there when its official table was read,
    or when the numbering of the parts skips its number (二 then 四) and the text where its
    heading should be speaks of it.
    """
    if report.find_section(canonical) is not None:
        return True
    tables = [t for t, c in TABLE_SECTIONS.items() if c == canonical]
    if any(v is not None and k.split(".")[0] in tables for k, v in report.figures.items()):
        return True
    return report.meta.format != "legacy" and _skipped_number(report, canonical)


def _skipped_number(report: Report, canonical: str) -> bool:
    """The parts are numbered as in the format and this one's number alone is missing, its text
    run into the part before (the preamble, for 一、总体情况)."""
    if canonical not in PARTS:
        return False
    number = PARTS.index(canonical) + 1
    numbered = {part_number(s.heading): s for s in report.sections if s.level == 1}
    after = numbered.get(number + 1)
    if number in numbered or after is None or after.canonical != PARTS[number]:
        return False
    before: Section | None = numbered.get(number - 1) if number > 1 else report.find_section(PREAMBLE)
    if before is None or (number > 1 and before.canonical != PARTS[number - 2]):
        return False
    text = before.full_text()
    if number == 1:  # the preamble holds the title too: only sentences count
        return sum(len(line) for line in text.split("\n") if "。" in line) >= _OVERVIEW_MIN_CHARS
    return mentions_part(text, canonical)


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
    """六 should say whether 信息处理费 was charged: by naming the fee ("收取信息处理费2次…", "信息公开处理费") or
    by saying, in any words the claim `no_processing_fee` reads, that none was ("未收取任何费用")."""
    if ctx.report.meta.format != "gb2021":
        return
    section = ctx.report.find_section("other")
    if section is None:
        return
    text = section.full_text()
    said = re.search(r"处理费|收费", text) or any(
        found.claim.id == "no_processing_fee" for found in find_claims(text, "gb2021")
    )
    if not said:
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
