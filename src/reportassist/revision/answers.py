"""Replies to questions about a draft: a part's text, the findings, what is left to fill, where a figure
came from, what was carried over, the history. A question changes nothing."""

from __future__ import annotations

from collections import Counter

from reportassist.markers import find_marks
from reportassist.model import Draft
from reportassist.revision.places import PartRef
from reportassist.revision.values import cell_keys, place_values
from reportassist.schema import label_of
from reportassist.validation import Finding

__all__ = ["carried", "explain", "findings_text", "history", "open_marks", "show_section"]

_AUTHORS = {"staff": "人工", "rule": "规则", "model": "模型"}
_KINDS = {
    "given": "本年数据",
    "staff": "工作人员在对话中给出",
    "derived": "推算",
    "carried": "沿用",
    "placeholder": "待填",
}
_MOST = 20


def show_section(part: PartRef) -> str:
    section = part.section
    lines = [f"【{part.name}】", section.full_text() or "（这一部分没有文字）"]
    origin = section.origin
    if origin is not None:
        source = {
            "prior": "上年报告",
            "peer": "其他机关的报告",
            "template": "标准写法",
            "llm": "模型改写",
            "staff": "工作人员撰写",
        }
        where = "".join(x for x in (origin.agency, f"{origin.year}年" if origin.year else None) if x)
        lines.append(
            f"来源：{source[origin.kind]}{('（' + where + '）') if where else ''}{('；' + origin.note) if origin.note else ''}"
        )
    return "\n".join(lines)


def findings_text(findings: list[Finding], draft: Draft) -> str:
    if not findings:
        return "校验通过：没有发现错误或提示。"
    errors = [f for f in findings if f.severity == "error"]
    lines = [f"校验结果：{len(errors)} 个错误，{len(findings) - len(errors)} 个提示。"]
    for finding in findings[:_MOST]:
        level = "错误" if finding.severity == "error" else "提示"
        where = finding.location.section or ""
        lines.append(f"- [{level}] {finding.message}" + (f"（{where}）" if where else ""))
    if len(findings) > _MOST:
        lines.append(f"……另有 {len(findings) - _MOST} 条，可在“校验”中查看全部。")
    return "\n".join(lines)


def open_marks(draft: Draft) -> str:
    """What is still to fill (table cells, 【待填】) and to check (【待核实】), with how to say it."""
    cells = [k for k, v in draft.figures.items() if v is None]
    fills = [
        (s.heading or "开头", m) for _, s in draft.places() for m in find_marks(s.text) if m.kind == "fill"
    ]
    checks = [
        (s.heading or "开头", m) for _, s in draft.places() for m in find_marks(s.text) if m.kind == "check"
    ]
    if not (cells or fills or checks):
        return "没有待填或待核实的内容了。"
    lines: list[str] = []
    if cells:
        per_table = Counter(label_of(k).split("“", 1)[0] for k in cells)
        lines.append(
            f"表格中待填 {len(cells)} 个："
            + "，".join(f"{t} {n} 个" for t, n in per_table.items())
            + "。例如："
        )
        lines += [f"- {label_of(k)}" for k in cells[:8]]
    if fills:
        lines.append(f"正文中待填 {len(fills)} 处：")
        lines += [
            f"- {m.label}{'（上年：' + m.was + '）' if m.was else ''}　{heading}"
            for heading, m in fills[:_MOST]
        ]
    if checks:
        lines.append(f"待核实 {len(checks)} 处：")
        lines += [
            f"- {m.label}{'（上年：' + m.was + '）' if m.was else ''}　{heading}"
            for heading, m in checks[:_MOST]
        ]
    example = fills[0][1].label if fills else "表三予以公开的自然人"
    lines.append(f"填写时直接说名称和数值，如“{example}填16”；待核实的可说“把“上年的文号”改为“本年的文号””。")
    return "\n".join(lines)


def explain(target: str, draft: Draft) -> str:
    """Where the figure `target` names came from: given, said in the chat, derived (with its formula), or to fill."""
    assert draft.meta.format is not None
    keys = cell_keys(target, draft.meta.format)
    labels: list[str] = []
    if not keys:
        placed = place_values(f"{target}1件", draft)
        keys, labels = list(placed.figures), list(placed.prose)
    if not keys and not labels:
        labels = [p.label for p in draft.prose_origins if target and target in p.label]
    if not keys and not labels:
        return f"没有找到“{target}”对应的数字。可以问表格中的数字（如“表三总计是怎么来的”）或正文中的数字（用草稿中的名称）。"
    lines = []
    for key in keys[:6]:
        origin = draft.figure_origins.get(key)
        value = draft.figures.get(key)
        shown = "待填" if value is None else str(value)
        how = f"{_KINDS[origin.kind]}：{origin.detail}" if origin else "来源不明"
        prior = f"；上年 {origin.prior}" if origin is not None and origin.prior is not None else ""
        lines.append(f"{label_of(key)} = {shown}（{how}{prior}）")
    for label in dict.fromkeys(labels):
        for item in [p for p in draft.prose_origins if p.label == label][:3]:
            origin = item.origin
            prior = f"；上年 {origin.prior}" if origin.prior is not None else ""
            lines.append(
                f"正文“{label}”（{item.section or '开头'}）：{_KINDS[origin.kind]}，{origin.detail}{prior}"
            )
    return "\n".join(lines)


def carried(draft: Draft) -> str:
    """What the draft took over from last year's report, and what of it staff should look at."""
    from_prior = [
        s for _, s in draft.places() if s.origin is not None and s.origin.kind == "prior" and s.level <= 1
    ]
    lines = []
    if from_prior:
        year = from_prior[0].origin.year if from_prior[0].origin else None
        lines.append(f"以下部分以{year or '上'}年报告为底本（年份已顺延，数字已换成本年的或留待填写）：")
        lines += [f"- {s.heading or '开头'}" for s in from_prior]
    problems = draft.find_section("problems")
    if problems is not None and problems.origin is not None and problems.origin.kind == "prior":
        lines.append("“五、存在的主要问题及改进情况”沿用了上年的内容，请结合本年实际改写。")
    lines += [m for m in draft.messages if m.startswith(("沿用", "待核实"))]
    cross = [k for k, o in draft.figure_origins.items() if o.kind == "derived" and "年报告" in o.detail]
    if cross:
        lines.append(
            f"由上年报告推算的表格数字 {len(cross)} 个，如：" + "；".join(label_of(k) for k in cross[:4])
        )
    return "\n".join(lines) if lines else "草稿没有沿用上年报告的内容。"


def history(draft: Draft) -> str:
    lines = ["修改记录："]
    for version in draft.history:
        when = version.time.strftime("%m-%d %H:%M")
        summary = f"（{len(version.summary)} 处变化）" if version.summary else ""
        lines.append(
            f"- 第 {version.number} 版　{when}　{_AUTHORS[version.author]}：{version.message}{summary}"
        )
    if draft.undone:
        lines.append(
            "已撤销、可用“重做”恢复的："
            + "；".join(f"第 {v.number} 版（{v.message}）" for v in reversed(draft.undone))
        )
    return "\n".join(lines)
