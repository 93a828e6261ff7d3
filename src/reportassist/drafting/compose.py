"""A draft's sections in the shape of its year's format: the agency's prior report first, peers where it lacks one.

The prior report's sections are found by their canonical section wherever its headings put them (a 2018
report often nests 主动公开 … 其他 under one “《条例》第三十二条…” heading); in a 2019-or-later format they become
the six parts 一 … 六 in order. Sections of the prior report that are none of those (a legacy report's own
topics, such as 政务公开工作机制) go under 一、总体情况, which is where the format puts the year's work. Tables
are not text here: they are rendered from the figures, and a parsed report's sections hold its prose alone
(the parser cuts tables run into the text, `parsing.prose_only`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from reportassist.drafting.claims import summary_sentence
from reportassist.drafting.rolling import RollContext, Rolled, roll_text
from reportassist.markers import check_mark
from reportassist.model import PeerSection, ProseOrigin, Report, ReportFormat, Section, SectionOrigin, Value
from reportassist.prompts import render_prompt
from reportassist.schema import PARTS, SECTIONS

__all__ = ["FEES_PEER", "Composed", "compose_sections", "peers_needed"]

_FEES = "信息处理费"
# Fields of the web page a report was copied from, one per line; the link may run into the text after it.
_PAGE_FIELD = re.compile(
    r"^\s*(?:标题|发布时间|发布日期|成文日期|文号|发布机构|栏目|来源|索引号|主题分类|浏览次数)\s*[:：]"
)
_PAGE_LINK = re.compile(r"^\s*(?:原文链接|原文地址|链接)\s*[:：]\s*\S*?\.s?html?")
_CN_NUMBERS = "一二三四五六七八九十"
# The numbering a heading starts with: "三、", "（二）", "3.", "3、".
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+\s*[.、．](?!\d))\s*"
)
_CONTACT_SENTENCE = re.compile(r"[^。\n]*(?:电话|地址|邮编|邮政编码|传真|邮箱|联系)[^。\n]*。?")


# The key, in the peers given to `compose_sections`, of a peer's 六 that states its 信息处理费.
FEES_PEER = "fees_statement"


def peers_needed(prior: Report, fmt: ReportFormat) -> dict[str, tuple[str, str]]:
    """What the draft will take from peers: key -> (canonical section, search query)."""
    if fmt == "legacy":
        return {}
    found, _ = _by_canonical(prior)
    needed = {c: (c, SECTIONS[c]) for c in PARTS if c not in found and c not in ("requests", "review")}
    if fmt == "gb2021" and _FEES not in (found["other"].full_text() if "other" in found else ""):
        needed[FEES_PEER] = ("other", _FEES)
    return needed


@dataclass
class Composed:
    sections: list[Section]
    prose_origins: list[ProseOrigin] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)


def compose_sections(
    prior: Report,
    fmt: ReportFormat,
    ctx: RollContext,
    agency: str,
    tables: dict[str, Value | None],
    peers: Mapping[str, PeerSection] | None = None,
) -> Composed:
    """The sections of the draft for `ctx.year` in `fmt`, each with its origin; `peers`: what
    `peers_needed` asked for, as far as the corpus had it."""
    return _Composer(prior, fmt, ctx, agency, tables, peers).compose()


class _Composer:
    def __init__(
        self,
        prior: Report,
        fmt: ReportFormat,
        ctx: RollContext,
        agency: str,
        tables: dict[str, Value | None],
        peers: Mapping[str, PeerSection] | None,
    ) -> None:
        self.prior, self.fmt, self.ctx, self.agency, self.tables = prior, fmt, ctx, agency, tables
        self.peers = peers or {}
        self.out = Composed(sections=[])
        self.same_shape = prior.meta.format == fmt or {prior.meta.format, fmt} <= {"gb2019", "gb2021"}

    # ------------------------------------------------------------------ the whole

    def compose(self) -> Composed:
        if self.fmt == "legacy":
            self.out.sections = [self._roll(s) for s in self.prior.sections]
            return self.out
        found, extras = _by_canonical(self.prior)
        self.out.sections.append(self._preamble(found.get("preamble")))
        for canonical in PARTS:
            section = found.get(canonical)
            if canonical == "overview":
                built = self._overview(section, extras)
            elif section is None:
                built = self._missing(canonical)
            else:
                built = self._from_prior(section, canonical)
            if canonical == "other":
                built = self._with_fees(built, found.get("fees"))
            self.out.sections.append(built)
        return self.out

    # ------------------------------------------------------------------ sections

    def _preamble(self, prior: Section | None) -> Section:
        if prior is not None and self.same_shape:
            return self._roll(prior.model_copy(update={"text": self._opening(prior.text)}))
        text = render_prompt("draft/preamble", year=self.ctx.year)
        contact = _CONTACT_SENTENCE.findall(prior.text) if prior is not None else []
        if contact:
            text += "".join(self._roll_text(c, "") for c in contact)
        return Section(
            heading="",
            canonical="preamble",
            level=0,
            text=text,
            origin=SectionOrigin(kind="template", note="按本年度格式的开头语；联系方式沿用上年报告"),
        )

    def _opening(self, text: str) -> str:
        """The prior report's opening without what belongs to last year's document or web page: its title
        (the draft has its own) and the page's fields (发布时间：…, 原文链接：…) copied with the text."""
        lines = text.split("\n")
        if self.prior.meta.title and lines and lines[0].strip() == self.prior.meta.title:
            lines = lines[1:]
        kept = []
        for line in lines:
            line = _PAGE_LINK.sub("", line)
            if line.strip() and not _PAGE_FIELD.match(line):
                kept.append(line)
        return "\n".join(kept)

    def _overview(self, prior: Section | None, extras: list[Section]) -> Section:
        if prior is None and not extras:
            return self._missing("overview")
        base = self._from_prior(prior, "overview") if prior is not None else self._new("overview", "")
        for extra in extras:
            moved = self._roll(extra)
            moved.level = 2
            # a legacy report's "三、贯彻落实…" is a sub-part of 一 now: numbered on from its sub-parts
            number = (
                _CN_NUMBERS[len(base.children)]
                if len(base.children) < len(_CN_NUMBERS)
                else str(len(base.children) + 1)
            )
            moved.heading = f"（{number}）{_NUMBERING.sub('', moved.heading)}"
            base.children.append(moved)
        return base

    def _from_prior(self, prior: Section, canonical: str) -> Section:
        section = self._roll(prior)
        section.heading = SECTIONS[canonical]  # the format's own title, not last year's wording or typo
        section.canonical = canonical
        section.level = 1
        if not section.text and not section.children and canonical in ("requests", "review"):
            section.text = self._from_figures(canonical)  # last year's had nothing but its table
        if canonical == "problems":
            note = render_prompt("draft/problems_note", prior_year=self.ctx.prior_year, year=self.ctx.year)
            section.text = f"{note}\n{section.text}" if section.text else note
        return section

    def _missing(self, canonical: str) -> Section:
        """A part the prior report lacks: 三 and 四 from the figures, the others from a peer or the template."""
        if canonical in ("requests", "review"):
            return self._new(canonical, self._from_figures(canonical), kind="template")
        peer = self.peers.get(canonical)
        if peer is None:
            text = render_prompt("draft/missing_section", heading=SECTIONS[canonical])
            return self._new(canonical, text, kind="template")
        note = render_prompt("draft/peer_note", peer=peer.agency or "其他机关", peer_year=peer.year or "")
        rolled = self._roll_peer(peer)
        section = self._new(canonical, f"{note}\n{rolled}", kind="peer")
        section.origin = SectionOrigin(
            kind="peer",
            source=peer.source,
            agency=peer.agency,
            year=peer.year,
            heading=peer.heading,
            note="上年报告没有这一部分",
        )
        return section

    def _with_fees(self, other: Section, legacy_fees: Section | None) -> Section:
        """六 of a 2021-format report must say whether 信息处理费 was charged; a legacy report's
        收费及减免 part is kept there."""
        if legacy_fees is not None and legacy_fees.full_text().strip():
            other.text = _before_closing(
                other.text, self._roll_text(legacy_fees.full_text(), legacy_fees.heading)
            )
        if self.fmt != "gb2021" or _FEES in other.full_text():
            return other
        statement = self._fees_from_peer() or render_prompt(
            "draft/fees_statement", year=self.ctx.year, agency=self.agency
        )
        other.text = _before_closing(other.text, statement)
        return other

    def _fees_from_peer(self) -> str | None:
        peer = self.peers.get(FEES_PEER)
        if peer is None:
            return None
        sentences = [s for s in re.findall(r"[^。\n]*。?", peer.text) if _FEES in s]
        if not sentences:
            return None
        peer_only = peer.model_copy(update={"text": "".join(sentences)})
        note = check_mark(
            f"信息处理费的说明参考{peer.agency or '其他机关'}{peer.year or ''}年报告写成，请按本机关实际核实"
        )
        return self._roll_peer(peer_only) + note

    # ------------------------------------------------------------------ text

    def _from_figures(self, canonical: str) -> str:
        return summary_sentence(canonical, self.ctx.year, self.agency, self.tables)

    def _roll(self, section: Section) -> Section:
        rolled = Section(
            heading=self._roll_text(section.heading, section.heading),
            canonical=section.canonical,
            level=section.level,
            text=self._roll_text(section.text, section.heading),
            children=[self._roll(child) for child in section.children],
            origin=SectionOrigin(
                kind="prior",
                source=self.prior.meta.source,
                agency=self.prior.meta.agency,
                year=self.prior.meta.year,
                heading=section.heading or None,
            ),
        )
        return rolled

    def _roll_text(self, text: str, heading: str) -> str:
        if not text:
            return text
        rolled = roll_text(text, self.ctx, heading or None)
        self._record(rolled, heading)
        return rolled.text

    def _roll_peer(self, peer: PeerSection) -> str:
        """A peer's text for this agency and year: its name replaced, its figures all this year's or to fill."""
        text = peer.text
        if peer.agency:
            text = text.replace(peer.agency, self.agency)
        peer_ctx = RollContext(
            prior_year=peer.year or self.ctx.prior_year,
            year=self.ctx.year,
            values=self.ctx.values,
            was="参考",
        )
        rolled = roll_text(text, peer_ctx, peer.heading)
        self._record(rolled, peer.heading)
        return rolled.text

    def _record(self, rolled: Rolled, heading: str) -> None:
        self.out.prose_origins.extend(
            ProseOrigin(label=label, section=heading or None, origin=origin)
            for label, origin in rolled.figures
        )
        self.out.flagged.extend(rolled.flagged)
        self.out.carried.extend(rolled.carried)

    def _new(self, canonical: str, text: str, kind: str = "template") -> Section:
        return Section(
            heading=SECTIONS[canonical],
            canonical=canonical,
            level=1,
            text=text,
            origin=SectionOrigin(kind=kind),  # type: ignore[arg-type]
        )


def _by_canonical(report: Report) -> tuple[dict[str, Section], list[Section]]:
    """The prior report's sections by canonical section, and the top-level ones that are none.

    A top-level section wins over one nested under a container heading with the same canonical section.
    """
    found = {s.canonical: s for s in reversed(report.sections) if s.canonical is not None}
    extras: list[Section] = []
    for section in report.sections:
        if section.canonical is not None:
            continue
        nested = [c for c in section.walk() if c.canonical is not None and c is not section]
        for child in nested:
            found.setdefault(child.canonical, child)  # type: ignore[arg-type]
        if not nested:
            extras.append(section)
        elif section.text.strip():
            extras.append(section.model_copy(update={"children": []}))
    found.pop("appendix", None)
    return found, extras


def _before_closing(text: str, statement: str) -> str:
    """`statement` as a paragraph of `text`, before a closing agency-and-date block if there is one."""
    lines = text.split("\n") if text else []
    tail = 0
    while tail < min(2, len(lines)) and len(lines[-1 - tail]) <= 30 and "。" not in lines[-1 - tail]:
        tail += 1
    at = len(lines) - tail
    return "\n".join([*lines[:at], statement, *lines[at:]])
