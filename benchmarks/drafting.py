"""How long a draft takes without a language model (target: under a second).

Run from the checkout:

    .venv/bin/python benchmarks/drafting.py [--rounds N]

For each case (prior report, report year, figures file of tests/fixtures/figures/) the prior report is read and
the figures file loaded once; then the whole drafting chain (retrieve → compose → fill → validate; no corpus
store, no model) runs `--rounds` times after one warm-up run, and the median and the slowest run are printed.
Reading the prior report is timed apart, and so is the command line end to end (`reportassist draft … --out
x.json` in a fresh process, interpreter start and imports included), run three times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "tests" / "fixtures" / "figures"
CASES = (
    (ROOT / "corpus" / "seeds" / "quanzhou-kjj-2018.txt", 2019, FIGURES / "quanzhou-2019.yaml"),
    (ROOT / "corpus" / "seeds" / "panzhihua-kjj-2018.txt", 2019, FIGURES / "panzhihua-2019.yaml"),
    (
        ROOT / "corpus" / "示例市科学技术局" / "2024.md",
        2025,
        ROOT / "corpus" / "示例市科学技术局" / "figures-2025.yaml",
    ),
    (ROOT.parent / "shared" / "real" / "pingtan-2022.txt", 2023, FIGURES / "pingtan-2023.yaml"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)

    from rich.console import Console
    from rich.table import Table

    from reportassist import read_report
    from reportassist.drafting import DraftInputs, make_draft
    from reportassist.given_figures import load_figures

    console = Console()
    console.print(
        f"machine: {os.cpu_count()} CPU cores; Python {sys.version.split()[0]}; load average {os.getloadavg()}"
    )
    table = Table(
        title=f"drafting without a language model: {args.rounds} rounds after one warm-up",
        title_justify="left",
    )
    for column in (
        "prior report",
        "year",
        "read prior (ms)",
        "draft median (ms)",
        "draft slowest (ms)",
        "CLI end to end (s, median of 3)",
    ):
        table.add_column(column, justify="right" if column != "prior report" else "left")
    for prior_path, year, figures_path in CASES:
        if not prior_path.exists():
            console.print(f"[dim]{prior_path} is not present: skipped[/dim]")
            continue
        started = time.perf_counter()
        prior = read_report(prior_path)
        read_ms = (time.perf_counter() - started) * 1000
        given = load_figures(figures_path, year)
        inputs = DraftInputs(
            prior=prior, year=year, figures=given.figures, prose=given.prose, figures_source=figures_path.name
        )
        make_draft(inputs)
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            make_draft(inputs)
            times.append((time.perf_counter() - started) * 1000)
        table.add_row(
            prior_path.name, str(year), f"{read_ms:.0f}", f"{statistics.median(times):.0f}", f"{max(times):.0f}",
            f"{_cli_seconds(prior_path, year, figures_path):.2f}",
        )  # fmt: skip
    console.print(table)
    return 0


def _cli_seconds(prior: Path, year: int, figures: Path) -> float:
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "REPORTASSIST_STORE": str(Path(folder) / "store"), "REPORTASSIST_LLM_URL": ""}
        command = [sys.executable, "-m", "reportassist", "draft", "--year", str(year), "--prior", str(prior),
                   "--figures", str(figures), "--out", str(Path(folder) / "draft.json")]  # fmt: skip
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            runs.append(time.perf_counter() - started)
    return statistics.median(runs)


if __name__ == "__main__":
    raise SystemExit(main())
