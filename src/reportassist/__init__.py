"""reportassist: read, validate and draft 政府信息公开工作年度报告.

The public interface; everything else is internal and may change. The names are loaded when first used, so
that importing the package (and starting the command line) does not load every reader's library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportassist.errors import InputError, InternalError, ReportAssistError
    from reportassist.model import Breakdown, FigureSource, Meta, ProseFigure, ReadingNote, Report, Section
    from reportassist.parsing import parse_document, read_report
    from reportassist.readers import Document, read_document
    from reportassist.settings import Settings, get_settings
    from reportassist.validation import RULES, Finding, Location, ValidationResult, validate

# Public name -> the module that defines it.
_HOMES = {
    "InputError": "reportassist.errors",
    "InternalError": "reportassist.errors",
    "ReportAssistError": "reportassist.errors",
    "Breakdown": "reportassist.model",
    "FigureSource": "reportassist.model",
    "Meta": "reportassist.model",
    "ProseFigure": "reportassist.model",
    "ReadingNote": "reportassist.model",
    "Report": "reportassist.model",
    "Section": "reportassist.model",
    "parse_document": "reportassist.parsing",
    "read_report": "reportassist.parsing",
    "Document": "reportassist.readers",
    "read_document": "reportassist.readers",
    "Settings": "reportassist.settings",
    "get_settings": "reportassist.settings",
    "RULES": "reportassist.validation",
    "Finding": "reportassist.validation",
    "Location": "reportassist.validation",
    "ValidationResult": "reportassist.validation",
    "validate": "reportassist.validation",
}

__all__ = [
    "RULES",
    "Breakdown",
    "Document",
    "FigureSource",
    "Finding",
    "InputError",
    "InternalError",
    "Location",
    "Meta",
    "ProseFigure",
    "ReadingNote",
    "Report",
    "ReportAssistError",
    "Section",
    "Settings",
    "ValidationResult",
    "get_settings",
    "parse_document",
    "read_document",
    "read_report",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'reportassist' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted(__all__)
