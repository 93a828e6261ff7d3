"""What the validator says: a rule, a severity, a message for staff (Chinese) and where."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Finding", "Issue", "Location", "Severity", "ValidationResult"]

Severity = Literal["error", "warning"]


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    section: str | None = Field(default=None, description="Heading path, or the canonical section's name.")
    keys: list[str] = Field(default_factory=list, description="Canonical figure keys involved.")
    sentence: str | None = None
    position: int | None = Field(default=None, description="Offset in the report's body text.")
    report: Literal["this", "prior"] = "this"


class Issue(BaseModel):
    """What a check found: the rule it breaks, a message for staff and where. `validate` makes it a
    `Finding` with the rule's severity from `RULES`, the one place severities are said."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    message: str
    location: Location = Field(default_factory=Location)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str
    severity: Severity
    message: str
    location: Location = Field(default_factory=Location)


class ValidationResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ok: bool
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]
