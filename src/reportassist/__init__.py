"""reportassist: read, validate and draft 政府信息公开工作年度报告.

The public interface; everything else is internal and may change.
"""

from reportassist.errors import InputError, InternalError, ReportAssistError
from reportassist.model import Breakdown, FigureSource, Meta, ProseFigure, ReadingNote, Report, Section
from reportassist.parsing import parse_document, read_report
from reportassist.readers import Document, read_document
from reportassist.settings import Settings, get_settings
from reportassist.validation import RULES, Finding, Location, ValidationResult, validate

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
