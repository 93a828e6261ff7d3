"""The Word, web page and PDF readers, on small fictional documents built in each test."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import TableStyle

from reportassist.errors import InputError
from reportassist.readers import Paragraph, Table, read_document

FONT = "STSong-Light"  # reportlab's built-in CJK CID font: no font file needed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

LEGAL_PERSONS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


# --- Word ---------------------------------------------------------------------------------------


def _table_three(document: docx.document.Document) -> None:
    """A cut-down 表三: merged header cells over 2 rows and 5 columns, then rows of numbers."""
    table = document.add_table(rows=5, cols=9)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "申请人情况"
    table.cell(0, 2).merge(table.cell(1, 2)).text = "自然人"
    table.cell(0, 3).merge(table.cell(0, 7)).text = "法人或其他组织"
    table.cell(0, 8).merge(table.cell(1, 8)).text = "总计"
    for offset, label in enumerate(LEGAL_PERSONS):
        table.cell(1, 3 + offset).text = label
    table.cell(2, 0).merge(table.cell(2, 1)).text = "一、本年新收政府信息公开申请数量"
    table.cell(3, 0).merge(table.cell(4, 0)).text = "三、本年度办理结果"
    table.cell(3, 1).text = "（一）予以公开"
    table.cell(4, 1).text = "（二）部分公开"
    for row, values in ((2, "3000003"), (3, "1000001"), (4, "0000000")):
        for offset, value in enumerate(values):
            table.cell(row, 2 + offset).text = value


def _save_docx(tmp_path: Path, name: str = "示例县教育局2024年报.docx") -> Path:
    document = docx.Document()
    document.add_heading("示例县教育局2024年政府信息公开工作年度报告", level=1)
    document.add_paragraph().add_run("一、总体情况").bold = True
    document.add_paragraph("2024年，示例县教育局认真落实政府信息公开要求。")
    _table_three(document)
    document.add_paragraph("以上为示例数据。")
    path = tmp_path / name
    document.save(path)
    return path


def test_docx_headings_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    doc = read_document(_save_docx(tmp_path))

    assert doc.kind == "docx"
    assert doc.blocks[:3] == [
        Paragraph("示例县教育局2024年政府信息公开工作年度报告", heading=True),
        Paragraph("一、总体情况", heading=True),
        Paragraph("2024年，示例县教育局认真落实政府信息公开要求。"),
    ]
    assert isinstance(doc.blocks[3], Table)
    assert doc.blocks[4] == Paragraph("以上为示例数据。")


def test_docx_merged_cells_are_none_and_adjacent_zeros_are_kept(tmp_path: Path) -> None:
    rows = read_document(_save_docx(tmp_path)).tables[0].rows

    assert rows[0] == ["申请人情况", None, "自然人", "法人或其他组织", None, None, None, None, "总计"]
    assert rows[1] == [None, None, None, *LEGAL_PERSONS, None]
    assert rows[2] == ["一、本年新收政府信息公开申请数量", None, "3", "0", "0", "0", "0", "0", "3"]
    assert rows[3][:2] == ["三、本年度办理结果", "（一）予以公开"]
    assert rows[4] == [None, "（二）部分公开", "0", "0", "0", "0", "0", "0", "0"]


def test_docx_nested_table_is_flattened_and_single_cell_frame_read_as_text(tmp_path: Path) -> None:
    document = docx.Document()
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].text = "示例市科学技术局"
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "备注"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "示例"
    inner.cell(0, 1).text = "说明"
    path = tmp_path / "nested.docx"
    document.save(path)

    doc = read_document(path)

    assert doc.paragraphs == [Paragraph("示例市科学技术局")]
    assert doc.tables == [Table(rows=[["备注", "示例说明"]])]


def test_zip_that_is_not_word_is_refused_with_chinese_message(tmp_path: Path) -> None:
    path = tmp_path / "示例报告.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")

    with pytest.raises(InputError, match="Word") as caught:
        read_document(path)
    assert "示例报告.docx" in str(caught.value)


def test_damaged_word_files_are_refused(tmp_path: Path) -> None:
    random_bytes = tmp_path / "随机.docx"
    random_bytes.write_bytes(random.Random(1).randbytes(2048))
    broken_xml = tmp_path / "损坏.docx"
    with zipfile.ZipFile(_save_docx(tmp_path)) as source, zipfile.ZipFile(broken_xml, "w") as archive:
        for entry in source.infolist():
            broken = entry.filename == "word/document.xml"
            archive.writestr(entry, "<w:document" if broken else source.read(entry))

    for path in (random_bytes, broken_xml):
        with pytest.raises(InputError) as caught:
            read_document(path)
        assert path.name in str(caught.value)
    with pytest.raises(InputError, match="无法打开 Word 文件"):
        read_document(broken_xml)


# --- Web pages ----------------------------------------------------------------------------------

GBK_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>示例</title><style>p {color: red}</style></head>
<body>
<nav>首页 &gt; 政务公开</nav>
<h1>示例市科学技术局2024年政府信息公开<br>工作年度报告</h1>
<h2>一、总体情况</h2>
<p>&nbsp;&nbsp;\u3000\u30002024年，示例市科学技术局
  认真落实政府信息公开要求。</p>
<p>第一行<br/>第二行</p>
<table border="1">
  <tr><td rowspan="2" colspan="2">申请人情况</td><td rowspan="2">自然人</td><td colspan="2">法人或其他组织</td></tr>
  <tr><td>商业企业</td><td>科研机构</td></tr>
  <tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td></tr>
</table>
<script>var ignored = "脚本";</script>
<footer>版权所有</footer>
</body></html>
"""


def test_gbk_page_with_meta_charset(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(GBK_PAGE.encode("gbk"))

    doc = read_document(path)

    assert doc.kind == "html"
    assert doc.paragraphs == [
        Paragraph("示例市科学技术局2024年政府信息公开", heading=True),
        Paragraph("工作年度报告", heading=True),
        Paragraph("一、总体情况", heading=True),
        Paragraph("2024年，示例市科学技术局认真落实政府信息公开要求。"),
        Paragraph("第一行"),
        Paragraph("第二行"),
    ]
    assert doc.tables == [
        Table(
            rows=[
                ["申请人情况", None, "自然人", "法人或其他组织", None],
                [None, None, None, "商业企业", "科研机构"],
                ["一、本年新收政府信息公开申请数量", None, "0", "0", "0"],
            ]
        )
    ]


def test_declared_big5_is_honoured_over_guessing(tmp_path: Path) -> None:
    # Big5 bytes also decode as GB18030 (into nonsense), so only the declaration gets this right.
    path = tmp_path / "report.shtml"
    head = b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=big5'></head><body>"
    path.write_bytes(head + "<p>示例縣教育局公開資訊</p></body></html>".encode("big5"))

    assert read_document(path).paragraphs == [Paragraph("示例縣教育局公開資訊")]


def test_utf8_page_without_charset_and_bare_body_text(tmp_path: Path) -> None:
    path = tmp_path / "report.htm"
    path.write_text(
        "<html><body>示例县教育局<div>二、主动公开政府信息情况</div>示例正文。</body></html>", "utf-8"
    )

    doc = read_document(path)

    assert [p.text for p in doc.paragraphs] == ["示例县教育局", "二、主动公开政府信息情况", "示例正文。"]


def test_layout_table_is_read_through_to_its_paragraphs_and_data_table(tmp_path: Path) -> None:
    path = tmp_path / "layout.html"
    path.write_text(
        """<html><body><table width="100%"><tr>
        <td><a href="/">首页</a></td>
        <td><h3>示例市科学技术局年度报告</h3>
          <p><strong>一、总体情况</strong></p><p>示例正文。</p>
          <table border="1">
            <tr><td><p class="MsoNormal"><span>项目</span></p></td><td><p>数量</p></td></tr>
            <tr><td>主动公开</td><td>12</td></tr>
          </table>
          <p>以上为示例。</p></td>
        </tr></table></body></html>""",
        "utf-8",
    )

    doc = read_document(path)

    assert doc.blocks == [
        Paragraph("首页"),
        Paragraph("示例市科学技术局年度报告", heading=True),
        Paragraph("一、总体情况", heading=True),
        Paragraph("示例正文。"),
        Table(rows=[["项目", "数量"], ["主动公开", "12"]]),
        Paragraph("以上为示例。"),
    ]


# --- PDF ----------------------------------------------------------------------------------------


def _write_lines(canvas: Canvas, top: float, lines: list[tuple[str, int]]) -> float:
    """Draw (text, font size) lines from `top` down; return where the next line would go."""
    for text, size in lines:
        canvas.setFont(FONT, size)
        canvas.drawString(72, top, text)
        top -= size * 1.6
    return top


def _page_number(canvas: Canvas, number: int) -> None:
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(A4[0] / 2, 40, f"— {number} —")


def _save_pdf(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    top = _write_lines(
        canvas,
        780,
        [
            ("示例市科学技术局2024年政府信息公开工作年度报告", 18),
            ("一、总体情况", 12),
            ("2024年，示例市科学技术局认真落实政府信息公开要求，", 12),
            ("主动公开政府信息。", 12),
        ],
    )
    table = PdfTable(
        [
            ["申请人情况", "", "自然人", "商业企业"],
            ["新收申请数量", "", "3", "0"],
            ["其中", "本人", "0", "0"],
        ],
    )
    table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                    ("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1))])
    )  # fmt: skip
    _, height = table.wrapOn(canvas, 400, 400)
    table.drawOn(canvas, 72, top - height)
    _write_lines(
        canvas,
        top - height - 30,
        [("二、主动公开政府信息情况，本年度示例市科学技术局通过门户网站持续推进", 12)],
    )
    _page_number(canvas, 1)
    canvas.showPage()
    _write_lines(canvas, 780, [("决策、执行、管理、服务、结果公开。", 12), ("三、其他需要报告的事项", 12)])
    _page_number(canvas, 2)
    canvas.save()
    return path


def test_pdf_text_and_ruled_table_in_reading_order(tmp_path: Path) -> None:
    doc = read_document(_save_pdf(tmp_path / "示例年报.pdf"))

    assert doc.kind == "pdf"
    assert doc.blocks == [
        Paragraph("示例市科学技术局2024年政府信息公开工作年度报告", heading=True),
        Paragraph("一、总体情况"),
        Paragraph("2024年，示例市科学技术局认真落实政府信息公开要求，主动公开政府信息。"),
        Table(
            rows=[
                ["申请人情况", None, "自然人", "商业企业"],
                ["新收申请数量", None, "3", "0"],
                ["其中", "本人", "0", "0"],
            ]
        ),
        # joined across the page break; the "— 1 —" page numbers are gone
        Paragraph(
            "二、主动公开政府信息情况，本年度示例市科学技术局通过门户网站持续推进决策、执行、管理、服务、结果公开。"
        ),
        Paragraph("三、其他需要报告的事项"),
    ]


def test_pdf_without_text_layer_is_reported_as_scan(tmp_path: Path) -> None:
    path = tmp_path / "扫描件.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.rect(72, 400, 300, 200, fill=1)
    canvas.line(72, 300, 400, 300)
    canvas.save()

    with pytest.raises(InputError, match="文字层") as caught:
        read_document(path)
    assert "扫描件.pdf" in str(caught.value)


def test_damaged_and_encrypted_pdfs_are_refused(tmp_path: Path) -> None:
    damaged = tmp_path / "损坏.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + random.Random(2).randbytes(3000))
    encrypted = tmp_path / "加密.pdf"
    canvas = Canvas(str(encrypted), pagesize=A4, encrypt="secret")
    _write_lines(canvas, 780, [("示例", 12)])
    canvas.save()

    with pytest.raises(InputError, match="损坏") as caught:
        read_document(damaged)
    assert "损坏.pdf" in str(caught.value)
    with pytest.raises(InputError, match="加密"):
        read_document(encrypted)


# --- Any format ---------------------------------------------------------------------------------


def test_unreadable_inputs_name_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "空文件.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "乱码.txt"
    binary.write_bytes(random.Random(3).randbytes(4096))
    folder = tmp_path / "示例文件夹"
    folder.mkdir()

    for path in (empty, binary, folder):
        with pytest.raises(InputError) as caught:
            read_document(path)
        assert path.name in str(caught.value)
