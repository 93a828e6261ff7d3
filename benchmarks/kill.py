"""Nothing lost when the process is killed: `reportassist revise`, `reportassist draft` and `reportassist ingest`
stopped with SIGKILL at random moments, then the draft file or the corpus store is checked.

Run from the checkout:

    .venv/bin/python benchmarks/kill.py [--trials 50] [--seed 7]

Each trial starts the command in a fresh process on a copy of the sample 2025 draft (示例市科学技术局), waits a
random time (seeded) between half and 1.3 times the command's own measured run time, and kills it with SIGKILL
if it is still running. Afterwards the
draft file must be either exactly the old one (or absent, for `draft`) or a complete new one that reads back as
a draft; for `revise`, a new one has the change and its version in the history. For `ingest` (the seven sample
reports into a new store with the default embeddings), the store must open afterwards and agree with itself:
every report of its manifest has its files, and Chroma holds exactly the vectors of those reports' passages (no
orphan, no half report); then `ingest` run again completes, the store holds all seven and no temporary file is
left in it. Printed per command: trials, killed before the end, old kept, new written, broken (must be 0), and
temporary files left right after the kill (a store removes those of its own when it is next changed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportassist.corpus import ChromaServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
MESSAGE = "行政处罚的处理决定改为13件"
KINDS = ("revise", "draft", "ingest")


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
    if kind == "ingest":
        store = folder / "store"
        return [sys.executable, "-m", "reportassist", "ingest", str(SAMPLE), "--store", str(store)], store
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
    command, target = _command(kind, folder)
    if kind == "ingest":
        shutil.rmtree(target, ignore_errors=True)
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
    outcome.leftovers += sum(1 for p in folder.rglob("*") if p.name.endswith(".tmp"))
    if kind == "ingest":
        _check_store(target, folder, delay, outcome)
        return
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


def store_problems(root: Path, server: ChromaServer | None = None) -> list[str]:
    """What is wrong with the store in `root` once it is opened again (which sweeps what a killed run left):
    a report of the manifest without its files, vectors in Chroma of no passage of such a report, or missing
    ones (Chroma holds one vector a distinct passage, under its content hash)."""
    from reportassist.corpus import open_store
    from reportassist.corpus.chunks import passages
    from reportassist.corpus.segment import passage_hash
    from reportassist.corpus.vectors import open_chroma

    problems: list[str] = []
    with open_store(root, server) as store:
        expected = {f"{passage_hash(t):016x}" for c in store.chunks() for t in passages(c.text)}
        for entry in store.entries:
            if not list((root / "sources").glob(f"{entry.report_id}.*")):
                problems.append(f"{entry.path}: no source file")
        known = {e.report_id for e in store.entries}
        stray = [p.name for d in ("reports", "sources") for p in (root / d).iterdir() if p.stem not in known]
        problems += [f"stray file {name}" for name in stray]
    store_id = json.loads((root / "store.json").read_text(encoding="utf-8"))["id"]
    client = open_chroma(root, server)
    # the store creates its collection when it first writes to it: a run killed before has none
    collection = client.get_or_create_collection(f"reportassist-{store_id}", embedding_function=None)
    indexed = set(collection.get(include=[])["ids"])
    if indexed - expected:
        problems.append(f"{len(indexed - expected)} vectors in Chroma of no report in the manifest")
    if expected - indexed:
        problems.append(f"{len(expected - indexed)} passages of the manifest's reports missing from Chroma")
    return problems


def _check_store(store: Path, folder: Path, delay: float, outcome: Outcome) -> None:
    """After a kill: the store agrees with itself, kept none or some of the reports, and a second run completes it."""
    from reportassist.corpus import open_store

    if not (store / "store.json").exists():
        outcome.old += 1  # killed before the store was created
        return
    problems = store_problems(store)
    if not problems:
        command, _ = _command("ingest", folder)
        subprocess.run(command, env=_env(folder), capture_output=True, check=True, timeout=300)
        problems = store_problems(store)
        with open_store(store) as reopened:
            with_all = len(reopened.entries)
        if with_all != len(list(SAMPLE.glob("*.md"))):
            problems.append(f"{with_all} reports after the second run")
        left = [p.name for p in store.rglob("*") if p.name.endswith(".tmp")]
        if left:
            problems.append(f"temporary files left after the second run: {left}")
    if problems:
        outcome.broken.append(f"ingest after {delay:.2f} s: {'; '.join(problems)}")
    else:
        outcome.new += 1


def run(kind: str, trials: int, seed: int, folder: Path, source: Path) -> Outcome:
    """`trials` runs of `kind`, each killed after a random delay between half and 1.3 times its normal run
    time: most of a run is starting up and reading; the delays crowd round the moment it writes."""
    rng = random.Random(seed)
    normal = run_time(kind, folder, source)
    outcome = Outcome()
    for number in range(trials):
        # A new store folder for each trial: this process opens each store to check it, and Chroma keeps one
        # connection per folder for the whole process (see `CorpusStore`).
        here = folder / f"trial-{number}" if kind == "ingest" else folder
        here.mkdir(exist_ok=True)
        trial(kind, here, source, rng.uniform(0.5 * normal, 1.3 * normal), outcome)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kind", choices=KINDS, action="append", help="only these commands (default: all)")
    args = parser.parse_args(argv)
    import tempfile

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sample.json"
        make_sample_draft(source)
        for kind in args.kind or KINDS:
            folder = Path(tmp) / kind
            folder.mkdir()
            outcome = run(kind, args.trials, args.seed, folder, source)
            print(
                f"{kind}: trials {outcome.trials}, killed {outcome.killed}, old kept {outcome.old}, "
                f"new written {outcome.new}, broken {len(outcome.broken)}, temporary files right after the kill {outcome.leftovers}"
            )
            for line in outcome.broken:
                print("  broken:", line)
            failed |= bool(outcome.broken)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
