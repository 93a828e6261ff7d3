"""Read table rows back into figures, including rows whose cell boundaries were lost.

Text copied from a web page runs the cells of a row together: "640020470" is 64, 0, 0, 2, 0,
4, 70. The table's own sums say which split is right (formats.md): first each row's own total
("自然人 + … = 总计"), then the sums across rows (columns, the balance rule), then figures the
prose states. Where no split or more than one fits, the row is left absent with a note, never
guessed.
"""

from __future__ import annotations

import itertools
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
    """A figure the prose states: it fits an assignment where any reading's keys sum to `value`."""

    readings: tuple[tuple[str, ...], ...]
    value: Value
    text: str  # the clause that states it, for messages


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


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def leading_values(text: str) -> str:
    """The run of figures at the start of `text` (up to the first word)."""
    m = _LEADING_VALUES.match(text)
    return m.group(0) if m else ""


def _splits(digits: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut a digit string into `parts` numbers without leading zeros."""
    if parts == 1:
        if len(digits) == 1 or digits[0] != "0":
            yield (digits,)
        return
    if digits[0] == "0":
        for rest in _splits(digits[1:], parts - 1):
            yield ("0",) + rest
        return
    for cut in range(1, len(digits) - parts + 2):
        for rest in _splits(digits[cut:], parts - 1):
            yield (digits[:cut],) + rest


def _token_cells(token: str) -> int | None:
    """How many cells a token may stand for at most; None when it is a single fixed cell."""
    if token.isdigit() and len(token) > 1:
        return len(token)
    return None


def row_candidates(reading: RowReading) -> list[Candidate] | None:
    """All readings of a row's tokens as cells; None when there are too many to examine."""
    n = len(reading.keys)
    tokens = reading.tokens
    if reading.atomic or len(tokens) == n:
        if len(tokens) != n:
            return []
        try:
            return [tuple((parse_value(t), t) for t in tokens)]
        except (ValueError, ArithmeticError):  # a cell of several figures run together, e.g. "7-331-33122"
            return []
    flexible = [i for i, t in enumerate(tokens) if _token_cells(t)]
    spare = n - len(tokens)
    if spare < 0 or not flexible:
        return []
    out: list[Candidate] = []
    for extra in _distributions(spare, [_token_cells(tokens[i]) - 1 for i in flexible]):  # type: ignore[operator]
        widths = dict(zip(flexible, extra))
        per_token = [list(_splits(t, widths[i] + 1)) if i in widths else [(t,)] for i, t in enumerate(tokens)]
        for combo in itertools.product(*per_token):
            out.append(tuple((parse_value(p), p) for piece in combo for p in piece))
            if len(out) > _CAP:
                return None
    return out


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
        if any(values.get(k) is None for k in keys):
            unknown = True
        elif sum(values[k] for k in keys) == hint.value:  # type: ignore[misc]
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

    for reading in readings:
        cands = row_candidates(reading)
        intra = [c for c in constraints if set(c.keys) <= set(reading.keys)]
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
        open_rows.append((reading, consistent or cands, broken))

    # Settle the remaining rows by the sums across rows and the prose, one row at a time while
    # that decides anything, then jointly.
    progress = True
    while open_rows and progress:
        progress = False
        for item in list(open_rows):
            reading, cands, broken = item
            best = _best(cands, [reading], fixed, constraints, hints)
            if best is not None:
                fixed.update(zip(reading.keys, best[0]))
                if broken is not None:
                    notes.append(_unsatisfiable_note(reading, broken, best[0]))
                open_rows.remove(item)
                progress = True
    if open_rows:
        notes.extend(_settle_jointly(open_rows, fixed, constraints, hints))
    return fixed, notes


def _as_values(reading: RowReading, cand: Candidate) -> dict[str, Value | None]:
    return {k: cell[0] for k, cell in zip(reading.keys, cand)}


def _score(
    values: dict[str, Value | None], touched: set[str], constraints: list[Constraint], hints: list[Hint]
) -> int:
    score = 0
    for c in constraints:
        if touched & set(c.keys) and c.holds(values):
            score += 1
    for h in hints:
        if any(touched & set(r) for r in h.readings) and _hint_holds(h, values):
            score += 1
    return score


def _best(
    cands: list[Candidate],
    rows: list[RowReading],
    fixed: dict[str, ReadValue],
    constraints: list[Constraint],
    hints: list[Hint],
) -> tuple[Candidate, int] | None:
    """The single best-scoring candidate of one row, or None when the best is shared."""
    reading = rows[0]
    base = {k: cell[0] for k, cell in fixed.items()}
    touched = set(reading.keys)
    scored = [(_score({**base, **_as_values(reading, c)}, touched, constraints, hints), c) for c in cands]
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
) -> list[ReadingNote]:
    notes: list[ReadingNote] = []
    size = 1
    for _, cands, _ in open_rows:
        size *= len(cands)
    winners: list[tuple[Candidate, ...]] = []
    if size <= _CAP:
        base = {k: cell[0] for k, cell in fixed.items()}
        touched = {k for r, _, _ in open_rows for k in r.keys}
        top = -1
        for combo in itertools.product(*(c for _, c, _ in open_rows)):
            values = dict(base)
            for (reading, _, _), cand in zip(open_rows, combo):
                values.update(_as_values(reading, cand))
            score = _score(values, touched, constraints, hints)
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
        stated = _contradicted_hints(reading, options, fixed, hints)
        if broken is not None:
            notes.append(_unsatisfiable_note(reading, broken, None, options))
        elif stated:
            notes.append(_prose_conflict_note(reading, options, stated))
        else:
            notes.append(_ambiguous_note(reading, options))
    return notes


def _contradicted_hints(
    reading: RowReading, options: list[Candidate], fixed: dict[str, ReadValue], hints: list[Hint]
) -> list[Hint]:
    """The prose figures about this row when no split agrees with all of them, else []."""
    touched = set(reading.keys)
    relevant = [h for h in hints if any(touched & set(r) for r in h.readings)]
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
    said = "、".join(f"“{h.text}”" for h in stated)
    return _note(
        "unsatisfiable",
        reading,
        f"单元格边界已丢失，可拆分为 {len(options)} 种（{'、'.join(_values_text(c) for c in options[:6])}），"
        f"但无论如何拆分，都与正文{said}不能全部相符，该行数字暂按缺失处理，请核对表格与正文",
        rule="text.table_mismatch",
        candidates=[[cell[0] for cell in c] for c in options[:20]],
    )


def _shape_note(reading: RowReading) -> ReadingNote:
    n = len(reading.keys)
    return _note("shape", reading, f"应有 {n} 个数值，读到的内容无法对应到 {n} 个单元格")
