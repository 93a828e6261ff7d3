"""What the page shows, as HTML and table rows: the draft, its figures, findings, versions, the reports given.

Every text that comes from a report, a figures file or a message is escaped here: a report holding
`<script>` or `<img onerror=…>` is shown as those characters, never run. Nothing here knows Gradio.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from html import escape

from reportassist.app.workspace import PriorReport, Workspace
from reportassist.exporters.layouts import TableLayout, layout
from reportassist.exporters.plan import Closing, Heading, TableBlock, Text, Title, plan
from reportassist.markers import find_marks
from reportassist.model import Draft, FigureOrigin, SectionOrigin, Value, Version
from reportassist.schema import FORMAT_NAMES, label_of, name_of
from reportassist.settings import Settings
from reportassist.validation import Finding

__all__ = [
    "FIGURE_HEADERS",
    "VALUE_COLUMN",
    "chat_messages",
    "diff_html",
    "draft_html",
    "figure_keys",
    "figure_rows",
    "findings_html",
    "history_html",
    "markdown_text",
    "model_status",
    "priors_html",
    "short_format",
    "show_value",
]

FIGURE_HEADERS = ["项目", "栏目", "上年", "本年", "来源"]
VALUE_COLUMN = FIGURE_HEADERS.index("本年")

_ORIGIN_KINDS = {
    "given": "本年数据",
    "staff": "对话中给出",
    "derived": "推算",
    "carried": "沿用",
    "placeholder": "待填",
}
_SECTION_KINDS = {
    "prior": "本机关上年报告",
    "peer": "其他机关的报告",
    "template": "标准写法",
    "llm": "模型改写",
    "staff": "工作人员撰写",
}
_AUTHORS = {"staff": "人工", "rule": "规则", "model": "模型"}
_SEVERITY = {"error": "错误", "warning": "提示"}
# The marks that make Markdown within a line, backslashed (HTML is escaped apart): no link, image, reference,
# emphasis, code, maths or table is made of them, nor an autolink (`http:`, `a@b`; `www.` below).
_MARKDOWN_LITERAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]~!:@$|#"})
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


def markdown_text(text: str) -> str:
    """`text` to stand in Markdown as itself: no HTML, link, image or inline formatting is made of it (the
    marks that start a line, such as the “- ” of the lists in the chat's replies, keep their meaning)."""
    return _WWW.sub(r"\1\\.", escape(text.translate(_MARKDOWN_LITERAL), quote=False))


def short_format(fmt: str | None) -> str:
    """A format's name without the document that set it: “2021 年版格式”."""
    return FORMAT_NAMES.get(fmt or "", "格式不明").split("（")[0]


def show_value(value: Value | None) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _marked(text: str) -> str:
    """Escaped text with 【待填】 and 【待核实】 marks highlighted."""
    parts: list[str] = []
    last = 0
    for mark in find_marks(text):
        parts.append(escape(text[last : mark.start]))
        css = "ra-check" if mark.kind == "check" else "ra-fill"
        parts.append(f'<mark class="{css}">{escape(mark.text)}</mark>')
        last = mark.end
    parts.append(escape(text[last:]))
    return "".join(parts)


# ---------------------------------------------------------------------- the reports given


def priors_html(workspace: Workspace | None) -> str:
    if workspace is None or not workspace.priors:
        return '<p class="ra-muted">还没有上传往年报告。</p>'
    base = workspace.base_prior()
    items = [_prior_item(prior, prior is base) for prior in workspace.priors]
    return '<ul class="ra-priors">' + "".join(items) + "</ul>"


def _prior_item(prior: PriorReport, is_base: bool) -> str:
    meta = prior.report.meta
    errors = sum(1 for f in prior.findings if f.severity == "error")
    warnings = len(prior.findings) - errors
    fmt = FORMAT_NAMES.get(meta.format or "", "格式不明")
    badge = '<span class="ra-badge">起草底本</span>' if is_base else ""
    head = (
        f"<b>{escape(meta.agency or '机关不明')}</b> {meta.year or '年度不明'} 年度 {badge}"
        f'<br><span class="ra-muted">{escape(prior.name)} · {escape(fmt)}</span>'
    )
    if not prior.findings:
        return f"<li>{head}<br>校验：没有发现问题</li>"
    listed = "".join(_finding_item(f) for f in prior.findings)
    summary = f"校验：{errors} 个错误、{warnings} 个提示"
    return f"<li>{head}<details><summary>{summary}</summary><ul>{listed}</ul></details></li>"


# ---------------------------------------------------------------------- the draft


def draft_html(draft: Draft | None) -> str:
    """The draft as it will be exported, section by section, each with where its text came from."""
    if draft is None:
        return (
            '<div class="ra-empty"><p><b>还没有草稿。</b></p><ol>'
            "<li>在左侧“往年报告”上传本机关上一年度的报告（Word、PDF、网页或文本）；</li>"
            "<li>在“本年数据”粘贴今年的数字，或上传数据表；</li>"
            "<li>点击“起草”。</li></ol></div>"
        )
    exported = plan(draft)
    headed = [(place, section) for place, section in draft.places() if section.heading]
    origins = iter(headed)
    parts: list[str] = ['<article class="ra-draft">']
    for block in exported.blocks:
        if isinstance(block, Title):
            parts.append(f'<h2 class="ra-title">{_marked(block.text)}</h2>')
        elif isinstance(block, Heading):
            place, section = next(origins, ("", None))
            level = block.level + 2
            parts.append(f'<h{level} id="ra-section-{escape(place)}">{_marked(block.text)}</h{level}>')
            if section is not None and section.origin is not None:
                parts.append(f'<p class="ra-source">来源：{escape(_origin_text(section.origin))}</p>')
        elif isinstance(block, Text):
            parts.append(f"<p>{_marked(block.text)}</p>")
        elif isinstance(block, TableBlock):
            parts.append(_table_html(layout(block.spec, exported.report, nested_labels=True)))
        elif isinstance(block, Closing):
            parts.append(
                '<p class="ra-closing">' + "<br>".join(_marked(line) for line in block.lines) + "</p>"
            )
    parts.append("</article>")
    return "".join(parts)


def _origin_text(origin: SectionOrigin) -> str:
    words = [_SECTION_KINDS[origin.kind]]
    where = " ".join(str(p) for p in (origin.agency, f"{origin.year} 年度" if origin.year else None) if p)
    if where:
        words.append(where)
    if origin.heading:
        words.append(f"“{origin.heading}”")
    text = "，".join(words)
    return f"{text}（{origin.note}）" if origin.note else text


def _table_html(table: TableLayout) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            if cell is None:
                continue
            tag = "th" if cell.role == "header" else "td"
            span = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
            )
            css = ' class="ra-num"' if cell.role == "value" else ""
            cells.append(f"<{tag}{span}{css}>{_marked(cell.text)}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = f'<p class="ra-muted">{escape(table.note)}</p>' if table.note else ""
    return f'{note}<div class="ra-table-wrap"><table class="ra-table">{"".join(rows)}</table></div>'


# ---------------------------------------------------------------------- figures


def figure_rows(draft: Draft | None) -> list[list[str]]:
    """One row per table figure of the draft: its item, column, last year's and this year's value, source."""
    if draft is None:
        return []
    rows = []
    for key, value in draft.figures.items():
        item, column = _cell(key)
        origin = draft.figure_origins.get(key)
        prior = origin.prior if origin is not None else None
        rows.append([item, column, show_value(prior), show_value(value), _figure_origin(key, origin)])
    return rows


def figure_keys(draft: Draft) -> dict[tuple[str, str], str]:
    """The figure key of each (item, column) of `figure_rows`: how an edited row is known again."""
    return {_cell(key): key for key in draft.figures}


def _cell(key: str) -> tuple[str, str]:
    name = name_of(key)
    return f"{name.table} {name.row}".strip(), name.column


def _figure_origin(key: str, origin: FigureOrigin | None) -> str:
    """Where a figure came from; a formula names the cells of the figure's own row by their column only."""
    if origin is None:
        return ""
    kind = _ORIGIN_KINDS[origin.kind]
    if origin.kind in ("given", "staff"):
        return origin.detail or kind
    if not origin.detail:
        return kind
    name = name_of(key)
    own_row = f"{name.table}“{name.row}”行"
    detail = origin.detail.replace(f"（{own_row}）", "").replace(own_row, "") if name.table else origin.detail
    return f"{kind} {detail}" if detail.startswith("=") else f"{kind}：{detail}"


# ---------------------------------------------------------------------- findings


def findings_html(findings: list[Finding] | None) -> str:
    if findings is None:
        return '<p class="ra-muted">起草后在这里显示校验结果。</p>'
    if not findings:
        return '<p class="ra-ok">没有发现问题。</p>'
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    parts = [
        f"<p><b>{len(errors)} 个错误、{len(warnings)} 个提示。</b>错误须在提交前改正；提示请逐项核对。</p>"
    ]
    parts.append(
        '<ul class="ra-findings">' + "".join(_finding_item(f) for f in [*errors, *warnings]) + "</ul>"
    )
    return "".join(parts)


def _finding_item(finding: Finding) -> str:
    where: list[str] = []
    location = finding.location
    if location.report == "prior":
        where.append("上年报告")
    if location.section:
        where.append(f"位置：{location.section}")
    if location.keys:
        where.append(
            "涉及："
            + "、".join(label_of(k) for k in location.keys[:4])
            + ("等" if len(location.keys) > 4 else "")
        )
    pointer = f'<br><span class="ra-muted">{escape("；".join(where))}</span>' if where else ""
    css = "ra-error" if finding.severity == "error" else "ra-warning"
    return (
        f'<li><span class="{css}">{_SEVERITY[finding.severity]}</span> {escape(finding.message)}'
        f'{pointer}<span class="ra-rule">{escape(finding.rule)}</span></li>'
    )


# ---------------------------------------------------------------------- versions


def history_html(draft: Draft | None) -> str:
    if draft is None:
        return '<p class="ra-muted">起草后，每次修改都在这里留下一个版本。</p>'
    rows = [_version_row(v, current=v is draft.history[-1]) for v in reversed(draft.history)]
    undone = "".join(_version_row(v, undone=True) for v in reversed(draft.undone))
    head = "<tr><th>版本</th><th>时间</th><th>修改人</th><th>原话</th><th>改动</th></tr>"
    return f'<table class="ra-table ra-history">{head}{"".join(rows)}{undone}</table>'


def _version_row(version: Version, current: bool = False, undone: bool = False) -> str:
    status = "（当前）" if current else "（已撤销，可重做）" if undone else ""
    changes = "<br>".join(escape(line) for line in version.summary[:8])
    if len(version.summary) > 8:
        changes += f"<br>……共 {len(version.summary)} 处"
    css = ' class="ra-undone"' if undone else ""
    return (
        f"<tr{css}><td>第 {version.number} 版{status}</td><td>{version.time:%m-%d %H:%M}</td>"
        f"<td>{_AUTHORS[version.author]}</td><td>{escape(version.message)}</td><td>{changes}</td></tr>"
    )


def diff_html(before: str, after: str, before_name: str, after_name: str) -> str:
    """The lines that differ between two renderings of the draft, removed and added."""
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1))[2:]
    if not lines:
        return f'<p class="ra-muted">{escape(before_name)}与{escape(after_name)}内容相同。</p>'
    out = [
        f'<p class="ra-muted">红色：{escape(before_name)}中有、{escape(after_name)}中没有；绿色：反之。</p>',
        '<pre class="ra-diff">',
    ]
    for line in lines:
        if line.startswith("@@"):
            out.append('<span class="ra-hunk">……</span>\n')
        elif line.startswith("-"):
            out.append(f"<del>{escape(line[1:])}</del>\n")
        elif line.startswith("+"):
            out.append(f"<ins>{escape(line[1:])}</ins>\n")
        else:
            out.append(f"{escape(line[1:])}\n")
    out.append("</pre>")
    return "".join(out)


# ---------------------------------------------------------------------- the chat


def chat_messages(workspace: Workspace) -> list[dict[str, object]]:
    """The conversation as the chat shows it; the last reply carries 采纳/放弃 while a proposal waits."""
    messages: list[dict[str, object]] = []
    for line in workspace.chat:
        message: dict[str, object] = {"role": line.role, "content": markdown_text(line.text)}
        if line.title:
            message["metadata"] = {"title": line.title, "status": "done"}
        messages.append(message)
    waiting = workspace.draft is not None and workspace.draft.proposal is not None
    if waiting and messages and messages[-1]["role"] == "assistant":
        messages[-1]["options"] = [{"label": "采纳", "value": "采纳"}, {"label": "放弃", "value": "放弃"}]
    return messages


# ---------------------------------------------------------------------- settings


def model_status(settings: Settings) -> str:
    if settings.llm_url and settings.llm_model:
        return (
            f"已配置大语言模型：{markdown_text(settings.llm_model)}（{markdown_text(settings.llm_url)}）。"
            "对话中的改写要求（如“把第五部分写得简洁些”）交给模型，给出建议后由您采纳或放弃。"
        )
    return (
        "没有配置大语言模型：起草和对话修改都照常进行，只是不能按要求改写文字。"
        "需要时由管理员设置 `REPORTASSIST_LLM_URL` 和 `REPORTASSIST_LLM_MODEL`。"
    )
