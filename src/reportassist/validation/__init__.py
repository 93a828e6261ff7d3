"""The validator: every rule of `RULES` over a report, and last year's report for the cross-year rules."""

from __future__ import annotations

from reportassist.model import Report
from reportassist.settings import Settings, get_settings
from reportassist.validation.context import Context
from reportassist.validation.findings import Finding, Issue, Location, Severity, ValidationResult
from reportassist.validation.rules import RULES, Rule

__all__ = ["RULES", "Finding", "Issue", "Location", "Rule", "Severity", "ValidationResult", "validate"]


def validate(
    report: Report, prior: Report | None = None, settings: Settings | None = None
) -> ValidationResult:
    """Every rule of `RULES` over `report` (the cross-year ones with `prior`); each finding carries its
    rule's severity. A check that names a rule `RULES` does not have is a defect: it raises KeyError."""
    ctx = Context(report=report, prior=prior, settings=settings or get_settings())
    order = {rule.id: (index, rule.severity) for index, rule in enumerate(RULES)}
    findings: list[Finding] = []
    for rule in RULES:
        if rule.needs_prior and prior is None:
            continue
        for issue in rule.run(ctx):
            severity = order[issue.rule][1]
            findings.append(
                Finding(rule=issue.rule, severity=severity, message=issue.message, location=issue.location)
            )
    findings.sort(key=lambda f: (f.severity != "error", order[f.rule][0]))
    return ValidationResult(ok=not any(f.severity == "error" for f in findings), findings=findings)
