"""The Chinese templates and prompts under `prompts/`, loaded by name ("draft/preamble").

They live outside the code so that an agency can read and adjust the wording. A checkout reads them
from `prompts/` at its root; an installed wheel carries them inside the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import PromptTemplate

from reportassist.errors import InternalError

__all__ = ["PROMPTS_DIR", "load_prompt", "render_prompt"]


def _prompts_dir() -> Path:
    packaged = Path(__file__).parent / "prompts"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "prompts"


PROMPTS_DIR = _prompts_dir()


@lru_cache(maxsize=64)
def load_prompt(name: str) -> str:
    """The text of `prompts/<name>.md`, without its final newline."""
    path = PROMPTS_DIR / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").rstrip("\n")
    except OSError as exc:
        raise InternalError(f"缺少模板文件 {path}：{exc}") from exc


def render_prompt(name: str, **values: object) -> str:
    """The template `name` with its {fields} filled."""
    return PromptTemplate.from_template(load_prompt(name)).format(**values)
