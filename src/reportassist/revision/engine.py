"""One chat turn: a message applied to a draft, the draft made again and validated, and a reply that says
exactly what changed.

`revise` never changes the draft it is given: the new draft is in the `Turn`. A change becomes a version of
the draft's history (so 撤销 and 重做 work across separate runs); a question, a request that needs a model
when none is configured, or a message not understood changes nothing (`applied` is False).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from reportassist.llm.budget import Budget
from reportassist.markers import find_marks
from reportassist.model import Author, Draft, Edit, Section, Version
from reportassist.prompts import load_prompt
from reportassist.revision import answers
from reportassist.revision.changes import Change, figure_changes, finding_changes, text_changes
from reportassist.revision.commands import (
    Accept,
    Command,
    DeleteText,
    Explain,
    ListFindings,
    ListMarks,
    Redo,
    Reject,
    ReplaceSection,
    ReplaceText,
    Rewrite,
    SetValues,
    ShowCarried,
    ShowHistory,
    ShowSection,
    Undo,
    Unknown,
    read_command,
)
from reportassist.revision.places import PartRef
from reportassist.revision.remake import remake, require_revisable
from reportassist.revision.values import mark_for, place_values
from reportassist.settings import get_settings
from reportassist.validation import Finding, validate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["Turn", "revise"]

_MOST_LINES = 15


@dataclass
class Turn:
    """The outcome of one message: the draft after it, the reply, whether it changed anything, what changed,
    and the findings of the draft after it."""

    draft: Draft
    reply: str
    applied: bool
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The shape of `revise --json` (design.md)."""
        return {
            "reply": self.reply,
            "applied": self.applied,
            "changes": [c.as_json() for c in self.changes],
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


def revise(draft: Draft, message: str, model: BaseChatModel | None = None) -> Turn:
    """Apply `message` to `draft`; `model` (optional) serves requests that need a language model."""
    require_revisable(draft)
    draft = draft.model_copy(deep=True)
    message = message.strip()
    if not message:
        return _answer(draft, "请输入要修改的内容或要问的问题。\n" + load_prompt("revise/help"))
    return _Turn(draft, message, model).run(read_command(message, draft))


class _Turn:
    def __init__(self, draft: Draft, message: str, model: BaseChatModel | None) -> None:
        self.draft, self.message, self.model = draft, message, model
        # One time budget for every model call of the turn: a turn always finishes.
        self.budget = Budget(get_settings().llm_turn_seconds)

    def run(self, command: Command) -> Turn:
        match command:
            case Undo():
                return self._undo()
            case Redo():
                return self._redo()
            case Accept():
                return self._accept()
            case Reject():
                return self._reject()
            case ShowHistory():
                return _answer(self.draft, answers.history(self.draft))
            case ShowSection(part):
                return _answer(self.draft, answers.show_section(part))
            case ListFindings():
                findings = _validate(self.draft)
                return _answer(self.draft, answers.findings_text(findings, self.draft), findings)
            case ListMarks():
                return _answer(self.draft, answers.open_marks(self.draft))
            case Explain(target):
                return _answer(self.draft, answers.explain(target, self.draft))
            case ShowCarried():
                return _answer(self.draft, answers.carried(self.draft))
            case ReplaceText(part, old, new):
                return self._replace(part, old, new)
            case ReplaceSection(part, text):
                edit = Edit(kind="replace_section", section=part.place, new=text)
                return self._apply([edit], whole={part.place})
            case DeleteText(part, fragment):
                return self._delete(part, fragment)
            case SetValues(text):
                return self._values(text)
            case Rewrite(part, instruction):
                return self._rewrite(part, instruction)
            case Unknown():
                return self._unknown()

    # ------------------------------------------------------------------ changes

    def _apply(
        self, edits: list[Edit], author: Author = "staff", whole: set[str] | None = None, note: str = ""
    ) -> Turn:
        before = self.draft
        number = before.history[-1].number + 1
        version = Version(
            number=number, time=datetime.now().astimezone(), message=self.message, author=author, edits=edits
        )
        candidate = before.model_copy(update={"history": [*before.history, version], "undone": []})
        remade = remake(candidate)
        after = remade.draft
        changes = figure_changes(before, after) + text_changes(before, after, whole or set())
        if not changes:
            return _answer(
                before, "这样改不会使草稿有任何变化，草稿没有改动。" + (f"\n{note}" if note else "")
            )
        version.summary = [c.line() for c in changes]
        after.history[-1] = version
        lead = f"已修改（第 {number} 版）："
        return _changed(before, after, lead, changes, [note, *remade.problems])

    def _replace(self, part: PartRef | None, old: str, new: str) -> Turn:
        try:
            place = _locate(self.draft, part, old)
        except _Unclear as unclear:
            # last year's 文号 or date quoted: the 【待核实】 mark that remembers it is what staff mean
            by_was = [
                (p, m) for p, s in _scope(self.draft, part) for m in find_marks(s.text) if mark_for(old, [m])
            ]
            if len(by_was) == 1:
                place, mark = by_was[0]
                return self._apply([Edit(kind="replace_text", section=place, old=mark.text, new=new)])
            return _answer(self.draft, str(unclear))
        return self._apply([Edit(kind="replace_text", section=place, old=old, new=new)])

    def _delete(self, part: PartRef | None, fragment: str) -> Turn:
        try:
            found = _locate(self.draft, part, fragment)
        except _Unclear as unclear:
            return _answer(self.draft, str(unclear))
        section = self.draft.section_at(found)
        assert section is not None
        sentence = _sentence_around(section.text, fragment)
        return self._apply([Edit(kind="delete_text", section=found, old=sentence)])

    def _values(self, text: str) -> Turn:
        placed = place_values(text, self.draft)
        unplaced = "\n".join(f"- {u}" for u in placed.unplaced)
        if placed.empty:
            if (interpreted := self._interpreted()) is not None:
                return interpreted
            reply = "没有能对应到草稿中具体数字的内容，草稿没有改动。"
            if unplaced:
                reply += "\n" + unplaced
            return _answer(self.draft, reply + "\n" + load_prompt("revise/help"))
        edits = []
        if placed.figures or placed.prose:
            edits.append(Edit(kind="figures", figures=placed.figures, prose=placed.prose))
        edits += [Edit(kind="replace_text", section=f.place, old=f.mark, new=f.value) for f in placed.fills]
        note = f"以下内容未能对应，没有改动：\n{unplaced}" if unplaced else ""
        return self._apply(edits, note=note)

    # ------------------------------------------------------------------ history

    def _undo(self) -> Turn:
        before = self.draft
        if len(before.history) <= 1:
            return _answer(before, "没有可以撤销的修改：草稿还是起草时的样子。")
        last = before.history[-1]
        remade = remake(
            before.model_copy(update={"history": before.history[:-1], "undone": [*before.undone, last]})
        )
        after = remade.draft
        changes = [
            Change(
                "undo",
                f"第 {last.number} 版（{last.message}）",
                f"第 {last.number} 版",
                f"第 {last.number - 1} 版",
            )
        ]
        changes += figure_changes(before, after) + text_changes(before, after)
        return _changed(
            before,
            after,
            f"已撤销第 {last.number} 版（“{last.message}”），回到第 {last.number - 1} 版：",
            changes,
            remade.problems,
        )

    def _redo(self) -> Turn:
        before = self.draft
        if not before.undone:
            return _answer(before, "没有可以重做的修改。")
        version = before.undone[-1]
        remade = remake(
            before.model_copy(update={"history": [*before.history, version], "undone": before.undone[:-1]})
        )
        after = remade.draft
        changes = figure_changes(before, after) + text_changes(before, after)
        return _changed(
            before, after, f"已重做第 {version.number} 版（“{version.message}”）：", changes, remade.problems
        )

    # ------------------------------------------------------------------ the model's proposals

    def _accept(self) -> Turn:
        proposal = self.draft.proposal
        if proposal is None:
            return _answer(self.draft, "现在没有等待采纳的改写建议。")
        section = self.draft.section_at(proposal.section)
        self.draft.proposal = None
        if section is None or section.text != proposal.before:
            return _answer(
                self.draft,
                f"“{proposal.heading}”在提出建议后已经改过，这条建议不再适用，请重新提出改写要求。",
            )
        self.message = f"采纳改写建议：{proposal.message}"
        edit = Edit(
            kind="replace_text",
            section=proposal.section,
            old=proposal.before,
            new=proposal.after,
            author="model",
        )
        return self._apply([edit], author="model")

    def _reject(self) -> Turn:
        proposal = self.draft.proposal
        if proposal is None:
            return _answer(self.draft, "现在没有等待采纳的改写建议。")
        self.draft.proposal = None
        return _answer(self.draft, f"已放弃对“{proposal.heading}”的改写建议，原文未变。")

    def _unknown(self) -> Turn:
        if (interpreted := self._interpreted()) is not None:
            return interpreted
        return _answer(self.draft, "没有看懂这句话，草稿没有改动。\n" + load_prompt("revise/help"))

    def _interpreted(self) -> Turn | None:
        """With a model, the message restated in words the reading knows, then read and checked as usual."""
        if self.model is None:
            return None
        from reportassist.revision.interpret import restate

        restated = restate(self.message, self.model, self.budget)
        command = read_command(restated, self.draft) if restated else None
        if command is None or isinstance(command, Unknown | Rewrite):
            return None
        self.model = None  # the restatement is read without a second model request
        turn = self.run(command)
        turn.reply = f"理解为：“{restated}”\n{turn.reply}"
        return turn

    def _rewrite(self, part: PartRef | None, instruction: str) -> Turn:
        if self.model is None:
            return _answer(self.draft, load_prompt("revise/needs_model"))
        if part is None:
            return _answer(self.draft, "请说明要改写哪一部分，例如“把第五部分结合本年实际改写”。")
        from reportassist.revision.proposals import propose

        proposal, reply = propose(self.draft, part, instruction, self.model, self.budget)
        self.draft.proposal = proposal
        return _answer(self.draft, reply)


# ---------------------------------------------------------------------- helpers


def _answer(draft: Draft, reply: str, findings: list[Finding] | None = None) -> Turn:
    return Turn(
        draft=draft,
        reply=reply,
        applied=False,
        findings=findings if findings is not None else _validate(draft),
    )


def _changed(before: Draft, after: Draft, lead: str, changes: list[Change], notes: list[str]) -> Turn:
    old_findings, new_findings = _validate(before), _validate(after)
    moved = finding_changes(old_findings, new_findings)
    lines = [lead, *(f"- {c.line()}" for c in changes[:_MOST_LINES])]
    if len(changes) > _MOST_LINES:
        lines.append(f"……共 {len(changes)} 处变化。")
    for finding in moved.appeared:
        level = "错误" if finding.severity == "error" else "提示"
        hint = "（您写的数字与表格不一致）" if finding.rule.startswith("text.") else ""
        lines.append(f"新出现的{level}{hint}：{finding.message}")
    for finding in moved.resolved:
        lines.append(f"已消除：{finding.message}")
    errors = sum(1 for f in new_findings if f.severity == "error")
    lines.append(f"现在共有 {errors} 个错误、{len(new_findings) - errors} 个提示。说“撤销”可撤回这次修改。")
    lines += [n for n in notes if n]
    return Turn(draft=after, reply="\n".join(lines), applied=True, changes=changes, findings=new_findings)


def _validate(draft: Draft) -> list[Finding]:
    return validate(draft, draft.prior).findings


def _scope(draft: Draft, part: PartRef | None) -> list[tuple[str, Section]]:
    places = list(draft.places())
    if part is None:
        return places
    return [(p, s) for p, s in places if p == part.place or p.startswith(f"{part.place}.")]


class _Unclear(Exception):
    """The text to change is not in the draft, or is there more than once; the message says so in Chinese."""


def _locate(draft: Draft, part: PartRef | None, text: str) -> str:
    """The place of the one section whose text holds `text` once."""
    holding = [(p, s) for p, s in _scope(draft, part) if text and text in s.text]
    where = f"“{part.name}”中" if part is not None else "草稿中"
    if not holding:
        raise _Unclear(f"{where}找不到“{text}”，草稿没有改动。请复制草稿中的原文，放在引号中。")
    if len(holding) > 1 or holding[0][1].text.count(text) > 1:
        names = "、".join(f"“{s.heading or '开头'}”" for _, s in holding[:5])
        raise _Unclear(
            f"{where}有不止一处“{text}”（{names}），草稿没有改动；请说明改哪一部分，或引用更长的原文。"
        )
    return holding[0][0]


def _sentence_around(text: str, fragment: str) -> str:
    """The whole sentence of `text` that holds `fragment`, its closing punctuation included."""
    start = text.find(fragment)
    opening = max((m.end() for m in re.finditer(r"[。！？；\n]", text[:start])), default=0)
    closing = re.search(r"[。！？；]|\n|$", text[start + len(fragment) :])
    end = start + len(fragment) + (closing.end() if closing else 0)
    return text[opening:end].strip("\n") or fragment
