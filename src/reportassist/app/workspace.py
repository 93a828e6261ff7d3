"""One member of staff's work on one draft: the reports given, this year's figures as given, the draft and
the conversation about it. A workspace is what the app keeps per browser and saves after every change."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reportassist.model import Draft, Report
from reportassist.validation import Finding

__all__ = ["ID_PATTERN", "ChatLine", "FiguresGiven", "PriorReport", "Workspace", "new_id"]

# An opaque id: the only thing the browser keeps. Anything else a browser sends as an id is refused.
ID_PATTERN = re.compile(r"[0-9a-f]{24}")


def new_id() -> str:
    return secrets.token_hex(12)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PriorReport(_Model):
    """A past report staff gave (the agency's own or a peer's), as read, with the validator's findings."""

    name: str = Field(description="The file's name as uploaded, or where in the corpus it came from.")
    digest: str = Field(description="Hash of the file's content: the same file given twice is one report.")
    size: int = Field(default=0, description="Bytes of the file as uploaded; 0 for a report of the corpus.")
    report: Report
    findings: list[Finding] = Field(default_factory=list)


class FiguresGiven(_Model):
    """This year's figures as staff gave them, kept raw: they are read again against the year drafted."""

    model_config = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")

    text: str = ""
    file_name: str | None = None
    file_data: bytes | None = None
    summary: str = Field(default="", description="In Chinese: what was understood and what not, when given.")

    @property
    def source(self) -> str:
        """How the draft names where its figures came from."""
        names = [n for n in (self.file_name, "粘贴的文字" if self.text.strip() else None) if n]
        return "、".join(names) or "未提供"


class ChatLine(_Model):
    role: Literal["user", "assistant"]
    text: str
    title: str | None = Field(default=None, description="Shown as a collapsible note titled so (起草说明).")


class Workspace(_Model):
    id: str
    owner: str | None = Field(
        default=None, description="The signed-in user; None where the app has no login."
    )
    created: datetime
    updated: datetime
    priors: list[PriorReport] = Field(default_factory=list)
    base: str | None = Field(
        default=None, description="Digest of the prior chosen as the draft's base; None: chosen."
    )
    figures: FiguresGiven = Field(default_factory=FiguresGiven)
    year: int | None = Field(default=None, description="The report year drafted, once drafted.")
    rewrite: bool = Field(
        default=True, description="Let a configured language model rewrite sections when drafting."
    )
    draft: Draft | None = None
    chat: list[ChatLine] = Field(default_factory=list)

    def is_blank(self) -> bool:
        """Nothing given, drafted or said yet."""
        given = self.figures.text.strip() or self.figures.file_data is not None
        return not (self.priors or given or self.draft is not None or self.chat)

    def uploaded_bytes(self) -> int:
        """The size of the files staff gave this workspace: its uploaded reports and its figures file."""
        return sum(p.size for p in self.priors) + len(self.figures.file_data or b"")

    def title(self) -> str:
        """How the workspace is named in the list of saved drafts."""
        if self.draft is not None:
            meta, version = self.draft.meta, self.draft.history[-1].number
            return f"{meta.agency or ''} {meta.year} 年度报告草稿（第 {version} 版）".strip()
        if self.priors:
            return f"未起草：已上传 {len(self.priors)} 份往年报告"
        return "空白草稿"

    def base_prior(self, year: int | None = None) -> PriorReport | None:
        """The agency's own prior report the draft is built on: the one staff chose, or else the latest report
        (before `year`, where given) of the agency of the first report given."""
        chosen = next((p for p in self.priors if p.digest == self.base), None)
        if chosen is not None:
            return chosen
        if not self.priors:
            return None
        agency = self.priors[0].report.meta.agency
        own = [p for p in self.priors if p.report.meta.agency == agency and p.report.meta.year is not None]
        if year is not None:
            own = [p for p in own if p.report.meta.year is not None and p.report.meta.year < year]
        return max(own, key=lambda p: p.report.meta.year or 0, default=None)

    def target_year(self) -> int | None:
        """The year to draft when staff name none: the base report's year + 1."""
        if self.year is not None:
            return self.year
        base = self.base_prior()
        return base.report.meta.year + 1 if base is not None and base.report.meta.year is not None else None
