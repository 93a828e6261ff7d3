"""Keyword (BM25 over jieba words), dense (Chroma) and hybrid (reciprocal rank fusion) retrieval.

Each is a LangChain `BaseRetriever`, so a chain can take any of them; each also has `rank`, which
returns chunks with scores and takes a `ChunkFilter`, for the CLI and the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import bm25s
import numpy as np
from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from reportassist.corpus.chunks import Chunk
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.tokenize import words

__all__ = ["DenseRetriever", "HybridRetriever", "KeywordRetriever", "Ranker", "Scored"]

# Reciprocal rank fusion's constant (Cormack et al.): damps the weight of the very top ranks.
RRF_K = 60


@dataclass(frozen=True)
class Scored:
    chunk: Chunk
    score: float


class Ranker(Protocol):
    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]: ...


def _documents(ranked: list[Scored]) -> list[Document]:
    return [
        Document(id=s.chunk.id, page_content=s.chunk.text, metadata={**s.chunk.metadata(), "score": s.score})
        for s in ranked
    ]


class _FilteredRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = 5
    where: ChunkFilter = ChunkFilter()

    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]:
        raise NotImplementedError

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return _documents(self.rank(query, self.k, self.where))


class KeywordRetriever(_FilteredRetriever):
    """BM25 over jieba words; chunks with no word of the query are never returned."""

    chunks: list[Chunk]
    _index: bm25s.BM25 = PrivateAttr()

    def model_post_init(self, context: object) -> None:
        self._index = bm25s.BM25()
        if self.chunks:
            self._index.index([words(c.text) or ["_"] for c in self.chunks], show_progress=False)

    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]:
        tokens = words(query)
        if not self.chunks or not tokens:
            return []
        scores = self._index.get_scores(tokens)
        mask = np.fromiter((where.accepts(c) for c in self.chunks), dtype=bool, count=len(self.chunks))
        scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Scored(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0]


class DenseRetriever(_FilteredRetriever):
    """Nearest sections by embedding, in a Chroma collection, limited to the store's current reports."""

    store: Chroma
    chunks_by_id: dict[str, Chunk]
    report_ids: list[str]

    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]:
        if not self.report_ids:
            return []
        found = self.store.similarity_search_with_score(query, k=k, filter=where.chroma_where(self.report_ids))
        ranked = []
        for document, distance in found:
            chunk = self.chunks_by_id.get(document.id or "")
            if chunk is not None:
                ranked.append(Scored(chunk, 1.0 - float(distance)))  # cosine distance -> similarity
        return ranked


class HybridRetriever(_FilteredRetriever):
    """Both rankings fused by reciprocal rank: a section found by both ranks above one found by either."""

    keyword: KeywordRetriever
    dense: DenseRetriever
    depth: int = 30  # how many of each ranking take part in the fusion

    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]:
        depth = max(self.depth, k)
        fused: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        for ranking in (self.keyword.rank(query, depth, where), self.dense.rank(query, depth, where)):
            for position, scored in enumerate(ranking):
                fused[scored.chunk.id] = fused.get(scored.chunk.id, 0.0) + 1.0 / (RRF_K + position + 1)
                chunks[scored.chunk.id] = scored.chunk
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        return [Scored(chunks[cid], fused[cid]) for cid in best]
