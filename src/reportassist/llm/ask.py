"""One bounded question to the language model: the only path by which this package calls a model.

A small model on a busy machine may answer slowly or never stop (an answer of 3,679 tokens took 254 s),
and an abandoned request keeps the server busy while the next ones queue behind it. So every call here:

- caps the answer's tokens (`max_tokens`, sent with the request: llama.cpp's and vLLM's `max_tokens`,
  Ollama's `num_predict`);
- streams the answer, and stops reading when the caller's `Budget` runs out or the answer is longer
  than `max_chars` (a rambling answer), closing the stream: the HTTP connection is closed and the
  server stops generating;
- waits for the stream in a worker thread, so that a model that sends nothing (still reading the
  prompt, or hung) cannot hold the caller past the deadline either;
- never raises for what the model or its server does: the `Answer` says, in Chinese, why it is
  incomplete, and the caller keeps its deterministic text.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from queue import Empty, Queue
from typing import Any, Literal

import httpx
from langchain_core.exceptions import ContextOverflowError, ModelConnectionError, ModelTimeoutError
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage, BaseMessageChunk
from langchain_core.runnables import Runnable

from reportassist.llm.budget import Budget
from reportassist.llm.prompts import chat_prompt

__all__ = ["Answer", "AnswerCause", "ask_model", "max_tokens_for", "visible_text"]

AnswerCause = Literal["done", "length", "timeout", "too_long", "no_time", "failed"]

# Tokens per character of the expected answer, and a margin for short answers: a Chinese character is
# one token or less for the usual tokenizers, so twice the length leaves room for a fuller rewording.
_TOKENS_PER_CHAR = 2
_TOKEN_MARGIN = 64
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
# How long the worker may take to hand over its last chunk once the stream has ended.
_END_GRACE = 0.05


@dataclass(frozen=True)
class Answer:
    """What the model said: `text` as received (partial unless `finished`), and why it is incomplete.

    `cause` is "done" for a complete answer; "length" (cut at the token limit), "timeout" (the budget ran
    out while it answered), "too_long" (longer than the caller wanted: reading stopped), "no_time" (the
    budget was spent before the call: the model was not asked), "failed" (the server failed). `reason`
    says it in Chinese for staff; `seconds` is how long the call waited.
    """

    text: str
    finished: bool
    reason: str | None = None
    cause: AnswerCause = "done"
    seconds: float = 0.0


def max_tokens_for(text: str) -> int:
    """The token limit for an answer meant to be about as long as `text` (a rewrite of it)."""
    return _TOKENS_PER_CHAR * len(text) + _TOKEN_MARGIN


def visible_text(answer: str) -> str:
    """The answer without the model's reasoning (<think>…</think>, or an unfinished <think>…)."""
    return _THINK.sub("", answer).rsplit("</think>", 1)[-1]


def ask_model(
    model: BaseChatModel,
    prompt_name: str,
    values: Mapping[str, Any],
    *,
    max_tokens: int,
    budget: Budget | None = None,
    max_chars: int | None = None,
) -> Answer:
    """Ask `model` the chat prompt `prompts/<prompt_name>.md` filled with `values`, within bounds.

    At most `max_tokens` tokens are asked for; reading stops when `budget` runs out or the answer, less
    its reasoning, is longer than `max_chars`. Whatever happens, this returns within the budget (plus the
    time to hand over a chunk), and an abandoned stream is closed.
    """
    budget = budget or Budget.unlimited()
    if budget.expired:
        return Answer(
            text="",
            finished=False,
            reason=f"本次限定的 {budget.describe()}已用完，没有再请大语言模型回答",
            cause="no_time",
        )
    runnable = chat_prompt(prompt_name) | capped(model, max_tokens, budget)
    started = time.monotonic()
    stream = _Stream(runnable, dict(values))
    try:
        answer = _read(stream, budget, max_chars)
    finally:
        stream.stop()  # whatever ended the reading (even an interrupt), the stream is closed
    return Answer(
        text=answer.text,
        finished=answer.finished,
        reason=answer.reason,
        cause=answer.cause,
        seconds=time.monotonic() - started,
    )


def capped(
    model: BaseChatModel, max_tokens: int, budget: Budget
) -> Runnable[LanguageModelInput, BaseMessage]:
    """`model` asking for at most `max_tokens` tokens per answer, each request timing out with the budget.

    An OpenAI-compatible client gets `max_tokens` in the request body (ChatOpenAI itself would send
    `max_completion_tokens`, which llama.cpp's server ignores) and a request timeout of the time left; an
    Ollama client gets `num_predict`. A limit already set on the model is kept when it is lower.
    """
    fields = type(model).model_fields
    if "extra_body" in fields:
        extra = dict(getattr(model, "extra_body", None) or {})
        extra["max_tokens"] = _lower(extra.get("max_tokens"), max_tokens)
        options: dict[str, Any] = {"extra_body": extra}
        if budget.limited:
            # Also ends a request the server has not begun to answer (it is still reading the prompt).
            options["timeout"] = max(budget.remaining(), 0.1)
        return model.bind(**options)
    if "num_predict" in fields:
        limit = _lower(getattr(model, "num_predict", None), max_tokens)
        return model.model_copy(update={"num_predict": limit})
    return model


def _lower(current: object, wanted: int) -> int:
    return min(current, wanted) if isinstance(current, int) and current > 0 else wanted


class _End:
    """The worker's last item: the stream ended (normally, or because it was told to stop)."""


@dataclass(frozen=True)
class _Failure:
    error: BaseException


class _Stream:
    """The model's answer, read in a daemon thread and handed over chunk by chunk through a queue.

    `stop()` asks the worker to close the stream at its next chunk: the generator chain down to the
    HTTP response is closed, which closes the connection, and the server stops generating.
    """

    def __init__(self, runnable: Runnable[dict[str, Any], BaseMessage], values: dict[str, Any]) -> None:
        self.items: Queue[BaseMessageChunk | BaseMessage | _Failure | _End] = Queue()
        self._stopping = threading.Event()
        context = contextvars.copy_context()  # LangChain's callbacks and tracing live in context variables
        self._thread = threading.Thread(
            target=context.run, args=(self._work, runnable, values), name="reportassist-llm", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()

    def _work(self, runnable: Runnable[dict[str, Any], BaseMessage], values: dict[str, Any]) -> None:
        chunks: Iterator[BaseMessage] | None = None
        try:
            chunks = runnable.stream(values)
            for chunk in chunks:
                if self._stopping.is_set():
                    break
                self.items.put(chunk)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who never raises for the model
            self.items.put(_Failure(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):  # nobody may be waiting to hear of it
                    close()
            self.items.put(_End())


@dataclass
class _Progress:
    text: str = ""
    finish_reason: str = ""


def _read(stream: _Stream, budget: Budget, max_chars: int | None) -> Answer:
    """Collect the answer until it ends, the budget runs out or it grows past `max_chars`."""
    got = _Progress()
    while True:
        wait = budget.remaining()
        try:
            item = stream.items.get(timeout=None if math.isinf(wait) else wait)
        except Empty:
            return _timed_out(got.text, budget)
        if isinstance(item, _End):
            return _ended(got)
        if isinstance(item, _Failure):
            return Answer(text=got.text, finished=False, reason=failure_reason(item.error), cause="failed")
        _take(got, item)
        if max_chars is not None and len(visible_text(got.text).strip()) > max_chars:
            return Answer(
                text=got.text,
                finished=False,
                reason=f"模型的回答超过了应有的长度（{max_chars} 字）仍未结束，已停止读取",
                cause="too_long",
            )
        if budget.expired:
            return _at_deadline(stream, got, budget)


def _take(got: _Progress, chunk: BaseMessage) -> None:
    got.text += chunk.text
    metadata = dict(chunk.response_metadata or {})
    reason = metadata.get("finish_reason") or metadata.get("done_reason")
    if reason:
        got.finish_reason = str(reason)


def _at_deadline(stream: _Stream, got: _Progress, budget: Budget) -> Answer:
    """The answer when the deadline passed while chunks were arriving: complete if the stream has just
    ended (an answer finished at the deadline is no timeout), else cut off."""
    try:
        item = stream.items.get(timeout=_END_GRACE)
    except Empty:
        item = None
    if isinstance(item, _End):
        return _ended(got)
    if isinstance(item, BaseMessage):
        _take(got, item)
    return _timed_out(got.text, budget)


def _ended(got: _Progress) -> Answer:
    if got.finish_reason == "length":
        return Answer(
            text=got.text, finished=False, reason="模型的回答达到长度上限被截断，不完整", cause="length"
        )
    return Answer(text=got.text, finished=True)


def _timed_out(text: str, budget: Budget) -> Answer:
    return Answer(
        text=text,
        finished=False,
        reason=f"大语言模型在本次限定的 {budget.describe()}内没有答完",
        cause="timeout",
    )


def failure_reason(exc: BaseException) -> str:
    """Why a call failed, in Chinese, from what the client raised."""
    if isinstance(exc, ModelTimeoutError | TimeoutError | httpx.TimeoutException) or _is_openai_timeout(exc):
        return "大语言模型在规定时间内没有回答（超时）"
    if isinstance(exc, ModelConnectionError | ConnectionError | httpx.TransportError):
        return f"无法连接大语言模型服务（{exc}）"
    if isinstance(exc, ContextOverflowError):
        return "这一节太长，超出了大语言模型能处理的长度"
    return f"调用大语言模型失败（{type(exc).__name__}：{exc}）"


def _is_openai_timeout(exc: BaseException) -> bool:
    """openai's APITimeoutError, without importing openai (seconds) when no OpenAI client is used."""
    return type(exc).__name__ == "APITimeoutError"
