"""What a chat message asks for, read without a language model.

Each kind of request has its own small set of phrasings, as staff type them; a message that matches none
is `Unknown`, and nothing is guessed. The order matters: history words first (“撤销” is never a text to
find), then text changes with quoted text, then questions, then figures, then what needs a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportassist.model import Draft
from reportassist.revision.places import PartRef, find_part, unquoted
from reportassist.revision.values import VERB, normalise

__all__ = [
    "Accept",
    "Command",
    "DeleteText",
    "Explain",
    "ListFindings",
    "ListMarks",
    "Redo",
    "Reject",
    "ReplaceSection",
    "ReplaceText",
    "Rewrite",
    "SetValues",
    "ShowCarried",
    "ShowHistory",
    "ShowSection",
    "Undo",
    "Unknown",
    "read_command",
]


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Redo:
    pass


@dataclass(frozen=True)
class ShowHistory:
    pass


@dataclass(frozen=True)
class Accept:
    pass


@dataclass(frozen=True)
class Reject:
    pass


@dataclass(frozen=True)
class ShowSection:
    part: PartRef


@dataclass(frozen=True)
class ListFindings:
    pass


@dataclass(frozen=True)
class ListMarks:
    pass


@dataclass(frozen=True)
class Explain:
    target: str


@dataclass(frozen=True)
class ShowCarried:
    pass


@dataclass(frozen=True)
class ReplaceText:
    part: PartRef | None
    old: str
    new: str


@dataclass(frozen=True)
class ReplaceSection:
    part: PartRef
    text: str


@dataclass(frozen=True)
class DeleteText:
    part: PartRef | None
    fragment: str


@dataclass(frozen=True)
class SetValues:
    message: str


@dataclass(frozen=True)
class Rewrite:
    part: PartRef | None
    instruction: str


@dataclass(frozen=True)
class Unknown:
    pass


Command = (
    Undo | Redo | ShowHistory | Accept | Reject | ShowSection | ListFindings | ListMarks | Explain | ShowCarried
    | ReplaceText | ReplaceSection | DeleteText | SetValues | Rewrite | Unknown
)  # fmt: skip

_OPEN, _CLOSE = '[“"「‘]', '[”"」’]'
_Q = rf"{_OPEN}(?P<{{name}}>[^”\"」’]*){_CLOSE}"
_UNDO = re.compile(
    r"^(?:请)?(?:撤销|撤消|撤回|回退|undo)(?:一下|一步|上一步|刚才的?修改|上次的?修改|修改)?[。！!]?$|^(?:退回|回到|恢复到)上一(?:步|版|个版本)[。！!]?$|^取消(?:上一步|刚才的修改)[。！!]?$",
    re.IGNORECASE,
)
_REDO = re.compile(
    r"^(?:请)?(?:重做|redo|恢复(?:刚才)?撤销的?(?:修改)?|撤销撤销)(?:一下|一步)?[。！!]?$", re.IGNORECASE
)
_HISTORY = re.compile(r"修改记录|历史版本|版本记录|有哪些版本|改过(?:什么|哪些)|做过哪些修改|^历史$|^版本$")
_ACCEPT = re.compile(
    r"^(?:好的?[，,]?)?(?:采纳|采用|接受|同意|确认|就这样|可以|行)(?:这个|此)?(?:改写|修改|建议|方案)?[。！!]?$"
)
_REJECT = re.compile(
    r"^(?:不用了?[，,]?)?(?:放弃|不采纳|不采用|拒绝|不要了?|算了|不行|取消)(?:这个|此)?(?:改写|修改|建议|方案)?[。！!]?$"
)
_REPLACE = re.compile(
    rf"{_Q.format(name='old')}\s*(?:这句话?|这段话?|这几个字)?\s*(?:改为|改成|替换为|替换成|换成|修改为|更正为|更改为)\s*[:：]?\s*{_Q.format(name='new')}"
)
_DELETE = re.compile(
    rf"(?:删除|删去|删掉|去掉|拿掉){_Q.format(name='a')}|{_Q.format(name='b')}\s*(?:这句话?|这段话?|这几个字)?\s*(?:删除|删去|删掉|去掉|拿掉|不要了?)"
)
_SECTION_TEXT = re.compile(
    r"(?:改为|改成|替换为|换成|重写为|写为|内容为|内容改为|全文改为|全部改为|全部替换为)(?:如下|以下内容|下面的内容)?\s*[:：]\s*(?P<text>.+)$",
    re.DOTALL,
)
_MARKS = re.compile(
    r"(?:待填|待核实|占位|没填|未填|空着|需要填|要填|该填|没有填)[^。]*(?:哪些|什么|几|多少|列出|还有)|(?:还有|还剩)(?:哪些|什么|几处|多少)[^。]*(?:待填|待核实|占位|没填|未填|要填|需要填)"
)
_FINDINGS = re.compile(
    r"校验|检查一下|核对一下|有(?:哪些|什么|几个)(?:问题|错误|提示|警告)|(?:错误|问题|提示|警告)(?:有哪些|列出来|是什么)|勾稽"
)
_SHOW = re.compile(
    r"^(?:请)?(?:显示|查看|看看|看一下|看一看|打开|给我看看?|念一下|读一下|展示)|(?:怎么写的|写了什么|是什么内容|的内容|现在是什么样|原文)[？?]?$"
)
_EXPLAIN = re.compile(
    r"(?P<target>.+?)(?:是|的数字是|的数)?(?:怎么来的|怎么算的|怎么算出来的|怎么得出的|从哪里?来的?|哪里来的|来源|出处|依据是什么|根据什么)"
)
_CARRIED = re.compile(
    r"(?:沿用|照搬|延续|保留|照抄|抄)[^。]*(?:上年|去年|往年)|(?:上年|去年)[^。]*(?:沿用|照搬|保留|照抄|抄)"
)
_REWRITE = re.compile(
    r"改写|重写|润色|精简|简洁|简练|精炼|扩写|扩充|丰富|通顺|优化|调整[^。]*表述|结合本年|写得|写成|口语|正式|概括|缩短|压缩|删减|篇幅"
)
_HAS_VALUE = re.compile(rf"\d|{VERB}")


def read_command(message: str, draft: Draft) -> Command:
    """The request `message` makes of `draft`, read deterministically."""
    text = normalise(message)
    if _UNDO.match(text):
        return Undo()
    if _REDO.match(text):
        return Redo()
    if draft.proposal is not None:
        if _ACCEPT.match(text):
            return Accept()
        if _REJECT.match(text):
            return Reject()
    part = find_part(text, draft)
    if (m := _REPLACE.search(text)) is not None:
        return ReplaceText(part, m.group("old"), m.group("new"))
    if (m := _DELETE.search(text)) is not None:
        return DeleteText(part, m.group("a") or m.group("b"))
    if (m := _SECTION_TEXT.search(text)) is not None and (named := find_part(text[: m.start()], draft)):
        return ReplaceSection(named, m.group("text").strip())
    bare = unquoted(text)
    if _HISTORY.search(bare):
        return ShowHistory()
    if _MARKS.search(bare):
        return ListMarks()
    if _CARRIED.search(bare) and re.search(r"哪些|什么|吗|[？?]", bare):
        return ShowCarried()
    if (m := _EXPLAIN.search(bare)) is not None and not re.search(r"\d", bare):
        return Explain(m.group("target").strip(" ，,。？?的"))
    if part is not None and _SHOW.search(bare) and not _REWRITE.search(bare):
        return ShowSection(part)
    if _FINDINGS.search(bare):
        return ListFindings()
    if _REWRITE.search(bare):
        return Rewrite(part, text)
    if re.search(r"\d", bare) and _HAS_VALUE.search(bare):
        return SetValues(text)
    if _ACCEPT.match(text) or _REJECT.match(text):
        return Accept() if _ACCEPT.match(text) else Reject()  # answered: nothing is waiting
    return Unknown()
