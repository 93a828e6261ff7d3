"""The validator: every rule of `RULES` over a report, and last year's report for the cross-year rules."""

from __future__ import annotations

from reportassist.errors import InternalError
from reportassist.model import Report
from reportassist.settings import Settings, get_settings
from reportassist.validation.context import Context
from reportassist.validation.findings import Finding, Location, Severity, ValidationResult
from reportassist.validation.rules import RULES, Rule

__all__ = ["RULES", "Finding", "Location", "Rule", "Severity", "ValidationResult", "validate"]

_KNOWN_RULES = {rule.id for rule in RULES}


def validate(report: Report, prior: Report | None = None, settings: Settings | None = None) -> ValidationResult:
    ctx = Context(report=report, prior=prior, settings=settings or get_settings())
    findings: list[Finding] = []
    for rule in RULES:
        if rule.needs_prior and prior is None:
            continue
        for finding in rule.run(ctx):
            if finding.rule not in _KNOWN_RULES:
                raise InternalError(f"check of {rule.id} emitted an unknown rule id {finding.rule!r}")
            findings.append(finding)
    findings.sort(key=lambda f: (f.severity != "error", _order(f.rule)))
    return ValidationResult(ok=not any(f.severity == "error" for f in findings), findings=findings)


def _order(rule_id: str) -> int:
    return next(i for i, r in enumerate(RULES) if r.id == rule_id)
