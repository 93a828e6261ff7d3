"""Peers' sections from the corpus, for the parts the agency's prior report lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportassist.model import PeerSection, ReportFormat

if TYPE_CHECKING:
    from reportassist.corpus import CorpusStore

__all__ = ["find_peers"]

# How many retrieved sections to look through for one from another agency.
_LOOK_AT = 10


def find_peers(
    store: CorpusStore, needed: dict[str, tuple[str, str]], agency: str, year: int, fmt: ReportFormat
) -> dict[str, PeerSection]:
    """For each need (key -> canonical section, query): the best section of another agency's report in
    the year's format and before the year, whole (the retrieved chunk may be only part of it)."""
    from reportassist.corpus import ChunkFilter

    found: dict[str, PeerSection] = {}
    for key, (canonical, query) in needed.items():
        where = ChunkFilter(canonical=canonical, format=fmt, year_to=year - 1)
        for scored in store.search(query, k=_LOOK_AT, where=where):
            chunk = scored.chunk
            if chunk.agency == agency:
                continue
            section = store.report(chunk.report_id).find_section(canonical)
            text = section.full_text() if section is not None else chunk.text
            if not text.strip():
                continue
            found[key] = PeerSection(
                text=text,
                heading=section.heading if section is not None else chunk.heading,
                agency=chunk.agency,
                year=chunk.year,
                source=chunk.source,
            )
            break
    return found
