"""The corpus of past reports: ingest into a store, retrieve similar sections (keyword + dense)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from reportassist.corpus.chunks import Chunk, chunk_report
from reportassist.corpus.embeddings import get_embeddings
from reportassist.corpus.filters import ChunkFilter
from reportassist.corpus.retrievers import DenseRetriever, HybridRetriever, KeywordRetriever, Scored
from reportassist.corpus.store import CorpusStore, IngestResult, Mode
from reportassist.corpus.vectors import ChromaServer
from reportassist.errors import InputError
from reportassist.settings import Settings, get_settings

__all__ = [
    "ChromaServer",
    "Chunk",
    "ChunkFilter",
    "CorpusStore",
    "DenseRetriever",
    "HybridRetriever",
    "IngestResult",
    "KeywordRetriever",
    "Mode",
    "Scored",
    "chunk_report",
    "open_store",
]


def open_store(
    store: Path | None = None,
    chroma: ChromaServer | None = None,
    embedding: str | None = None,
    settings: Settings | None = None,
) -> CorpusStore:
    """The store named by the arguments, falling back to the settings (REPORTASSIST_STORE, …)."""
    settings = settings or get_settings()
    root = (store or settings.store).expanduser()
    server = chroma or _server_from_url(settings.chroma_url)
    name = embedding or settings.embedding
    return CorpusStore(root, get_embeddings(name), server, name)


def _server_from_url(url: str | None) -> ChromaServer | None:
    if not url:
        return None
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname or not parsed.port:
        raise InputError(f"Chroma 服务器地址“{url}”无效，应形如 http://127.0.0.1:8000。")
    return ChromaServer(parsed.hostname, parsed.port)
