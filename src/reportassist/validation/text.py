"""Checks of the prose: figures against the tables, totals against their parts, years, placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from reportassist.markers import ANY_MARK, find_marks
from reportassist.model import ProseFigure, Value
from reportassist.parsing.claims import claim_keys, find_claims, judge
from reportassist.parsing.readings import other_body, readings_for
from reportassist.schema import label_of
from reportassist.validation.context import Context, fmt_value
from reportassist.validation.findings import Issue, Location

__all__ = [
    "check_breakdowns",
    "check_claims",
    "check_placeholders",
    "check_repeated",
    "check_scope",
    "check_table_mismatch",
    "check_unverified",
    "check_year_period",
    "check_year_stale",
]

_PERIOD = re.compile(
    r"统计(?:期限|时限|期间|时间|区间)[^。]{0,12}?(\d{4})\s*年\s*1\s*月\s*1\s*日[^。]{0,8}?(?:至|到|—|-)\s*(\d{4})\s*年\s*12\s*月\s*31\s*日"
)
# What staff type for a word still to fill in, besides the marks (`markers`): XX, ×××, ……, TODO.
_TYPED_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:XX+|xx+|ＸＸ+)(?![A-Za-z])|×××|……|TODO")


def check_table_mismatch(ctx: Context) -> Iterator[Issue]:
    report = ctx.report
    for figure in report.prose_figures:
        if figure.approximate or not (readings := readings_for(figure, report.meta.format)):
            continue
        sums = _table_sums(ctx, readings)
        if sums and any(total == figure.value for _, total in sums):
            continue
        if other_body(figure, report.meta.agency):
            continue  # a sentence about another body is `check_scope`'s
        if len(sums) < len(readings):
            # A reading the words allow cannot be computed (a figure it needs is absent): it may be
            # the one that matches, so nothing is said to disagree.
            operands = sorted({k for reading in readings for k in reading})
            if absent := ctx.absent(f"正文“{figure.clause}”与表格是否一致", operands):
                yield absent
            continue
        yield Issue(
            rule="text.table_mismatch",
            message=f"正文“{figure.clause}”写的是 {fmt_value(figure.value)}{figure.unit}，但表格中对应的数字是 {_options(sums)}。",
            location=_where(figure, sums),
        )


def check_scope(ctx: Context) -> Iterator[Issue]:
    """Figures of a sentence about another body than the report's ("区教育局收到申请3件" in a district's report)
    that differ from the tables: the tables are the whole body's, so the difference may be no error."""
    report = ctx.report
    agency = report.meta.agency
    for figure in report.prose_figures:
        if figure.approximate:
            continue
        sums = _table_sums(ctx, readings_for(figure, report.meta.format))
        if not sums or any(total == figure.value for _, total in sums):
            continue
        if not (body := other_body(figure, agency)):
            continue
        yield Issue(
            rule="text.scope",
            message=(
                f"正文“{figure.clause}”写的是 {fmt_value(figure.value)}{figure.unit}，表格中是 {_options(sums)}；"
                f"这句说的似乎是{body}，表格则是{agency}的，无法核对。如说的是本机关，请改正数字；如是下属单位，请写明。"
            ),
            location=_where(figure, sums),
        )


_Sums = list[tuple[tuple[str, ...], Value]]


def _table_sums(ctx: Context, readings: tuple[tuple[str, ...], ...]) -> _Sums:
    """Each reading whose figures are all given, with their sum."""
    sums: _Sums = []
    for keys in readings:
        values = [ctx.report.figures.get(k) for k in keys]
        if values and all(v is not None for v in values):
            sums.append((keys, sum(values)))  # type: ignore[arg-type]
    return sums


def _options(sums: _Sums) -> str:
    return "，或".join(
        f"{fmt_value(total)}（{'+'.join(label_of(k) for k in keys)}）"
        if len(keys) <= 2
        else f"{fmt_value(total)}（{len(keys)}项之和）"
        for keys, total in sums
    )


def _where(figure: ProseFigure, sums: _Sums) -> Location:
    return Location(
        section=figure.section, keys=list(sums[0][0]), sentence=figure.sentence, position=figure.position
    )


def check_claims(ctx: Context) -> Iterator[Issue]:
    """Statements in words the tables contradict: "无依申请公开信件" above a 表三 of new applications."""
    report = ctx.report
    for found in find_claims(ctx.body, report.meta.format):
        if judge(found, report.figures) is not False:
            continue
        keys = claim_keys(found)
        shown = "，".join(
            f"{label_of(k)}为 {fmt_value(report.figures.get(k))}" for k in keys if report.figures.get(k)
        )
        yield Issue(
            rule="text.claim_mismatch",
            message=f"“{found.sentence}”说{found.claim.says}，但表格中{shown or '相应数字都是 0'}。",
            location=Location(
                section=ctx.section_at(found.start),
                keys=list(keys),
                sentence=found.sentence,
                position=found.start,
            ),
        )


def check_breakdowns(ctx: Context) -> Iterator[Issue]:
    figures = ctx.report.prose_figures
    for b in ctx.report.breakdowns:
        total = figures[b.total]
        parts = [figures[i] for i in b.parts]
        if total.approximate or any(p.approximate for p in parts):
            continue
        added: Value = sum(p.value for p in parts)
        if added == total.value or (added < total.value and not b.exhaustive):
            continue
        gap: Value = abs(added - total.value)  # type: ignore[assignment]
        terms = " + ".join(fmt_value(p.value) for p in parts)
        yield Issue(
            rule="text.breakdown_sum",
            message=(
                f"“{total.sentence}”：总数写的是 {fmt_value(total.value)}{total.unit}，"
                f"但各分项之和为 {terms} = {fmt_value(added)}{total.unit}，相差 {fmt_value(gap)}。"
            ),
            location=Location(section=total.section, sentence=total.sentence, position=total.position),
        )


def check_year_period(ctx: Context) -> Iterator[Issue]:
    year = ctx.year
    if year is None:
        yield Issue(
            rule="year.period",
            message="无法确定报告年度：标题中没有“XXXX年度政府信息公开工作年度报告”，正文也没有统计期限。",
        )
        return
    meta = ctx.report.meta
    for m in _PERIOD.finditer(ctx.body):
        start, end = int(m.group(1)), int(m.group(2))
        if start != year or end != year:
            yield Issue(
                rule="year.period",
                message=f"统计期限写的是 {start} 年 1 月 1 日至 {end} 年 12 月 31 日，与报告年度 {year} 年不符。",
                location=Location(section=ctx.section_at(m.start()), sentence=m.group(0), position=m.start()),
            )
    if meta.published is not None and meta.published.year <= year:
        yield Issue(
            rule="year.period",
            message=f"发布日期 {meta.published.isoformat()} 早于 {year} 年度统计期结束（{year} 年 12 月 31 日），年度可能有误。",
        )
    if str(year) not in ctx.body.replace(meta.title or "", ""):
        yield Issue(
            rule="year.period",
            message=f"正文中没有出现报告年度 {year} 年（标题以外），请核对年份是否已更新。",
        )


def check_year_stale(ctx: Context) -> Iterator[Issue]:
    year = ctx.year
    if year is None:
        return
    last = year - 1
    pattern = re.compile(
        rf"(?:^|(?<=[。！？；\n]))\s*(?:截至|截止)?\s*{last}\s*年(?:度)?\s*(?:[，,]|全年|以来|共|我|全|本|1\s*月\s*1\s*日至|12\s*月\s*31\s*日)"
    )
    for m in pattern.finditer(ctx.body):
        if ctx.section_at(m.start()) is None:
            continue
        sentence = ctx.body[m.start() : ctx.body.find("。", m.start()) + 1 or None].strip()
        yield Issue(
            rule="year.stale",
            message=f"这句话以“{last}年”开头，像是上年报告中未改的句子（本报告是 {year} 年度）：“{sentence[:80]}”",
            location=Location(section=ctx.section_at(m.start()), sentence=sentence, position=m.start()),
        )


def check_placeholders(ctx: Context) -> Iterator[Issue]:
    unfilled = [(m.start, m.end, m.text) for m in find_marks(ctx.body) if m.kind == "fill"]
    unfilled += [(m.start(), m.end(), m.group(0)) for m in _TYPED_PLACEHOLDER.finditer(ctx.body)]
    for start, end, text in sorted(unfilled):
        yield Issue(
            rule="placeholder.unfilled",
            message=f"还有未填写的占位符“{text}”：{_context(ctx.body, start, end)}",
            location=Location(section=ctx.section_at(start), position=start),
        )
    for key, source in ctx.report.figure_sources.items():
        if ANY_MARK.search(source.raw) or _TYPED_PLACEHOLDER.search(source.raw):
            yield Issue(
                rule="placeholder.unfilled",
                message=f"{label_of(key)}还是占位符“{source.raw}”，请填写数字。",
                location=Location(keys=[key]),
            )


def check_unverified(ctx: Context) -> Iterator[Issue]:
    for m in find_marks(ctx.body):
        if m.kind != "check":
            continue
        yield Issue(
            rule="placeholder.unverified",
            message=f"还有待核实的内容“{m.text}”：{_context(ctx.body, m.start, m.end)}，核实后请删去标记。",
            location=Location(section=ctx.section_at(m.start), position=m.start),
        )


def _context(text: str, start: int, end: int) -> str:
    return "…" + text[max(0, start - 20) : end + 20].replace("\n", " ") + "…"


def check_repeated(ctx: Context) -> Iterator[Issue]:
    if ctx.prior is None:
        return
    this, prior = ctx.report.find_section("problems"), ctx.prior.find_section("problems")
    if this is None or prior is None:
        return
    a, b = (_comparable(s.full_text()) for s in (this, prior))
    if len(a) < 30 or len(b) < 30:
        return
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if ratio >= ctx.settings.repeated_ratio:
        yield Issue(
            rule="text.repeated",
            message=(
                f"“{this.heading}”与上年报告的同一部分相似度 {ratio:.0%}，几乎逐字相同。"
                "年度报告格式要求问题和改进措施结合当年实际，避免年年雷同，请改写。"
            ),
            location=Location(section=this.heading),
        )


def _comparable(text: str) -> str:
    """Text without digits, spaces and punctuation, so that changed years do not hide a copy."""
    return re.sub(r"[\d\s，。；：、,.;:（）()“”《》]", "", text)
