"""One input, whatever its shape, read against the format of its year.

Where neither the input nor the caller gives the year, the input is read against every format and
the one it fits best is taken (most table figures placed, fewest left unplaced); formats that fit
equally well but read it differently are not chosen between: staff are asked for the year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportassist.errors import InputError
from reportassist.given_figures.collect import Collector
from reportassist.given_figures.grid import Sheet
from reportassist.given_figures.keys import FORMATS
from reportassist.given_figures.mapping import MappingDoc, read_mapping
from reportassist.given_figures.model import FigureInput
from reportassist.given_figures.rows import read_grid
from reportassist.given_figures.sentences import read_sentences
from reportassist.model import ReportFormat
from reportassist.schema import FORMAT_NAMES, format_for_year

__all__ = ["Source", "interpret"]


@dataclass
class Source:
    """What an input holds, before it is read against a format."""

    path: Path | None
    mapping: MappingDoc | None = None
    grids: list[Sheet] = field(default_factory=list)
    sentences: str = ""

    @property
    def year(self) -> int | None:
        return self.mapping.year if self.mapping is not None else None

    @property
    def agency(self) -> str | None:
        return self.mapping.agency if self.mapping is not None else None


def interpret(source: Source, year: int | None) -> FigureInput:
    stated = source.year
    if year is not None and stated is not None and year != stated:
        raise InputError(
            f"这里写明是 {stated} 年的数字（year: {stated}），而现在要的是 {year} 年的，请核对。",
            path=source.path,
        )
    year = stated if stated is not None else year
    formats = (format_for_year(year),) if year is not None else FORMATS
    readings = [_read(source, fmt) for fmt in formats]
    best = max(r.fit() for r in readings)
    tied = [r for r in readings if r.fit() == best]
    outcomes = {repr(r.outcome()) for r in tied}
    if len(outcomes) > 1:
        names = "、".join(FORMAT_NAMES[r.format] for r in tied)
        raise InputError(
            f"没有注明年度，这些数字按{names}读出的结果不同，无法确定；请注明年度。", path=source.path
        )
    return tied[0].finish(year, source.agency)


def _read(source: Source, fmt: ReportFormat) -> Collector:
    out = Collector(fmt, source.path)
    if source.mapping is not None:
        read_mapping(source.mapping, out)
    for grid in source.grids:
        read_grid(grid, out)
    if source.sentences:
        read_sentences(source.sentences, out)
    return out
