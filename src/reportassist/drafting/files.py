"""A draft on disk: the draft model as JSON (provenance and the prior report included), or rendered."""

from __future__ import annotations

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
    try:
        return Draft.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror or exc}", path=path) from exc
    except ValidationError as exc:
        raise InputError(f"不是 reportassist 保存的草稿（.json）：{exc.errors()[0]['msg']}", path=path) from exc
