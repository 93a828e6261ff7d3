"""The official shapes: canonical sections, the tables of each format, their keys and their sums.

One source of truth for the readers (which rows to look for, how to split run-together digits),
the validator (which sums must hold) and, later, the drafter and exporters (what to render).
Keys and formats are those of `formats.md`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportassist.model import ReportFormat

__all__ = [
    "BALANCE_NOTE",
    "CLAIMS",
    "CUMULATIVE",
    "FORMAT_NAMES",
    "LEGACY_HEADER",
    "PARTS",
    "REQUIRED_SECTIONS",
    "SECTIONS",
    "T2_2019",
    "T2_2021",
    "T2_CONTENT",
    "T2_ITEMS",
    "T3_2019",
    "T3_2021",
    "T3_COLUMNS",
    "T3_CORNER",
    "T3_ORGANISATIONS",
    "T4",
    "T4_COLUMNS",
    "T4_GROUPS",
    "TABLES",
    "TABLE_HEADER_WORDS",
    "TABLE_NAMES",
    "TABLE_SECTIONS",
    "CellName",
    "Claim",
    "Constraint",
    "CrossYear",
    "RowSpec",
    "TableSpec",
    "constraints_for",
    "cross_year_relations",
    "format_for_year",
    "keys_for",
    "label_of",
    "name_of",
    "t4_group_parts",
    "tables_for",
]

# Canonical sections: id -> Chinese name used in messages.
SECTIONS: dict[str, str] = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
    "fees": "政府信息公开的收费及减免情况",
    "appendix": "附表",
}

# The six parts of the 2019 and 2021 formats, in their order.
PARTS: tuple[str, ...] = ("overview", "active", "requests", "review", "problems", "other")

# Each official table's short name, and the canonical section it belongs after.
TABLE_NAMES: dict[str, str] = {"t2": "表二", "t3": "表三", "t4": "表四", "legacy": "附表"}
TABLE_SECTIONS: dict[str, str] = {"t2": "active", "t3": "requests", "t4": "review", "legacy": "appendix"}

REQUIRED_SECTIONS: dict[ReportFormat, tuple[str, ...]] = {
    # 2008 条例 第三十二条: six contents; the overview is customary, not required.
    "legacy": ("active", "requests", "fees", "review", "problems", "other"),
    "gb2019": ("overview", "active", "requests", "review", "problems", "other"),
    "gb2021": ("overview", "active", "requests", "review", "problems", "other"),
}


FORMAT_NAMES = {
    "legacy": "旧版格式（2008 年条例第三十二条）",
    "gb2019": "2019 年版格式（国办公开办函〔2019〕60号）",
    "gb2021": "2021 年版格式（国办公开办函〔2021〕30号）",
}


def format_for_year(year: int) -> ReportFormat:
    if year <= 2018:
        return "legacy"
    if year <= 2020:
        return "gb2019"
    return "gb2021"


@dataclass(frozen=True)
class RowSpec:
    """One row of an official table.

    `pattern` finds the row's label (a regular expression); `prefix` is its numbering in the
    template ("1.", "（一）", "一、"), which bounds the digits of the row before it when a table
    was copied as run-together text. `keys` are the canonical keys of its cells, left to right.
    """

    id: str
    label: str
    pattern: str
    keys: tuple[str, ...]
    prefix: str = ""
    column_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Constraint:
    """sum(left) == sum(right); `rule` is the validator rule that checks it."""

    rule: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    where: str  # Chinese: which row/column, for messages

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right

    def sides(self, values: Mapping[str, Any]) -> tuple[Any, Any] | None:
        """Σ left and Σ right when every operand is known (a blank is absent, not 0); None otherwise."""
        left = right = 0
        for key in self.left:
            if (value := values.get(key)) is None:
                return None
            left += value
        for key in self.right:
            if (value := values.get(key)) is None:
                return None
            right += value
        return left, right

    def holds(self, values: Mapping[str, Any]) -> bool | None:
        """Whether the sum holds; None when an operand is absent."""
        sides = self.sides(values)
        return None if sides is None else sides[0] == sides[1]

    def known_sums(self, values: Mapping[str, Any]) -> tuple[Any, Any]:
        """Σ of the known operands of each side (for solving an unknown one)."""
        return (
            sum(v for k in self.left if (v := values.get(k)) is not None),
            sum(v for k in self.right if (v := values.get(k)) is not None),
        )


@dataclass(frozen=True)
class TableSpec:
    id: str  # "t2", "t3", "t4", "legacy"
    title: str
    formats: tuple[ReportFormat, ...]
    rows: tuple[RowSpec, ...]
    constraints: tuple[Constraint, ...] = field(default_factory=tuple)
    signed_keys: frozenset[str] = frozenset()  # may be negative (gb2019 本年增/减)
    amount_keys: frozenset[str] = frozenset()  # decimals (万元)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for row in self.rows for k in row.keys)


# ---------------------------------------------------------------- 表三

T3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)

_N = r"[.．、]"
_T3_ROWS_COMMON_HEAD: tuple[tuple[str, str, str, str], ...] = (
    # id, label, prefix, pattern
    ("new", "一、本年新收政府信息公开申请数量", r"一、", r"本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量", r"二、", r"上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果 （一）予以公开", r"（一）", r"予以公开"),
    (
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        r"（二）",
        r"部分公开(?:[（(][^）)]*[）)])?",
    ),
    ("denied.secret", "（三）不予公开 1.属于国家秘密", r"1" + _N, r"属于国家秘密"),
    ("denied.law", "2.其他法律行政法规禁止公开", r"2" + _N, r"其他法律行政法规禁止公开"),
    ("denied.safety", "3.危及“三安全一稳定”", r"3" + _N, r"危及[“\"]?三安全一稳定[”\"]?"),
    ("denied.third_party", "4.保护第三方合法权益", r"4" + _N, r"保护第三方合法权益"),
    ("denied.internal", "5.属于三类内部事务信息", r"5" + _N, r"属于三类内部事务信息"),
    ("denied.process", "6.属于四类过程性信息", r"6" + _N, r"属于四类过程性信息"),
    ("denied.enforcement", "7.属于行政执法案卷", r"7" + _N, r"属于行政执法案卷"),
    ("denied.query", "8.属于行政查询事项", r"8" + _N, r"属于行政查询事项"),
    ("unable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息", r"1" + _N, r"本机关不掌握相关政府信息"),
    ("unable.must_create", "2.没有现成信息需要另行制作", r"2" + _N, r"没有现成信息需要另行制作"),
    ("unable.unclear", "3.补正后申请内容仍不明确", r"3" + _N, r"补正后申请内容仍不明确"),
    ("rejected.petition", "（五）不予处理 1.信访举报投诉类申请", r"1" + _N, r"信访举报投诉类申请"),
    ("rejected.repeat", "2.重复申请", r"2" + _N, r"重复申请"),
    ("rejected.publication", "3.要求提供公开出版物", r"3" + _N, r"要求提供公开出版物"),
    ("rejected.massive", "4.无正当理由大量反复申请", r"4" + _N, r"无正当理由大量反复申请"),
    (
        "rejected.confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        r"5" + _N,
        r"要求行政机关确认或重新出具已获取信息",
    ),
)
_T3_ROWS_2021_OTHER = (
    (
        "other.no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"1" + _N,
        r"申请人无正当理由逾期不补正[、，,]?行政机关不再处理其政府信息公开申请",
    ),
    (
        "other.no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"2" + _N,
        r"申请人逾期未按收费通知要求缴纳费用[、，,]?行政机关不再处理其政府信息公开申请",
    ),
    ("other.other", "3.其他", r"3" + _N, r"其他(?![\u4e00-\u9fff])"),
)
_T3_ROWS_2019_OTHER = (("other", "（六）其他处理", r"（六）", r"其他处理"),)
_T3_ROWS_TAIL = (
    ("handled", "（七）总计", r"（七）", r"总计"),
    ("carried_out", "四、结转下年度继续办理", r"四、", r"结转下年度继续办理"),
)

_T3_DISPOSAL_2021 = (
    "granted", "partial",
    "denied.secret", "denied.law", "denied.safety", "denied.third_party",
    "denied.internal", "denied.process", "denied.enforcement", "denied.query",
    "unable.not_held", "unable.must_create", "unable.unclear",
    "rejected.petition", "rejected.repeat", "rejected.publication", "rejected.massive", "rejected.confirm",
)  # fmt: skip


def _t3_table(fmt: ReportFormat) -> TableSpec:
    other_rows = _T3_ROWS_2021_OTHER if fmt == "gb2021" else _T3_ROWS_2019_OTHER
    raw_rows = _T3_ROWS_COMMON_HEAD + other_rows + _T3_ROWS_TAIL
    cols = tuple(c for c, _ in T3_COLUMNS)
    col_labels = tuple(label for _, label in T3_COLUMNS)
    rows = tuple(
        RowSpec(
            id=rid,
            label=label,
            pattern=pattern,
            prefix=prefix,
            keys=tuple(f"t3.{rid}.{c}" for c in cols),
            column_labels=col_labels,
        )
        for rid, label, prefix, pattern in raw_rows
    )
    labels = {rid: label for rid, label, _, _ in raw_rows}
    disposal = _T3_DISPOSAL_2021 + tuple(r[0] for r in other_rows)
    constraints: list[Constraint] = []
    for rid, _, _, _ in raw_rows:
        constraints.append(
            Constraint(
                "t3.row_total",
                tuple(f"t3.{rid}.{c}" for c in cols[:-1]),
                (f"t3.{rid}.total",),
                f"表三“{_short(labels[rid])}”行",
            )
        )
    for col, col_label in T3_COLUMNS:
        constraints.append(
            Constraint(
                "t3.handled_total",
                tuple(f"t3.{rid}.{col}" for rid in disposal),
                (f"t3.handled.{col}",),
                f"表三“{col_label}”列",
            )
        )
        constraints.append(
            Constraint(
                "t3.balance",
                (f"t3.new.{col}", f"t3.carried_in.{col}"),
                (f"t3.handled.{col}", f"t3.carried_out.{col}"),
                f"表三“{col_label}”列",
            )
        )
    return TableSpec(
        id="t3",
        title="表三 收到和处理政府信息公开申请情况",
        formats=(fmt,),
        rows=rows,
        constraints=tuple(constraints),
    )


def _short(label: str) -> str:
    """'（二）部分公开（区分处理的…）' -> '（二）部分公开'; '（三）不予公开 1.属于国家秘密' -> '1.属于国家秘密'."""
    label = label.split("（区分")[0]
    return label.split(" ")[-1]


# ---------------------------------------------------------------- 表四

T4_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼（未经复议直接起诉）"),
    ("suit_after", "行政诉讼（复议后起诉）"),
)
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


def _t4_table(formats: tuple[ReportFormat, ...]) -> TableSpec:
    cols = tuple(c for c, _ in T4_COLUMNS)
    col_labels = tuple(label for _, label in T4_COLUMNS)
    # The template's single data row holds all three groups: one RowSpec, fifteen keys.
    row = RowSpec(
        id="all",
        label="行政复议 / 行政诉讼",
        pattern=r"结果维持",
        keys=tuple(f"t4.{g}.{c}" for g, _ in T4_GROUPS for c in cols),
        column_labels=tuple(f"{gl}·{cl}" for _, gl in T4_GROUPS for cl in col_labels),
    )
    constraints = tuple(
        Constraint(
            "t4.group_total", tuple(f"t4.{g}.{c}" for c in cols[:-1]), (f"t4.{g}.total",), f"表四“{gl}”"
        )
        for g, gl in T4_GROUPS
    )
    return TableSpec(
        id="t4",
        title="表四 政府信息公开行政复议、行政诉讼情况",
        formats=formats,
        rows=(row,),
        constraints=constraints,
    )


# ---------------------------------------------------------------- 表二


def _t2_rows(rows: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]) -> tuple[RowSpec, ...]:
    return tuple(
        RowSpec(
            id=rid,
            label=label,
            pattern=pattern,
            keys=tuple(f"t2.{rid}.{c}" for c, _ in cols),
            column_labels=tuple(cl for _, cl in cols),
        )
        for rid, label, pattern, cols in rows
    )


_C2021_DOCS = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
_C2021_DECISIONS = (("decisions", "本年处理决定数量"),)
T2_2021 = TableSpec(
    id="t2",
    title="表二 主动公开政府信息情况",
    formats=("gb2021",),
    rows=_t2_rows(
        (
            ("regulations", "规章", r"规章", _C2021_DOCS),
            ("normative", "行政规范性文件", r"(?:行政)?规范性文件", _C2021_DOCS),
            ("licensing", "行政许可", r"行政许可", _C2021_DECISIONS),
            ("penalty", "行政处罚", r"行政处罚", _C2021_DECISIONS),
            ("coercion", "行政强制", r"行政强制", _C2021_DECISIONS),
            ("fees", "行政事业性收费", r"行政事业性收费", (("amount", "本年收费金额（单位：万元）"),)),
        )
    ),
    amount_keys=frozenset({"t2.fees.amount"}),
)

_C2019_DOCS = (
    ("made", "本年新制作数量"),
    ("published", "本年新公开数量"),
    ("total_public", "对外公开总数量"),
)
_C2019_ITEMS = (("prior_count", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))
T2_2019 = TableSpec(
    id="t2",
    title="表二 主动公开政府信息情况",
    formats=("gb2019",),
    rows=_t2_rows(
        (
            ("regulations", "规章", r"规章", _C2019_DOCS),
            ("normative", "规范性文件", r"(?:行政)?规范性文件", _C2019_DOCS),
            ("licensing", "行政许可", r"行政许可", _C2019_ITEMS),
            ("other_services", "其他对外管理服务事项", r"其他对外管理服务事项", _C2019_ITEMS),
            ("penalty", "行政处罚", r"行政处罚", _C2019_ITEMS),
            ("coercion", "行政强制", r"行政强制", _C2019_ITEMS),
            ("fees", "行政事业性收费", r"行政事业性收费", _C2019_ITEMS[:2]),
            (
                "procurement",
                "政府集中采购",
                r"政府集中采购",
                (("projects", "采购项目数量"), ("amount", "采购总金额")),
            ),
        )
    ),
    signed_keys=frozenset(
        f"t2.{r}.change" for r in ("licensing", "other_services", "penalty", "coercion", "fees")
    ),
    amount_keys=frozenset({"t2.procurement.amount"}),
)

# ---------------------------------------------------------------- legacy 附表

_LEGACY_ROWS = (
    ("active.total", "主动公开文件数", r"主动公开(?:政府)?(?:信息|文件)(?:总)?(?:条)?数"),
    ("active.website", "政府网站公开数", r"(?:政府)?网站公开(?:信息)?数"),
    ("active.gazette", "政府公报公开数", r"政府公报公开(?:信息)?数"),
    ("requests.total", "受理政府信息公开申请总数", r"(?:受理|收到)(?:政府信息公开)?申请(?:总)?数"),
    ("requests.in_person", "当面申请数", r"当面(?:提出)?申请数"),
    ("requests.online", "网上申请数", r"网(?:上|络)(?:提出)?申请数"),
    ("requests.letter", "信函、传真申请数", r"信函[、，,]?\s*传真(?:等)?申请数"),
    ("replies.total", "对申请的答复总数", r"(?:对申请的?)?答复(?:总数|数合计)"),
    ("replies.granted", "同意公开答复数", r"(?<![部分不])同意公开(?:答复)?数"),
    ("replies.partial", "同意部分公开答复数", r"同意部分公开(?:答复)?数"),
    ("replies.denied", "不予公开答复数", r"(?:不予|不同意)公开(?:答复)?数"),
    ("replies.other", "其他类型答复数", r"其他类型(?:答复)?数"),
    ("complaints", "接受行政申诉、举报数", r"(?:接受)?行政申诉[、，,]?\s*举报数"),
    ("reviews", "行政复议数", r"行政复议数"),
    ("suits", "行政诉讼数", r"行政诉讼数"),
)
LEGACY = TableSpec(
    id="legacy",
    title="附表 政府信息公开情况统计表",
    formats=("legacy",),
    rows=tuple(
        RowSpec(id=rid, label=label, pattern=pattern, keys=(f"legacy.{rid}",), column_labels=("本年",))
        for rid, label, pattern in _LEGACY_ROWS
    ),
    constraints=(
        Constraint(
            "legacy.replies_total",
            tuple(f"legacy.replies.{p}" for p in ("granted", "partial", "denied", "other")),
            ("legacy.replies.total",),
            "附表“对申请的答复总数”",
        ),
    ),
)

T3_2021 = _t3_table("gb2021")
T3_2019 = _t3_table("gb2019")
T4 = _t4_table(("gb2019", "gb2021"))

TABLES: dict[ReportFormat, tuple[TableSpec, ...]] = {
    "legacy": (LEGACY,),
    "gb2019": (T2_2019, T3_2019, T4),
    "gb2021": (T2_2021, T3_2021, T4),
}

CUMULATIVE = "@cumulative"

# ---------------------------------------------------------------- the templates' header texts

BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_CORNER = "申请人情况"
T3_ORGANISATIONS = "法人或其他组织"
T2_CONTENT = "信息内容"
LEGACY_HEADER = ("指标名称", "本年", "历年累计")

# 表二 rows by 第二十条 item (国办公开办函〔2019〕60号 and 〔2021〕30号).
T2_ITEMS = {
    "regulations": "第二十条第（一）项",
    "normative": "第二十条第（一）项",
    "licensing": "第二十条第（五）项",
    "other_services": "第二十条第（五）项",
    "penalty": "第二十条第（六）项",
    "coercion": "第二十条第（六）项",
    "fees": "第二十条第（八）项",
    "procurement": "第二十条第（九）项",
}


def t4_group_parts(label: str) -> tuple[str, str]:
    """表四's group labels: '行政诉讼（未经复议直接起诉）' -> ('行政诉讼', '未经复议直接起诉')."""
    head, _, sub = label.partition("（")
    return head, sub.rstrip("）")


# Header text of the tables: what a table copied from a web page leaves in the prose around its figures.
TABLE_HEADER_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            BALANCE_NOTE,
            T3_CORNER,
            T3_ORGANISATIONS,
            T2_CONTENT,
            *T2_ITEMS.values(),
            *(label for _, label in T3_COLUMNS),
            *(label for _, label in T4_COLUMNS),
            *(part for _, label in T4_GROUPS for part in t4_group_parts(label) if part),
        },
        key=lambda word: (-len(word), word),
    )
)


def tables_for(fmt: ReportFormat) -> tuple[TableSpec, ...]:
    return TABLES[fmt]


def keys_for(fmt: ReportFormat) -> tuple[str, ...]:
    return tuple(k for t in TABLES[fmt] for k in t.keys)


def constraints_for(fmt: ReportFormat) -> tuple[Constraint, ...]:
    return tuple(c for t in TABLES[fmt] for c in t.constraints)


@dataclass(frozen=True)
class CellName:
    """A figure's place in Chinese: table, row and column as the template names them."""

    table: str
    row: str
    column: str

    @property
    def full(self) -> str:
        if self.table == "表四":
            return f"表四“{self.row}”的“{self.column}”"
        if self.table == "附表":
            return f"附表“{self.row}”" + ("历年累计" if self.column == "历年累计" else "")
        return f"{self.table}“{self.row}”行“{self.column}”列"


def _build_names() -> dict[str, CellName]:
    names: dict[str, CellName] = {}
    for specs in TABLES.values():
        for spec in specs:
            for row in spec.rows:
                for key, col in zip(row.keys, row.column_labels):
                    if spec.id == "t4":
                        group, column = col.split("·")
                        names[key] = CellName("表四", group, column)
                    elif spec.id == "legacy":
                        names[key] = CellName("附表", row.label, "本年")
                        names[key + CUMULATIVE] = CellName("附表", row.label, "历年累计")
                    else:
                        names[key] = CellName("表二" if spec.id == "t2" else "表三", _short(row.label), col)
    return names


_NAMES = _build_names()


def name_of(key: str) -> CellName:
    return _NAMES.get(key) or CellName("", key, "")


def label_of(key: str) -> str:
    """Chinese name of a figure key, for messages: 表三“（一）予以公开”行“自然人”列."""
    return name_of(key).full if key in _NAMES else key


# ---------------------------------------------------------------- what last year's report fixes for this year


@dataclass(frozen=True)
class CrossYear:
    """this year's `key` = Σ last year's `prior_plus` + Σ this year's `plus` − Σ this year's `minus`.

    Said once: the drafter derives `key` from it, and the validator checks it with `rule` (a rule of
    `RULES`; None for a relation only the drafter uses). `formats` are the (last year's, this year's)
    formats it holds between; `note` is added to the validator's message, in Chinese.
    """

    rule: str | None
    key: str
    prior_plus: tuple[str, ...]
    formats: frozenset[tuple[ReportFormat, ReportFormat]]
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    note: str = ""

    @property
    def this_keys(self) -> tuple[str, ...]:
        return self.plus + self.minus

    def expected(self, prior: Mapping[str, object], this: Mapping[str, object]) -> Any:
        """This year's `key` as the relation gives it; None when an operand is absent."""
        values = [prior.get(k) for k in self.prior_plus] + [this.get(k) for k in self.this_keys]
        if any(v is None for v in values):
            return None
        added = sum(values[: len(self.prior_plus) + len(self.plus)])  # type: ignore[arg-type]
        return added - sum(values[len(self.prior_plus) + len(self.plus) :])  # type: ignore[arg-type]

    def formula(self, last: str, prior: Mapping[str, object], this: Mapping[str, object]) -> str:
        """ "上年报告X 3 + 本年Y 2 − 本年Z 1", in the template's Chinese names, for messages and provenance."""
        terms = [f"{last}{label_of(k)} {prior.get(k)}" for k in self.prior_plus]
        terms += [f"本年{label_of(k)} {this.get(k)}" for k in self.plus]
        text = " + ".join(terms)
        return text + "".join(f" − 本年{label_of(k)} {this.get(k)}" for k in self.minus)


_GB_PAIRS = frozenset({(a, b) for a in ("gb2019", "gb2021") for b in ("gb2019", "gb2021")})


def _cross_year() -> tuple[CrossYear, ...]:
    relations = [
        CrossYear("cross_year.carried_in", f"t3.carried_in.{col}", (f"t3.carried_out.{col}",), _GB_PAIRS)
        for col, _ in T3_COLUMNS
    ]
    relations += [
        CrossYear(
            "cross_year.in_force",
            f"t2.{row}.in_force",
            (f"t2.{row}.in_force",),
            frozenset({("gb2021", "gb2021")}),
            plus=(f"t2.{row}.issued",),
            minus=(f"t2.{row}.repealed",),
            note="如有清理、失效等其他变化，请在正文中说明。",
        )
        for row in ("regulations", "normative")
    ]
    relations += [
        CrossYear(
            "cross_year.gb2019_items",
            f"t2.{row}.prior_count",
            (f"t2.{row}.prior_count", f"t2.{row}.change"),
            frozenset({("gb2019", "gb2019")}),
        )
        for row in ("licensing", "other_services", "penalty", "coercion", "fees")
    ]
    relations += [
        CrossYear(
            None,
            f"{key}{CUMULATIVE}",
            (f"{key}{CUMULATIVE}",),
            frozenset({("legacy", "legacy")}),
            plus=(key,),
        )
        for key in LEGACY.keys
    ]
    return tuple(relations)


CROSS_YEAR = _cross_year()


def cross_year_relations(prior_fmt: ReportFormat | None, fmt: ReportFormat | None) -> tuple[CrossYear, ...]:
    """The relations between a report in `prior_fmt` and the next year's in `fmt`."""
    return tuple(r for r in CROSS_YEAR if (prior_fmt, fmt) in r.formats)


# ---------------------------------------------------------------- claims the figures decide


@dataclass(frozen=True)
class Claim:
    """A statement in words whose truth the tables decide: "无依申请公开信件" is false when 表三 has new applications.

    `words` must match the clause (a regular expression), `topic` the sentence, and `not_words` must not
    match the clause. The claim holds when the sum of `keys` is 0 (`holds` "zero") or more than 0
    ("positive"); with no keys the figures cannot decide it ("review": kept, listed for staff to check).
    `says` is what the sentence states, in Chinese; `rewrite` names the sentence template in
    prompts/draft/claims/ that states this year's figures instead.
    """

    id: str
    words: str
    topic: str
    keys: tuple[str, ...]
    holds: str
    says: str
    formats: tuple[ReportFormat, ...] = ("gb2019", "gb2021")
    not_words: str | None = None
    rewrite: str | None = None


_NONE = r"(?:无|没有|未|并未|从未|尚无|暂无|零)"
_SUITS = ("t4.suit_direct", "t4.suit_after")
_PENDING = ("t4.review.pending", "t4.suit_direct.pending", "t4.suit_after.pending")
# Words that make a "none" about 复议/诉讼 something else than their number: their outcome, 表四's group
# "未经复议直接起诉", or a count said in figures (compared with the table as a figure).
_OUTCOME = r"纠错|纠正|败诉|撤销|确认违法|维持|责任追究|追责|未经复议|\d"
# What a report calls the 信息处理费: "信息公开处理费", "收费", or, in a sentence about it, "费用".
_FEE = r"(?:处理费|收费|(?<!经)费用)"

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "no_applications",
        rf"{_NONE}(?:收到|受理|接到|接收|发生|出现)?(?:任何|相关)?[^，,。；;]{{0,4}}(?:依申请公开|政府信息公开申请|公开申请)|零申请",
        r"申请",
        ("t3.new.total",),
        "zero",
        "没有收到政府信息公开申请",
        not_words=r"复议|诉讼|不予|无法|无正当",
        rewrite="applications",
    ),
    Claim(
        "no_applications",
        rf"{_NONE}(?:收到|受理|接到|接收|发生|出现)?(?:任何|相关)?[^，,。；;]{{0,4}}(?:依申请公开|政府信息公开申请|公开申请)",
        r"申请",
        ("legacy.requests.total",),
        "zero",
        "没有收到政府信息公开申请",
        formats=("legacy",),
        not_words=r"复议|诉讼|不予|无法|无正当",
    ),
    Claim(
        "no_reviews",
        rf"{_NONE}[^，,。；;]{{0,20}}复议",
        r"复议",
        ("t4.review.total",),
        "zero",
        "没有政府信息公开行政复议",
        not_words=_OUTCOME,
        rewrite="cases",
    ),
    Claim(
        "no_suits",
        rf"{_NONE}[^，,。；;]{{0,24}}诉讼",
        r"诉讼",
        tuple(f"{g}.total" for g in _SUITS),
        "zero",
        "没有政府信息公开行政诉讼",
        not_words=_OUTCOME,
        rewrite="cases",
    ),
    Claim(
        "no_reviews",
        rf"{_NONE}[^，,。；;]{{0,20}}复议",
        r"复议",
        ("legacy.reviews",),
        "zero",
        "没有政府信息公开行政复议",
        formats=("legacy",),
        not_words=_OUTCOME,
    ),
    Claim(
        "no_suits",
        rf"{_NONE}[^，,。；;]{{0,24}}诉讼",
        r"诉讼",
        ("legacy.suits",),
        "zero",
        "没有政府信息公开行政诉讼",
        formats=("legacy",),
        not_words=_OUTCOME,
    ),
    Claim(
        "cases_closed",
        r"均已(?:结案|审结)|全部(?:结案|审结)|已全部(?:结案|审结)",
        r"复议|诉讼",
        _PENDING,
        "zero",
        "行政复议、行政诉讼案件均已审结",
        rewrite="pending",
    ),
    Claim(
        "cases_pending",
        r"尚未审结|未审结|尚在审理|正在审理|审理中",
        r"复议|诉讼",
        _PENDING,
        "positive",
        "有尚未审结的行政复议、行政诉讼案件",
        not_words=r"\d|无|没有|均已|全部",
        rewrite="cases",
    ),
    Claim(
        "applications_closed",
        r"均已办结|全部办结|已全部办结|办结率(?:为|达到?)?\s*100\s*[%％]",
        r"申请",
        ("t3.carried_out.total",),
        "zero",
        "政府信息公开申请均已办结",
        not_words=r"复议|诉讼|提案|建议|信访",
        rewrite="applications",
    ),
    Claim(
        "no_denials",
        rf"{_NONE}(?:出现|作出)?[^，,。；;]{{0,4}}不予公开",
        r"申请|公开",
        tuple(f"t3.denied.{r}.total" for r in ("secret", "law", "safety", "third_party", "internal", "process", "enforcement", "query")),
        "zero",
        "没有不予公开的申请",
        rewrite="applications",
    ),
    Claim(
        "in_time",
        r"(?:均|全部|都)(?:在|于)?法定(?:期限|时限)内|按时答复|按期答复|及时答复率(?:为|达到?)?\s*100",
        r"申请|答复",
        (),
        "review",
        "申请均在法定期限内答复",
        not_words=r"提案|建议|信访",
    ),
    Claim(
        "no_admin_fees",
        rf"{_NONE}(?:收取)?[^，,。；;]{{0,4}}行政事业性收费",
        r"收费",
        ("t2.fees.amount",),
        "zero",
        "没有行政事业性收费",
        formats=("gb2021",),
    ),
    Claim(
        "no_processing_fee",
        # "未收取信息公开处理费", "不存在收费情况", "未收取任何费用", "免收信息处理费"; "收取信息处理费0元", "信息处理费收费0次"
        rf"(?:{_NONE}|不存在|不涉及|不收取|免收)[^，,。；;]{{0,12}}?{_FEE}|{_FEE}[^，,。；;]{{0,6}}?(?<![\d.])0(?:\.0+)?\s*(?:万?元|次|件|笔)?(?![\d.])",
        r"费",
        (),
        "review",
        "没有收取信息处理费",
        not_words=r"行政事业性|收费通知|缴纳",
    ),
)  # fmt: skip
