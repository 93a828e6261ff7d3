"""A report's sections as retrieval chunks: one chunk a section, by the report's own headings.

A section short enough to read whole is one chunk, sub-sections included; a longer one gives
its own opening text and each of its sub-sections as chunks. Every chunk keeps its heading path,
the canonical section it falls under, and the report's agency, year and format.

For the vector store a chunk is cut further into passages (its heading line and its sentences):
a section is as near to a query as its nearest passage. One vector for a whole section blurs a
sentence such as “关停政务新媒体3个” into the rest of the section (benchmarks/retrieval.py: dense
MRR .57 with one vector a section, .75 with passages).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from reportassist.model import Report, Section

__all__ = ["Chunk", "chunk_report", "passages"]

# A section longer than this (characters) is chunked by its sub-sections.
MAX_CHUNK_CHARS = 1200
# A sentence longer than this (characters; text copied from the web runs on) is cut into pieces of it.
MAX_PASSAGE_CHARS = 200

_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    report_id: str
    text: str
    heading: str  # heading path, " / "-separated
    canonical: str | None
    agency: str | None
    year: int | None
    format: str | None
    source: str | None
    order: int

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (no None values: Chroma refuses them)."""
        data: dict[str, str | int | None] = {
            "report_id": self.report_id,
            "heading": self.heading,
            "canonical": self.canonical or "",
            "agency": self.agency or "",
            "year": self.year if self.year is not None else -1,
            "format": self.format or "",
            "source": self.source or "",
            "order": self.order,
        }
        return {k: v for k, v in data.items() if v is not None}


def chunk_report(report: Report, report_id: str) -> list[Chunk]:
    pieces: list[tuple[str, str | None, str]] = []  # heading path, canonical, text
    for section in report.sections:
        _collect(section, section.heading or "（标题与引言）", section.canonical, pieces)
    meta = report.meta
    return [
        Chunk(
            id=f"{report_id}:{order}",
            report_id=report_id,
            text=text,
            heading=heading,
            canonical=canonical,
            agency=meta.agency,
            year=meta.year,
            format=meta.format,
            source=meta.source,
            order=order,
        )
        for order, (heading, canonical, text) in enumerate(pieces)
    ]


def _collect(
    section: Section, path: str, canonical: str | None, out: list[tuple[str, str | None, str]]
) -> None:
    whole = section.full_text().strip()
    if not whole:
        if section.canonical is not None and section.heading:
            out.append(
                (path, canonical, section.heading)
            )  # a part that is only its table: found by its heading
        return
    if len(whole) <= MAX_CHUNK_CHARS or not section.children:
        out.append((path, canonical, _with_heading(section, whole)))
        return
    if section.text.strip():
        out.append((path, canonical, _with_heading(section, section.text.strip())))
    for child in section.children:
        _collect(child, f"{path} / {child.heading}", child.canonical or canonical, out)


def _with_heading(section: Section, text: str) -> str:
    return f"{section.heading}\n{text}" if section.heading else text


def passages(text: str) -> list[str]:
    """The passages a chunk is embedded as: its lines and sentences, long ones cut, pure figures left out."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not _WORDS.search(sentence):
            continue  # a row of table digits, a lone number: nothing to compare meaning with
        pieces.extend(sentence[i : i + MAX_PASSAGE_CHARS] for i in range(0, len(sentence), MAX_PASSAGE_CHARS))
    return pieces
