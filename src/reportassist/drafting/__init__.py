"""Drafting the new year's report from the prior one: figures derived, text rolled forward, every number traced."""

from __future__ import annotations

from reportassist.drafting.assemble import DraftInputs, assemble_draft, build_draft
from reportassist.drafting.chain import DraftResult, make_draft
from reportassist.drafting.files import load_draft, save_draft
from reportassist.drafting.template import figures_template

__all__ = [
    "DraftInputs",
    "DraftResult",
    "assemble_draft",
    "build_draft",
    "figures_template",
    "load_draft",
    "make_draft",
    "save_draft",
]
