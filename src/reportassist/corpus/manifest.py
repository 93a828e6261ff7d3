"""The store's manifest: which file holds which report, and what was read of it.

It is kept as a snapshot (`manifest.json`, replaced atomically) and a journal (`manifest.log`): each batch of
an ingest appends one line with its entries, so that writing a batch costs the batch's size, not the store's
(at a province's hundred thousand reports the snapshot is tens of megabytes, and an ingest writes thousands of
batches). A line counts once it is whole, ending with a newline: one cut short by a kill is ignored, and cut
off before the next line is appended. The snapshot exists (empty at first) as soon as a batch is written, so
that its presence says the store holds reports. The journal is folded into the snapshot at the end of each ingest.
Reading takes the snapshot and then the journal's lines; a process that has read them reads only the lines
added since. The store's lock is held around every read and write.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from reportassist.errors import InputError
from reportassist.fileio import write_atomic

__all__ = ["Entry", "Manifest"]

SNAPSHOT = "manifest.json"
JOURNAL = "manifest.log"


class Entry(BaseModel):
    report_id: str
    path: str
    agency: str | None
    year: int | None
    format: str | None
    chunks: int
    ingested_at: datetime


class Manifest:
    def __init__(self, root: Path) -> None:
        self._snapshot = root / SNAPSHOT
        self._journal = root / JOURNAL
        self.entries: dict[str, Entry] = {}  # by the file's resolved path
        self._reports: Counter[str] = Counter()  # how many entries name each report
        self._read: tuple[tuple[int, int, int] | None, int] | None = None  # snapshot read, journal bytes read

    def holds(self, report_id: str) -> bool:
        return self._reports[report_id] > 0

    def report_ids(self) -> set[str]:
        return {report_id for report_id, count in self._reports.items() if count > 0}

    def refresh(self) -> None:
        """Read what another process (or an interrupted run) changed since this one last read or wrote."""
        snapshot = _identity(self._snapshot)
        if self._read is None or self._read[0] != snapshot:
            self.entries, self._reports, offset = self._load_snapshot(), Counter(), 0
            self._reports.update(e.report_id for e in self.entries.values())
        else:
            offset = self._read[1]
        self._read = (snapshot, self._replay(offset))

    def put(self, entries: list[Entry]) -> None:
        """Add or replace entries, as one line of the journal."""
        assert self._read is not None, "refresh before put"
        if self._read[0] is None:  # the snapshot's presence tells others that the store holds reports
            write_atomic(self._snapshot, b"{}")
            self._read = (_identity(self._snapshot), self._read[1])
        line = json.dumps([e.model_dump(mode="json") for e in entries], ensure_ascii=False).encode("utf-8")
        with open(self._journal, "ab") as journal:
            journal.truncate(self._read[1])  # a line an interrupted run left unfinished
            journal.write(line + b"\n")
            journal.flush()
            os.fsync(journal.fileno())
        self._apply(entries)
        self._read = (self._read[0], self._read[1] + len(line) + 1)

    def compact(self) -> None:
        """Fold the journal into the snapshot."""
        if not self._journal.exists():
            return
        data = {key: entry.model_dump(mode="json") for key, entry in sorted(self.entries.items())}
        write_atomic(self._snapshot, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        self._journal.unlink()
        self._read = (_identity(self._snapshot), 0)

    def _load_snapshot(self) -> dict[str, Entry]:
        if not self._snapshot.exists():
            return {}
        try:
            raw = json.loads(self._snapshot.read_text(encoding="utf-8"))
            return {key: Entry.model_validate(value) for key, value in raw.items()}
        except (OSError, ValueError) as exc:
            raise InputError(f"语料库清单无法读取（{exc}）。", path=self._snapshot) from exc

    def _replay(self, offset: int) -> int:
        """Apply the journal's whole lines from `offset`; where they end."""
        try:
            with open(self._journal, "rb") as journal:
                journal.seek(offset)
                added = journal.read()
        except FileNotFoundError:
            return 0
        whole = added[: added.rfind(b"\n") + 1]
        for number, line in enumerate(whole.splitlines(), start=1):
            try:
                self._apply([Entry.model_validate(e) for e in json.loads(line)])
            except ValueError as exc:
                raise InputError(
                    f"语料库清单日志第 {number} 行（自第 {offset} 字节起）无法读取（{exc}）。",
                    path=self._journal,
                ) from exc
        return offset + len(whole)

    def _apply(self, entries: list[Entry]) -> None:
        for entry in entries:
            old = self.entries.get(entry.path)
            if old is not None:
                self._reports[old.report_id] -= 1
            self.entries[entry.path] = entry
            self._reports[entry.report_id] += 1


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from another: inode, modification time, size."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
