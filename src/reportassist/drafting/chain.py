"""The drafting chain, as LangChain runnables: retrieve → compose → fill → validate.

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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from langchain_core.runnables import Runnable, RunnableLambda

from reportassist.drafting.assemble import DraftInputs, assemble_draft
from reportassist.drafting.compose import peers_needed
from reportassist.drafting.peers import find_peers
from reportassist.model import Draft, PeerSection, Section, Value
from reportassist.parsing import analyse_prose
from reportassist.schema import format_for_year
from reportassist.validation import ValidationResult, validate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from reportassist.corpus import CorpusStore

__all__ = ["DraftResult", "draft_chain"]


@dataclass
class DraftResult:
    draft: Draft
    validation: ValidationResult


@dataclass
class _State:
    inputs: DraftInputs
    peers: dict[str, PeerSection] = field(default_factory=dict)
    draft: Draft | None = None


def draft_chain(store: CorpusStore | None = None, model: BaseChatModel | None = None) -> Runnable[DraftInputs, DraftResult]:
    """The chain that turns `DraftInputs` into a validated draft; `store` and `model` are optional."""

    def retrieve(inputs: DraftInputs) -> _State:
        state = _State(inputs)
        if store is not None and store.entries:
            fmt = format_for_year(inputs.year)
            agency = inputs.agency or inputs.prior.meta.agency or ""
            state.peers = find_peers(store, peers_needed(inputs.prior, fmt), agency, inputs.year, fmt)
        return state

    def compose(state: _State) -> _State:
        state.draft = assemble_draft(state.inputs, state.peers)
        return state

    def fill(state: _State) -> _State:
        if model is not None and state.draft is not None:
            _rewrite(state.draft, model)
        return state

    def check(state: _State) -> DraftResult:
        assert state.draft is not None
        return DraftResult(state.draft, validate(state.draft, state.draft.prior))

    return (
        RunnableLambda(retrieve, name="retrieve")
        | RunnableLambda(compose, name="compose")
        | RunnableLambda(fill, name="fill")
        | RunnableLambda(check, name="validate")
    )


def _rewrite(draft: Draft, model: BaseChatModel) -> None:
    """Each section's own text rewritten by the model, where the number guard lets the rewrite through."""
    from reportassist.llm import rewrite_section  # langchain-openai and friends: only with a model

    assert draft.meta.year is not None
    allowed = _allowed(draft)
    for section in draft.walk_sections():
        if not section.text.strip() or section.canonical == "preamble":
            continue
        result = rewrite_section(
            model, heading=section.heading, text=section.text, year=draft.meta.year, allowed=allowed
        )
        if result.accepted:
            section.text = result.text
            _mark_rewritten(section)
        else:
            draft.messages.append(f"“{section.heading}”未采用模型改写：" + "；".join(result.reasons))
    analyse_prose(draft)


def _allowed(draft: Draft) -> list[Value]:
    """This year's table figures, given or derived, and the report year; the section's own text (this
    year's prose figures, the years rolled) vouches for the rest."""
    assert draft.meta.year is not None
    values: list[Value] = [v for v in draft.figures.values() if v is not None]
    return [*values, draft.meta.year, draft.meta.year + 1]


def _mark_rewritten(section: Section) -> None:
    origin = section.origin
    note = "由模型按本年改写，数字已核对"
    section.origin = origin.model_copy(update={"kind": "llm", "note": note}) if origin else None
