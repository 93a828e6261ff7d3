"""Figures said in a chat message, placed: table cells, prose figures and the marks they fill.

Three readings, each for what the others cannot take:
- a cell named the way the official table names it ("表三法律服务机构一栏的予以公开是1", "行政复议的维持改为2"):
  the row and column words of `schema`, a number with or without a measure word;
- sentences ("本年新收申请12件，其中自然人10件、商业企业2件"): the figures reader that reads `--figures`
  (`given_figures.read_figures_text`), so the chat and a figures file understand the same words;
- what is left names a prose figure or a mark of the draft by its label ("政策解读这一项填16",
  "主动公开政府信息185条", "文号填示科办〔2025〕3号").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportassist.errors import InputError
from reportassist.given_figures import read_figures_text
from reportassist.given_figures.values import ValueProblem, read_number, read_value
from reportassist.markers import Mark, find_marks
from reportassist.model import Draft, ReportFormat, Value
from reportassist.schema import T3_COLUMNS, T4_COLUMNS, label_of, tables_for

__all__ = ["VERB", "Placed", "TextFill", "cell_keys", "mark_for", "normalise", "place_values"]

# The verbs staff put between a name and its value.
VERB = r"(?:改为|改成|修改为|更正为|调整为|应当为|应为|应是|应该是|填写为|填为|填成|填上|填入|填|写为|写成|为|是|=|：|:)"
_NUMBER = r"[-−]?\d+(?:,\d{3})*(?:\.\d+)?"
_ASSIGN = re.compile(
    rf"^(?P<name>.*?[^\d\s])\s*{VERB}?\s*(?P<num>{_NUMBER})\s*(?P<unit>万元|元|[\u4e00-\u9fff]{{0,2}})\s*$"
)
_CLAUSE = re.compile(r"[，,；;。\n]")
_LEAD = re.compile(r"^(?:请|麻烦)?(?:把|将)?\s*")
_FILLER = re.compile(r"(?:这一?项|这一?栏|一栏|一项|一格|这个数|的数字|的数|数值|的值)$")
_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def normalise(message: str) -> str:
    """Full-width digits, point and percent sign as staff may type them, made plain; Chinese punctuation kept."""
    return message.translate(_WIDTH).strip()


@dataclass(frozen=True)
class TextFill:
    """A 【待核实】 mark to replace by the staff's words."""

    place: str
    mark: str
    value: str


@dataclass
class Placed:
    figures: dict[str, Value | None] = field(default_factory=dict)
    prose: dict[str, Value] = field(default_factory=dict)
    fills: list[TextFill] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # in Chinese: what could not be placed and why

    @property
    def empty(self) -> bool:
        return not (self.figures or self.prose or self.fills)


def place_values(message: str, draft: Draft) -> Placed:
    """Everything the message gives a value for, and what it could not place."""
    assert draft.meta.format is not None
    placed = Placed()
    sentences: list[str] = []
    for clause in _clauses(normalise(message)):
        if _fill_mark(clause, draft, placed):
            continue
        m = _ASSIGN.match(_LEAD.sub("", clause))
        if m is not None and not re.search(r"\d", m.group("name")):
            name = _FILLER.sub("", m.group("name")).strip()
            if _cell(name, m.group("num"), draft.meta.format, placed):
                continue
        if m is not None and not m.group("unit"):
            _unit_less(clause, m, draft, placed)
        elif re.search(r"\d", clause):
            sentences.append(clause)
    if sentences:
        _read_sentences(_for_reader("，".join(sentences)), draft, placed)
    _complete_rows(placed, draft.meta.format)
    return placed


def _complete_rows(placed: Placed, fmt: ReportFormat) -> None:
    """ "本年新收申请12件，其中自然人10件、商业企业2件": parts that make the total say the row's other cells are 0."""
    for spec in tables_for(fmt):
        for row in spec.rows:
            total = next((k for k in row.keys if k.endswith(".total")), None)
            parts = [k for k in row.keys if k != total]
            given = [k for k in parts if placed.figures.get(k) is not None]
            if total is None or placed.figures.get(total) is None or not given:
                continue
            if sum(placed.figures[k] for k in given) == placed.figures[total]:  # type: ignore[misc]
                for key in parts:
                    placed.figures.setdefault(key, 0)


def _clauses(text: str) -> list[str]:
    """The message cut at its punctuation, with a list of parts ("其中自然人10件、商业企业2件") kept with its total."""
    clauses: list[str] = []
    for piece in _CLAUSE.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if clauses and re.match(r"^(?:其中|分别为|分别是|包括)", piece):
            clauses[-1] += "，" + piece
        else:
            clauses.append(piece)
    return clauses


# ---------------------------------------------------------------- 【待核实】 marks


def _fill_mark(clause: str, draft: Draft, placed: Placed) -> bool:
    """ "文号填示科办〔2025〕3号": the value of a 【待核实：文号…】 mark, where the draft has exactly one."""
    marks = [
        (place, m) for place, section in draft.places() for m in find_marks(section.text) if m.kind == "check"
    ]
    for label in dict.fromkeys(m.label for _, m in marks):
        m = re.match(rf"^{_LEAD.pattern}{re.escape(label)}\s*{VERB}\s*(?P<value>.+)$", clause)
        if m is None or len(label) > 12:
            continue
        same = [(place, mark) for place, mark in marks if mark.label == label]
        if len(same) > 1:
            shown = "；".join(f"“{mark.was or mark.text}”" for _, mark in same[:6])
            placed.unplaced.append(
                f"草稿中有 {len(same)} 处待核实的{label}（上年分别为 {shown}），请说明改哪一处，"
                f"例如：把“{same[0][1].was or label}”改为“……”"
            )
            return True
        place, mark = same[0]
        placed.fills.append(TextFill(place, mark.text, m.group("value").strip("“”\"' ")))
        return True
    return False


# ---------------------------------------------------------------- cells named as the template names them


def _cell(name: str, number: str, fmt: ReportFormat, placed: Placed) -> bool:
    """A table figure named as the template names it; False when `name` names no single cell."""
    keys = cell_keys(name, fmt)
    if len(keys) > 1:  # a cell named loosely: say which it might be, never read it as something else
        options = "；".join(label_of(k) for k in keys[:4])
        placed.unplaced.append(f"“{name}”可以指表格中的几个数字（{options}），请说得更具体些")
        return True
    if not keys:
        return False
    key = keys[0]
    spec = next(t for t in tables_for(fmt) if key in t.keys)
    try:
        placed.figures[key] = read_value(
            number, amount=key in spec.amount_keys, signed=key in spec.signed_keys
        )
    except ValueProblem as problem:
        placed.unplaced.append(f"“{name}{number}”：数值{problem.reason}")
    return True


_COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "issued": ("本年制发", "制发", "印发"),
    "repealed": ("本年废止", "废止"),
    "in_force": ("现行有效",),
    "decisions": ("处理决定",),
    "amount": ("收费金额", "采购总金额", "金额"),
    "made": ("新制作",),
    "published": ("新公开",),
    "total_public": ("对外公开总数",),
    "prior_count": ("上一年项目数",),
    "change": ("本年增/减", "增减", "增/减"),
    "projects": ("采购项目数",),
    "upheld": ("结果维持", "维持"),
    "corrected": ("结果纠正", "纠正"),
    "pending": ("尚未审结", "未审结"),
}
# Shorter names staff use for 表三's rows (the template's own words are the rows' patterns in `schema`).
_ROW_WORDS = {
    "t3.new.natural": r"本年新收政府信息公开申请数量|本年新收|新收",
    "t3.carried_in.natural": r"上年结转",
    "t3.carried_out.natural": r"结转下一?年度?",
    "t3.handled.natural": r"（七）总计|\(七\)总计|办理结果总计|办结总数|总计|合计",
}
_T4_GROUP_WORDS = (
    ("suit_after", ("复议后起诉",)),
    ("suit_direct", ("未经复议", "直接起诉")),
    ("review", ("行政复议", "复议")),
)


def cell_keys(name: str, fmt: ReportFormat) -> list[str]:
    """The table keys `name` may mean when it names a row (and a column) the way the template does."""
    name = _FILLER.sub("", name)
    table = re.search(r"表([二三四])|附表", name)
    found: list[str] = []
    for spec in tables_for(fmt):
        if table is not None and table.group(0) not in (
            "表" + {"t2": "二", "t3": "三", "t4": "四"}.get(spec.id, ""),
            "附表",
        ):
            continue
        if spec.id == "t4":
            found += _t4_keys(name)
            continue
        if spec.id in ("t2", "t3") and re.search("复议|诉讼", name):
            continue  # 表四's words: no row of 表二 or 表三
        rows = [
            (row, m) for row in spec.rows if (m := re.search(_ROW_WORDS.get(row.keys[0], row.pattern), name))
        ]
        if len(rows) > 1:  # "上年结转的总计", "“其他”列": a column's name, not the （七）总计 or 3.其他 row
            rows = [(row, m) for row, m in rows if not _names_a_column(name, m)]
        for row, row_match in rows:
            rest = name[: row_match.start()] + " " + name[row_match.end() :]
            columns = [k for k in row.keys if _names_column(rest, k.rsplit(".", 1)[1], spec.id)]
            if len(row.keys) == 1:
                found.append(row.keys[0])
            elif len(columns) == 1:
                found.append(columns[0])
            elif not columns and spec.id == "t3":
                found.append(f"t3.{row.id}.total")
    return list(dict.fromkeys(found))


def _names_a_column(name: str, row_match: re.Match[str]) -> bool:
    """A row's word that is also a column's (总计, 合计, 其他) names the column unless "行" follows it."""
    if row_match.group(0) not in ("总计", "合计", "其他"):
        return False
    return not name[row_match.end() :].lstrip('”"’ ').startswith("行")


def _names_column(text: str, column: str, table: str) -> bool:
    if table == "t3":
        label = dict(T3_COLUMNS)[column]
        return label in text if column != "total" else bool(re.search("总计|合计|总数", text))
    return any(word in text for word in _COLUMN_WORDS.get(column, ()))


def _t4_keys(name: str) -> list[str]:
    groups = next(([group] for group, words in _T4_GROUP_WORDS if any(word in name for word in words)), [])
    if not groups and "诉讼" in name:
        groups = ["suit_direct", "suit_after"]  # 行政诉讼 alone: staff are asked which
    columns = [c for c, _ in T4_COLUMNS if c != "total" and _names_column(name, c, "t4")]
    if "其他结果" in name:
        columns.append("other")
    column = columns[0] if len(columns) == 1 else "total" if not columns else None
    return [f"t4.{group}.{column}" for group in groups] if column else []


# ---------------------------------------------------------------- sentences and labels


def _for_reader(text: str) -> str:
    """The message as a sentence the figures reader takes: "X改为13件" says "X13件"."""
    text = re.sub(r"(?:请|麻烦)?(?:把|将)", "", text)
    return re.sub(rf"{VERB}\s*(?=[-−]?\d)", "", text)


def _read_sentences(text: str, draft: Draft, placed: Placed) -> None:
    assert draft.meta.format is not None
    try:
        given = read_figures_text(text, draft.meta.year)
    except InputError as exc:
        placed.unplaced.append(exc.reason)
        return
    placed.figures.update(given.figures)
    for label, value in given.prose.items():
        if not _cell(label, str(value), draft.meta.format, placed):
            _prose(label, value, draft, placed)
    placed.unplaced += [f"“{u.text}”：{u.reason}" for u in given.unplaced]


def _unit_less(clause: str, m: re.Match[str], draft: Draft, placed: Placed) -> None:
    """ "表三法律服务机构一栏的予以公开是1", "政策解读这一项填16": a name and a number without a measure word."""
    assert draft.meta.format is not None
    name = _FILLER.sub("", m.group("name")).strip()
    if _cell(name, m.group("num"), draft.meta.format, placed):
        return
    try:
        _prose(name, read_number(m.group("num")), draft, placed)
    except ValueProblem as problem:
        placed.unplaced.append(f"“{clause}”：数值{problem.reason}")


def _prose(label: str, value: Value, draft: Draft, placed: Placed) -> None:
    """A prose figure of the draft, found by its label."""
    target = _match_label(label, _prose_labels(draft))
    if target is None:
        placed.unplaced.append(
            f"“{label}{value}”：草稿中没有叫这个名字的数字；请用表格中的名称（如“表三予以公开”）"
            "或草稿中【待填：…】里的名称"
        )
    elif isinstance(target, list):
        options = "、".join(f"“{t}”" for t in target[:6])
        placed.unplaced.append(f"“{label}”可以指 {options}，请说得更具体些")
    else:
        placed.prose[target] = value


def _prose_labels(draft: Draft) -> list[str]:
    """The labels of the draft's prose figures: those still to fill first (the chat mostly fills them)."""
    open_labels = [m.label for _, s in draft.places() for m in find_marks(s.text) if m.kind == "fill"]
    return list(dict.fromkeys([*open_labels, *(p.label for p in draft.prose_origins)]))


def _match_label(said: str, labels: list[str]) -> str | list[str] | None:
    """The one label `said` names: the same, else the only one containing it or contained in it."""
    said = said.strip()
    if said in labels:
        return said
    near = [label for label in labels if said and (said in label or (len(label) >= 2 and label in said))]
    if len(near) == 1:
        return near[0]
    return near or None


def mark_for(old: str, marks: list[Mark]) -> Mark | None:
    """The mark whose remembered value is `old` (staff quote last year's 文号 to replace its mark)."""
    found = [m for m in marks if m.was is not None and old in m.was]
    return found[0] if len(found) == 1 else None
