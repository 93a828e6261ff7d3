"""Word export in the 公文 look: the report written with the styles of a reference template.

The template (templates/gongwen.docx, or an agency's own with the same style names, see
`styles.py`) brings the page setup, the fonts and the page numbers; its body is cleared and the
report written in its place. Every run names its East Asian font (w:eastAsia) as its style does, so
Word and WPS do not fall back to another face. The official tables are real Word tables with the
templates' merged headers. Placeholders (【待填】, 【待核实】) are highlighted in yellow so that nobody
files them by mistake; they are not made bold, since the readers take a paragraph that is bold as a
whole for a heading.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Emu, Pt
from docx.styles.style import BaseStyle, CharacterStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from reportassist.errors import InputError
from reportassist.exporters.layouts import Cell, Grid, TableLayout, layout
from reportassist.exporters.plan import Closing, Heading, TableBlock, Text, Title, plan
from reportassist.exporters.styles import BODY, CLOSING, HEADINGS, PARAGRAPH_STYLES, TABLE, TABLE_TEXT, TITLE
from reportassist.fileio import save_file
from reportassist.markers import ANY_MARK
from reportassist.model import Report

__all__ = ["TEMPLATE", "to_docx"]

TEMPLATE = Path(__file__).parent / "templates" / "gongwen.docx"
_FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_NAMESPACES = {"w": nsmap["w"]}
_CLOSING_GAP = Pt(28.95)  # one blank body line above the agency's name
# A table of at most this many rows is kept on one page; a longer one keeps its header with its first row.
_KEEP_TOGETHER_ROWS = 20


def to_docx(report: Report, path: Path | str, template: Path | str | None = None) -> None:
    """Write the report as a .docx at `path` (atomically), with the styles of `template`."""
    document = _open_template(Path(template) if template is not None else TEMPLATE)
    writer = _Writer(document)
    exported = plan(report)
    for block in exported.blocks:
        if isinstance(block, Title):
            writer.paragraph(block.text, TITLE)
        elif isinstance(block, Heading):
            writer.paragraph(block.text, HEADINGS[block.level])
        elif isinstance(block, Text):
            writer.paragraph(block.text, BODY)
        elif isinstance(block, TableBlock):
            writer.table(layout(block.spec, exported.report, nested_labels=True))
        elif isinstance(block, Closing):
            for i, line in enumerate(block.lines):
                paragraph = writer.paragraph(line, CLOSING)
                if i == 0:
                    paragraph.paragraph_format.space_before = _CLOSING_GAP
    data = io.BytesIO()
    document.save(data)
    save_file(Path(path), data.getvalue())


def _open_template(path: Path) -> WordDocument:
    if not path.is_file():
        raise InputError("找不到 Word 模板文件。", path=path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx fails on a damaged or foreign file in many ways
        raise InputError(
            f"无法作为 Word 模板打开（{type(exc).__name__}: {exc}），请使用 .docx 文件。", path=path
        ) from exc
    missing = [name for name in (*PARAGRAPH_STYLES, TABLE) if name not in document.styles]
    if missing:
        raise InputError(
            f"模板缺少样式：{'、'.join(missing)}。请在 reportassist 自带的 gongwen.docx 基础上修改样式后另存为模板。",
            path=path,
        )
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


class _Writer:
    """Appends paragraphs and tables to the document, naming each run's fonts as its style does."""

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        self._fonts: dict[str, dict[str, str]] = {}
        self._style_ids: dict[str, str] = {}
        section = document.sections[-1]
        self.text_width = (
            int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        )

    def paragraph(self, text: str, style: str) -> Paragraph:
        paragraph = self.document.add_paragraph()
        self._style(paragraph, style)
        self._runs(paragraph, text, style)
        return paragraph

    def _style(self, paragraph: Paragraph, style: str) -> None:
        # Set by id: python-docx's `paragraph.style = …` looks the default style up every time.
        paragraph._p.style = self._style_id(style)

    def _style_id(self, style: str) -> str:
        if style not in self._style_ids:
            self._style_ids[style] = self.document.styles[style].style_id
        return self._style_ids[style]

    def _runs(self, paragraph: Paragraph, text: str, style: str) -> None:
        """The text as runs in the style's fonts; each placeholder a run of its own, highlighted."""
        pieces: list[tuple[str, bool]] = []
        pos = 0
        for m in ANY_MARK.finditer(text):
            pieces += [(text[pos : m.start()], False), (m.group(0), True)]
            pos = m.end()
        pieces.append((text[pos:], False))
        fonts = self._style_fonts(style)
        for piece, placeholder in pieces:
            if not piece:
                continue
            run = paragraph.add_run(piece)
            rfonts = run._r.get_or_add_rPr().get_or_add_rFonts()
            for attribute, font in fonts.items():
                rfonts.set(qn(attribute), font)
            if placeholder:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def _style_fonts(self, name: str) -> dict[str, str]:
        """The fonts a style gives its text: its own rFonts, its base styles', the document defaults'."""
        if name not in self._fonts:
            fonts: dict[str, str] = {}
            style: BaseStyle | None = self.document.styles[name]
            elements = []
            while style is not None:
                elements.append(style.element)
                style = style.base_style if isinstance(style, CharacterStyle) else None
            elements += self.document.styles.element.xpath("w:docDefaults/w:rPrDefault")
            for element in elements:
                for rfonts in element.findall("w:rPr/w:rFonts", _NAMESPACES):
                    for attribute in _FONT_ATTRIBUTES:
                        value = rfonts.get(qn(attribute))
                        if value and attribute not in fonts:
                            fonts[attribute] = value
            self._fonts[name] = fonts
        return self._fonts[name]

    def table(self, table: TableLayout) -> None:
        grid: Grid = list(table.rows)
        width = len(grid[0])
        header_rows = table.header_rows
        if table.note:
            grid.insert(0, [Cell(table.note, "header", colspan=width), *([None] * (width - 1))])
            header_rows += 1
        word_table = self.document.add_table(rows=len(grid), cols=width)
        word_table.style = self.document.styles[TABLE]
        word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
        word_table.autofit = False
        self._widths(word_table, table.widths)
        # The cells before any merge; `Table.cell()` would walk the whole table on every call.
        cells = [[_Cell(tc, word_table) for tc in tr.tc_lst] for tr in word_table._tbl.tr_lst]
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                target = cells[r][c]
                if cell.colspan > 1 or cell.rowspan > 1:
                    target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
                self._cell(target, cell, note=bool(table.note) and r == 0)
        self._rows(word_table, header_rows)

    def _rows(self, word_table: Table, header_rows: int) -> None:
        """Every paragraph in the table's style (a merged-away cell keeps an empty one that Word lays out);
        rows never split; the header repeated on every page; a short table kept on one page, a long
        one's header kept with its first row."""
        rows = word_table._tbl.tr_lst
        style_id = self._style_id(TABLE_TEXT)
        for r, tr in enumerate(rows):
            keep = r < len(rows) - 1 and (len(rows) <= _KEEP_TOGETHER_ROWS or r <= header_rows)
            for tc in tr.tc_lst:
                for p in tc.p_lst:
                    p.style = style_id
                    if keep:
                        p.get_or_add_pPr().get_or_add_keepNext()
            properties = tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if r < header_rows:
                properties.append(OxmlElement("w:tblHeader"))

    def _widths(self, word_table: Table, widths: tuple[float, ...]) -> None:
        total = sum(widths)
        emus = [Emu(int(self.text_width * w / total)) for w in widths]
        for column, emu in zip(word_table.columns, emus):
            column.width = emu
        for tr in word_table._tbl.tr_lst:
            for tc, emu in zip(tr.tc_lst, emus):
                tc.width = emu

    def _cell(self, target: _Cell, cell: Cell, *, note: bool) -> None:
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = target.paragraphs[0]
        if note:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif cell.role == "label" and cell.rowspan == 1:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(paragraph, cell.text, TABLE_TEXT)
