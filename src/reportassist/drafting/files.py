"""A draft on disk: the draft model as JSON (provenance and the prior report included), or rendered."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from reportassist.errors import InputError
from reportassist.fileio import save_file
from reportassist.model import Draft
from reportassist.settings import get_settings

__all__ = ["load_draft", "save_draft"]


def save_draft(draft: Draft, path: Path) -> None:
    """`.json`: the whole draft model; `.md`, `.txt`, `.docx`: the report as staff read it."""
    if path.suffix.lower() == ".json":
        save_file(path, draft.model_dump_json(indent=1).encode("utf-8"))
        return
    from reportassist.exporters import export

    export(draft, path, get_settings().docx_template)


def load_draft(path: Path) -> Draft:
    """A draft saved as .json; `InputError` saying what is wrong with a file that is not one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror or exc}", path=path) from exc
    try:
        content = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"第 {exc.lineno} 行第 {exc.colno} 列" if isinstance(exc, json.JSONDecodeError) else None
        raise InputError(
            "文件已损坏：不是完整的 JSON，可能没有保存完或被改动过。", path=path, place=where
        ) from exc
    if not isinstance(content, dict) or not {"meta", "sections", "figures"} <= set(content):
        raise InputError("不是 reportassist 保存的草稿（.json）。", path=path)
    try:
        return Draft.model_validate_json(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise InputError(
            f"草稿文件的内容不完整或被改动过（{field}），也可能是其他版本的程序保存的；请重新起草。",
            path=path,
        ) from exc
