"""Keyword (BM25 over jieba words), dense (exact cosine over passages) and hybrid (reciprocal rank fusion).

Each is a LangChain `BaseRetriever`, so a chain can take any of them; each also has `rank`, which
returns chunks with scores and takes a `ChunkFilter`, for the CLI and the benchmark. All three work on
the store's `SearchIndex` (rows are chunks); a filter is a numpy mask over its segments' columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from numpy.typing import NDArray
from pydantic import ConfigDict

from reportassist.corpus.chunks import Chunk
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.index import SearchIndex
from reportassist.corpus.tokenize import words

__all__ = ["DenseRetriever", "HybridRetriever", "KeywordRetriever", "Scored"]

# Reciprocal rank fusion's constant, as Cormack et al. set it: how much the very top ranks outweigh the next.
# (10 gives the same hit@1 on the 79 labelled queries and an MRR .002 higher: within their noise, not tuned to them.)
RRF_K = 60


@dataclass(frozen=True)
class Scored:
    chunk: Chunk
    score: float


def _documents(ranked: list[Scored]) -> list[Document]:
    return [
        Document(id=s.chunk.id, page_content=s.chunk.text, metadata={**s.chunk.metadata(), "score": s.score})
        for s in ranked
    ]


def _top(scores: NDArray[np.floating], k: int) -> list[tuple[int, float]]:
    """The k best rows by score (ties: the earlier row first), without the full sort."""
    if k < len(scores):
        candidates = np.argpartition(-scores, k - 1)[:k]
    else:
        candidates = np.arange(len(scores))
    order = candidates[np.lexsort((candidates, -scores[candidates]))]
    return [(int(row), float(scores[row])) for row in order]


class _FilteredRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: SearchIndex
    k: int = 5
    where: ChunkFilter = ChunkFilter()

    def rank_rows(self, query: str, k: int, where: ChunkFilter) -> list[tuple[int, float]]:
        """(row, score) of the k best rows the filter admits."""
        raise NotImplementedError

    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]:
        return [Scored(self.index.chunk(row), score) for row, score in self.rank_rows(query, k, where)]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return _documents(self.rank(query, self.k, self.where))


class KeywordRetriever(_FilteredRetriever):
    """BM25 over jieba words (tokenised once, at ingest); chunks with no word of the query are never returned."""

    def rank_rows(self, query: str, k: int, where: ChunkFilter) -> list[tuple[int, float]]:
        tokens = words(query)
        if not len(self.index) or not tokens:
            return []
        scores = self.index.keyword_scores(tokens, where)
        return [(row, score) for row, score in _top(scores, k) if score > 0]


class DenseRetriever(_FilteredRetriever):
    """Nearest sections by embedding: each chunk's passages (`chunks.passages`) have a vector, and a chunk
    scores as its most similar passage (cosine)."""

    embeddings: Embeddings

    def rank_rows(self, query: str, k: int, where: ChunkFilter) -> list[tuple[int, float]]:
        if not len(self.index):
            return []
        vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        vector /= max(float(np.linalg.norm(vector)), 1e-12)
        scores = self.index.dense_scores(vector, where)
        return [(row, score) for row, score in _top(scores, k) if np.isfinite(score)]


class HybridRetriever(_FilteredRetriever):
    """Both rankings fused by reciprocal rank: a section found by both ranks above one found by either."""

    keyword: KeywordRetriever
    dense: DenseRetriever
    depth: int = 30  # how many of each ranking take part in the fusion

    def rank_rows(self, query: str, k: int, where: ChunkFilter) -> list[tuple[int, float]]:
        depth = max(self.depth, k)
        fused: dict[int, float] = {}
        for ranking in (
            self.keyword.rank_rows(query, depth, where),
            self.dense.rank_rows(query, depth, where),
        ):
            for position, (row, _) in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + position + 1)
        best = sorted(fused, key=lambda row: -fused[row])[:k]
        return [(row, fused[row]) for row in best]
