"""The corpus store: past reports on disk, their sections in Chroma, and the retrievers over them.

Layout of the store folder:

    store.json             the store's id (its Chroma collection is `reportassist-<id>`) and embeddings
    manifest.json          the reports the store holds: source path -> report id, and what was read
    reports/<id>.json      the parsed report, its chunks and their words (for BM25)
    sources/<id><suffix>   a copy of the file as ingested
    chroma/                the embedded Chroma database (unless a Chroma server is used): the chunks'
                           passages, each tagged with its chunk's id and metadata

A report id is the hash of the file's content and of the way reports are read (`_READING`). The manifest
is written last, atomically, so a report is in the store only once all of it is: chunks that an
interrupted run left in Chroma belong to no report of the manifest, are never returned, and are swept
away when the store opens.

Several processes may ingest into one store at once (two staff members, one shared folder and Chroma
server): each change of the store — writing a report's files, indexing its passages, adding it to the
manifest, sweeping — is made holding a lock on `store.lock`, with the manifest read afresh under it, so
that no process writes over what another added or sweeps away passages another is still indexing.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Self

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from reportassist.corpus.chunks import Chunk, chunk_report, passages
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.retrievers import DenseRetriever, HybridRetriever, KeywordRetriever, Scored
from reportassist.corpus.tokenize import words
from reportassist.errors import InputError
from reportassist.fileio import locked, write_atomic
from reportassist.model import Report
from reportassist.parsing import parse_document
from reportassist.readers import load_file, read_bytes, readable_suffixes

__all__ = ["ChromaServer", "CorpusStore", "IngestResult", "Mode", "expand_paths", "open_chroma"]

# How reports are read: part of a report's id, so that a report stored by an older reader is read again by
# `ingest` (a change of the reader that changes what a report holds changes this).
_READING = b"reading 2: tables cut from the sections' prose\n"

Mode = Literal["hybrid", "keyword", "dense"]


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int


def open_chroma(root: Path, server: ChromaServer | None) -> chromadb.ClientAPI:
    """The embedded database in the store folder, or a Chroma server; telemetry off either way."""
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


class CorpusStore:
    """`embedding` names the embeddings the store was built with; a store refuses to be searched
    with another one, whose vectors would not be comparable.

    Close a store (or use it in a `with` block) before deleting its folder: Chroma keeps one
    database connection per folder for the whole process, and a store reopened in a deleted and
    recreated folder would otherwise find the old connection, now read-only.
    """

    def __init__(
        self, root: Path, embeddings: Embeddings, chroma: chromadb.ClientAPI, embedding: str
    ) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._collection = f"reportassist-{_identity(root, embedding).id}"
        (root / "reports").mkdir(exist_ok=True)
        (root / "sources").mkdir(exist_ok=True)
        self._client = chroma
        self._vectors = Chroma(
            client=chroma,
            collection_name=self._collection,
            embedding_function=embeddings,
            collection_metadata={"hnsw:space": "cosine"},
        )
        self._manifest: dict[str, _Entry] = {}
        self._chunks: list[tuple[Chunk, list[str]]] | None = None
        self._retrievers: tuple[KeywordRetriever, DenseRetriever] | None = None
        with self._changing():
            self._sweep()

    def close(self) -> None:
        """Release the Chroma client (the embedded database's connection once no other store uses it)."""
        close = getattr(
            self._client, "close", None
        )  # chromadb.Client has it; its ClientAPI type does not say so
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

    def chunks(self) -> list[Chunk]:
        return [chunk for chunk, _ in self._chunks_and_words()]

    def _chunks_and_words(self) -> list[tuple[Chunk, list[str]]]:
        if self._chunks is None:
            self._chunks = []
            for entry in self._manifest.values():
                stored = self._load(entry.report_id)
                self._chunks.extend(zip(stored.chunks, stored.words, strict=True))
        return self._chunks

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
        return HybridRetriever(keyword=keyword, dense=dense, k=k, where=where)

    def search(
        self, query: str, k: int = 5, where: ChunkFilter | None = None, mode: Mode = "hybrid"
    ) -> list[Scored]:
        where = where or ChunkFilter()
        return self.retriever(mode, k, where).rank(query, k, where)

    def _base_retrievers(self) -> tuple[KeywordRetriever, DenseRetriever]:
        """Built once per state of the store: the BM25 index and the map from ids to chunks."""
        if self._retrievers is None:
            pairs = self._chunks_and_words()
            chunks = [chunk for chunk, _ in pairs]
            self._retrievers = (
                KeywordRetriever(chunks=chunks, words=[w for _, w in pairs]),
                DenseRetriever(store=self._vectors, chunks_by_id={c.id: c for c in chunks}),
            )
        return self._retrievers

    # ------------------------------------------------------------------ ingesting

    def ingest(self, paths: Iterable[Path], progress: Callable[[Path], None] | None = None) -> IngestResult:
        """Read files (or every report file under folders) into the store, one report at a time."""
        result = IngestResult()
        for path in expand_paths(paths, result.skipped):
            try:
                outcome = self._ingest_one(path)
            except InputError as exc:
                result.failed.append((path, str(exc)))
            else:
                getattr(result, outcome).append(path)
            if progress is not None:
                progress(path)
        return result

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the store for one change, the manifest read as it now is (another process may have
        added to it)."""
        lock = self.root / "store.lock"
        lock.touch(exist_ok=True)
        with locked(lock):
            self._manifest = self._read_manifest()
            self._chunks = None
            self._retrievers = None
            yield

    def _ingest_one(self, path: Path) -> Literal["added", "replaced", "unchanged"]:
        data = load_file(path)
        report_id = hashlib.sha256(_READING + data).hexdigest()[:20]
        key = str(path.resolve())
        old = self._manifest.get(key)
        if old is not None and old.report_id == report_id:
            return "unchanged"
        report = parse_document(read_bytes(path, data))
        if report.meta.year is None and report.meta.format is None:
            raise InputError(
                "不像政府信息公开工作年度报告：没有找到报告年度，也没有年度报告格式的表格或章节，未导入。",
                path=path,
            )
        chunks = chunk_report(report, report_id)
        stored = _Stored(report=report, chunks=chunks, words=[words(c.text) for c in chunks])
        with self._changing():
            return self._store_one(key, report_id, data, path.suffix.lower(), stored)

    def _store_one(
        self, key: str, report_id: str, data: bytes, suffix: str, stored: _Stored
    ) -> Literal["added", "replaced", "unchanged"]:
        """Write a read report into the store: its files, its passages, then its manifest entry."""
        old = self._manifest.get(key)
        if old is not None and old.report_id == report_id:
            return "unchanged"  # another process stored it meanwhile
        report, chunks = stored.report, stored.chunks
        write_atomic(self.root / "reports" / f"{report_id}.json", stored.model_dump_json().encode("utf-8"))
        write_atomic(self.root / "sources" / f"{report_id}{suffix}", data)
        self._index_passages(chunks)
        self._manifest[key] = _Entry(
            report_id=report_id,
            path=key,
            agency=report.meta.agency,
            year=report.meta.year,
            format=report.meta.format,
            chunks=len(chunks),
            ingested_at=datetime.now(UTC),
        )
        self._write_manifest()
        if old is not None:
            self._forget(old.report_id)
            return "replaced"
        return "added"

    def _index_passages(self, chunks: list[Chunk]) -> None:
        texts: list[str] = []
        metadatas: list[dict[str, str | int]] = []
        ids: list[str] = []
        for chunk in chunks:
            for number, passage in enumerate(passages(chunk.text)):
                texts.append(passage)
                metadatas.append({**chunk.metadata(), "chunk_id": chunk.id})
                ids.append(f"{chunk.id}/{number}")
        if texts:
            self._vectors.add_texts(texts=texts, metadatas=metadatas, ids=ids)

    def _forget(self, report_id: str) -> None:
        """Remove a report no manifest entry refers to any more: its chunks and files."""
        if any(e.report_id == report_id for e in self._manifest.values()):
            return
        self._vectors.delete(where={"report_id": report_id})  # type: ignore[call-arg]
        for stale in (self.root / "sources").glob(f"{report_id}.*"):
            stale.unlink()
        (self.root / "reports" / f"{report_id}.json").unlink(missing_ok=True)

    def _sweep(self) -> None:
        """Drop what an interrupted ingest left behind: chunks and files of no report in the manifest."""
        known = sorted({e.report_id for e in self._manifest.values()})
        collection = self._client.get_collection(self._collection)
        where = {"report_id": {"$nin": known}} if known else None
        orphans = collection.get(where=where, include=[])["ids"]  # type: ignore[arg-type]
        if orphans:
            collection.delete(ids=orphans)
        for stale in (self.root / "reports").glob("*.json"):
            if stale.stem not in known:
                stale.unlink()
        for stale in (self.root / "sources").iterdir():
            if stale.stem not in known:
                stale.unlink()

    # ------------------------------------------------------------------ files

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


class _Identity(BaseModel):
    """`store.json`: the store's own id (naming its Chroma collection, so that stores sharing a Chroma
    server never touch each other's sections) and the embeddings its vectors were made with."""

    id: str
    embedding: str


def _identity(root: Path, embedding: str) -> _Identity:
    path = root / "store.json"
    if not path.exists():
        identity = _Identity(id=uuid.uuid4().hex[:16], embedding=embedding)
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


def expand_paths(paths: Iterable[Path], skipped: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Files as given, and under folders every file a reader reads by its suffix (README files left out).

    Inside a folder, symbolic links (to files or folders, inside or outside it, or in a loop) and special
    files (pipes, devices, sockets) are never followed or opened: a link may lead out of the folder the
    user chose, a pipe would block the read. Those with a report's suffix, and every link to a folder,
    are noted in `skipped` with the reason. A path given directly is taken as given.
    """
    suffixes = readable_suffixes() - {""}
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found: list[Path] = []
        for folder, dirs, names in os.walk(path, followlinks=False):
            here = Path(folder)
            for name in dirs:
                if (here / name).is_symlink():
                    _note(skipped, here / name, "这是指向文件夹的链接（快捷方式），未进入。")
            for name in names:
                candidate = here / name
                if (
                    candidate.suffix.lower() not in suffixes
                    or name.startswith(".")
                    or name.lower() in ("readme.md", "readme.txt")
                ):
                    continue
                mode = candidate.lstat().st_mode
                if stat.S_ISLNK(mode):
                    _note(skipped, candidate, "这是链接（快捷方式），未读取；请直接给出它指向的文件。")
                elif not stat.S_ISREG(mode):
                    _note(skipped, candidate, "这不是普通文件（可能是管道、设备等特殊文件），未读取。")
                else:
                    found.append(candidate)
        files.extend(sorted(found))
    return files


def _note(skipped: list[tuple[Path, str]] | None, path: Path, reason: str) -> None:
    if skipped is not None:
        skipped.append((path, f"文件 {path}：{reason}"))
