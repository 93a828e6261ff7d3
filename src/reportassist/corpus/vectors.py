"""Where passages' vectors are kept: in Chroma, once for each distinct passage under its content hash, and,
while an ingest runs, at hand by hash (those it embedded and those of the store's index).

Chroma is the durable copy (shared, when it is a server): the search index holds the vectors too, and the
index of reports another process stored, or of an older store, is built from Chroma's. Its own nearest-
neighbour index is never queried (the search index's scan is exact and filters faster).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from reportassist.corpus.index import SearchIndex
from reportassist.errors import InputError

if TYPE_CHECKING:
    import chromadb

__all__ = ["ChromaServer", "ChromaVectors", "HeldVectors", "open_chroma", "vector_id"]


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


def vector_id(key: int) -> str:
    """A passage's record in Chroma: its content hash, in hexadecimal."""
    return f"{key:016x}"


class ChromaVectors:
    """A store's Chroma collection: one record for each distinct passage, named by `vector_id`, with no
    metadata; every call is split into the batches Chroma takes."""

    def __init__(self, root: Path, server: ChromaServer | None, name: str) -> None:
        self._root = root
        self._client = open_chroma(root, server)
        # Never embedded by Chroma: vectors are always given (its default model would be downloaded). Its
        # nearest-neighbour index is built as cheaply as Chroma allows: 4 links a node, 10 candidates at
        # insertion (an upsert of 512-dimension vectors went from ~2,200 to ~4,200 a second).
        self._collection = self._client.get_or_create_collection(
            name,
            metadata={"hnsw:space": "cosine", "hnsw:construction_ef": 10, "hnsw:M": 4},
            embedding_function=None,
        )
        self._step = self._client.get_max_batch_size()

    def close(self) -> None:
        """Release the client (the embedded database's connection once no other store uses it)."""
        close = getattr(self._client, "close", None)  # chromadb.Client has `close`; ClientAPI does not say so
        if close is not None:
            close()

    def absent(self, keys: list[int]) -> list[int]:
        """The passages (by hash) whose vector Chroma does not hold."""
        held: set[str] = set()
        for start in range(0, len(keys), self._step):
            ids = [vector_id(k) for k in keys[start : start + self._step]]
            held.update(self._collection.get(ids=ids, include=[])["ids"])
        return [key for key in keys if vector_id(key) not in held]

    def add(self, keys: list[int], vectors: NDArray[np.float32]) -> None:
        for start in range(0, len(keys), self._step):
            part = slice(start, start + self._step)
            self._collection.upsert(ids=[vector_id(k) for k in keys[part]], embeddings=vectors[part])

    def get(self, keys: list[int]) -> NDArray[np.float32]:
        """The unit vectors of passages (by hash), each of which Chroma must hold."""
        ids = [vector_id(k) for k in keys]
        by_id = {}
        for start in range(0, len(ids), self._step):
            got = self._collection.get(ids=ids[start : start + self._step], include=["embeddings"])
            by_id.update(zip(got["ids"], got["embeddings"], strict=True))  # type: ignore[arg-type]
        try:
            found = np.asarray([by_id[i] for i in ids], dtype=np.float32)
        except KeyError as exc:
            raise InputError(
                f"语料库的向量库缺少段落 {exc}，请删除该语料库后重新导入。", path=self._root
            ) from exc
        return found / np.maximum(np.linalg.norm(found, axis=1, keepdims=True), 1e-12)

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), self._step):
            self._collection.delete(ids=ids[start : start + self._step])

    def ids(self) -> Iterator[str]:
        """Every record's id."""
        offset = 0
        while ids := self._collection.get(include=[], limit=self._step, offset=offset)["ids"]:
            yield from ids
            offset += len(ids)

    def key_by_content(self, hashes: dict[str, int]) -> None:
        """Copy records of the older layout (one a passage, `<chunk id>/<number>`) to the record of their
        passage's hash (`hashes`; a record not in it is dropped), then delete them all: cut short, this is
        done again from the start."""
        old = [i for i in self.ids() if "/" in i]
        for start in range(0, len(old), self._step):
            got = self._collection.get(ids=old[start : start + self._step], include=["embeddings"])
            by_key = {
                hashes[i]: vector
                for i, vector in zip(got["ids"], got["embeddings"], strict=True)  # type: ignore[arg-type]
                if i in hashes
            }
            if by_key:
                self.add(list(by_key), np.asarray(list(by_key.values()), dtype=np.float32))
        self.delete(old)


class HeldVectors:
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
