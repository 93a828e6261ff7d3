"""Fake chat models for the exact cases of the language-model tests: a stream that never ends, a stream of
given chunks. They stand in for a model where the exact answer or timing must be controlled; the real small
model is exercised in test_llm_model.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr


class Endless(BaseChatModel):
    """A fake chat model that never stops: one character every `pause` seconds, forever. It records how
    many it sent and whether its stream was closed (what closes the HTTP connection of a real client)."""

    pause: float = 0.05
    text: str = "。"
    _sent: int = PrivateAttr(default=0)
    _closed: threading.Event = PrivateAttr(default_factory=threading.Event)

    @property
    def _llm_type(self) -> str:
        return "endless-fake"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        raise NotImplementedError("streams only")

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        try:
            while True:
                time.sleep(self.pause)
                self._sent += 1
                yield ChatGenerationChunk(message=AIMessageChunk(content=self.text))
        finally:
            self._closed.set()


class Streamed(BaseChatModel):
    """A fake chat model that streams the given chunks, metadata included (GenericFakeChatModel's stream
    drops the finish reason)."""

    chunks: list[AIMessageChunk]

    @property
    def _llm_type(self) -> str:
        return "streamed-fake"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        raise NotImplementedError("streams only")

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in self.chunks:
            yield ChatGenerationChunk(message=chunk)
