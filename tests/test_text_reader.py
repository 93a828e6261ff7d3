"""Plain text and Markdown: PDF-converted text, Markdown tables and headings, tables pasted from Excel."""

from __future__ import annotations

from pathlib import Path

from reportassist import read_document, read_report
from reportassist.readers import Paragraph, Table

PDF_CONVERTED = """# 示例县教育局

## 2018 年度政府信息公开工作年度报告

一、概述

2018 年，示例县教育局按照《示例县人民政府办公室关于印发示例县 2018 年政务公开工作要点的通知》（示政办发

---

〔2018〕12号)要求，做好政府信息公开工作。

**二、主动公开政府信息情况**

全年主动公开政府信息 120 条，其中政策文件 20 条、工作动态 100 条。

— 3 —

## （一）依申请公开情况。

1. 申请情况：2018 年度收到申请 2 件。
"""


def test_page_break_artifacts_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "converted.md"
    path.write_text(PDF_CONVERTED, encoding="utf-8")
    blocks = read_document(path).blocks
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert any("（示政办发〔2018〕12号)要求，做好" in t for t in texts)
    assert "— 3 —" not in texts and "---" not in texts
    heading = next(b for b in blocks if isinstance(b, Paragraph) and b.text == "二、主动公开政府信息情况")
    assert heading.heading


def test_sections_from_numbering_not_markup(tmp_path: Path) -> None:
    path = tmp_path / "converted.md"
    path.write_text(PDF_CONVERTED, encoding="utf-8")
    report = read_report(path)
    headings = [(s.heading, s.level, s.canonical) for s in report.walk_sections() if s.heading]
    assert ("一、概述", 1, "overview") in headings
    assert ("二、主动公开政府信息情况", 1, "active") in headings
    # "## （一）…" is a second-level heading whatever its Markdown level says, inside 二.
    active = report.find_section("active")
    assert active is not None and [c.heading for c in active.children] == ["（一）依申请公开情况"]
    assert active.children[0].level == 2
    assert report.meta.agency == "示例县教育局" and report.meta.year == 2018


def test_markdown_pipe_table(tmp_path: Path) -> None:
    path = tmp_path / "table.md"
    path.write_text(
        "| 指标名称 | 单位 | 2018年 | 历年累计 |\n|---|---|---|---|\n| 主动公开文件数 | 条 | 120 | 900 |\n",
        encoding="utf-8",
    )
    (table,) = read_document(path).tables
    assert table.rows == [["指标名称", "单位", "2018年", "历年累计"], ["主动公开文件数", "条", "120", "900"]]


def test_table_pasted_from_excel(tmp_path: Path) -> None:
    rows = [
        "申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
        "一、本年新收政府信息公开申请数量\t3\t1\t0\t0\t0\t0\t4",
        "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
        "（一）予以公开\t2\t1\t0\t0\t0\t0\t3",
        "（七）总计\t2\t1\t0\t0\t0\t0\t3",
        "四、结转下年度继续办理\t1\t0\t0\t0\t0\t0\t1",
    ]
    path = tmp_path / "pasted.txt"
    path.write_text(
        "示例市科学技术局2023年度政府信息公开工作年度报告\n\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    blocks = read_document(path).blocks
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1 and len(tables[0].rows) == 6
    report = read_report(path)
    assert report.figures["t3.new.total"] == 4
    assert report.figures["t3.carried_out.natural"] == 1
    assert report.figures["t3.handled.commercial"] == 1


def test_absent_is_not_zero(tmp_path: Path) -> None:
    rows = [
        "一、本年新收政府信息公开申请数量\t3\t/\t0\t—\t\t0\t3",
    ]
    path = tmp_path / "absent.txt"
    path.write_text(
        "示例市科学技术局2023年度政府信息公开工作年度报告\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    report = read_report(path)
    assert report.figures["t3.new.natural"] == 3
    assert report.figures["t3.new.research"] == 0
    for column, raw in (("commercial", "/"), ("social", "—"), ("legal", "")):
        assert report.figures[f"t3.new.{column}"] is None
        assert report.figure_sources[f"t3.new.{column}"].raw == raw


def test_table_four_with_a_row_label_and_an_unknown_row(tmp_path: Path) -> None:
    header = ["", "行政复议", "", "", "", "", "行政诉讼"] + [""] * 9
    subheader = (
        ["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉"]
        + [""] * 4
        + ["复议后起诉"]
        + [""] * 4
    )
    data = ["件数", "1", "0", "0", "1", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    table_three = [
        "一、本年新收政府信息公开申请数量\t3\t1\t0\t0\t0\t0\t4",
        "（八）退回重办\t1\t0\t0\t0\t0\t0\t1",
    ]
    lines = ["\t".join(header), "\t".join(subheader), "\t".join(data), "", *table_three]
    path = tmp_path / "pasted.txt"
    path.write_text(
        "示例市科学技术局2023年度政府信息公开工作年度报告\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    report = read_report(path)
    assert [report.figures[f"t4.review.{c}"] for c in ("upheld", "pending", "total")] == [1, 1, 2]
    assert report.figures["t3.new.total"] == 4
    (note,) = [n for n in report.notes if n.kind == "unrecognised"]
    assert "（八）退回重办" in note.message and "未被读取" in note.message
