"""One draft, deterministically: figures derived, sections composed, prose figures found, provenance kept.

A draft is a function of what it is made from: the prior report, its `Recipe` (this year's figures as
given, the peers' sections drawn on) and what staff said since (their figures). `build_draft` makes it
from those, so a change in the chat makes it again and everything that follows from a figure follows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from reportassist.drafting.claims import settle_claims
from reportassist.drafting.compose import compose_sections
from reportassist.drafting.derive import derive_figures
from reportassist.drafting.rolling import ProseValues, RollContext, roll_text
from reportassist.errors import InputError
from reportassist.model import DRAFT_VERSION, Draft, Meta, PeerSection, Recipe, Report, Value, Version
from reportassist.parsing import analyse_prose
from reportassist.schema import format_for_year

__all__ = ["DraftInputs", "assemble_draft", "build_draft"]


@dataclass
class DraftInputs:
    """What a draft is made from: last year's report, this year's figures (as far as they are known)."""

    prior: Report
    year: int
    figures: Mapping[str, Value | None] = field(default_factory=dict)
    prose: Mapping[str, Value] = field(default_factory=dict)
    figures_source: str = "未提供"
    agency: str | None = None


def assemble_draft(inputs: DraftInputs, peers: Mapping[str, PeerSection] | None = None) -> Draft:
    """The first version of a draft: made from `inputs` and `peers`, with a history that starts here."""
    recipe = Recipe(
        year=inputs.year,
        agency=inputs.agency,
        figures=dict(inputs.figures),
        prose=dict(inputs.prose),
        figures_source=inputs.figures_source,
        peers=dict(peers or {}),
    )
    draft = build_draft(inputs.prior, recipe)
    draft.history = [Version(number=1, time=datetime.now().astimezone(), message="起草", author="rule")]
    return draft


def build_draft(
    prior: Report,
    recipe: Recipe,
    staff: Mapping[str, Value | None] | None = None,
    staff_prose: Mapping[str, Value] | None = None,
) -> Draft:
    """The draft that `prior` and `recipe` make, with the figures staff gave in the chat (`staff` by table
    key, `staff_prose` by label) before those of the recipe; the history is the caller's to keep."""
    if prior.meta.year is None:
        raise InputError("无法确定上年报告的年度，不能据此起草。", path=prior.meta.source)
    if recipe.year <= prior.meta.year:
        raise InputError(
            f"要起草的是 {recipe.year} 年度报告，但提供的上年报告已是 {prior.meta.year} 年度：请提供更早年度的报告。",
            path=prior.meta.source,
        )
    fmt = format_for_year(recipe.year)
    agency = recipe.agency or prior.meta.agency
    if not agency:
        raise InputError("上年报告中找不到机关名称，请用 --agency 指明。", path=prior.meta.source)

    derived = derive_figures(fmt, recipe.figures, recipe.figures_source, prior, staff)
    values = ProseValues(
        by_label=recipe.prose,
        tables=derived.values,
        prior_tables=prior.figures,
        fmt=fmt,
        prior_fmt=prior.meta.format,
        source=recipe.figures_source,
        staff=staff_prose or {},
    )
    ctx = RollContext(prior_year=prior.meta.year, year=recipe.year, values=values)
    composed = compose_sections(prior, fmt, ctx, agency, derived.values, recipe.peers)

    claims = settle_claims(composed.sections, fmt, recipe.year, agency, derived.values)
    draft = Draft(
        meta=Meta(
            agency=agency,
            region=prior.meta.region,
            year=recipe.year,
            format=fmt,
            title=_title(prior, agency, ctx),
            year_evidence="起草时指定的报告年度",
            format_evidence=f"{recipe.year} 年度报告应使用的格式",
        ),
        sections=composed.sections,
        figures=derived.values,
        figure_sources=derived.sources,
        prior=prior,
        figures_source=recipe.figures_source,
        figure_origins=derived.origins,
        prose_origins=composed.prose_origins,
        claims=claims,
        draft_version=DRAFT_VERSION,
        recipe=recipe,
    )
    analyse_prose(draft)
    draft.messages = _messages(draft, composed.flagged, composed.carried)
    return draft


def _title(prior: Report, agency: str, ctx: RollContext) -> str:
    """Last year's title with the year rolled, where it names the agency and the year; else the usual one."""
    title = prior.meta.title or ""
    if prior.meta.format == format_for_year(ctx.year) and agency in title and str(ctx.prior_year) in title:
        return roll_text(title, ctx).text
    return f"{agency}{ctx.year}年政府信息公开工作年度报告"


def _messages(draft: Draft, flagged: list[str], carried: list[str]) -> list[str]:
    kinds = Counter(o.kind for o in draft.figure_origins.values())
    prose = Counter(p.origin.kind for p in draft.prose_origins)
    said = f"，对话中给出 {kinds['staff']} 个" if kinds["staff"] else ""
    prose_said = f"，对话中给出 {prose['staff']} 个" if prose["staff"] else ""
    lines = [
        f"表格数字：本年数据 {kinds['given']} 个{said}，推算 {kinds['derived']} 个，待填 {kinds['placeholder']} 个。",
        (
            f"正文数字：本年数据 {prose['given']} 个{prose_said}，由表格或累计推算 {prose['derived']} 个，"
            f"待填 {prose['placeholder']} 个（上年正文中的数字一律不沿用）。"
        ),
    ]
    if flagged:
        unique = list(dict.fromkeys(flagged))
        lines.append(
            f"待核实 {len(unique)} 处（本年无法推知的文号、文件名称、日期、网址）：" + "；".join(unique)
        )
    if carried:
        lines.append("沿用上年的联系方式：" + "；".join(dict.fromkeys(carried)))
    rewritten = [c for c in draft.claims if c.status == "rewritten"]
    if rewritten:
        lines.append(
            f"按本年表格改写了 {len(rewritten)} 处与表格不符的说法："
            + "；".join(f"“{c.sentence}”→“{c.now}”" for c in rewritten)
        )
    review = [c for c in draft.claims if c.status == "review"]
    if review:
        lines.append(
            f"请核实 {len(review)} 处表格无法判断的说法：" + "；".join(f"“{c.sentence}”" for c in review)
        )
    return lines
