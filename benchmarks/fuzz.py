"""Fuzzing the inputs staff supply: reports, this year's figures and chat messages (issue 14, item 1).

Run from the checkout:

    .venv/bin/python benchmarks/fuzz.py [--examples 10000] [--seed 0]

Four targets, each driven by hypothesis with mutations of real and sample inputs (byte flips, truncation,
shuffled, deleted and doubled lines, random Unicode with RTL marks, zero-width spaces, full-width digits and
NUL):

- ``document``: `read_bytes` → `parse_document` → `validate` on the sample report, both seeds, and reports
  made by `tests/builders.py`: a Word file (also mutated inside its XML), a web page, a PDF, and the text
  layouts that lost their grid (one cell per line, PDF text, Markdown from a PDF, run-together rows that
  lost their blank cells, the legacy 附表 as plain text);
- ``figures-text``: `read_figures_text` on the sample figures file's text and on random sentences;
- ``figures-file``: `load_figures` on mutated .yaml/.csv/.xlsx files;
- ``revise``: `revise` on one sample draft with random messages.

The property of every target: it returns, or raises `InputError` (nothing else escapes), within
`LIMIT_S` seconds per input; for ``revise``, a turn that applied nothing leaves the draft unchanged.
The examples are shared among the targets by `SHARES`. Each failing input is written to
`tests/fixtures/fuzz/` (named by target, content hash and suffix, then `.bin`), which `tests/test_fuzz.py` replays.
Prints per target: cases, failures and the slowest input with its time, then the peak resident memory of the
whole run (every input in one process: a leak or a blow-up on one input shows there); exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import resource
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as use_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

# A failing example's repr (a whole report) is long; the input is saved to a file instead.
warnings.filterwarnings("ignore", category=HypothesisWarning)

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures" / "fuzz"
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
SEEDS = ROOT / "corpus" / "seeds"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from reportassist.errors import InputError
from reportassist.given_figures import FigureInput, load_figures, read_figures_text
from reportassist.model import Draft
from reportassist.parsing import parse_document
from reportassist.readers import read_bytes
from reportassist.revision import Turn, revise
from reportassist.validation import validate

LIMIT_S = 2.0
YEAR = 2025
TARGETS = ("document", "figures-text", "figures-file", "revise")
# The share of the examples each target gets (reports are the slowest and the most varied input).
SHARES = {"document": 0.4, "figures-text": 0.25, "figures-file": 0.15, "revise": 0.2}

# Characters that have broken text handling elsewhere: RTL marks and overrides, zero-width and
# byte-order marks, full-width digits and signs, NUL and other controls, CJK punctuation and numerals.
SPECIAL = (
    "\u200f\u202e\u202d\u200e\u200b\u200c\u200d\ufeff\u2028\u2029\x00\x01\x1b\x7f\t\r\n "
    "０１２３４５６７８９＋－．，％|｜：:（）()【】“”\"'、。；一二三四五六七八九十百千万亿零〇"
)
WORDS = (
    "本年新收申请",
    "上年结转",
    "其中",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "主动公开",
    "行政复议",
    "行政诉讼",
    "予以公开",
    "件",
    "条",
    "项",
    "万元",
    "个",
    "第一部分",
    "第二部分",
    "第三部分",
    "第四部分",
    "第五部分",
    "第六部分",
    "表三",
    "改为",
    "改成",
    "删除",
    "撤销",
    "重做",
    "接受",
    "拒绝",
    "把",
    "将",
    "为",
    "是",
    "“",
    "”",
    "【待填】",
    "【待核实】",
    "为什么",
    "还有哪些问题",
    "结合本年实际改写",
)


# ------------------------------------------------------------------------------------------ seeds


@dataclass(frozen=True)
class Seed:
    name: str
    suffix: str
    data: bytes


@cache
def document_seeds() -> tuple[Seed, ...]:
    seeds = [Seed("sample", ".md", (SAMPLE / "2024.md").read_bytes())]
    seeds += [Seed(p.stem, ".txt", p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    from builders import LAYOUTS, figures_for, render

    layouts = (
        "gb2021-docx",
        "gb2019-html",
        "gb2021-pdf",
        "gb2021-run-together-blanks",
        "gb2021-cell-lines-cr",
    )
    layouts += ("gb2019-cell-lines-separators", "gb2021-pdf-text", "gb2021-pdf-md", "legacy-text")
    for layout in layouts:
        seeds.append(Seed(layout, LAYOUTS[layout].suffix, render(layout, figures_for(layout, 1))))
    return tuple(seeds)


@cache
def figures_text() -> str:
    return (SAMPLE / "figures-2025.yaml").read_text(encoding="utf-8")


@cache
def figures_file_seeds() -> tuple[Seed, ...]:
    from reportassist.given_figures.mapping import parse_yaml

    mapping = parse_yaml(figures_text(), None)
    rows = _flat_rows(mapping)
    csv = "\n".join(f"{k},{v}" for k, v in rows).encode("utf-8")
    return (
        Seed("figures-yaml", ".yaml", figures_text().encode("utf-8")),
        Seed("figures-csv", ".csv", csv),
        Seed("figures-xlsx", ".xlsx", _xlsx(rows)),
    )


def _flat_rows(mapping: object, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(mapping, dict):
        return [r for k, v in mapping.items() for r in _flat_rows(v, f"{prefix}{k}" if not prefix else k)]
    return [(prefix, str(mapping))]


def _xlsx(rows: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目", "数量"])
    for key, value in rows:
        sheet.append([key, int(value) if value.isdigit() else value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@cache
def sample_draft() -> Draft:
    from reportassist import read_report
    from reportassist.drafting import DraftInputs, assemble_draft

    given = load_figures(SAMPLE / "figures-2025.yaml", YEAR)
    inputs = DraftInputs(
        prior=read_report(SAMPLE / "2024.md"),
        year=YEAR,
        figures=given.figures,
        prose={},
        figures_source="figures-2025.yaml",
    )
    return assemble_draft(inputs)


def draft_state(draft: Draft) -> object:
    return draft.model_dump(mode="json", exclude={"history", "undone", "proposal"})


# -------------------------------------------------------------------------------------- mutations

_fragments = st.one_of(
    st.text(alphabet=st.sampled_from(SPECIAL), min_size=1, max_size=4),
    st.text(min_size=1, max_size=6),
    st.sampled_from(WORDS),
    st.integers(-(10**12), 10**12).map(str),
)
# One mutation: (kind, position fraction, argument); applied in order.
_text_ops = st.tuples(
    st.sampled_from(("insert", "delete-line", "double-line", "shuffle", "truncate", "replace-digit")),
    st.floats(0, 1),
    _fragments,
)
_byte_ops = st.tuples(st.sampled_from(("flip", "truncate", "nul")), st.floats(0, 1), st.integers(1, 255))


def mutate_text(text: str, ops: list[tuple[str, float, str]]) -> str:
    for kind, where, fragment in ops:
        lines = text.split("\n")
        i = min(int(where * len(lines)), len(lines) - 1)
        if kind == "insert":
            at = int(where * len(text))
            text = text[:at] + fragment + text[at:]
            continue
        if kind == "delete-line":
            del lines[i]
        elif kind == "double-line":
            lines.insert(i, lines[i])
        elif kind == "shuffle":
            window = lines[i : i + 12]
            random.Random(fragment).shuffle(window)
            lines[i : i + 12] = window
        elif kind == "truncate":
            return text[: int(where * len(text))]
        elif kind == "replace-digit":
            digits = [k for k, c in enumerate(text) if c.isdigit()]
            if digits:
                k = digits[min(int(where * len(digits)), len(digits) - 1)]
                text = text[:k] + fragment[:3] + text[k + 1 :]
            continue
        text = "\n".join(lines)
    return text


def mutate_bytes(data: bytes, ops: list[tuple[str, float, int]]) -> bytes:
    buffer = bytearray(data)
    for kind, where, value in ops:
        if not buffer:
            break
        at = min(int(where * len(buffer)), len(buffer) - 1)
        if kind == "flip":
            buffer[at] ^= value
        elif kind == "truncate":
            del buffer[at:]
        else:
            buffer[at:at] = b"\x00" * (value % 8 + 1)
    return bytes(buffer)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # the GBK web page of tests/builders.py


def _is_zip(data: bytes) -> bool:
    return data.startswith(b"PK")


def mutate_zip(data: bytes, ops: list[tuple[str, float, str]]) -> bytes:
    """Mutate the XML parts of a .docx/.xlsx as text and zip them again: a well-formed package, odd content."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in ("word/document.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
                content = mutate_text(content.decode("utf-8"), ops).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[Seed, ...]) -> tuple[str, bytes]:
    """A seed's suffix and its mutated bytes."""
    seed = draw(st.sampled_from(seeds))
    text_ops = draw(st.lists(_text_ops, max_size=8))
    byte_ops = draw(st.lists(_byte_ops, max_size=3))
    if _is_zip(seed.data):
        data = mutate_zip(seed.data, text_ops) if text_ops else seed.data
    else:
        encoding = draw(st.sampled_from(("utf-8", "utf-8", "gb18030", "utf-16")))
        data = mutate_text(_decoded(seed.data), text_ops).encode(encoding, errors="replace")
    return seed.suffix, mutate_bytes(data, byte_ops)


sentences = st.lists(_fragments, min_size=1, max_size=30).map("".join)
figure_texts = st.one_of(
    st.lists(_text_ops, max_size=8).map(lambda ops: mutate_text(figures_text(), ops)),
    sentences,
    st.lists(st.tuples(st.sampled_from(WORDS), st.integers(0, 10**6)), max_size=12).map(
        lambda pairs: "，".join(f"{w}{n}件" for w, n in pairs)
    ),
)
messages = st.one_of(
    sentences,
    st.tuples(st.sampled_from(WORDS), st.text(max_size=20), st.sampled_from(WORDS), st.text(max_size=20)).map(
        lambda t: f"把第{t[0]}中的“{t[1]}”{t[2]}“{t[3]}”"
    ),
    st.text(max_size=200),
)


# ------------------------------------------------------------------------------------- properties


class SlowInput(AssertionError):
    pass


def check_document(suffix: str, data: bytes) -> None:
    try:
        report = parse_document(read_bytes(Path(f"fuzz{suffix}"), data))
        validate(report)
    except InputError:
        pass


def check_figures_text(text: str) -> None:
    try:
        result = read_figures_text(text, YEAR)
    except InputError:
        return
    assert isinstance(result, FigureInput)


def check_figures_file(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"figures{suffix}"
        path.write_bytes(data)
        try:
            result = load_figures(path, YEAR)
        except InputError:
            return
        assert isinstance(result, FigureInput)


def check_revise(message: str) -> None:
    draft = sample_draft()
    before = draft_state(draft)
    turn = revise(draft, message)
    assert isinstance(turn, Turn)
    assert draft_state(draft) == before, "revise changed the draft it was given"
    if not turn.applied:
        assert draft_state(turn.draft) == before, "a turn that applied nothing changed the draft"


def timed(check: Callable[[], None]) -> float:
    start = time.perf_counter()
    check()
    elapsed = time.perf_counter() - start
    if elapsed > LIMIT_S:
        raise SlowInput(f"took {elapsed:.2f} s (limit {LIMIT_S} s)")
    return elapsed


# ------------------------------------------------------------------ fixtures: inputs that once failed


def fixture_name(target: str, suffix: str, data: bytes) -> str:
    # ".bin" last, so that no tool (ruff formats Markdown) takes a damaged report for a file of its own.
    return f"{target}--{hashlib.sha256(data).hexdigest()[:12]}{suffix}.bin"


def save_fixture(target: str, suffix: str, data: bytes) -> Path:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / fixture_name(target, suffix, data)
    path.write_bytes(data)
    return path


def replay(path: Path) -> float:
    """Run a saved input through its target's property; the time it took."""
    target = path.name.partition("--")[0]
    suffix = Path(path.stem).suffix  # TARGET--HASH.SUFFIX.bin
    data = path.read_bytes()
    if target == "document":
        return timed(lambda: check_document(suffix, data))
    if target == "figures-file":
        return timed(lambda: check_figures_file(suffix, data))
    if target == "figures-text":
        return timed(lambda: check_figures_text(data.decode("utf-8")))
    if target == "revise":
        return timed(lambda: check_revise(data.decode("utf-8")))
    raise ValueError(f"unknown fuzz target in {path.name}")


def fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*--*.bin") if p.is_file()) if FIXTURES.exists() else []


# ----------------------------------------------------------------------------------------- runner


@dataclass
class Tally:
    cases: int = 0
    failures: int = 0
    slowest: float = 0.0
    slowest_input: str = ""
    saved: list[Path] = field(default_factory=list)

    def run(self, target: str, suffix: str, data: bytes, check: Callable[[], None], *, strict: bool) -> None:
        """One case: times it, keeps the slowest, saves a failing input; re-raises when `strict`."""
        self.cases += 1
        try:
            elapsed = timed(check)
        except Exception:
            self.failures += 1
            if strict:
                raise
            self.saved.append(save_fixture(target, suffix, data))
            traceback.print_exc(limit=6)
            return
        if elapsed > self.slowest:
            self.slowest = elapsed
            self.slowest_input = f"{suffix} {len(data)} bytes"


def run_target(target: str, examples: int, tally: Tally, *, strict: bool, seed: int | None = 0) -> None:
    """Run `examples` hypothesis examples of `target`, recording each in `tally`."""
    config = settings(
        max_examples=examples,
        deadline=None,
        derandomize=seed == 0,
        database=None,
        suppress_health_check=list(HealthCheck),
        # The command keeps going after a failure, so shrinking (which reruns failing inputs) is left out.
        phases=settings.default.phases
        if strict
        else [p for p in settings.default.phases if p.name != "shrink"],
    )
    if target == "document":

        @config
        @given(mutated(document_seeds()))
        def case(pair: tuple[str, bytes]) -> None:
            suffix, data = pair
            tally.run(target, suffix, data, lambda: check_document(suffix, data), strict=strict)

    elif target == "figures-file":

        @config
        @given(mutated(figures_file_seeds()))
        def case(pair: tuple[str, bytes]) -> None:
            suffix, data = pair
            tally.run(target, suffix, data, lambda: check_figures_file(suffix, data), strict=strict)

    elif target == "figures-text":

        @config
        @given(figure_texts)
        def case(text: str) -> None:
            data = text.encode("utf-8", errors="surrogatepass")
            tally.run(target, ".txt", data, lambda: check_figures_text(text), strict=strict)

    else:

        @config
        @given(messages)
        def case(text: str) -> None:
            data = text.encode("utf-8", errors="surrogatepass")
            tally.run(target, ".txt", data, lambda: check_revise(text), strict=strict)

    (use_seed(seed)(case) if seed else case)()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=10_000, help="examples in total, over all targets")
    parser.add_argument("--seed", type=int, default=0, help="0: derandomized (reproducible); else a seed")
    parser.add_argument("--targets", nargs="*", choices=TARGETS, default=list(TARGETS))
    args = parser.parse_args(argv)
    total_share = sum(SHARES[t] for t in args.targets)
    sample_draft()
    failed = 0
    print(f"{'target':<14}{'cases':>8}{'failures':>10}{'slowest s':>11}  slowest input")
    for target in args.targets:
        tally = Tally()
        examples = max(1, round(args.examples * SHARES[target] / total_share))
        run_target(target, examples, tally, strict=False, seed=args.seed)
        failed += tally.failures
        print(
            f"{target:<14}{tally.cases:>8}{tally.failures:>10}{tally.slowest:>11.3f}  {tally.slowest_input}",
            flush=True,
        )
        for path in tally.saved:
            print(f"  saved {path.relative_to(ROOT)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole run: {peak:.0f} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
