"""Exports (.docx in the 公文 look, .md, .txt): what they write reads back the same, and looks as it should.

The reports are the fictional 示例市科学技术局 corpus and, where present, a real 平潭 report copied
from a web page; drafts are made from the corpus with placeholders put in.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pdfplumber
import pytest
from conftest import REAL, ROOT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Pt

from reportassist import InputError, Report, read_report, validate
from reportassist.exporters import FORMATS, TEMPLATE, export, to_markdown, to_text
from reportassist.exporters.templates.make_template import build_template
from reportassist.model import FigureSource

CORPUS = ROOT / "corpus" / "示例市科学技术局"
YEARS = range(2018, 2025)
SUFFIXES = (".md", ".txt", ".docx")
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
PLACEHOLDER = re.compile(r"【[^】]*(?:待填|待核实)[^】]*】")


def _findings(report: Report) -> list[tuple[str, str]]:
    return sorted((f.rule, f.severity) for f in validate(report).findings)


def _assert_round_trip(report: Report, path: Path) -> Report:
    export(report, path)
    back = read_report(path)
    assert back.figures == report.figures
    assert _findings(back) == _findings(report)
    return back


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("year", YEARS)
def test_corpus_report_round_trip(tmp_path: Path, year: int, suffix: str) -> None:
    report = read_report(CORPUS / f"{year}.md")
    back = _assert_round_trip(report, tmp_path / f"{year}{suffix}")
    assert (back.meta.agency, back.meta.year, back.meta.format) == (
        report.meta.agency,
        report.meta.year,
        report.meta.format,
    )


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_real_report_round_trip(real_dir: Path, tmp_path: Path, suffix: str) -> None:
    report = read_report(real_dir / "pingtan-2022.txt")
    _assert_round_trip(report, tmp_path / f"pingtan-2022{suffix}")


def test_tables_run_together_in_the_prose_are_rendered_as_tables(real_dir: Path) -> None:
    # Copied from a web page, the tables' cells ran together in the text ("行政规范性文件8855698");
    # the export writes them once, as tables, from the figures.
    text = to_text(read_report(real_dir / "pingtan-2022.txt"))
    assert "8855698" not in text and "723000075" not in text
    assert "行政规范性文件\t88\t55\t698" in text
    assert "（七）总计\t72\t3\t0\t0\t0\t0\t75" in text
    assert text.count(BALANCE_NOTE) == 1


def _draft() -> Report:
    """A draft as the drafter leaves it: placeholders in the prose and where the date will be."""
    report = read_report(CORPUS / "2024.md")
    active = next(s for s in report.walk_sections() if s.heading == "（一）主动公开")
    active.text = active.text.replace(
        "全年主动公开政府信息342条", "全年主动公开政府信息【待填：主动公开政府信息（上年：342）】条"
    )
    last = list(report.walk_sections())[-1]
    last.text = last.text.replace("2025年1月20日", "【待核实：日期（上年：2025年1月20日）】")
    return report


def _draft_with_blank_cells() -> Report:
    report = _draft()
    for key in ("t2.normative.issued", "t3.new.natural", "t4.review.total"):
        report.figures[key] = None
        report.figure_sources[key] = FigureSource(raw="【待填】", place="草稿")
    return report


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_draft_with_placeholders_in_the_prose_round_trip(tmp_path: Path, suffix: str) -> None:
    draft = _draft()
    assert ("placeholder.unfilled", "error") in _findings(draft)
    back = _assert_round_trip(draft, tmp_path / f"draft{suffix}")
    assert "【待填：主动公开政府信息（上年：342）】" in back.body()[0]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_draft_with_placeholders_in_table_cells_round_trip(tmp_path: Path, suffix: str) -> None:
    _assert_round_trip(_draft_with_blank_cells(), tmp_path / f"draft{suffix}")


# ---------------------------------------------------------------- Markdown and text


@pytest.mark.parametrize("year", [2019, 2021, 2022, 2023, 2024])
def test_markdown_tables_are_laid_out_as_in_the_corpus(year: int) -> None:
    source = (CORPUS / f"{year}.md").read_text(encoding="utf-8")
    exported = to_markdown(read_report(CORPUS / f"{year}.md"))

    def table_lines(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("|") and not line.startswith("|---")]

    if year >= 2021:
        assert table_lines(exported) == table_lines(source)
    else:  # gb2019's 表二 is one table here, four columns wide, where the corpus has one per 第二十条 item
        assert [line.rstrip(" |") for line in table_lines(exported)] == [
            line.rstrip(" |") for line in table_lines(source)
        ]
    assert exported.count(BALANCE_NOTE) == 1
    assert exported.startswith(f"# 示例市科学技术局{year}年度政府信息公开工作年度报告\n")
    assert exported.count("示例市科学技术局\n\n" + f"{year + 1}年") == 1  # the closing block, once


def test_legacy_appendix_has_the_cumulative_column_only_when_given() -> None:
    report = read_report(CORPUS / "2018.md")
    assert "| 指标名称 | 本年 | 历年累计 |" in to_markdown(report)
    assert "| 主动公开文件数 | 236 | 2158 |" in to_markdown(report)
    for key in [k for k in report.figures if k.endswith("@cumulative")]:
        del report.figures[key]
    assert "| 指标名称 | 本年 |\n" in to_markdown(report)
    # The closing block stays last, after the 附表.
    assert to_markdown(report).rstrip().endswith("示例市科学技术局\n\n2019年1月18日")


def test_text_export_writes_tables_tab_separated() -> None:
    text = to_text(read_report(CORPUS / "2022.md"))
    assert "|" not in text and "#" not in text
    assert "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n" in text
    assert "一、本年新收政府信息公开申请数量\t14\t3\t1\t0\t0\t0\t18" in text
    assert "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持" in text


def test_placeholders_are_kept_verbatim_in_markdown_and_text() -> None:
    draft = _draft_with_blank_cells()
    for text in (to_markdown(draft), to_text(draft)):
        assert "【待填：主动公开政府信息（上年：342）】" in text
        assert "【待核实：日期（上年：2025年1月20日）】" in text
        assert text.count("【待填】") == 3


# ---------------------------------------------------------------- Word


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    path = tmp_path_factory.mktemp("word") / "2022.docx"
    export(read_report(CORPUS / "2022.md"), path)
    return docx.Document(str(path))


def _east_asian(element: object) -> str | None:
    rpr = element.rPr  # type: ignore[attr-defined]
    return None if rpr is None or rpr.rFonts is None else rpr.rFonts.get(qn("w:eastAsia"))


def test_docx_page_is_a4_with_the_gongwen_margins(word: docx.document.Document) -> None:
    section = word.sections[0]
    for length, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert length is not None and abs(length.mm - mm) <= 0.1


def test_docx_fonts_are_set_for_east_asian_text(word: docx.document.Document) -> None:
    by_style: dict[str, list[docx.text.paragraph.Paragraph]] = {}
    for paragraph in word.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph)
    assert by_style["Title"][0].text == "示例市科学技术局2022年度政府信息公开工作年度报告"
    assert word.paragraphs[0].style.name == "Title"
    assert by_style["Heading 1"][0].text == "一、总体情况"
    assert by_style["Heading 2"][0].text == "（一）主动公开"
    expected = {
        "Title": ("方正小标宋简体", 22),
        "Normal": ("仿宋_GB2312", 16),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
    }
    for style_name, (font, size) in expected.items():
        style = word.styles[style_name]
        assert _east_asian(style.element) == font and style.font.size == Pt(size)
        for paragraph in by_style[style_name]:
            for run in paragraph.runs:
                assert _east_asian(run._r) == font, (style_name, run.text)
    body = word.styles["Normal"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY and 28 <= body.line_spacing.pt <= 29
    assert body.first_line_indent == Pt(32)  # two characters of 三号
    # No style takes a font from the theme, which Word and WPS would replace with a face of their own.
    assert not word.styles.element.xpath(".//w:rFonts[@w:eastAsiaTheme or @w:asciiTheme]")


def _tc_text(tc: object) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))  # type: ignore[attr-defined]


def _cells(tbl: CT_Tbl) -> list[list[tuple[str, int, str | None]]]:
    """Each row's cells as Word holds them: text, columns spanned, vertical merge."""
    return [[(_tc_text(tc), tc.grid_span, tc.vMerge) for tc in tr.tc_lst] for tr in tbl.tr_lst]


def _table(word: docx.document.Document, containing: str) -> docx.table.Table:
    return next(t for t in word.tables if containing in _tc_text(t._tbl))


def test_docx_table_three_has_the_official_merged_header_and_note_row(word: docx.document.Document) -> None:
    rows = _cells(_table(word, "申请人情况")._tbl)
    assert rows[0] == [(BALANCE_NOTE, 10, None)]
    assert rows[1] == [
        ("申请人情况", 3, "restart"),
        ("自然人", 1, "restart"),
        ("法人或其他组织", 5, None),
        ("总计", 1, "restart"),
    ]
    assert rows[2] == [
        ("", 3, "continue"),
        ("", 1, "continue"),
        ("商业企业", 1, None),
        ("科研机构", 1, None),
        ("社会公益组织", 1, None),
        ("法律服务机构", 1, None),
        ("其他", 1, None),
        ("", 1, "continue"),
    ]
    assert rows[3][0] == ("一、本年新收政府信息公开申请数量", 3, None)
    assert [c[0] for c in rows[3][1:]] == ["14", "3", "1", "0", "0", "0", "18"]
    # "三、本年度办理结果" spans the rows of its items, down to （七）总计; "（三）不予公开" its eight items.
    granted = next(i for i, row in enumerate(rows) if row[0][0] == "三、本年度办理结果")
    assert rows[granted][:2] == [("三、本年度办理结果", 1, "restart"), ("（一）予以公开", 2, None)]
    handled = next(i for i, row in enumerate(rows) if any(c[0] == "（七）总计" for c in row))
    assert all(row[0] == ("", 1, "continue") for row in rows[granted + 1 : handled + 1])
    denied = next(i for i, row in enumerate(rows) if any(c[0] == "（三）不予公开" for c in row))
    assert rows[denied][1:3] == [("（三）不予公开", 1, "restart"), ("1.属于国家秘密", 1, None)]
    assert [row[1] for row in rows[denied + 1 : denied + 8]] == [("", 1, "continue")] * 7
    assert rows[-1][0] == ("四、结转下年度继续办理", 3, None)


def test_docx_table_four_has_the_two_level_header(word: docx.document.Document) -> None:
    rows = _cells(_table(word, "未经复议直接起诉")._tbl)
    assert rows[0] == [("行政复议", 5, None), ("行政诉讼", 10, None)]
    assert rows[1][:5] == [
        (label, 1, "restart") for label in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    ]
    assert rows[1][5:] == [("未经复议直接起诉", 5, None), ("复议后起诉", 5, None)]
    assert rows[2][:5] == [("", 1, "continue")] * 5
    assert "".join(c[0] for c in rows[3]) == "000000001100000" and len(rows[3]) == 15


def test_docx_table_cells_are_compact_and_numbers_centred(word: docx.document.Document) -> None:
    table_text = word.styles["表格文字"]
    assert table_text.paragraph_format.first_line_indent == 0
    assert table_text.element.pPr.ind.get(qn("w:firstLineChars")) == "0"
    assert table_text.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert table_text.font.size < word.styles["Normal"].font.size
    figures = 0
    for table in word.tables:
        for tc in table._tbl.iter(qn("w:tc")):
            cell = docx.table._Cell(tc, table)
            for paragraph in cell.paragraphs:
                assert paragraph.style.name == "表格文字"
                if re.fullmatch(r"-?\d+(?:\.\d+)?", paragraph.text):
                    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
                    figures += 1
    assert figures == 10 + 25 * 7 + 15  # 表二, 表三, 表四


def test_docx_page_numbers_and_closing_block(word: docx.document.Document) -> None:
    section = word.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "— " in xml and " —" in xml and "PAGE" in xml
    last = word.paragraphs[-2:]
    assert [(p.style.name, p.text) for p in last] == [("落款", "示例市科学技术局"), ("落款", "2023年1月19日")]
    assert sum(p.style.name == "落款" for p in word.paragraphs) == 2
    assert word.styles["落款"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_docx_invents_no_closing_block(real_dir: Path, tmp_path: Path) -> None:
    export(read_report(real_dir / "pingtan-2022.txt"), tmp_path / "pingtan.docx")
    assert not [p for p in docx.Document(str(tmp_path / "pingtan.docx")).paragraphs if p.style.name == "落款"]


def _runs(document: docx.document.Document) -> Iterator[docx.text.run.Run]:
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for tc in table._tbl.iter(qn("w:tc")):
            for paragraph in docx.table._Cell(tc, table).paragraphs:
                yield from paragraph.runs


def test_docx_placeholders_are_highlighted(tmp_path: Path) -> None:
    export(_draft_with_blank_cells(), tmp_path / "draft.docx")
    document = docx.Document(str(tmp_path / "draft.docx"))
    highlighted = [run.text for run in _runs(document) if run.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert sorted(highlighted) == sorted(
        [
            "【待填：主动公开政府信息（上年：342）】",
            "【待核实：日期（上年：2025年1月20日）】",
            "【待填】",
            "【待填】",
            "【待填】",
        ]
    )
    # No placeholder lost its mark: none is left in a run without the highlight.
    assert not [
        run.text
        for run in _runs(document)
        if PLACEHOLDER.search(run.text) and run.font.highlight_color is None
    ]
    closing = [p.text for p in document.paragraphs if p.style.name == "落款"]
    assert closing == ["示例市科学技术局", "【待核实：日期（上年：2025年1月20日）】"]


def test_docx_with_an_agency_template(tmp_path: Path) -> None:
    # An agency's own template: the shipped one with the body font changed to 仿宋 (no _GB2312).
    template = docx.Document(str(TEMPLATE))
    template.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    template.save(str(tmp_path / "agency.docx"))
    export(read_report(CORPUS / "2022.md"), tmp_path / "report.docx", template=tmp_path / "agency.docx")
    document = docx.Document(str(tmp_path / "report.docx"))
    body = [p for p in document.paragraphs if p.style.name == "Normal"]
    assert body and all(_east_asian(run._r) == "仿宋" for p in body for run in p.runs)
    assert read_report(tmp_path / "report.docx").figures == read_report(CORPUS / "2022.md").figures


def test_shipped_template_is_what_make_template_builds() -> None:
    shipped, built = docx.Document(str(TEMPLATE)), build_template()
    assert shipped.styles.element.xml == built.styles.element.xml
    assert shipped.sections[0]._sectPr.xml == built.sections[0]._sectPr.xml
    assert len(shipped.element.body) == 1  # nothing but the page setup


# ---------------------------------------------------------------- errors and atomic writing


def test_unknown_suffix_is_refused_in_chinese(tmp_path: Path) -> None:
    assert set(FORMATS) == {"docx", "md", "txt"}
    with pytest.raises(InputError, match=r"无法导出为“\.pdf”.*\.docx"):
        export(read_report(CORPUS / "2022.md"), tmp_path / "report.pdf")
    assert not list(tmp_path.iterdir())


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件夹不存在"):
        export(read_report(CORPUS / "2022.md"), tmp_path / "nowhere" / "report.md")


def test_failed_export_leaves_the_existing_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"the previous version")
    broken = docx.Document()  # a Word file without the template's styles
    broken.save(str(tmp_path / "plain.docx"))
    with pytest.raises(InputError, match="模板缺少样式：.*表格文字"):
        export(read_report(CORPUS / "2022.md"), target, template=tmp_path / "plain.docx")
    assert target.read_bytes() == b"the previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.docx", "report.docx"]


# ---------------------------------------------------------------- LibreOffice


def test_docx_opens_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the PDF conversion check needs it")
    sources = [CORPUS / f"{year}.md" for year in YEARS]
    if (REAL / "pingtan-2022.txt").exists():
        sources.append(REAL / "pingtan-2022.txt")
    paths = []
    for source in sources:
        paths.append(tmp_path / f"{source.stem}.docx")
        export(read_report(source), paths[-1])
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, paths)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for path in paths:
        with pdfplumber.open(tmp_path / "pdf" / f"{path.stem}.pdf") as pdf:
            assert 3 <= len(pdf.pages) <= 15, (path.name, len(pdf.pages))
            assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (595, 842)  # A4 in points
