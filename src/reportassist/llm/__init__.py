"""Rewrites of draft sections by a language model, behind a guard against invented numbers."""

from __future__ import annotations

from reportassist.llm.guard import GuardResult, RejectedNumber, check_numbers
from reportassist.llm.models import chat_model
from reportassist.llm.rewrite import Rewrite, rewrite_section

__all__ = ["GuardResult", "RejectedNumber", "Rewrite", "chat_model", "check_numbers", "rewrite_section"]
