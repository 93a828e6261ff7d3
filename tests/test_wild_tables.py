"""Tables as real reports have them once the grid is lost: read what is certain, say what is not.

The layouts that read back whole (one cell per line, PDF text, Markdown from a PDF, the legacy 附表 as
plain text) are in `builders.LAYOUTS` and go through the mutation test. Here: what cannot be read
whole — run-together rows whose blank cells were dropped, 表四's two lawsuit groups merged, rows that
only last year's report settles — and the rule that a figure is never read wrong.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import blank_zeros, consistent_figures, render, run_together, write_report

from reportassist import read_report, validate
from reportassist.parsing.splitting import RowReading, blank_candidates, solve
from reportassist.schema import T3_2021

# ---------------------------------------------------------------- blank cells dropped from run-together text


def _t3_row(row_id: str, raw: str) -> RowReading:
    row = next(r for r in T3_2021.rows if r.id == row_id)
    return RowReading("t3", row, row.keys, (raw,), atomic=False, place=row_id)


def test_a_row_shorter_than_its_cells_is_its_figures_with_blanks_between() -> None:
    """ "22" for seven cells: one part of 2 and the 总计 2; which part, the row alone cannot say."""
    readings = blank_candidates(_t3_row("new", "22"))

    assert readings is not None and len(readings) == 6
    assert {r[-1][0] for r in readings} == {2}
    assert all(sum(1 for value, _ in r[:-1] if value is not None) == 1 for r in readings)


def test_the_total_every_reading_shares_is_read_and_the_rest_left_open() -> None:
    cells, notes = solve([_t3_row("new", "22")], T3_2021.constraints)

    assert {k: v[0] for k, v in cells.items()} == {"t3.new.total": 2}
    (note,) = notes
    assert note.kind == "ambiguous" and "t3.new.total" not in note.keys and "t3.new.natural" in note.keys
    assert "总计 2已读取" in note.message


def test_the_prose_settles_which_cell_a_dropped_row_fills() -> None:
    from reportassist.parsing.splitting import Hint

    stated = Hint(readings=(("t3.new.natural",),), value=2, text="自然人申请2件")
    cells, notes = solve([_t3_row("new", "22")], T3_2021.constraints, [stated])

    assert {k: v[0] for k, v in cells.items() if v[0] is not None} == {"t3.new.natural": 2, "t3.new.total": 2}
    assert notes == []


@pytest.mark.parametrize("fmt", ["gb2019", "gb2021"])
def test_run_together_text_with_blank_cells_is_never_read_wrong(fmt: str, tmp_path: Path) -> None:
    """Zeros of the 法人或其他组织 columns left blank, then copied from a web page: every row may have
    lost cells. What is read is right, the rest is absent with a note, and no error is raised."""
    totals = 0
    for seed in range(12):
        figures = blank_zeros(consistent_figures(fmt, seed))
        path = tmp_path / f"{seed}.txt"
        path.write_text(run_together(fmt, figures), encoding="utf-8")

        report = read_report(path)

        wrong = {
            k: (v, report.figures.get(k))
            for k, v in figures.items()
            if report.figures.get(k) not in (None, v)
        }
        assert wrong == {}, seed
        noted = {k for note in report.notes for k in note.keys}
        assert {k for k, v in figures.items() if v is not None and report.figures.get(k) is None} <= noted
        assert [f.rule for f in validate(report).findings if f.severity == "error"] == []
        totals += sum(1 for k, v in report.figures.items() if k.endswith(".total") and k.startswith("t3."))
    assert totals >= 12 * 20  # the 总计 column is read even where the parts are not


# ---------------------------------------------------------------- 表四 as found


def _report_with_table_four(tmp_path: Path, table_four: str) -> Path:
    text = render("gb2021-md", consistent_figures("gb2021", 1)).decode("utf-8")
    start = text.index("## 四、")
    end = text.index("## 五、")
    path = tmp_path / "report.md"
    path.write_text(
        text[:start] + "## 四、政府信息公开行政复议、行政诉讼情况\n\n" + table_four + text[end:], "utf-8"
    )
    return path


def test_table_four_with_the_two_lawsuit_groups_merged_is_not_guessed(tmp_path: Path) -> None:
    table = (
        "| 类别 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|---|\n"
        "| 行政复议 | 1 | 0 | 0 | 1 | 2 |\n| 行政诉讼 | 2 | 1 | 0 | 0 | 3 |\n\n"
    )

    report = read_report(_report_with_table_four(tmp_path, table))

    review = [report.figures[f"t4.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")]
    assert review == [1, 0, 0, 1, 2]
    assert all(report.figures.get(f"t4.{g}.total") is None for g in ("suit_direct", "suit_after"))
    (note,) = [n for n in report.notes if n.table == "t4"]
    assert "合在一起" in note.message
    assert [f.rule for f in validate(report).findings if f.severity == "error"] == []


def test_table_four_as_one_row_per_group_and_one_row_of_ten(tmp_path: Path) -> None:
    table = (
        "| | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
        "| 行政复议 | 1 | 0 | 0 | 1 | 2 | | | | | |\n"
        "| 行政诉讼 | 2 | 1 | 0 | 0 | 3 | 0 | 0 | 1 | 0 | 1 |\n\n"
    )

    report = read_report(_report_with_table_four(tmp_path, table))

    assert report.figures["t4.review.total"] == 2
    assert [report.figures[f"t4.suit_direct.{c}"] for c in ("upheld", "corrected", "total")] == [2, 1, 3]
    assert [report.figures[f"t4.suit_after.{c}"] for c in ("other", "total")] == [1, 1]


# ---------------------------------------------------------------- last year's report settles a row


def test_last_years_report_settles_a_row_the_text_alone_cannot(tmp_path: Path) -> None:
    """ "6233440" is 本年制发 62, 本年废止 33, 现行有效 440 only if last year's 现行有效 was 411."""
    last = consistent_figures("gb2021", 1) | {"t2.normative.in_force": 411}
    prior = read_report(write_report(tmp_path, "gb2021-md", last, name="2022", year=2022))
    figures = consistent_figures("gb2021", 2) | {
        "t2.normative.issued": 62,
        "t2.normative.repealed": 33,
        "t2.normative.in_force": 440,
    }
    text = render("gb2021-run-together", figures, year=2023).decode("utf-8")
    text = re.sub(
        r"本年度制发行政规范性文件\d+件，现行有效行政规范性文件\d+件。", "", text
    )  # no prose to help
    path = tmp_path / "2023.txt"
    path.write_text(text, encoding="utf-8")
    keys = [f"t2.normative.{c}" for c in ("issued", "repealed", "in_force")]

    alone = read_report(path)
    assert [alone.figures[k] for k in keys] == [None, None, None]
    (note,) = [n for n in alone.notes if "t2.normative.issued" in n.keys]
    assert [62, 33, 440] in note.candidates

    with_prior = read_report(path, prior=prior)
    assert [with_prior.figures[k] for k in keys] == [62, 33, 440]
    assert [n for n in with_prior.notes if "t2.normative.issued" in n.keys] == []


def test_validate_with_prior_reads_the_report_with_last_years_figures(tmp_path: Path) -> None:
    from conftest import run_cli

    last = consistent_figures("gb2021", 1) | {"t2.normative.in_force": 411}
    prior = write_report(tmp_path, "gb2021-md", last, name="2022", year=2022)
    figures = consistent_figures("gb2021", 2) | {
        "t2.normative.issued": 62,
        "t2.normative.repealed": 33,
        "t2.normative.in_force": 440,
    }
    text = render("gb2021-run-together", figures, year=2023).decode("utf-8")
    path = tmp_path / "2023.txt"
    path.write_text(
        re.sub(r"本年度制发行政规范性文件\d+件，现行有效行政规范性文件\d+件。", "", text), "utf-8"
    )

    def absent(*args: object) -> list[str]:
        result = run_cli("validate", path, *args, "--json")
        assert result.returncode in (0, 1), result.stderr
        findings = json.loads(result.stdout)["findings"]
        return [
            f["message"]
            for f in findings
            if f["rule"] == "figure.absent" and "行政规范性文件" in f["message"]
        ]

    assert absent() != []
    assert absent("--prior", prior) == []


# ---------------------------------------------------------------- never wrong: signs and decimal points


@pytest.mark.parametrize(
    ("raw", "allowed"),
    [
        ("30-212", {(30, -2, 12), (30, -21, 2), (3, 0, -212)}),  # 上一年项目数量, 本年增/减, 处理决定数量
        ("12+35", {(12, 3, 5), (1, 2, 35)}),
        ("51.512", {(5, 1.5, 12), (5, 1.51, 2), (51.5, 1, 2)}),
    ],
)
def test_a_split_never_moves_a_sign_or_a_decimal_point(raw: str, allowed: set[tuple[float, ...]]) -> None:
    from reportassist.parsing.splitting import row_candidates, tokenize
    from reportassist.schema import T2_2019

    row = next(r for r in T2_2019.rows if r.id == "licensing")
    readings = row_candidates(RowReading("t2", row, row.keys, tuple(tokenize(raw)), atomic=False, place=""))

    assert readings is not None
    assert {tuple(float(v) for v, _ in r) for r in readings} == {tuple(map(float, a)) for a in allowed}
    for reading in readings:
        assert "".join(text for _, text in reading) == raw  # nothing moved, nothing lost
        assert all(not text.endswith((".", "-", "+")) and not text.startswith(".") for _, text in reading)


# ---------------------------------------------------------------- the legacy 附表 in other words


def test_legacy_table_with_the_rows_worded_otherwise(tmp_path: Path) -> None:
    """The 2008 form's rows as other offices word them, a unit column, 历年累计, label and figures on
    one line, and 其中 sub-rows."""
    figures = consistent_figures("legacy", 4)
    words = {
        "主动公开文件数": "主动公开政府信息数",
        "其中：1. 政府网站公开数": "其中：1.网站公开信息数",
        "受理政府信息公开申请总数": "收到申请总数",
        "2. 网上申请数": "2.网络申请数",
        "对申请的答复总数": "答复总数",
        "3. 不予公开答复数": "3.不同意公开答复数",
    }
    text = render("legacy-text", figures).decode("utf-8")
    for usual, other in words.items():
        assert usual in text
        text = text.replace(usual, other)
    path = tmp_path / "2018.txt"
    path.write_text(text, encoding="utf-8")

    report = read_report(path)

    assert report.figures == figures
    assert [f.rule for f in validate(report).findings if f.severity == "error"] == []
