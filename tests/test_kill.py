"""Nothing is half-written: `revise` and `draft` killed with SIGKILL at random moments (seeded) leave the old draft
or a complete new one; `ingest` killed so leaves a store that agrees with itself and that a second run completes.
The long run (≥ 50 kills of each) is `benchmarks/kill.py`."""

from __future__ import annotations

from pathlib import Path

import pytest
from kill import make_sample_draft, run


@pytest.mark.parametrize(("kind", "trials"), [("revise", 4), ("draft", 4), ("ingest", 2)])
def test_a_killed_command_leaves_the_old_state_or_a_whole_new_one(
    tmp_path: Path, kind: str, trials: int
) -> None:
    source = tmp_path / "sample.json"
    make_sample_draft(source)
    folder = tmp_path / kind
    folder.mkdir()
    outcome = run(kind, trials=trials, seed=3, folder=folder, source=source)
    assert outcome.trials == trials and outcome.broken == []
    assert outcome.old + outcome.new == outcome.trials
