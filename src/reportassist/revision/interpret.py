"""A message the deterministic reading does not understand, restated by the language model as one of the
phrasings it does understand; the restatement then goes through exactly the same reading and checks.

The model sees the message as data and answers with one line. Whatever it answers is only a message: a
number it adds that the staff did not say is refused, and an answer that is still not understood, or that
asks for another model request, is not acted on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reportassist.llm import Budget
from reportassist.llm.ask import ask_model, visible_text

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["restate"]

_PROMPT = "revise/interpret"
_MAX_TOKENS = 160
_NOT_UNDERSTOOD = "无法理解"


def restate(message: str, model: BaseChatModel, budget: Budget) -> str | None:
    """The message said in the phrasings of `commands`, or None (not understood, no time, or unsafe)."""
    answer = ask_model(
        model, _PROMPT, {"message": message}, max_tokens=_MAX_TOKENS, budget=budget, max_chars=400
    )
    if not answer.finished:
        return None
    line = visible_text(answer.text).strip().strip("`").strip()
    line = line.splitlines()[0].strip() if line else ""
    if not line or _NOT_UNDERSTOOD in line:
        return None
    said = set(re.findall(r"\d+(?:\.\d+)?", message.translate(_WIDTH)))
    if not set(re.findall(r"\d+(?:\.\d+)?", line)) <= said:
        return None  # a number the staff did not say
    return line


_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
