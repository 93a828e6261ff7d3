"""How long reading (`read_report`) and checking (`validate`) one report takes, for each kind of input.

Run from the checkout, with no arguments:

    .venv/bin/python benchmarks/parse_validate.py [--repeat N]

The fictional reports (every layout of `tests/builders.py`: Markdown gb2021/gb2019/legacy with 附表,
text copied from a web page with run-together table cells, tables pasted from Excel, Word, a GBK web
page, PDF) are generated into a temporary folder from consistent figures; `tests/` is put on
`sys.path` for that, so the benchmark reads exactly what the test suite reads. The real reports are
the two in `../shared/real/` (skipped when that folder is not beside the checkout; the 2022 report is
validated with the 2021 one as its prior, as its manifest says) and the two seeds in `corpus/seeds/`.

For each report: the median over N runs (default 20; slow kinds fewer, see `SLOW`) of `read_report`
and of `validate`, timed separately with `time.perf_counter`, after one warm-up run (its parse time
is shown as "1st parse": the first read of the file in this process, which for the first report of a
kind includes its reader's lazy imports and caches, as a command-line user pays them). Then, in a
separate untimed pass, the peak Python heap of one parse + validate (tracemalloc slows Python code
down severalfold, so it never runs while timing). The peak resident memory of the whole process
(`resource.getrusage`) is printed at the end.

The target: parse + validate of a text report under 50 ms. Each text kind (.md/.txt)
says whether its median meets it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # builders.py: the fictional reports of the test suite

from builders import figures_for, write_report
from rich.console import Console
from rich.table import Table

from reportassist import Report, read_report, validate

REAL = ROOT.parent / "shared" / "real"
SEEDS = ROOT / "corpus" / "seeds"
TARGET_MS = 50.0  # parse + validate of a text report
TEXT_SUFFIXES = {".md", ".txt"}
SLOW = {".pdf": 4, ".docx": 2, ".html": 2}  # repeat ÷ this for kinds that take ~0.1–0.3 s a run

# The fictional kinds, in the order of the table: layout and what a user would call it.
FICTIONAL = [
    ("gb2021-md", "Markdown (gb2021)"),
    ("gb2019-md", "Markdown (gb2019)"),
    ("legacy-md", "Markdown with 附表 (legacy)"),
    ("gb2021-run-together", "web text, cells run together (gb2021)"),
    ("gb2021-excel-paste", "text, tables pasted from Excel (gb2021)"),
    ("gb2021-docx", "Word .docx (gb2021)"),
    ("gb2019-html", "web page .html, GBK (gb2019)"),
    ("gb2021-pdf", "PDF (gb2021)"),
    ("gb2021-cell-lines", "web text, one cell per line (gb2021)"),
    ("gb2021-cell-lines-cr", "web text, one cell per line, CR breaks (gb2021)"),
    ("gb2021-pdf-text", "text extracted from a PDF (gb2021)"),
    ("gb2021-pdf-md", "Markdown converted from a PDF (gb2021)"),
    ("legacy-text", "附表 as plain text (legacy)"),
]
FIGURES_SEED = 1  # consistent figures that every layout reads back exactly (tests/test_mutation.py)


@dataclass(frozen=True)
class Case:
    kind: str
    path: Path
    prior: Path | None = None


@dataclass(frozen=True)
class Result:
    case: Case
    runs: int
    first_parse_ms: float
    parse_ms: float
    validate_ms: float
    peak_heap_mib: float

    @property
    def total_ms(self) -> float:
        return self.parse_ms + self.validate_ms

    @property
    def is_text(self) -> bool:
        return self.case.path.suffix.lower() in TEXT_SUFFIXES


def fictional_cases(folder: Path) -> list[Case]:
    cases = []
    for layout, kind in FICTIONAL:
        figures = figures_for(layout, FIGURES_SEED)
        cases.append(Case(kind, write_report(folder, layout, figures, name=layout)))
    return cases


def real_cases() -> list[Case]:
    cases = []
    if (REAL / "manifest.json").exists():
        manifest = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest:
            prior = REAL / entry["prior"] if entry.get("prior") else None
            cases.append(
                Case(
                    f"real: web text, cells run together ({entry['meta']['format']})",
                    REAL / entry["file"],
                    prior,
                )
            )
    cases += [Case("real seed: text converted from PDF (legacy)", p) for p in sorted(SEEDS.glob("*.txt"))]
    return cases


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(case: Case, repeat: int) -> Result:
    prior: Report | None = read_report(case.prior) if case.prior else None
    runs = max(1, repeat // SLOW.get(case.path.suffix.lower(), 1))

    start = time.perf_counter()
    report = read_report(case.path)  # warm-up: lazy imports, caches
    first_parse = time.perf_counter() - start
    validate(report, prior=prior)

    parse_times, validate_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        report = read_report(case.path)
        middle = time.perf_counter()
        validate(report, prior=prior)
        end = time.perf_counter()
        parse_times.append(middle - start)
        validate_times.append(end - middle)

    return Result(
        case=case,
        runs=runs,
        first_parse_ms=first_parse * 1000,
        parse_ms=_median_ms(parse_times),
        validate_ms=_median_ms(validate_times),
        peak_heap_mib=_peak_heap_mib(lambda: validate(read_report(case.path), prior=prior)),
    )


def _peak_heap_mib(run: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.1f} KiB"


def render(results: list[Result], repeat: int, skipped: list[str], console: Console) -> None:
    table = Table(title=f"read_report + validate, median of N runs (--repeat {repeat})", title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("file", no_wrap=True)
    table.add_column("size", justify="right")
    table.add_column("N", justify="right")
    table.add_column("1st parse ms", justify="right")
    table.add_column("parse ms", justify="right")
    table.add_column("validate ms", justify="right")
    table.add_column("total ms", justify="right")
    table.add_column("peak heap MiB", justify="right")
    table.add_column(f"text < {TARGET_MS:.0f} ms", justify="center", no_wrap=True)
    for r in results:
        if r.is_text:
            verdict = "[green]yes[/]" if r.total_ms < TARGET_MS else "[red]NO[/]"
        else:
            verdict = "n/a"
        table.add_row(
            r.case.kind,
            r.case.path.name + (f" + prior {r.case.prior.name}" if r.case.prior else ""),
            _size(r.case.path),
            str(r.runs),
            f"{r.first_parse_ms:.1f}",
            f"{r.parse_ms:.1f}",
            f"{r.validate_ms:.1f}",
            f"{r.total_ms:.1f}",
            f"{r.peak_heap_mib:.1f}",
            verdict,
        )
    console.print(table)
    for line in skipped:
        console.print(f"skipped: {line}")
    text = [r for r in results if r.is_text]
    slowest = max(text, key=lambda r: r.total_ms, default=None)
    if slowest is not None:
        met = sum(r.total_ms < TARGET_MS for r in text)
        console.print(
            f"text reports meeting the {TARGET_MS:.0f} ms target: {met} of {len(text)}; "
            f"slowest: {slowest.case.path.name} at {slowest.total_ms:.1f} ms"
        )
    console.print(f"peak resident memory of the whole run (getrusage ru_maxrss): {_peak_rss_mib():.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=20, help="timed runs per report (default 20; slow kinds fewer)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    console = Console(width=max(190, Console().width))
    console.print(
        f"machine: {os.cpu_count()} CPU cores (os.cpu_count), {platform.machine()}, {platform.system()}; "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )
    skipped = (
        [] if (REAL / "manifest.json").exists() else [f"real reports: {REAL} is not beside the checkout"]
    )
    with tempfile.TemporaryDirectory(prefix="reportassist-bench-") as folder:
        cases = fictional_cases(Path(folder)) + real_cases()
        results = [measure(case, args.repeat) for case in cases]
        render(results, args.repeat, skipped, console)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
