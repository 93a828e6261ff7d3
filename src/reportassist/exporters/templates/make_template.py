"""Build gongwen.docx, the reference template of the Word export, in the 公文 look of GB/T 9704-2012.

Regenerate it (from the repository root) with:

    .venv/bin/python -m reportassist.exporters.templates.make_template

What it sets, as agencies use the standard for annual reports:
- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
- Title: 方正小标宋简体 二号, centred. Body (Normal): 仿宋_GB2312 三号, first-line indent of two
  characters, exact line spacing 28.95 pt (22 lines in the 225 mm text height). Heading 1 (一、):
  黑体 三号; Heading 2 (（一）): 楷体_GB2312 三号; Heading 3 (1.): 仿宋_GB2312 三号 bold.
- 表格文字 (table cells): 仿宋_GB2312 小四, no indent, exact 16 pt, so rows stay compact and readable;
  报告表格: single borders, narrow cell margins for 表四's fifteen columns.
- 落款: right-aligned, two characters from the margin.
- Page numbers "— 1 —" in 宋体 四号 at the foot, odd pages right and even pages left, one
  character from the margin.
- Every style's fonts name the East Asian face explicitly (w:eastAsia) and no theme font, so Word
  and WPS do not substitute another face; the document language for East Asian text is zh-CN.

The body is left empty: `to_docx` writes the report with these styles.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.font import CT_Fonts
from docx.section import Section
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from reportassist.exporters.styles import BODY, CLOSING, FOOTER, HEADINGS, TABLE, TABLE_TEXT, TITLE

__all__ = ["TEMPLATE", "build_template", "main"]

TEMPLATE = Path(__file__).with_name("gongwen.docx")

_BODY_FONT = "仿宋_GB2312"
_BODY_SIZE = 16  # 三号
_BODY_LINE = 28.95
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")


@dataclass(frozen=True)
class _Look:
    font: str
    size: float  # points: 二号 22, 三号 16, 四号 14, 小四 12
    line: float | None  # exact line spacing in points; None: single
    indent_chars: int = 0  # first-line indent, in characters
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    bold: bool = False
    outline: int | None = None  # outline level of a heading (0 = level 1)


_LOOKS: dict[str, _Look] = {
    BODY: _Look(_BODY_FONT, _BODY_SIZE, _BODY_LINE, indent_chars=2),
    TITLE: _Look("方正小标宋简体", 22, 36, align=WD_ALIGN_PARAGRAPH.CENTER),
    HEADINGS[1]: _Look("黑体", _BODY_SIZE, _BODY_LINE, indent_chars=2, outline=0),
    HEADINGS[2]: _Look("楷体_GB2312", _BODY_SIZE, _BODY_LINE, indent_chars=2, outline=1),
    HEADINGS[3]: _Look(_BODY_FONT, _BODY_SIZE, _BODY_LINE, indent_chars=2, bold=True, outline=2),
    TABLE_TEXT: _Look(_BODY_FONT, 12, 16, align=WD_ALIGN_PARAGRAPH.CENTER),
    CLOSING: _Look(_BODY_FONT, _BODY_SIZE, _BODY_LINE, align=WD_ALIGN_PARAGRAPH.RIGHT),
    FOOTER: _Look("宋体", 14, None, align=WD_ALIGN_PARAGRAPH.RIGHT),
}
_STYLE_IDS = {TABLE_TEXT: "TableText", CLOSING: "Closing", TABLE: "ReportTable"}


def build_template() -> WordDocument:
    document = docx.Document()  # python-docx's default: a plain Word document with the built-in styles
    _page(document.sections[0])
    _defaults(document)
    for name, look in _LOOKS.items():
        _paragraph_style(document, name, look)
    document.styles[TITLE].paragraph_format.space_after = Pt(_BODY_LINE)  # a blank line under the title
    document.styles[CLOSING].paragraph_format.right_indent = Pt(2 * _BODY_SIZE)
    _table_style(document)
    _east_asian_everywhere(document)
    _page_numbers(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(
            "/stylesWithEffects"
        ):  # Word 2010's copy of the old styles, theme fonts and all
            document.part.drop_rel(rel_id)
    properties = document.core_properties
    properties.title, properties.author, properties.comments = (
        "政府信息公开工作年度报告（公文格式模板）",
        "",
        "",
    )
    return document


def _page(section: Section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's line sits about 7 mm under the text block, as GB/T 9704 asks.
    section.header_distance, section.footer_distance = Mm(15), Mm(22)


def _defaults(document: WordDocument) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None, "python-docx's default template has document defaults"
    defaults.clear()
    defaults.append(
        parse_xml(
            f"<w:rPrDefault {nsdecls('w')}><w:rPr>{_fonts_xml(_BODY_FONT)}"
            f'<w:sz w:val="{_BODY_SIZE * 2}"/><w:szCs w:val="{_BODY_SIZE * 2}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        )
    )
    defaults.append(
        parse_xml(
            f"<w:pPrDefault {nsdecls('w')}><w:pPr>"
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        )
    )


def _fonts_xml(font: str) -> str:
    return f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'


def _paragraph_style(document: WordDocument, name: str, look: _Look) -> None:
    if name in document.styles:
        style = document.styles[name]
        for child in list(style.element):
            if child.tag in (qn("w:pPr"), qn("w:rPr")):
                style.element.remove(child)
    else:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = _STYLE_IDS[name]
        style.base_style = document.styles[BODY]
        style.quick_style = True
    assert isinstance(style, ParagraphStyle)
    font = style.font
    font.name, font.size, font.bold = look.font, Pt(look.size), look.bold
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), look.font)
    rpr.get_or_add_rFonts().set(qn("w:cs"), look.font)
    fmt = style.paragraph_format
    fmt.alignment = look.align
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    if look.line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing, fmt.line_spacing_rule = Pt(look.line), WD_LINE_SPACING.EXACTLY
    fmt.first_line_indent = Pt(look.indent_chars * look.size)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(look.indent_chars * 100))  # Word and WPS count in characters
    if look.outline is not None:
        fmt.keep_with_next = True
        style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(look.outline))


def _table_style(document: WordDocument) -> None:
    style = document.styles.add_style(TABLE, WD_STYLE_TYPE.TABLE)
    style.style_id = _STYLE_IDS[TABLE]
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = (
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="40" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="40" w:type="dxa"/>'
    )
    style.element.append(
        parse_xml(
            f'<w:tblPr {nsdecls("w")}><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
            f"<w:tblCellMar>{margins}</w:tblCellMar></w:tblPr>"
        )
    )
    style.element.append(parse_xml(f'<w:tcPr {nsdecls("w")}><w:vAlign w:val="center"/></w:tcPr>'))


def _east_asian_everywhere(document: WordDocument) -> None:
    """No style may take its fonts from the theme. A linked character style ("Heading 1 Char") looks
    like its paragraph style; every other style gets the body font."""
    styles = document.styles
    ours = {styles[name].element.get(qn("w:styleId")) for name in _LOOKS}
    for name in _LOOKS:
        rpr = styles[name].element.rPr
        for link in styles[name].element.xpath("w:link/@w:val"):
            for char_style in styles.element.xpath(f'w:style[@w:styleId="{link}"]'):
                for old in char_style.xpath("w:rPr"):
                    char_style.remove(old)
                char_style.append(copy.deepcopy(rpr))
                ours.add(link)
    for style in styles.element.xpath("w:style"):
        if style.get(qn("w:styleId")) not in ours:
            for rfonts in style.xpath(".//w:rFonts"):
                _set_fonts(rfonts, _BODY_FONT)


def _set_fonts(rfonts: CT_Fonts, font: str) -> None:
    for attribute in _THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    for attribute in _FONT_ATTRIBUTES:
        rfonts.set(qn(attribute), font)


def _page_numbers(document: WordDocument) -> None:
    """ "— 1 —": odd pages at the right, even pages at the left, one character in from the margin."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    one_char = Pt(_LOOKS[FOOTER].size)
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles[FOOTER]
        paragraph.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = one_char
        else:
            paragraph.paragraph_format.left_indent = one_char
        _page_field(paragraph)


def _page_field(paragraph: Paragraph) -> None:
    pieces = (
        "— ",
        f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>',
        f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>',
        f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>',
        "1",
        f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>',
        " —",
    )
    font = _LOOKS[FOOTER].font
    for piece in pieces:
        run = paragraph.add_run(None if piece.startswith("<") else piece)
        if piece.startswith("<"):
            run._r.append(parse_xml(piece))
        run._r.get_or_add_rPr().append(
            parse_xml(_fonts_xml(font).replace("<w:rFonts", f"<w:rFonts {nsdecls('w')}"))
        )


def main() -> None:
    build_template().save(str(TEMPLATE))
    print(f"已生成 {TEMPLATE}")


if __name__ == "__main__":
    main()
