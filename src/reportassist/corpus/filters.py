"""Metadata filters shared by the keyword and the vector retriever: agency, years, format, section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportassist.corpus.chunks import Chunk

__all__ = ["ChunkFilter"]


@dataclass(frozen=True)
class ChunkFilter:
    agency: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    format: str | None = None
    canonical: str | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.agency is not None and chunk.agency != self.agency:
            return False
        if self.year_from is not None and (chunk.year is None or chunk.year < self.year_from):
            return False
        if self.year_to is not None and (chunk.year is None or chunk.year > self.year_to):
            return False
        if self.format is not None and chunk.format != self.format:
            return False
        return self.canonical is None or chunk.canonical == self.canonical

    def chroma_where(self) -> dict[str, Any] | None:
        """The same filter as a Chroma `where` (None: no condition, which Chroma wants as no `where` at all)."""
        clauses: list[dict[str, Any]] = []
        if self.agency is not None:
            clauses.append({"agency": self.agency})
        if self.year_from is not None:
            clauses.append({"year": {"$gte": self.year_from}})
        if self.year_to is not None:
            clauses.append({"year": {"$lte": self.year_to}})
        if self.format is not None:
            clauses.append({"format": self.format})
        if self.canonical is not None:
            clauses.append({"canonical": self.canonical})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
