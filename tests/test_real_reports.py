"""The two real 平潭 reports: every true figure, the right meta, and no false alarms."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from reportassist import read_report, validate


def _manifest(real_dir: Path) -> list[dict]:
    return json.loads((real_dir / "manifest.json").read_text(encoding="utf-8"))


def test_every_true_figure_is_read(real_dir: Path) -> None:
    matched = total = 0
    for entry in _manifest(real_dir):
        report = read_report(real_dir / entry["file"])
        ambiguous = set(entry.get("ambiguous_alone", []))
        for key, true_value in entry["figures"].items():
            total += 1
            got = report.figures.get(key)
            if key in ambiguous:
                # Read alone the split is not unique: absent, with a note naming the row.
                assert got is None, key
                assert any(key in note.keys and note.kind == "ambiguous" for note in report.notes)
                matched += 1
            else:
                assert got is not None and Decimal(str(got)) == Decimal(str(true_value)), (
                    entry["file"],
                    key,
                    got,
                )
                matched += 1
        assert set(report.figures) == set(entry["figures"]), "no figure beyond the format's keys"
    assert (matched, total) == (400, 400)


@pytest.mark.parametrize("name", ["pingtan-2021.txt", "pingtan-2022.txt"])
def test_meta(real_dir: Path, name: str) -> None:
    entry = next(e for e in _manifest(real_dir) if e["file"] == name)
    meta = read_report(real_dir / name).meta
    assert (meta.agency, meta.year, meta.format) == (
        entry["meta"]["agency"],
        entry["meta"]["year"],
        entry["meta"]["format"],
    )
    assert meta.published is not None and meta.published.year == meta.year + 1


def test_ambiguous_row_is_named_in_the_note(real_dir: Path) -> None:
    report = read_report(real_dir / "pingtan-2021.txt")
    (note,) = [n for n in report.notes if n.kind == "ambiguous"]
    assert "行政规范性文件" in note.message and "693665" in note.message
    assert [69, 3, 665] in note.candidates


def test_prose_settles_the_split_of_table_two(real_dir: Path) -> None:
    # 8855698 has no sum to check; the prose names 698 in force and 88 issued, leaving 88/55/698.
    report = read_report(real_dir / "pingtan-2022.txt")
    assert [report.figures[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [88, 55, 698]


def test_consistent_reports_have_no_error(real_dir: Path) -> None:
    prior = read_report(real_dir / "pingtan-2021.txt")
    this = read_report(real_dir / "pingtan-2022.txt")
    result = validate(this, prior)
    assert result.ok, [f.message for f in result.errors]
    assert not any(f.rule.startswith("cross_year") for f in result.findings)
    # Last year's 表二 row could not be split, so the stock of 规范性文件 is not checked, and it says so.
    (absent,) = [f for f in result.findings if f.rule == "figure.absent"]
    assert "上年报告表二“行政规范性文件”行“现行有效件数”列" in absent.message
    assert validate(prior).ok


def test_prose_read_as_staff_write_it(real_dir: Path) -> None:
    report = read_report(real_dir / "pingtan-2022.txt")
    applications = next(f for f in report.prose_figures if "收到政府信息公开申请" in f.clause)
    assert applications.value == 75  # 新收 74 + 上年结转 1: not an error
    breakdown = next(b for b in report.breakdowns if report.prose_figures[b.total] is applications)
    assert [report.prose_figures[i].value for i in breakdown.parts] == [72, 3]


def test_changed_prose_figure_is_caught(real_dir: Path, tmp_path: Path) -> None:
    text = (real_dir / "pingtan-2022.txt").read_text(encoding="utf-8")
    changed = tmp_path / "pingtan-2022.txt"
    changed.write_text(text.replace("收到政府信息公开申请75件", "收到政府信息公开申请73件"), encoding="utf-8")
    rules = {f.rule for f in validate(read_report(changed)).errors}
    assert "text.table_mismatch" in rules
    assert "text.breakdown_sum" in rules  # 72 + 3 is no longer 73


def test_carried_in_against_prior(real_dir: Path, tmp_path: Path) -> None:
    text = (real_dir / "pingtan-2021.txt").read_text(encoding="utf-8")
    # Last year's 结转下年度 says 0 for 自然人 and 总计: this year's 上年结转 of 1 then disagrees.
    changed = tmp_path / "pingtan-2021.txt"
    changed.write_text(
        text.replace(
            "（七）总计630020469四、结转下年度继续办理1000001",
            "（七）总计640020470四、结转下年度继续办理0000000",
        ),
        encoding="utf-8",
    )
    prior = read_report(changed)
    assert prior.figures["t3.carried_out.total"] == 0
    result = validate(read_report(real_dir / "pingtan-2022.txt"), prior)
    assert {f.location.keys[0] for f in result.errors if f.rule == "cross_year.carried_in"} == {
        "t3.carried_in.natural",
        "t3.carried_in.total",
    }
