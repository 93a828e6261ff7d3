"""Keyword (BM25 over jieba words), dense (Chroma) and hybrid (reciprocal rank fusion) retrieval.

Each is a LangChain `BaseRetriever`, so a chain can take any of them; each also has `rank`, which
returns chunks with scores and takes a `ChunkFilter`, for the CLI and the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass

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

__all__ = ["DenseRetriever", "HybridRetriever", "KeywordRetriever", "Scored"]

# Reciprocal rank fusion's constant (Cormack et al.): damps the weight of the very top ranks.
RRF_K = 60
# Passages fetched from Chroma for each section wanted: sections have about eight (more are fetched
# when these fall on fewer sections).
PASSAGES_FETCHED_PER_CHUNK = 8


@dataclass(frozen=True)
class Scored:
    chunk: Chunk
    score: float


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

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return _documents(self.rank(query, self.k, self.where))


class KeywordRetriever(_FilteredRetriever):
    """BM25 over jieba words; chunks with no word of the query are never returned.

    `words` are the chunks' words, tokenised once at ingest (jieba takes seconds per thousand sections).
    """

    chunks: list[Chunk]
    words: list[list[str]]
    _index: bm25s.BM25 = PrivateAttr()

    def model_post_init(self, context: object) -> None:
        if len(self.words) != len(self.chunks):
            raise ValueError("one list of words per chunk")
        self._index = bm25s.BM25()
        if self.chunks:
            self._index.index([w or ["_"] for w in self.words], show_progress=False)

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
    """Nearest sections by embedding: Chroma holds each chunk's passages (`chunks.passages`), tagged
    with the chunk's id, and a chunk scores as its most similar passage."""

    store: Chroma
    chunks_by_id: dict[str, Chunk]

    def rank(self, query: str, k: int, where: ChunkFilter) -> list[Scored]:
        if not self.chunks_by_id:
            return []
        vector = self.store.embeddings.embed_query(query)  # type: ignore[union-attr]
        fetch = k * PASSAGES_FETCHED_PER_CHUNK
        while True:
            found = self.store.similarity_search_by_vector_with_relevance_scores(
                vector, k=fetch, filter=where.chroma_where()
            )
            best: dict[str, float] = {}
            for document, distance in found:
                chunk_id = str(document.metadata.get("chunk_id", ""))
                if chunk_id in self.chunks_by_id and chunk_id not in best:
                    best[chunk_id] = 1.0 - float(distance)  # cosine distance -> similarity
            if len(best) >= k or len(found) < fetch:
                break
            fetch *= 4  # many passages of the same few sections: look further
        return [Scored(self.chunks_by_id[cid], score) for cid, score in list(best.items())[:k]]


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
