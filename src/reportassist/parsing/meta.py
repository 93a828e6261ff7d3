"""Who published the report, for which year, in which format: read from the text, never the file name."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from reportassist.model import Meta, ReportFormat
from reportassist.readers.base import Paragraph, Table
from reportassist.schema import format_for_year

__all__ = ["detect_format", "detect_meta"]

_TITLE = re.compile(
    r"(\d{4})\s*年\s*度?\s*(?:的)?\s*政府信息公开(?:工作)?\s*(?:年度)?\s*(?:工作)?\s*(?:年度)?报告"
)
_FIELD = re.compile(r"^\s*(标题|发布时间|发布日期|成文日期|文号|发布机构)\s*[:：]\s*(.*)$")
_PERIOD = re.compile(
    r"统计(?:期限|时限|期间|时间|区间)[^。]{0,12}?(\d{4})\s*年\s*1\s*月\s*1\s*日"
    r"|(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?至\s*(?:\d{4}\s*年\s*)?12\s*月\s*31\s*日"
)
_REPORT_YEAR = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*度?\s*(?:的)?\s*(?:政府信息公开|政务公开)|(?<!\d)(\d{4})\s*年度"
)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年(?!\d)")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{0,12}\s*[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*[—－-]?\s*\d+\s*号?$"
)
_REGION = re.compile(r"^(.+?(?:自治区|自治州|自治县|特别行政区|省|市|州|盟|县|旗|区))(?![市县区州盟旗省])")
# An agency's name: a government (省/市/区/县/镇/乡人民政府, 街道办事处) or a department (厅, 委员会,
# 局, 办公厅, 办公室), as written: "示例县人民政府办公室", "示例市科委".
_AGENCY_END = (
    r"(?:(?:人民)?政府(?:办公厅|办公室)?|街道办事处|办事处|委员会|办公厅|办公室|厅|局|委|办(?![公事]))"
)
_AGENCY = re.compile(rf"[\u4e00-\u9fff]{{1,20}}?{_AGENCY_END}")
# A name where a clause starts with it ("，示例县人民政府认真…", "…通过示例市科学技术委员会网站"),
# not one in a document's title ("《示例省人民政府办公厅关于…》").
_NAME = (
    rf"(?:(?<![\u4e00-\u9fff《])|(?<=通过|按照|根据|依托)|(?<=[经由在]))(?![我本该各全])({_AGENCY.pattern})"
)
_NAME_IN_TEXT = re.compile(_NAME)
_OPENING_NAME = re.compile(rf"\d{{4}}\s*年(?:度|以来)?\s*[，,]\s*{_NAME}")
_SELF = re.compile(r"[我本](厅|局|委|办|县|市|区|镇|乡|街道)")
_REGION_NAMED = re.compile(r"^[\u4e00-\u9fff]{2,}?(?:省|自治区|市|州|盟|县|旗|区|镇|乡|街道)")
_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_LETTER_WORDS = ("关于报送", "的函", "的通知", "的报告》", "附件：", "附件:")

_GB2021_MARKS = ("本年制发件数", "本年废止件数", "现行有效件数", "逾期不补正", "缴纳费用")
_GB2019_MARKS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "其他对外管理服务事项",
)
_GB_COMMON_MARKS = ("本年新收政府信息公开申请数量", "三安全一稳定", "结果维持")
_LEGACY_MARKS = ("主动公开文件数", "受理政府信息公开申请总数", "对申请的答复总数", "第三十二条")


def detect_meta(paragraphs: list[Paragraph], tables: list[Table], body: str) -> Meta:
    fields = _header_fields(paragraphs)
    title, title_index = _title(paragraphs, fields)
    year, year_evidence = _year(title, body)
    agency = _agency(title, title_index, paragraphs, fields, body)
    table_text = "".join(c for t in tables for row in t.rows for c in row if c)
    fmt, format_evidence = detect_format(body + table_text, year)
    return Meta(
        agency=agency,
        region=_region(agency),
        year=year,
        format=fmt,
        published=_published(paragraphs, fields),
        doc_number=_doc_number(paragraphs, fields),
        title=title,
        format_evidence=format_evidence,
        year_evidence=year_evidence,
    )


def _header_fields(paragraphs: list[Paragraph]) -> dict[str, str]:
    """'标题: …', '发布时间: …' lines that web pages and exports put above the text."""
    fields: dict[str, str] = {}
    for para in paragraphs[:12]:
        for line in para.text.split("\n"):
            m = _FIELD.match(line)
            if m and m.group(2).strip():
                fields.setdefault(m.group(1), m.group(2).strip())
    return fields


def _title(paragraphs: list[Paragraph], fields: dict[str, str]) -> tuple[str | None, int | None]:
    if "标题" in fields and _TITLE.search(fields["标题"]):
        return fields["标题"], None
    best: tuple[str, int] | None = None
    for index, para in enumerate(paragraphs[:40]):
        text = para.text.strip()
        if len(text) > 80 or not _TITLE.search(text):
            continue
        if any(word in text for word in _LETTER_WORDS):
            best = best or (text, index)  # a covering letter names the report too, but is not its title
            continue
        return text, index
    return best if best else (None, None)


def _year(title: str | None, body: str) -> tuple[int | None, str | None]:
    """The year reported on, never the year of publication: the title, the statistics period, the
    first "2023年度（政府信息公开）" of the text, and only then the year the text names most."""
    if title:
        m = _TITLE.search(title)
        if m:
            return int(m.group(1)), f"标题“{title}”"
    m = _PERIOD.search(body)
    if m:
        return int(m.group(1) or m.group(2)), f"统计期限“{m.group(0)}”"
    m = _REPORT_YEAR.search(body[:3000])
    if m:
        return int(m.group(1) or m.group(2)), f"正文“{m.group(0)}”"
    years = Counter(int(y) for y in _YEAR.findall(body[:3000]))
    if years:
        year, _ = years.most_common(1)[0]
        return year, f"正文中最常出现的年份 {year} 年（未找到标题和统计期限）"
    return None, None


def _agency(
    title: str | None, title_index: int | None, paragraphs: list[Paragraph], fields: dict[str, str], body: str
) -> str | None:
    """The publisher as the document writes it: the title, the 发布机构 field, the line above the
    title, the signature, the 文号, the text's opening sentence, in that order. A name that does not
    say its region ("市科委", "示例厅") gives way to the fullest form of it the document writes."""
    name = (
        _title_agency(title)
        or fields.get("发布机构")
        or _letterhead(title_index, paragraphs)
        or _signature(paragraphs)
        or _doc_number_agency(paragraphs, fields)
        or _opening_agency(body)
    )
    if name is None or _REGION_NAMED.match(name):
        return name
    fuller = Counter(m.group(1) for m in _NAME_IN_TEXT.finditer(body) if _abbreviates(name, m.group(1)))
    return max(fuller, key=lambda n: (fuller[n], len(n)), default=name)


def _title_agency(title: str | None) -> str | None:
    m = _TITLE.search(title) if title else None
    if title is None or m is None:
        return None
    before = re.sub(r"^(?:附件\s*[：:]|关于)", "", title[: m.start()]).strip(" 《“")
    before = re.sub(r"(?:关于)$", "", before).strip()
    return before if len(before) >= 2 else None


def _letterhead(title_index: int | None, paragraphs: list[Paragraph]) -> str | None:
    if not title_index:
        return None
    for para in reversed(paragraphs[max(0, title_index - 3) : title_index]):
        text = para.text.strip()
        if 2 <= len(text) <= 30 and not _DOC_NUMBER.match(text) and not re.search(r"\d", text):
            return text
    return None


def _signature(paragraphs: list[Paragraph]) -> str | None:
    """The name on the line above the date that ends the report."""
    lines = [line.strip() for p in paragraphs[-6:] for line in p.text.split("\n") if line.strip()]
    for index in range(len(lines) - 1, 0, -1):
        if _DATE_LINE.match(lines[index]):
            return lines[index - 1] if _AGENCY.fullmatch(lines[index - 1]) else None
    return None


def _doc_number_agency(paragraphs: list[Paragraph], fields: dict[str, str]) -> str | None:
    """ "示例厅〔2024〕3号" names its agency; "示交函〔2024〕3号" does not."""
    number = _doc_number(paragraphs, fields)
    prefix = re.split(r"\s*[〔\[［(（]", number or "", maxsplit=1)[0]
    return prefix if _AGENCY.fullmatch(prefix) else None


def _opening_agency(body: str) -> str | None:
    """ "2023年，示例县人民政府认真贯彻…": of the kind the text calls itself ("我厅"), if it does."""
    self_reference = _SELF.search(body)
    kind = _self_kind(self_reference.group(1)) if self_reference else None
    for m in _OPENING_NAME.finditer(body[:3000]):
        if kind is None or _kind(m.group(1)) == kind:
            return m.group(1)
    return None


def _abbreviates(short: str, name: str) -> bool:
    """ "市科委" of "示例市科学技术委员会", "示例厅" of "示例省交通运输厅": same kind, its characters in order."""
    if len(name) <= len(short) or not _REGION_NAMED.match(name) or _kind(name) != _kind(short):
        return False
    rest = iter(name)
    return all(char in rest for char in short[:-1])


def _kind(name: str) -> str:
    """What sort of body the name's ending makes it: 府 (a government), 厅, 局, 委, 办."""
    m = re.search(f"{_AGENCY_END}$", name)
    suffix = m.group(0) if m else name[-1:]
    if suffix.endswith("办公室") or suffix == "办":
        return "办"
    if suffix.endswith(("政府", "办事处")):
        return "府"
    return "委" if suffix.startswith("委") else suffix[-1]


def _self_kind(word: str) -> str:
    """ "我厅" → 厅; "我县", "我镇", "本街道" → 府."""
    return word if word in ("厅", "局", "委", "办") else "府"


def _region(agency: str | None) -> str | None:
    if not agency:
        return None
    m = _REGION.match(agency)
    return m.group(1) if m else None


def _published(paragraphs: list[Paragraph], fields: dict[str, str]) -> date | None:
    candidates = [fields[k] for k in ("发布时间", "发布日期", "成文日期") if k in fields]
    # The date under the signature, at the end of the report.
    tail = [p.text for p in paragraphs[-4:]]
    candidates += [line for text in reversed(tail) for line in reversed(text.split("\n")) if len(line) <= 20]
    for text in candidates:
        m = _DATE.search(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def _doc_number(paragraphs: list[Paragraph], fields: dict[str, str]) -> str | None:
    if fields.get("文号"):
        return fields["文号"]
    for para in paragraphs[:10]:
        text = para.text.strip()
        if len(text) <= 30 and _DOC_NUMBER.match(text):
            return text
    return None


def detect_format(text: str, year: int | None) -> tuple[ReportFormat | None, str | None]:
    """The shape the document actually uses, with the words that show it."""
    gb2021 = [m for m in _GB2021_MARKS if m in text]
    gb2019 = [m for m in _GB2019_MARKS if m in text]
    if gb2021 and len(gb2021) >= len(gb2019):
        return "gb2021", f"出现 2021 年版格式的栏目：{'、'.join(gb2021)}"
    if gb2019:
        return "gb2019", f"出现 2019 年版格式的栏目：{'、'.join(gb2019)}"
    common = [m for m in _GB_COMMON_MARKS if m in text]
    if common:
        fmt: ReportFormat = "gb2021" if year is None or year >= 2021 else "gb2019"
        return fmt, f"出现新版格式的表格（{'、'.join(common)}），未见区分 2019/2021 年版的栏目，按年度推定"
    legacy = [m for m in _LEGACY_MARKS if m in text]
    if legacy:
        return "legacy", f"出现旧版（2008 年条例）附表或条文：{'、'.join(legacy)}"
    if year is None:
        return None, None
    return format_for_year(year), f"未找到统计表格，按报告年度 {year} 推定"
