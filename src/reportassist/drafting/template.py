"""`figures-template`: a figures file (YAML) for staff to fill in for the report year.

It lists every table key of the year's format with its Chinese name and last year's value, the figures
that follow from last year's report already filled in and marked 推算, and every figure of last year's
prose that the draft will ask for, under the very label the draft uses (so a filled file fills the draft).
It is built by drafting once without any of this year's figures: what that draft leaves to fill is
exactly what the file asks for.
"""

from __future__ import annotations

import json

from reportassist.drafting.assemble import DraftInputs, assemble_draft
from reportassist.model import Draft, FigureOrigin, Report, Value
from reportassist.schema import FORMAT_NAMES, label_of, tables_for

__all__ = ["figures_template"]


def figures_template(prior: Report, year: int, agency: str | None = None) -> str:
    draft = assemble_draft(DraftInputs(prior=prior, year=year, agency=agency, figures_source="上年报告推算"))
    assert draft.meta.format is not None
    lines = [
        f"# {draft.meta.agency} {year} 年度政府信息公开工作年度报告：本年数据",
        f"# 格式：{FORMAT_NAMES[draft.meta.format]}；上年报告：{prior.meta.source or ''}（{prior.meta.year} 年度）",
        "# 填写说明：在冒号后填数字；不知道的留空（起草时显示为【待填】）；表格中本应空白或为“/”的格子填 null。",
        "# 标“推算”的数字已按上年报告算好，如与实际不符可直接改写；表格合计可留空，起草时由各分项相加；",
        "# prose 下的正文数字如与表格对应（如收到申请数），可留空，起草时按表格填入。",
        f"year: {year}",
        f"agency: {json.dumps(draft.meta.agency, ensure_ascii=False)}",
        "figures:",
    ]
    lines += _table_lines(draft)
    lines.append("prose:")
    lines += _prose_lines(draft)
    return "\n".join(lines) + "\n"


def _table_lines(draft: Draft) -> list[str]:
    assert draft.meta.format is not None
    lines: list[str] = []
    for spec in tables_for(draft.meta.format):
        keys = [k for k in draft.figure_origins if k.split("@")[0] in spec.keys]
        if not keys:
            continue
        lines.append(f"  # {spec.title}")
        for key in keys:
            origin = draft.figure_origins[key]
            value = draft.figures.get(key) if origin.kind == "derived" else None
            lines.append(f"  {key}: {_yaml(value)}  # {_comment(key, origin)}")
    return lines


def _comment(key: str, origin: FigureOrigin) -> str:
    parts = [label_of(key)]
    if origin.prior is not None:
        parts.append(f"上年：{_show(origin.prior)}")
    if origin.kind == "derived":
        parts.append(f"推算 {origin.detail}")
    return "；".join(parts)


def _prose_lines(draft: Draft) -> list[str]:
    asked: dict[str, list[str]] = {}
    for item in draft.prose_origins:
        if item.origin.kind == "placeholder":
            asked.setdefault(item.label, []).append(f"{item.origin.detail}（{item.section or '开头'}）")
    if not asked:
        return ["  {}  # 上年报告正文中没有需要更新的数字"]
    lines = []
    for label, seen in asked.items():
        where = "；".join(dict.fromkeys(seen))
        lines.append(f"  {json.dumps(label, ensure_ascii=False)}:   # {where}")
    return lines


def _yaml(value: Value | None) -> str:
    return "" if value is None else _show(value)


def _show(value: Value | None) -> str:
    return "null" if value is None else str(value)
