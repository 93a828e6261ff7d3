"""A free-form request ("把总体情况写得简洁些") made into a proposal by the language model.

The model rewrites one section's own text within the turn's time budget; the number guard checks the
answer against this year's figures (a number must agree with the figure its sentence names) and keeps the
source's 文号, dates and 《titles》 unless the message asks to change them. What passes is shown as a
proposal, sentence by sentence, and applied only when staff say 采纳.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reportassist.drafting.chain import allowed_values
from reportassist.llm import Budget, rewrite_section
from reportassist.model import Draft, Proposal
from reportassist.revision.changes import sentence_changes
from reportassist.revision.places import PartRef

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["propose"]

# A message that asks to change what the guard otherwise locks.
_UNLOCK = re.compile(r"文号|日期|时间|文件名称|标题|书名号|《")


def propose(
    draft: Draft, part: PartRef, instruction: str, model: BaseChatModel, budget: Budget
) -> tuple[Proposal | None, str]:
    """The proposal for `part` and the reply that shows it, or None and the reply saying why there is none."""
    assert draft.meta.year is not None
    section = part.section
    if not section.text.strip():
        return None, f"“{part.name}”没有可改写的文字（它的内容在下面各小节中），请指明要改写的小节。"
    result = rewrite_section(
        model,
        heading=section.heading,
        text=section.text,
        year=draft.meta.year,
        allowed=allowed_values(draft),
        instruction=instruction,
        budget=budget,
        tables=draft.figures,
        fmt=draft.meta.format,
        unlock=bool(_UNLOCK.search(instruction)),
    )
    if not result.accepted:
        reasons = "\n".join(f"- {r}" for r in result.reasons)
        return None, f"模型给出的改写没有通过核对，草稿没有改动：\n{reasons}"
    if result.text == section.text:
        return None, f"模型认为“{part.name}”无需改动，草稿没有改动。"
    proposal = Proposal(
        section=part.place, heading=part.name, message=instruction, before=section.text, after=result.text
    )
    lines = [f"模型对“{part.name}”的改写建议（数字已核对，尚未应用）："]
    for change in sentence_changes(part.name, section.text, result.text):
        lines.append(f"- 原：{change.before or '（无）'}\n  改：{change.after or '（删去）'}")
    lines.append("回复“采纳”应用这条建议，回复“放弃”保留原文。")
    return proposal, "\n".join(lines)
