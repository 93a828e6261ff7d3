"""Every setting of reportassist in one place, read from `REPORTASSIST_*` environment variables.

Each field is documented in the README's table of settings; a test fails when one is not.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTASSIST_", extra="ignore")

    store: Path = Field(
        default=Path("~/.reportassist"),
        description="Folder of the corpus store (reports, their sections, the embedded Chroma database).",
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server (`chroma run`) to use instead of the embedded database, e.g. http://127.0.0.1:8000.",
    )
    embedding: str = Field(
        default="use-multilingual",
        description="Embeddings for dense retrieval: `use-multilingual`, `hashing`, or `sentence-transformers:<local path>`.",
    )

    max_input_mb: float = Field(
        default=20.0,
        gt=0,
        description="Largest input file accepted, in MB; an annual report is far smaller, so a larger file is refused.",
    )
    archive_max_mb: float = Field(
        default=200.0,
        gt=0,
        description="Largest total a .docx/.xlsx may declare it unpacks to, or a PDF's streams unpack to, in MB; checked before reading.",
    )
    archive_max_ratio: float = Field(
        default=100.0,
        gt=0,
        description="Largest compression ratio of one member (of 1 MB or more) of a .docx/.xlsx; a zip bomb's is far higher.",
    )
    pdf_max_pages: int = Field(
        default=300,
        gt=0,
        description="Most pages of a PDF that is read; an annual report has a few dozen at most.",
    )
    max_line_chars: int = Field(
        default=100_000,
        gt=0,
        description="Longest line of a text or Markdown file, in characters; a report's paragraphs are far shorter.",
    )
    overview_max_chars: int = Field(
        default=1500,
        gt=0,
        description="Length of 一、总体情况 (gb2021) past which `length.overview` warns; the format asks for about 1,000.",
    )
    repeated_ratio: float = Field(
        default=0.85,
        gt=0,
        le=1,
        description="Similarity of this year's and last year's 五 at or above which `text.repeated` warns.",
    )

    docx_template: Path | None = Field(
        default=None,
        description="Reference .docx whose styles the Word export uses instead of the bundled 公文 template.",
    )

    llm_url: str | None = Field(
        default=None,
        description="An OpenAI-compatible server (vLLM, llama.cpp server, Ollama's /v1), e.g. "
        "http://127.0.0.1:8080/v1, or with llm_provider=ollama the Ollama base URL; None: no language model.",
    )
    llm_model: str | None = Field(default=None, description="Name of the model the server is to run.")
    llm_api_key: str | None = Field(
        default=None,
        description="API key of the server; unset, a placeholder is sent (servers that ignore keys still want "
        "one), never the environment's OPENAI_API_KEY.",
    )
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for one answer of the model.")
    llm_turn_seconds: float = Field(
        default=90.0,
        gt=0,
        description="Seconds a chat turn may wait for the model in all; then the text is kept.",
    )
    llm_draft_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Seconds a whole draft may wait for the model's rewrites; sections not reached keep their text.",
    )
    llm_provider: Literal["openai", "ollama"] = Field(
        default="openai",
        description="openai: an OpenAI-compatible endpoint (ChatOpenAI); ollama: Ollama's own API (ChatOllama).",
    )

    auth: str | None = Field(
        default=None,
        description="Users of the web app, USER:PASSWORD, several separated by commas; None: no login page.",
    )
    upload_max_mb: float = Field(
        default=50.0,
        gt=0,
        description="Total size of the files one draft of the web app may be given (reports and a figures file), "
        "in MB; an upload past it is refused and nothing of it kept.",
    )
    temp_seconds: int = Field(
        default=86_400,
        ge=1,
        description="Seconds the web app keeps its temporary files (uploads as received, files offered for "
        "download); older ones are removed, checked every 1/24 of it (at least every second), and all when "
        "the app stops.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
