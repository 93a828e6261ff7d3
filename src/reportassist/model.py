"""The one domain model: a parsed past report and a draft are the same kind of object."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

__all__ = [
    "DRAFT_VERSION",
    "Author",
    "Breakdown",
    "ClaimNote",
    "Draft",
    "Edit",
    "FigureOrigin",
    "FigureSource",
    "Meta",
    "OriginKind",
    "PeerSection",
    "Proposal",
    "ProseFigure",
    "ProseOrigin",
    "ReadingNote",
    "Recipe",
    "Report",
    "ReportFormat",
    "Section",
    "SectionOrigin",
    "Value",
    "Version",
]

ReportFormat = Literal["legacy", "gb2019", "gb2021"]

# Amounts (万元) are decimals; JSON carries them as numbers, not strings.
Amount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Value = int | Amount


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Meta(_Model):
    agency: str | None = None
    region: str | None = None
    year: int | None = None
    format: ReportFormat | None = None
    published: date | None = None
    doc_number: str | None = None
    title: str | None = None
    source: str | None = Field(default=None, description="File the report was read from.")
    format_evidence: str | None = Field(default=None, description="What in the text decided the format.")
    year_evidence: str | None = Field(default=None, description="What in the text decided the year.")


class SectionOrigin(_Model):
    """Where a drafted section's text came from (a parsed report's sections have none)."""

    kind: Literal["prior", "peer", "template", "llm", "staff"] = Field(
        description="prior: the agency's own prior report; peer: another report of the corpus; "
        "template: the format's standard wording (prompts/); llm: rewritten by the language model; "
        "staff: written or edited by staff in the chat."
    )
    source: str | None = Field(default=None, description="File of the report the text came from.")
    agency: str | None = None
    year: int | None = None
    heading: str | None = Field(default=None, description="The section's heading in that report.")
    note: str | None = Field(default=None, description="Why this source, in Chinese.")


class Section(_Model):
    """A heading as written, the canonical section it stands for (see `schema.SECTIONS`), its text."""

    heading: str
    canonical: str | None = None
    level: int = 1
    text: str = ""
    children: list[Section] = Field(default_factory=list)
    origin: SectionOrigin | None = None

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    def full_text(self) -> str:
        """The section's own text and that of every sub-section, headings included."""
        parts = [self.text] if self.text else []
        for child in self.children:
            parts.append(child.heading)
            parts.append(child.full_text())
        return "\n".join(p for p in parts if p)


class FigureSource(_Model):
    """Where a table figure came from: the text as written ("0", "/", "", "—") and its place."""

    raw: str
    place: str


OriginKind = Literal["given", "staff", "derived", "carried", "placeholder"]


class FigureOrigin(_Model):
    """How a drafted figure got its value (table keys and prose figures alike)."""

    kind: OriginKind = Field(
        description="given: from this year's figures; staff: said by staff in the chat; derived: computed from "
        "other figures; carried: kept from the prior report with a reason (a phone number); placeholder: "
        "unknown, left 【待填】."
    )
    detail: str = Field(description="In Chinese: the file, the formula or the reason.")
    prior: Value | None = Field(default=None, description="Last year's value, where there was one.")


class ProseFigure(_Model):
    """A figure stated in a sentence: 'label value unit', with its approximation qualifier."""

    label: str
    value: Value
    unit: str
    qualifier: str | None = Field(
        default=None, description="余, 近, 约, 以上, 多…: the value is approximate."
    )
    sentence: str
    clause: str
    section: str | None = Field(default=None, description="Heading path of the section the sentence is in.")
    position: int = Field(description="Offset of the number within the report's body text.")
    raw: str = Field(description="The figure as written, e.g. '400 余条'.")

    @property
    def approximate(self) -> bool:
        return self.qualifier is not None


class Breakdown(_Model):
    """A sentence giving a total and its parts ("共X，其中a…b…c"): indices into `prose_figures`."""

    total: int
    parts: list[int]
    exhaustive: bool = Field(description="The parts claim to cover the whole (其他…, 分别为, 按…分).")


class ReadingNote(_Model):
    """Something the reader could not settle and says so, rather than guess."""

    kind: Literal["ambiguous", "unsatisfiable", "approximate_split", "unrecognised", "shape"]
    table: str
    row: str
    keys: list[str] = Field(default_factory=list)
    raw: str = ""
    message: str
    rule: str | None = Field(
        default=None, description="The validator rule the row breaks whatever its split."
    )
    candidates: list[list[Value | None]] = Field(default_factory=list)


class Report(_Model):
    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=list)
    figures: dict[str, Value | None] = Field(
        default_factory=dict,
        description="Table figures by canonical key; None is absent (blank, '/'), not zero.",
    )
    figure_sources: dict[str, FigureSource] = Field(default_factory=dict)
    prose_figures: list[ProseFigure] = Field(default_factory=list)
    breakdowns: list[Breakdown] = Field(default_factory=list)
    notes: list[ReadingNote] = Field(default_factory=list)

    def walk_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def find_section(self, canonical: str) -> Section | None:
        return next((s for s in self.walk_sections() if s.canonical == canonical), None)

    def places(self) -> Iterator[tuple[str, Section]]:
        """Every section in reading order with its place: its index and its parents' from the top, "4" or
        "1.2". A draft made again from the same recipe has the same sections at the same places."""

        def visit(sections: list[Section], prefix: str) -> Iterator[tuple[str, Section]]:
            for index, section in enumerate(sections):
                place = f"{prefix}{index}"
                yield place, section
                yield from visit(section.children, f"{place}.")

        return visit(self.sections, "")

    def section_at(self, place: str) -> Section | None:
        return next((s for p, s in self.places() if p == place), None)

    def body(self) -> tuple[str, list[tuple[int, int, str]]]:
        """The body text and, for each section's own text, its span and heading path.

        Headings and texts in reading order, one per line: the text that prose figures'
        positions and run-together tables refer to.
        """
        parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        offset = 0

        def add(piece: str) -> int:
            nonlocal offset
            start = offset
            parts.append(piece)
            offset += len(piece) + 1
            return start

        def visit(section: Section, path: str) -> None:
            if section.heading:
                add(section.heading)
            if section.text:
                start = add(section.text)
                spans.append((start, start + len(section.text), path))
            for child in section.children:
                visit(child, f"{path} / {child.heading}" if path else child.heading)

        for section in self.sections:
            visit(section, section.heading)
        return "\n".join(parts), spans


class ClaimNote(_Model):
    """A statement of the draft's text that the figures decide (or cannot), as the drafter found it."""

    section: str
    sentence: str = Field(description="The statement as it came from last year's text (years rolled).")
    says: str = Field(description="What it states, in Chinese.")
    status: Literal["rewritten", "review"] = Field(
        description="rewritten: this year's figures contradicted it, `now` says what they say; review: the "
        "figures cannot decide it, staff check it."
    )
    now: str | None = None
    detail: str = ""


class ProseOrigin(_Model):
    """How a figure stated in a drafted sentence got its value."""

    label: str
    section: str | None = None
    origin: FigureOrigin


class PeerSection(_Model):
    """A section of another report of the corpus, drawn on where the prior report has none."""

    text: str
    heading: str
    agency: str | None = None
    year: int | None = None
    source: str | None = None


class Recipe(_Model):
    """What a draft is made from besides the prior report: with the edits of its history, the draft is
    made again from these whenever it changes, so that derived figures and sentences follow."""

    year: int
    agency: str | None = None
    figures: dict[str, Value | None] = Field(
        default_factory=dict, description="This year's table figures as given."
    )
    prose: dict[str, Value] = Field(
        default_factory=dict, description="This year's prose figures as given, by label."
    )
    figures_source: str = "未提供"
    peers: dict[str, PeerSection] = Field(default_factory=dict, description="The peers' sections drawn on.")


Author = Literal["staff", "rule", "model"]


class Edit(_Model):
    """One change to a draft, made again each time the draft is made from its recipe.

    figures: table figures (`figures`) and prose figures (`prose`, by label) that staff gave;
    replace_text: `old` replaced by `new` within the section `section`; replace_section: the section's text
    (sub-sections included) replaced by `new`; delete_text: `old` removed from the section.
    """

    kind: Literal["figures", "replace_text", "replace_section", "delete_text"]
    section: str | None = Field(
        default=None, description="The section's place: indices from the top, '4' or '1.2'."
    )
    figures: dict[str, Value | None] = Field(default_factory=dict)
    prose: dict[str, Value] = Field(default_factory=dict)
    old: str | None = None
    new: str | None = None
    author: Author = "staff"


class Version(_Model):
    """One applied change of the draft's history: what was said, by whom, what it did."""

    number: int
    time: datetime
    message: str
    author: Author = Field(description="staff: 人工; rule: 规则 (the drafter); model: 模型.")
    edits: list[Edit] = Field(default_factory=list)
    summary: list[str] = Field(default_factory=list, description="In Chinese: what changed.")


class Proposal(_Model):
    """A rewrite of one section the language model proposed, waiting for staff to accept (采纳) or drop (放弃)."""

    section: str
    heading: str
    message: str
    before: str
    after: str


DRAFT_VERSION = 2


class Draft(Report):
    """A report being written: a `Report` (so the validator and the exporters take it as one) that also
    says where each section and each number came from, what it is made from, and its history."""

    prior: Report | None = Field(
        default=None,
        description="The prior report the draft is built on, whole: the cross-year rules check against it.",
    )
    figures_source: str | None = Field(default=None, description="Where this year's figures came from.")
    figure_origins: dict[str, FigureOrigin] = Field(default_factory=dict, description="Per table key.")
    prose_origins: list[ProseOrigin] = Field(
        default_factory=list, description="Per figure stated in the text."
    )
    claims: list[ClaimNote] = Field(
        default_factory=list, description="Statements the figures decide, or cannot."
    )
    messages: list[str] = Field(
        default_factory=list, description="For the staff, in Chinese: what was flagged, carried, rejected."
    )
    draft_version: int | None = Field(
        default=None, description="The layout of this file; drafts saved before revisions existed have none."
    )
    recipe: Recipe | None = None
    history: list[Version] = Field(
        default_factory=list, description="Applied versions, the first being the draft."
    )
    undone: list[Version] = Field(
        default_factory=list, description="Versions undone, latest last: what 重做 redoes."
    )
    proposal: Proposal | None = None
