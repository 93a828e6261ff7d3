"""Read table rows back into figures, including rows whose cell boundaries were lost.

Text copied from a web page runs the cells of a row together: "640020470" is 64, 0, 0, 2, 0,
4, 70. The table's own sums say which split is right (formats.md): first each row's own total
("自然人 + … = 总计"), then the sums across rows (columns, the balance rule), then figures the
prose states. Where no split or more than one fits, the row is left absent with a note, never
guessed.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from reportassist.markers import ANY_MARK
from reportassist.model import ReadingNote, Value
from reportassist.readers.cells import ABSENT
from reportassist.schema import Constraint, RowSpec

__all__ = [
    "Hint",
    "ReadValue",
    "RowReading",
    "leading_values",
    "parse_value",
    "solve",
    "tokenize",
]

ReadValue = tuple[Value | None, str]  # the value (None: absent) and the text it was read from
Candidate = tuple[ReadValue, ...]

_TOKEN = re.compile(r"[+\-−]?\d+(?:\.\d+)?|[/／\\×]|—+|－|–|-|不适用|零")
_LEADING_VALUES = re.compile(r"^(?:\s*(?:[+\-−]?\d+(?:\.\d+)?|[/／]|—+|－|不适用))+")

# How many candidate splits or combinations are examined before a row is called ambiguous.
_CAP = 50_000
# How many readings of a row are weighed against the other rows and the prose (each against every sum).
_OPEN_CAP = 5_000


@dataclass(frozen=True)
class RowReading:
    """The cells of one official row as found in a document, before they are split into values."""

    table: str
    row: RowSpec
    keys: tuple[str, ...]
    tokens: tuple[str, ...]
    atomic: bool  # True: each token is one cell (a real table); False: digits may run together
    place: str

    @property
    def raw(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Hint:
    """A figure the prose (or last year's report) states: it fits an assignment where any reading's
    keys, less the `minus` keys, sum to `value`."""

    readings: tuple[tuple[str, ...], ...]
    value: Value
    text: str  # what states it, for messages: the clause, or last year's figure
    minus: tuple[str, ...] = ()
    source: str = "正文"  # where `text` is: 正文 or 上年报告


def parse_value(text: str) -> Value | None:
    """'12' -> 12, '3.5' -> Decimal('3.5'), '零' -> 0; absence marks and blanks -> None."""
    text = text.strip().replace("−", "-").replace(",", "").replace("，", "")
    if text in ABSENT or ANY_MARK.fullmatch(text):
        return None
    if text == "零":
        return 0
    if "." in text:
        return Decimal(text)
    return int(text)


@functools.lru_cache(maxsize=4096)
def _cell(text: str) -> ReadValue:
    """A cell text with its value: the same pieces come up in thousands of splits of one row."""
    return parse_value(text), text


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def leading_values(text: str) -> str:
    """The run of figures at the start of `text` (up to the first word)."""
    m = _LEADING_VALUES.match(text)
    return m.group(0) if m else ""


class _TooMany(Exception):
    """A row with more readings than can be examined: it is left open, never guessed."""


@dataclass
class _Budget:
    """Steps left to the search for one row's readings (a hostile row of a hundred digits has billions)."""

    left: int = 4 * _CAP

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooMany


@functools.lru_cache(maxsize=1024)
def _cuts(text: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """Every way to cut a run-together figure into `parts` cells: between two digits only (a sign
    stays at the front of its cell, a decimal point between digits of one cell), no cell with a
    leading zero ("05"). Kept per piece of text: the tails of a row's digits come up again and again."""
    if parts == 1:
        return ((text,),) if _whole(text) else ()
    out: list[tuple[str, ...]] = []
    for cut in range(1, len(text)):
        if text[cut - 1].isdigit() and text[cut].isdigit() and _whole(text[:cut]):
            out.extend((text[:cut], *rest) for rest in _cuts(text[cut:], parts - 1))
            if len(out) > _CAP:
                raise _TooMany
    return tuple(out)


# A cell of these tables holds at most a few million: more digits than this are several cells.
_MOST_DIGITS = 8


def _whole(cell: str) -> bool:
    """A figure as a cell holds it: "0", "12", "-2", "3.5"; not "05", "-05", "3." or a hundred digits."""
    digits = cell.lstrip("+-−")
    return (
        digits[:1].isdigit()
        and (len(digits) == 1 or digits[0] != "0" or digits[1] == ".")
        and len(digits.split(".")[0]) <= _MOST_DIGITS
    )


def _token_cells(token: str) -> int | None:
    """How many cells a token may stand for at most; None when it is a single fixed cell."""
    cuts = sum(1 for a, b in itertools.pairwise(token) if a.isdigit() and b.isdigit())
    return cuts + 1 if cuts else None


def row_candidates(reading: RowReading) -> list[Candidate] | None:
    """All readings of a row's tokens as cells; None when there are too many to examine."""
    return _readings(reading, len(reading.keys))


def _readings(reading: RowReading, width: int) -> list[Candidate] | None:
    """The row's figures read as `width` cells in order; None when there are too many."""
    if _most_readings(reading, width) > _CAP:
        return None
    out: list[Candidate] = []
    try:
        for texts in _sequences(reading, width):
            try:
                out.append(tuple(map(_cell, texts)))
            except (
                ValueError,
                ArithmeticError,
            ):  # a cell of several figures run together, e.g. "7-331-33122"
                continue
            if len(out) > _CAP:
                return None
    except _TooMany:
        return None
    return out


def _most_readings(reading: RowReading, width: int) -> int:
    """An upper bound of the readings of the row as `width` cells (every cut between two digits allowed)."""
    if reading.atomic or width == len(reading.tokens):
        return 1
    limits = [cells - 1 for t in reading.tokens if (cells := _token_cells(t))]
    total = 0
    for extra in _distributions(width - len(reading.tokens), limits):
        total += math.prod(math.comb(limit, e) for limit, e in zip(limits, extra))
        if total > _CAP:
            break
    return total


def _sequences(reading: RowReading, width: int) -> Iterator[tuple[str, ...]]:
    """The row's tokens as `width` cell texts: as they are, or digits run together cut without leading zeros."""
    tokens = reading.tokens
    if reading.atomic or width == len(tokens):
        # A token of run-together digits with a leading zero ("00") is two cells, never one.
        if width == len(tokens) and (reading.atomic or all(_whole(t) or not _token_cells(t) for t in tokens)):
            yield tokens
        return
    flexible = [i for i, t in enumerate(tokens) if _token_cells(t)]
    limits = [_token_cells(tokens[i]) - 1 for i in flexible]  # type: ignore[operator]
    for extra in _distributions(width - len(tokens), limits):
        widths = dict(zip(flexible, extra))
        per_token = [_cuts(t, widths[i] + 1) if i in widths else ((t,),) for i, t in enumerate(tokens)]
        for combo in itertools.product(*per_token):
            yield tuple(p for piece in combo for p in piece)


def _row_total(reading: RowReading, constraints: list[Constraint]) -> Constraint | None:
    """The row's own 总计 (its last cell = the sum of the others), when it has one."""
    for constraint in constraints:
        if constraint.right == reading.keys[-1:] and set(constraint.left) == set(reading.keys[:-1]):
            return constraint
    return None


def blank_candidates(reading: RowReading) -> list[Candidate] | None:
    """Readings of a row whose blank cells were dropped ("22" for seven cells): fewer figures than
    cells, in order, the last one the row's 总计, the others in any of the parts' cells with the rest
    blank, and the parts adding up to the 总计. None when there are too many to examine."""
    n = len(reading.keys)
    out: list[Candidate] = []
    try:
        for parts, last in _summing(reading, n - 1, _Budget()):
            out += _placed([_cell(p) for p in parts], _cell(last), n)
            if len(out) > _CAP:
                return None
    except _TooMany:
        return None
    return out


def _summing(reading: RowReading, most: int, budget: _Budget) -> Iterator[tuple[tuple[str, ...], str]]:
    """The row's figures as at most `most` parts and a last figure that is their sum."""
    tokens = reading.tokens
    if len(tokens) == 1 and tokens[0].isdigit() and not reading.atomic:
        digits = tokens[0]  # the common case, a run of digits: cut the 总计 off, then the parts that make it
        for cut in range(1, len(digits)):
            total = digits[cut:]
            if _whole(total):
                for parts in _adding_up(digits[:cut], int(total), most, budget):
                    yield parts, total
        return
    for width in range(2, most + 2):
        for texts in _sequences(reading, width):
            budget.spend()
            try:
                values = [parse_value(t) for t in texts]
            except (ValueError, ArithmeticError):
                continue
            if all(v is not None for v in values) and sum(values[:-1]) == values[-1]:  # type: ignore[arg-type]
                yield texts[:-1], texts[-1]


def _adding_up(digits: str, target: int, most: int, budget: _Budget) -> Iterator[tuple[str, ...]]:
    """Every cut of `digits` into at most `most` figures (no leading zeros) that add up to `target`."""
    budget.spend()
    if _whole(digits) and int(digits) == target:
        yield (digits,)
    if most < 2:
        return
    for cut in range(1, len(digits)):
        head = digits[:cut]
        if not _whole(head) or int(head) > target:
            break
        for rest in _adding_up(digits[cut:], target - int(head), most - 1, budget):
            yield (head, *rest)


def _placed(parts: list[ReadValue], last: ReadValue, n: int) -> Iterator[Candidate]:
    """`parts` in every choice of the row's n − 1 part cells (in order), blanks elsewhere, `last` as 总计."""
    for places in itertools.combinations(range(n - 1), len(parts)):
        row: list[ReadValue] = [(None, "")] * (n - 1)
        for place, cell in zip(places, parts):
            row[place] = cell
        yield (*row, last)


def _distributions(total: int, limits: list[int]) -> Iterator[tuple[int, ...]]:
    if not limits:
        if total == 0:
            yield ()
        return
    for first in range(min(total, limits[0]) + 1):
        for rest in _distributions(total - first, limits[1:]):
            yield (first,) + rest


def _hint_holds(hint: Hint, values: dict[str, Value | None]) -> bool | None:
    """True when a reading matches; False only when every reading is known and none matches."""
    unknown = False
    for keys in hint.readings:
        if any(values.get(k) is None for k in keys + hint.minus):
            unknown = True
        elif sum(values[k] for k in keys) - sum(values[k] for k in hint.minus) == hint.value:  # type: ignore[misc]
            return True
    return None if unknown else False


def solve(
    readings: Iterable[RowReading], constraints: Iterable[Constraint], hints: Iterable[Hint] = ()
) -> tuple[dict[str, ReadValue], list[ReadingNote]]:
    """Split every row so that the table's sums hold; return cells by key and notes on what could not be settled."""
    constraints = list(constraints)
    hints = list(hints)
    fixed: dict[str, ReadValue] = {}
    notes: list[ReadingNote] = []
    open_rows: list[tuple[RowReading, list[Candidate], Constraint | None]] = []

    readings = list(readings)
    found = [row_candidates(r) for r in readings]
    totals = [_row_total(r, constraints) for r in readings]
    # A row too short for its cells, though it has a 总计, lost its blank cells: then any row of the
    # table may have lost some, and is read both ways.
    dropped = any(c == [] and t is not None for c, t in zip(found, totals))
    for reading, cands, total in zip(readings, found, totals):
        intra = [c for c in constraints if set(c.keys) <= set(reading.keys)]
        if dropped and total is not None and cands is not None:
            blanks = blank_candidates(reading)
            cands = None if blanks is None else cands + blanks
        if cands is None:
            notes.append(_note("ambiguous", reading, "数字粘连，可能的拆分过多，无法确定各格数值"))
            continue
        if not cands:
            notes.append(_shape_note(reading))
            continue
        consistent = [c for c in cands if all(k.holds(_as_values(reading, c)) is not False for k in intra)]
        if len(cands) == 1 or len(consistent) == 1:
            fixed.update(zip(reading.keys, (consistent or cands)[0]))
            continue
        broken = intra[0] if not consistent and intra else None
        if len(consistent or cands) > _OPEN_CAP:
            notes.append(_note("ambiguous", reading, "数字粘连，可能的拆分过多，无法确定各格数值"))
            continue
        open_rows.append((reading, consistent or cands, broken))

    # Settle the remaining rows by the sums across rows and the prose, one row at a time while
    # that decides anything, then jointly.
    progress = True
    while open_rows and progress:
        progress = False
        for item in list(open_rows):
            reading, cands, broken = item
            best = _best(cands, [reading], fixed, constraints, hints, dropped)
            if best is not None:
                fixed.update(zip(reading.keys, best[0]))
                if broken is not None:
                    notes.append(_unsatisfiable_note(reading, broken, best[0]))
                open_rows.remove(item)
                progress = True
    if open_rows:
        notes.extend(_settle_jointly(open_rows, fixed, constraints, hints, dropped))
    return fixed, notes


def _as_values(reading: RowReading, cand: Candidate) -> dict[str, Value | None]:
    return {k: cell[0] for k, cell in zip(reading.keys, cand)}


def _touching(
    touched: set[str], constraints: list[Constraint], hints: list[Hint]
) -> tuple[list[Constraint], list[Hint]]:
    """The sums and stated figures that involve any of the `touched` cells: the only ones a reading of them can change."""
    return (
        [c for c in constraints if touched & set(c.keys)],
        [h for h in hints if any(touched & set(r + h.minus) for r in h.readings)],
    )


def _score(
    values: dict[str, Value | None], constraints: list[Constraint], hints: list[Hint], blank_zero: bool
) -> int:
    """How many of the sums and stated figures hold. `blank_zero`: the table's blank cells were
    dropped, so a blank cell of a reading counts as the 0 it stands for (else a reading with all its
    cells filled would win only because more of its sums can be checked)."""
    if blank_zero:
        values = {k: 0 if v is None else v for k, v in values.items()}
    return sum(1 for c in constraints if c.holds(values)) + sum(1 for h in hints if _hint_holds(h, values))


def _best(
    cands: list[Candidate],
    rows: list[RowReading],
    fixed: dict[str, ReadValue],
    constraints: list[Constraint],
    hints: list[Hint],
    blank_zero: bool,
) -> tuple[Candidate, int] | None:
    """The single best-scoring candidate of one row, or None when the best is shared."""
    reading = rows[0]
    base = {k: cell[0] for k, cell in fixed.items()}
    constraints, hints = _touching(set(reading.keys), constraints, hints)
    scored = [(_score({**base, **_as_values(reading, c)}, constraints, hints, blank_zero), c) for c in cands]
    top = max(s for s, _ in scored)
    winners = [c for s, c in scored if s == top]
    if top == 0 or len(winners) != 1:
        return None
    return winners[0], top


def _settle_jointly(
    open_rows: list[tuple[RowReading, list[Candidate], Constraint | None]],
    fixed: dict[str, ReadValue],
    constraints: list[Constraint],
    hints: list[Hint],
    blank_zero: bool,
) -> list[ReadingNote]:
    notes: list[ReadingNote] = []
    size = 1
    for _, cands, _ in open_rows:
        size *= len(cands)
    winners: list[tuple[Candidate, ...]] = []
    if size <= _CAP:
        base = {k: cell[0] for k, cell in fixed.items()}
        touching = _touching({k for r, _, _ in open_rows for k in r.keys}, constraints, hints)
        top = -1
        for combo in itertools.product(*(c for _, c, _ in open_rows)):
            values = dict(base)
            for (reading, _, _), cand in zip(open_rows, combo):
                values.update(_as_values(reading, cand))
            score = _score(values, *touching, blank_zero)
            if score > top:
                top, winners = score, [combo]
            elif score == top:
                winners.append(combo)
        if top == 0:
            winners = []
    for index, (reading, cands, broken) in enumerate(open_rows):
        choices = {combo[index] for combo in winners}
        if len(choices) == 1:
            choice = choices.pop()
            fixed.update(zip(reading.keys, choice))
            if broken is not None:
                notes.append(_unsatisfiable_note(reading, broken, choice))
            continue
        options = sorted({c for c in (choices or cands)}, key=lambda c: [str(x[1]) for x in c])
        certain = _agreed(reading, cands)
        fixed.update(certain)
        stated = _contradicted_hints(reading, options, fixed, hints)
        if broken is not None:
            note = _unsatisfiable_note(reading, broken, None, options)
        elif stated:
            note = _prose_conflict_note(reading, options, stated)
        else:
            note = _ambiguous_note(reading, options)
        notes.append(_with_certain(note, reading, certain))
    return notes


def _with_certain(note: ReadingNote, reading: RowReading, certain: dict[str, ReadValue]) -> ReadingNote:
    """The note of an open row names only its open cells, and says which cells were read all the same."""
    if not certain:
        return note
    labels = reading.row.column_labels or reading.keys
    read = "、".join(f"{labels[i]} {certain[k][1]}" for i, k in enumerate(reading.keys) if k in certain)
    return note.model_copy(
        update={
            "keys": [k for k in note.keys if k not in certain],
            "message": note.message.removesuffix("。") + f"；各种拆分一致的{read}已读取。",
        }
    )


def _agreed(reading: RowReading, cands: list[Candidate]) -> dict[str, ReadValue]:
    """The cells every reading of the row gives the same figure (a 总计 all splits share): certain
    even when the row's split is not."""
    return {
        key: cands[0][i]
        for i, key in enumerate(reading.keys)
        if cands[0][i][0] is not None and all(c[i] == cands[0][i] for c in cands)
    }


def _contradicted_hints(
    reading: RowReading, options: list[Candidate], fixed: dict[str, ReadValue], hints: list[Hint]
) -> list[Hint]:
    """The prose figures about this row when no split agrees with all of them, else []."""
    touched = set(reading.keys)
    relevant = [h for h in hints if any(touched & set(r + h.minus) for r in h.readings)]
    base = {k: cell[0] for k, cell in fixed.items()}
    for cand in options:
        values = {**base, **_as_values(reading, cand)}
        if all(_hint_holds(h, values) is not False for h in relevant):
            return []
    return relevant


def _values_text(cand: Candidate) -> str:
    return "/".join(cell[1] or "空" for cell in cand)


def _note(kind: str, reading: RowReading, why: str, **extra: object) -> ReadingNote:
    return ReadingNote(
        kind=kind,  # type: ignore[arg-type]
        table=reading.table,
        row=reading.row.id,
        keys=list(reading.keys),
        raw=reading.raw,
        message=f"{reading.place}（原文“{reading.raw}”）：{why}。",
        **extra,  # type: ignore[arg-type]
    )


def _ambiguous_note(reading: RowReading, options: list[Candidate]) -> ReadingNote:
    shown = "、".join(_values_text(c) for c in options[:6]) + ("等" if len(options) > 6 else "")
    return _note(
        "ambiguous",
        reading,
        f"单元格边界已丢失，可拆分为 {len(options)} 种（{shown}），表内合计与正文都不足以确定，"
        "该行数字暂按缺失处理，请对照原表核实",
        candidates=[[cell[0] for cell in c] for c in options[:20]],
    )


def _unsatisfiable_note(
    reading: RowReading, broken: Constraint, chosen: Candidate | None, options: list[Candidate] | None = None
) -> ReadingNote:
    if chosen is not None:
        why = f"单元格边界已丢失，任何拆分都不满足本行合计；按与其他行最吻合的拆分读作 {_values_text(chosen)}"
    else:
        why = "单元格边界已丢失，任何拆分都不满足本行合计，也无法据其他行确定拆分，该行数字暂按缺失处理"
    return _note(
        "unsatisfiable",
        reading,
        why,
        rule=broken.rule,
        candidates=[[cell[0] for cell in c] for c in (options or [])[:20]],
    )


def _prose_conflict_note(reading: RowReading, options: list[Candidate], stated: list[Hint]) -> ReadingNote:
    said = "、".join(f"{h.source}“{h.text}”" for h in stated)
    return _note(
        "unsatisfiable",
        reading,
        f"单元格边界已丢失，可拆分为 {len(options)} 种（{'、'.join(_values_text(c) for c in options[:6])}），"
        f"但无论如何拆分，都与{said}不能全部相符，该行数字暂按缺失处理，请核对表格与{stated[0].source}",
        rule="text.table_mismatch",
        candidates=[[cell[0] for cell in c] for c in options[:20]],
    )


def _shape_note(reading: RowReading) -> ReadingNote:
    n = len(reading.keys)
    return _note("shape", reading, f"应有 {n} 个数值，读到的内容无法对应到 {n} 个单元格")
