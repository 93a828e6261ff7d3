"""Statements of last year's text that this year's figures decide, made true for the draft.

Last year's "无依申请公开信件" above this year's 表三 of 2 applications is false once the numbers are rolled.
A statement the figures contradict is written anew from them (the templates of prompts/draft/: the summary
sentence of 三 or 四, or "其中尚未审结N件" in place of "均已结案"); one they cannot decide (均在法定期限内答复,
无收取信息处理费) is kept and listed for staff to check. Both are recorded in the draft (`ClaimNote`).
"""

from __future__ import annotations

from collections.abc import Mapping

from reportassist.markers import fill_mark
from reportassist.model import ClaimNote, ReportFormat, Section, Value
from reportassist.parsing.claims import ClaimFound, claim_keys, find_claims, judge
from reportassist.prompts import render_prompt
from reportassist.schema import label_of

__all__ = ["settle_claims", "summary_sentence"]


def summary_sentence(kind: str, year: int, agency: str, tables: Mapping[str, Value | None]) -> str:
    """The sentence that states this year's 表三 ("requests") or 表四 ("review") in words; a figure not
    known yet is a mark, filled when the table is."""

    def value(*keys: str) -> str:
        values = [tables.get(k) for k in keys]
        if any(v is None for v in values):
            return fill_mark("与".join(label_of(k) for k in keys))
        return str(sum(values))  # type: ignore[arg-type]

    if kind == "requests":
        return render_prompt(
            "draft/requests",
            year=year,
            agency=agency,
            new=value("t3.new.total"),
            carried_in=value("t3.carried_in.total"),
            handled=value("t3.handled.total"),
            granted=value("t3.granted.total"),
            partial=value("t3.partial.total"),
            carried_out=value("t3.carried_out.total"),
        )
    return render_prompt(
        "draft/review",
        year=year,
        agency=agency,
        reviews=value("t4.review.total"),
        suits=value("t4.suit_direct.total", "t4.suit_after.total"),
    )


def settle_claims(
    sections: list[Section], fmt: ReportFormat, year: int, agency: str, tables: Mapping[str, Value | None]
) -> list[ClaimNote]:
    """Rewrite, in place, each statement of `sections` that this year's `tables` contradict; note the
    statements they cannot decide."""
    notes: list[ClaimNote] = []
    written: set[str] = set()  # sentences written so far: a second statement of the same is dropped
    for top in sections:
        for section in top.walk():
            for sentence, found in _by_sentence(find_claims(section.text, fmt), tables):
                where = section.heading or "开头"
                if found is None:
                    notes.append(
                        ClaimNote(
                            section=where,
                            sentence=sentence.sentence,
                            says=sentence.claim.says,
                            status="review",
                        )
                    )
                    continue
                now = _rewritten(found, fmt, year, agency, tables)
                dropped = now in written
                section.text = section.text.replace(found.sentence, "" if dropped else now, 1)
                written.add(now)
                shown = "，".join(f"{label_of(k)} {tables.get(k)}" for k in claim_keys(found))
                detail = f"上年的说法与本年表格不符（{shown}），" + (
                    "与上文改写的句子相同，删去" if dropped else "按本年表格改写"
                )
                notes.append(
                    ClaimNote(
                        section=where,
                        sentence=found.sentence,
                        says=found.claim.says,
                        status="rewritten",
                        now=None if dropped else now,
                        detail=detail,
                    )
                )
    return notes


def _by_sentence(
    claims: list[ClaimFound], tables: Mapping[str, Value | None]
) -> list[tuple[ClaimFound, ClaimFound | None]]:
    """One verdict per sentence: (its first statement, the first the figures contradict or None when none
    is contradicted and one cannot be decided); sentences whose statements all hold are left out."""
    out: list[tuple[ClaimFound, ClaimFound | None]] = []
    sentences = dict.fromkeys(c.sentence for c in claims)
    for sentence in sentences:
        mine = [c for c in claims if c.sentence == sentence]
        verdicts = [judge(c, tables) for c in mine]
        if False in verdicts:
            out.append((mine[0], mine[verdicts.index(False)]))
        elif None in verdicts:
            out.append((mine[verdicts.index(None)], None))
    return out


def _rewritten(
    found: ClaimFound, fmt: ReportFormat, year: int, agency: str, tables: Mapping[str, Value | None]
) -> str:
    """The sentence saying what this year's figures say instead."""
    claim = found.claim
    if claim.id == "cases_closed":
        pending = sum(tables.get(k) or 0 for k in claim_keys(found))  # type: ignore[misc]
        return found.sentence.replace(found.words, render_prompt("draft/pending", pending=pending), 1)
    if claim.rewrite == "applications" and fmt != "legacy":
        return summary_sentence("requests", year, agency, tables)
    if claim.rewrite == "cases" and fmt != "legacy":
        return summary_sentence("review", year, agency, tables)
    # No sentence of ours says it (a legacy report's own wording): staff write it, prompted by the mark.
    return fill_mark(f"上年写的是“{found.sentence}”，与本年表格不符，请按本年情况改写")
