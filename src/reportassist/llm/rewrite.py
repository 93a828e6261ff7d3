"""One section rewritten by the language model, kept only when the number guard lets it through.

The model sees the section as fenced data (see prompts/rewrite_section.md) and is asked through the one
bounded path (`ask.ask_model`): at most about twice the section's length in tokens, within the caller's
time budget, and no further than three times the section's length in characters. Its answer is cleaned
of reasoning and code fences, then checked: no number that is neither given nor in the original, no
number contradicting the table figure its sentence names, every placeholder, date, document number and
《title》 kept, and nothing that suggests the model did something else than rewrite (an answer cut off or
far shorter than the section; without a staff instruction, a figure of the original gone). Anything else
keeps the original, with the reasons in Chinese. A model that fails, hangs or rambles never raises here,
and never holds the caller past the budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import get_args

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import PromptTemplate

from reportassist.llm.ask import Answer, ask_model, max_tokens_for, visible_text
from reportassist.llm.budget import Budget
from reportassist.llm.guard import check_numbers, dropped_numbers
from reportassist.llm.prompts import prompt_part
from reportassist.model import ReportFormat, Value

__all__ = ["Rewrite", "rewrite_section"]

_PROMPT = "rewrite_section"
_FENCE_OPEN, _FENCE_CLOSE = "<原文>", "</原文>"
_CODE_FENCE = re.compile(r"^```[^\n]*\n(.*?)\n?```$", re.DOTALL)
# An answer shorter than this share of the section is not a rewrite of it.
_MIN_LENGTH_RATIO = 0.3
# An answer longer than this many times the section (plus a margin) is rambling: reading stops.
_MAX_LENGTH_RATIO = 3
_LENGTH_MARGIN = 64
# Causes of an incomplete answer whose text may still be whole: the model closed the fence, then went on.
_CUT_OFF = ("length", "timeout", "too_long")


@dataclass(frozen=True)
class Rewrite:
    """The text to use (the rewrite when accepted, else the original) and, in Chinese, why not."""

    text: str
    accepted: bool
    reasons: list[str] = field(default_factory=list)


def rewrite_section(
    model: BaseChatModel,
    *,
    heading: str,
    text: str,
    year: int,
    allowed: Iterable[Value],
    instruction: str | None = None,
    budget: Budget | None = None,
    progress: Callable[[str], None] | None = None,
    tables: Mapping[str, Value | None] | None = None,
    fmt: str | None = None,
    unlock: bool = False,
) -> Rewrite:
    """Ask `model` to rewrite one section for `year`; accept the answer only if it passes the guard.

    `allowed` are this year's figures and those derived from them (the report year itself is allowed too);
    `instruction` is the staff's request (default: update the wording for the year, keeping every figure
    and placeholder). `budget` is the time left to the whole draft or chat turn: past it the original is
    kept and the reason says so. `progress` hears, in Chinese, when the model is asked and how it went.
    `tables` (this year's figures by key) and `fmt` (the report's format) let the guard check that a
    number agrees with the table figure its sentence names. `unlock`: the staff's request asks to change
    dates, document numbers or 《titles》, which are otherwise locked.
    """
    if progress:
        progress(f"正在请大语言模型改写“{heading}”…")
    request = instruction or PromptTemplate.from_template(prompt_part(_PROMPT, "default_instruction")).format(
        year=year
    )
    answer = ask_model(
        model,
        _PROMPT,
        {"year": year, "heading": heading, "instruction": request, "text": _fenced(text)},
        max_tokens=max_tokens_for(text),
        budget=budget,
        max_chars=_MAX_LENGTH_RATIO * len(text.strip()) + _LENGTH_MARGIN,
    )
    result = _judged(
        answer,
        text,
        [*allowed, year],
        _Checks(instruction=instruction, tables=tables, fmt=_format(fmt), heading=heading, unlock=unlock),
    )
    if progress:
        progress(_outcome(heading, text, result, answer))
    return result


@dataclass(frozen=True)
class _Checks:
    """What the guard needs besides the texts and the allowed figures."""

    instruction: str | None
    tables: Mapping[str, Value | None] | None
    fmt: ReportFormat | None
    heading: str
    unlock: bool


def _judged(answer: Answer, text: str, allowed: list[Value], checks: _Checks) -> Rewrite:
    """The rewrite to use, from the model's `answer` for the section `text`."""
    if answer.cause in ("no_time", "failed"):
        return Rewrite(text=text, accepted=False, reasons=[f"{answer.reason}，保留原文"])
    rewritten, fence_closed = _cleaned(answer.text)
    if answer.cause in _CUT_OFF and not fence_closed:
        if answer.cause == "length" and rewritten:
            # Still checked: a cut-off answer with an invented number says so too.
            problems = _problems(rewritten, text, allowed, checks)
            return Rewrite(text=text, accepted=False, reasons=[answer.reason or "", *problems])
        return Rewrite(text=text, accepted=False, reasons=[f"{answer.reason}，保留原文"])
    if not rewritten:
        return Rewrite(text=text, accepted=False, reasons=["模型没有给出改写结果，保留原文"])
    if rewritten == _fenced(text).strip():
        return Rewrite(text=text, accepted=True)  # the section as it was
    reasons = _problems(rewritten, text, allowed, checks)
    if reasons:
        return Rewrite(text=text, accepted=False, reasons=reasons)
    return Rewrite(text=rewritten, accepted=True)


def _problems(rewritten: str, text: str, allowed: list[Value], checks: _Checks) -> list[str]:
    """What is wrong with `rewritten` as a rewrite of `text`, in Chinese. Without a staff instruction,
    every figure of the original must stay."""
    guard = check_numbers(
        rewritten,
        allowed,
        text,
        tables=checks.tables,
        fmt=checks.fmt,
        heading=checks.heading,
        unlock=checks.unlock,
        request=checks.instruction or "",
    )
    problems = guard.reasons()
    if checks.instruction is None:
        # Dates and document numbers dropped are already named by the guard's lock.
        locked = () if checks.unlock else ("date", "doc_number")
        problems += [
            f"改写删去了原文中的数字“{n.raw}”"
            for n in dropped_numbers(rewritten, text)
            if n.kind not in locked
        ]
    if len(rewritten) < _MIN_LENGTH_RATIO * len(text.strip()):
        problems.append(
            f"改写结果只有 {len(rewritten)} 个字，原文有 {len(text.strip())} 个字，模型可能没有按要求改写"
        )
    return problems


def _format(fmt: str | None) -> ReportFormat | None:
    return fmt if fmt in get_args(ReportFormat) else None  # type: ignore[return-value]


def _outcome(heading: str, original: str, result: Rewrite, answer: Answer) -> str:
    """The progress line after the call, in Chinese."""
    took = f"{answer.seconds:.0f} 秒"
    if not result.accepted:
        return f"“{heading}”保留原文（{took}）：{result.reasons[0]}"
    if result.text == original:
        return f"“{heading}”：模型没有改动（{took}）"
    return f"“{heading}”已由模型改写，数字核对通过（{took}）"


def _fenced(text: str) -> str:
    """The section as data: a fence marker inside it cannot close the fence early."""
    return text.replace(_FENCE_CLOSE, "＜/原文＞").replace(_FENCE_OPEN, "＜原文＞")


def _cleaned(answer: str) -> tuple[str, bool]:
    """The answer without reasoning (<think>…</think>) or a code fence; of an answer that repeats the
    prompt's fence, only what is inside it. True when that fence was closed: the text is complete
    even if the answer went on and was cut off."""
    answer = visible_text(answer).strip()
    if m := _CODE_FENCE.match(answer):
        answer = m.group(1)
    if _FENCE_OPEN in answer:
        answer = answer.rsplit(_FENCE_OPEN, 1)[1]
    inside, closed, _ = answer.partition(_FENCE_CLOSE)
    return inside.strip(), bool(closed)
