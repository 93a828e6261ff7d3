"""The labelled retrieval set (benchmarks/retrieval_queries.json) stays true to the corpus, and retrieval quality holds.

The definitions (labels, relevance, metrics) are those of `benchmarks/retrieval_eval.py`, which the benchmark
uses too, so the benchmark and this test cannot drift apart. Thresholds are set from the benchmark's measurements
(with ../shared/real present, 79 queries: hybrid hit@1 0.911, MRR 0.946, hit@5 1.000, dense MRR 0.731, keyword
MRR 0.904); with the real reports the hybrid must hold what it gives today.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import retrieval_eval as bench

from reportassist import read_report
from reportassist.corpus import ChunkFilter
from reportassist.corpus.chunks import Chunk, chunk_report

MIN_QUERIES = 60
HIT5_FLOOR = 0.9
# Hybrid with the default embeddings on the 79 queries of the sample corpus with ../shared/real.
HIT1_FLOOR_WITH_REAL = 0.911  # 72 of 79
MRR_FLOOR_WITH_REAL = 0.945


def _raw() -> list[dict[str, Any]]:
    return json.loads(bench.QUERIES.read_text(encoding="utf-8"))["queries"]


def _chunks(files: list[Path]) -> list[Chunk]:
    return [c for path in files for c in chunk_report(read_report(path), path.name)]


def test_labelled_set_is_well_formed() -> None:
    raw = _raw()
    assert len(raw) >= MIN_QUERIES
    ids = [q["id"] for q in raw]
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    kinds = Counter(q["kind"] for q in raw)
    assert set(kinds) == {"section", "content"} and min(kinds.values()) >= 10, kinds
    asked = Counter((q["query"], json.dumps(q.get("where", {}), sort_keys=True)) for q in raw)
    assert all(n == 1 for n in asked.values()), [k for k, n in asked.items() if n > 1]
    for q in raw:
        assert set(q) <= {"id", "kind", "query", "relevant", "where"}, q["id"]
        assert q["query"].strip(), q["id"]
        assert q["relevant"], q["id"]
        for label in q["relevant"]:
            assert set(label) == {"source", "heading"} and label["source"] and label["heading"], (
                q["id"],
                label,
            )
        where = q.get("where", {})
        assert set(where) <= {"agency", "year_from", "year_to"}, q["id"]
        ChunkFilter(**where)  # well-typed


def test_every_label_matches_an_actual_chunk() -> None:
    """Labels cannot rot silently: each names at least one chunk the reader gives today, inside the query's filter."""
    files = bench.corpus_files()
    present = {p.name for p in files}
    chunks = _chunks(files)
    real_names = {p.name for p in bench.REAL.glob("*.txt")} if bench.REAL.is_dir() else set()
    for q in _raw():
        accepts = ChunkFilter(**q.get("where", {})).accepts
        for label in q["relevant"]:
            if label["source"] not in present:
                # only the real reports may be absent (../shared/real not beside the checkout)
                assert label["source"].startswith("pingtan-") and not real_names, (q["id"], label)
                continue
            matched = [c for c in chunks if c.source == label["source"] and label["heading"] in c.heading]
            assert matched, (
                f"{q['id']} {q['query']}: no chunk of {label['source']} has '{label['heading']}' in its heading path"
            )
            assert all(accepts(c) for c in matched), f"{q['id']}: {label} lies outside the query's filter"
    assert len(bench.load_queries(present).queries) >= MIN_QUERIES


@pytest.fixture(scope="module")
def quality(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], dict[str, Any]]:
    """Keyword, dense and hybrid ranks of every labelled query on the sample corpus, default embeddings."""
    files = bench.corpus_files()
    queries = bench.load_queries(p.name for p in files).queries
    store = bench.build_store(tmp_path_factory.mktemp("retrieval-store"), bench.DEFAULT_EMBEDDING, files)
    return queries, bench.evaluate_store(store, queries, bench.DEFAULT_EMBEDDING)


def test_hybrid_finds_the_sections_and_beats_each_part(quality: tuple[list[Any], dict[str, Any]]) -> None:
    queries, ranks = quality
    hybrid = ranks["hybrid"]
    assert hybrid.hit(queries, 5) >= HIT5_FLOOR
    assert hybrid.mrr(queries) > ranks["dense"].mrr(queries)
    assert hybrid.mrr(queries) > ranks["keyword"].mrr(queries)
    assert hybrid.hit(queries, 1) > ranks["keyword"].hit(queries, 1)
    if bench.REAL.is_dir():
        assert hybrid.hit(queries, 1) >= HIT1_FLOOR_WITH_REAL
        assert hybrid.mrr(queries) >= MRR_FLOOR_WITH_REAL
