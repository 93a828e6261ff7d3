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
                           distinct passage, under its content hash (`_vector_id`)

A report id is the hash of the file's content and of the way reports are read (`_READING`). Ingest reads
files, then writes them in batches (one embedding call and one Chroma upsert for some 2,000 passages of
several reports); the manifest is written last, atomically, so a report is in the store only once all of
it is. A batch is written under `pending`, which lists the vectors it adds: those an interrupted run left in
Chroma that no report of the manifest has are swept away by the next change or opening of the store.
A passage whose content hash the store (or this run) has embedded already takes that vector: an unchanged
passage is never embedded twice, and Chroma holds each distinct passage once (reports repeat one another's
sentences: at 40,000 generated sections, one passage in six is distinct). A vector that no segment of the
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
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, Self

import numpy as np
from langchain_core.embeddings import Embeddings
from numpy.typing import NDArray
from pydantic import BaseModel

from reportassist.corpus.chunks import Chunk, chunk_report, passages
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.index import SEGMENT_ROWS, SearchIndex, merges, read_current, write_current
from reportassist.corpus.paths import expand_paths
from reportassist.corpus.retrievers import DenseRetriever, HybridRetriever, KeywordRetriever, Scored
from reportassist.corpus.segment import IndexRow, Segment, digest, passage_hash, write_segment
from reportassist.corpus.tokenize import words
from reportassist.errors import InputError
from reportassist.fileio import locked, write_atomic
from reportassist.model import Report

if TYPE_CHECKING:
    import chromadb

__all__ = ["ChromaServer", "CorpusStore", "IngestResult", "Mode", "open_chroma"]

# How reports are read: part of a report's id, so that a report stored by an older reader is read again by
# `ingest` (a change of the reader that changes what a report holds changes this).
_READING = b"reading 3: tables that lost their grid, headings, agencies and prose as reports are found\n"
# The store's layout (`store.json`): 1 had no index and no `pending` marker; 1 and 2 kept one Chroma record a
# passage, 3 one a distinct passage (by content).
STORE_VERSION = 3
# Passages written per batch: one embedding call and one Chroma upsert (Chroma takes at most ~5,400).
BATCH_PASSAGES = 2000

Mode = Literal["hybrid", "keyword", "dense"]


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int


def open_chroma(root: Path, server: ChromaServer | None) -> chromadb.ClientAPI:
    """The embedded database in the store folder, or a Chroma server; telemetry off either way."""
    import chromadb  # half a second: only when the store writes, sweeps or rebuilds its index
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if server is not None:
        return chromadb.HttpClient(host=server.host, port=server.port, settings=settings)
    return chromadb.PersistentClient(path=str(root / "chroma"), settings=settings)


class _Entry(BaseModel):
    report_id: str
    path: str
    agency: str | None
    year: int | None
    format: str | None
    chunks: int
    ingested_at: datetime


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

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.passages)


@dataclass
class _Flight:
    """A batch whose new passages (`missing`, by hash) are being embedded."""

    batch: list[_Read]
    missing: list[int]
    future: Future[list[list[float]]]


class _Vectors:
    """The vectors this run embedded (in a temporary file, gone with the process) and those of the store's
    index, by passage hash: where a passage's vector is taken from instead of embedding it again."""

    def __init__(self, index: SearchIndex | None) -> None:
        self._index = index
        parts = list(index.vector_hashes()) if index is not None else []
        hashes = np.concatenate([h for _, h in parts]) if parts else np.zeros(0, dtype=np.uint64)
        order = np.argsort(hashes, kind="stable")
        self._known = hashes[order]  # every vector of the index, by hash: sorted, with segment and row
        self._segment = np.concatenate([np.full(len(h), n, dtype=np.int32) for n, h in parts] or [[]])[order]
        self._row = np.concatenate([np.arange(len(h)) for _, h in parts] or [[]]).astype(np.int64)[order]
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="reportassist-vectors-")  # noqa: SIM115
        self._fresh: dict[int, int] = {}  # hash -> row of the file
        self._dims = 0
        self._map: NDArray[np.float32] | None = None

    @property
    def dims(self) -> int:
        return self._dims

    def close(self) -> None:
        self._map = None
        self._file.close()
        if self._index is not None:
            self._index.close()

    def _in_index(self, keys: list[int]) -> NDArray[np.int64]:
        """Where each key is in `_known` (-1: not there)."""
        wanted = np.asarray(keys, dtype=np.uint64)
        at = np.searchsorted(self._known, wanted)
        found = at < len(self._known)
        found[found] = self._known[at[found]] == wanted[found]
        return np.where(found, at, -1)

    def unknown(self, keys: list[int]) -> list[int]:
        """The keys whose vector is not at hand."""
        fresh = [key for key in keys if key not in self._fresh]
        if not fresh:
            return []
        return [key for key, at in zip(fresh, self._in_index(fresh), strict=True) if at < 0]

    def add(self, keys: list[int], vectors: NDArray[np.float32]) -> None:
        if not keys:
            return
        self._dims = vectors.shape[1]
        self._file.seek(0, os.SEEK_END)
        self._file.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
        self._file.flush()
        self._map = None
        first = len(self._fresh)
        self._fresh.update({key: first + number for number, key in enumerate(keys)})
        if len(self._fresh) != first + len(keys):
            raise ValueError("a passage's vector added twice")

    def get(self, keys: list[int]) -> NDArray[np.float32]:
        """The vectors of `keys`, each of which is at hand."""
        at = self._in_index(keys)
        out = []
        for key, known in zip(keys, at, strict=True):
            if key in self._fresh:
                if self._map is None:
                    self._map = np.memmap(
                        self._file, dtype=np.float32, mode="r", shape=(len(self._fresh), self._dims)
                    )
                out.append(self._map[self._fresh[key]])
            else:
                assert self._index is not None and known >= 0, "a vector asked for that is not at hand"
                out.append(self._index.segments[self._segment[known]].vectors[self._row[known]])
        return np.asarray(out, dtype=np.float32)


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
        self._client: chromadb.ClientAPI | None = None
        self._embeddings = embeddings
        self._manifest: dict[str, _Entry] = {}
        self._index: SearchIndex | None = None
        self._retrievers: tuple[KeywordRetriever, DenseRetriever] | None = None
        (root / "store.lock").touch(exist_ok=True)
        # under the lock: two processes opening a new store at once must name one collection, and an older
        # store is upgraded once, before anything is swept
        with locked(root / "store.lock"):
            identity = _identity(root, embedding)
            self._collection_name = f"reportassist-{identity.id}"
            if identity.version < STORE_VERSION:
                self._manifest = self._read_manifest()
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
        # chromadb.Client has `close`; its ClientAPI type does not say so
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading the store

    @property
    def entries(self) -> list[_Entry]:
        return list(self._manifest.values())

    def entry(self, path: Path) -> _Entry | None:
        """The manifest's entry for a file, if the store holds it."""
        return self._manifest.get(str(path.resolve()))

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
            index = self._current_index()
            if index is not None and set(index.reports) == {e.report_id for e in self._manifest.values()}:
                self._index = index
            else:
                if index is not None:
                    index.close()
                with self._changing():
                    self._index = self._update_index(None)
        return self._index

    # ------------------------------------------------------------------ ingesting

    def ingest(self, paths: Iterable[Path], progress: Callable[[Path], None] | None = None) -> IngestResult:
        """Read files (or every report file under folders) into the store, in batches of reports, then write
        the search index once. A batch's passages are embedded in a second thread while the next batch is
        read and the previous one written. `progress` is called with each file once its fate is settled."""
        result = IngestResult()
        done = progress or (lambda _: None)
        batch: list[_Read] = []
        vectors = _Vectors(self._current_index())
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
            if result.added or result.replaced:
                with self._changing():
                    self._index = self._update_index(vectors)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            vectors.close()
        return result

    def _launch(
        self,
        batch: list[_Read],
        flight: _Flight | None,
        pool: ThreadPoolExecutor,
        vectors: _Vectors,
        result: IngestResult,
        done: Callable[[Path], None],
    ) -> _Flight:
        """Start embedding the batch's passages that no vector is known or on its way for, then write
        the batch before it (whose embedding this one waited for)."""
        texts = {passage_hash(t): t for read in batch for ps in read.passages for t in ps}
        coming = set(flight.missing) if flight is not None else set()
        missing = [key for key in vectors.unknown(list(texts)) if key not in coming]
        future = pool.submit(self._embeddings.embed_documents, [texts[key] for key in missing])
        if flight is not None:
            self._land(flight, vectors, result, done)
        return _Flight(batch, missing, future)

    def _land(
        self, flight: _Flight, vectors: _Vectors, result: IngestResult, done: Callable[[Path], None]
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
            self._manifest = self._read_manifest()
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
        old = self._manifest.get(key)
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
        return _Read(path, key, report_id, data, stored, [passages(c.text) for c in chunks])

    def _write_batch(
        self, batch: list[_Read], vectors: _Vectors, result: IngestResult, done: Callable[[Path], None]
    ) -> None:
        """Write an embedded batch's reports: files, the vectors Chroma lacks in one upsert, manifest entries
        in one write."""
        outcomes: list[tuple[Path, str]] = []
        with self._changing():
            keys: dict[int, None] = {}  # the passages of the reports written, by hash, once each
            written: dict[str, _Read] = {}
            replaced: list[str] = []
            for read in batch:
                old = self._manifest.get(read.key)
                if old is not None and old.report_id == read.report_id:
                    outcomes.append((read.path, "unchanged"))  # another process stored it meanwhile
                    continue
                if read.report_id not in written and not any(
                    e.report_id == read.report_id for e in self._manifest.values()
                ):
                    written[read.report_id] = read
                    keys.update(dict.fromkeys(passage_hash(t) for ps in read.passages for t in ps))
                report = read.stored.report
                self._manifest[read.key] = _Entry(
                    report_id=read.report_id,
                    path=read.key,
                    agency=report.meta.agency,
                    year=report.meta.year,
                    format=report.meta.format,
                    chunks=len(read.stored.chunks),
                    ingested_at=datetime.now(UTC),
                )
                if old is not None:
                    replaced.append(old.report_id)
                outcomes.append((read.path, "added" if old is None else "replaced"))
            missing = self._absent(list(keys))
            write_atomic(self.root / "pending", json.dumps([_vector_id(k) for k in missing]).encode("ascii"))
            for read in written.values():
                self._write_files(read)
            collection = self._collection()
            step = self._chroma().get_max_batch_size()
            for start in range(0, len(missing), step):
                part = missing[start : start + step]
                collection.upsert(ids=[_vector_id(k) for k in part], embeddings=vectors.get(part))
            self._write_manifest()
            for report_id in replaced:
                self._forget(report_id)
            (self.root / "pending").unlink()
        for path, outcome in outcomes:
            getattr(result, outcome).append(path)
            done(path)

    def _absent(self, keys: list[int]) -> list[int]:
        """The passages (by hash) whose vector Chroma does not hold."""
        collection = self._collection()
        step = self._chroma().get_max_batch_size()
        held: set[str] = set()
        for start in range(0, len(keys), step):
            ids = [_vector_id(k) for k in keys[start : start + step]]
            held.update(collection.get(ids=ids, include=[])["ids"])
        return [key for key in keys if _vector_id(key) not in held]

    def _write_files(self, read: _Read) -> None:
        write_atomic(
            self.root / "reports" / f"{read.report_id}.json", read.stored.model_dump_json().encode("utf-8")
        )
        write_atomic(self.root / "sources" / f"{read.report_id}{read.path.suffix.lower()}", read.data)

    def _forget(self, report_id: str) -> None:
        """Remove the files of a report no manifest entry refers to any more (its vectors go once no segment
        of the index holds them: `_update_index`)."""
        if any(e.report_id == report_id for e in self._manifest.values()):
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
        known = {e.report_id for e in self._manifest.values()}
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
        collection = self._collection()
        if candidates is None:
            candidates = set(self._chroma_ids())
        orphans = sorted(candidates - self._referenced()) if candidates else []
        step = self._chroma().get_max_batch_size()
        for start in range(0, len(orphans), step):
            collection.delete(ids=orphans[start : start + step])

    def _chroma_ids(self) -> Iterator[str]:
        collection = self._collection()
        step = self._chroma().get_max_batch_size()
        offset = 0
        while ids := collection.get(include=[], limit=step, offset=offset)["ids"]:
            yield from ids
            offset += len(ids)

    def _referenced(self) -> set[str]:
        """The Chroma ids of every passage of the manifest's reports: from the index's segments that hold
        only such reports, and from `reports/` for the others."""
        known = {e.report_id for e in self._manifest.values()}
        held: set[str] = set()
        index = self._current_index()
        if index is not None:
            for segment in index.segments:
                if set(segment.reports) <= known:
                    held.update(_vector_id(int(k)) for k in segment.vector_hash)
                    known -= set(segment.reports)
            index.close()
        for report_id in known:
            for chunk in self._load(report_id).chunks:
                held.update(_vector_id(passage_hash(t)) for t in passages(chunk.text))
        return held

    def _upgrade(self) -> None:
        """Keep an older store's vectors by content (under the lock). Versions 1 and 2 held one Chroma record
        a passage, `<chunk id>/<number>`: each becomes the record of its content hash, once, and the old
        records are deleted once all are copied, so an upgrade cut short is done again from the start."""
        collection = self._collection()
        old = [i for i in self._chroma_ids() if "/" in i]
        if old:
            hashes = {
                f"{chunk.id}/{number}": passage_hash(text)
                for e in {e.report_id for e in self._manifest.values()}
                for chunk in self._load(e).chunks
                for number, text in enumerate(passages(chunk.text))
            }
            step = self._chroma().get_max_batch_size()
            for start in range(0, len(old), step):
                got = collection.get(ids=old[start : start + step], include=["embeddings"])
                by_key = {
                    hashes[i]: vector
                    for i, vector in zip(got["ids"], got["embeddings"], strict=True)  # type: ignore[arg-type]
                    if i in hashes
                }
                if by_key:
                    collection.upsert(
                        ids=[_vector_id(k) for k in by_key], embeddings=np.asarray(list(by_key.values()))
                    )
            for start in range(0, len(old), step):
                collection.delete(ids=old[start : start + step])
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

    def _update_index(self, vectors: _Vectors | None) -> SearchIndex:
        """Make the index hold exactly the manifest's reports (under the lock): segments that hold only such
        reports are kept, one that lost a report is written again without it, the reports no segment holds
        go into new segments (their vectors from this run's or, failing that, from Chroma), and segments are
        merged as `index.merges` says. `current.json` is replaced last; other folders are then removed, and
        the vectors that no segment holds any more deleted from Chroma."""
        folder = self.root / "index"
        wanted = {e.report_id for e in self._manifest.values()}
        chunks = {e.report_id: e.chunks for e in self._manifest.values()}
        current = self._current_index()
        own = vectors is None
        vectors = vectors or _Vectors(current)
        opened: dict[str, Segment] = {s.folder.name: s for s in (current.segments if current else [])}
        try:
            dims = (current.dims if current else 0) or vectors.dims or (self._dims() if wanted else 0)
            listed: list[str] = []
            loose: set[str] = set(wanted)  # reports no kept segment holds
            for name, segment in list(opened.items()):
                if set(segment.reports) <= wanted:
                    listed.append(name)
                    loose -= set(segment.reports)
            for group in _groups(sorted(loose), chunks):
                listed.append(self._write_segment(group, opened, vectors, dims))
            while groups := merges([len(opened[name]) for name in listed]):
                merged = {position for group in groups for position in group}
                names = [
                    self._write_segment(
                        sorted(r for position in group for r in opened[listed[position]].reports),
                        opened,
                        vectors,
                        dims,
                    )
                    for group in groups
                ]
                listed = [name for position, name in enumerate(listed) if position not in merged] + names
            unheld = _unheld([s for n, s in opened.items() if n not in listed], [opened[n] for n in listed])
            write_atomic(self.root / "pending", json.dumps(unheld).encode("ascii"))  # swept if cut short
            write_current(folder, listed)
            step = self._chroma().get_max_batch_size()
            for start in range(0, len(unheld), step):
                self._collection().delete(ids=unheld[start : start + step])
            (self.root / "pending").unlink()
        finally:
            for segment in opened.values():
                segment.close()
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

    def _write_segment(
        self, report_ids: list[str], opened: dict[str, Segment], vectors: _Vectors, dims: int
    ) -> str:
        """Write (unless it exists) the segment of these reports, open it into `opened`, and name it."""
        name = digest(report_ids)
        if name not in opened:
            path = self.root / "index" / name
            if not path.exists():
                write_segment(path, self._rows(report_ids, opened, vectors, dims), dims)
            opened[name] = Segment(path)
        return name

    def _rows(
        self, report_ids: list[str], opened: dict[str, Segment], vectors: _Vectors, dims: int
    ) -> Iterator[IndexRow]:
        """The reports' rows: carried from a segment that holds them, or made from `reports/`."""
        holders = {r: segment for segment in opened.values() for r in segment.reports}
        for report_id in report_ids:
            if report_id in holders:
                yield from holders[report_id].rows(report_id)
                continue
            stored = self._load(report_id)
            for chunk, chunk_words in zip(stored.chunks, stored.words, strict=True):
                texts = passages(chunk.text)
                keys = [passage_hash(t) for t in texts]
                if not texts:
                    found = np.zeros((0, dims), dtype=np.float32)
                elif not vectors.unknown(keys):
                    found = vectors.get(keys)
                else:
                    found = self._stored_vectors(keys)
                yield IndexRow(chunk, chunk_words, keys, found)

    def _stored_vectors(self, keys: list[int]) -> NDArray[np.float32]:
        ids = [_vector_id(k) for k in keys]
        got = self._collection().get(ids=ids, include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))  # type: ignore[arg-type]
        try:
            found = np.asarray([by_id[i] for i in ids], dtype=np.float32)
        except KeyError as exc:
            raise InputError(
                f"语料库的向量库缺少段落 {exc}，请删除该语料库后重新导入。", path=self.root
            ) from exc
        return found / np.maximum(np.linalg.norm(found, axis=1, keepdims=True), 1e-12)

    # ------------------------------------------------------------------ Chroma and files

    def _chroma(self) -> chromadb.ClientAPI:
        if self._client is None:
            self._client = open_chroma(self.root, self._server)
        return self._client

    def _collection(self) -> chromadb.Collection:
        # Never embedded by Chroma: vectors are always given (its default model would be downloaded). Chroma's
        # own nearest-neighbour index is never queried (the search index's scan is exact and filters faster),
        # so it is built as cheaply as Chroma allows: 4 links a node, 10 candidates at insertion. An upsert of
        # 512-dimension vectors went from ~2,200 to ~4,200 a second, of 4,096 from ~340 to ~2,200 (a store
        # made before keeps its collection as it was).
        return self._chroma().get_or_create_collection(
            self._collection_name,
            metadata={"hnsw:space": "cosine", "hnsw:construction_ef": 10, "hnsw:M": 4},
            embedding_function=None,
        )

    def _load(self, report_id: str) -> _Stored:
        path = self.root / "reports" / f"{report_id}.json"
        try:
            return _Stored.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise InputError(f"语料库文件损坏或缺失（{exc}），请重新导入该报告。", path=path) from exc

    def _read_manifest(self) -> dict[str, _Entry]:
        path = self.root / "manifest.json"
        if not path.exists():
            return {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return {key: _Entry.model_validate(value) for key, value in raw.items()}
        except (OSError, ValueError) as exc:
            raise InputError(f"语料库清单无法读取（{exc}）。", path=path) from exc

    def _write_manifest(self) -> None:
        data = {key: entry.model_dump(mode="json") for key, entry in sorted(self._manifest.items())}
        write_atomic(
            self.root / "manifest.json", json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        )


def _unheld(gone: list[Segment], kept: list[Segment]) -> list[str]:
    """The Chroma ids of the vectors of segments taken out of the index that no segment left in it holds."""
    if not gone:
        return []
    before = np.unique(np.concatenate([np.asarray(s.vector_hash) for s in gone]))
    held = np.concatenate([np.asarray(s.vector_hash) for s in kept] or [np.zeros(0, dtype=np.uint64)])
    return [_vector_id(int(k)) for k in np.setdiff1d(before, held)]


def _vector_id(key: int) -> str:
    """A passage's record in Chroma: its content hash, in hexadecimal."""
    return f"{key:016x}"


def _groups(report_ids: list[str], chunks: dict[str, int]) -> Iterator[list[str]]:
    """The reports in groups of at most `SEGMENT_ROWS` rows (a larger report alone)."""
    group: list[str] = []
    rows = 0
    for report_id in report_ids:
        if group and rows + chunks[report_id] > SEGMENT_ROWS:
            yield group
            group, rows = [], 0
        group.append(report_id)
        rows += chunks[report_id]
    if group:
        yield group


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
