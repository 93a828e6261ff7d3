"""Nothing lost when the process is killed: `reportassist revise` and `reportassist draft` stopped with SIGKILL
at random moments, then the draft file is checked.

Run from the checkout:

    .venv/bin/python benchmarks/kill.py [--trials 50] [--seed 7]

Each trial starts the command in a fresh process on a copy of the sample 2025 draft (示例市科学技术局), waits a
random time (seeded) between half and 1.3 times the command's own measured run time, and kills it with SIGKILL
if it is still running. Afterwards the
draft file must be either exactly the old one (or absent, for `draft`) or a complete new one that reads back as
a draft; for `revise`, a new one has the change and its version in the history. Printed per command: trials,
killed before the end, old kept, new written, broken (must be 0), and temporary files left beside the draft.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
MESSAGE = "行政处罚的处理决定改为13件"


@dataclass
class Outcome:
    trials: int = 0
    killed: int = 0
    old: int = 0
    new: int = 0
    broken: list[str] = field(default_factory=list)
    leftovers: int = 0


def make_sample_draft(path: Path) -> None:
    """The sample 2025 draft, saved as JSON at `path`."""
    from reportassist import read_report
    from reportassist.drafting import DraftInputs, assemble_draft, save_draft
    from reportassist.given_figures import load_figures

    given = load_figures(SAMPLE / "figures-2025.yaml", 2025)
    inputs = DraftInputs(
        prior=read_report(SAMPLE / "2024.md"), year=2025, figures=given.figures, figures_source="f"
    )
    save_draft(assemble_draft(inputs), path)


def _command(kind: str, folder: Path) -> tuple[list[str], Path]:
    draft = folder / "草稿.json"
    if kind == "revise":
        return [sys.executable, "-m", "reportassist", "revise", str(draft), MESSAGE], draft
    out = folder / "新草稿.json"
    args = ["draft", "--year", "2025", "--prior", str(SAMPLE / "2024.md")]
    args += ["--figures", str(SAMPLE / "figures-2025.yaml"), "--out", str(out)]
    return [sys.executable, "-m", "reportassist", *args], out


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "REPORTASSIST_LLM_URL": "", "REPORTASSIST_STORE": str(folder / "store")}


def run_time(kind: str, folder: Path, source: Path) -> float:
    """How long the command takes when it is not killed, in seconds."""
    shutil.copy(source, folder / "草稿.json")
    command, _ = _command(kind, folder)
    started = time.monotonic()
    subprocess.run(command, env=_env(folder), capture_output=True, check=True, timeout=300)
    return time.monotonic() - started


def trial(kind: str, folder: Path, source: Path, delay: float, outcome: Outcome) -> None:
    """One run of `kind` killed after `delay` seconds (or let finish), and its file checked."""
    from reportassist.drafting import load_draft
    from reportassist.errors import InputError

    for item in folder.iterdir():
        if item.is_file():
            item.unlink()
    shutil.copy(source, folder / "草稿.json")
    before = source.read_bytes()
    command, target = _command(kind, folder)
    process = subprocess.Popen(
        command, env=_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        outcome.killed += 1
    process.wait(timeout=60)
    outcome.trials += 1
    outcome.leftovers += sum(1 for p in folder.iterdir() if p.name.endswith(".tmp"))
    if kind == "draft" and not target.exists():
        outcome.old += 1
        return
    if kind == "revise" and target.read_bytes() == before:
        outcome.old += 1
        return
    try:
        draft = load_draft(target)
    except InputError as exc:
        outcome.broken.append(f"{kind} after {delay:.2f} s: {exc}")
        return
    if kind == "revise" and (
        draft.figures.get("t2.penalty.decisions") != 13 or draft.history[-1].message != MESSAGE
    ):
        outcome.broken.append(f"revise after {delay:.2f} s: a draft without the change")
        return
    outcome.new += 1


def run(kind: str, trials: int, seed: int, folder: Path, source: Path) -> Outcome:
    """`trials` runs of `kind`, each killed after a random delay between half and 1.3 times its normal run
    time: most of a run is starting up and reading; the delays crowd round the moment it writes."""
    rng = random.Random(seed)
    normal = run_time(kind, folder, source)
    outcome = Outcome()
    for _ in range(trials):
        trial(kind, folder, source, rng.uniform(0.5 * normal, 1.3 * normal), outcome)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    import tempfile

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sample.json"
        make_sample_draft(source)
        for kind in ("revise", "draft"):
            folder = Path(tmp) / kind
            folder.mkdir()
            outcome = run(kind, args.trials, args.seed, folder, source)
            print(
                f"{kind}: trials {outcome.trials}, killed {outcome.killed}, old kept {outcome.old}, "
                f"new written {outcome.new}, broken {len(outcome.broken)}, temporary files left {outcome.leftovers}"
            )
            for line in outcome.broken:
                print("  broken:", line)
            failed |= bool(outcome.broken)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
