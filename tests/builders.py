"""Fictional annual reports rendered from a figures dict, in the layouts real reports come in.

Everything here is written from `shared/spec/formats.md`, not from the package's own schema, so
that tests built on it check the package against the spec:

* the tables' rows, labels and canonical keys (`T2_GROUPS`, `T3_ROWS`, `T4_GROUPS`, `LEGACY_ROWS`);
* the sums they must satisfy (`sums(fmt)`: the rule id and the keys on each side);
* `consistent_figures(fmt, seed)`: random figures that satisfy every sum;
* `prose_statements(fmt, figures)`: the table figures the prose states, with the readings the
  words allow (formats.md: "收到申请N件" is 新收 alone or 新收 + 上年结转);
* `render(layout, figures, year=...)`: the report as the bytes of a .md/.docx/.html/.txt/.pdf file.

The agency and everything it is said to have done are fictional (示例市科学技术局).
"""

from __future__ import annotations

import functools
import html
import io
import random
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import docx
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, SimpleDocTemplate, TableStyle
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

__all__ = [
    "AGENCY",
    "LAYOUTS",
    "YEARS",
    "Layout",
    "Statement",
    "Sum",
    "blank_zeros",
    "consistent_figures",
    "figures_for",
    "keys_of",
    "next_year_figures",
    "prose_statements",
    "render",
    "rows_of",
    "run_together",
    "sums",
    "write_report",
]

AGENCY = "示例市科学技术局"
YEARS = {"legacy": 2018, "gb2019": 2020, "gb2021": 2023}

Figures = dict[str, "int | Decimal | None"]

# ---------------------------------------------------------------- the tables, from formats.md

# 表二: groups as the template prints them ("第二十条第（一）项" …), each with its column labels and rows.
T2_GROUPS: dict[str, list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]]] = {
    "gb2021": [
        ("第二十条第（一）项", [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")],
         [("regulations", "规章"), ("normative", "行政规范性文件")]),
        ("第二十条第（五）项", [("decisions", "本年处理决定数量")], [("licensing", "行政许可")]),
        ("第二十条第（六）项", [("decisions", "本年处理决定数量")], [("penalty", "行政处罚"), ("coercion", "行政强制")]),
        ("第二十条第（八）项", [("amount", "本年收费金额（单位：万元）")], [("fees", "行政事业性收费")]),
    ],
    "gb2019": [
        ("第二十条第（一）项", [("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total_public", "对外公开总数量")],
         [("regulations", "规章"), ("normative", "规范性文件")]),
        ("第二十条第（五）项", [("prior_count", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")],
         [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
        ("第二十条第（六）项", [("prior_count", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")],
         [("penalty", "行政处罚"), ("coercion", "行政强制")]),
        ("第二十条第（八）项", [("prior_count", "上一年项目数量"), ("change", "本年增/减")], [("fees", "行政事业性收费")]),
        ("第二十条第（九）项", [("projects", "采购项目数量"), ("amount", "采购总金额")], [("procurement", "政府集中采购")]),
    ],
}  # fmt: skip

T3_COLUMNS = [
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
]
T3_PARTS = [c for c, _ in T3_COLUMNS[:-1]]  # 自然人 and the five 法人或其他组织 columns

_T3_HEAD = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果 （一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.secret", "（三）不予公开 1.属于国家秘密"),
    ("denied.law", "2.其他法律行政法规禁止公开"),
    ("denied.safety", '3.危及"三安全一稳定"'),
    ("denied.third_party", "4.保护第三方合法权益"),
    ("denied.internal", "5.属于三类内部事务信息"),
    ("denied.process", "6.属于四类过程性信息"),
    ("denied.enforcement", "7.属于行政执法案卷"),
    ("denied.query", "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息"),
    ("unable.must_create", "2.没有现成信息需要另行制作"),
    ("unable.unclear", "3.补正后申请内容仍不明确"),
    ("rejected.petition", "（五）不予处理 1.信访举报投诉类申请"),
    ("rejected.repeat", "2.重复申请"),
    ("rejected.publication", "3.要求提供公开出版物"),
    ("rejected.massive", "4.无正当理由大量反复申请"),
    ("rejected.confirm", "5.要求行政机关确认或重新出具已获取信息"),
]
_T3_OTHER = {
    "gb2021": [
        (
            "other.no_correction",
            "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        ("other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other.other", "3.其他"),
    ],
    "gb2019": [("other", "（六）其他处理")],
}
_T3_TAIL = [("handled", "（七）总计"), ("carried_out", "四、结转下年度继续办理")]
T3_ROWS = {fmt: _T3_HEAD + _T3_OTHER[fmt] + _T3_TAIL for fmt in ("gb2019", "gb2021")}
# 予以公开 + 部分公开 + every sub-item of （三）（四）（五）（六）: what （七）总计 adds up.
DISPOSAL = {fmt: [rid for rid, _ in T3_ROWS[fmt][2:-2]] for fmt in T3_ROWS}

T4_GROUPS = [("review", "行政复议"), ("suit_direct", "未经复议直接起诉"), ("suit_after", "复议后起诉")]
T4_COLUMNS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]
T4_KEYS = [f"t4.{g}.{c}" for g, _ in T4_GROUPS for c, _ in T4_COLUMNS]

# The legacy 附表 as seed 003 prints it: key, label as written, unit.
LEGACY_ROWS = [
    ("active.total", "主动公开文件数", "条"),
    ("active.website", "其中：1. 政府网站公开数", "条"),
    ("active.gazette", "2. 政府公报公开数", "条"),
    ("requests.total", "受理政府信息公开申请总数", "条"),
    ("requests.in_person", "其中：1. 当面申请数", "条"),
    ("requests.online", "2. 网上申请数", "条"),
    ("requests.letter", "3. 信函、传真申请数", "条"),
    ("replies.total", "对申请的答复总数", "条"),
    ("replies.granted", "其中： 1. 同意公开答复数", "条"),
    ("replies.partial", "2. 同意部分公开答复数", "条"),
    ("replies.denied", "3. 不予公开答复数", "条"),
    ("replies.other", "4. 其他类型答复数", "条"),
    ("complaints", "接受行政申诉、举报数", "件"),
    ("reviews", "行政复议数", "件"),
    ("suits", "行政诉讼数", "件"),
]
CUMULATIVE = "@cumulative"


def keys_of(fmt: str) -> list[str]:
    """Every table key of a format, in the order the tables print them."""
    if fmt == "legacy":
        return [f"legacy.{k}{suffix}" for k, _, _ in LEGACY_ROWS for suffix in ("", CUMULATIVE)]
    t2 = [f"t2.{row}.{col}" for _, cols, rows in T2_GROUPS[fmt] for row, _ in rows for col, _ in cols]
    t3 = [f"t3.{rid}.{col}" for rid, _ in T3_ROWS[fmt] for col, _ in T3_COLUMNS]
    return t2 + t3 + T4_KEYS


def rows_of(fmt: str) -> list[tuple[str, ...]]:
    """The keys of each printed table row (表四's data row is one row of fifteen)."""
    if fmt == "legacy":
        return [(f"legacy.{k}", f"legacy.{k}{CUMULATIVE}") for k, _, _ in LEGACY_ROWS]
    t2 = [tuple(f"t2.{row}.{col}" for col, _ in cols) for _, cols, rows in T2_GROUPS[fmt] for row, _ in rows]
    t3 = [tuple(f"t3.{rid}.{col}" for col, _ in T3_COLUMNS) for rid, _ in T3_ROWS[fmt]]
    return t2 + t3 + [tuple(T4_KEYS)]


@dataclass(frozen=True)
class Sum:
    """sum(left) == sum(right), checked by the validator rule `rule` (formats.md §4)."""

    rule: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right


def sums(fmt: str) -> list[Sum]:
    """The sums a format's tables must satisfy, as formats.md §4 states them."""
    if fmt == "legacy":
        parts = tuple(f"legacy.replies.{p}" for p in ("granted", "partial", "denied", "other"))
        return [Sum("legacy.replies_total", parts, ("legacy.replies.total",))]
    out = [
        Sum("t3.row_total", tuple(f"t3.{rid}.{c}" for c in T3_PARTS), (f"t3.{rid}.total",))
        for rid, _ in T3_ROWS[fmt]
    ]
    for col, _ in T3_COLUMNS:
        out.append(
            Sum("t3.handled_total", tuple(f"t3.{rid}.{col}" for rid in DISPOSAL[fmt]), (f"t3.handled.{col}",))
        )
        out.append(
            Sum(
                "t3.balance",
                (f"t3.new.{col}", f"t3.carried_in.{col}"),
                (f"t3.handled.{col}", f"t3.carried_out.{col}"),
            )
        )
    for group, _ in T4_GROUPS:
        parts = tuple(f"t4.{group}.{c}" for c, _ in T4_COLUMNS[:-1])
        out.append(Sum("t4.group_total", parts, (f"t4.{group}.total",)))
    return out


# ---------------------------------------------------------------- consistent random figures


def _small(rng: random.Random, zero_share: float, high: int = 40) -> int:
    """Mostly 0, like real tables; otherwise 1–9, now and then a two-digit figure."""
    if rng.random() < zero_share:
        return 0
    return rng.randint(10, high) if rng.random() < 0.25 else rng.randint(1, 9)


def consistent_figures(fmt: str, seed: int, *, carried_in: dict[str, int] | None = None) -> Figures:
    """Random figures for every key of `fmt` that satisfy every sum of formats.md.

    `carried_in` (column -> value) fixes 二、上年结转, e.g. to last year's 四、结转下年度继续办理.
    """
    rng = random.Random(seed)
    if fmt == "legacy":
        return _legacy_figures(rng)
    figures: Figures = {}
    figures.update(_t2_figures(fmt, rng))
    figures.update(_t3_figures(fmt, rng, carried_in))
    figures.update(_t4_figures(rng))
    return {k: figures[k] for k in keys_of(fmt)}


def _t2_figures(fmt: str, rng: random.Random) -> Figures:
    f: Figures = {}
    if fmt == "gb2021":
        # Single digits for 规章 so that its three cells stay readable when run together; the prose
        # states two of the three 行政规范性文件 figures, which settles that row (as in real reports).
        f |= {"t2.regulations.issued": rng.randint(0, 2), "t2.regulations.repealed": rng.randint(0, 1)}
        f["t2.regulations.in_force"] = rng.randint(0, 9)
        f |= {"t2.normative.issued": rng.randint(0, 15), "t2.normative.repealed": rng.randint(0, 6)}
        f["t2.normative.in_force"] = rng.randint(10, 60)
        f |= {f"t2.{r}.decisions": _small(rng, 0.3, 140) for r in ("licensing", "penalty", "coercion")}
        f["t2.fees.amount"] = Decimal(rng.randint(0, 999)) / 10
        return f
    for row in ("regulations", "normative"):
        made = rng.randint(0, 12)
        published = rng.randint(0, made)
        f |= {f"t2.{row}.made": made, f"t2.{row}.published": published}
        f[f"t2.{row}.total_public"] = published + rng.randint(0, 40)
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        f[f"t2.{row}.prior_count"] = rng.randint(0, 30)
        f[f"t2.{row}.change"] = rng.randint(-3, 4)  # 本年增/减 is signed
        if row != "fees":
            f[f"t2.{row}.decisions"] = _small(rng, 0.3, 140)
    f["t2.procurement.projects"] = rng.randint(0, 12)
    f["t2.procurement.amount"] = Decimal(rng.randint(0, 9999)) / 100
    return f


# How likely a cell of each 表三 column is to be zero: 自然人 applies most, 其他 organisations rarely.
_T3_ZERO = {"natural": 0.55, "commercial": 0.75, "research": 0.95, "social": 0.9, "legal": 0.9, "other": 0.85}


def _t3_figures(fmt: str, rng: random.Random, carried_in: dict[str, int] | None) -> Figures:
    f: Figures = {}
    busy = {"granted", "partial", "unable.not_held", "rejected.repeat", "denied.process"}
    for col in T3_PARTS:
        for rid in DISPOSAL[fmt]:
            zero = _T3_ZERO[col] if rid in busy else 0.93
            f[f"t3.{rid}.{col}"] = _small(rng, zero)
        handled = sum(f[f"t3.{rid}.{col}"] for rid in DISPOSAL[fmt])
        c_in = carried_in[col] if carried_in is not None else _small(rng, 0.8, 12)
        c_out = _small(rng, 0.8, 12)
        if c_in > handled + c_out:  # 新收 cannot be negative: more was done this year
            f[f"t3.granted.{col}"] += c_in - c_out - handled
            handled = c_in - c_out
        f |= {f"t3.handled.{col}": handled, f"t3.carried_in.{col}": c_in, f"t3.carried_out.{col}": c_out}
        f[f"t3.new.{col}"] = handled + c_out - c_in
    for rid, _ in T3_ROWS[fmt]:
        f[f"t3.{rid}.total"] = sum(f[f"t3.{rid}.{c}"] for c in T3_PARTS)
    return f


def _t4_figures(rng: random.Random) -> Figures:
    f: Figures = {}
    for group, _ in T4_GROUPS:
        parts = {c: (rng.randint(1, 3) if rng.random() < 0.3 else 0) for c, _ in T4_COLUMNS[:-1]}
        f |= {f"t4.{group}.{c}": v for c, v in parts.items()}
        f[f"t4.{group}.total"] = sum(parts.values())
    return f


def _legacy_figures(rng: random.Random) -> Figures:
    year: dict[str, int] = {}
    year["active.website"] = rng.randint(20, 300)
    year["active.gazette"] = _small(rng, 0.7)
    year["active.total"] = year["active.website"] + year["active.gazette"]
    for part in ("in_person", "online", "letter"):
        year[f"requests.{part}"] = _small(rng, 0.5, 30)
    year["requests.total"] = sum(year[f"requests.{p}"] for p in ("in_person", "online", "letter"))
    # Every request was answered; how, is random.
    left = year["requests.total"]
    for part in ("granted", "partial", "denied"):
        year[f"replies.{part}"] = rng.randint(0, left)
        left -= year[f"replies.{part}"]
    year["replies.other"] = left
    year["replies.total"] = year["requests.total"]
    for key in ("complaints", "reviews", "suits"):
        year[key] = _small(rng, 0.8, 12)
    f: Figures = {}
    for key, value in year.items():
        f[f"legacy.{key}"] = value
        f[f"legacy.{key}{CUMULATIVE}"] = value + rng.randint(0, 40) * (10 if key.startswith("active") else 1)
    for group, parts in (("active", ("website", "gazette")), ("requests", ("in_person", "online", "letter")),
                         ("replies", ("granted", "partial", "denied", "other"))):  # fmt: skip
        key = f"legacy.{group}.total{CUMULATIVE}"
        f[key] = sum(f[f"legacy.{group}.{p}{CUMULATIVE}"] for p in parts)
    return {k: f[k] for k in keys_of("legacy")}


def next_year_figures(prior: Figures, seed: int) -> Figures:
    """gb2021 figures for the year after `prior`: 上年结转 = last year's 结转下年度 in every column,
    现行有效 rolls forward, and last year's pending cases reappear in 表四."""
    carried = {c: prior[f"t3.carried_out.{c}"] for c in T3_PARTS}
    f = consistent_figures("gb2021", seed, carried_in=carried)  # type: ignore[arg-type]
    for row in ("regulations", "normative"):
        before = prior[f"t2.{row}.in_force"]
        f[f"t2.{row}.repealed"] = min(f[f"t2.{row}.repealed"], before)  # only what was in force can go
        if row == "regulations":  # stay single digits (see _t2_figures)
            f["t2.regulations.issued"] = min(
                f["t2.regulations.issued"], 9 - before + f["t2.regulations.repealed"]
            )
        f[f"t2.{row}.in_force"] = before + f[f"t2.{row}.issued"] - f[f"t2.{row}.repealed"]
    for group, _ in T4_GROUPS:
        short = prior[f"t4.{group}.pending"] - f[f"t4.{group}.total"]
        if short > 0:
            f[f"t4.{group}.upheld"] += short
            f[f"t4.{group}.total"] += short
    return f


# ---------------------------------------------------------------- figures the prose states


@dataclass(frozen=True)
class Statement:
    """A table figure stated in a sentence: `text` holds `{}` for the number; `readings` are the
    sums of keys the words may mean (formats.md §3, "Figures in the prose")."""

    text: str
    value: int
    readings: tuple[tuple[str, ...], ...]


def prose_statements(fmt: str, figures: Figures, *, received: str = "new") -> list[Statement]:
    """What the prose says about the tables. `received`: whether "收到申请N件" counts 本年新收
    alone ("new") or 新收 + 上年结转 ("new+carried_in"), as staff write either."""
    if fmt == "legacy":
        return [
            Statement(
                "本年度主动公开政府信息{}条", figures["legacy.active.total"], (("legacy.active.total",),)
            ),
            Statement(
                "历年累计主动公开政府信息{}条",
                figures[f"legacy.active.total{CUMULATIVE}"],
                ((f"legacy.active.total{CUMULATIVE}",),),
            ),
            Statement(
                "本年度共收到政府信息公开申请{}件",
                figures["legacy.requests.total"],
                (("legacy.requests.total",),),
            ),
        ]
    new, carried_in = figures["t3.new.total"], figures["t3.carried_in.total"]
    out = [
        Statement(
            "本年度共收到政府信息公开申请{}件",
            new + carried_in if received == "new+carried_in" else new,
            (("t3.new.total",), ("t3.new.total", "t3.carried_in.total")),
        ),
        Statement("办结{}件", figures["t3.handled.total"], (("t3.handled.total",),)),
        Statement("结转下年度继续办理{}件", figures["t3.carried_out.total"], (("t3.carried_out.total",),)),
    ]
    if fmt == "gb2021":
        out += [
            Statement(
                "本年度制发行政规范性文件{}件", figures["t2.normative.issued"], (("t2.normative.issued",),)
            ),
            Statement(
                "现行有效行政规范性文件{}件", figures["t2.normative.in_force"], (("t2.normative.in_force",),)
            ),
        ]
    return out


def _sentence(statements: list[Statement], start: int, stop: int) -> str:
    return "，".join(s.text.format(s.value) for s in statements[start:stop]) + "。"


# ---------------------------------------------------------------- the report's text


@dataclass
class _Section:
    heading: str
    paragraphs: list[str]
    table: str | None = None  # "t2", "t3", "t4" or "legacy": the table that follows the paragraphs


def _sections(fmt: str, year: int, statements: list[Statement]) -> tuple[list[str], list[_Section]]:
    """The preamble paragraphs and the six sections (plus 附表 for legacy)."""
    period = f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    if fmt == "legacy":
        preamble = [
            (
                f"本报告根据《中华人民共和国政府信息公开条例》第三十二条的要求，由{AGENCY}编制。{period}"
                "本报告中的机构、事项和数字均为测试用的虚构内容。"
            )
        ]
        return preamble, [
            _Section(
                "一、主动公开政府信息情况",
                [
                    f"{year}年，示例局通过门户网站和公开查阅点主动公开虚构的示例科技项目信息。"
                    + _sentence(statements, 0, 2)
                ],
            ),
            _Section(
                "二、依申请公开政府信息和不予公开政府信息情况",
                [_sentence(statements, 2, 3) + "示例局按规定时限作出答复，具体情况见附表。"],
            ),
            _Section("三、政府信息公开的收费及减免情况", ["本年度未收取政府信息公开相关费用，无减免情况。"]),
            _Section("四、因政府信息公开申请行政复议、提起行政诉讼的情况", ["相关情况见附表。"]),
            _Section(
                "五、政府信息公开工作存在的主要问题及改进情况",
                ["虚构的示例局在公开栏目的更新及时性方面仍有不足，下一步将明确专人负责，定期检查示例栏目。"],
            ),
            _Section("六、其他需要报告的事项", ["无其他需要报告的事项。"]),
            _Section("附表", [], table="legacy"),
        ]
    preamble = [
        (
            f"本报告根据《中华人民共和国政府信息公开条例》和政府信息公开工作年度报告格式的要求，由{AGENCY}编制。"
            f"{period}本报告中的机构、事项和数字均为测试用的虚构内容。"
        )
    ]
    active = ["示例局通过门户网站公开虚构的示例科技项目、资金和政策信息，主动公开情况见下表。"]
    if fmt == "gb2021":
        active.insert(0, _sentence(statements, 3, 5))
    other = "本年度未收取信息处理费。" if fmt == "gb2021" else "无其他需要报告的事项。"
    return preamble, [
        _Section(
            "一、总体情况",
            [
                f"{year}年，示例局围绕虚构的示例科技工作推进政务公开。",
                "依申请公开方面，" + _sentence(statements, 0, 3),
            ],
        ),
        _Section("二、主动公开政府信息情况", active, table="t2"),
        _Section(
            "三、收到和处理政府信息公开申请情况",
            ["示例局收到和处理政府信息公开申请的情况见下表。"],
            table="t3",
        ),
        _Section(
            "四、政府信息公开行政复议、行政诉讼情况",
            ["示例局政府信息公开行政复议、行政诉讼情况见下表。"],
            table="t4",
        ),
        _Section(
            "五、存在的主要问题及改进情况",
            [
                "虚构的示例局在政策解读形式方面仍较单一，下一步将丰富图解等解读形式，定期检查示例栏目更新情况。"
            ],
        ),
        _Section("六、其他需要报告的事项", [other]),
    ]


def _title(year: int) -> str:
    return f"{AGENCY}{year}年度政府信息公开工作年度报告"


def _cell(value: int | Decimal | None) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- tables as grids

# A grid cell: text, or MERGE_LEFT / MERGE_UP for a position a merged cell covers.
MERGE_LEFT, MERGE_UP = "<", "^"


def _t3_label_grid(fmt: str) -> list[list[str]]:
    """表三's three label columns as the template merges them, derived from the formats.md labels."""
    grid: list[list[str]] = []
    inside_results = False
    for rid, label in T3_ROWS[fmt]:
        parts = label.split(" ")
        if label.startswith(("一、", "二、", "四、")):
            grid.append([label, MERGE_LEFT, MERGE_LEFT])
            inside_results = False
            continue
        col0 = MERGE_UP if inside_results else parts[0]
        if parts[0].startswith("三、"):
            inside_results = True
            parts = parts[1:]
        if len(parts) == 2:  # "（三）不予公开 1.属于国家秘密": the group, then its first item
            grid.append([col0, parts[0], parts[1]])
        elif parts[0].startswith("（"):  # "（一）予以公开", "（七）总计": spans both inner columns
            grid.append([col0, parts[0], MERGE_LEFT])
        else:  # "2.其他法律行政法规禁止公开": under the group above
            grid.append([col0, MERGE_UP, parts[0]])
    return grid


def _t3_header_grid(label_columns: int) -> list[list[str]]:
    left = ["申请人情况"] + [MERGE_LEFT] * (label_columns - 1)
    return [
        left + ["自然人", "法人或其他组织"] + [MERGE_LEFT] * 4 + ["总计"],
        [MERGE_UP] * label_columns + [MERGE_UP] + [label for _, label in T3_COLUMNS[1:-1]] + [MERGE_UP],
    ]


def _t3_grid(fmt: str, figures: Figures) -> list[list[str]]:
    rows = _t3_header_grid(3)
    for (rid, _), labels in zip(T3_ROWS[fmt], _t3_label_grid(fmt)):
        rows.append(labels + [_cell(figures.get(f"t3.{rid}.{c}")) for c, _ in T3_COLUMNS])
    return rows


def _t4_grid(figures: Figures) -> list[list[str]]:
    """表四 as the template prints it: three header rows, one data row of fifteen cells."""
    columns = [label for _, label in T4_COLUMNS]
    return [
        ["行政复议"] + [MERGE_LEFT] * 4 + ["行政诉讼"] + [MERGE_LEFT] * 9,
        columns + ["未经复议直接起诉"] + [MERGE_LEFT] * 4 + ["复议后起诉"] + [MERGE_LEFT] * 4,
        [MERGE_UP] * 5 + columns + columns,
        [_cell(figures.get(k)) for k in T4_KEYS],
    ]


def _t2_grids(fmt: str, figures: Figures) -> list[list[list[str]]]:
    """表二 as one grid per 第二十条 item, each as wide as its own columns."""
    grids = []
    for title, cols, rows in T2_GROUPS[fmt]:
        grid = [[title] + [MERGE_LEFT] * len(cols), ["信息内容"] + [label for _, label in cols]]
        for row, label in rows:
            grid.append([label] + [_cell(figures.get(f"t2.{row}.{c}")) for c, _ in cols])
        grids.append(grid)
    return grids


def _legacy_grids(figures: Figures, year: int) -> list[list[list[str]]]:
    """The 附表 as seed 003 prints it, split in two tables where its page broke."""
    head = ["指标名称", "单位", f"{year}年", "历年累计"]
    body = [
        [label, unit, _cell(figures.get(f"legacy.{key}")), _cell(figures.get(f"legacy.{key}{CUMULATIVE}"))]
        for key, label, unit in LEGACY_ROWS
    ]
    return [[head] + body[:7], [["", "", "", ""]] + body[7:]]


def _flat(grid: list[list[str]]) -> list[list[str]]:
    """A grid as a simple table shows it: merged positions blank."""
    return [["" if c in (MERGE_LEFT, MERGE_UP) else c for c in row] for row in grid]


def _simple_tables(fmt: str, table: str, figures: Figures, merged_labels: bool) -> list[list[list[str]]]:
    """Tables without merged cells, for Markdown and Excel: the row label in one cell (the formats.md
    label as written), or with `merged_labels` 表三's three label columns as the template has them,
    the positions a merged label covered left blank (what Excel copies and converters write)."""
    if table == "t3" and merged_labels:
        return [_flat(_t3_grid(fmt, figures))]
    if table == "t2":
        return [_flat(g) for g in _t2_grids(fmt, figures)]
    if table == "t4":
        columns = [label for _, label in T4_COLUMNS]
        head = []
        for _, group in T4_GROUPS:
            head += [("行政复议" if group == "行政复议" else f"行政诉讼（{group}）")] + [""] * 4
        return [[head, columns * 3, [_cell(figures.get(k)) for k in T4_KEYS]]]
    header = [["申请人情况", "自然人", "法人或其他组织", "", "", "", "", "总计"],
              ["", "", *[label for _, label in T3_COLUMNS[1:-1]], ""]]  # fmt: skip
    rows = [
        [label] + [_cell(figures.get(f"t3.{rid}.{c}")) for c, _ in T3_COLUMNS] for rid, label in T3_ROWS[fmt]
    ]
    return [header + rows]


# ---------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    name: str
    fmt: str
    suffix: str
    blanks: bool = False  # staff left the zeros of 表三's 法人或其他组织 columns blank
    exact: bool = True  # every figure can be read back (False: run-together text that lost its blank cells)


def blank_zeros(figures: Figures) -> Figures:
    """表三 as many offices fill it: a 法人或其他组织 cell with nothing in it left blank, not 0."""
    organisations = tuple(f".{c}" for c in T3_PARTS[1:])
    return {
        k: None if k.startswith("t3.") and k.endswith(organisations) and v == 0 else v
        for k, v in figures.items()
    }


def figures_for(layout: str, seed: int) -> Figures:
    """The consistent figures a layout's report is rendered from (blank cells where the layout has them)."""
    figures = consistent_figures(LAYOUTS[layout].fmt, seed)
    return blank_zeros(figures) if LAYOUTS[layout].blanks else figures


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("gb2021-md", "gb2021", ".md"),
        Layout("gb2019-md", "gb2019", ".md"),
        Layout("gb2021-docx", "gb2021", ".docx"),
        Layout("gb2019-html", "gb2019", ".html"),
        Layout("gb2021-run-together", "gb2021", ".txt"),
        Layout("gb2021-excel-paste", "gb2021", ".txt"),
        Layout("legacy-md", "legacy", ".md"),
        Layout("gb2021-pdf", "gb2021", ".pdf"),
        Layout("gb2021-cell-lines", "gb2021", ".txt", blanks=True),
        Layout("gb2019-cell-lines-separators", "gb2019", ".txt"),
        Layout("gb2021-cell-lines-cr", "gb2021", ".txt", blanks=True),
        Layout("gb2021-pdf-text", "gb2021", ".txt"),
        Layout("gb2021-pdf-md", "gb2021", ".md"),
        Layout("gb2019-pdf-md", "gb2019", ".md"),
        Layout("legacy-text", "legacy", ".txt"),
        Layout("legacy-cell-lines", "legacy", ".txt"),
        Layout("gb2021-run-together-blanks", "gb2021", ".txt", blanks=True, exact=False),
    )
}


def render(
    layout: str,
    figures: Figures,
    *,
    year: int | None = None,
    statements: list[Statement] | None = None,
    received: str = "new",
    merged_labels: bool = False,
) -> bytes:
    """The report's file content. `statements` default to what `figures` say; pass the original
    report's to render a changed table under unchanged prose. `merged_labels`: for the Markdown and
    Excel layouts, 表三 with the template's three label columns (see `_simple_tables`)."""
    spec = LAYOUTS[layout]
    year = year or YEARS[spec.fmt]
    if statements is None:
        statements = prose_statements(spec.fmt, figures, received=received)
    if spec.suffix == ".docx":
        return _docx(spec.fmt, year, figures, statements)
    preamble, sections = _sections(spec.fmt, year, statements)
    if spec.suffix == ".pdf":
        return _pdf(spec.fmt, year, figures, preamble, sections)
    if spec.suffix == ".html":
        return _html(spec.fmt, year, figures, preamble, sections)
    if layout.startswith("gb2021-run-together"):
        return _run_together(spec.fmt, year, figures, preamble, sections).encode("utf-8")
    if "-cell-lines" in layout:
        style = layout.rsplit("-", 1)[1] if layout.endswith(("-separators", "-cr")) else "plain"
        return _cell_lines(spec.fmt, year, figures, preamble, sections, style).encode("utf-8")
    if layout.endswith("-pdf-text"):
        return _pdf_text(spec.fmt, year, figures, preamble, sections).encode("utf-8")
    if layout.endswith("-pdf-md"):
        return _pdf_markdown(spec.fmt, year, figures, preamble, sections).encode("utf-8")
    if layout == "legacy-text":
        return _legacy_text(year, figures, preamble, sections).encode("utf-8")
    return _text(spec, year, figures, preamble, sections, merged_labels).encode("utf-8")


def run_together(fmt: str, figures: Figures, *, year: int | None = None) -> str:
    """Any format's report as text copied from a web page (the layout `gb2021-run-together` is)."""
    year = year or YEARS[fmt]
    preamble, sections = _sections(fmt, year, prose_statements(fmt, figures))
    return _run_together(fmt, year, figures, preamble, sections)


def write_report(
    directory: Path, layout: str, figures: Figures, name: str = "report", **kwargs: object
) -> Path:
    path = directory / f"{name}{LAYOUTS[layout].suffix}"
    path.write_bytes(render(layout, figures, **kwargs))  # type: ignore[arg-type]
    return path


# Markdown (pipe tables) and a .txt report with tables pasted from Excel (tab-separated).


def _text(
    spec: Layout,
    year: int,
    figures: Figures,
    preamble: list[str],
    sections: list[_Section],
    merged_labels: bool,
) -> str:
    markdown = spec.suffix == ".md"
    lines = [f"# {_title(year)}" if markdown else _title(year), ""]
    lines += [p for para in preamble for p in (para, "")]
    for section in sections:
        lines += [f"## {section.heading}" if markdown else section.heading, ""]
        lines += [p for para in section.paragraphs for p in (para, "")]
        if section.table is None:
            continue
        if section.table == "legacy":
            tables = [_flat(g) for g in _legacy_grids(figures, year)]
        else:
            tables = _simple_tables(spec.fmt, section.table, figures, merged_labels)
        for table in tables:
            lines += (_pipe_table(table) if markdown else ["\t".join(row) for row in table]) + [""]
    return "\n".join(lines)


def _pipe_table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"

    return [line(rows[0]), "|" + "---|" * width] + [line(r) for r in rows[1:]]


# Text copied from a web page: one long line, table cells run together.


def _run_together(
    fmt: str, year: int, figures: Figures, preamble: list[str], sections: list[_Section]
) -> str:
    """Like `shared/real/*.txt`: every row's label immediately followed by its digits."""
    pieces = list(preamble)
    for section in sections:
        pieces.append(section.heading)
        pieces += section.paragraphs
        if section.table == "t2":
            for title, cols, rows in T2_GROUPS[fmt]:
                pieces.append(title + "信息内容" + "".join(label for _, label in cols))
                for row, label in rows:
                    pieces.append(label + "".join(_cell(figures.get(f"t2.{row}.{c}")) for c, _ in cols))
        elif section.table == "t3":
            pieces.append("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
            pieces.append(
                "申请人情况自然人法人或其他组织总计" + "".join(label for _, label in T3_COLUMNS[1:-1])
            )
            for rid, label in T3_ROWS[fmt]:
                pieces.append(
                    label.replace(" ", "")
                    + "".join(_cell(figures.get(f"t3.{rid}.{c}")) for c, _ in T3_COLUMNS)
                )
        elif section.table == "t4":
            columns = "".join(label for _, label in T4_COLUMNS)
            pieces.append(f"行政复议行政诉讼{columns}未经复议直接起诉复议后起诉{columns}{columns}")
            pieces.append("".join(_cell(figures.get(k)) for k in T4_KEYS))
    return _title(year) + "\n" + "".join(pieces) + "\n"


# Tables that lost their grid, as real reports are found: copied from a web page one cell per line,
# text extracted from a PDF, Markdown converted from a PDF, the legacy 附表 as plain text.


def _grid_lines(grid: list[list[str]], header_rows: int, style: str) -> list[str]:
    """A grid one cell per line, as a browser copies it: merged positions are no cells, a blank cell is
    an empty line, a header word of five characters or more is broken over two lines ("本年新" /
    "制作数量"). `style` "separators": the browser left " |" after each figure and "||" after each row;
    "plain": 表四's data row (fifteen figures) on one line, ideographic spaces between them."""
    lines: list[str] = []
    for r, row in enumerate(grid):
        cells = [text for text in row if text not in (MERGE_LEFT, MERGE_UP)]
        if style == "plain" and len(cells) == 15 and all(_is_figure(c) for c in cells):
            lines.append("\u3000".join(cells))
            continue
        for text in cells:
            if r < header_rows and len(text) >= 5 and not text.startswith("第"):
                lines += [text[:3], text[3:]]
            elif style == "separators" and text and _is_figure(text):
                lines.append(f"{text} |")
            else:
                lines.append(text)
        if style == "separators" and r >= header_rows:
            lines.append("||")
    return lines


def _cell_lines(
    fmt: str, year: int, figures: Figures, preamble: list[str], sections: list[_Section], style: str
) -> str:
    """Text copied from a web page, each table cell on a line of its own. A part's heading runs straight
    into its table (the "见下表" sentence is left out). `style` "cr": lone CRs for line breaks, doubled
    between cells, so that a blank cell is four CRs."""
    lines = [_title(year)] + ["\u3000\u3000" + p for p in preamble]
    for section in sections:
        lines.append(section.heading)
        lines += ["\u3000\u3000" + p for p in section.paragraphs if not p.endswith("见下表。")]
        if section.table == "t2":
            for grid in _t2_grids(fmt, figures):
                lines += _grid_lines(grid, 2, style)
        elif section.table == "t3":
            lines += _grid_lines(_t3_grid(fmt, figures), 2, style)
        elif section.table == "t4":
            lines += _grid_lines(_t4_grid(figures), 3, style)
        elif section.table == "legacy":
            for grid in _legacy_grids(figures, year):
                for row in grid[1:]:
                    lines += [row[0], row[1], f"{row[2]} {row[3]}"]  # label, unit, the year and 历年累计
    return ("\r\r" if style == "cr" else "\n").join(lines) + "\n"


def _wrap(text: str, width: int = 36) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _spaced(text: str) -> str:
    return " ".join(text)


def _pdf_text(fmt: str, year: int, figures: Figures, preamble: list[str], sections: list[_Section]) -> str:
    """What `pdftotext` makes of the report: lines wrapped at the page width, a page number and the
    title as running header at every page break, headings of parts with a table letter-spaced, table
    rows as their label and figures a space apart, 表三's merged "三、本年度办理结果" one character
    per line, 表四's header one word per line over its single unlabelled row of fifteen figures, and
    "第二十条 第（一）项" with a stray space."""
    body: list[str] = []
    for para in preamble:
        body += _wrap(para)
    for section in sections:
        body.append(_spaced(section.heading) if section.table else section.heading)
        for para in section.paragraphs:
            body += _wrap(para)
        if section.table == "t2":
            for title, cols, rows in T2_GROUPS[fmt]:
                body.append(title.replace("条第", "条 第"))
                body.append(" ".join(["信息内容"] + [label for _, label in cols]))
                for row, label in rows:
                    body.append(" ".join([label] + [_cell(figures.get(f"t2.{row}.{c}")) for c, _ in cols]))
        elif section.table == "t3":
            body += [
                "申请人情况",
                "自然人 法人或其他组织 总计",
                " ".join(label for _, label in T3_COLUMNS[1:-1]),
            ]
            for rid, label in T3_ROWS[fmt]:
                if label.startswith("三、"):
                    body += list("三、本年度办理结果")
                    label = label.split(" ", 1)[1]
                body.append(" ".join([label] + [_cell(figures.get(f"t3.{rid}.{c}")) for c, _ in T3_COLUMNS]))
        elif section.table == "t4":
            body += ["行政复议", "行政诉讼"] + [label for _, label in T4_COLUMNS]
            body += ["未经复议直接起诉", "复议后起诉"] + [label for _, label in T4_COLUMNS] * 2
            body.append(" ".join(_cell(figures.get(k)) for k in T4_KEYS))
    lines = [_title(year)]
    for page, start in enumerate(range(0, len(body), 28), start=1):
        if page > 1:
            lines += ["", f"- {page - 1} -" if page % 2 else f"— {page - 1} —", "", _title(year)]
        lines += body[start : start + 28]
    return "\n".join(lines) + "\n"


def _pdf_markdown(
    fmt: str, year: int, figures: Figures, preamble: list[str], sections: list[_Section]
) -> str:
    """Markdown a PDF converter writes: prose hard-wrapped, tables numbered by the document ("表3"),
    generic header rows (数据1…) with the real header row in the wrong place, a page footer between
    two rows of 表三, a row hard-wrapped in the middle of its label; 表四 as three small tables each
    named by the line above it (gb2021) or turned on its side, one row per group (gb2019)."""
    lines = [f"# {_title(year)}", ""]
    for para in preamble:
        lines += _wrap(para, 40) + [""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        for para in section.paragraphs:
            lines += _wrap(para, 40) + [""]
        if section.table == "t2":
            for n, grid in enumerate(_t2_grids(fmt, figures), start=1):
                lines += [f"表2-{n}", ""] + _generic_pipe_table(_flat(grid)[1:]) + [""]
        elif section.table == "t3":
            rows = [
                [label] + [_cell(figures.get(f"t3.{rid}.{c}")) for c, _ in T3_COLUMNS]
                for rid, label in T3_ROWS[fmt]
            ]
            header = ["申请人情况", *[label for _, label in T3_COLUMNS]]
            table = _generic_pipe_table([rows[0], header, *rows[1:]])
            wrapped = next(i for i, line in enumerate(table) if "部分公开" in line)
            head, tail = table[wrapped].split("，不计其他情形）", 1)
            table[wrapped : wrapped + 1] = [head + "，", "不计其他情形）" + tail]
            lines += (
                ["表3 收到和处理政府信息公开申请情况", ""]
                + table[:10]
                + ["", "- 2 -", ""]
                + table[10:]
                + [""]
            )
        elif section.table == "t4":
            columns = [label for _, label in T4_COLUMNS]
            if fmt == "gb2021":
                for group, name in (("review", "行政复议"), ("suit_direct", "行政诉讼（未经复议直接起诉）"),
                                    ("suit_after", "行政诉讼（复议后起诉）")):  # fmt: skip
                    values = [_cell(figures.get(f"t4.{group}.{c}")) for c, _ in T4_COLUMNS]
                    lines += [name, "", *_pipe_table([columns, values]), ""]
            else:
                rows = [["类别", *columns]] + [
                    [name] + [_cell(figures.get(f"t4.{group}.{c}")) for c, _ in T4_COLUMNS]
                    for group, name in (("review", "行政复议"), ("suit_direct", "行政诉讼（未经复议直接起诉）"),
                                        ("suit_after", "行政诉讼（复议后起诉）"))
                ]  # fmt: skip
                lines += _pipe_table(rows) + [""]
    return "\n".join(lines)


def _generic_pipe_table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    return _pipe_table([[f"数据{i}" for i in range(1, width + 1)], *rows])


def _legacy_text(year: int, figures: Figures, preamble: list[str], sections: list[_Section]) -> str:
    """The legacy 附表 typed as plain text: each row its label, its unit and its two figures on one line."""
    lines = [_title(year), ""]
    lines += [p for para in preamble for p in (para, "")]
    for section in sections:
        lines += [section.heading, ""]
        lines += [p for para in section.paragraphs for p in (para, "")]
        if section.table == "legacy":
            lines.append(f"指标名称 单位 {year}年 历年累计")
            for key, label, unit in LEGACY_ROWS:
                lines.append(
                    f"{label} {unit} {_cell(figures.get(f'legacy.{key}'))} {_cell(figures.get(f'legacy.{key}{CUMULATIVE}'))}"
                )
            lines.append("")
    return "\n".join(lines)


# Word: real tables with merged cells.
#
# python-docx takes a third of a second to build 表三's merged cells, so the document is built once
# per format and year with a placeholder in every figure's cell and sentence, and each report
# fills the placeholders in `word/document.xml`.


def _slot(name: str) -> str:
    return f"[[{name}]]"


def _docx(fmt: str, year: int, figures: Figures, statements: list[Statement]) -> bytes:
    values = {_slot(k): _cell(figures.get(k)) for k in keys_of(fmt)}
    values |= {_slot(f"s{i}"): str(s.value) for i, s in enumerate(statements)}
    template = _docx_template(fmt, year, tuple(s.text for s in statements))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                xml = re.sub(
                    r"\[\[[^\]]+\]\]", lambda m: html.escape(values[m.group(0)]), data.decode("utf-8")
                )
                data = xml.encode("utf-8")
            target.writestr(entry, data)
    return out.getvalue()


@functools.cache
def _docx_template(fmt: str, year: int, texts: tuple[str, ...]) -> bytes:
    slots = {k: _slot(k) for k in keys_of(fmt)}
    statements = [Statement(text, _slot(f"s{i}"), ()) for i, text in enumerate(texts)]  # type: ignore[arg-type]
    preamble, sections = _sections(fmt, year, statements)
    document = docx.Document()
    document.add_heading(_title(year), level=1)
    for para in preamble:
        document.add_paragraph(para)
    for section in sections:
        heading = document.add_paragraph()
        run = heading.add_run(section.heading)
        run.bold = True
        run.font.size = Pt(14)
        for para in section.paragraphs:
            document.add_paragraph(para)
        if section.table == "t2":
            for grid in _t2_grids(fmt, slots):  # type: ignore[arg-type]
                _word_table(document, grid)
        elif section.table == "t3":
            _word_table(document, _t3_grid(fmt, slots))  # type: ignore[arg-type]
        elif section.table == "t4":
            _word_table(document, _t4_grid(slots))  # type: ignore[arg-type]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _word_table(document: docx.document.Document, grid: list[list[str]]) -> None:
    width = max(len(r) for r in grid)
    table = document.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    cells = table._cells  # once: `table.cell()` walks the whole table on every call
    for top, left, bottom, right, text in _spans(grid):
        cell = cells[top * width + left]
        if (bottom, right) != (top, left):
            cell = cell.merge(cells[bottom * width + right])
        cell.text = text


def _spans(grid: list[list[str]]) -> list[tuple[int, int, int, int, str]]:
    """Each cell that holds text, with the rectangle it covers: (row, col, last row, last col, text)."""
    out = []
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text in (MERGE_LEFT, MERGE_UP):
                continue
            right = c
            while right + 1 < len(row) and row[right + 1] == MERGE_LEFT:
                right += 1
            bottom = r
            while bottom + 1 < len(grid) and grid[bottom + 1][c] == MERGE_UP:
                bottom += 1
            out.append((r, c, bottom, right, text))
    return out


# A web page: GBK, tables with rowspan/colspan.


def _html(fmt: str, year: int, figures: Figures, preamble: list[str], sections: list[_Section]) -> bytes:
    parts = [
        '<!DOCTYPE html>\n<html><head><meta charset="gbk"><title>政府信息公开年报</title></head><body>',
        '<div class="crumb">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
        f"<h1>{html.escape(_title(year))}</h1>",
    ]
    parts += [f"<p>{html.escape(p)}</p>" for p in preamble]
    for section in sections:
        parts.append(f"<p><strong>{html.escape(section.heading)}</strong></p>")
        parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
        if section.table == "t2":
            parts += [_html_table(g) for g in _t2_grids(fmt, figures)]
        elif section.table == "t3":
            parts.append(_html_table(_t3_grid(fmt, figures)))
        elif section.table == "t4":
            parts.append(_html_table(_t4_grid(figures)))
    parts.append("</body></html>\n")
    return "\n".join(parts).encode("gbk")


def _html_table(grid: list[list[str]]) -> str:
    by_row: dict[int, list[str]] = {}
    for top, left, bottom, right, text in _spans(grid):
        attrs = (f' rowspan="{bottom - top + 1}"' if bottom > top else "") + (
            f' colspan="{right - left + 1}"' if right > left else ""
        )
        by_row.setdefault(top, []).append(f"<td{attrs}>{html.escape(text)}</td>")
    rows = "".join(f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(len(grid)))
    return f'<table border="1" cellspacing="0">{rows}</table>'


# PDF: what a report exported from Word looks like to pdfplumber: A4, the body in one CJK font,
# headings larger, tables ruled on every cell (GRID) with the template's merged cells as SPANs.
#
# reportlab's built-in CID font STSong-Light needs no font file (and is not embedded: pdfplumber
# reads the text, a viewer without the font shows blanks). The font and styles are set up once;
# laying out the two pages takes ~50 ms per report. 表三 breaks across the page, as in real reports.

PDF_FONT = "STSong-Light"
_PDF_WIDTH = 17 * cm  # between the margins of an A4 page, for text and tables


@functools.cache
def _pdf_styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = ParagraphStyle(
        "body", fontName=PDF_FONT, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24
    )
    return {
        "title": ParagraphStyle(
            "title", base, fontSize=16, leading=26, alignment=1, firstLineIndent=0, spaceAfter=8
        ),
        "heading": ParagraphStyle("heading", base, fontSize=14, leading=24, firstLineIndent=0, spaceBefore=6),
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10, firstLineIndent=0),
    }


def _pdf(fmt: str, year: int, figures: Figures, preamble: list[str], sections: list[_Section]) -> bytes:
    styles = _pdf_styles()
    story: list[Flowable] = [PdfParagraph(html.escape(_title(year)), styles["title"])]
    story += [PdfParagraph(html.escape(p), styles["body"]) for p in preamble]
    for section in sections:
        story.append(PdfParagraph(html.escape(section.heading), styles["heading"]))
        story += [PdfParagraph(html.escape(p), styles["body"]) for p in section.paragraphs]
        if section.table == "t2":
            for grid in _t2_grids(fmt, figures):
                columns = len(grid[0]) - 1
                story.append(_pdf_table(grid, [6 * cm] + [(_PDF_WIDTH - 6 * cm) / columns] * columns))
        elif section.table == "t3":
            story.append(_pdf_table(_t3_grid(fmt, figures), [2.2 * cm, 2.6 * cm, 5.3 * cm] + [1 * cm] * 7))
        elif section.table == "t4":
            story.append(_pdf_table(_t4_grid(figures), [_PDF_WIDTH / 15] * 15))
    out = io.BytesIO()
    margin = (A4[0] - _PDF_WIDTH) / 2
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=_title(year), author=AGENCY, invariant=True,
    )  # fmt: skip
    document.build(story)
    return out.getvalue()


def _pdf_table(grid: list[list[str]], widths: list[float]) -> PdfTable:
    """A ruled table; a cell's text wraps inside it, a merged cell is a SPAN over the positions it covers."""
    cell = _pdf_styles()["cell"]
    data = [
        ["" if text in (MERGE_LEFT, MERGE_UP) else text if _is_figure(text) else PdfParagraph(html.escape(text), cell)
         for text in row]
        for row in grid
    ]  # fmt: skip
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("FONT", (0, 0), (-1, -1), PDF_FONT, 8),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [
        ("SPAN", (c, r), (right, bottom))
        for r, c, bottom, right, _ in _spans(grid)
        if (bottom, right) != (r, c)
    ]
    table = PdfTable(data, colWidths=widths, spaceBefore=4, spaceAfter=8)
    table.setStyle(TableStyle(commands))
    return table


def _is_figure(text: str) -> bool:
    """A figure is drawn as a plain string in the table's font: a Paragraph in each cell would take half
    the build time."""
    return bool(re.fullmatch(r"-?[\d.]*", text))
