"""Terminal output for staff: a parsed report and the validator's findings, with rich."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from reportassist.model import Report, Section
from reportassist.schema import FORMAT_NAMES, SECTIONS, T3_2021, name_of, tables_for

if (
    TYPE_CHECKING
):  # the corpus pulls in Chroma and LangChain, the validator the readers: not for every command
    from reportassist.corpus import IngestResult, Scored
    from reportassist.validation import ValidationResult

__all__ = ["print_findings", "print_ingest", "print_report", "print_search"]


def print_report(console: Console, report: Report) -> None:
    from reportassist.validation.context import fmt_value

    meta = report.meta
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold cyan", no_wrap=True)
    info.add_column()
    for label, value in (
        ("机关", meta.agency),
        ("地区", meta.region),
        ("年度", f"{meta.year}（依据：{meta.year_evidence}）" if meta.year else None),
        (
            "格式",
            f"{FORMAT_NAMES[meta.format] if meta.format else '未知'}（依据：{meta.format_evidence}）"
            if meta.format
            else None,
        ),
        ("发布日期", meta.published.isoformat() if meta.published else None),
        ("文号", meta.doc_number),
        ("来源文件", meta.source),
    ):
        info.add_row(label, value or Text("未识别", style="dim"))
    console.print(Panel(info, title=meta.title or "年度报告", border_style="cyan"))

    tree = Tree("[bold]章节[/bold]")
    for section in report.sections:
        _add_section(tree, section)
    console.print(tree)

    if meta.format:
        for spec in tables_for(meta.format):
            keys = [k for k in spec.keys if k in report.figures]
            if keys:
                console.print(
                    _t3_grid(report, spec.keys) if spec.id == "t3" else _figure_list(report, spec.title, keys)
                )

    if report.prose_figures:
        prose = Table(title="正文中的数字", title_justify="left", show_lines=False)
        prose.add_column("数字", justify="right", no_wrap=True)
        prose.add_column("说的是")
        prose.add_column("所在章节", style="dim")
        for figure in report.prose_figures:
            value = f"{figure.qualifier if figure.qualifier in ('近', '约', '超过', '逾') else ''}{fmt_value(figure.value)}"
            value += (
                f"{figure.qualifier if figure.qualifier in ('余', '多', '以上', '左右') else ''}{figure.unit}"
            )
            prose.add_row(value, figure.label, (figure.section or "")[-30:])
        console.print(prose)
    for note in report.notes:
        console.print(Text(f"⚠ {note.message}", style="yellow"))


def _add_section(tree: Tree, section: Section) -> None:
    label = Text(section.heading or "（标题与引言）", style="bold" if section.level <= 1 else "")
    if section.canonical and section.canonical in SECTIONS:
        label.append(f"  → {SECTIONS[section.canonical]}", style="green")
    label.append(f"  {len(section.text)} 字", style="dim")
    branch = tree.add(label)
    for child in section.children:
        _add_section(branch, child)


def _cell(report: Report, key: str) -> Text:
    from reportassist.validation.context import fmt_value

    if key not in report.figures:
        return Text("—", style="dim")
    value = report.figures[key]
    if value is None:
        source = report.figure_sources.get(key)
        return Text(f"空{('“' + source.raw + '”') if source and source.raw else ''}", style="yellow")
    return Text(fmt_value(value))


def _t3_grid(report: Report, keys: tuple[str, ...]) -> Table:
    grid = Table(title=T3_2021.title, title_justify="left")
    grid.add_column("", no_wrap=True, min_width=14, max_width=22)
    for label in ("自然人", "商业企业", "科研机构", "公益组织", "法律服务", "其他", "总计"):
        grid.add_column(label, justify="right", no_wrap=True)
    rows: dict[str, list[str]] = {}
    for key in keys:
        rows.setdefault(name_of(key).row, []).append(key)
    for row, row_keys in rows.items():
        grid.add_row(row, *(_cell(report, k) for k in row_keys))
    return grid


def _figure_list(report: Report, title: str, keys: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("项目")
    table.add_column("栏目")
    table.add_column("数值", justify="right")
    for key in keys:
        name = name_of(key)
        table.add_row(name.row, name.column, _cell(report, key))
    return table


def print_findings(console: Console, result: ValidationResult, source: str) -> None:
    errors, warnings = len(result.errors), len(result.warnings)
    if not result.findings:
        console.print(
            Panel(
                Text("未发现问题：各项核对均通过。", style="bold green"), title=source, border_style="green"
            )
        )
        return
    items = []
    for finding in result.findings:
        style = "bold red" if finding.severity == "error" else "yellow"
        head = Text(f"{'错误' if finding.severity == 'error' else '提示'} ", style=style)
        head.append(finding.rule, style="dim")
        where = finding.location.section
        if where:
            head.append(f"  {where}", style="cyan")
        items.append(head)
        items.append(Text(f"  {finding.message}"))
    summary = f"{errors} 个错误，{warnings} 个提示"
    border = "red" if errors else "yellow"
    console.print(Panel(Group(*items), title=f"{source}：{summary}", border_style=border))


def print_ingest(console: Console, result: IngestResult) -> None:
    console.print(
        f"新导入 {len(result.added)} 份，替换 {len(result.replaced)} 份，内容未变跳过 {len(result.unchanged)} 份，"
        f"失败 {len(result.failed)} 份。"
    )
    for path, message in result.failed:
        console.print(Text(f"✗ {message}", style="red"))
    for path, message in result.skipped:
        console.print(Text(f"跳过 {message}", style="yellow"))


def print_search(console: Console, query: str, found: list[Scored]) -> None:
    if not found:
        console.print(f"没有找到与“{query}”相关的章节。")
        return
    table = Table(title=f"“{query}”的检索结果", title_justify="left", show_lines=True)
    table.add_column("得分", justify="right", no_wrap=True)
    table.add_column("来源", no_wrap=True)
    table.add_column("年度", justify="right", no_wrap=True)
    table.add_column("章节")
    for scored in found:
        chunk = scored.chunk
        snippet = chunk.text.replace("\n", " ")[:90]
        table.add_row(
            f"{scored.score:.3f}",
            f"{chunk.agency or ''}\n{chunk.source or ''}",
            str(chunk.year or ""),
            Text(chunk.heading, style="bold").append(f"\n{snippet}…", style="dim"),
        )
    console.print(table)
