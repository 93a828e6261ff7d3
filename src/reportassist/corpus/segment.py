"""One segment of the search index: the chunks of some reports, written once and memory-mapped when opened.

A segment's folder (named by the digest of the reports it holds) has one row per chunk, in the order of the
reports' ids:

    chunks.jsonl, chunk_offsets.npy   the chunks, one JSON line each, and where each line starts
    words.jsonl                       each chunk's search words (to carry the row into a merged segment)
    columns.npz                       per chunk: year, codes of agency / format / canonical section, and
                                      where its passages start; filters are numpy masks over these
    names.json                        the names behind the codes, and the reports with their first rows
    vectors.npy, vector_hash.npy      the unit vector of every distinct passage, and its content hash
    passage_vector.npy                each passage's row of vectors.npy (passages grouped by chunk)
    words.json, word_start.npy, posting_*.npy, row_length.npy   the BM25 postings (`keywords.py`)

Dense search is exact: the query's cosine with every distinct passage (one matrix-vector product over the
memory-mapped vectors), a chunk scoring as its best passage.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import tempfile
import uuid
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from reportassist.corpus.chunks import Chunk
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.keywords import Postings, write_postings

__all__ = ["IndexRow", "Segment", "digest", "passage_hash", "write_segment"]

# Part of every segment's name: a segment written in another layout is never read, but built again.
_LAYOUT = b"index layout 3\n"
_CODED = ("agency", "format", "canonical")


def digest(report_ids: Iterable[str]) -> str:
    """The name of the segment holding exactly these reports."""
    h = hashlib.sha256(_LAYOUT)
    for report_id in sorted(set(report_ids)):
        h.update(report_id.encode("ascii") + b"\n")
    return h.hexdigest()[:20]


def passage_hash(text: str) -> int:
    """A passage's content hash: the key under which its vector is reused instead of embedded again."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass
class IndexRow:
    """One chunk going into a segment: its words, its passages' hashes and their unit vectors."""

    chunk: Chunk
    words: list[str]
    hashes: list[int]
    vectors: NDArray[np.float32]  # (passages, dims)


class Segment:
    """A written segment, opened: the large arrays memory-mapped, chunks read from disk when shown."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        names = json.loads((folder / "names.json").read_text(encoding="utf-8"))
        self._codes = {column: {name: code for code, name in enumerate(names[column])} for column in _CODED}
        self.reports: dict[str, tuple[int, int]] = {
            report_id: (start, count) for report_id, start, count in names["reports"]
        }
        with np.load(folder / "columns.npz") as columns:
            self._columns = {name: columns[name] for name in columns.files}
        self.passage_start = self._columns["passage_start"]
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        self.vector_hash = np.load(folder / "vector_hash.npy", mmap_mode="r")
        self.passage_vector = np.load(folder / "passage_vector.npy", mmap_mode="r")
        self._offsets = np.load(folder / "chunk_offsets.npy")
        # mapped, not read: slices are safe from several threads, and survive a merge that removes the folder
        with open(folder / "chunks.jsonl", "rb") as lines:
            self._lines = (
                mmap.mmap(lines.fileno(), 0, access=mmap.ACCESS_READ) if len(self._offsets) > 1 else None
            )
        self.postings = Postings(folder)
        self._words: list[bytes] | None = None

    def close(self) -> None:
        if self._lines is not None:
            self._lines.close()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def chunk(self, row: int) -> Chunk:
        assert self._lines is not None, "an empty segment has no rows"
        return Chunk.model_validate_json(self._lines[int(self._offsets[row]) : int(self._offsets[row + 1])])

    def rows(self, report_id: str) -> Iterator[IndexRow]:
        """The rows of one report, as they were written (to carry them into another segment)."""
        if self._words is None:
            self._words = (self.folder / "words.jsonl").read_bytes().splitlines()
        start, count = self.reports[report_id]
        for row in range(start, start + count):
            first, end = int(self.passage_start[row]), int(self.passage_start[row + 1])
            at = self.passage_vector[first:end]
            yield IndexRow(
                chunk=self.chunk(row),
                words=json.loads(self._words[row]),
                hashes=[int(h) for h in self.vector_hash[at]],
                vectors=np.asarray(self.vectors[at]),
            )

    def mask(self, where: ChunkFilter) -> NDArray[np.bool_] | None:
        """The rows the filter admits (None: all of them)."""
        mask: NDArray[np.bool_] | None = None

        def narrow(condition: NDArray[np.bool_]) -> None:
            nonlocal mask
            mask = condition if mask is None else mask & condition

        for column, wanted in (
            ("agency", where.agency),
            ("format", where.format),
            ("canonical", where.canonical),
        ):
            if wanted is not None:
                code = self._codes[column].get(wanted, -1)
                narrow(self._columns[column] == code)
        year = self._columns["year"]
        if where.year_from is not None:
            narrow(year >= where.year_from)
        if where.year_to is not None:
            narrow((year <= where.year_to) & (year >= 0))
        return mask

    def dense_scores(self, vector: NDArray[np.float32]) -> NDArray[np.float32]:
        """Cosine of the query with every row's best passage (-inf for a row without passages)."""
        scores = np.full(len(self), -np.inf, dtype=np.float32)
        if not len(self.vectors):
            return scores
        similarity = (self.vectors @ vector)[self.passage_vector]
        has = np.diff(self.passage_start) > 0
        scores[has] = np.maximum.reduceat(similarity, self.passage_start[:-1][has])
        return scores


def write_segment(folder: Path, rows: Iterator[IndexRow], dims: int) -> None:
    """Write the segment of `rows` (reports' rows together, reports in order) into `folder`, atomically:
    it is built beside, then renamed into place."""
    building = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
    building.mkdir(parents=True)
    try:
        _write(building, rows, dims)
        os.replace(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _write(folder: Path, rows: Iterator[IndexRow], dims: int) -> None:
    codes: dict[str, dict[str | None, int]] = {column: {} for column in _CODED}
    columns: dict[str, list[int]] = {column: [] for column in (*_CODED, "year")}
    passage_start, offsets = array("q", [0]), array("q", [0])
    passage_vector = array("i")  # machine integers: a segment has up to some 1.5 million passages
    distinct: dict[int, int] = {}  # passage hash -> row of vectors.npy
    reports: list[list[object]] = []
    with (
        open(folder / "chunks.jsonl", "wb") as lines,
        open(folder / "words.jsonl", "wb") as word_lines,
        tempfile.TemporaryFile() as raw,
    ):

        def each_row_words() -> Iterator[list[str]]:
            for number, row in enumerate(rows):
                chunk = row.chunk
                if not reports or reports[-1][0] != chunk.report_id:
                    reports.append([chunk.report_id, number, 0])
                reports[-1][2] = number - int(reports[-1][1]) + 1  # type: ignore[call-overload]
                line = chunk.model_dump_json().encode("utf-8") + b"\n"
                lines.write(line)
                offsets.append(offsets[-1] + len(line))
                word_lines.write(json.dumps(row.words, ensure_ascii=False).encode("utf-8") + b"\n")
                for column, value in (
                    ("agency", chunk.agency),
                    ("format", chunk.format),
                    ("canonical", chunk.canonical),
                ):
                    columns[column].append(codes[column].setdefault(value, len(codes[column])))
                columns["year"].append(chunk.year if chunk.year is not None else -1)
                for key, vector in zip(row.hashes, row.vectors, strict=True):
                    if key not in distinct:
                        distinct[key] = len(distinct)
                        raw.write(np.asarray(vector, dtype=np.float32).tobytes())
                    passage_vector.append(distinct[key])
                passage_start.append(len(passage_vector))
                yield row.words

        write_postings(folder, each_row_words())
        raw.flush()
        raw.seek(0)
        vectors = np.lib.format.open_memmap(
            folder / "vectors.npy", mode="w+", dtype=np.float32, shape=(len(distinct), dims)
        )
        step = 65_536  # vectors copied at a time: a segment's vectors are never all in memory
        for start in range(0, len(distinct), step):
            part = np.frombuffer(raw.read(4 * dims * step), dtype=np.float32)
            vectors[start : start + len(part) // max(dims, 1)] = part.reshape(-1, dims)
        vectors.flush()
        del vectors
    np.save(folder / "vector_hash.npy", np.fromiter(distinct, dtype=np.uint64, count=len(distinct)))
    np.save(folder / "passage_vector.npy", np.frombuffer(passage_vector, dtype=np.int32))
    np.save(folder / "chunk_offsets.npy", np.frombuffer(offsets, dtype=np.int64))
    np.savez(
        folder / "columns.npz",
        passage_start=np.frombuffer(passage_start, dtype=np.int64),
        year=np.asarray(columns["year"], dtype=np.int32),
        **{column: np.asarray(columns[column], dtype=np.int32) for column in _CODED},
    )
    names = {column: list(codes[column]) for column in _CODED} | {"reports": reports}
    (folder / "names.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
