"""Making a draft: retrieve → compose → fill → validate, as plain steps of one function.

- retrieve: the peers' sections the prior report lacks (`compose.peers_needed`), from the corpus store
  when there is one;
- compose: the deterministic draft (`assemble.assemble_draft`): figures given and derived, sections rolled
  forward from the prior report, placeholders for the rest;
- fill: with a chat model configured, each section's text rewritten for the year (`llm.rewrite_section`),
  every rewrite through the number guard; a rejected rewrite leaves the deterministic text and says why.
  Without a model this step changes nothing;
- validate: the validator over the draft, with the prior report for the cross-year rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportassist.drafting.assemble import DraftInputs, assemble_draft
from reportassist.drafting.compose import peers_needed
from reportassist.drafting.peers import find_peers
from reportassist.model import Draft, Edit, PeerSection, Value
from reportassist.parsing import analyse_prose
from reportassist.schema import format_for_year
from reportassist.settings import get_settings
from reportassist.validation import ValidationResult, validate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from reportassist.corpus import CorpusStore

__all__ = ["REWRITTEN", "DraftResult", "allowed_values", "make_draft"]

# How a section the model rewrote says so in its origin.
REWRITTEN = "由模型改写，数字已核对"


@dataclass
class DraftResult:
    draft: Draft
    validation: ValidationResult


def make_draft(
    inputs: DraftInputs,
    store: CorpusStore | None = None,
    model: BaseChatModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> DraftResult:
    """The draft `inputs` make, validated: peers' sections from `store` for what the prior report lacks, each
    section rewritten by `model` where its rewrite passes the guard (`progress` is told, in Chinese, which
    section the model is rewriting); all three are optional."""
    peers: dict[str, PeerSection] = {}
    if store is not None and store.entries:
        fmt = format_for_year(inputs.year)
        agency = inputs.agency or inputs.prior.meta.agency or ""
        peers = find_peers(store, peers_needed(inputs.prior, fmt), agency, inputs.year, fmt)
    draft = assemble_draft(inputs, peers)
    if model is not None:
        _rewrite(draft, model, progress)
    return DraftResult(draft, validate(draft, draft.prior))


def _rewrite(draft: Draft, model: BaseChatModel, progress: Callable[[str], None] | None) -> None:
    """Each section's own text rewritten by the model, where the number guard lets the rewrite through,
    within one time budget for the whole draft; each rewrite taken is an edit of the draft's first version,
    so the draft made again from its recipe has it too."""
    from reportassist.llm import Budget, rewrite_section  # langchain-openai and friends: only with a model

    assert draft.meta.year is not None
    allowed = allowed_values(draft)
    budget = Budget(get_settings().llm_draft_seconds)
    for place, section in draft.places():
        if not section.text.strip() or section.canonical == "preamble":
            continue
        if budget.expired:
            draft.messages.append(
                f"起草时等待模型的时间（{budget.describe()}）已用完，“{section.heading}”及以后各部分未经模型改写，保留原文。"
            )
            break
        result = rewrite_section(
            model,
            heading=section.heading,
            text=section.text,
            year=draft.meta.year,
            allowed=allowed,
            budget=budget,
            progress=progress,
            tables=draft.figures,
            fmt=draft.meta.format,
        )
        if result.accepted and result.text != section.text:
            edit = Edit(kind="replace_text", section=place, old=section.text, new=result.text, author="model")
            draft.history[0].edits.append(edit)
            section.text = result.text
            section.origin = (
                section.origin.model_copy(update={"kind": "llm", "note": REWRITTEN})
                if section.origin
                else None
            )
        elif not result.accepted:
            draft.messages.append(f"“{section.heading}”未采用模型改写：" + "；".join(result.reasons))
    analyse_prose(draft)


def allowed_values(draft: Draft) -> list[Value]:
    """What a rewrite may state besides its source: this year's table figures, given or derived, and the
    report year; the section's own text (this year's prose figures, the years rolled) vouches for the rest."""
    assert draft.meta.year is not None
    values: list[Value] = [v for v in draft.figures.values() if v is not None]
    return [*values, draft.meta.year, draft.meta.year + 1]
