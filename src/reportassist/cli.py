"""`reportassist …`: a thin command line over the readers, the parser and the validator."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from reportassist.errors import InputError
from reportassist.model import Report
from reportassist.parsing import read_report
from reportassist.render import print_findings, print_report
from reportassist.validation import validate

__all__ = ["app"]

app = typer.Typer(
    name="reportassist",
    help="政府信息公开工作年度报告助手：读取、校验往年报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

_out = Console()
_err = Console(stderr=True)

FileArg = Annotated[Path, typer.Argument(help="报告文件：.docx、.pdf、.html、.md 或 .txt", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON（供其他程序使用）")]


def _load(path: Path) -> Report:
    try:
        return read_report(path)
    except InputError as exc:
        _err.print(f"[bold red]无法读取：[/bold red]{exc}")
        raise typer.Exit(EXIT_INPUT) from None
    except Exception:  # our own defect: say so plainly, keep the details for a bug report
        _err.print(f"[bold red]内部错误：[/bold red]读取 {path} 时程序出错，这不是文件的问题，请把以下信息报告给维护人员。")
        _err.print(traceback.format_exc(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INTERNAL) from None


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def parse(file: FileArg, as_json: JsonOpt = False) -> None:
    """读取一份报告，显示识别出的基本信息、章节、表格数字和正文数字。"""
    report = _load(file)
    if as_json:
        _print_json(report.model_dump(mode="json"))
    else:
        print_report(_out, report)


@app.command(name="validate")
def validate_command(
    file: FileArg,
    prior: Annotated[
        Path | None, typer.Option("--prior", help="上一年度的报告，用于跨年度核对（上年结转、现行有效件数等）")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """校验一份报告：表格勾稽关系、正文与表格是否一致、年份、必备章节等。有错误时退出码为 1。"""
    report = _load(file)
    prior_report = _load(prior) if prior is not None else None
    result = validate(report, prior_report)
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        print_findings(_out, result, file.name)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FINDINGS)


