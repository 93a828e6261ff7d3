"""Fuzzing, the fast profile (issue 14, item 1): a few hundred mutated reports, figures and chat messages.

The targets, mutations and properties live in `benchmarks/fuzz.py`, whose command runs the same with
10,000 examples or more: each input returns or raises `InputError` (nothing else escapes) within 2 s,
and a chat message that changes nothing leaves the draft unchanged. Derandomized, so every run tries
the same inputs. Every input that once failed, kept in `tests/fixtures/fuzz/`, is replayed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz import FIXTURES, LIMIT_S, Tally, fixtures, replay, run_target

# Examples per target: 500 in all, some 10 s on two cores.
FAST = {"document": 200, "figures-text": 120, "figures-file": 80, "revise": 100}


@pytest.mark.parametrize("target", list(FAST))
def test_fuzz_target(target: str) -> None:
    tally = Tally()
    run_target(target, FAST[target], tally, strict=True)
    assert tally.failures == 0
    assert tally.cases > 0
    assert tally.slowest < LIMIT_S


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.name)
def test_fuzz_regression(path: Path) -> None:
    assert replay(path) < LIMIT_S


def test_fixtures_folder_is_explained() -> None:
    assert (FIXTURES / "README.md").exists()
