"""The chat model the settings name, or None: the project works fully without one.

The only host ever contacted is the configured `llm_url`: the HTTP clients ignore proxy variables of the
environment, and no OpenAI key of the environment is sent to a local server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from reportassist.errors import InputError
from reportassist.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["chat_model"]

# Rewriting a report wants faithful, repeatable wording rather than variety.
_TEMPERATURE = 0.2
# No retry: a retried request is a second generation the server runs while the first may still be running,
# for an answer the caller may no longer wait for (its time budget, `llm.budget`, decides instead).
_MAX_RETRIES = 0
# What an OpenAI-compatible client must send when the server checks no key.
_NO_KEY = "not-needed"


def chat_model(settings: Settings | None = None, *, max_tokens: int | None = None) -> BaseChatModel | None:
    """The chat model at `settings.llm_url`, or None when no URL is set.

    `max_tokens` caps the length of each answer (None: the server's own limit); `ask.ask_model` caps each
    call further, from the length of the answer it expects.
    """
    settings = settings or get_settings()
    if not settings.llm_url:
        return None
    if not settings.llm_model:
        raise InputError(
            "设置了大语言模型服务地址 llm_url（REPORTASSIST_LLM_URL），但没有设置模型名称 llm_model"
            "（REPORTASSIST_LLM_MODEL）"
        )
    if settings.llm_api_key and not settings.llm_api_key.isascii():
        raise InputError(
            "大语言模型服务的密钥 llm_api_key（REPORTASSIST_LLM_API_KEY）只能包含英文字母、数字和符号"
        )
    # The clients take seconds to import: only when a model is configured.
    import httpx

    if settings.llm_provider == "ollama":
        from langchain_ollama import ChatOllama

        headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        return ChatOllama(
            model=settings.llm_model,
            base_url=settings.llm_url,
            temperature=_TEMPERATURE,
            num_predict=max_tokens,
            client_kwargs={"timeout": settings.llm_timeout, "trust_env": False, "headers": headers},
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_url,
        api_key=SecretStr(settings.llm_api_key or _NO_KEY),
        use_responses_api=False,
        temperature=_TEMPERATURE,
        # As `max_tokens` in the request body: ChatOpenAI would send `max_completion_tokens`, which
        # llama.cpp's and other OpenAI-compatible servers ignore.
        extra_body={"max_tokens": max_tokens} if max_tokens else None,
        timeout=settings.llm_timeout,
        max_retries=_MAX_RETRIES,
        openai_proxy=None,
        http_client=httpx.Client(trust_env=False, timeout=settings.llm_timeout),
        http_async_client=httpx.AsyncClient(trust_env=False, timeout=settings.llm_timeout),
    )
