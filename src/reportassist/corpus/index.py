"""The store's search index: segments of chunks, searched together as one list of rows.

An ingest writes one new segment (`segment.py`) for the reports it added, and rewrites only the segments that
held a report it replaced; it never rewrites the whole index. Segments of one size class (within a factor
of ten) are merged ten at a time, up to `SEGMENT_ROWS` rows, as Lucene merges its segments, so that a store
grown by thousands of small ingests keeps a few dozen segments at most, and each row is rewritten about once
per size class. `current.json` names the segments that make up the index, and is replaced atomically once
they are all written:

    index/current.json     {"segments": [<name>, ...]}
    index/<name>/          a segment, named by the digest of its reports

Rows are numbered across the segments in the order of `current.json`. A query's filter is applied to each
segment's columns first, and a segment with no admitted row is not searched at all. BM25 is scored with the
statistics of all segments (`keywords.py`), so a row scores the same whichever segment holds it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reportassist.corpus.chunks import Chunk
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.keywords import bm25_scores
from reportassist.corpus.segment import Segment
from reportassist.fileio import write_atomic

__all__ = ["SEGMENT_ROWS", "SearchIndex", "merges", "read_current", "write_current"]

# A merge never makes a segment larger than this (rows): a merge rewrites its rows, and a larger segment
# would be rewritten, whole, by the replacement of any one of its reports.
SEGMENT_ROWS = 200_000
MERGE_FACTOR = 10


def read_current(folder: Path) -> list[str] | None:
    """The segments of the index in `folder`, or None when it has none (new, or of an older layout)."""
    try:
        return [
            str(name)
            for name in json.loads((folder / "current.json").read_text(encoding="utf-8"))["segments"]
        ]
    except FileNotFoundError:
        return None


def write_current(folder: Path, names: list[str]) -> None:
    write_atomic(folder / "current.json", json.dumps({"segments": names}).encode("utf-8"))


def merges(sizes: list[int]) -> list[list[int]]:
    """Which segments (by position in `sizes`, their rows) to merge: ten of one size class (sizes within
    a factor of ten of each other, by their logarithm in base ten), the smallest first, as long as the merged
    segment stays within `SEGMENT_ROWS`."""
    classes: dict[int, list[int]] = {}
    for position, rows in enumerate(sizes):
        classes.setdefault(int(math.log(max(rows, 1), MERGE_FACTOR)), []).append(position)
    groups = []
    for members in classes.values():
        members.sort(key=lambda position: sizes[position])
        for start in range(0, len(members) - MERGE_FACTOR + 1, MERGE_FACTOR):
            group = members[start : start + MERGE_FACTOR]
            if sum(sizes[position] for position in group) <= SEGMENT_ROWS:
                groups.append(group)
    return groups


class SearchIndex:
    """The segments named by `current.json`, opened; rows numbered across them."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        self.segments: list[Segment] = []
        try:
            for name in names:
                self.segments.append(Segment(folder / name))
        except BaseException:
            self.close()
            raise
        self._first = np.cumsum([0] + [len(s) for s in self.segments])
        self.reports: dict[str, Segment] = {
            report_id: segment for segment in self.segments for report_id in segment.reports
        }

    def close(self) -> None:
        for segment in self.segments:
            segment.close()

    def __len__(self) -> int:
        return int(self._first[-1])

    @property
    def dims(self) -> int:
        """The vectors' dimensions (0 when no segment has a vector)."""
        return max((int(s.vectors.shape[1]) for s in self.segments if len(s.vectors)), default=0)

    def chunk(self, row: int) -> Chunk:
        number = int(np.searchsorted(self._first, row, side="right")) - 1
        return self.segments[number].chunk(row - int(self._first[number]))

    def keyword_scores(self, tokens: list[str], where: ChunkFilter) -> NDArray[np.float64]:
        """BM25 score of every row the filter admits (0 for the others, and where no word of the query
        occurs)."""
        scores = np.zeros(len(self))
        masks = [segment.mask(where) for segment in self.segments]
        wanted = [mask is None or bool(mask.any()) for mask in masks]
        postings = [segment.postings for segment in self.segments]
        for number, part in enumerate(bm25_scores(postings, tokens, wanted)):
            if part is not None:
                mask = masks[number]
                self._part(scores, number)[:] = part if mask is None else np.where(mask, part, 0.0)
        return scores

    def dense_scores(self, vector: NDArray[np.float32], where: ChunkFilter) -> NDArray[np.float32]:
        """Cosine of the query with the best passage of every row the filter admits (-inf for the others,
        and for a row without passages)."""
        scores = np.full(len(self), -np.inf, dtype=np.float32)
        with _one_blas_thread():
            for number, segment in enumerate(self.segments):
                mask = segment.mask(where)
                if mask is not None and not mask.any():
                    continue
                part = segment.dense_scores(vector)
                self._part(scores, number)[:] = part if mask is None else np.where(mask, part, -np.inf)
        return scores

    def _part(self, scores: NDArray[Any], number: int) -> NDArray[Any]:
        return scores[int(self._first[number]) : int(self._first[number + 1])]

    def vector_hashes(self) -> Iterator[tuple[int, NDArray[np.uint64]]]:
        """Each segment's number and the content hashes of its vectors (row by row)."""
        for number, segment in enumerate(self.segments):
            yield number, np.asarray(segment.vector_hash)


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """One BLAS thread for the matrix-vector products: two were six times slower on a shared 2-core machine."""
    global _limit
    if _limit is None:
        from threadpoolctl import ThreadpoolController  # scans the loaded libraries once

        _limit = ThreadpoolController().limit
    with _limit(limits=1, user_api="blas"):
        yield


_limit: Any = None
