"""Revising a draft by talking to it: one message, one turn, the draft made again, checked and saved."""

from __future__ import annotations

from reportassist.revision.changes import Change
from reportassist.revision.engine import Turn, revise
from reportassist.revision.remake import remake, require_revisable

__all__ = ["Change", "Turn", "remake", "require_revisable", "revise"]
