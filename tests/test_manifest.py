"""The store's manifest as a snapshot and a journal: a batch appends one line, a line cut short is ignored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportassist.corpus.manifest import Entry, Manifest
from reportassist.errors import InputError


def _entry(path: str, report_id: str) -> Entry:
    return Entry(
        report_id=report_id,
        path=path,
        agency="示例市科学技术局",
        year=2024,
        format="gb2021",
        chunks=12,
        ingested_at=datetime(2025, 1, 20, tzinfo=UTC),
    )


def _read(root: Path) -> Manifest:
    manifest = Manifest(root)
    manifest.refresh()
    return manifest


def test_batches_are_lines_of_the_journal_and_fold_into_the_snapshot(tmp_path: Path) -> None:
    writer = _read(tmp_path)
    writer.put([_entry("/报告/2023.md", "a" * 20), _entry("/报告/2024.md", "b" * 20)])
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == {}  # there, and empty
    writer.put([_entry("/报告/2024.md", "c" * 20)])  # the 2024 file replaced
    assert len((tmp_path / "manifest.log").read_bytes().splitlines()) == 2
    reader = _read(tmp_path)
    assert {p: e.report_id for p, e in reader.entries.items()} == {
        "/报告/2023.md": "a" * 20,
        "/报告/2024.md": "c" * 20,
    }
    assert reader.holds("c" * 20) and not reader.holds("b" * 20)
    assert reader.report_ids() == {"a" * 20, "c" * 20}

    writer.compact()
    assert not (tmp_path / "manifest.log").exists()
    assert set(json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))) == set(reader.entries)
    reader.refresh()  # the snapshot replaced: read again whole
    assert _read(tmp_path).entries == reader.entries == writer.entries


def test_another_process_s_lines_are_read_as_they_come(tmp_path: Path) -> None:
    first, second = _read(tmp_path), _read(tmp_path)
    first.put([_entry("/报告/2023.md", "a" * 20)])
    second.refresh()
    second.put([_entry("/报告/2024.md", "b" * 20)])
    first.refresh()
    assert set(first.entries) == set(second.entries) == {"/报告/2023.md", "/报告/2024.md"}


def test_a_line_cut_short_is_ignored_and_cut_off(tmp_path: Path) -> None:
    writer = _read(tmp_path)
    writer.put([_entry("/报告/2023.md", "a" * 20)])
    whole = (tmp_path / "manifest.log").read_bytes()
    with open(tmp_path / "manifest.log", "ab") as journal:  # a kill in the middle of the next line
        journal.write(b'[{"report_id": "bbbbbbbbbb')
    after_kill = _read(tmp_path)
    assert set(after_kill.entries) == {"/报告/2023.md"}
    after_kill.put([_entry("/报告/2024.md", "c" * 20)])
    lines = (tmp_path / "manifest.log").read_bytes()
    assert lines.startswith(whole) and len(lines.splitlines()) == 2
    assert set(_read(tmp_path).entries) == {"/报告/2023.md", "/报告/2024.md"}


def test_a_damaged_manifest_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "manifest.log").write_bytes(b'[{"report_id": 1}]\n')
    with pytest.raises(InputError, match="第 1 行") as raised:
        _read(tmp_path)
    assert raised.value.path == tmp_path / "manifest.log"
    (tmp_path / "manifest.log").unlink()
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="清单无法读取"):
        _read(tmp_path)
