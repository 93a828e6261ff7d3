"""The style names the Word export writes with: the contract between `to_docx` and a template.

The shipped template (templates/gongwen.docx) defines them in the 公文 look; an agency's own
template works the same way as long as it defines the same names (it is simplest to open
gongwen.docx in Word or WPS, change the styles, and save it under another name).
"""

from __future__ import annotations

__all__ = [
    "BODY",
    "CLOSING",
    "FOOTER",
    "HEADINGS",
    "PARAGRAPH_STYLES",
    "TABLE",
    "TABLE_TEXT",
    "TITLE",
]

BODY = "Normal"  # 正文
TITLE = "Title"  # 标题
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}  # 一、 （一） 1.
TABLE_TEXT = "表格文字"  # the text of table cells: smaller, no first-line indent
CLOSING = "落款"  # the agency and date under the report, right-aligned
FOOTER = "Footer"  # the page number
TABLE = "报告表格"  # the official tables' borders and cell margins

PARAGRAPH_STYLES = (BODY, TITLE, *HEADINGS.values(), TABLE_TEXT, CLOSING)
