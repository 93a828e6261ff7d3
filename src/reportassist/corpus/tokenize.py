"""Chinese words for keyword search: jieba, the same way at index and at query time."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from reportassist.corpus.caches import jieba_frequencies

__all__ = ["words"]

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Where a text may be cut without changing jieba's words: after a character jieba never joins to a word.
_SENTENCE = re.compile(r"(?<=[。！？；，\n])")
# Words that occur in nearly every section of every report and tell sections apart poorly.
_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "等",
        "是",
        "在",
        "对",
        "为",
        "将",
        "并",
        "或",
        "也",
        "以",
        "于",
        "由",
        "把",
        "被",
        "其",
        "之",
        "中",
        "年",
        "月",
        "日",
        "我",
        "局",
        "我局",
        "我区",
        "我市",
        "本",
        "个",
        "件",
        "条",
        "项",
        "次",
        "进一步",
        "工作",
        "情况",
        "开展",
        "加强",
        "做好",
        "相关",
        "有关",
        "一是",
        "二是",
        "三是",
        "四是",
        "五是",
    ]
)


def words(text: str) -> list[str]:
    """Search words of a text: jieba's search-mode cut, punctuation and stopwords dropped.

    jieba cuts runs of Chinese characters, letters and digits one by one: cut at a sentence's end, the
    text gives the same words, and each sentence is cut once however many reports repeat it.
    """
    return [
        w
        for sentence in _SENTENCE.split(text)
        for w in _cut(sentence)
        if _WORD.search(w) and w not in _STOPWORDS
    ]


@lru_cache(maxsize=65536)
def _cut(sentence: str) -> tuple[str, ...]:
    return tuple(_tokenizer().lcut_for_search(sentence))


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    return jieba_frequencies()  # jieba on its cached dictionary (caches.py)
