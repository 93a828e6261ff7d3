"""The figures a piece of Chinese report prose states, normalised so that two wordings compare equal.

What counts: arabic numbers (full-width too, with thousands separators, decimals, 万/亿, percentages),
Chinese numerals that state a quantity (a numeral followed by a measure word: “三个”“十余次”“两件”, or
“百分之五”), dates (2024年1月1日), document numbers (〔2024〕3号) and codes written with a leading zero
(postcodes, telephone numbers). What does not: ordinals and list markers (第一、一是、（一）、1.), fixed
phrases that merely contain a numeral (一次办成、一网通办、“十四五”、双随机、一公开), placeholders
(【待填：…】), and vague numerals (几十个、三四个 are kept only as written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import cn2an  # type: ignore[import-untyped]

from reportassist.markers import ANY_MARK
from reportassist.units import MEASURE, alternation

__all__ = ["Number", "NumberKind", "find_numbers", "same_unit"]

NumberKind = Literal["figure", "date", "doc_number", "code", "vague"]


_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_MASK = "\x00"

# Measure words after a number, longest first; a Chinese numeral counts as a figure only before one.
_UNIT = alternation(MEASURE)
_UNIT_ALIASES = {"批次": "批", "场次": "场", "个百分点": "百分点", "个工作日": "工作日"}

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMERAL = f"[{_CN_DIGITS}十百千万亿]"
_DIGITWISE = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "两": "2"}

# Fixed phrases and names that contain a numeral followed by a measure word but state no quantity.
_FIXED_PHRASES = (
    "一件事", "一次办", "跑一次", "一次性", "一次告知", "一条龙", "一年来", "一起", "一种", "一类", "一批",
    "一部分", "一张网", "一张图", "一网通办", "一网统管", "一网协同", "双随机、一公开", "双随机一公开",
    "三安全一稳定", "三个代表", "第三方", "一号文件", "一号通", "一成不变", "约法三章",
    "三类内部事务", "四类过程性",
)  # fmt: skip
# Words ending in 一 that make the 一 no count: 统一部署 is not “one 部”, 上一年 not “one year”.
_NOT_ONE_AFTER = "统唯同单万逐划归合专纯不每再又上下"
_FIXED = re.compile(
    "|".join(re.escape(p) for p in _FIXED_PHRASES)
    # 一事一议, 一企一策, 一户一档, 一年一度
    + r"|一[\u4e00-\u9fff]一[\u4e00-\u9fff]"
    # “十四五”规划, 十三五期间
    + r"|十[一二三四五六]五"
    # 五位一体, 三位一体
    + r"|[一二三四五六七八九]位一体"
    # 二十届三中全会
    + rf"|{_CN_NUMERAL}+届{_CN_NUMERAL}+中全会"
    # 四个意识, 两个维护, 两个确立
    + r"|[一二两三四五六七八九十]个(?:意识|自信|全面|维护|确立|务必|毫不动摇|结合|表率|凡是|必须)"
)

_DOC_NUMBER = re.compile(r"[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(?:第\s*)?(\d+)\s*号")
_DATE = re.compile(
    r"(?<![\d.])(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?"
    r"|(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])"
)
_QUALIFIED_UNIT = rf"\s*(?P<mult>万|亿)?\s*(?:余|多|来)?\s*(?P<unit>{_UNIT})?"
_ARABIC = re.compile(
    r"(?<![\d.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])" + _QUALIFIED_UNIT
)
_CN_PERCENT = re.compile(rf"百分之(?P<num>(?:{_CN_NUMERAL}|点)+)")
_CN_FIGURE = re.compile(
    rf"(?<![第之其几数{_CN_DIGITS}十百千万亿])(?P<num>{_CN_NUMERAL}+)(?:余|多|来)?(?P<unit>{_UNIT})"
)
# A list marker: at the start of a line or clause, “1.”“1、”“（1）”.
_LIST_MARKER = re.compile(r"(?:^|(?<=[\s。；;：:！？]))\s*(?:[（(]\s*\d+\s*[)）]|\d+\s*[、.．](?!\d))")


@dataclass(frozen=True)
class Number:
    """One number in a text, as written and normalised.

    `value` is the amount with 万/亿 applied (“1.2万” is 12000) and `written` the number before it (1.2);
    `token` is the normalised form of what is compared as a whole (a date “2024-1-1”, a document number
    “〔2024〕3号”, a code “0591”, a vague numeral as written).
    """

    raw: str
    start: int
    end: int
    kind: NumberKind
    value: Decimal | None = None
    written: Decimal | None = None
    unit: str = ""
    token: str | None = None


def same_unit(a: str, b: str) -> bool:
    """Whether two measure words may describe the same figure (a bare number fits any)."""
    return not a or not b or a == b


def find_numbers(text: str) -> list[Number]:
    """Every number that `text` states, in reading order (placeholders, ordinals and fixed phrases skipped)."""
    work = text.translate(_WIDTH)
    for pattern in (ANY_MARK, _FIXED, _LIST_MARKER):
        work = _masked(work, pattern)
    found: list[Number] = []

    for m in _DOC_NUMBER.finditer(work):
        found.append(
            _number(text, m.start(), m.end(), "doc_number", token=f"〔{m.group(1)}〕{int(m.group(2))}号")
        )
    work = _masked(work, _DOC_NUMBER)

    for m in _DATE.finditer(work):
        y, mo, d = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        )
        token = f"{int(y)}-{int(mo)}" + (f"-{int(d)}" if d else "")
        found.append(_number(text, m.start(), m.end(), "date", token=token))
    work = _masked(work, _DATE)

    for m in _CN_PERCENT.finditer(work):
        value = _chinese_value(m.group("num"))
        found.append(_figure(text, m.start(), m.end(), value, value, "%", m.group("num")))
    work = _masked(work, _CN_PERCENT)

    for m in _ARABIC.finditer(work):
        if _after_di(work, m.start()):
            continue
        digits = m.group("num").replace(",", "")
        end = m.end() if m.group("unit") or m.group("mult") else m.end("num")
        if len(digits) > 1 and digits.startswith("0") and "." not in digits:
            found.append(_number(text, m.start(), m.end("num"), "code", token=digits))
            continue
        written = Decimal(digits)
        found.append(
            _figure(text, m.start(), end, written * _scale(m.group("mult")), written, m.group("unit"))
        )
    work = _masked(work, _ARABIC)

    for m in _CN_FIGURE.finditer(work):
        run = m.group("num")
        if not re.search(f"[{_CN_DIGITS}]", run) and not run.startswith("十"):
            continue  # 百姓, 千家万户: a bare 百/千/万 is a figure of speech
        if run == "一" and m.start() > 0 and work[m.start() - 1] in _NOT_ONE_AFTER:
            continue
        head, mult = (run[:-1], run[-1]) if len(run) > 1 and run[-1] in "万亿" else (run, None)
        amount = _chinese_value(head)
        scaled = None if amount is None else amount * _scale(mult)
        found.append(_figure(text, m.start(), m.end(), scaled, amount, m.group("unit"), run))
    return sorted(found, key=lambda n: n.start)


def _masked(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: _MASK * len(m.group(0)), text)


def _after_di(text: str, index: int) -> bool:
    """An ordinal: “第3批”, “第 1023 期”."""
    return text[:index].rstrip().endswith("第")


def _scale(mult: str | None) -> Decimal:
    return {"万": Decimal(10_000), "亿": Decimal(100_000_000)}.get(mult or "", Decimal(1))


def _chinese_value(run: str) -> Decimal | None:
    """The value of a Chinese numeral, or None for a vague one (三四个, 一两次) or one cn2an cannot read."""
    if not re.search("[十百千万亿点]", run):
        if len(run) == 1 or len(run) >= 3 or re.search("[〇零]", run):
            return Decimal("".join(_DIGITWISE[c] for c in run))  # 三, 二〇二四
        return None
    try:
        return Decimal(str(cn2an.cn2an(run, "smart")))
    except (ValueError, InvalidOperation):
        return None


def _number(text: str, start: int, end: int, kind: NumberKind, *, token: str) -> Number:
    return Number(raw=text[start:end].strip(), start=start, end=end, kind=kind, token=token)


def _figure(
    text: str,
    start: int,
    end: int,
    value: Decimal | None,
    written: Decimal | None,
    unit: str | None,
    run: str = "",
) -> Number:
    unit = _UNIT_ALIASES.get(unit or "", unit or "")
    if value is None:
        return Number(raw=text[start:end], start=start, end=end, kind="vague", unit=unit, token=run + unit)
    return Number(
        raw=text[start:end].strip(),
        start=start,
        end=end,
        kind="figure",
        value=value,
        written=written,
        unit=unit,
    )
