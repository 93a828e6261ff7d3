"""Rewrites of draft sections by a language model, behind a guard against invented numbers.

Every call to a model goes through `ask_model`: its answer is capped in tokens, streamed, and abandoned
(the connection closed) when the caller's `Budget` runs out or the answer rambles.
"""

from __future__ import annotations

from reportassist.llm.ask import Answer, ask_model, max_tokens_for
from reportassist.llm.budget import Budget
from reportassist.llm.guard import GuardResult, RejectedNumber, check_numbers
from reportassist.llm.models import chat_model
from reportassist.llm.rewrite import Rewrite, rewrite_section

__all__ = [
    "Answer",
    "Budget",
    "GuardResult",
    "RejectedNumber",
    "Rewrite",
    "ask_model",
    "chat_model",
    "check_numbers",
    "max_tokens_for",
    "rewrite_section",
]
