"""Mutation test: change one figure of a consistent report and the validator must say exactly what broke.

A fictional report is rendered from consistent figures in every layout real reports come in
(`builders.LAYOUTS`), read back with `read_report` and validated. The oracle below says which error
rules a changed figure must break; it is written from formats.md (`builders.sums`,
`builders.prose_statements`), never from the validator's code:

* a sum of formats.md §4 breaks when its two sides differ (one changed figure breaks every sum it
  is in: its row's 总计, its column's （七）总计 and balance, its 表四 group, the legacy 答复总数);
* a sentence that states a table figure breaks `text.table_mismatch` when no reading its words
  allow matches the tables any more (收到申请N件 may be 新收 alone or 新收 + 上年结转).

Text copied from a web page loses its cell boundaries, so there a changed figure may be read back as
another split of the same digits, or a row may be left open with a note: both are accepted only as
formats.md allows (see `test_changed_figure_breaks_exactly_the_rules_it_should`).
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from builders import (
    LAYOUTS,
    YEARS,
    Statement,
    consistent_figures,
    figures_for,
    keys_of,
    next_year_figures,
    prose_statements,
    rows_of,
    sums,
    write_report,
)

from reportassist import schema
from reportassist.model import Report
from reportassist.parsing import read_report
from reportassist.validation import validate

FORMATS = ("legacy", "gb2019", "gb2021")
RUN_TOGETHER = "gb2021-run-together"


# ---------------------------------------------------------------- the oracle, from formats.md


def broken_rules(fmt: str, figures: dict, statements: list[Statement]) -> set[str]:
    """The error rules that figures (and the prose stating some of them) break, per formats.md."""
    rules = set()
    for s in sums(fmt):
        if any(figures.get(k) is None for k in s.keys):
            continue  # an absent figure is not checked (figure.absent says so)
        if sum(figures[k] for k in s.left) != sum(figures[k] for k in s.right):
            rules.add(s.rule)
    for statement in statements:
        totals = [
            sum(figures[k] for k in r)
            for r in statement.readings
            if all(figures.get(k) is not None for k in r)
        ]
        if totals and statement.value not in totals:
            rules.add("text.table_mismatch")
    return rules


def errors_of(report: Report, prior: Report | None = None) -> set[str]:
    return {f.rule for f in validate(report, prior=prior).findings if f.severity == "error"}


def _received(seed: int) -> str:
    """Staff write "收到申请N件" for 新收 alone or for 新收 + 上年结转: use both, by seed."""
    return "new+carried_in" if seed % 2 else "new"


def _read(tmp_path: Path, layout: str, figures: dict, seed: int, **kwargs: object) -> Report:
    path = write_report(
        tmp_path, layout, figures, name=f"{layout}-{seed}", received=_received(seed), **kwargs
    )
    return read_report(path)


# ---------------------------------------------------------------- the builders follow the spec


@pytest.mark.parametrize("fmt", FORMATS)
def test_builders_tables_and_sums_are_those_of_the_schema(fmt: str) -> None:
    """formats.md as the builders write it and as `schema` encodes it agree, key for key and sum for sum."""
    assert {k for k in keys_of(fmt) if not k.endswith("@cumulative")} == set(schema.keys_for(fmt))
    ours = {(s.rule, frozenset(s.left), frozenset(s.right)) for s in sums(fmt)}
    theirs = {(c.rule, frozenset(c.left), frozenset(c.right)) for c in schema.constraints_for(fmt)}
    assert ours == theirs


@pytest.mark.parametrize("fmt", FORMATS)
def test_consistent_figures_satisfy_every_sum(fmt: str) -> None:
    for seed in range(200):
        figures = consistent_figures(fmt, seed)
        assert list(figures) == keys_of(fmt)
        assert all(v is not None and v >= 0 for k, v in figures.items() if not k.endswith(".change")), seed
        assert (
            broken_rules(fmt, figures, prose_statements(fmt, figures, received=_received(seed))) == set()
        ), seed
        if fmt == "gb2019":
            for row in ("regulations", "normative"):
                assert figures[f"t2.{row}.total_public"] >= figures[f"t2.{row}.published"]
        if fmt == "legacy":
            for key in keys_of(fmt)[::2]:
                assert figures[f"{key}@cumulative"] >= figures[key]


def _rules_for_key(fmt: str, key: str) -> set[str]:
    """formats.md §4 in words: which rules a change of this one figure breaks."""
    table = key.split(".")[0]
    if table == "t3":
        row = key[len("t3.") :].rsplit(".", 1)[0]
        rules = {"t3.row_total"}
        disposal = row in ("granted", "partial", "other") or row.startswith(
            ("denied.", "unable.", "rejected.", "other.")
        )
        if row == "handled" or disposal:  # （七）总计 = 予以公开 + 部分公开 + sub-items of （三）to（六）
            rules.add("t3.handled_total")
        if row in ("new", "carried_in", "handled", "carried_out"):
            rules.add("t3.balance")
        return rules
    if table == "t4":
        return {"t4.group_total"}
    if key.startswith("legacy.replies.") and not key.endswith("@cumulative"):
        return {"legacy.replies_total"}
    return set()  # 表二 and the rest of the legacy 附表: no sum


@pytest.mark.parametrize("fmt", FORMATS)
def test_oracle_breaks_the_rules_formats_md_names_for_each_figure(fmt: str) -> None:
    figures = consistent_figures(fmt, 0)
    for key in keys_of(fmt):
        assert broken_rules(fmt, {**figures, key: figures[key] + 1}, []) == _rules_for_key(fmt, key), key


# ---------------------------------------------------------------- every layout reads back exactly


EXACT = [name for name, layout in LAYOUTS.items() if layout.exact]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("layout", EXACT)
def test_consistent_report_reads_back_exactly_and_validates(layout: str, seed: int, tmp_path: Path) -> None:
    fmt = LAYOUTS[layout].fmt
    figures = figures_for(layout, seed)

    report = _read(tmp_path, layout, figures, seed)

    assert (report.meta.format, report.meta.year) == (fmt, YEARS[fmt])
    assert report.figures == figures
    assert report.notes == []
    assert errors_of(report) == set(), [f.message for f in validate(report).findings]


def _splits(digits: str, parts: int) -> list[tuple[int, ...]]:
    """Every way to read a digit string as `parts` numbers written without leading zeros."""
    if parts == 1:
        return [(int(digits),)] if digits and (digits == "0" or digits[0] != "0") else []
    out = []
    for cut in range(1, len(digits) - parts + 2):
        head = digits[:cut]
        if len(head) > 1 and head[0] == "0":
            break
        out += [(int(head), *rest) for rest in _splits(digits[cut:], parts - 1)]
    return out


def _readings_of_rows(
    rows: list[tuple[str, ...]], figures: dict, fmt: str, statements: list[Statement]
) -> list[dict]:
    """Every reading of the given rows' run-together digits that keeps all of formats.md's sums and
    the prose true, the other rows as written."""
    per_row = []
    for row in rows:
        own = [s for s in sums(fmt) if set(s.keys) <= set(row)]  # a row's own 总计 first: few splits keep it
        splits = _splits("".join(str(figures[k]) for k in row), len(row))
        per_row.append(
            [v for v in splits if not broken_rules(fmt, dict(zip(row, v)), []) & {s.rule for s in own}]
        )
    found = []
    for combo in itertools.product(*per_row):
        candidate = dict(figures)
        for row, values in zip(rows, combo):
            candidate.update(zip(row, values))
        if not broken_rules(fmt, candidate, statements):
            found.append(candidate)
    return found


@pytest.mark.parametrize("seed", [*range(4, 16), 58, 196, 247])
def test_run_together_rows_are_left_open_only_when_really_ambiguous(seed: int, tmp_path: Path) -> None:
    """formats.md: the split whose parts satisfy the sums is the right one; where more than one does,
    the reader says so rather than guessing. Checked against a brute-force reading of the rows."""
    figures = consistent_figures("gb2021", seed)
    statements = prose_statements("gb2021", figures, received=_received(seed))

    report = _read(tmp_path, RUN_TOGETHER, figures, seed)

    open_keys = {k for k in figures if report.figures.get(k) is None}
    assert {k: v for k, v in report.figures.items() if k not in open_keys} == {
        k: v for k, v in figures.items() if k not in open_keys
    }
    noted = {k for note in report.notes for k in note.keys}
    assert open_keys <= noted, "a figure left open without a note saying why"
    if open_keys:
        rows = [row for row in rows_of("gb2021") if open_keys & set(row)]
        assert len(_readings_of_rows(rows, figures, "gb2021", statements)) >= 2, (
            f"rows {rows} have a single consistent reading, but the reader left them open: "
            f"{[n.message for n in report.notes]}"
        )
        assert errors_of(report) == set()


# ---------------------------------------------------------------- mutations


@dataclass(frozen=True)
class Mutation:
    layout: str
    seed: int  # of the consistent figures changed
    key: str
    old: int | Decimal
    new: int | Decimal

    @property
    def id(self) -> str:
        return f"{self.layout}-s{self.seed}-{self.key}:{self.old}->{self.new}"


# Mutations per layout: Word and web pages take ~0.1 s each to read, PDF ~0.3 s, so fewer of them.
PER_LAYOUT = {layout: 60 for layout in LAYOUTS} | {"gb2021-docx": 30, "gb2019-html": 40, "gb2021-pdf": 20}
BASE_SEEDS = (1, 2, 3)  # consistent figures that every layout reads back exactly (tested above)


@functools.cache
def _base(layout: str, seed: int) -> dict:
    return figures_for(layout, seed)


def _stated_keys(fmt: str, figures: dict) -> list[str]:
    return sorted({k for s in prose_statements(fmt, figures) for r in s.readings for k in r})


def _pick_key(rng: random.Random, fmt: str, figures: dict) -> str:
    """A table figure (not a blank cell): each table (and the figures the prose states) equally often."""
    keys = [k for k in keys_of(fmt) if figures[k] is not None]
    if fmt == "legacy":
        groups = [
            [k for k in keys if k.startswith("legacy.replies.") and not k.endswith("@cumulative")],
            _stated_keys(fmt, figures),
            keys,
        ]
    else:
        groups = [[k for k in keys if k.startswith(t)] for t in ("t2.", "t3.", "t4.")] + [
            _stated_keys(fmt, figures)
        ]
    return rng.choice(rng.choice(groups))


def _mutation_plan() -> list[Mutation]:
    master = random.Random(20261122)
    plan = []
    for layout, spec in LAYOUTS.items():
        rng = random.Random(master.random())  # one stream per layout: counts can change independently
        for i in range(PER_LAYOUT[layout]):
            seed = BASE_SEEDS[i % len(BASE_SEEDS)]
            figures = _base(layout, seed)
            key = _pick_key(rng, spec.fmt, figures)
            old = figures[key]
            if not spec.exact and isinstance(old, int) and rng.random() < 1 / 3:
                # Another digit count: the run-together row now has more or fewer digits.
                new = rng.randint(10, 40) if old < 10 else rng.randint(0, 9)
            else:
                step = rng.randint(1, 5)
                new = old - step if rng.random() < 0.5 and old - step >= 0 else old + step
            plan.append(Mutation(layout, seed, key, old, new))
    return plan


PLAN = _mutation_plan()


def _params() -> list[object]:
    params = []
    for m in PLAN:
        params.append(pytest.param(m, id=m.id))
    return params


def test_run_together_row_that_no_split_reconciles_with_the_prose_is_an_error(tmp_path: Path) -> None:
    """The prose says 现行有效行政规范性文件47件 and 制发15件; the row reads "15546": 15/5/46 or
    15/54/6. formats.md: only a figure that matches no reading is an error, and 47 matches none."""
    figures = consistent_figures("gb2021", 3)
    assert [figures[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [15, 5, 47]
    statements = prose_statements("gb2021", figures)
    changed = {**figures, "t2.normative.in_force": 46}

    report = read_report(write_report(tmp_path, RUN_TOGETHER, changed, statements=statements))

    assert "text.table_mismatch" in errors_of(report)


def _row_digits(figures: dict, row: tuple[str, ...]) -> str:
    return "".join("" if figures.get(k) is None else str(figures[k]) for k in row)


@pytest.mark.parametrize("m", _params())
def test_changed_figure_breaks_exactly_the_rules_it_should(m: Mutation, tmp_path: Path) -> None:
    fmt = LAYOUTS[m.layout].fmt
    base = _base(m.layout, m.seed)
    statements = prose_statements(fmt, base, received=_received(m.seed))  # the prose keeps the old figures
    changed = {**base, m.key: m.new}

    report = _read(tmp_path, m.layout, changed, m.seed, statements=statements)
    errors = errors_of(report)
    findings = [(f.rule, f.severity, f.message) for f in validate(report).findings]

    if LAYOUTS[m.layout].exact and m.layout != RUN_TOGETHER:
        assert report.figures == changed
        assert errors == broken_rules(fmt, changed, statements), findings
        return

    # Run-together digits: the reader may take another split of the same digits (when that split is
    # the one that keeps the sums), and may leave a row open with a note naming it.
    read = report.figures
    resplit = {k for k in changed if read.get(k) is not None and read[k] != changed[k]}
    for row in rows_of(fmt):
        whole = not any(read.get(k) is None and changed[k] is not None for k in row)  # no cell left open
        if resplit & set(row) and whole:
            assert _row_digits(read, row) == _row_digits(changed, row), f"{row} read as other digits"
    reading = {**changed, **{k: read[k] for k in resplit}}
    expected = broken_rules(fmt, reading, statements)
    open_keys = {k for k in changed if read.get(k) is None and changed[k] is not None}
    if not open_keys:
        assert errors == expected, findings
        return
    assert open_keys <= {k for note in report.notes for k in note.keys}
    if not LAYOUTS[m.layout].exact:
        # Blank cells dropped too: a blank cell stands for 0, and a row that no reading fits is flagged
        # by its own sum or is absent with a note; a sum that needs a figure read as absent cannot be
        # checked, and only such a sum may go unreported.
        zeroed = {k: 0 if v is None else v for k, v in reading.items()}
        expected = broken_rules(fmt, zeroed, statements)
        unread = {k for k in changed if read.get(k) is None}
        stated = {k for s in statements for r in s.readings for k in r}
        assert errors <= expected, (expected, findings)
        for rule in expected - errors:
            broken = [
                s
                for s in sums(fmt)
                if s.rule == rule and broken_rules(fmt, {k: zeroed[k] for k in s.keys}, [])
            ]
            unchecked = (
                any(set(s.keys) & unread for s in broken) or rule == "text.table_mismatch" and stated & unread
            )
            assert unchecked, (rule, findings)
    elif expected:
        # formats.md: where no split fits the reader says so — and the user must still see an
        # error of a rule the change breaks, not only a warning that figures are absent.
        assert errors & expected and errors <= expected, (expected, findings)
    else:
        assert errors == set(), findings


def test_mutation_plan_covers_every_layout_and_table() -> None:
    assert len(PLAN) == sum(PER_LAYOUT.values()) >= 300
    for layout, spec in LAYOUTS.items():
        keys = {m.key for m in PLAN if m.layout == layout}
        tables = {k.split(".")[0] for k in keys}
        assert tables == ({"legacy"} if spec.fmt == "legacy" else {"t2", "t3", "t4"})
        assert set(_stated_keys(spec.fmt, _base(layout, 1))) & keys
    assert any(len(str(m.old)) != len(str(m.new)) for m in PLAN if m.layout == RUN_TOGETHER)
    assert any(not LAYOUTS[m.layout].exact for m in PLAN)


# ---------------------------------------------------------------- last year's report


def _column_change(figures: dict, column: str, step: int, via: str) -> dict:
    """二、上年结转 of one column up by `step`, with the in-year sums kept: 四、结转下年度 up as much,
    or （七）总计 and 予以公开 up as much."""
    changed = dict(figures)
    rows = ("carried_in", "carried_out") if via == "carried_out" else ("carried_in", "handled", "granted")
    for row in rows:
        for col in (column, "total"):
            changed[f"t3.{row}.{col}"] += step
    return changed


@pytest.mark.parametrize(
    ("prior_layout", "layout", "via"),
    [
        ("gb2021-md", "gb2021-md", "carried_out"),
        ("gb2021-md", "gb2021-md", "handled"),
        ("gb2021-run-together", "gb2021-docx", "carried_out"),
    ],
)
def test_prior_report_is_used_by_the_cross_year_rule(
    prior_layout: str, layout: str, via: str, tmp_path: Path
) -> None:
    figures_2022 = consistent_figures("gb2021", 1)
    figures_2023 = next_year_figures(figures_2022, seed=2)
    prior = read_report(write_report(tmp_path, prior_layout, figures_2022, name="2022", year=2022))
    report = read_report(write_report(tmp_path, layout, figures_2023, name="2023", year=2023))
    assert (prior.figures, report.figures) == (figures_2022, figures_2023)

    findings = validate(report, prior=prior).findings
    assert [f for f in findings if f.severity == "error" or f.rule.startswith("cross_year.")] == []

    column = "social"
    changed = _column_change(figures_2023, column, 2, via)
    assert broken_rules("gb2021", changed, prose_statements("gb2021", changed)) == set()
    report = read_report(write_report(tmp_path, layout, changed, name="2023-changed", year=2023))

    assert errors_of(report) == set()  # alone, the changed report is consistent
    findings = [f for f in validate(report, prior=prior).findings if f.severity == "error"]
    assert {f.rule for f in findings} == {"cross_year.carried_in"}
    keys = {k for f in findings for k in f.location.keys}
    assert keys == {f"t3.carried_in.{column}", "t3.carried_in.total"}


# ---------------------------------------------------------------- merged label cells in simple tables


@pytest.mark.parametrize("layout", ["gb2021-md", "gb2021-excel-paste"])
def test_table_three_with_the_templates_merged_label_columns_reads_back(layout: str, tmp_path: Path) -> None:
    """表三 copied from Excel (or converted to Markdown) with the template's three label columns:
    a merged label copies as its text followed by empty cells."""
    figures = consistent_figures("gb2021", 1)

    report = _read(tmp_path, layout, figures, 1, merged_labels=True)

    assert report.figures == figures
    assert errors_of(report) == set()
