"""Last year's sentences made this year's: years rolled, figures replaced or left to fill, the unknowable flagged.

What happens to each thing in a prior report's text:
- a year that means the report year, the year before it or the year after it (publication, plans) moves
  forward by the gap between the two reports; older years are history and stay;
- the statistics period's dates (1月1日, 12月31日) move with their year; any other date of those years, a
  文号 of the report year or the next (示科办〔2024〕3号) and the title of such a document (《…工作要点（2024年）》)
  cannot be known for the new year: they become 【待核实：…（上年：…）】;
- a figure stated in the prose (`parsing.prose`) takes this year's value when the staff's figures give it (by
  its label), when the table figures give it (the sentence reads as a table figure, `parsing.readings`), or
  when it is a running total (累计) of a figure given beside it; otherwise it becomes
  【待填：label（上年：value）】. No figure of last year stays silently. The label (`parsing.labels`) names the
  quantity in words staff can say; `ProseValues.labels` keeps it unique within the draft, so the text, the
  provenance, `figures-template` and the chat all use the one label;
- contact details (电话, 传真, 邮编, 地址, 网址, 邮箱) are kept: they are carried, with that reason; but a web
  address with one of those years in it (last year's report's own page) is flagged like a 文号.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from reportassist.drafting.derive import STAFF_DETAIL
from reportassist.markers import check_mark, fill_mark
from reportassist.model import FigureOrigin, ProseFigure, ReportFormat, Value
from reportassist.parsing.labels import LabelBook, figure_label
from reportassist.parsing.prose import extract_prose_figures, find_breakdowns
from reportassist.parsing.readings import readings_for
from reportassist.parsing.splitting import parse_value
from reportassist.schema import T3_COLUMNS
from reportassist.units import MEASURE, MULTIPLIERS, NOT_COUNTED, alternation

__all__ = ["ProseValues", "RollContext", "Rolled", "roll_text"]

_CONTACT = re.compile(
    r"(?:联系电话|电话|传真|邮编|邮政编码|通讯地址|地址|电子邮箱|邮箱|网址)\s*[:：]?\s*[^，。；;）)\n]+"
    r"|https?://[A-Za-z0-9./?&=_%#:~+\-]+|www\.[A-Za-z0-9./\-]+|[A-Za-z0-9.+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.]+"
    r"|(?<!\d)\d{3,4}[-－]\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"
)
_URL_YEAR = re.compile(r"(?<!\d)(20\d\d)")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}[〔\[［]\s*(\d{4})\s*[〕\]］]\s*\d+\s*号")
_TITLE = re.compile(
    r"《[^《》\n]{1,80}》(?:\s*[（(][^（）()\n]{0,30}[〔\[［]\s*\d{4}\s*[〕\]］][^（）()\n]{0,10}[）)])?"
)
_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(?<![\d.〔\[［])(\d{4})(?=\s*(?:年|[-—–~～至到]\s*\d{4}\s*年))")
_NUMBER_AT = re.compile(r"\d+(?:\.\d+)?\s*(?:余|多)?")
# Any other number followed by a measure word (“政策明白卡”12张) that the prose reader does not know;
# a number followed by other words is a name (12345便民服务热线, 农技110), not a count.
_COUNTED = alternation([*(u for u in MEASURE if u not in NOT_COUNTED), *MULTIPLIERS])
_OTHER_NUMBER = re.compile(
    rf"(?<![\d.A-Za-z])(?P<num>\d+(?:\.\d+)?)(?![\d.])\s*(?:余|多)?(?=\s*(?:{_COUNTED}))"
)
_QUOTED = re.compile(r"“[^”\n]{0,16}”")
_MEASURE = re.compile(rf"\s*(?:{_COUNTED})")
_CLAUSE_START = re.compile(r"[，,。；;：:！？!?\n（()）]")
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?\n（(、]")
_PREFIX = re.compile(r"(?:近|约|超过|逾)\s*$")
_PERIOD_BOUNDS = {(1, 1), (12, 31)}
_LIST_START = re.compile(r"(?:其中|分别为|分别是|包括)[，,：:\s]*")
# A part of a breakdown that names an applicant type (表三's columns; 其他 as 其他组织, 其他申请人…).
_APPLICANT = re.compile("|".join(name for _, name in T3_COLUMNS[:-1]))


@dataclass(frozen=True)
class ProseValues:
    """This year's values a prose figure may take."""

    by_label: Mapping[str, Value]  # from the staff's figures (`prose:` in the figures file)
    tables: Mapping[str, Value | None]  # this year's table figures, given or derived
    prior_tables: Mapping[str, Value | None]  # last year's, to tell which reading last year's sentence used
    fmt: ReportFormat  # this year's format (the readings of a sentence depend on it)
    prior_fmt: ReportFormat | None
    source: str  # where by_label came from, for provenance
    staff: Mapping[str, Value] = field(default_factory=dict)  # said by staff in the chat; before by_label
    # The labels the draft has given so far, shared by every text rolled for it (a peer's too).
    labels: LabelBook = field(default_factory=LabelBook, compare=False, repr=False)

    def given(self, label: str, prior: Value | None) -> tuple[Value, FigureOrigin] | None:
        """This year's value of the prose figure `label` where staff gave it, with its origin."""
        if label in self.staff:
            return self.staff[label], FigureOrigin(
                kind="staff", detail=f"{STAFF_DETAIL}“{label}”", prior=prior
            )
        if label in self.by_label:
            detail = f"本年数据（{self.source}）“{label}”"
            return self.by_label[label], FigureOrigin(kind="given", detail=detail, prior=prior)
        return None


@dataclass(frozen=True)
class RollContext:
    prior_year: int
    year: int
    values: ProseValues
    was: str = "上年"  # how a placeholder names the text's own value: 上年, or 参考 for a peer's text

    @property
    def shift(self) -> int:
        return self.year - self.prior_year

    def rolls(self, year: int) -> bool:
        """A year that moves: the report year, the one before (comparisons) and after (publication, plans)."""
        return self.prior_year - 1 <= year <= self.prior_year + 1

    def is_document_year(self, year: int) -> bool:
        """A 文号 or a document title of this year belongs to last year's work: the report year or the next."""
        return self.prior_year <= year <= self.prior_year + 1


@dataclass
class Rolled:
    text: str
    figures: list[tuple[str, FigureOrigin]] = field(
        default_factory=list
    )  # (label, origin) of each prose figure
    flagged: list[str] = field(default_factory=list)  # what was marked 【待核实】
    carried: list[str] = field(default_factory=list)  # contact details kept as they were


Edit = tuple[int, int, str]


def roll_text(text: str, ctx: RollContext, section: str | None = None) -> Rolled:
    """`text` (one section's own text, or a heading) rewritten for the report year of `ctx`."""
    rolled = Rolled(text="")
    edits: list[Edit] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in taken)

    def edit(start: int, end: int, replacement: str) -> None:
        edits.append((start, end, replacement))
        taken.append((start, end))

    for m in _CONTACT.finditer(text):
        if m.group(0).startswith(("http", "www")) and any(
            ctx.rolls(int(y)) for y in _URL_YEAR.findall(m.group(0))
        ):
            # the address of last year's report (…/202302/t20230220_…htm): this year's is not known yet
            edit(*m.span(), check_mark("网址", ctx.was, m.group(0)))
            rolled.flagged.append(m.group(0))
            continue
        taken.append(m.span())
        rolled.carried.append(m.group(0))
    for m in _TITLE.finditer(text):
        years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", m.group(0))]
        if free(*m.span()) and any(ctx.is_document_year(y) for y in years):
            edit(*m.span(), check_mark("文件名称", ctx.was, m.group(0)))
            rolled.flagged.append(m.group(0))
    for m in _DOC_NUMBER.finditer(text):
        if free(*m.span()) and ctx.is_document_year(int(m.group(1))):
            edit(*m.span(), check_mark("文号", ctx.was, m.group(0)))
            rolled.flagged.append(m.group(0))
    for m in _DATE.finditer(text):
        year, month, day = (int(g) for g in m.groups())
        if not free(*m.span()):
            continue
        if not ctx.rolls(year):
            taken.append(m.span())  # a date in the past stays as it is
        elif (month, day) in _PERIOD_BOUNDS:
            edit(*m.span(1), str(year + ctx.shift))
            taken.append(m.span())
        else:
            edit(*m.span(), check_mark("日期", ctx.was, m.group(0)))
            rolled.flagged.append(m.group(0))
    for m in _YEAR.finditer(text):
        if free(*m.span()) and ctx.rolls(int(m.group(1))):
            edit(*m.span(), str(int(m.group(1)) + ctx.shift))
    _figures(text, ctx, section, free, edit, rolled)
    _other_numbers(text, ctx, section, free, edit, rolled)

    out = text
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    rolled.text = out
    return rolled


def _figures(
    text: str,
    ctx: RollContext,
    section: str | None,
    free: Callable[[int, int], bool],
    edit: Callable[[int, int, str], None],
    rolled: Rolled,
) -> None:
    figures = extract_prose_figures(text, [(0, len(text), section or "")], [], label=figure_label)
    labels = [ctx.values.labels.claim(f.label, f.value, f.unit, section) for f in figures]
    found: dict[int, tuple[Value, FigureOrigin]] = {}
    for index, figure in enumerate(figures):
        known = {i: v for i, (v, _) in found.items()}
        result = _this_year(figure, index, figures, labels, known, ctx) or _rate(
            text, figure, index, figures, known, ctx, edit
        )
        if result is not None:
            found[index] = result
    rebuilt = _rebuild_breakdowns(text, figures, labels, found, ctx, free, edit, rolled)
    for index, figure in enumerate(figures):
        number = _NUMBER_AT.match(text, figure.position)
        if number is None or index in rebuilt:
            continue
        start, end = figure.position, number.end()
        prefix = _PREFIX.search(text, 0, start)
        if prefix is not None:
            start = prefix.start()
        if not free(start, end):
            continue  # inside a contact detail or a flagged title
        if index in found:
            value, origin = found[index]
            edit(start, end, _show(value))
        else:
            shown = text[start:end].strip()
            edit(start, end, fill_mark(labels[index], ctx.was, shown))
            origin = FigureOrigin(
                kind="placeholder", detail=f"{ctx.was}：{shown}{figure.unit}", prior=figure.value
            )
        rolled.figures.append((labels[index], origin))


_RISE, _FALL = "增长|增加|上升|提高|提升", "减少|下降|降低|回落"
_CHANGE = re.compile(rf"同比(?P<verb>{_RISE}|{_FALL})|(?P<verb2>{_RISE}|{_FALL})了?$")


def _rate(
    text: str,
    figure: ProseFigure,
    index: int,
    figures: list[ProseFigure],
    known: dict[int, Value],
    ctx: RollContext,
    edit: Callable[[int, int, str], None],
) -> tuple[Value, FigureOrigin] | None:
    """A percentage the figures give: 办结率 = 办结 ÷ (新收 + 上年结转), and 同比增长/减少 X% of the figure
    before it in the sentence, from last year's value and this year's (the verb turned when the change is)."""
    if figure.unit != "%" or figure.approximate:
        return None
    tables = ctx.values.tables
    if "办结率" in figure.clause and ctx.values.fmt != "legacy":
        handled, new, carried = (tables.get(f"t3.{row}.total") for row in ("handled", "new", "carried_in"))
        if None in (handled, new, carried) or not (new or carried):
            return None
        rate = _percent(Decimal(handled) / (Decimal(new) + Decimal(carried)))  # type: ignore[arg-type]
        detail = f"= 办结 {handled} ÷（新收 {new} + 上年结转 {carried}）× 100%"
        return rate, FigureOrigin(kind="derived", detail=detail, prior=figure.value)
    before = index - 1
    said = text[max(0, figure.position - 12) : figure.position]
    change = _CHANGE.search(said.rstrip())
    if change is None or before < 0 or before not in known or figures[before].sentence != figure.sentence:
        return None
    was, now = figures[before].value, known[before]
    if not was:
        return None
    ratio = (Decimal(now) - Decimal(was)) / Decimal(was)  # type: ignore[arg-type]
    verb = change.group("verb") or change.group("verb2")
    rising = re.fullmatch(_RISE, verb) is not None
    if ratio and (ratio > 0) != rising:  # last year's 增长 is this year's 减少
        start = figure.position - len(said) + said.rfind(verb)
        edit(start, start + len(verb), "减少" if rising else "增长")
    detail = f"= （本年 {now} − 上年 {was}）÷ 上年 {was} × 100%（“{figures[before].label}”）"
    return _percent(abs(ratio)), FigureOrigin(kind="derived", detail=detail, prior=figure.value)


def _percent(ratio: Decimal) -> Value:
    """A ratio as a percentage to one decimal place; a whole percentage as an int."""
    value = (ratio * 100).quantize(Decimal("0.1"))
    return int(value) if value == value.to_integral_value() else value


def _rebuild_breakdowns(
    text: str,
    figures: list[ProseFigure],
    labels: list[str],
    found: dict[int, tuple[Value, FigureOrigin]],
    ctx: RollContext,
    free: Callable[[int, int], bool],
    edit: Callable[[int, int, str], None],
    rolled: Rolled,
) -> set[int]:
    """“申请40件，其中自然人29件、商业企业7件…”: a list of applicant types under a 表三 total is written anew
    from 表三's row, every column that is not 0, when this year's parts no longer make the total (a column
    that was 0 last year is not) or a part has no value this year ("其他组织申请【待填】件")."""
    rebuilt: set[int] = set()
    for breakdown in find_breakdowns(text, figures):
        total = figures[breakdown.total]
        row = _t3_row(total, ctx.values) if breakdown.total in found else None
        if row is None or not all(_APPLICANT.search(figures[i].clause) for i in breakdown.parts):
            continue
        if any(ctx.values.tables.get(f"t3.{row}.{column}") is None for column, _ in T3_COLUMNS):
            continue
        if all(i in found for i in breakdown.parts):
            parts_now = sum(found[i][0] for i in breakdown.parts)  # type: ignore[misc]
            if parts_now == found[breakdown.total][0]:
                continue
        marker = _LIST_START.search(text, total.position, figures[breakdown.parts[0]].position)
        last = figures[breakdown.parts[-1]]
        unit_end = text.find(last.unit, last.position) + len(last.unit)
        if marker is None or unit_end < len(last.unit) or not free(marker.end(), unit_end):
            continue
        items = []
        for column, name in T3_COLUMNS[:-1]:
            value = ctx.values.tables.get(f"t3.{row}.{column}")
            if value:
                items.append(f"{name}{_show(value)}{total.unit}")
        edit(marker.end(), unit_end, "、".join(items))
        for index in breakdown.parts:
            detail = f"表三“{row}”行各列（上年的分项与本年不同，按表格重写）"
            origin = FigureOrigin(kind="derived", detail=detail, prior=figures[index].value)
            rolled.figures.append((labels[index], origin))
            rebuilt.add(index)
    return rebuilt


def _t3_row(total: ProseFigure, values: ProseValues) -> str | None:
    """The 表三 row whose total this figure states this year ("new" for 新收…), if it is one."""
    reading = _reading(total, values)
    if reading is None or len(reading) != 1:
        return None
    match = re.fullmatch(r"t3\.([a-z_.]+)\.total", reading[0])
    return match.group(1) if match else None


def _other_numbers(
    text: str,
    ctx: RollContext,
    section: str | None,
    free: Callable[[int, int], bool],
    edit: Callable[[int, int, str], None],
    rolled: Rolled,
) -> None:
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    for m in _OTHER_NUMBER.finditer(text):
        start, end = m.span()
        if not free(start, end) or any(a <= start < b for a, b in quoted):
            continue
        if text[:start].rstrip().endswith("第"):
            continue  # an ordinal
        unit = text[end : end + 1]
        prior = parse_value(m.group("num"))
        label = ctx.values.labels.claim(_other_label(text, start, end), prior, unit, section)
        if (found := ctx.values.given(label, prior)) is not None:
            value, origin = found
            edit(start, end, _show(value))
        else:
            edit(start, end, fill_mark(label, ctx.was, f"{m.group(0).strip()}{unit}"))
            origin = FigureOrigin(
                kind="placeholder", detail=f"{ctx.was}：{m.group(0).strip()}{unit}", prior=prior
            )
        rolled.figures.append((label, origin))


def _other_label(text: str, start: int, end: int) -> str:
    """The label of a number the prose reader does not know ("编制“政策明白卡”12张"), made from its clause."""
    clause_start = max((m.end() for m in _CLAUSE_START.finditer(text, 0, start)), default=0)
    after = _CLAUSE_END.search(text, end)
    clause = text[clause_start : after.start() if after else len(text)]
    measure = _MEASURE.match(text, end)
    unit, unit_end = (measure.group(0).strip(), measure.end()) if measure else ("", end)
    return figure_label(clause, start - clause_start, unit_end - clause_start, unit)


def _this_year(
    figure: ProseFigure,
    index: int,
    figures: list[ProseFigure],
    labels: list[str],
    known: dict[int, Value],
    ctx: RollContext,
) -> tuple[Value, FigureOrigin] | None:
    values = ctx.values
    if (found := values.given(labels[index], figure.value)) is not None:
        return found
    reading = _reading(figure, values)
    if reading is not None:
        value = sum(values.tables[k] for k in reading)  # type: ignore[misc]
        names = "+".join(reading)
        return value, FigureOrigin(kind="derived", detail=f"= 本年表格 {names}", prior=figure.value)
    if "累计" in figure.clause:
        # "主动公开政府信息163条，历年累计1482条": last year's running total + this year's figure beside it
        for j in range(index - 1, -1, -1):
            other = figures[j]
            if other.sentence != figure.sentence:
                break
            if other.unit == figure.unit and "累计" not in other.clause and j in known:
                value = figure.value + known[j]  # type: ignore[operator]
                detail = f"= 上年累计 {figure.value} + 本年“{labels[j]}” {known[j]}"
                return value, FigureOrigin(kind="derived", detail=detail, prior=figure.value)
    return None


def _reading(figure: ProseFigure, values: ProseValues) -> tuple[str, ...] | None:
    """The table figures this sentence states this year: the reading last year's sentence used, else the first."""
    if figure.approximate:
        return None  # "400余条" is no table figure's exact value
    readings = readings_for(figure, values.fmt)
    usable = [r for r in readings if all(values.tables.get(k) is not None for k in r)]
    if not usable:
        return None
    if values.prior_fmt == values.fmt:
        for reading in usable:
            before = [values.prior_tables.get(k) for k in reading]
            if all(v is not None for v in before) and sum(before) == figure.value:  # type: ignore[arg-type]
                return reading
    return usable[0]


def _show(value: Value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
