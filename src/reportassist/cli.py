"""`reportassist …`: a thin command line over the readers, the parser and the validator."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from reportassist.errors import InputError, ReportAssistError
from reportassist.model import Report
from reportassist.parsing import read_report
from reportassist.render import print_findings, print_ingest, print_report, print_search
from reportassist.validation import validate

if TYPE_CHECKING:
    from reportassist.corpus import CorpusStore

__all__ = ["app"]

app = typer.Typer(
    name="reportassist",
    help="政府信息公开工作年度报告助手：读取、校验往年报告，建立语料库并检索相似章节。",
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


StoreOpt = Annotated[Path | None, typer.Option("--store", help="语料库文件夹（默认取 REPORTASSIST_STORE，或 ~/.reportassist）")]
HostOpt = Annotated[str | None, typer.Option("--chroma-host", help="Chroma 服务器主机（不给则使用语料库内置数据库）")]
PortOpt = Annotated[int | None, typer.Option("--chroma-port", help="Chroma 服务器端口")]
EmbeddingOpt = Annotated[str | None, typer.Option("--embedding", help="嵌入方式（默认取 REPORTASSIST_EMBEDDING）")]


def _open_store(store: Path | None, host: str | None, port: int | None, embedding: str | None) -> CorpusStore:
    # The corpus pulls in Chroma, LangChain and jieba: imported only by the commands that use it.
    from reportassist.corpus import ChromaServer, open_store

    if (host is None) != (port is None):
        _err.print("[bold red]参数错误：[/bold red]--chroma-host 和 --chroma-port 需要一起给出。")
        raise typer.Exit(EXIT_INPUT)
    server = ChromaServer(host, port) if host is not None and port is not None else None
    try:
        return open_store(store, server, embedding)
    except ReportAssistError as exc:
        _err.print(f"[bold red]无法打开语料库：[/bold red]{exc}")
        raise typer.Exit(EXIT_INPUT) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（文件夹内的 .docx .pdf .html .md .txt 全部导入）")],
    store: StoreOpt = None,
    chroma_host: HostOpt = None,
    chroma_port: PortOpt = None,
    embedding: EmbeddingOpt = None,
) -> None:
    """把往年报告导入语料库；内容未变的文件跳过，内容有变的文件替换旧版本。"""
    from reportassist.corpus.store import expand_paths

    files = expand_paths(paths)
    with (
        _open_store(store, chroma_host, chroma_port, embedding) as corpus,
        Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), console=_err
        ) as progress,
    ):
        task = progress.add_task("导入报告", total=len(files))
        result = corpus.ingest(files, progress=lambda path: progress.update(task, advance=1, description=path.name))
    print_ingest(_out, result)
    raise typer.Exit(EXIT_INPUT if result.failed and not (result.added or result.replaced or result.unchanged) else EXIT_OK)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="要找的内容，如“依申请公开办理情况”“政务新媒体关停”")],
    agency: Annotated[str | None, typer.Option("--agency", help="只看这个机关的报告")] = None,
    year: Annotated[str | None, typer.Option("--year", help="年度，如 2022，或范围 2019-2021")] = None,
    report_format: Annotated[str | None, typer.Option("--format", help="格式：legacy、gb2019、gb2021")] = None,
    section: Annotated[str | None, typer.Option("--section", help="章节：overview、active、requests、review、problems、other")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="返回几个章节")] = 5,
    mode: Annotated[str, typer.Option("--mode", help="hybrid（默认）、keyword 或 dense")] = "hybrid",
    store: StoreOpt = None,
    chroma_host: HostOpt = None,
    chroma_port: PortOpt = None,
    embedding: EmbeddingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """在语料库中查找相似的章节，显示得分、来源文件、年度和标题。"""
    if mode not in ("hybrid", "keyword", "dense"):
        _err.print(f"[bold red]参数错误：[/bold red]--mode 只能是 hybrid、keyword 或 dense，不是“{mode}”。")
        raise typer.Exit(EXIT_INPUT)
    from reportassist.corpus import ChunkFilter

    where = ChunkFilter(agency=agency, format=report_format, canonical=section, **_years(year))
    with _open_store(store, chroma_host, chroma_port, embedding) as corpus:
        found = corpus.search(query, k=k, where=where, mode=mode)  # type: ignore[arg-type]
    if as_json:
        _print_json([{"score": s.score, **s.chunk.model_dump()} for s in found])
    else:
        print_search(_out, query, found)


def _years(text: str | None) -> dict[str, int]:
    if not text:
        return {}
    try:
        if "-" in text:
            start, end = (int(part) for part in text.split("-", 1))
            return {"year_from": start, "year_to": end}
        return {"year_from": int(text), "year_to": int(text)}
    except ValueError:
        _err.print(f"[bold red]参数错误：[/bold red]--year 应为年份（2022）或范围（2019-2021），不是“{text}”。")
        raise typer.Exit(EXIT_INPUT) from None


