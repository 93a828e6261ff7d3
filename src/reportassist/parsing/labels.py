"""Labels staff can read and say: a short noun phrase naming what a figure of the prose counts.

A figure's label is what staff see in 【待填：label（上年：value）】, the key under `prose:` of a figures file
and the name they use in the chat ("政策解读这一项填16"), so it has to be a phrase of whole words that names
the quantity: "主动公开政府信息", "现存政务新媒体", "政策解读场次", never "报、企业R&D投入政策…" (cut at a
fixed width) nor "2022年全区共主动公开政府信息" (last year's year). It is made from the figure's clause with
jieba's words and parts of speech, never cutting a word:

- the words before the figure, without what does not name the quantity: years and time words (全年,
  2022年), the subject (我局, 全区), leading conjunctions, adverbs and light verbs (其中, 共, 先后, 组织开展),
  a prepositional phrase saying where or how ("通过门户网站专栏主动公开政府信息"), and linking words before
  the number (达到, 由, 为, 共计);
- the counted noun after the measure word when the words before do not name it ("对全区现存的33个政务新媒体"
  → 现存政务新媒体, "全区共收到70件申请" → 收到申请);
- a long list becomes its first item and its head ("推送科技政策、项目申报和创新活动信息" → 推送科技政策等信息);
- a count written with a noun measure word keeps it (政策解读4场次 → 政策解读场次).

`LabelBook` then makes the labels of one draft unique: two different quantities never share a label.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType

from reportassist.model import Value

__all__ = ["MAX_CHARS", "LabelBook", "figure_label", "section_name"]

MAX_CHARS = 16  # a label longer than this loses words from its beginning (its end names the thing)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# The agency speaking of itself: blanked before the clause is cut into words, as jieba may join it to the
# next word ("我局制发" → 我 / 局制 / 发).
_SELF = re.compile(r"我局|本局|我委|我办|我区|我市|我县|本机关|本单位")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTES = {"“": "”", "《": "》", '"': '"', "「": "」"}

# Said of the whole report, not of the quantity.
_TIME_WORDS = frozenset(
    [
        "全年",
        "今年",
        "本年",
        "本年度",
        "年度内",
        "年内",
        "当年",
        "同年",
        "今年以来",
        "以来",
        "截至",
        "截止",
        "年底",
        "截至年底",
        "年末",
        "目前",
        "上半年",
        "下半年",
        "期间",
        "先后",
        "同期",
        "近年来",
        "近年",
    ]
)
# Words that open a phrase without naming anything, dropped from its beginning; matched on the text, as
# jieba may cut them ("我/局", "依/规").
_LEAD_PHRASES = tuple(
    sorted(
        [
            "其中",
            "另",
            "另有",
            "此外",
            "同时",
            "并",
            "且",
            "还",
            "又",
            "也",
            "都",
            "共",
            "共计",
            "合计",
            "总计",
            "总共",
            "一共",
            "已",
            "已经",
            "均",
            "及时",
            "依法",
            "依规",
            "依法依规",
            "组织",
            "开展",
            "组织开展",
            "进行",
            "完成",
            "实现",
            "共有",
            "有",
            "所有",
            "全部",
            "分别",
            "先后",
            "持续",
            "积极",
            "主要",
            "进一步",
            "各",
            "各自",
            "我局",
            "本局",
            "我委",
            "我办",
            "我区",
            "我市",
            "我县",
            "全区",
            "全市",
            "全县",
            "全局",
            "各级",
            "各单位",
            "本机关",
            "本单位",
        ],
        key=len,
        reverse=True,
    )
)
_TRAIL_WORDS = frozenset(
    [
        "的",
        "共",
        "共计",
        "合计",
        "总计",
        "达",
        "达到",
        "突破",
        "超过",
        "为",
        "由",
        "至",
        "到",
        "约",
        "近",
        "逾",
        "计",
        "有",
        "是",
        "了",
        "分别",
        "分别为",
        "其中",
        "以上",
        "左右",
        "在",
        "后",
        "前",
        "内",
        "精简为",
        "压缩至",
        "增至",
        "降至",
        "增加到",
    ]
)
_PREPOSITIONS = frozenset(
    [
        "对",
        "在",
        "通过",
        "向",
        "于",
        "经",
        "经过",
        "按",
        "按照",
        "根据",
        "依托",
        "利用",
        "围绕",
        "针对",
        "对于",
        "关于",
        "就",
        "给",
        "借助",
        "依据",
        "面向",
        "依照",
    ]
)
_CAUSES = frozenset(["因", "由于"])
# Nouns a verb before them belongs to ("信息公开专栏", "政务公开办"): the verb does not end a phrase there.
_VENUES = frozenset(
    [
        "专栏",
        "栏目",
        "平台",
        "网站",
        "系统",
        "目录",
        "窗口",
        "网",
        "号",
        "公众号",
        "账号",
        "办",
        "领导小组",
        "专区",
        "板块",
        "页面",
    ]
)
# Words jieba tags as verbs that, after a measure word, are the counted noun ("70件申请").
_NOUN_VERBS = frozenset(
    [
        "申请",
        "提案",
        "建议",
        "解读",
        "答复",
        "回复",
        "咨询",
        "投诉",
        "留言",
        "举报",
        "通报",
        "报道",
        "培训",
        "检查",
    ]
)
# A measure word that is itself a noun keeps its place in the label ("政策解读4场次" → 政策解读场次).
_NOUN_UNITS = {
    "场次": "场次", "人次": "人次", "万人次": "人次", "批次": "批次", "轮次": "轮次", "个工作日": "工作日数",
}  # fmt: skip
# What a count is of, by its measure word: to tell apart two quantities of one phrase ("政策解读条数").
_COUNT_NOUNS = {
    "条": "条数", "件": "件数", "项": "项数", "次": "次数", "个": "个数", "场": "场次", "期": "期数", "篇": "篇数",
    "份": "份数", "家": "家数", "名": "人数", "人": "人数", "户": "户数", "轮": "轮次", "天": "天数", "个工作日": "工作日数",
    "元": "金额", "万元": "金额", "亿元": "金额", "%": "比例", "万次": "次数", "万条": "条数",
}  # fmt: skip
_NOUNISH = frozenset(
    [
        "n",
        "nr",
        "ns",
        "nt",
        "nz",
        "nrt",
        "nrfg",
        "ng",
        "vn",
        "j",
        "l",
        "eng",
        "b",
        "an",
        "i",
    ]
)
# Words tagged as verbs that read as part of a noun phrase ("相关栏目", "各类信息").
_MODIFIERS = frozenset(["相关", "有关", "各类", "各项", "有效"])
_LEAD_FLAGS = frozenset(
    [
        "p",
        "c",
        "u",
        "uj",
        "ul",
        "uz",
        "ug",
        "uv",
        "ud",
        "x",
        "r",
        "m",
        "mq",
        "q",
        "t",
        "y",
        "e",
        "o",
    ]
)
_TRAIL_FLAGS = frozenset(
    [
        "p",
        "c",
        "u",
        "uj",
        "ul",
        "uz",
        "ug",
        "uv",
        "ud",
        "d",
        "x",
        "t",
        "f",
        "y",
        "e",
        "o",
    ]
)
# Short names of the report's parts, by the words of their headings (the first that applies).
_SECTION_NAMES = (
    (("复议", "诉讼"), "复议诉讼"),
    (("收费", "减免"), "收费减免"),
    (("申请",), "依申请公开"),
    (("主动公开",), "主动公开"),
    (("问题", "改进"), "问题改进"),
    (("其他",), "其他事项"),
    (("总体", "概述"), "总体情况"),
)
# Words the trims would drop but that say what is counted ("其他信息", "上年未审结", "历年累计…").
_KEEP = frozenset(["其他", "其它", "其余", "上年", "历年", "累计", "主动", "首次"])


@dataclass(frozen=True)
class _Word:
    text: str
    flag: str
    start: int
    end: int

    @property
    def nounish(self) -> bool:
        return self.flag in _NOUNISH or self.flag == "quoted" or self.text in _MODIFIERS

    @property
    def verbish(self) -> bool:
        return self.flag in ("v", "vd", "vi", "ad") and self.text not in _NOUN_VERBS | _MODIFIERS

    @property
    def content(self) -> bool:
        return bool(_CJK.search(self.text) or re.search(r"[A-Za-z]", self.text))


def figure_label(clause: str, start: int, end: int, unit: str = "") -> str:
    """The label of the figure at `clause[start:end]` (the number with its measure word `unit`)."""
    words = _words(clause)
    before = [w for w in words if w.end <= start]
    after = [w for w in words if w.start >= end]
    label = _phrase(before, after, unit)
    if not label:
        label = _fallback(words, start, end, unit)
    return label


def section_name(heading: str | None) -> str:
    """A section's short name, to tell apart two quantities a draft would otherwise name alike
    ("三、收到和处理政府信息公开申请情况" → 依申请公开); "" for a heading without one."""
    if not heading:
        return ""
    for words, name in _SECTION_NAMES:
        if any(w in heading for w in words):
            return name
    bare = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]?\s*|(?:的)?情况$", "", heading.strip())
    return bare if 2 <= len(bare) <= 8 else ""


# ---------------------------------------------------------------- words


@lru_cache(maxsize=8192)
def _words(clause: str) -> tuple[_Word, ...]:
    """The clause's words with their parts of speech; quotations (“…”, 《…》) are one word."""
    pseg = _posseg()
    words: list[_Word] = []
    position = 0
    for pair in pseg.lcut(_SELF.sub(lambda m: " " * len(m.group(0)), clause)):
        text, flag = pair.word, pair.flag
        words.append(_Word(text, flag, position, position + len(text)))
        position += len(text)
    return tuple(_merge_quotes(words))


@lru_cache(maxsize=1)
def _posseg() -> ModuleType:
    """jieba with parts of speech, loaded once per process on first use: it takes most of a second and
    some 100 MB, so a process that never meets a figure in prose never pays for it."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _merge_quotes(words: list[_Word]) -> list[_Word]:
    merged: list[_Word] = []
    i = 0
    while i < len(words):
        closing = _QUOTES.get(words[i].text)
        j = next((k for k in range(i + 1, min(len(words), i + 24)) if words[k].text == closing), None)
        if closing is None or j is None:
            merged.append(words[i])
            i += 1
            continue
        text = "".join(w.text for w in words[i : j + 1])
        merged.append(_Word(text, "quoted", words[i].start, words[j].end))
        i = j + 1
    return merged


def _text(words: list[_Word]) -> str:
    return "".join(w.text for w in words).strip()


def _chars(words: list[_Word]) -> int:
    return len(re.sub(r"\s", "", _text(words)))


# ---------------------------------------------------------------- the phrase


@dataclass
class _Before:
    """The words before a figure that name it, cleaned; `described`: they ended with 的 ("现存的33个…")."""

    words: list[_Word]
    described: bool


def _phrase(before: list[_Word], after: list[_Word], unit: str) -> str:
    cleaned = _clean_before(before)
    words = cleaned.words
    counted = _counted(after)
    if counted and not words and not cleaned.described and _chars(counted) <= 2:
        return _text(_extend(counted, after))  # "1件申请因需征求第三方意见"
    if counted and (not words or cleaned.described or _wants_counted(words)):
        return _text(_shorten([*_lead_for_counted(words, cleaned.described), *counted]))
    if not words:
        return ""
    label = _text(_shorten(words))
    noun_unit = _NOUN_UNITS.get(unit)
    if label and noun_unit and not re.search(r"(?:[次数量率额]|时限|期限|时间)$", label):
        label += noun_unit
    return label


def _clean_before(before: list[_Word]) -> _Before:
    words = [w for w in before if w.text.strip()]
    words = _drop_years(words)
    digits = [i for i, w in enumerate(words) if re.search(r"\d", w.text)]
    if digits:
        words = words[digits[-1] + 1 :]  # "自然人3件、商业企业": what follows the figure before
    words = [w for w in words if w.text not in _TIME_WORDS]
    described = bool(words) and words[-1].text == "的"
    words = _trim_end(words)
    words = _drop_prepositions(words)
    words = _trim_end(_trim_start(words))
    return _Before(words, described)


def _drop_years(words: list[_Word]) -> list[_Word]:
    """Without "2022年", "2019 年度" (the year of last year's text is never this year's)."""
    kept: list[_Word] = []
    after_year = False
    for w in words:
        if _YEAR.match(w.text):
            after_year = True
            continue
        if after_year and w.text in ("年", "年度", "年度内", "年内"):
            after_year = False
            continue
        after_year = False
        kept.append(w)
    return kept


def _trim_start(words: list[_Word]) -> list[_Word]:
    """Without the words that open the phrase but name nothing: 其中, 共, 我局, 组织开展, 及时…"""
    while words:
        w = words[0]
        if w.text in _KEEP:
            break
        lead = _lead_phrase(words)
        if lead:
            words = words[lead:]
        elif w.flag in _LEAD_FLAGS or not w.content:
            words = words[1:]
        else:
            break
    return words


def _lead_phrase(words: list[_Word]) -> int:
    """How many of the first words make one of `_LEAD_PHRASES` exactly ("我"+"局"); 0 for none."""
    text = _text(words[:3])
    for phrase in _LEAD_PHRASES:
        if not text.startswith(phrase):
            continue
        length = 0
        for count, w in enumerate(words, 1):
            length += len(w.text)
            if length == len(phrase):
                return count
            if length > len(phrase):
                break
    return 0


def _trim_end(words: list[_Word]) -> list[_Word]:
    """Without what links the phrase to its number: 的, 共计, 达到, 由, 为…"""
    while words:
        w = words[-1]
        if w.text in _KEEP or w.flag == "quoted":
            break
        if w.text in _TRAIL_WORDS or (w.flag in _TRAIL_FLAGS and w.text != "等") or not w.content:
            words = words[:-1]
        else:
            break
    return words


def _drop_prepositions(words: list[_Word]) -> list[_Word]:
    """Without a phrase saying where or how ("通过门户网站专栏主动公开…" → 主动公开…) when a phrase that names
    something follows it, else without the preposition alone ("对复杂申请" → 复杂申请); a cause ("…因科技成果
    登记职能调整减少") leaves only the last verb."""
    i = 0
    while i < len(words):
        w = words[i]
        if w.text in _CAUSES and i > 0 and words[-1].verbish and len(words) - i > 2:
            return words[:i] + words[-1:]
        if w.text not in _PREPOSITIONS or w.flag not in ("p", "v", "n"):
            i += 1
            continue
        stop = next((k for k in range(i + 1, len(words)) if _ends_object(words, k)), len(words))
        rest = words[stop:]
        if any(r.nounish for r in rest) or (i > 0 and not rest):
            words = words[:i] + rest  # "申请人对我局": the phrase ends before it
        else:
            words = words[:i] + words[i + 1 :]
    return words


def _ends_object(words: list[_Word], k: int) -> bool:
    """True when `words[k]` begins what follows a preposition's object: a verb, an adverb, another
    preposition. A verb inside a noun ("信息公开专栏", "信息公开人员") does not."""
    w = words[k]
    following = words[k + 1] if k + 1 < len(words) else None
    if w.text in _PREPOSITIONS or w.flag in ("b", "d"):
        return True
    if not w.verbish or len(w.text) < 2:
        return False
    if w.flag == "ad" and following is not None and following.nounish:
        return False
    return following is None or following.text not in _VENUES


def _wants_counted(words: list[_Word]) -> bool:
    """The words before a figure end in a verb or a list ("收到", "新增社保等"): the counted noun follows."""
    last = words[-1]
    return last.text == "等" or last.verbish or _chars(words) < 2


def _counted(after: list[_Word]) -> list[_Word]:
    """The noun a measure word counts ("个政务新媒体", "件申请"); nothing when a verb or a phrase follows."""
    words = [w for w in after if w.text.strip()]
    while words and words[0].flag in ("m", "q", "mq", "zg") and len(words[0].text) <= 2:
        words = words[1:]
    taken: list[_Word] = []
    for k, w in enumerate(words):
        rest = words[k + 1 :]
        if w.nounish or w.text in _NOUN_VERBS or (w.text in ("等", "、") and taken):
            taken.append(w)
        elif w.flag in ("a", "ad", "vn") and rest and rest[0].nounish:
            taken.append(w)  # "政务新媒体", "信息公开联络员"
        elif w.flag.startswith("v") and taken and rest and all(r.nounish for r in rest):
            taken.append(w)  # "农产品抽检情况" at the end of the clause
        elif w.flag.startswith("v") and not taken and len(w.text) >= 2:
            taken.append(w)  # "3轮督促整改工作": a verb may open the phrase…
        else:
            break
    while taken and (taken[-1].text in ("等", "、") or not _names_thing(taken[-1])):
        taken.pop()  # …but it ends with a noun
    if _chars(taken) < 2:
        return []
    return taken


def _names_thing(word: _Word) -> bool:
    return word.nounish or word.text in _NOUN_VERBS


def _lead_for_counted(words: list[_Word], described: bool) -> list[_Word]:
    """What of the words before stays before the counted noun: the verb with its adverbs and what follows it
    ("新增社保等", "直接起诉"), or the words that describe it ("现存")."""
    words = _collapse_list(words)
    if not words:
        return []
    verbs = [i for i, w in enumerate(words) if w.verbish]
    if verbs and len(words) - verbs[-1] <= 4:
        start = verbs[-1]
        while start > 0 and words[start - 1].flag in ("d", "ad", "b"):
            if _lead_phrase(words[start - 1 :]):
                break
            start -= 1  # "直接起诉"
        return words[start:]
    if described:
        return words[-2:] if _chars(words[-2:]) <= 6 else words[-1:]
    return words[-4:] if _chars(words[-4:]) <= 8 else words[-1:]


def _extend(counted: list[_Word], after: list[_Word]) -> list[_Word]:
    """A short counted noun with the words that say which ones it counts ("1件申请因需征求第三方意见")."""
    rest = [w for w in after if w.start >= counted[-1].end and w.text.strip()]
    taken = list(counted)
    for w in rest:
        if w.flag == "x":
            break
        if w.text in _CAUSES or w.text == "进行":
            continue
        if _chars([*taken, w]) > MAX_CHARS:
            break
        taken.append(w)
    return _trim_end(taken)


def _collapse_list(words: list[_Word]) -> list[_Word]:
    """A list as its first item: "公开卫生健康、教育、…供气等" → 公开卫生健康等; without 等, where the phrase is
    too long, with 等 and the head of its last item ("推送科技政策、项目申报和创新活动信息" → 推送科技政策等信息)."""
    if not any(w.text == "、" for w in words):
        return words
    first_comma = next(i for i, w in enumerate(words) if w.text == "、")
    if first_comma == 0:
        return words
    end_of_list = next((i for i, w in enumerate(words) if w.text == "等" and i > first_comma), None)
    if end_of_list is not None:
        return [*words[:first_comma], *words[end_of_list:]]
    if _chars(words) <= MAX_CHARS:
        return words
    last_comma = max(i for i, w in enumerate(words) if w.text == "、")
    head = words[-2:] if words[-1].flag.startswith("v") and len(words) - last_comma > 2 else words[-1:]
    etc = _Word("等", "u", words[first_comma].start, words[first_comma].start)
    return [*words[:first_comma], etc, *head]


def _shorten(words: list[_Word]) -> list[_Word]:
    """At most `MAX_CHARS` characters of whole words: a list collapsed, a long list before 等, a long
    description before 的 and quotations left out, and at last the phrase's beginning dropped (its end
    names the thing)."""
    words = _trim_end(_trim_start(words))
    for step in (_collapse_list, _without_list, _without_description, _without_quotations):
        if _chars(words) <= MAX_CHARS:
            return words
        words = step(words)
    while _chars(words) > MAX_CHARS and len(words) > 1:
        words = _trim_start(words[1:])
    return _trim_end(words)


def _without_list(words: list[_Word]) -> list[_Word]:
    """Without a long list before 等: "新增科技型企业研发投入后补助兑现等其他对外管理服务事项" → 新增其他对外管理服务事项."""
    etc = [i for i, w in enumerate(words[1:-1], 1) if w.text == "等"]
    if not etc or _chars(words[: etc[-1]]) <= 6 or _chars(words[etc[-1] + 1 :]) < 4:
        return words
    return [*words[:1], *words[etc[-1] + 1 :]] if words[0].verbish else words[etc[-1] + 1 :]


def _without_description(words: list[_Word]) -> list[_Word]:
    """Without a long description before 的: "废止不适应科技管理改革要求的规范性文件" → 废止规范性文件."""
    marks = [i for i, w in enumerate(words[1:-1], 1) if w.text == "的"]
    if not marks:
        return words
    return [*words[:1], *words[marks[-1] + 1 :]] if words[0].verbish else words[marks[-1] + 1 :]


def _without_quotations(words: list[_Word]) -> list[_Word]:
    """Without names in quotation marks: "推出《问政平潭之有事您说》等相关栏目" → 推出相关栏目."""
    kept: list[_Word] = []
    for i, w in enumerate(words):
        if w.flag == "quoted" or (w.text == "等" and (not kept or words[i - 1].flag == "quoted")):
            continue
        kept.append(w)
    return kept if _chars(kept) >= 2 else words


def _fallback(words: tuple[_Word, ...], start: int, end: int, unit: str) -> str:
    """No phrase around the figure names it: the words after it, else any content word of the clause."""
    after = [w for w in words if w.start >= end and w.text.strip()]
    after = _trim_end(_trim_start(_drop_prepositions(_trim_start(after))))
    label = _text(_extend(after[:1], after)) if after else ""
    if not label:
        content = [w for w in words if w.content and w.flag not in _LEAD_FLAGS and not _lead_phrase([w])]
        label = content[-1].text if content else ""
    return label or _COUNT_NOUNS.get(unit, "数量")


# ---------------------------------------------------------------- one draft's labels


@dataclass
class LabelBook:
    """The labels one draft has given, in the order its texts are rolled: the same quantity (the same phrase,
    measure word and last year's value) keeps its label wherever it is repeated; another quantity whose
    phrase is taken is told apart by its measure word (政策解读条数 beside 政策解读场次), else by its section
    (办结（复议诉讼）), else by a number."""

    _by_quantity: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _units: dict[str, str] = field(default_factory=dict)  # label -> the measure word of its quantity

    def claim(self, phrase: str, prior: Value | None, unit: str, section: str | None = None) -> str:
        """The draft's label for the quantity `phrase` with last year's value `prior` counted in `unit`."""
        quantity = (phrase, str(prior), unit)
        if quantity not in self._by_quantity:
            label = next(c for c in self._candidates(phrase, unit, section) if c not in self._units)
            self._by_quantity[quantity] = label
            self._units[label] = unit
        return self._by_quantity[quantity]

    def _candidates(self, phrase: str, unit: str, section: str | None) -> Iterator[str]:
        yield phrase
        count = _COUNT_NOUNS.get(unit)
        if count and not phrase.endswith(count) and self._units.get(phrase) not in (None, unit):
            yield phrase + count
        name = section_name(section)
        if name and name not in phrase:
            yield f"{phrase}（{name}）"
        for n in itertools.count(2):
            yield f"{phrase}（{_ordinal(n)}）"


def _ordinal(n: int) -> str:
    digits = "零一二三四五六七八九"
    return f"第{digits[n]}处" if n < 10 else f"第{n}处"
