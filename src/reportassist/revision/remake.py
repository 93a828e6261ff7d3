"""A draft made again from what it is made from and every edit of its history.

The staff's figures of every version go in with the recipe's (a later one wins), so derived figures and
the sentences citing them follow; then the text edits are applied in order. An edit whose text is no
longer there (a later change of a figure rewrote the sentence it changed) is reported, not guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportassist.drafting import build_draft
from reportassist.drafting.chain import REWRITTEN
from reportassist.errors import InputError
from reportassist.model import DRAFT_VERSION, Draft, Edit, Section, SectionOrigin, Value
from reportassist.parsing import analyse_prose

__all__ = ["Remade", "apply_edit", "remake", "require_revisable"]


@dataclass
class Remade:
    draft: Draft
    problems: list[str] = field(default_factory=list)  # in Chinese: edits that could not be applied


def require_revisable(draft: Draft, path: Path | str | None = None) -> None:
    """A draft saved before revisions existed has no recipe to make it again from: staff draft it anew."""
    if (
        draft.recipe is None
        or draft.prior is None
        or draft.draft_version != DRAFT_VERSION
        or not draft.history
    ):
        raise InputError(
            "这份草稿由旧版本的 reportassist 保存，缺少修改所需的起草依据和修改记录，无法在对话中修改；"
            "请用 reportassist draft 重新起草（导出、校验仍可照常进行）。",
            path=path,
        )


def remake(draft: Draft) -> Remade:
    """`draft` made again from its prior report, its recipe and its history (what was undone left out)."""
    require_revisable(draft)
    assert draft.recipe is not None and draft.prior is not None
    staff: dict[str, Value | None] = {}
    staff_prose: dict[str, Value] = {}
    for version in draft.history:
        for edit in version.edits:
            if edit.kind == "figures":
                staff.update(edit.figures)
                staff_prose.update(edit.prose)
    new = build_draft(draft.prior, draft.recipe, staff, staff_prose)
    problems: list[str] = []
    for version in draft.history:
        for edit in version.edits:
            if edit.kind != "figures" and (problem := apply_edit(new, edit)) is not None:
                problems.append(f"第 {version.number} 版（“{version.message}”）的修改未能应用：{problem}")
    analyse_prose(new)
    new.history, new.undone, new.proposal = draft.history, draft.undone, draft.proposal
    new.messages.extend(problems)
    return Remade(new, problems)


def apply_edit(draft: Draft, edit: Edit) -> str | None:
    """Apply one text edit to `draft` in place; why it could not be applied, in Chinese, or None."""
    section = draft.section_at(edit.section) if edit.section is not None else None
    if section is None:
        return "找不到要修改的部分"
    if edit.kind == "replace_section":
        section.text = edit.new or ""
        section.children = []
        section.origin = SectionOrigin(kind="staff", note="工作人员在对话中重写了这一部分")
        return None
    old = edit.old or ""
    if not old or old not in section.text:
        return f"“{_short(old)}”已不在“{section.heading or '开头'}”中"
    if edit.kind == "replace_text":
        section.text = section.text.replace(old, edit.new or "", 1)
        _note(section, edit)
        return None
    if edit.kind == "delete_text":
        section.text = _tidy(section.text.replace(old, "", 1))
        _note(section, edit)
        return None
    return f"不认识的修改类型 {edit.kind}"


def _note(section: Section, edit: Edit) -> None:
    origin = section.origin or SectionOrigin(kind="staff")
    if edit.author == "model":
        origin = origin.model_copy(update={"kind": "llm", "note": REWRITTEN})
    elif "对话中修改" not in (origin.note or ""):
        note = f"{origin.note}；工作人员在对话中修改了文字" if origin.note else "工作人员在对话中修改了文字"
        origin = origin.model_copy(update={"note": note})
    section.origin = origin


def _tidy(text: str) -> str:
    """Text with a sentence taken out: no empty line or doubled punctuation left behind."""
    text = re.sub(r"[，,；;]\s*(?=[。；;])", "", text)
    text = re.sub(r"\n{2,}", "\n", text)
    return "\n".join(line for line in text.split("\n") if line.strip()).strip()


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
