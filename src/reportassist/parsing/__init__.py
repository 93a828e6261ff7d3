"""Turn a reader's blocks into a `Report`: sections, meta, table figures, prose figures."""

from __future__ import annotations

from pathlib import Path

from reportassist.model import FigureSource, Report
from reportassist.parsing.meta import detect_meta
from reportassist.parsing.prior import prior_hints
from reportassist.parsing.prose import extract_prose_figures, find_breakdowns
from reportassist.parsing.prose_only import cut_tables
from reportassist.parsing.readings import readings_for
from reportassist.parsing.sections import build_sections, restore_headings
from reportassist.parsing.splitting import Hint, RowReading, solve
from reportassist.parsing.table_headings import lift_headings
from reportassist.parsing.tables import inline_readings, structured_readings
from reportassist.readers import Document, Paragraph, Table, read_document
from reportassist.schema import tables_for

__all__ = ["analyse_prose", "parse_document", "read_report"]


def read_report(path: Path | str, prior: Report | None = None) -> Report:
    """Read any supported file into a `Report`; raises `InputError` for input that cannot be read.

    `prior`, last year's report, settles rows whose cells ran together (`parsing.prior`)."""
    return parse_document(read_document(path), prior)


def analyse_prose(report: Report, masked: list[tuple[int, int]] | None = None) -> None:
    """Find the figures stated in the report's text (outside `masked` spans of tables) and its breakdowns."""
    body, spans = report.body()
    report.prose_figures = extract_prose_figures(body, spans, masked or [])
    report.breakdowns = find_breakdowns(body, report.prose_figures)


def parse_document(document: Document, prior: Report | None = None) -> Report:
    blocks = restore_headings(lift_headings(document.blocks))
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    tables = [b for b in blocks if isinstance(b, Table)]
    captioned = [
        (b, before.text if isinstance(before, Paragraph) else "")
        for before, b in zip([None, *blocks], blocks)
        if isinstance(b, Table)
    ]
    report = Report(sections=build_sections(blocks))
    body, _ = report.body()
    report.meta = detect_meta(paragraphs, tables, body)
    report.meta.source = document.path.name
    fmt = report.meta.format

    masked: list[tuple[int, int]] = []
    readings: list[RowReading] = []
    if fmt is not None:
        specs = tables_for(fmt)
        readings, unplaced = structured_readings(captioned, specs)
        report.notes.extend(unplaced)
        inline = inline_readings(body, specs, read={k for r in readings for k in r.keys})
        readings += inline.readings
        masked = inline.spans

    cut_tables(report, masked)  # the sections carry prose only from here on
    analyse_prose(report)

    if fmt is not None:
        hints = [
            Hint(readings=r, value=f.value, text=f.clause)
            for f in report.prose_figures
            if not f.approximate and (r := readings_for(f, fmt))
        ] + prior_hints(prior, fmt)
        for spec in tables_for(fmt):
            rows = [r for r in readings if r.table == spec.id]
            cells, notes = solve(rows, spec.constraints, hints)
            report.notes.extend(notes)
            places = {k: r.place for r in rows for k in r.keys}
            for key in spec.keys:
                for k in (key, key + "@cumulative"):
                    if k in cells:
                        value, raw = cells[k]
                        report.figures[k] = value
                        report.figure_sources[k] = FigureSource(raw=raw, place=places[k])
                    elif k in places:
                        report.figures[k] = None
    return report
