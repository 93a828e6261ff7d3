"""How much of a report is read, and how often the validator cries wolf, for every layout reports come in.

Run from the checkout, with no arguments:

    .venv/bin/python benchmarks/reading.py [--seeds N]

For each layout of `tests/builders.py` (Markdown, Word, web pages, PDF, text copied one cell per line,
PDF text, Markdown converted from a PDF, the legacy 附表 as plain text…) N fictional reports are
rendered from consistent figures and read back; so are reports copied from a web page with their
cells run together, in both formats, with and without blank cells (a blank cell dropped from
run-together text leaves a row shorter than its cells). Every figure is then:

* read: the figure of the table;
* absent: not read, with a note saying why (a row whose split is not certain);
* wrong: read as another figure. This must be 0: a figure read wrong is the worst outcome.

Blank cells are counted apart (read as blank, or not). The median and the slowest time of reading
and checking one report (`read_report` + `validate`, the faster of two runs) are shown per layout. Then every error the validator reports on
these consistent reports is a false alarm, and so is every error on the consistent real and sample
reports beside the checkout (the two 平潭 reports, the 沭阳 web page, the sample corpus, the test
fixtures). The counts must be 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # builders.py: the fictional reports of the test suite

from builders import LAYOUTS, blank_zeros, consistent_figures, figures_for, run_together, write_report
from rich.console import Console
from rich.table import Table

from reportassist import Report, read_report, validate

SHARED = ROOT.parent / "shared"
# Real and sample reports whose tables and words agree: any error on them is a false alarm.
CONSISTENT = [
    *sorted((SHARED / "real").glob("*.txt")),
    *sorted((SHARED / "real-wild").glob("*.html")),
    *sorted((ROOT / "corpus" / "示例市科学技术局").glob("*.md")),
    *sorted((ROOT / "tests" / "fixtures").glob("*.md")),
]


@dataclass
class Count:
    name: str
    reports: int = 0
    read: int = 0
    absent: int = 0
    wrong: int = 0
    blank_read: int = 0
    blank_other: int = 0
    false_alarms: int = 0
    wrong_examples: list[str] = field(default_factory=list)
    times_ms: list[float] = field(default_factory=list)

    def add(self, figures: dict, path: Path) -> None:
        report, seconds = _timed(path)
        self.times_ms.append(seconds * 1000)
        self.reports += 1
        for key, true in figures.items():
            got = report.figures.get(key)
            if true is None:
                self.blank_read += got is None
                self.blank_other += got is not None
            elif got is None:
                self.absent += 1
            elif got == true:
                self.read += 1
            else:
                self.wrong += 1
                self.wrong_examples.append(f"{key}: {true} → {got}")
        self.false_alarms += sum(1 for f in validate(report).findings if f.severity == "error")


def _timed(path: Path) -> tuple[Report, float]:
    """The report, and the faster of two runs of reading and checking it."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        report = read_report(path)
        validate(report)
        best = min(best, time.perf_counter() - start)
    return report, best


def _layouts(seeds: int, folder: Path) -> list[Count]:
    counts = []
    for layout in LAYOUTS:
        count = Count(layout)
        for seed in range(seeds):
            figures = figures_for(layout, seed)
            count.add(figures, write_report(folder, layout, figures, name=f"{layout}-{seed}"))
        counts.append(count)
    return counts


def _run_together(seeds: int, folder: Path) -> list[Count]:
    counts = []
    for fmt in ("gb2019", "gb2021"):
        for blanks in (False, True):
            count = Count(f"{fmt}-run-together" + ("-blanks-dropped" if blanks else ""))
            for seed in range(seeds):
                figures = consistent_figures(fmt, seed)
                figures = blank_zeros(figures) if blanks else figures
                path = folder / f"{count.name}-{seed}.txt"
                path.write_text(run_together(fmt, figures), encoding="utf-8")
                count.add(figures, path)
            counts.append(count)
    return counts


def _consistent_real() -> list[tuple[str, list[str]]]:
    out = []
    for path in CONSISTENT:
        errors = [
            f"{f.rule}：{f.message}" for f in validate(read_report(path)).findings if f.severity == "error"
        ]
        out.append((str(path.relative_to(path.parents[1])), errors))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=20, help="fictional reports per layout (default 20)")
    args = parser.parse_args()
    console = Console(width=150)
    with tempfile.TemporaryDirectory() as tmp:
        counts = _layouts(args.seeds, Path(tmp)) + _run_together(args.seeds, Path(tmp))
    table = Table(title=f"Figures read back, {args.seeds} fictional reports per layout")
    for column in (
        "layout",
        "reports",
        "read",
        "absent",
        "wrong",
        "blank cells read as blank",
        "false alarms",
    ):
        table.add_column(column, justify="left" if column == "layout" else "right")
    for c in counts:
        table.add_row(
            c.name,
            str(c.reports),
            str(c.read),
            str(c.absent),
            str(c.wrong),
            f"{c.blank_read}/{c.blank_read + c.blank_other}" if c.blank_read + c.blank_other else "–",
            str(c.false_alarms),
            f"{statistics.median(c.times_ms):.1f} / {max(c.times_ms):.1f}",
        )
    console.print(table)
    for c in counts:
        for example in c.wrong_examples[:5]:
            console.print(f"[red]wrong[/red] {c.name} {example}")
    real = _consistent_real()
    console.print(f"\nConsistent real and sample reports: {len(real)}, errors (false alarms): "
                  f"{sum(len(e) for _, e in real)}")  # fmt: skip
    for name, errors in real:
        for error in errors:
            console.print(f"  {name}: {error}")
    wrong = sum(c.wrong for c in counts)
    alarms = sum(c.false_alarms for c in counts) + sum(len(e) for _, e in real)
    console.print(f"\nTotal: wrong {wrong}, false alarms {alarms}")


if __name__ == "__main__":
    main()
