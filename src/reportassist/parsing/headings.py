"""Recognise headings by their numbering and map them to canonical sections.

Markup (`#`, bold, Word styles) only hints: Chinese reports number their headings ("一、",
"（一）", "1."), and the numbering is what tells the level. A heading is often run into its
first sentence ("（一）主动公开方面。按照…"); it is cut off there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "HeadingMatch",
    "canonical_of",
    "match_heading",
    "mentions_part",
    "part_number",
    "split_inline_headings",
]

_CN_NUM = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(_CN_NUM)}
_L1 = re.compile(rf"^\s*([{_CN_NUM}]+)\s*[、.．]\s*")
_L2 = re.compile(rf"^\s*[（(]\s*([{_CN_NUM}]+)\s*[）)]\s*")
_L3 = re.compile(r"^\s*(?:(\d{1,2})\s*[.．、](?!\d)|[（(](\d{1,2})[）)])\s*")
_NUMBERING = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+\s*[、.．]|[（(]\s*[{_CN_NUM}]+\s*[）)]|\d{{1,2}}\s*[.．、]|[（(]\d{{1,2}}[）)])\s*"
)
_SPECIAL = re.compile(r"^\s*(引言|前言|附表|附件\s*\d*)\s*$")
_TITLE_END = re.compile(r"[。：:]|\s(?=[^\s\dA-Za-z(（])")

# Canonical section keywords, in order of precedence.
_CANONICAL: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("other", re.compile(r"其他需要报告|需要说明的其他事项|其他需要说明|其他事项")),
    ("problems", re.compile(r"问题")),
    ("review", re.compile(r"复议|诉讼")),
    ("fees", re.compile(r"收费|减免")),
    ("overview", re.compile(r"总体情况|概述|概况")),
    ("requests", re.compile(r"依申请|收到和处理|申请")),
    ("active", re.compile(r"主动公开")),
    ("overview", re.compile(r"基本情况")),  # after the others: "（一）申请基本情况" is not the overview
    ("appendix", re.compile(r"^附表|统计表")),
)


@dataclass(frozen=True)
class HeadingMatch:
    level: int
    title: str  # the heading as written, numbering included
    rest: str  # text of the paragraph after the heading


def canonical_of(title: str) -> str | None:
    """The canonical section a heading stands for, or None for a heading that is not one (or several)."""
    title = _NUMBERING.sub("", title)
    if "主动公开" in title and "依申请" in title:
        return None  # a container such as "《条例》第三十二条规定的主动公开、依申请公开等6个方面"
    for canonical, pattern in _CANONICAL:
        if pattern.search(title):
            return canonical
    return None


def mentions_part(text: str, canonical: str) -> bool:
    """Does the text use the words of this canonical section's headings?"""
    return any(c == canonical and pattern.search(text) for c, pattern in _CANONICAL)


def part_number(heading: str) -> int | None:
    """The number of a top-level heading ("三、…" → 3), or None for another kind of heading."""
    m = _L1.match(heading)
    return _CN_VALUE.get(m.group(1)) if m else None


def match_heading(text: str, *, marked: bool = False) -> HeadingMatch | None:
    """Is this paragraph a heading (possibly followed by body text)? `marked`: the markup said so."""
    special = _SPECIAL.match(text)
    if special:
        return HeadingMatch(level=1 if special.group(1) == "附表" else 0, title=text.strip(), rest="")
    for level, pattern in ((1, _L1), (2, _L2), (3, _L3)):
        m = pattern.match(text)
        if not m:
            continue
        return _split_title(text, m.end(), level, marked)
    return None


def _split_title(text: str, start: int, level: int, marked: bool) -> HeadingMatch | None:
    body = text[start:]
    if level == 1 and (run_in := _run_in_title(body)):
        return HeadingMatch(level, (text[:start] + run_in[0]).strip(), run_in[1])
    limit = {1: 60, 2: 40, 3: 25}[level]
    if marked and len(text) <= 150 and "。" not in text.rstrip("。"):
        return HeadingMatch(level, text.strip().rstrip("。"), "")
    if text.rstrip().endswith(("；", ";", "，")):
        return None  # an item of a list, not a heading
    end = _TITLE_END.search(body)
    if end is None:
        if level == 3 and not marked:
            return None  # a short numbered line with nothing after it is a list item
        if len(body) <= limit or marked:
            return HeadingMatch(level, text.strip().rstrip("。；;"), "")
        return None
    title_part = body[: end.start()]
    rest = body[end.end() :].strip() if body[end.start()] != " " else body[end.start() :].strip()
    if level == 3 and ("；" in body[: end.start() + 1] or "（" in title_part and "）" not in title_part):
        return None
    if body[end.start()] in "：:" and (len(title_part) > 15 or "（" in title_part) and not marked:
        return None  # "（网址：…" is a parenthesis, not the end of a title
    if not title_part or len(title_part) > limit:
        return HeadingMatch(level, text.strip().rstrip("。"), "") if marked else None
    if not rest and level == 3 and not marked:
        return None  # a short numbered line with nothing after it is a list item
    return HeadingMatch(level, (text[:start] + title_part).strip(), rest)


# Where a run-in top-level title may end ("主动公开政府信息情况|2019年，…"), and the words that
# carry it on ("存在的主要问题|及改进情况").
_RUN_IN_END = re.compile(r"情况|事项|概述|概况|措施|问题|打算")
_RUN_IN_GOES_ON = ("及", "和", "与", "以及", "暨", "、")


def _run_in_title(body: str) -> tuple[str, str] | None:
    """A part's title run into its first sentence with no stop ("总体情况 2023年，示例县…"): (title, rest).

    The title is the shortest run of the first clause that ends like a title and names a
    canonical section; the rest must read as a sentence, so a table row ("主动公开情况 120")
    is left alone.
    """
    clause = re.split(r"[，。；,;：:]", body, maxsplit=1)[0][:40]
    for m in _RUN_IN_END.finditer(clause):
        title, rest = body[: m.end()], body[m.end() :].strip()
        if rest.startswith(_RUN_IN_GOES_ON) or canonical_of(title) is None:
            continue
        if len(rest) < 6 or rest[0] in "。，；：:" or not re.search(r"[，。]", rest):
            return None
        return title, rest
    return None


# Top-level headings run into the text around them, as in text copied from a web page.
_INLINE_L1 = re.compile(
    rf"(?<!第)([{_CN_NUM}])、\s*([^。！？；\d、]{{0,40}}?(?:、[^。！？；\d、]{{0,30}}?)?(?:情况|事项|概述|措施|打算))"
)
_INLINE_L2 = re.compile(rf"(?<!第)[（(]([{_CN_NUM}])[）)]\s*([^。，；：:\s\d（）()]{{2,20}}?)(?=[。：:]|\s)")


def split_inline_headings(text: str) -> list[tuple[str, bool]]:
    """Cut a long run of text at the canonical headings inside it: [(piece, is_heading), …].

    Only top-level headings that name a canonical section and follow each other in order
    (一、二、三…) are cut, so "四、结转下年度继续办理" inside 表三 is left alone; second-level
    headings ("（一）主动公开方面。") are cut outside the table sections.
    """
    cuts: list[tuple[int, int]] = []
    expected, pos = 1, 0
    while True:
        found = None
        for m in _INLINE_L1.finditer(text, pos):
            if _CN_VALUE.get(m.group(1)) == expected and canonical_of(m.group(2)):
                found = m
                break
        if not found:
            break
        cuts.append((found.start(), found.end()))
        expected, pos = expected + 1, found.end()
    if not cuts:
        return _split_l2(text, None)
    pieces: list[tuple[str, bool]] = []
    pieces.extend(_split_l2(text[: cuts[0][0]], None))
    for i, (start, end) in enumerate(cuts):
        pieces.append((text[start:end].strip(), True))
        body_end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        pieces.extend(_split_l2(text[end:body_end], canonical_of(text[start:end])))
    return [(p, h) for p, h in pieces if p]


def _split_l2(text: str, canonical: str | None) -> list[tuple[str, bool]]:
    text = text.strip()
    if canonical in ("active", "requests", "review") or not text:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    last = 0
    for m in _INLINE_L2.finditer(text):
        if m.start() > last:
            pieces.append((text[last : m.start()].strip(), False))
        pieces.append((text[m.start() : m.end()].strip(), True))
        last = m.end()
        if last < len(text) and text[last] in "。：:":
            last += 1
    pieces.append((text[last:].strip(), False))
    return pieces
