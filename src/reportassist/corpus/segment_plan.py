"""Which segments make up the index after a change of the store: kept, written again, new, merged.

Segments that hold only reports the store still has are kept; one that lost a report is written again
without it; the reports no kept segment holds go into new segments of at most `SEGMENT_ROWS` rows; and
segments are merged as `index.merges` says. A report's rows are carried from the segment that holds them,
or made by the store (`fresh_rows`: from `reports/`, with their vectors). Nothing here touches Chroma or
`current.json`: the store writes those (`CorpusStore._update_index`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from reportassist.corpus.index import SEGMENT_ROWS, SearchIndex, merges
from reportassist.corpus.segment import IndexRow, Segment, digest, write_segment

__all__ = ["SegmentPlan"]


class SegmentPlan:
    """The segments of one change: those of the index before it, and those it writes, by name."""

    def __init__(
        self,
        folder: Path,
        current: SearchIndex | None,
        fresh_rows: Callable[[str], Iterator[IndexRow]],
        dims: int,
    ) -> None:
        self._folder = folder
        self._fresh_rows = fresh_rows
        self._dims = dims
        self._opened: dict[str, Segment] = {s.folder.name: s for s in (current.segments if current else [])}

    def close(self) -> None:
        for segment in self._opened.values():
            segment.close()

    def segments(self, chunks: dict[str, int]) -> list[str]:
        """The names of the segments that hold exactly these reports (report id -> rows), written as needed."""
        listed: list[str] = []
        loose = set(chunks)  # reports no kept segment holds
        for name, segment in list(self._opened.items()):
            if set(segment.reports) <= chunks.keys():
                listed.append(name)
                loose -= set(segment.reports)
        for group in _groups(sorted(loose), chunks):
            listed.append(self._write(group))
        while groups := merges([len(self._opened[name]) for name in listed]):
            merged = {position for group in groups for position in group}
            names = [
                self._write(sorted(r for position in group for r in self._opened[listed[position]].reports))
                for group in groups
            ]
            listed = [name for position, name in enumerate(listed) if position not in merged] + names
        return listed

    def unheld(self, listed: list[str]) -> list[int]:
        """The content hashes of the vectors of segments left out of `listed` that no listed segment holds."""
        gone = [s for name, s in self._opened.items() if name not in listed]
        if not gone:
            return []
        before = np.unique(np.concatenate([np.asarray(s.vector_hash) for s in gone]))
        kept = [np.asarray(self._opened[name].vector_hash) for name in listed]
        return [int(k) for k in np.setdiff1d(before, np.concatenate(kept or [np.zeros(0, dtype=np.uint64)]))]

    def _write(self, report_ids: list[str]) -> str:
        """Write (unless it exists) the segment of these reports, and name it."""
        name = digest(report_ids)
        if name not in self._opened:
            path = self._folder / name
            if not path.exists():
                write_segment(path, self._rows(report_ids), self._dims)
            self._opened[name] = Segment(path)
        return name

    def _rows(self, report_ids: list[str]) -> Iterator[IndexRow]:
        holders = {r: segment for segment in self._opened.values() for r in segment.reports}
        for report_id in report_ids:
            if report_id in holders:
                yield from holders[report_id].rows(report_id)
            else:
                yield from self._fresh_rows(report_id)


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
