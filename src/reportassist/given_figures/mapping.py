"""Figures files in design.md's shape (YAML or JSON): year, agency, figures {key: value}, prose {label: value}.

Values are kept as written (the YAML scalar's text, the JSON number's digits), so "1,234", "87.35"
and "/" are read by one set of rules (`values.read_value`) whatever the file's syntax made of them.
YAML entries are placed by line number; JSON ones by their key, with the occurrence where a key repeats.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reportassist.errors import InputError
from reportassist.given_figures.collect import Collector
from reportassist.given_figures.keys import FORMATS, key_set
from reportassist.given_figures.values import ValueProblem, is_absent, read_year

__all__ = ["Entry", "MappingDoc", "looks_like_mapping", "parse_json", "parse_yaml", "read_mapping"]

_SECTIONS = ("year", "agency", "figures", "prose")
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Entry:
    """One `name: value` of the file; `raw` is the value as written, None for null."""

    name: str
    raw: str | None
    place: str


@dataclass
class MappingDoc:
    year: int | None = None
    agency: str | None = None
    figures: list[Entry] = field(default_factory=list)
    prose: list[Entry] = field(default_factory=list)
    extra: list[Entry] = field(default_factory=list)


def looks_like_mapping(text: str) -> bool:
    """True for pasted text that is a figures file rather than a table or sentences."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return True
    return any(re.match(rf"^{name}\s*:", line) for line in text.splitlines() for name in ("figures", "prose"))


# ---------------------------------------------------------------- YAML


def parse_yaml(text: str, path: Path | None) -> MappingDoc:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        where = f"第{line}行附近" if line else None
        raise InputError(
            "YAML 格式有误，请检查冒号、缩进和引号（可参照 figures-template 生成的文件）。",
            path=path,
            place=where,
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 格式有误：{exc}。", path=path) from exc
    if root is None:
        raise InputError("文件里没有内容。", path=path)
    if not isinstance(root, yaml.MappingNode):
        raise InputError(_SHAPE_MESSAGE, path=path)
    return _doc([_yaml_item(k, v) for k, v in root.value], path)


def _yaml_item(key: yaml.Node, value: yaml.Node) -> _Item:
    children: list[Entry] | None = None
    if isinstance(value, yaml.MappingNode):
        children = [
            Entry(name=_yaml_text(k), raw=_yaml_raw(v), place=f"{_line(k)}“{_yaml_text(k)}”")
            for k, v in value.value
        ]
    elif isinstance(value, yaml.ScalarNode) and value.tag == _NULL_TAG:
        children = []
    return _Item(name=_yaml_text(key), place=_line(key), raw=_yaml_raw(value), children=children)


def _line(node: yaml.Node) -> str:
    return f"第{node.start_mark.line + 1}行"


def _yaml_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "（非文字项目名）"


def _yaml_raw(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == _NULL_TAG else str(node.value)
    return "（列表）" if isinstance(node, yaml.SequenceNode) else "（多项内容）"


# ---------------------------------------------------------------- JSON


class _Object(list[tuple[str, object]]):
    """A JSON object as its pairs in order, so that a repeated key is seen."""


def parse_json(text: str, path: Path | None) -> MappingDoc:
    try:
        root = json.loads(text, object_pairs_hook=_Object, parse_float=str, parse_int=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON 格式有误：{exc.msg}。", path=path, place=f"第{exc.lineno}行第{exc.colno}列"
        ) from exc
    if not isinstance(root, _Object):
        raise InputError(_SHAPE_MESSAGE, path=path)
    return _doc([_json_item(name, value) for name, value in root], path)


def _json_item(name: str, value: object) -> _Item:
    children: list[Entry] | None = None
    if isinstance(value, _Object):
        seen: Counter[str] = Counter()
        children = []
        for key, item in value:
            seen[key] += 1
            nth = f"第{seen[key]}次出现的" if seen[key] > 1 else ""
            children.append(Entry(name=key, raw=_json_raw(item), place=f"“{name}”中{nth}“{key}”"))
    elif value is None:
        children = []
    return _Item(name=name, place=f"“{name}”", raw=_json_raw(value), children=children)


def _json_raw(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Object):
        return "（多项内容）"
    if isinstance(value, list):
        return "（列表）"
    return str(value)


# ---------------------------------------------------------------- both

_SHAPE_MESSAGE = "内容应为 year、agency、figures、prose 几项（figures 下每行“项目名: 数值”），可用 figures-template 生成样板。"


@dataclass(frozen=True)
class _Item:
    """A top-level item of either syntax; `children` are its entries where it is a mapping (or empty)."""

    name: str
    place: str
    raw: str | None
    children: list[Entry] | None


def _doc(items: list[_Item], path: Path | None) -> MappingDoc:
    doc = MappingDoc()
    years: list[tuple[int, str]] = []
    for item in items:
        if item.name in ("figures", "prose"):
            if item.children is None:
                raise InputError(f"“{item.name}”下面应是“名称: 数值”的若干行。", path=path, place=item.place)
            (doc.figures if item.name == "figures" else doc.prose).extend(item.children)
        elif item.name == "year":
            if item.raw is None:
                continue
            try:
                years.append((read_year(item.raw), item.place))
            except ValueProblem as problem:
                raise InputError(f"year 的值{problem.reason}。", path=path, place=item.place) from None
        elif item.name == "agency":
            doc.agency = item.raw.strip() if item.raw and item.children is None else None
        else:
            doc.extra.append(Entry(name=item.name, raw=item.raw, place=item.place))
    different = [(y, where) for y, where in years if y != years[0][0]]
    if different:
        raise InputError(
            f"year 前后不一致：{years[0][1]}为 {years[0][0]}，{different[0][1]}为 {different[0][0]}。",
            path=path,
        )
    doc.year = years[0][0] if years else None
    return doc


def read_mapping(doc: MappingDoc, out: Collector) -> None:
    """Hand the file's figures to `out`: known keys as figures, the rest as unplaced with a hint."""
    for entry in doc.figures:
        if entry.name in out.keys:
            out.table(entry.name, entry.raw, entry.place)
            continue
        reason, near = out.keys.unknown_reason(entry.name)
        out.unplaced(f"{entry.name}: {entry.raw if entry.raw is not None else ''}", entry.place, reason, near)
    for entry in doc.prose:
        if entry.raw is None or is_absent(entry.raw):
            continue  # left empty in the template: not given
        out.prose(entry.name, entry.raw, entry.place)
    for entry in doc.extra:
        if any(entry.name in key_set(f) for f in FORMATS):
            reason = "这是表格数字的项目名，应写在“figures:”下面"
        else:
            reason = f"不认识的项目；文件中可用的是 {'、'.join(_SECTIONS)}"
        out.unplaced(f"{entry.name}: {entry.raw if entry.raw is not None else ''}", entry.place, reason)
