"""Chat prompts from the files under `prompts/`: a file is split into parts at lines “## <part>”.

The “system” and “user” parts make the chat template; other parts (a default instruction) are plain
templates. Whatever precedes the first part is a note for whoever edits the file.
"""

from __future__ import annotations

import re

from langchain_core.prompts import ChatPromptTemplate

from reportassist.errors import InternalError
from reportassist.prompts import load_prompt

__all__ = ["chat_prompt", "prompt_part"]

_PART = re.compile(r"^## (\w+)[ \t]*$", re.MULTILINE)


def _parts(name: str) -> dict[str, str]:
    text = load_prompt(name)
    marks = list(_PART.finditer(text))
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return {m.group(1): text[m.end() : end].strip() for m, end in zip(marks, ends, strict=True)}


def prompt_part(name: str, part: str) -> str:
    """The part `part` of `prompts/<name>.md`."""
    parts = _parts(name)
    if part not in parts:
        raise InternalError(f"模板文件 prompts/{name}.md 中缺少“## {part}”部分")
    return parts[part]


def chat_prompt(name: str) -> ChatPromptTemplate:
    """The chat template of `prompts/<name>.md`: its “system” part, then its “user” part."""
    return ChatPromptTemplate.from_messages(
        [("system", prompt_part(name, "system")), ("human", prompt_part(name, "user"))]
    )
