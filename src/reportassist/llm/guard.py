"""The number guard: a rewrite may state no figure that is neither given nor in the text it started from.

Language models invent numbers, and a report with an invented number is worse than no rewrite. Every
number of the rewrite (see `numbers.find_numbers`) must be vouched for:

- a number whose sentence names a table figure (the project's own reading of prose, `parsing.readings`:
  “办结38件” is 表三 办结) must equal that figure of this year (`tables`), or the sum a reading allows
  (“收到申请45件” may be 新收 + 上年结转). Being some other figure of the year is not enough: “办结3件”
  when 办结 is 38 is rejected even if 3 is this year's 结转 count;
- otherwise it must be one of this year's figures (`allowed`, the caller's given and derived figures), or
  appear in the source text with the same measure word (“3场” in the source does not vouch for “3家”)
  about the same thing: the words of its clause (“结转下年度3件” does not vouch for “办结3件”), or the
  same table figure where both name one;
- dates, document numbers and codes must appear in the source as a whole.

The source's placeholders (【待填：…】, 【待核实：…】) must survive unchanged, and so must its dates, document
numbers (〔2023〕12号) and 《titles》 unless the staff's request asks to change them (`unlock`).

A rewrite of a report's prose never needs what the source (or the request) does not have of web addresses,
IP and e-mail addresses, file paths or markup: a model that brings them in was turned by something it read
(an instruction hidden in a report or a peer's section), and the rewrite is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from reportassist.llm.numbers import Number, find_numbers, same_unit
from reportassist.markers import ANY_MARK
from reportassist.model import ProseFigure, ReportFormat, Value
from reportassist.parsing.prose import extract_prose_figures
from reportassist.parsing.readings import readings_for
from reportassist.schema import label_of

__all__ = ["GuardResult", "RejectedNumber", "check_numbers", "dropped_numbers"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_MARK = re.compile(r"[，,。；;：:！？!?\n（()）、]")
_WHOLE_KIND = {"date": "日期", "doc_number": "文号", "code": "编号", "vague": "数字"}
_LOCKED_KINDS = ("date", "doc_number")
_TITLE = re.compile(r"《[^《》\n]{1,100}》")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Words of a clause that say nothing about what a number counts.
_FILLER = re.compile(
    r"全年|本年度?|今年|年内|年度|以来|共计|合计|总计|其中|我局|本局|本机关|我单位|分别|以上|左右|进一步|累计达|达到|"
    r"一共|共有|有关|相关|方面|工作|情况|开展|组织|完成|实现|政府信息"
)
# Units of the figures a sentence may state of the tables (`parsing.readings`).
_TABLE_UNITS = frozenset({"件", "条", "个", "项", "次", "份", "元"})


@dataclass(frozen=True)
class RejectedNumber:
    """A number of the rewrite that nothing vouches for: as written, its sentence, why (in Chinese), and
    the table figures its sentence names when it contradicts them."""

    number: str
    sentence: str
    reason: str
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuardResult:
    rejected: list[RejectedNumber] = field(default_factory=list)
    placeholder_problems: list[str] = field(default_factory=list)
    locked_problems: list[str] = field(default_factory=list)
    foreign_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.rejected or self.placeholder_problems or self.locked_problems or self.foreign_problems
        )

    def reasons(self) -> list[str]:
        """Everything wrong with the rewrite, in Chinese, for the user."""
        return (
            [f"{r.reason}（所在句子：{r.sentence}）" for r in self.rejected]
            + self.placeholder_problems
            + self.locked_problems
            + self.foreign_problems
        )


@dataclass(frozen=True)
class _Stated:
    """A number in its text: what its clause is about (`words`, None for the parts of a date, which are
    compared by value alone) and, when it reads as a table figure, the readings and the prose figure."""

    number: Number
    clause: str
    words: frozenset[str] | None
    readings: tuple[tuple[str, ...], ...] = ()
    figure: ProseFigure | None = None


@dataclass(frozen=True)
class _Context:
    allowed: set[Decimal]
    source: list[_Stated]
    tables: Mapping[str, Value | None]


def check_numbers(
    rewrite: str,
    allowed: Iterable[Value],
    source: str,
    *,
    tables: Mapping[str, Value | None] | None = None,
    fmt: ReportFormat | None = None,
    heading: str = "",
    unlock: bool = False,
    request: str = "",
) -> GuardResult:
    """Check every number of `rewrite` against `allowed`, `tables` and `source`, and what `source` locks.

    `tables` are this year's figures by key and `fmt` the report's format: with both, a number whose
    sentence names a table figure must agree with it. `heading` is the section's (some sentences name a
    table figure only within their section). `unlock`: the staff's `request` asks to change dates,
    document numbers or titles; those it states may then replace the source's.
    """
    source_stated = _with_date_parts(find_numbers(source), _statements(source, heading, fmt))
    if unlock and request:
        source_stated += [s for s in _statements(request, heading, None) if s.number.kind != "figure"]
    context = _Context(allowed={Decimal(str(v)) for v in allowed}, source=source_stated, tables=tables or {})
    rejected = [
        r
        for stated in _statements(rewrite, heading, fmt)
        if (r := _rejection(rewrite, stated, context)) is not None
    ]
    return GuardResult(
        rejected=rejected,
        placeholder_problems=_placeholder_problems(rewrite, source),
        locked_problems=_locked_problems(rewrite, source, request if unlock else None),
        foreign_problems=_foreign_problems(rewrite, f"{source}\n{request}"),
    )


def dropped_numbers(rewrite: str, source: str) -> list[Number]:
    """The numbers of `source` that `rewrite` no longer states (in any wording)."""
    numbers = find_numbers(rewrite)
    kept = [*numbers, *(s.number for s in _with_date_parts(numbers, []))]
    return [n for n in find_numbers(source) if _find(n, kept) is None]


def _find(number: Number, candidates: list[Number]) -> Number | None:
    for c in candidates:
        if number.kind == "figure":
            if c.kind == "figure" and c.value == number.value and same_unit(c.unit, number.unit):
                return c
        elif c.kind == number.kind and c.token == number.token:
            return c
    return None


# --- What a number is about --------------------------------------------------------------------------


def _statements(text: str, heading: str, fmt: ReportFormat | None) -> list[_Stated]:
    """Every number of `text` with what it is about."""
    numbers = find_numbers(text)
    prose = {f.position: f for f in extract_prose_figures(text, [(0, len(text), heading)], [])} if fmt else {}
    stated = []
    for n in numbers:
        clause, words = _clause(text, n, numbers)
        figure = _prose_figure(text, n, heading, prose) if fmt and n.kind == "figure" else None
        readings = readings_for(figure, fmt) if figure is not None and not figure.approximate else ()
        stated.append(_Stated(n, clause, words, readings, figure))
    return stated


def _with_date_parts(numbers: list[Number], stated: list[_Stated]) -> list[_Stated]:
    """`stated`, plus the year, month and day of each date: “2024年1月1日” vouches for “2024年”."""
    parts: list[_Stated] = []
    for n in numbers:
        if n.kind != "date" or not n.token:
            continue
        pieces = [Decimal(p) for p in n.token.split("-")]
        for piece, unit in zip(pieces, ("年", "月", "日"), strict=False):
            part = Number(
                raw=n.raw, start=n.start, end=n.end, kind="figure", value=piece, written=piece, unit=unit
            )
            parts.append(_Stated(part, n.raw, None))
        if len(pieces) == 3:
            month = Number(raw=n.raw, start=n.start, end=n.end, kind="date", token=n.token.rsplit("-", 1)[0])
            parts.append(_Stated(month, n.raw, None))
    return stated + parts


def _clause(text: str, number: Number, numbers: list[Number]) -> tuple[str, frozenset[str]]:
    """The clause around `number`, and its words (pairs of Chinese characters) without the numbers and
    the words that say nothing about what is counted."""
    start = 0
    for m in _CLAUSE_MARK.finditer(text, 0, number.start):
        start = m.end()
    after = _CLAUSE_MARK.search(text, number.end)
    end = after.start() if after else len(text)
    chars = list(text[start:end])
    for n in numbers:
        for i in range(max(n.start, start), min(n.end, end)):
            chars[i - start] = " "
    plain = ANY_MARK.sub(" ", _FILLER.sub(" ", "".join(chars)))
    words = frozenset(run[i : i + 2] for run in _CJK_RUN.findall(plain) for i in range(len(run) - 1))
    return text[start:end].strip(), words


def _prose_figure(
    text: str, number: Number, heading: str, prose: dict[int, ProseFigure]
) -> ProseFigure | None:
    """How the project's prose reader sees `number`: a figure with its label, clause and sentence.

    The reader knows arabic numbers only: a Chinese numeral (“三十八件”) is read as if written in digits.
    """
    if number.start in prose:
        return prose[number.start]
    if number.unit not in _TABLE_UNITS or number.written is None or number.raw[:1].isdigit():
        return None
    digits = f"{number.written:f}" + ("万" if number.value != number.written else "")
    rewritten = text[: number.start] + digits + number.unit + text[number.end :]
    figures = extract_prose_figures(rewritten, [(0, len(rewritten), heading)], [])
    return next((f for f in figures if f.position == number.start), None)


def _same_thing(a: _Stated, b: _Stated) -> bool:
    """Whether two numbers of equal value and measure may state the same thing: the same table figure
    where both name one, else a word in common; a clause without words (“共3场”) is given the benefit."""
    if a.words is None or b.words is None:
        return True
    if a.readings and b.readings:
        return bool(set(a.readings) & set(b.readings))
    if not a.words or not b.words:
        return True
    return bool(a.words & b.words)


# --- Verdicts ----------------------------------------------------------------------------------------


def _rejection(rewrite: str, stated: _Stated, context: _Context) -> RejectedNumber | None:
    number = stated.number
    sums = _table_sums(stated, context.tables)
    if sums:
        assert stated.figure is not None
        if any(total == _decimal(stated.figure.value) for _, total in sums):
            return None
        if not _repeats_source(stated, context.source):
            return RejectedNumber(
                number=number.raw,
                sentence=_sentence(rewrite, number),
                reason=_contradiction(stated, sums, context.allowed),
                keys=sums[0][0],
            )
    reason = _unvouched(stated, context)
    if reason is None:
        return None
    return RejectedNumber(number=number.raw, sentence=_sentence(rewrite, number), reason=reason)


def _table_sums(stated: _Stated, tables: Mapping[str, Value | None]) -> list[tuple[tuple[str, ...], Decimal]]:
    """For each reading of the number whose figures are all known this year, the sum it stands for."""
    sums = []
    for keys in stated.readings:
        values = [tables.get(k) for k in keys]
        if values and all(v is not None for v in values):
            sums.append((keys, sum((_decimal(v) for v in values if v is not None), Decimal(0))))
    return sums


def _repeats_source(stated: _Stated, source: list[_Stated]) -> bool:
    """Whether the source already says the same of the same table figure: the rewrite changed nothing
    there (the validator reports the source's disagreement with the tables; the guard judges the model)."""
    assert stated.figure is not None
    return any(
        s.figure is not None
        and _decimal(s.figure.value) == _decimal(stated.figure.value)
        and s.figure.unit == stated.figure.unit
        and set(s.readings) & set(stated.readings)
        for s in source
    )


def _contradiction(
    stated: _Stated, sums: list[tuple[tuple[str, ...], Decimal]], allowed: set[Decimal]
) -> str:
    assert stated.figure is not None
    said = f"{_shown(_decimal(stated.figure.value))}{stated.figure.unit}"
    options = "，或".join(f"{_names(keys)}（本年为 {_shown(total)}）" for keys, total in sums)
    reason = f"“{stated.number.raw}”与表格不符：这句说的是{options}，改写中写成了 {said}"
    if stated.number.value in allowed:
        reason += "；这个数虽是本年的另一个数字，但不是这句所说的那一项"
    return reason


def _unvouched(stated: _Stated, context: _Context) -> str | None:
    """Why nothing vouches for the number, or None when something does."""
    number = stated.number
    if number.kind == "figure" and (number.value in context.allowed or number.written in context.allowed):
        return None
    if _vouched_by_source(stated, context.source):
        return None
    if number.kind != "figure":
        return f"{_WHOLE_KIND[number.kind]}“{number.raw}”在原文中没有"
    same_value = next(
        (c for c in context.source if c.number.kind == "figure" and c.number.value == number.value), None
    )
    if same_value is not None:
        return (
            f"“{number.raw}”：原文中同样的数值在“{same_value.clause}”里，说的不是同一件事；本年数字中也没有"
        )
    return f"“{number.raw}”既不是本年的数字，也不在原文中，可能是模型编造的"


def _vouched_by_source(stated: _Stated, source: list[_Stated]) -> bool:
    number = stated.number
    for c in source:
        if number.kind == "figure":
            if (
                c.number.kind == "figure"
                and c.number.value == number.value
                and same_unit(c.number.unit, number.unit)
                and _same_thing(stated, c)
            ):
                return True
        elif c.number.kind == number.kind and c.number.token == number.token:
            return True
    return False


def _placeholder_problems(rewrite: str, source: str) -> list[str]:
    before = Counter(ANY_MARK.findall(source))
    after = Counter(ANY_MARK.findall(rewrite))
    lost = [f"占位符“{p}”被删去或改动了，必须原样保留" for p in (before - after).elements()]
    added = [f"改写中多出了原文没有的占位符“{p}”" for p in (after - before).elements()]
    return lost + added


def _locked_problems(rewrite: str, source: str, request: str | None) -> list[str]:
    """The source's dates, document numbers and 《titles》 the rewrite dropped or changed, and titles it
    made up. `request`: the staff's request that unlocks them (None: locked); titles it states are allowed."""
    problems: list[str] = []
    if request is None:
        kept = {(n.kind, n.token) for n in find_numbers(rewrite)}
        for n in find_numbers(source):
            if n.kind in _LOCKED_KINDS and (n.kind, n.token) not in kept:
                problems.append(
                    f"原文中的{_WHOLE_KIND[n.kind]}“{n.raw}”被删去或改动了；日期、文号和文件名称须原样保留"
                )
    before, after = _titles(source), _titles(rewrite)
    if request is None:
        problems += [
            f"原文中的文件名称“{title}”被删去或改动了；日期、文号和文件名称须原样保留"
            for key, title in before.items()
            if key not in after
        ]
    vouched = before.keys() | _titles(request or "").keys()
    problems += [
        f"改写中出现了原文没有的文件名称“{title}”" for key, title in after.items() if key not in vouched
    ]
    return list(dict.fromkeys(problems))


# What prose never needs: addresses, paths, markup. Path segments are ASCII, so "许可/处罚/强制" is no path.
_FOREIGN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("网址", re.compile(r"(?:https?|ftp|file)://[^\s，。；）)>\"']+|www\.[A-Za-z0-9.-]+")),
    ("网络地址", re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")),
    ("电子邮件地址", re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")),
    ("文件路径", re.compile(r"(?<![A-Za-z0-9_./])(?:/[A-Za-z0-9_.-]+){2,}|\b[A-Za-z]:\\[^\s，。；]+")),
    ("网页代码", re.compile(r"<[A-Za-z!/?][^<>\n]{0,200}>")),
)


def _foreign_problems(rewrite: str, vouched: str) -> list[str]:
    """Addresses, paths and markup of the rewrite that `vouched` (the source and the request) does not have:
    a line for each kind."""
    problems = []
    for name, pattern in _FOREIGN:
        found = dict.fromkeys(m.group(0) for m in pattern.finditer(rewrite) if m.group(0) not in vouched)
        if found:
            shown = "、".join(f"“{text}”" for text in found)
            problems.append(
                f"改写中出现了原文没有的{name}：{shown}；改写只改原文的文字，不能加入网址、文件路径或网页代码"
            )
    return problems


def _titles(text: str) -> dict[str, str]:
    """The 《titles》 of `text` outside placeholders, as written, by a key that ignores width and spaces
    (“（2024年）” and “(2024年)” are one title)."""
    outside = ANY_MARK.sub(lambda m: " " * len(m.group(0)), text)
    titles: dict[str, str] = {}
    for title in _TITLE.findall(outside):
        titles.setdefault(unicodedata.normalize("NFKC", title).replace(" ", ""), title)
    return titles


# --- Wording -----------------------------------------------------------------------------------------


def _names(keys: tuple[str, ...]) -> str:
    if len(keys) <= 2:
        return "与".join(label_of(k) for k in keys) + ("之和" if len(keys) == 2 else "")
    return f"{label_of(keys[0])}等 {len(keys)} 项之和"


def _decimal(value: Value) -> Decimal:
    return Decimal(str(value))


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _sentence(text: str, number: Number) -> str:
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, number.start):
        start = m.end()
    end_match = _SENTENCE_END.search(text, number.end)
    end = end_match.end() if end_match else len(text)
    return text[start:end].strip()
