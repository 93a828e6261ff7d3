"""The exception tree: bad input (the user's to fix) is kept apart from our own defects."""

from __future__ import annotations

from pathlib import Path

__all__ = ["InputError", "InternalError", "ReportAssistError"]


class ReportAssistError(Exception):
    """Base of every error reportassist raises on purpose."""


class InputError(ReportAssistError):
    """A file or value supplied by the user cannot be used; the message is for staff, in Chinese."""

    def __init__(self, message: str, *, path: Path | str | None = None, place: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.place = place
        self.reason = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.path is not None:
            where.append(f"文件 {self.path}")
        if self.place:
            where.append(self.place)
        prefix = "，".join(where)
        return f"{prefix}：{self.reason}" if prefix else self.reason


class InternalError(ReportAssistError):
    """Something reportassist itself got wrong; worth a bug report, never the user's fault."""
