"""The corpus store: past reports on disk, their passages' vectors in Chroma, a search index beside them.

Layout of the store folder:

    store.json             the store's id (its Chroma collection is `reportassist-<id>`), embeddings and version
    manifest.json          the reports the store holds: source path -> report id, and what was read
    reports/<id>.json      the parsed report, its chunks and their words (for BM25)
    sources/<id><suffix>   a copy of the file as ingested
    index/                 the search index of the manifest's reports (`index.py`): segments of chunks, filter
                           columns, passage vectors and BM25 postings; brought up to date at the end of each
                           ingest, memory-mapped at open
    pending                present while a batch is being written: the vectors it adds to Chroma
    chroma/                the embedded Chroma database (unless a Chroma server is used): the vector of every
                           distinct passage, under its content hash (`vectors.py`)

A report id is the hash of the file's content and of the way reports are read (`_READING`). Ingest reads
files, then writes them in batches (one embedding call and one Chroma upsert for some 2,000 passages of
several reports); the manifest is written last, atomically, so a report is in the store only once all of
it is. A batch is written under `pending`, which lists the vectors it adds: those an interrupted run left in
Chroma that no report of the manifest has are swept away by the next change or opening of the store.
A passage whose content hash the store (or this run) has embedded already takes that vector: an unchanged
passage is never embedded twice, and Chroma holds each distinct passage once (reports repeat one another's
sentences: of 1,000,000 generated sections, one passage in 25 is distinct). A vector that no segment of the
index holds any more is deleted when the index is brought up to date.

Several processes may ingest into one store at once (two staff members, one shared folder and Chroma
server): each change of the store — writing a batch's files, vectors and manifest entries, sweeping,
writing the index — is made holding a lock on `store.lock`, with the manifest read afresh under it, so
that no process writes over what another added or sweeps away vectors another is still indexing.

Version 3 of the store (`store.json`) keeps vectors by content; versions 1 and 2 kept one record a passage,
and 1 had no index either. An older store is read as it is and upgraded at its first opening (its vectors
copied under their content hashes, swept once, its index built from `reports/` and those vectors).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Self

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from reportassist.corpus.chunks import Chunk, chunk_report, passages
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.index import SearchIndex, read_current, write_current
from reportassist.corpus.manifest import Entry, Manifest
from reportassist.corpus.paths import expand_paths
from reportassist.corpus.retrievers import DenseRetriever, HybridRetriever, KeywordRetriever, Scored
from reportassist.corpus.segment import IndexRow, passage_hash
from reportassist.corpus.segment_plan import SegmentPlan
from reportassist.corpus.tokenize import words
from reportassist.corpus.vectors import ChromaServer, ChromaVectors, HeldVectors, vector_id
from reportassist.errors import InputError
from reportassist.fileio import locked, write_atomic
from reportassist.model import Report

__all__ = ["CorpusStore", "IngestResult", "Mode"]

# How reports are read: part of a report's id, so that a report stored by an older reader is read again by
# `ingest` (a change of the reader that changes what a report holds changes this).
_READING = b"reading 3: tables that lost their grid, headings, agencies and prose as reports are found\n"
# The store's layout (`store.json`): 1 had no index and no `pending` marker; 1 and 2 kept one Chroma record a
# passage, 3 one a distinct passage (by content).
STORE_VERSION = 3
# Passages written per batch: one embedding call and one Chroma upsert (Chroma takes at most ~5,400).
BATCH_PASSAGES = 2000

Mode = Literal["hybrid", "keyword", "dense"]


class _Stored(BaseModel):
    report: Report
    chunks: list[Chunk]
    words: list[list[str]]  # per chunk


@dataclass
class IngestResult:
    added: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # links and special files met in folders


@dataclass
class _Read:
    """A file read and chunked, waiting in a batch to be written."""

    path: Path
    key: str
    report_id: str
    data: bytes
    stored: _Stored
    passages: list[list[str]]  # per chunk
    hashes: list[list[int]]  # per chunk, each passage's content hash

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.passages)


@dataclass
class _Flight:
    """A batch whose new passages (`missing`, by hash) are being embedded."""

    batch: list[_Read]
    missing: list[int]
    future: Future[list[list[float]]]


class CorpusStore:
    """`embedding` names the embeddings the store was built with; a store refuses to be searched
    with another one, whose vectors would not be comparable.

    Close a store (or use it in a `with` block) before deleting its folder: Chroma keeps one
    database connection per folder for the whole process, and a store reopened in a deleted and
    recreated folder would otherwise find the old connection, now read-only.
    """

    def __init__(
        self, root: Path, embeddings: Embeddings, server: ChromaServer | None, embedding: str
    ) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "reports").mkdir(exist_ok=True)
        (root / "sources").mkdir(exist_ok=True)
        (root / "index").mkdir(exist_ok=True)
        self._server = server
        self._chroma: ChromaVectors | None = None
        self._embeddings = embeddings
        self._manifest = Manifest(root)
        self._index: SearchIndex | None = None
        self._retrievers: tuple[KeywordRetriever, DenseRetriever] | None = None
        (root / "store.lock").touch(exist_ok=True)
        # under the lock: two processes opening a new store at once must name one collection, and an older
        # store is upgraded once, before anything is swept
        with locked(root / "store.lock"):
            identity = _identity(root, embedding)
            self._collection_name = f"reportassist-{identity.id}"
            if identity.version < STORE_VERSION:
                self._manifest.refresh()
                self._upgrade()
                write_atomic(
                    root / "store.json",
                    identity.model_copy(update={"version": STORE_VERSION}).model_dump_json().encode("utf-8"),
                )
        with self._changing():
            pass  # the manifest read, and what an interrupted batch left swept away

    def close(self) -> None:
        """Release the index's files and the Chroma client (the embedded database's connection once no
        other store uses it)."""
        if self._index is not None:
            self._index.close()
        if self._chroma is not None:
            self._chroma.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading the store

    @property
    def entries(self) -> list[Entry]:
        return list(self._manifest.entries.values())

    def entry(self, path: Path) -> Entry | None:
        """The manifest's entry for a file, if the store holds it."""
        return self._manifest.entries.get(str(path.resolve()))

    def chunks(self) -> list[Chunk]:
        index = self._search_index()
        return [index.chunk(row) for row in range(len(index))]

    def report(self, report_id: str) -> Report:
        return self._load(report_id).report

    def retriever(
        self, mode: Mode = "hybrid", k: int = 5, where: ChunkFilter | None = None
    ) -> KeywordRetriever | DenseRetriever | HybridRetriever:
        """A LangChain retriever over the store's sections."""
        where = where or ChunkFilter()
        keyword, dense = self._base_retrievers()
        settings = {"k": k, "where": where}
        if mode == "keyword":
            return keyword.model_copy(update=settings)
        if mode == "dense":
            return dense.model_copy(update=settings)
        return HybridRetriever(index=keyword.index, keyword=keyword, dense=dense, k=k, where=where)

    def search(
        self, query: str, k: int = 5, where: ChunkFilter | None = None, mode: Mode = "hybrid"
    ) -> list[Scored]:
        where = where or ChunkFilter()
        return self.retriever(mode, k, where).rank(query, k, where)

    def _base_retrievers(self) -> tuple[KeywordRetriever, DenseRetriever]:
        if self._retrievers is None:
            index = self._search_index()
            self._retrievers = (
                KeywordRetriever(index=index),
                DenseRetriever(index=index, embeddings=self._embeddings),
            )
        return self._retrievers

    def _search_index(self) -> SearchIndex:
        """The index of the manifest's reports: opened from disk, or brought up to date (under the lock) when
        it holds other reports (another process changed the store) or is missing."""
        if self._index is None:
            self._index = self._up_to_date_index()
            if self._index is None:
                with self._changing():
                    self._index = self._up_to_date_index() or self._update_index(None)
        return self._index

    def _up_to_date_index(self) -> SearchIndex | None:
        """The index on disk, when it holds exactly the manifest's reports."""
        index = self._current_index()
        if index is not None and set(index.reports) != self._manifest.report_ids():
            index.close()
            return None
        return index

    # ------------------------------------------------------------------ ingesting

    def ingest(self, paths: Iterable[Path], progress: Callable[[Path], None] | None = None) -> IngestResult:
        """Read files (or every report file under folders) into the store, in batches of reports, then write
        the search index once. A batch's passages are embedded in a second thread while the next batch is
        read and the previous one written. `progress` is called with each file once its fate is settled."""
        result = IngestResult()
        done = progress or (lambda _: None)
        batch: list[_Read] = []
        vectors = HeldVectors(self._current_index())
        flight: _Flight | None = None
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportassist-embed")
        try:
            for path in expand_paths(paths, result.skipped):
                try:
                    read = self._read(path)
                except InputError as exc:
                    result.failed.append((path, str(exc)))
                    done(path)
                    continue
                if read is None:
                    result.unchanged.append(path)
                    done(path)
                    continue
                batch.append(read)
                if sum(r.count for r in batch) >= BATCH_PASSAGES:
                    flight = self._launch(batch, flight, pool, vectors, result, done)
                    batch = []
            if batch:
                flight = self._launch(batch, flight, pool, vectors, result, done)
            if flight is not None:
                self._land(flight, vectors, result, done)
            with self._changing():  # also after a run cut short that stored reports but not their index
                if result.added or result.replaced or (index := self._up_to_date_index()) is None:
                    self._index = self._update_index(vectors)
                else:
                    self._index = index  # kept open for the searches that follow
                self._manifest.compact()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            vectors.close()
        return result

    def _launch(
        self,
        batch: list[_Read],
        flight: _Flight | None,
        pool: ThreadPoolExecutor,
        vectors: HeldVectors,
        result: IngestResult,
        done: Callable[[Path], None],
    ) -> _Flight:
        """Start embedding the batch's passages that no vector is known or on its way for, then write
        the batch before it (whose embedding this one waited for)."""
        texts = {
            h: t
            for read in batch
            for ps, hs in zip(read.passages, read.hashes, strict=True)
            for t, h in zip(ps, hs, strict=True)
        }
        coming = set(flight.missing) if flight is not None else set()
        missing = [key for key in vectors.unknown(list(texts)) if key not in coming]
        future = pool.submit(self._embeddings.embed_documents, [texts[key] for key in missing])
        if flight is not None:
            self._land(flight, vectors, result, done)
        return _Flight(batch, missing, future)

    def _land(
        self, flight: _Flight, vectors: HeldVectors, result: IngestResult, done: Callable[[Path], None]
    ) -> None:
        if flight.missing:
            embedded = np.asarray(flight.future.result(), dtype=np.float32)
            embedded /= np.maximum(np.linalg.norm(embedded, axis=1, keepdims=True), 1e-12)
            vectors.add(flight.missing, embedded)
        self._write_batch(flight.batch, vectors, result, done)

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the store for one change, the manifest read as it now is (another process may have
        added to it), and what an interrupted batch left behind swept away first."""
        lock = self.root / "store.lock"
        lock.touch(exist_ok=True)
        with locked(lock):
            self._manifest.refresh()
            self._index = None  # not closed: a retriever handed out before may still read it
            self._retrievers = None
            if (self.root / "pending").exists():
                self._sweep()
            yield

    def _read(self, path: Path) -> _Read | None:
        """A file read and chunked; None when the store holds it as it is."""
        # the readers and the parser: only when ingesting (`search` starts faster without them)
        from reportassist.parsing import parse_document
        from reportassist.readers import load_file, read_bytes

        data = load_file(path)
        report_id = hashlib.sha256(_READING + data).hexdigest()[:20]
        key = str(path.resolve())
        old = self._manifest.entries.get(key)
        if old is not None and old.report_id == report_id:
            return None
        report = parse_document(read_bytes(path, data))
        if report.meta.year is None and report.meta.format is None:
            raise InputError(
                "不像政府信息公开工作年度报告：没有找到报告年度，也没有年度报告格式的表格或章节，未导入。",
                path=path,
            )
        chunks = chunk_report(report, report_id)
        stored = _Stored(report=report, chunks=chunks, words=[words(c.text) for c in chunks])
        texts = [passages(c.text) for c in chunks]
        return _Read(
            path, key, report_id, data, stored, texts, [[passage_hash(t) for t in ps] for ps in texts]
        )

    def _write_batch(
        self, batch: list[_Read], vectors: HeldVectors, result: IngestResult, done: Callable[[Path], None]
    ) -> None:
        """Write an embedded batch's reports: files, the vectors Chroma lacks in one upsert, manifest entries
        in one write."""
        outcomes: list[tuple[Path, str]] = []
        with self._changing():
            keys: dict[int, None] = {}  # the passages of the reports written, by hash, once each
            written: dict[str, _Read] = {}
            entries: list[Entry] = []
            replaced: list[str] = []
            for read in batch:
                old = self._manifest.entries.get(read.key)
                if old is not None and old.report_id == read.report_id:
                    outcomes.append((read.path, "unchanged"))  # another process stored it meanwhile
                    continue
                if read.report_id not in written and not self._manifest.holds(read.report_id):
                    written[read.report_id] = read
                    keys.update(dict.fromkeys(h for hs in read.hashes for h in hs))
                report = read.stored.report
                entries.append(
                    Entry(
                        report_id=read.report_id,
                        path=read.key,
                        agency=report.meta.agency,
                        year=report.meta.year,
                        format=report.meta.format,
                        chunks=len(read.stored.chunks),
                        ingested_at=datetime.now(UTC),
                    )
                )
                if old is not None:
                    replaced.append(old.report_id)
                outcomes.append((read.path, "added" if old is None else "replaced"))
            chroma = self._vectors()
            missing = chroma.absent(list(keys))
            write_atomic(self.root / "pending", json.dumps([vector_id(k) for k in missing]).encode("ascii"))
            for read in written.values():
                self._write_files(read)
            chroma.add(missing, vectors.get(missing))
            self._manifest.put(entries)
            for report_id in replaced:
                self._forget(report_id)
            (self.root / "pending").unlink()
        for path, outcome in outcomes:
            getattr(result, outcome).append(path)
            done(path)

    def _write_files(self, read: _Read) -> None:
        write_atomic(
            self.root / "reports" / f"{read.report_id}.json", read.stored.model_dump_json().encode("utf-8")
        )
        write_atomic(self.root / "sources" / f"{read.report_id}{read.path.suffix.lower()}", read.data)

    def _forget(self, report_id: str) -> None:
        """Remove the files of a report no manifest entry refers to any more (its vectors go once no segment
        of the index holds them: `_update_index`)."""
        if self._manifest.holds(report_id):
            return
        for stale in (self.root / "sources").glob(f"{report_id}.*"):
            stale.unlink()
        (self.root / "reports" / f"{report_id}.json").unlink(missing_ok=True)

    def _sweep(self) -> None:
        """Drop what an interrupted batch left behind: the vectors it added that no report of the manifest
        has (all vectors are checked when `pending` does not list them), and files of no report."""
        try:
            candidates: set[str] | None = set(json.loads((self.root / "pending").read_bytes()))
        except (OSError, ValueError):
            candidates = None
        self._collect_garbage(candidates)
        known = self._manifest.report_ids()
        # A file of no report, and the temporary file of a write the kill cut short (".<name>.<random>.tmp").
        for folder in (self.root / "reports", self.root / "sources"):
            for stale in folder.iterdir():
                if stale.name.startswith(".") or stale.stem not in known:
                    stale.unlink()
        for stale in self.root.glob(".*.tmp"):
            stale.unlink()
        (self.root / "pending").unlink(missing_ok=True)

    def _collect_garbage(self, candidates: set[str] | None) -> None:
        """Delete from Chroma the candidates (None: every vector it holds) that no passage of the manifest's
        reports has."""
        chroma = self._vectors()
        if candidates is None:
            candidates = set(chroma.ids())
        if candidates:
            chroma.delete(sorted(candidates - self._referenced()))

    def _referenced(self) -> set[str]:
        """The Chroma ids of every passage of the manifest's reports: from the index's segments that hold
        only such reports, and from `reports/` for the others."""
        known = self._manifest.report_ids()
        held: set[str] = set()
        index = self._current_index()
        if index is not None:
            for segment in index.segments:
                if set(segment.reports) <= known:
                    held.update(vector_id(int(k)) for k in segment.vector_hash)
                    known -= set(segment.reports)
            index.close()
        for report_id in known:
            for chunk in self._load(report_id).chunks:
                held.update(vector_id(passage_hash(t)) for t in passages(chunk.text))
        return held

    def _upgrade(self) -> None:
        """Keep an older store's vectors by content (under the lock): versions 1 and 2 held one Chroma record
        a passage; then sweep once."""
        self._vectors().key_by_content(
            {
                f"{chunk.id}/{number}": passage_hash(text)
                for e in self._manifest.report_ids()
                for chunk in self._load(e).chunks
                for number, text in enumerate(passages(chunk.text))
            }
        )
        self._sweep()

    # ------------------------------------------------------------------ the index

    def _current_index(self) -> SearchIndex | None:
        """The index as `current.json` names it (None: none yet, of an older layout, or damaged)."""
        folder = self.root / "index"
        try:
            names = read_current(folder)
            return SearchIndex(folder, names) if names is not None else None
        except (OSError, ValueError):
            return None

    def _update_index(self, vectors: HeldVectors | None) -> SearchIndex:
        """Make the index hold exactly the manifest's reports (under the lock), with the segments
        `SegmentPlan` gives (the reports new to the index with their vectors from this run's or, failing that,
        from Chroma). `current.json` is replaced last; other folders are then removed, and the vectors that no
        segment holds any more deleted from Chroma."""
        folder = self.root / "index"
        chunks = {e.report_id: e.chunks for e in self._manifest.entries.values()}
        current = self._current_index()
        own = vectors is None
        vectors = vectors or HeldVectors(current)
        dims = (current.dims if current else 0) or vectors.dims or (self._dims() if chunks else 0)
        plan = SegmentPlan(
            folder, current, lambda report_id: self._fresh_rows(report_id, vectors, dims), dims
        )
        try:
            listed = plan.segments(chunks)
            unheld = [vector_id(k) for k in plan.unheld(listed)]
            write_atomic(self.root / "pending", json.dumps(unheld).encode("ascii"))  # swept if cut short
            write_current(folder, listed)
            self._vectors().delete(unheld)
            (self.root / "pending").unlink()
        finally:
            plan.close()
            if own:
                vectors.close()
        for other in folder.iterdir():  # older segments, and what an update cut short left (".<name>.tmp")
            if other.name not in listed and other.name != "current.json":
                if other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
                else:
                    other.unlink(missing_ok=True)
        return SearchIndex(folder, listed)

    def _dims(self) -> int:
        """The embeddings' dimensions, when no vector at hand tells them."""
        return len(self._embeddings.embed_query("维度"))

    def _fresh_rows(self, report_id: str, vectors: HeldVectors, dims: int) -> Iterator[IndexRow]:
        """A report's rows made from `reports/`, each passage's vector at hand or from Chroma."""
        stored = self._load(report_id)
        for chunk, chunk_words in zip(stored.chunks, stored.words, strict=True):
            texts = passages(chunk.text)
            keys = [passage_hash(t) for t in texts]
            if not texts:
                found = np.zeros((0, dims), dtype=np.float32)
            elif not vectors.unknown(keys):
                found = vectors.get(keys)
            else:
                found = self._vectors().get(keys)
            yield IndexRow(chunk, chunk_words, keys, found)

    # ------------------------------------------------------------------ Chroma and files

    def _vectors(self) -> ChromaVectors:
        if self._chroma is None:
            self._chroma = ChromaVectors(self.root, self._server, self._collection_name)
        return self._chroma

    def _load(self, report_id: str) -> _Stored:
        path = self.root / "reports" / f"{report_id}.json"
        try:
            return _Stored.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise InputError(f"语料库文件损坏或缺失（{exc}），请重新导入该报告。", path=path) from exc


class _Identity(BaseModel):
    """`store.json`: the store's own id (naming its Chroma collection, so that stores sharing a Chroma
    server never touch each other's sections) and the embeddings its vectors were made with."""

    id: str
    embedding: str
    version: int = 1  # stores written before version 2 have none


def _identity(root: Path, embedding: str) -> _Identity:
    path = root / "store.json"
    if not path.exists():
        identity = _Identity(id=uuid.uuid4().hex[:16], embedding=embedding, version=STORE_VERSION)
        write_atomic(path, identity.model_dump_json().encode("utf-8"))
        return identity
    try:
        identity = _Identity.model_validate_json(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(f"语料库标识文件无法读取（{exc}）。", path=path) from exc
    if identity.embedding != embedding:
        raise InputError(
            f"语料库 {root} 是用嵌入方式“{identity.embedding}”建立的，不能用“{embedding}”检索或导入："
            f"请改用“{identity.embedding}”，或另选一个语料库文件夹重新导入。"
        )
    return identity
