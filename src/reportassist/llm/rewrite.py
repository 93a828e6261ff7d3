"""One section rewritten by the language model, kept only when the number guard lets it through.

The model sees the section as fenced data (see prompts/rewrite_section.md). Its answer is cleaned of
reasoning and code fences, then checked: no number that is neither given nor in the original, every
placeholder kept, and nothing that suggests the model did something else than rewrite (an answer cut
off at the token limit or far shorter than the section; without a staff instruction, a figure of the
original gone). Anything else keeps the original, with the reasons in Chinese. A model that fails never
raises here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.exceptions import ContextOverflowError, ModelConnectionError, ModelTimeoutError
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.prompts import PromptTemplate

from reportassist.llm.guard import check_numbers, dropped_numbers
from reportassist.llm.prompts import chat_prompt, prompt_part
from reportassist.model import Value

__all__ = ["Rewrite", "rewrite_section"]

_PROMPT = "rewrite_section"
_FENCE_OPEN, _FENCE_CLOSE = "<原文>", "</原文>"
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
_CODE_FENCE = re.compile(r"^```[^\n]*\n(.*?)\n?```$", re.DOTALL)
# An answer shorter than this share of the section is not a rewrite of it.
_MIN_LENGTH_RATIO = 0.3


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
) -> Rewrite:
    """Ask `model` to rewrite one section for `year`; accept the answer only if it passes the guard.

    `allowed` are this year's figures and those derived from them (the report year itself is allowed too);
    `instruction` is the staff's request (default: update the wording for the year, keeping every figure
    and placeholder).
    """
    chain = chat_prompt(_PROMPT) | model | StrOutputParser()
    request = instruction or PromptTemplate.from_template(prompt_part(_PROMPT, "default_instruction")).format(
        year=year
    )
    stops = _StopReasons()
    try:
        answer = chain.invoke(
            {"year": year, "heading": heading, "instruction": request, "text": _fenced(text)},
            config={"callbacks": [stops]},
        )
    except Exception as exc:  # noqa: BLE001 - whatever the model or its server does, the draft keeps its text
        return Rewrite(text=text, accepted=False, reasons=[_failure(exc)])
    rewritten, fence_closed = _cleaned(answer)
    if not rewritten:
        return Rewrite(text=text, accepted=False, reasons=["模型没有给出改写结果，保留原文"])
    if rewritten == _fenced(text).strip():
        return Rewrite(text=text, accepted=True)  # the section as it was
    reasons = _problems(rewritten, text, [*allowed, year], keep_all=instruction is None)
    if "length" in stops.reasons and not fence_closed:
        reasons.insert(0, "模型的回答达到长度上限被截断，不完整")
    if reasons:
        return Rewrite(text=text, accepted=False, reasons=reasons)
    return Rewrite(text=rewritten, accepted=True)


def _problems(rewritten: str, text: str, allowed: list[Value], *, keep_all: bool) -> list[str]:
    """What is wrong with `rewritten` as a rewrite of `text`, in Chinese; `keep_all`: every figure must stay."""
    problems = check_numbers(rewritten, allowed, text).reasons()
    if keep_all:
        problems += [f"改写删去了原文中的数字“{n.raw}”" for n in dropped_numbers(rewritten, text)]
    if len(rewritten) < _MIN_LENGTH_RATIO * len(text.strip()):
        problems.append(
            f"改写结果只有 {len(rewritten)} 个字，原文有 {len(text.strip())} 个字，模型可能没有按要求改写"
        )
    return problems


class _StopReasons(BaseCallbackHandler):
    """Why the model stopped answering; "length" is an answer cut off at the token limit."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        for generations in response.generations:
            for generation in generations:
                info = dict(generation.generation_info or {})
                if isinstance(generation, ChatGeneration):
                    info |= generation.message.response_metadata
                self.reasons.append(str(info.get("finish_reason") or info.get("done_reason") or ""))


def _fenced(text: str) -> str:
    """The section as data: a fence marker inside it cannot close the fence early."""
    return text.replace(_FENCE_CLOSE, "＜/原文＞").replace(_FENCE_OPEN, "＜原文＞")


def _cleaned(answer: str) -> tuple[str, bool]:
    """The answer without reasoning (<think>…</think>) or a code fence; of an answer that repeats the
    prompt's fence, only what is inside it. True when that fence was closed: the text is complete
    even if the answer went on and was cut off."""
    answer = _THINK.sub("", answer)
    answer = answer.rsplit("</think>", 1)[-1].strip()
    if m := _CODE_FENCE.match(answer):
        answer = m.group(1)
    if _FENCE_OPEN in answer:
        answer = answer.rsplit(_FENCE_OPEN, 1)[1]
    inside, closed, _ = answer.partition(_FENCE_CLOSE)
    return inside.strip(), bool(closed)


def _failure(exc: Exception) -> str:
    if isinstance(exc, ModelTimeoutError | TimeoutError | httpx.TimeoutException):
        return "大语言模型在规定时间内没有回答（超时），保留原文"
    if isinstance(exc, ModelConnectionError | ConnectionError | httpx.TransportError):
        return f"无法连接大语言模型服务（{exc}），保留原文"
    if isinstance(exc, ContextOverflowError):
        return "这一节太长，超出了大语言模型能处理的长度，保留原文"
    return f"调用大语言模型失败（{type(exc).__name__}：{exc}），保留原文"
