"""`reportassist …`: a thin command line over the readers, the parser, the validator, the drafter and the app.

Each command imports what it uses when it runs, so that `reportassist --help` and the light commands start
without loading the readers' libraries, the corpus store or LangChain.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar, cast, get_args

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from reportassist.errors import InputError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from reportassist.corpus import CorpusStore
    from reportassist.given_figures import FigureInput
    from reportassist.model import Report
    from reportassist.settings import Settings

__all__ = ["app", "main"]

T = TypeVar("T")

app = typer.Typer(
    name="reportassist",
    help="政府信息公开工作年度报告助手：读取、校验往年报告，建立语料库、检索相似章节，起草本年度报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _choice(value: str, choices: Iterable[str], option: str) -> str:
    """`value` when it is one of `choices`; else a Chinese message and exit 2 (Typer's own would be English)."""
    allowed = tuple(choices)
    if value not in allowed:
        _err.print(f"[bold red]参数错误：[/bold red]{option} 只能是 {'、'.join(allowed)}，不是“{value}”。")
        raise typer.Exit(EXIT_INPUT)
    return value


_out = Console()
_err = Console(stderr=True)

FileArg = Annotated[
    Path,
    typer.Argument(
        help="报告文件：.docx、.pdf、.html、.md 或 .txt（或 draft 保存的 .json 草稿）", show_default=False
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON（供其他程序使用）")]


def _load(path: Path, prior: Report | None = None) -> Report:
    """A report file, or a draft saved as .json; `prior` (last year's report) settles rows whose cells
    ran together."""

    def load() -> Report:
        from reportassist.parsing import read_report

        if path.suffix.lower() == ".json":
            from reportassist.drafting import load_draft

            return load_draft(path)
        return read_report(path, prior)

    return _guard(load, doing=f"读取 {path}", failure="无法读取")


def _settings() -> Settings:
    from reportassist.settings import get_settings

    return get_settings()


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def parse(file: FileArg, as_json: JsonOpt = False) -> None:
    """读取一份报告，显示识别出的基本信息、章节、表格数字和正文数字。"""
    from reportassist.render import print_report

    report = _load(file)
    if as_json:
        _print_json(report.model_dump(mode="json"))
    else:
        print_report(_out, report)


@app.command(name="validate")
def validate_command(
    file: FileArg,
    prior: Annotated[
        Path | None,
        typer.Option("--prior", help="上一年度的报告，用于跨年度核对（上年结转、现行有效件数等）"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """校验一份报告：表格勾稽关系、正文与表格是否一致、年份、必备章节等。有错误时退出码为 1。

    校验 draft 保存的 .json 草稿时，自动用起草所依据的上年报告做跨年度核对。"""
    from reportassist.render import print_findings
    from reportassist.validation import validate

    prior_report = _load(prior) if prior is not None else None
    report = _load(file, prior_report)
    prior_report = prior_report or getattr(report, "prior", None)  # a draft knows its prior
    result = validate(report, prior_report)
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        print_findings(_out, result, file.name)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FINDINGS)


StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="语料库文件夹（默认取 REPORTASSIST_STORE，或 ~/.reportassist）")
]
HostOpt = Annotated[
    str | None, typer.Option("--chroma-host", help="Chroma 服务器主机（不给则使用语料库内置数据库）")
]
PortOpt = Annotated[int | None, typer.Option("--chroma-port", help="Chroma 服务器端口")]
EmbeddingOpt = Annotated[
    str | None, typer.Option("--embedding", help="嵌入方式（默认取 REPORTASSIST_EMBEDDING）")
]


def _open_store(store: Path | None, host: str | None, port: int | None, embedding: str | None) -> CorpusStore:
    # The corpus pulls in Chroma, LangChain and jieba: imported only by the commands that use it.
    from reportassist.corpus import ChromaServer, open_store

    if (host is None) != (port is None):
        _err.print("[bold red]参数错误：[/bold red]--chroma-host 和 --chroma-port 需要一起给出。")
        raise typer.Exit(EXIT_INPUT)
    server = ChromaServer(host, port) if host is not None and port is not None else None
    return _guard(lambda: open_store(store, server, embedding), doing="打开语料库", failure="无法打开语料库")


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="报告文件或文件夹（文件夹内的 .docx .pdf .html .md .txt 全部导入）")
    ],
    store: StoreOpt = None,
    chroma_host: HostOpt = None,
    chroma_port: PortOpt = None,
    embedding: EmbeddingOpt = None,
) -> None:
    """把往年报告导入语料库；内容未变的文件跳过，内容有变的文件替换旧版本。"""
    import time
    from datetime import UTC, datetime

    from reportassist.corpus.paths import expand_paths
    from reportassist.render import print_ingest

    files = expand_paths(paths)
    with (
        _open_store(store, chroma_host, chroma_port, embedding) as corpus,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            console=_err,
        ) as progress,
    ):
        task = progress.add_task("导入报告", total=len(files), rate="")
        began, since = time.monotonic(), datetime.now(UTC)
        sections = 0

        def advance(path: Path) -> None:
            # files are settled a batch at a time: the rate counts the sections stored so far by this run
            nonlocal sections
            entry = corpus.entry(path)
            if entry is not None and entry.ingested_at >= since:
                sections += entry.chunks
            rate = sections / max(time.monotonic() - began, 1e-9)
            progress.update(
                task, advance=1, description=path.name, rate=f"{sections} 个章节，{rate:.0f} 章节/秒"
            )

        result = corpus.ingest(paths, progress=advance)
    print_ingest(_out, result)
    raise typer.Exit(
        EXIT_INPUT if result.failed and not (result.added or result.replaced or result.unchanged) else EXIT_OK
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="要找的内容，如“依申请公开办理情况”“政务新媒体关停”")],
    agency: Annotated[str | None, typer.Option("--agency", help="只看这个机关的报告")] = None,
    year: Annotated[str | None, typer.Option("--year", help="年度，如 2022，或范围 2019-2021")] = None,
    report_format: Annotated[
        str | None, typer.Option("--format", help="格式：legacy、gb2019、gb2021")
    ] = None,
    section: Annotated[
        str | None,
        typer.Option("--section", help="章节：overview、active、requests、review、problems、other"),
    ] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="返回几个章节")] = 5,
    mode: Annotated[str, typer.Option("--mode", help="hybrid（默认）、keyword 或 dense")] = "hybrid",
    store: StoreOpt = None,
    chroma_host: HostOpt = None,
    chroma_port: PortOpt = None,
    embedding: EmbeddingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """在语料库中查找相似的章节，显示得分、来源文件、年度和标题。"""
    from reportassist.corpus import ChunkFilter, Mode
    from reportassist.render import print_search

    chosen = cast(Mode, _choice(mode, get_args(Mode), "--mode"))
    where = ChunkFilter(agency=agency, format=report_format, canonical=section, **_years(year))
    with _open_store(store, chroma_host, chroma_port, embedding) as corpus:
        found = corpus.search(query, k=k, where=where, mode=chosen)
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
        _err.print(
            f"[bold red]参数错误：[/bold red]--year 应为年份（2022）或范围（2019-2021），不是“{text}”。"
        )
        raise typer.Exit(EXIT_INPUT) from None


YearOpt = Annotated[int, typer.Option("--year", min=2008, max=2100, help="要起草的报告年度，如 2025")]
PriorOpt = Annotated[
    Path, typer.Option("--prior", help="本机关上一年度的报告（起草的底本）", show_default=False)
]
AgencyOpt = Annotated[str | None, typer.Option("--agency", help="机关名称（默认取上年报告中的名称）")]


@app.command(name="figures-template")
def figures_template_command(
    year: YearOpt,
    prior: PriorOpt,
    agency: AgencyOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="写入的文件（.yaml）；不给则显示在屏幕上")] = None,
) -> None:
    """生成本年数据填写文件：列出本年度格式的每个表格数字（附上年数值），已可推算的数字已填好并注明。"""
    from reportassist.drafting import figures_template
    from reportassist.fileio import save_file

    text = _guard(lambda: figures_template(_load(prior), year, agency))
    if out is None:
        sys.stdout.write(text)
        return
    _guard(lambda: save_file(out, text.encode("utf-8")))
    _err.print(f"已写入 {out}：填好后用 reportassist draft --figures {out} 起草。")


@app.command()
def draft(
    year: YearOpt,
    prior: PriorOpt,
    figures: Annotated[
        Path | None,
        typer.Option(
            "--figures",
            help="本年数据：.yaml/.json、按官方表格排列的 .csv/.xlsx、从 Excel 复制的表格或一段文字（.txt）",
        ),
    ] = None,
    agency: AgencyOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="草稿文件：.json（含来源记录）、.md、.txt 或 .docx")
    ] = None,
    store: StoreOpt = None,
    use_llm: Annotated[
        bool, typer.Option("--llm/--no-llm", help="配置了语言模型时是否用它改写各部分")
    ] = True,
) -> None:
    """起草本年度报告：以上年报告为底本，填入本年数据，推算可推算的数字，其余留下【待填】【待核实】标记。"""
    from reportassist.drafting import DraftInputs, make_draft, save_draft
    from reportassist.render import print_findings

    prior_report = _load(prior)
    if figures is None:
        inputs = DraftInputs(prior=prior_report, year=year, agency=agency)
    else:
        given = _guard(lambda: _read_figures(figures, year))
        _err.print(
            f"[bold]本年数据[/bold]（{figures.name}）：\n{given.summary()}", markup=True, highlight=False
        )
        inputs = DraftInputs(
            prior=prior_report,
            year=year,
            figures=given.figures,
            prose=given.prose,
            figures_source=figures.name,
            agency=agency or given.agency,
        )
    corpus = _corpus_for_drafting(store)
    model = _chat_model() if use_llm and _settings().llm_url else None
    try:
        progress = (
            (lambda line: _err.print(line, markup=False, highlight=False)) if model is not None else None
        )
        result = _guard(lambda: make_draft(inputs, corpus, model, progress))
    finally:
        if corpus is not None:
            corpus.close()
    for line in result.draft.messages:
        _err.print(line, markup=False, highlight=False)
    if out is not None:
        _guard(lambda: save_draft(result.draft, out))
        _err.print(f"草稿已写入 {out}")
    else:
        from reportassist.exporters import to_markdown

        sys.stdout.write(to_markdown(result.draft))
    print_findings(_err, result.validation, out.name if out else "草稿")


@app.command(name="export")
def export_command(
    file: Annotated[
        Path, typer.Argument(help="draft 保存的 .json 草稿，或任一份报告文件", show_default=False)
    ],
    to: Annotated[str, typer.Option("--to", help="导出格式：docx、md 或 txt")] = "docx",
    out: Annotated[
        Path | None, typer.Option("--out", help="导出的文件（默认与草稿同名，扩展名按格式）")
    ] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="Word 参考模板（.docx，样式名称须与随附模板一致）")
    ] = None,
) -> None:
    """把草稿导出为公文格式的 Word 文档、Markdown 或纯文本。"""
    from reportassist.exporters import FORMATS, export

    kind = _choice(to, FORMATS, "--to")
    report = _load(file)
    target = out or file.with_suffix(f".{kind}")
    if target.resolve() == file.resolve():
        _err.print(f"[bold red]参数错误：[/bold red]导出文件 {target} 与原文件相同，请用 --out 另给文件名。")
        raise typer.Exit(EXIT_INPUT)
    _guard(lambda: export(report, target, template or _settings().docx_template))
    _err.print(f"已导出 {target}")


@app.command(name="revise")
def revise_command(
    file: Annotated[
        Path, typer.Argument(help="draft 保存的 .json 草稿（修改后原地保存）", show_default=False)
    ],
    message: Annotated[
        str,
        typer.Argument(
            help="要做的修改或要问的问题，如“行政处罚的处理决定改为13件”“撤销”", show_default=False
        ),
    ],
    as_json: JsonOpt = False,
    model: Annotated[
        str, typer.Option("--model", help="llm：使用配置的大语言模型（默认，未配置时不用）；none：不用模型")
    ] = "llm",
) -> None:
    """对草稿说一句话：按要求修改（数字、待填项、文字），或回答问题；修改后的草稿连同修改记录原地保存，可“撤销”。"""
    from reportassist.drafting import load_draft, save_draft
    from reportassist.fileio import locked
    from reportassist.revision import Turn, require_revisable, revise

    use_model = _choice(model, ("llm", "none"), "--model") == "llm"
    chat = _chat_model() if use_model and _settings().llm_url else None

    def turn_on_file() -> Turn:
        with locked(file):  # a second `revise` on the same draft waits, then works on this one's result
            draft = load_draft(file)
            require_revisable(draft, file)
            turn = revise(draft, message, chat)
            if turn.applied or turn.draft.proposal != draft.proposal:
                save_draft(turn.draft, file)
        return turn

    turn = _guard(turn_on_file, doing=f"修改 {file}", failure="无法修改")
    if as_json:
        _print_json(turn.as_json())
    else:
        sys.stdout.write(turn.reply + "\n")


def _read_figures(path: Path, year: int) -> FigureInput:
    from reportassist.given_figures import load_figures

    return load_figures(path, year)


def _corpus_for_drafting(store: Path | None) -> CorpusStore | None:
    """The corpus store, when one exists (peers' sections for what the prior report lacks); none is fine."""
    root = (store or _settings().store).expanduser()
    if not (root / "manifest.json").exists():
        if store is not None:
            _err.print(f"[yellow]语料库 {root} 还没有导入任何报告，起草时不参考其他机关的报告。[/yellow]")
        return None
    return _open_store(store, None, None, None)


def _chat_model() -> BaseChatModel | None:
    from reportassist.llm import chat_model

    return _guard(chat_model)


def _guard(action: Callable[[], T], doing: str | None = None, failure: str = "无法完成") -> T:
    """Run `action`, saying what was being done: bad input becomes a Chinese message and exit code 2, our
    own defects exit code 3 (`main` does the same for whatever a command does outside a `_guard`)."""
    try:
        return action()
    except InputError as exc:
        _err.print(f"[bold red]{failure}：[/bold red]{exc}")
        raise typer.Exit(EXIT_INPUT) from None
    except typer.Exit:
        raise
    except Exception:  # noqa: BLE001 - our own defect: say so plainly, keep the details for a bug report
        _internal(doing)
        raise typer.Exit(EXIT_INTERNAL) from None


def _internal(doing: str | None) -> None:
    where = f"{doing}时" if doing else ""
    _err.print(
        f"[bold red]内部错误：[/bold red]{where}程序出错，这不是输入的问题，请把以下信息报告给维护人员。"
    )
    _err.print(traceback.format_exc(), markup=False, highlight=False)


# What the process promises (nothing leaves the machine), whatever the environment of the shell says.
_OFFLINE = {
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def main() -> None:
    """The `reportassist` command: the process made offline, then the command under one guard: bad input
    exits 2 and a defect 3, in every command."""
    os.environ.update(_OFFLINE)
    try:
        app(prog_name="reportassist")
    except InputError as exc:
        _err.print(f"[bold red]无法完成：[/bold red]{exc}")
        sys.exit(EXIT_INPUT)
    except Exception:  # noqa: BLE001 - our own defect, whichever command it was in
        _internal(None)
        sys.exit(EXIT_INTERNAL)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="监听的地址；默认只允许本机访问（127.0.0.1），局域网中如 0.0.0.0")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 7860,
    auth: Annotated[
        list[str] | None,
        typer.Option(
            "--auth",
            help="登录用户“用户名:密码”，可多次给出或以逗号分隔（也可用 REPORTASSIST_AUTH）；"
            "每人有自己的草稿",
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """启动网页版：在浏览器中上传往年报告、填入本年数据、起草、对话修改、下载 Word 文档。"""
    from reportassist.app import parse_users
    from reportassist.app import serve as serve_app

    settings = _settings()
    if store is not None:
        settings = settings.model_copy(update={"store": store})
    users = _guard(lambda: parse_users(auth or ([settings.auth] if settings.auth else [])))
    model = _chat_model() if settings.llm_url else None
    _guard(lambda: serve_app(settings, host=host, port=port, users=users, model=model), doing="启动网页版")
