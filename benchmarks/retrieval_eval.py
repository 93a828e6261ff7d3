"""The labelled retrieval set and how retrieval is scored on it: what the benchmark reports and the tests assert.

`retrieval_queries.json` holds the labelled queries over the sample corpus; a section is relevant to a query
when its report's file name is a label's `source` and the label's `heading` is a substring of its heading
path. Ranks are taken within the first `EVAL_K` results (hit@1, hit@5, MRR@10). benchmarks/retrieval.py
measures with these definitions, and tests/test_retrieval_quality.py asserts on them, so the two cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "retrieval_queries.json"
SEEDS = ROOT / "corpus" / "seeds"
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
REAL = ROOT.parent / "shared" / "real"

DEFAULT_EMBEDDING = "use-multilingual"
EVAL_K = 10  # depth of the ranking the quality metrics look at (MRR@10)


# ---------------------------------------------------------------------------------------------- corpus & labels


def corpus_files() -> list[Path]:
    """The sample corpus: the seeds, the 示例市科学技术局 reports, the real reports when present."""
    files = sorted(SEEDS.glob("*.txt")) + sorted(SAMPLE.glob("*.md"))
    if REAL.is_dir():
        files += sorted(REAL.glob("*.txt"))
    return files


@dataclass(frozen=True)
class Label:
    source: str
    heading: str

    def matches(self, source: str | None, heading: str) -> bool:
        return source == self.source and self.heading in heading


@dataclass(frozen=True)
class Query:
    id: str
    kind: str  # "section" or "content"
    text: str
    labels: tuple[Label, ...]
    where: dict[str, Any] = field(default_factory=dict)

    def relevant(self, source: str | None, heading: str) -> bool:
        return any(label.matches(source, heading) for label in self.labels)

    def chunk_filter(self) -> Any:
        from reportassist.corpus import ChunkFilter

        return ChunkFilter(**self.where)


@dataclass
class LoadedQueries:
    queries: list[Query]
    dropped_labels: int = 0
    dropped_queries: list[str] = field(default_factory=list)


def load_queries(available: Iterable[str], path: Path = QUERIES) -> LoadedQueries:
    """The labelled queries, keeping only labels on reports in `available` (file names)."""
    names = set(available)
    raw = json.loads(path.read_text(encoding="utf-8"))["queries"]
    loaded = LoadedQueries([])
    for entry in raw:
        labels = tuple(Label(**label) for label in entry["relevant"])
        kept = tuple(label for label in labels if label.source in names)
        loaded.dropped_labels += len(labels) - len(kept)
        if not kept:
            loaded.dropped_queries.append(entry["id"])
            continue
        loaded.queries.append(Query(entry["id"], entry["kind"], entry["query"], kept, entry.get("where", {})))
    return loaded


# ---------------------------------------------------------------------------------------------- quality


@dataclass
class Ranks:
    """Per query id: the rank (1-based) of the first relevant result, or None when none is in the first EVAL_K."""

    name: str
    ranks: dict[str, int | None]

    def _of(self, queries: list[Query]) -> list[int | None]:
        return [self.ranks[q.id] for q in queries]

    def hit(self, queries: list[Query], at: int) -> float:
        ranks = self._of(queries)
        return sum(r is not None and r <= at for r in ranks) / len(ranks) if ranks else float("nan")

    def mrr(self, queries: list[Query]) -> float:
        ranks = self._of(queries)
        return sum(1.0 / r for r in ranks if r is not None) / len(ranks) if ranks else float("nan")


def first_relevant(query: Query, found: list[tuple[str | None, str]]) -> int | None:
    """Rank of the first (source, heading) of `found` relevant to `query`."""
    for position, (source, heading) in enumerate(found[:EVAL_K], start=1):
        if query.relevant(source, heading):
            return position
    return None


def rank_store(store: Any, queries: list[Query], mode: str) -> dict[str, int | None]:
    ranks = {}
    for query in queries:
        found = store.search(query.text, k=EVAL_K, where=query.chunk_filter(), mode=mode)
        ranks[query.id] = first_relevant(query, [(s.chunk.source, s.chunk.heading) for s in found])
    return ranks


class MemoEmbeddings(Embeddings):
    """An embeddings backend whose `embed_query` remembers its answers (the same vectors, computed once)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.memo: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        if text not in self.memo:
            self.memo[text] = self.inner.embed_query(text)
        return self.memo[text]


def build_store(root: Path, embedding: str, files: list[Path], memo: bool = True) -> Any:
    """A store in `root` holding `files`, searched with `embedding` (query vectors memoised when `memo`)."""
    from reportassist.corpus import CorpusStore
    from reportassist.corpus.embeddings import get_embeddings

    embeddings = get_embeddings(embedding)
    store = CorpusStore(root, MemoEmbeddings(embeddings) if memo else embeddings, None, embedding)
    result = store.ingest(files)
    if result.failed:
        raise SystemExit(f"ingest failed: {result.failed}")
    return store


def evaluate_store(store: Any, queries: list[Query], label: str) -> dict[str, Ranks]:
    return {
        mode: Ranks(f"{mode} / {label}", rank_store(store, queries, mode))
        for mode in ("keyword", "dense", "hybrid")
    }
