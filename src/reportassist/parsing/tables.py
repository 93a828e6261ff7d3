"""Find the official tables' rows in a document: in real tables, or in text that lost its cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportassist.model import ReadingNote
from reportassist.parsing.splitting import RowReading, leading_values, tokenize
from reportassist.readers.base import Table
from reportassist.readers.cells import is_value_text
from reportassist.schema import CUMULATIVE, T4_GROUPS, TABLE_NAMES, RowSpec, TableSpec

__all__ = ["InlineTables", "inline_readings", "structured_readings"]

# How far (in characters) the next row of a run-together table may be from the previous one.
_ROW_WINDOW = 400


def _place(spec: TableSpec, row: RowSpec) -> str:
    if spec.id == "t4":
        return "表四数据行"
    label = row.label.split("（区分")[0].split(" ")[-1]
    return f"{TABLE_NAMES[spec.id]}“{label}”行"


def structured_readings(
    tables: list[tuple[Table, str]], specs: tuple[TableSpec, ...]
) -> tuple[list[RowReading], list[ReadingNote]]:
    """Rows of real tables (Word, HTML, PDF, Markdown, pasted from Excel) matched to the official rows,
    and a note for each row of figures in an official table that matches none of its rows.

    Each table comes with its caption, the paragraph just before it: a 表四 printed as three small
    tables names each group there ("行政复议" above a table of five results)."""
    readings: list[RowReading] = []
    notes: list[ReadingNote] = []
    cursors = {spec.id: 0 for spec in specs}
    t4 = next((s for s in specs if s.id == "t4"), None)
    for table, caption in tables:
        table_text = "".join(c for row in table.rows for c in row if c)
        found_before = len(readings)
        unplaced: list[tuple[str, list[str]]] = []
        for row in table.rows:
            label, values = _split_row([c for c in row if c is not None])
            if not values or not any(v.strip() for v in values):
                continue
            if t4 is not None and "结果维持" in table_text:
                t4_readings = _t4_readings(t4, label, values, caption)
                if t4_readings is not None:
                    readings.extend(t4_readings)
                    if not t4_readings:
                        notes.append(_t4_merged_note(label, values))
                    continue
            if not _place_row(label, values, specs, cursors, readings):
                unplaced.append((label, values))
        if len(readings) > found_before:
            notes.extend(_unplaced_note(label, values) for label, values in unplaced)
    return readings, notes


def _t4_group(text: str) -> str | None:
    """Which 表四 group a label names: "行政复议", "未经复议直接起诉", "复议后起诉"; None for none or several."""
    compact = re.sub(r"\s+", "", text)
    direct = "未经复议" in compact or "直接起诉" in compact
    after = bool(re.search(r"(?<!未经)复议后", compact))
    review = bool(re.search(r"行政复议(?!后)", compact.replace("未经复议", "")))
    found = [g for g, hit in (("suit_direct", direct), ("suit_after", after), ("review", review)) if hit]
    return found[0] if len(found) == 1 else None


def _t4_readings(t4: TableSpec, label: str, values: list[str], caption: str) -> list[RowReading] | None:
    """表四 as the template prints it (one row of fifteen), turned on its side (a row of five per group,
    or the two lawsuit groups as one row of ten), or split into three small tables named in their
    captions. [] for a row of five under "行政诉讼" alone (the two lawsuit groups merged: not
    readable); None for a row that is no 表四 row."""
    width = len(t4.keys) // 3
    row = t4.rows[0]
    groups = [g for g, _ in T4_GROUPS]
    fitted = {n: _fit(values, n) for n in (width, 2 * width, 3 * width)}
    if len(fitted[3 * width]) == 3 * width:
        return [_reading(t4, row, row.keys, fitted[3 * width], atomic=True)]
    keys_of = {g: tuple(k for k in row.keys if k.startswith(f"t4.{g}.")) for g in groups}
    compact = re.sub(r"\s+", "", label)
    if len(fitted[2 * width]) == 2 * width and compact.endswith("行政诉讼"):
        keys = keys_of["suit_direct"] + keys_of["suit_after"]
        return [_reading(t4, row, keys, fitted[2 * width], atomic=True, place="表四“行政诉讼”行")]
    if len(fitted[width]) != width:
        return None
    group = _t4_group(label) if label else _t4_group(caption)
    if group is None:
        return [] if compact.endswith("行政诉讼") else None
    name = dict(T4_GROUPS)[group]
    return [_reading(t4, row, keys_of[group], fitted[width], atomic=True, place=f"表四“{name}”行")]


def _t4_merged_note(label: str, values: list[str]) -> ReadingNote:
    raw = " ".join(values)
    return ReadingNote(
        kind="unrecognised",
        table="t4",
        row=label,
        raw=raw,
        message=f"表四“{label}”一行（{raw}）把两类行政诉讼（未经复议直接起诉、复议后起诉）合在一起，"
        "无法分到两类，这些数字未被读取，请按年度报告格式分列。",
    )


def _place_row(
    label: str,
    values: list[str],
    specs: tuple[TableSpec, ...],
    cursors: dict[str, int],
    readings: list[RowReading],
) -> bool:
    """Match a labelled row to the next official row it names, in template order; False if none."""
    if not label:
        return False
    for spec in specs:
        if spec.id == "t4":
            continue
        index = _match_row(spec, label, cursors[spec.id])
        if index is None:
            continue
        cursors[spec.id] = index + 1
        spec_row = spec.rows[index]
        keys = spec_row.keys
        if spec.id == "legacy" and len(_fit(values, 2)) >= 2:
            keys = (keys[0], keys[0] + CUMULATIVE)
        readings.append(_reading(spec, spec_row, keys, _fit(values, len(keys)), atomic=True))
        return True
    return False


def _unplaced_note(label: str, values: list[str]) -> ReadingNote:
    raw = " ".join(values)
    shown = f"“{label}”" if label else "一行没有标题的数字"
    return ReadingNote(
        kind="unrecognised",
        table="",
        row=label,
        raw=raw,
        message=f"表格中{shown}（{raw}）对应不到年度报告格式中的任何一行，这些数字未被读取，请核对行标题。",
    )


def _split_row(cells: list[str]) -> tuple[str, list[str]]:
    """Label cells on the left, value cells (figures, absence marks, blanks) on the right."""
    cut = len(cells)
    while cut > 0 and is_value_text(cells[cut - 1]):
        cut -= 1
    label = " ".join(c.strip() for c in cells[:cut] if c.strip())
    values = [c.strip() for c in cells[cut:]]
    return label, values


def _fit(values: list[str], width: int) -> list[str]:
    """Drop blank cells that are no figures: before the first, left by a label merged across
    columns, and after the last, when the grid is wider than the row."""
    while len(values) > width and not values[0]:
        values = values[1:]
    while len(values) > width and not values[-1]:
        values = values[:-1]
    return values


def _match_row(spec: TableSpec, label: str, start: int) -> int | None:
    compact = re.sub(r"\s+", "", label)
    for index in range(start, len(spec.rows)):
        if re.search(spec.rows[index].pattern, compact):
            return index
    return None


def _reading(
    spec: TableSpec,
    row: RowSpec,
    keys: tuple[str, ...],
    tokens: list[str],
    *,
    atomic: bool,
    place: str | None = None,
) -> RowReading:
    return RowReading(
        table=spec.id,
        row=row,
        keys=keys,
        tokens=tuple(tokens),
        atomic=atomic,
        place=place or _place(spec, row),
    )


def _spaced(values: str) -> bool:
    """Figures each a space apart ("38 2 0 41", text extracted from a PDF) keep their cell
    boundaries; digits run together ("382041", "500000 5") have lost them."""
    words = values.split()
    return len(words) >= 3 and len(words) == len(tokenize(values))


@dataclass
class InlineTables:
    readings: list[RowReading]
    spans: list[tuple[int, int]]  # where in the body text the tables lie, to keep them out of the prose


def inline_readings(body: str, specs: tuple[TableSpec, ...], read: set[str]) -> InlineTables:
    """Rows of tables whose cells were run together in text (copied from a web page), or left in the
    text beside rows that were found as tables (a PDF's one-figure rows); rows whose keys are `read`
    already are not read again."""
    result = InlineTables(readings=[], spans=[])
    by_id = {s.id: s for s in specs}
    t3_span: tuple[int, int] | None = None
    if "t3" in by_id:
        t3_span = _inline_t3(body, by_id["t3"], result, read)
    if "t2" in by_id:
        end = t3_span[0] if t3_span else len(body)
        _inline_t2(body, by_id["t2"], end, result, read)
    if "t4" in by_id and not read & set(by_id["t4"].keys):
        start = t3_span[1] if t3_span else 0
        _inline_t4(body, by_id["t4"], start, result)
    return result


def _inline_t3(body: str, spec: TableSpec, result: InlineTables, read: set[str]) -> tuple[int, int] | None:
    found: list[tuple[RowSpec, re.Match[str]]] = []
    pos = 0
    for row in spec.rows:
        pattern = re.compile(row.prefix + r"\s*" + row.pattern)
        m = pattern.search(body, pos, pos + _ROW_WINDOW if found else len(body))
        if m is None:
            if not found:
                return None  # no 表三 in this text
            continue
        found.append((row, m))
        pos = m.end()
    end = found[-1][1].end()
    for i, (row, m) in enumerate(found):
        stop = found[i + 1][1].start() if i + 1 < len(found) else min(len(body), m.end() + 80)
        values = leading_values(body[m.end() : stop])
        end = max(end, m.end() + len(values))
        if values.strip() and not read & set(row.keys):
            result.readings.append(_reading(spec, row, row.keys, tokenize(values), atomic=_spaced(values)))
    span = (found[0][1].start(), end)
    result.spans.append(span)
    return span


def _inline_t2(body: str, spec: TableSpec, end: int, result: InlineTables, read: set[str]) -> None:
    anchor = re.search(r"第二十条\s*第\s*[（(]\s*一\s*[）)]\s*项", body[:end])
    if anchor is None:
        return
    pos = anchor.start()
    last = pos
    for row in spec.rows:
        m = re.compile(row.pattern + r"\s*(?=[\d/／—－-])").search(body, pos, end)
        if m is None:
            continue
        values = leading_values(body[m.end() : end])
        if values.strip() and not read & set(row.keys):
            result.readings.append(_reading(spec, row, row.keys, tokenize(values), atomic=_spaced(values)))
        pos = last = m.end() + len(values)
    result.spans.append((anchor.start(), last))


def _inline_t4(body: str, spec: TableSpec, start: int, result: InlineTables) -> None:
    header = re.compile(r"结果维持").search(body, start)
    if header is None:
        return
    m = re.compile(r"总计\s*(?=[\d/／—－-])").search(body, header.start(), header.start() + 300)
    if m is None:
        return
    values = leading_values(body[m.end() :])
    row = spec.rows[0]
    result.readings.append(_reading(spec, row, row.keys, tokenize(values), atomic=_spaced(values)))
    result.spans.append((header.start(), m.end() + len(values)))
