"""Exports: a report (a parsed one or a draft) as a 公文-style Word document, Markdown or plain text.

`export` chooses the format by the file's suffix and writes atomically: an existing file is replaced
only by a complete new one.
"""

from __future__ import annotations

from pathlib import Path

from reportassist.errors import InputError
from reportassist.exporters.docx import TEMPLATE, to_docx
from reportassist.exporters.markdown import to_markdown
from reportassist.exporters.text import to_text
from reportassist.fileio import save_file
from reportassist.model import Report

__all__ = ["FORMATS", "TEMPLATE", "export", "to_docx", "to_markdown", "to_text"]

# Export formats by suffix (without the dot), with their names for staff.
FORMATS: dict[str, str] = {
    "docx": "Word 文档（公文格式）",
    "md": "Markdown 文本",
    "txt": "纯文本",
}


def export(report: Report, path: Path | str, template: Path | str | None = None) -> Path:
    """Write `report` to `path` in the format its suffix names; `template` applies to .docx only."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        shown = f"“{path.suffix}”" if path.suffix else "没有扩展名的文件"
        choices = "、".join(f".{k}（{name}）" for k, name in FORMATS.items())
        raise InputError(f"无法导出为{shown}：请使用以下扩展名之一：{choices}。", path=path)
    if kind == "docx":
        to_docx(report, path, template)
    else:
        text = to_markdown(report) if kind == "md" else to_text(report)
        save_file(path, text.encode("utf-8"))
    return path
