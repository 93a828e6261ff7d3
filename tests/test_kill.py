"""A draft is never half-written: `revise` and `draft` killed with SIGKILL at random moments (seeded) leave the
old draft or a complete new one. The long run (≥ 50 kills of each) is `benchmarks/kill.py`."""

from __future__ import annotations

from pathlib import Path

import pytest
from kill import make_sample_draft, run


@pytest.mark.parametrize("kind", ["revise", "draft"])
def test_a_killed_command_leaves_the_old_draft_or_a_whole_new_one(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "sample.json"
    make_sample_draft(source)
    folder = tmp_path / kind
    folder.mkdir()
    outcome = run(kind, trials=4, seed=3, folder=folder, source=source)
    assert outcome.trials == 4 and outcome.broken == []
    assert outcome.old + outcome.new == outcome.trials
