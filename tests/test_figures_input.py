"""This year's figures in every shape staff have them: real YAML/JSON/CSV/XLSX files and pasted text.

The tables are rendered here from the formats.md labels in `builders` (not from the package's
schema), and the round trip takes the figures of the fictional reports in corpus/示例市科学技术局.
"""

from __future__ import annotations

import csv
import functools
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from builders import LEGACY_ROWS, T2_GROUPS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_KEYS
from conftest import ROOT

from reportassist.errors import InputError
from reportassist.given_figures import FigureInput, load_figures, read_figures_text
from reportassist.model import Report
from reportassist.parsing import read_report

CORPUS = ROOT / "corpus" / "示例市科学技术局"
Figures = dict[str, "int | Decimal | None"]
Grid = list[list[object]]


@functools.cache
def corpus_report(year: int) -> Report:
    return read_report(CORPUS / f"{year}.md")


def fmt_of(year: int) -> str:
    return "legacy" if year <= 2018 else "gb2019" if year <= 2020 else "gb2021"


# ---------------------------------------------------------------- rendering the official tables


def cell(figures: Figures, key: str) -> object:
    value = figures.get(key)
    return "" if value is None else value


def official_tables(year: int, figures: Figures) -> list[Grid]:
    """The year's tables as the templates lay them out: headers, row labels, 表三's labels in two columns."""
    fmt = fmt_of(year)
    if fmt == "legacy":
        head: list[object] = ["指标名称", "单位", f"{year}年", "历年累计"]
        return [
            [head]
            + [
                [label, unit, cell(figures, f"legacy.{k}"), cell(figures, f"legacy.{k}@cumulative")]
                for k, label, unit in LEGACY_ROWS
            ]
        ]
    tables: list[Grid] = []
    for title, cols, rows in T2_GROUPS[fmt]:
        grid: Grid = [[title], ["信息内容", *[label for _, label in cols]]]
        grid += [[label, *[cell(figures, f"t2.{r}.{c}") for c, _ in cols]] for r, label in rows]
        tables.append(grid)
    t3: Grid = [
        ["申请人情况", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", *[label for _, label in T3_COLUMNS[1:-1]], ""],
    ]
    for rid, label in T3_ROWS[fmt]:
        first, _, second = label.partition(" ")
        labels = ["", first] if first[0].isdigit() else [first, second]
        t3.append([*labels, *[cell(figures, f"t3.{rid}.{c}") for c, _ in T3_COLUMNS]])
    tables.append(t3)
    columns = [label for _, label in T4_COLUMNS]
    tables.append(
        [
            ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
            [*columns, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            ["", "", "", "", "", *columns, *columns],
            [cell(figures, k) for k in T4_KEYS],
        ]
    )
    return tables


def bare_grids(year: int, figures: Figures) -> list[Grid]:
    """Only the numbers, as staff copy them from Excel without the labels."""
    fmt = fmt_of(year)
    t2 = [
        [cell(figures, f"t2.{r}.{c}") for c, _ in cols] for _, cols, rows in T2_GROUPS[fmt] for r, _ in rows
    ]
    t3 = [[cell(figures, f"t3.{rid}.{c}") for c, _ in T3_COLUMNS] for rid, _ in T3_ROWS[fmt]]
    return [t2, t3, [[cell(figures, k) for k in T4_KEYS]]]


def tsv(grids: list[Grid]) -> str:
    return "\n\n".join("\n".join("\t".join(str(c) for c in row) for row in grid) for grid in grids)


def markdown(grids: list[Grid]) -> str:
    """Pipe tables, a rule under each first row, as Markdown editors and chat boxes show them."""
    tables = []
    for grid in grids:
        width = max(len(r) for r in grid)
        lines = ["| " + " | ".join(str(c) for c in row) + " |" for row in grid]
        tables.append("\n".join([lines[0], "|" + "---|" * width, *lines[1:]]))
    return "\n\n".join(tables)


def write_csv(path: Path, grids: list[Grid]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        for grid in grids:
            writer.writerows(grid)
            writer.writerow([])
    return path


def write_xlsx(path: Path, grids: list[Grid], *, sheets: bool) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for i, grid in enumerate(grids):
        if sheets and i:
            sheet = book.create_sheet()
        if sheets:
            sheet.title = f"表{i + 1}"
        for row in grid:
            sheet.append([float(c) if isinstance(c, Decimal) else (c if c != "" else None) for c in row])
        if not sheets:
            sheet.append([])
    book.save(path)
    return path


def write_mapping(path: Path, year: int, figures: Figures, prose: dict[str, int] | None = None) -> Path:
    data = {"year": year, "agency": "示例市科学技术局", "figures": figures, "prose": prose or {}}
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, default=float, indent=2), encoding="utf-8")
    else:
        plain = {**data, "figures": {k: str(v) if isinstance(v, Decimal) else v for k, v in figures.items()}}
        path.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the round trip


SHAPES = ("yaml", "json", "csv", "xlsx", "xlsx-sheets", "tsv", "tsv-bare", "markdown")


def read_back(shape: str, year: int, figures: Figures, tmp_path: Path) -> FigureInput:
    if shape in ("yaml", "json"):
        return load_figures(write_mapping(tmp_path / f"figures.{shape}", year, figures), year)
    if shape == "csv":
        return load_figures(write_csv(tmp_path / "figures.csv", official_tables(year, figures)), year)
    if shape.startswith("xlsx"):
        path = write_xlsx(
            tmp_path / "figures.xlsx", official_tables(year, figures), sheets=shape == "xlsx-sheets"
        )
        return load_figures(path, year)
    if shape == "markdown":
        return read_figures_text(markdown(official_tables(year, figures)), year)
    grids = bare_grids(year, figures) if shape == "tsv-bare" else official_tables(year, figures)
    return read_figures_text(tsv(grids), year)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("year", range(2019, 2025))
def test_corpus_figures_survive_every_shape(shape: str, year: int, tmp_path: Path) -> None:
    figures = corpus_report(year).figures
    assert len(figures) >= 190
    result = read_back(shape, year, figures, tmp_path)
    assert result.figures == figures
    assert result.unplaced == []
    assert len(result.understood) == len(figures)
    amount = "t2.fees.amount" if year >= 2021 else "t2.procurement.amount"
    assert isinstance(result.figures[amount], Decimal)


@pytest.mark.parametrize("shape", ("yaml", "csv", "xlsx"))
def test_legacy_figures_with_cumulative_column(shape: str, tmp_path: Path) -> None:
    figures = corpus_report(2018).figures
    assert "legacy.active.total@cumulative" in figures
    assert read_back(shape, 2018, figures, tmp_path).figures == figures


def test_year_is_found_from_the_shape_when_nobody_says_it() -> None:
    figures = corpus_report(2019).figures
    labelled = read_figures_text(tsv(official_tables(2019, figures)))
    assert labelled.figures == figures and labelled.year is None
    bare = read_figures_text(tsv(bare_grids(2023, corpus_report(2023).figures)))
    assert bare.figures == corpus_report(2023).figures


# ---------------------------------------------------------------- YAML and JSON

GOOD_YAML = """\
year: 2024
agency: 示例市科学技术局
figures:
  t3.new.natural: 3
  t3.new.total: "1,234"
  t3.new.research: ５
  t3.new.legal: "/"
  t3.new.social: —
  t3.new.other:
  t2.fees.amount: 12.50
  t4.review.total: 0
prose:
  主动公开政府信息: 185
  政策解读:
"""


def test_yaml_in_the_design_shape(tmp_path: Path) -> None:
    path = tmp_path / "2024.yaml"
    path.write_text(GOOD_YAML, encoding="utf-8")
    result = load_figures(path, 2024)
    assert result.year == 2024 and result.agency == "示例市科学技术局"
    assert result.figures == {
        "t3.new.natural": 3,
        "t3.new.total": 1234,
        "t3.new.research": 5,
        "t3.new.legal": None,
        "t3.new.social": None,
        "t3.new.other": None,
        "t2.fees.amount": Decimal("12.50"),
        "t4.review.total": 0,
    }
    assert isinstance(result.figures["t2.fees.amount"], Decimal)
    assert result.prose == {"主动公开政府信息": 185}
    places = {u.key: u.place for u in result.understood}
    assert places["t3.new.total"] == "第5行“t3.new.total”"
    assert result.unplaced == []
    summary = result.summary()
    assert "读取到 9 个数字：表二 1 个，表三 6 个，表四 1 个，正文数字 1 个" in summary
    assert "3 个为空" in summary


def test_unknown_keys_are_unplaced_with_the_nearest_real_key(tmp_path: Path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(
        "year: 2024\nfigures:\n  t3.new.totl: 5\n  t2.normative.made: 3\n  t3.granted.total: 4\nt3.new.natural: 2\n",
        encoding="utf-8",
    )
    result = load_figures(path)
    assert result.figures == {"t3.granted.total": 4}
    typo, old, flat = result.unplaced
    assert typo.candidates == ["t3.new.total"] and "最接近的是“t3.new.total”" in typo.reason
    assert typo.place == "第3行“t3.new.totl”"
    assert "2019 年版格式" in old.reason and "t2.normative.issued" in old.reason
    assert "应写在“figures:”下面" in flat.reason
    assert "t3.new.totl" in result.summary() and "第3行" in result.summary()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "year: 2024\nfigures:\n  t3.new.total: 五件多\n",
            ("figures.yaml", "第3行", "t3.new.total", "“五件多”不是数字"),
        ),
        ("year: 2024\nfigures:\n  t3.new.total: 2.5\n", ("第3行", "不是整数")),
        ("year: 2024\nfigures:\n  t3.new.total: -1\n", ("第3行", "负数")),
        ("year: 2024\nfigures:\n  t3.new.total: [1, 2]\n", ("第3行", "不是数字")),
        (
            "year: 2024\nfigures:\n  t3.new.total: 5\n  t3.granted.total: 2\n  t3.new.total: 6\n",
            ("前后不一致", "第3行“t3.new.total”为 5", "第5行“t3.new.total”为 6"),
        ),
        ("year: 2024\nfigures: [1, 2]\n", ("第2行", "“figures”下面应是")),
        ("year: 2024\nfigures:\n  t3.new.total: 5\n   bad indent: 1\n", ("YAML 格式有误", "第4行")),
        ("year: 二〇二四\n", ("year", "不是年份")),
    ],
)
def test_bad_yaml_names_the_file_and_the_place(text: str, words: tuple[str, ...], tmp_path: Path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_figures(path)
    message = str(caught.value)
    assert message.startswith(f"文件 {path}")
    for word in words:
        assert word in message


def test_signed_change_only_in_gb2019(tmp_path: Path) -> None:
    path = tmp_path / "2020.yaml"
    path.write_text(
        "year: 2020\nfigures:\n  t2.penalty.change: -2\n  t2.fees.change: '+1'\n", encoding="utf-8"
    )
    assert load_figures(path).figures == {"t2.penalty.change": -2, "t2.fees.change": 1}
    path.write_text("year: 2020\nfigures:\n  t2.penalty.decisions: -2\n", encoding="utf-8")
    with pytest.raises(InputError, match="负数"):
        load_figures(path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text("year: 2024\nfigures:\n  t3.new.total: x\n  t3.granted.total: y\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_figures(path)
    assert "发现 2 处问题" in str(caught.value)
    assert "第3行" in str(caught.value) and "第4行" in str(caught.value)


def test_json_figures_and_a_repeated_key(tmp_path: Path) -> None:
    path = tmp_path / "figures.json"
    path.write_text(
        '{"year": 2024, "figures": {"t3.new.total": 5, "t2.fees.amount": 0.35, "t3.new.natural": null}}',
        encoding="utf-8",
    )
    assert load_figures(path).figures == {
        "t3.new.total": 5,
        "t2.fees.amount": Decimal("0.35"),
        "t3.new.natural": None,
    }
    path.write_text('{"year": 2024, "figures": {"t3.new.total": 5, "t3.new.total": 7}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_figures(path)
    assert "“figures”中“t3.new.total”为 5" in str(caught.value)
    assert "“figures”中第2次出现的“t3.new.total”为 7" in str(caught.value)
    path.write_text('{"year": 2024, "figures": {"t3.new.total": true}}', encoding="utf-8")
    with pytest.raises(InputError, match="“true”不是数字"):
        load_figures(path)


def test_the_year_of_the_file_must_be_the_year_asked_for(tmp_path: Path) -> None:
    path = write_mapping(tmp_path / "figures.yaml", 2023, {"t3.new.total": 5})
    with pytest.raises(InputError, match="2023 年的数字"):
        load_figures(path, 2024)


def test_formats_that_read_an_input_differently_are_not_chosen_between() -> None:
    with pytest.raises(InputError, match="没有注明年度.*请注明年度"):
        read_figures_text("规章\t1\t2\t3")
    assert read_figures_text("规章\t1\t2\t3", 2020).figures == {
        "t2.regulations.made": 1,
        "t2.regulations.published": 2,
        "t2.regulations.total_public": 3,
    }


def test_pasted_yaml_is_read_as_a_figures_file() -> None:
    result = read_figures_text("figures:\n  t3.new.total: 5\n", 2024)
    assert result.figures == {"t3.new.total": 5}


# ---------------------------------------------------------------- spreadsheets


def test_csv_columns_follow_the_header_not_their_order(tmp_path: Path) -> None:
    path = tmp_path / "t3.csv"
    path.write_text(
        "表三 收到和处理政府信息公开申请情况\n"
        "申请人情况,总计,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他\n"
        '一、本年新收政府信息公开申请数量,"1,234",1230,4,0,0,0,0\n'
        "（一）予以公开,7,5,2,,/,0,0\n",
        encoding="gbk",
    )
    result = load_figures(path, 2024)
    assert result.figures["t3.new.total"] == 1234 and result.figures["t3.new.natural"] == 1230
    assert result.figures["t3.granted.research"] is None and result.figures["t3.granted.social"] is None
    place = next(u.place for u in result.understood if u.key == "t3.granted.natural")
    assert place == "第4行“（一）予以公开”、“自然人”列"


def test_rows_without_a_header_are_taken_in_template_order(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("1.重复申请,1,0,0,0,0,0,1\n（七）总计,2,0,0,0,0,0\n规章,0,0,3\n", encoding="utf-8")
    result = load_figures(path, 2024)
    assert result.figures["t3.rejected.repeat.total"] == 1
    assert result.figures["t2.regulations.in_force"] == 3
    (short,) = result.unplaced
    assert short.place == "第2行" and "应有 7 个数字，读到 6 个" in short.reason


def test_a_row_label_that_fits_no_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("申请人情况,自然人,总计\n本年受理,3,3\n", encoding="utf-8")
    (unplaced,) = load_figures(path, 2024).unplaced
    assert unplaced.place == "第2行" and "行标题“本年受理”对应不到" in unplaced.reason


def test_xlsx_places_name_the_sheet_and_cell(tmp_path: Path) -> None:
    figures = corpus_report(2024).figures
    path = write_xlsx(tmp_path / "figures.xlsx", official_tables(2024, figures), sheets=True)
    result = load_figures(path, 2024)
    place = next(u.place for u in result.understood if u.key == "t3.new.natural")
    assert place == "工作表“表5”第3行“一、本年新收政府信息公开申请数量”、“自然人”列（C3）"
    place = next(u.place for u in result.understood if u.key == "t4.suit_after.total")
    assert place == "工作表“表6”第4行“行政诉讼（复议后起诉）·总计”列（O4）"


def test_xlsx_contradicting_sheets_and_unsaved_formulas(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "甲"
    first.append(["（一）予以公开", 1, 0, 0, 0, 0, 0, 1])
    second = book.create_sheet("乙")
    second.append(["（一）予以公开", 2, 0, 0, 0, 0, 0, 2])
    path = tmp_path / "two.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        load_figures(path, 2024)
    message = str(caught.value)
    assert "工作表“甲”第1行“（一）予以公开”、“自然人”列（B1）为 1" in message
    assert "工作表“乙”第1行“（一）予以公开”、“自然人”列（B1）为 2" in message

    second.delete_rows(1)
    second.append(["（一）予以公开", 1, 0, 0, 0, 0, 0, "=SUM(B1:G1)"])
    book.save(path)
    with pytest.raises(InputError, match="没有保存计算结果"):
        load_figures(path, 2024)


def test_files_that_are_no_figures(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件不存在"):
        load_figures(tmp_path / "missing.yaml")
    old = tmp_path / "figures.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    with pytest.raises(InputError, match="另存为 .xlsx"):
        load_figures(old)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="无法作为 Excel"):
        load_figures(broken)


# ---------------------------------------------------------------- pasted from Excel


def test_pasted_numbers_with_separators_full_width_digits_and_blanks() -> None:
    row = ["一、本年新收政府信息公开申请数量", "１，２００", "3", "", "0", "0", "0", "1,203"]
    result = read_figures_text("\t".join(row), 2024)
    assert result.figures["t3.new.natural"] == 1200
    assert result.figures["t3.new.research"] is None
    assert result.figures["t3.new.total"] == 1203


def test_bare_grids_are_placed_by_shape_only() -> None:
    figures = corpus_report(2022).figures
    t3 = bare_grids(2022, figures)[1]
    with_results_line = [*t3[:2], [""] * 7, *t3[2:]]  # 三、本年度办理结果 copied as an empty row
    assert read_figures_text(tsv([with_results_line]), 2022).figures == {
        k: v for k, v in figures.items() if k.startswith("t3.")
    }
    t4 = read_figures_text("\t".join(str(figures[k]) for k in T4_KEYS), 2022)
    assert list(t4.figures) == T4_KEYS


def test_a_bare_grid_of_the_wrong_shape_is_unplaced() -> None:
    result = read_figures_text("1\t2\t3\n4\t5\t6\n7\t8\t9", 2024)
    assert result.figures == {}
    (unplaced,) = result.unplaced
    assert unplaced.place == "第1至3行"
    assert "对应不到任何一张表的形状" in unplaced.reason and "表三为 25 行 × 7 列" in unplaced.reason
    assert "第1至3行" in result.summary()


def test_a_wholly_blank_table_is_not_given() -> None:
    result = read_figures_text("规章\t\t\t\n行政规范性文件\t\t\t\n（一）予以公开\t1\t0\t0\t0\t0\t0\t1", 2024)
    assert set(result.figures) == {f"t3.granted.{c}" for c, _ in T3_COLUMNS}


# ---------------------------------------------------------------- sentences


def test_sentences_from_the_brief() -> None:
    result = read_figures_text(
        "本年新收申请5件，其中自然人3件、商业企业2件；予以公开4件，结转下年度1件；主动公开政府信息185条", 2024
    )
    assert result.figures == {
        "t3.new.total": 5,
        "t3.new.natural": 3,
        "t3.new.commercial": 2,
        "t3.granted.total": 4,
        "t3.carried_out.total": 1,
    }
    assert result.prose == {"主动公开政府信息": 185}
    assert result.unplaced == []
    assert all(u.place.startswith("“本年新收申请5件") for u in result.understood)


def test_a_sentence_with_several_readings_is_unplaced() -> None:
    result = read_figures_text(
        "本年度收到政府信息公开申请75件。被申请行政复议2件，行政诉讼1件。本年制发规范性文件3件。", 2024
    )
    assert result.figures == {"t4.review.total": 2, "t2.normative.issued": 3}
    received, suits = result.unplaced
    assert received.text == "本年度收到政府信息公开申请75件"
    assert received.candidates == ["t3.new.total", "t3.new.total + t3.carried_in.total"]
    assert "2 种理解" in received.reason and "上年结转" in received.reason
    assert len(suits.candidates) == 3 and "复议后起诉" in suits.reason


def test_a_breakdown_of_review_cases_gives_their_outcomes() -> None:
    result = read_figures_text("本年度行政复议案件共2件，其中维持1件、纠正1件。", 2024)
    assert result.figures == {"t4.review.total": 2, "t4.review.upheld": 1, "t4.review.corrected": 1}


def test_approximate_figures_are_not_table_figures() -> None:
    result = read_figures_text("本年新收政府信息公开申请约30件，发布政府信息400余条。", 2024)
    assert result.figures == {} and result.prose == {"发布政府信息": 400}
    assert "约数" in result.unplaced[0].reason


def test_sentences_and_a_table_that_disagree() -> None:
    text = "（一）予以公开\t1\t0\t0\t0\t0\t0\t1\n\n全年予以公开申请2件。"
    with pytest.raises(InputError) as caught:
        read_figures_text(text, 2024)
    message = str(caught.value)
    assert "第1行“（一）予以公开”、“总计”列为 1" in message and "“全年予以公开申请2件”为 2" in message
