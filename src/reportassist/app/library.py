"""The corpus store as the app shares it between sessions: opened on first use (the embeddings take seconds
to load), uploads copied into it, and one writer or many readers at a time.

The embedded Chroma database serves one process; every session of the app uses this one store. Ingesting
changes the store's indexes, so it waits for drafts reading the store to finish, and they for it. The
store's lazily built indexes are built under the writer's hold, so readers only ever find them complete.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportassist.fileio import safe_name, write_atomic
from reportassist.model import Report
from reportassist.settings import Settings

if TYPE_CHECKING:
    from reportassist.corpus import CorpusStore, IngestResult

__all__ = ["CorpusEntry", "Library", "digest"]


def digest(data: bytes) -> str:
    """A file's content hash as the corpus store names its reports."""
    return hashlib.sha256(data).hexdigest()[:20]


@dataclass(frozen=True)
class CorpusEntry:
    report_id: str
    agency: str | None
    year: int | None
    format: str | None


class _ReadWriteLock:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._writing and self._readers == 0)
            self._writing = True
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()


class Library:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._root = settings.store.expanduser()
        self._lock = _ReadWriteLock()
        self._store: CorpusStore | None = None

    def ingest(
        self, files: list[tuple[Path, str]], progress: Callable[[int], None] | None = None
    ) -> IngestResult:
        """Copy each (file, name as uploaded) into the store's uploads and ingest it; the same content is
        kept once, under the name it was first given with."""
        kept = [self._keep(path, name) for path, name in files]
        with self._lock.writing():
            store = self._open()
            done = 0

            def advance(_: Path) -> None:
                nonlocal done
                done += 1
                if progress is not None:
                    progress(done)

            result = store.ingest(kept, progress=advance)
            self._warm(store)  # the indexes built here, under the writer's hold
            return result

    def entries(self) -> list[CorpusEntry]:
        """The reports in the store, by agency and year; none before anything was ingested."""
        if not (self._root / "manifest.json").exists():
            return []
        store = self._open_for_reading()
        with self._lock.reading():
            seen = {e.report_id: CorpusEntry(e.report_id, e.agency, e.year, e.format) for e in store.entries}
        return sorted(seen.values(), key=lambda e: (e.agency or "", -(e.year or 0)))

    def report(self, report_id: str) -> Report:
        store = self._open_for_reading()
        with self._lock.reading():
            return store.report(report_id)

    @contextmanager
    def for_drafting(self) -> Iterator[CorpusStore | None]:
        """The store, held for reading while a draft is made from it; None while it is empty."""
        if not (self._root / "manifest.json").exists():
            yield None
            return
        store = self._open_for_reading()
        with self._lock.reading():
            yield store

    def close(self) -> None:
        with self._lock.writing():
            if self._store is not None:
                self._store.close()
                self._store = None

    def _open_for_reading(self) -> CorpusStore:
        """The store, to be used under a read hold taken after this returns."""
        if self._store is None:  # opened, and its indexes built, under the writer's hold
            with self._lock.writing():
                self._warm(self._open())
        assert self._store is not None
        return self._store

    @staticmethod
    def _warm(store: CorpusStore) -> None:
        if store.entries:
            store.retriever()

    def _open(self) -> CorpusStore:
        if self._store is None:
            from reportassist.corpus import open_store  # Chroma, LangChain and jieba: seconds, on first use

            self._store = open_store(self._root, settings=self._settings)
        return self._store

    def _keep(self, path: Path, name: str) -> Path:
        """The uploaded file in the store's uploads folder, in a folder named by its content hash."""
        data = path.read_bytes()
        folder = self._root / "uploads" / digest(data)
        existing = (
            next((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), None)
            if folder.is_dir()
            else None
        )
        if existing is not None:
            return existing
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_name(name, "报告")
        write_atomic(target, data)
        return target
