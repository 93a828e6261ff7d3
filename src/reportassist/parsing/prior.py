"""What last year's report fixes about this year's figures, as hints for reading this year's tables.

A row run together ("6233440": 本年制发, 本年废止, 现行有效) may have several splits that keep the
table's own sums; last year's report settles it: 现行有效 = last year's 现行有效 + 本年制发 −
本年废止, 上年结转 = last year's 结转下年度, 上一年项目数量 = last year's + its 本年增/减. The
relations are `schema.cross_year_relations`, said once there.
"""

from __future__ import annotations

from reportassist.model import Report
from reportassist.parsing.splitting import Hint
from reportassist.schema import ReportFormat, cross_year_relations, label_of

__all__ = ["prior_hints"]


def prior_hints(prior: Report | None, fmt: ReportFormat | None) -> list[Hint]:
    """One hint per relation whose last-year figures are all known: Σ key + minus − plus = Σ last year's."""
    if prior is None or fmt is None:
        return []
    hints: list[Hint] = []
    for relation in cross_year_relations(prior.meta.format, fmt):
        known = [prior.figures.get(k) for k in relation.prior_plus]
        if any(v is None for v in known):
            continue
        value = sum(known)  # type: ignore[arg-type]
        hints.append(
            Hint(
                readings=((relation.key, *relation.minus),),
                minus=relation.plus,
                value=value,
                text=f"{label_of(relation.prior_plus[0])} {value}",
                source="上年报告",
            )
        )
    return hints
