"""BM25 over the index's segments, with the statistics of the whole index.

Each segment keeps its postings: for every word, the rows that hold it and how often (`tf`), and every row's
length in words. The scores are computed at query time from the postings of the query's words, with the
document frequencies, the number of rows and the average length summed over all segments: a row scores the
same whichever segment it is in, and adding a segment changes no other segment's files. The formula is
Lucene's BM25 (as bm25s computes it: idf = ln(1 + (N − df + ½) / (df + ½)), tf / (tf + k1·(1 − b + b·len/avg))),
a word repeated in the query counting each time.

Files in a segment's folder:

    words.json          the segment's words, in the order of their postings
    word_start.npy      where each word's postings begin (one more entry than words)
    posting_row.npy, posting_tf.npy   the postings, word by word: a row, and how often it holds the word
    row_length.npy      each row's length in words
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["Postings", "bm25_scores", "write_postings"]

K1 = 1.5
B = 0.75


def write_postings(folder: Path, rows: Iterable[list[str]]) -> None:
    """Write the postings of `rows` (each row's words, repeats included) into `folder`."""
    vocabulary: dict[str, int] = {}
    # one entry per (row, word): flat buffers of machine integers, not an array per row
    words, row_ids, counts, lengths = array("i"), array("i"), array("i"), array("i")
    for row, row_words in enumerate(rows):
        lengths.append(len(row_words))
        counted = Counter(vocabulary.setdefault(word, len(vocabulary)) for word in row_words)
        words.extend(counted.keys())
        counts.extend(counted.values())
        row_ids.extend([row] * len(counted))
    word = np.frombuffer(words, dtype=np.int32)
    order = np.argsort(word, kind="stable")  # by word, rows ascending within a word
    word_start = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(np.bincount(word, minlength=len(vocabulary)), out=word_start[1:])
    np.save(folder / "word_start.npy", word_start)
    np.save(folder / "posting_row.npy", np.frombuffer(row_ids, dtype=np.int32)[order])
    np.save(folder / "posting_tf.npy", np.frombuffer(counts, dtype=np.int32)[order])
    np.save(folder / "row_length.npy", np.frombuffer(lengths, dtype=np.int32))
    (folder / "words.json").write_text(json.dumps(list(vocabulary), ensure_ascii=False), encoding="utf-8")


class Postings:
    """One segment's postings, opened."""

    def __init__(self, folder: Path) -> None:
        self.words = {
            word: number
            for number, word in enumerate(json.loads((folder / "words.json").read_text(encoding="utf-8")))
        }
        # memory-mapped: a query reads the postings of its own words only
        self._start = np.load(folder / "word_start.npy", mmap_mode="r")
        self._row = np.load(folder / "posting_row.npy", mmap_mode="r")
        self._tf = np.load(folder / "posting_tf.npy", mmap_mode="r")
        self.row_length = np.load(folder / "row_length.npy", mmap_mode="r")
        self.total_length = int(self.row_length.sum(dtype=np.int64))

    def __len__(self) -> int:
        return len(self.row_length)

    def frequency(self, word: str) -> int:
        """How many rows hold the word."""
        number = self.words.get(word)
        return 0 if number is None else int(self._start[number + 1] - self._start[number])

    def postings(self, word: str) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
        """The rows holding the word, and how often each holds it."""
        number = self.words.get(word)
        if number is None:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty
        first, end = self._start[number], self._start[number + 1]
        return self._row[first:end], self._tf[first:end]


def bm25_scores(
    segments: Sequence[Postings], words: list[str], wanted: Sequence[bool]
) -> list[NDArray[np.float64] | None]:
    """Each segment's BM25 scores for the query's words (None for a segment not `wanted`, or where no word of
    the query occurs), with the statistics of all segments together."""
    rows = sum(len(s) for s in segments)
    if not rows:
        return [None] * len(segments)
    average = max(sum(s.total_length for s in segments) / rows, 1e-9)
    idf = {}
    for word in set(words):
        frequency = sum(s.frequency(word) for s in segments)
        if frequency:
            idf[word] = np.log(1 + (rows - frequency + 0.5) / (frequency + 0.5))
    out: list[NDArray[np.float64] | None] = []
    for segment, want in zip(segments, wanted, strict=True):
        scores: NDArray[np.float64] | None = None
        for word in words if want else []:
            if word not in idf:
                continue
            found, tf = segment.postings(word)
            if not len(found):
                continue
            if scores is None:
                scores = np.zeros(len(segment))
            length = segment.row_length[found] / average
            scores[found] += idf[word] * tf / (tf + K1 * (1 - B + B * length))
        out.append(scores)
    return out
