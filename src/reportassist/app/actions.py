"""What staff do in the app, as operations on a workspace: give reports, give this year's figures, draft,
talk to the draft, edit a figure, go back to a version, export. The library does the work; these only
join it up.

Each operation changes the workspace it is given and returns what to tell staff. Bad input raises
`InputError` (a Chinese message) before the workspace is changed, so the caller, which saves the workspace
only when an operation succeeds, leaves everything as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportassist import drafting
from reportassist.app.book import DraftBook
from reportassist.app.library import Library, digest
from reportassist.app.views import markdown_text
from reportassist.app.workspace import ChatLine, FiguresGiven, PriorReport, Workspace
from reportassist.drafting import DraftInputs
from reportassist.errors import InputError
from reportassist.exporters import FORMATS, export, to_markdown
from reportassist.given_figures import FigureInput, load_figures, read_figures_text
from reportassist.given_figures.values import ValueProblem, read_value
from reportassist.model import Draft, Report, Value
from reportassist.parsing import read_report
from reportassist.readers import readable_suffixes
from reportassist.revision import remake, revise
from reportassist.schema import FORMAT_NAMES, label_of, tables_for
from reportassist.settings import Settings
from reportassist.validation import validate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "Services",
    "add_from_corpus",
    "chat",
    "draft_at",
    "edit_figure",
    "export_draft",
    "make_draft",
    "restore",
    "set_figures",
    "staff_message",
    "upload_reports",
]

Progress = Callable[[float, str], None]
Upload = tuple[Path, str]  # the uploaded file, and its name as staff gave it

_OTHER_TYPES = {
    ".doc": "旧版 Word 文件（.doc）暂不支持：请在 Word 或 WPS 中另存为 .docx 后再上传。",
    ".wps": "WPS 文字文件（.wps）暂不支持：请另存为 .docx 后再上传。",
    ".xlsx": "这是 Excel 文件：本年数据请在“本年数据”中上传；这里上传往年的年度报告。",
    ".xls": "这是 Excel 文件：本年数据请另存为 .xlsx 后在“本年数据”中上传；这里上传往年的年度报告。",
    ".csv": "这是表格文件：本年数据请在“本年数据”中上传；这里上传往年的年度报告。",
    ".yaml": "这是数据文件：本年数据请在“本年数据”中上传；这里上传往年的年度报告。",
}
_SAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class Services:
    """What every session shares: the settings, the saved drafts, the corpus, the model (or none) and a
    folder for the files offered for download."""

    settings: Settings
    book: DraftBook
    library: Library
    model: BaseChatModel | None
    exports: Path


def staff_message(exc: InputError, name: str | None = None) -> str:
    """An `InputError` for the page: the reason, without the server's temporary path of the file."""
    where = "，".join(p for p in (name, exc.place) if p)
    return f"{where}：{exc.reason}" if where else exc.reason


# ---------------------------------------------------------------------- past reports


def upload_reports(services: Services, workspace: Workspace, files: list[Upload], progress: Progress) -> str:
    """Read each file as a past report, add the good ones to the workspace and the corpus; a Markdown line
    per file: agency, year, format and findings, or why it could not be used."""
    if not files:
        raise InputError("没有收到文件：请选择要上传的往年报告。")
    given = {digest(path.read_bytes()): path.stat().st_size for path, _ in files}
    replaced = sum(p.size for p in workspace.priors if p.digest in given)
    _check_room(services.settings, workspace.uploaded_bytes() - replaced, sum(given.values()))
    lines: list[str] = []
    read: list[tuple[Upload, PriorReport]] = []
    for number, (path, name) in enumerate(files, start=1):
        progress((number - 1) / (2 * len(files)), f"读取 {name}")
        try:
            read.append(((path, name), _read_prior(path, name)))
        except InputError as exc:
            lines.append(f"- **{markdown_text(name)}**：未能使用。{markdown_text(staff_message(exc))}")
    if read:

        def ingested(done: int) -> None:
            progress(0.5 + done / (2 * len(read)), "加入语料库")

        result = services.library.ingest([upload for upload, _ in read], ingested)
        not_kept = {Path(path).name for path, _ in result.failed}
        for (_, name), prior in read:
            _add_prior(workspace, prior)
            note = "（未能加入语料库）" if Path(name).name in not_kept else ""
            lines.append(f"- {_prior_line(prior)}{note}")
    if read and workspace.draft is None:
        base = workspace.base_prior()
        if base is not None and base.report.meta.year is not None:
            lines.append(
                f"\n将以 **{markdown_text(base.name)}** 为底本起草 {base.report.meta.year + 1} 年度报告。"
            )
    return "\n".join(lines)


def add_from_corpus(services: Services, workspace: Workspace, report_id: str) -> str:
    """A report of the corpus added to the workspace as if uploaded."""
    report = services.library.report(report_id)
    meta = report.meta
    name = f"语料库：{meta.agency or '机关不明'} {meta.year or ''} 年度"
    prior = PriorReport(name=name, digest=report_id, report=report, findings=validate(report).findings)
    _add_prior(workspace, prior)
    return f"- {_prior_line(prior)}"


def _read_prior(path: Path, name: str) -> PriorReport:
    suffix = Path(name).suffix.lower()
    if suffix in _OTHER_TYPES:
        raise InputError(_OTHER_TYPES[suffix])
    if suffix not in readable_suffixes():
        shown = f"“{suffix}”文件" if suffix else "没有扩展名的文件"
        raise InputError(
            f"不能读取{shown}：请上传 Word（.docx）、PDF、网页（.html）、Markdown（.md）"
            "或文本（.txt）格式的年度报告。"
        )
    try:
        report = read_report(path)
    except InputError as exc:
        raise InputError(staff_message(exc)) from exc
    if report.meta.year is None and report.meta.format is None:
        raise InputError("不像政府信息公开工作年度报告：没有找到报告年度，也没有年度报告格式的表格或章节。")
    report.meta.source = name
    data = path.read_bytes()
    return PriorReport(
        name=name, digest=digest(data), size=len(data), report=report, findings=validate(report).findings
    )


def _check_room(settings: Settings, kept: int, adding: int) -> None:
    """Refuse files that would take what a workspace was given past `upload_max_mb`, before any is kept."""
    if kept + adding <= settings.upload_max_mb * 1024 * 1024:
        return
    raise InputError(
        f"每份草稿上传的文件合计不能超过 {settings.upload_max_mb:g} MB：这份草稿已有 {_size(kept)}，"
        f"这次的文件共 {_size(adding)}。这次的文件一个也没有保存；请只上传需要的文件，或新建一份草稿。"
    )


def _size(size: int) -> str:
    """A size as staff read it: KB below a megabyte, MB with one decimal above."""
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _add_prior(workspace: Workspace, prior: PriorReport) -> None:
    """The same file given again replaces the copy already there."""
    workspace.priors = [p for p in workspace.priors if p.digest != prior.digest] + [prior]


def _prior_line(prior: PriorReport) -> str:
    meta = prior.report.meta
    errors = sum(1 for f in prior.findings if f.severity == "error")
    fmt = FORMAT_NAMES.get(meta.format or "", "格式不明")
    return (
        f"**{markdown_text(prior.name)}**：{markdown_text(meta.agency or '机关不明')}，"
        f"{meta.year or '年度不明'} 年度，{markdown_text(fmt)}；"
        f"校验发现 {errors} 个错误、{len(prior.findings) - errors} 个提示"
    )


# ---------------------------------------------------------------------- this year's figures


def set_figures(services: Services, workspace: Workspace, text: str, upload: Upload | None) -> str:
    """This year's figures, pasted and/or as a file: what was understood, what could not be placed."""
    given = FiguresGiven(text=text or "")
    if upload is not None:
        path, name = upload
        given.file_name, given.file_data = Path(name).name, path.read_bytes()
        kept = workspace.uploaded_bytes() - len(workspace.figures.file_data or b"")
        _check_room(services.settings, kept, len(given.file_data))
    if not given.text.strip() and given.file_data is None:
        raise InputError("没有收到本年数据：请在框中粘贴，或上传 YAML、CSV、Excel（.xlsx）文件。")
    understood = read_given(given, workspace.target_year())
    given.summary = understood.summary()
    workspace.figures = given
    note = (
        "（已起草的草稿不会自动更新：要用这些数字，请重新点击“起草”。）"
        if workspace.draft is not None
        else ""
    )
    return f"本年数据（{markdown_text(given.source)}）：\n\n{markdown_text(given.summary)}{note}"


def read_given(given: FiguresGiven, year: int | None) -> FigureInput:
    """The figures as given, read against `year`: a file's and the pasted text's together (the text wins)."""
    parts: list[FigureInput] = []
    if given.file_data is not None and given.file_name is not None:
        with tempfile.TemporaryDirectory(prefix="reportassist-figures-") as folder:
            path = Path(folder) / given.file_name
            path.write_bytes(given.file_data)
            try:
                parts.append(load_figures(path, year))
            except InputError as exc:
                raise InputError(staff_message(exc, given.file_name)) from exc
    if given.text.strip():
        parts.append(read_figures_text(given.text, year))
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.model_copy(
            update={
                "figures": {**merged.figures, **part.figures},
                "prose": {**merged.prose, **part.prose},
                "understood": [*merged.understood, *part.understood],
                "unplaced": [*merged.unplaced, *part.unplaced],
                "agency": part.agency or merged.agency,
                "year": part.year or merged.year,
            }
        )
    return merged


# ---------------------------------------------------------------------- drafting


def make_draft(services: Services, workspace: Workspace, year: int | None, progress: Progress) -> str:
    """Draft the report of `year` (None: the base report's year + 1); the draft as Markdown."""
    if not workspace.priors:
        raise InputError("请先在“往年报告”中上传本机关上一年度的报告，再点击“起草”。")
    base = workspace.base_prior(year)
    if base is None or base.report.meta.year is None:
        wanted = f"{year} 年度以前的" if year is not None else ""
        raise InputError(f"往年报告中没有能作为底本的{wanted}本机关报告（需要能识别出年度的报告）。")
    year = year or base.report.meta.year + 1
    inputs = DraftInputs(prior=base.report, year=year)
    if workspace.figures.text.strip() or workspace.figures.file_data is not None:
        given = read_given(workspace.figures, year)
        inputs.figures, inputs.prose, inputs.agency = given.figures, given.prose, given.agency
        inputs.figures_source = workspace.figures.source
    model = services.model if workspace.rewrite else None
    progress(0.1, "起草中")
    with services.library.for_drafting() as store:
        result = drafting.make_draft(inputs, store, model, lambda line: progress(0.5, line))
    kept = ""
    if workspace.draft is not None and len(workspace.draft.history) > 1:
        services.book.copy(workspace)
        kept = "原来的草稿（含修改记录）已另存，可在“已保存的草稿”中打开。\n"
    workspace.draft, workspace.year = result.draft, year
    errors = len(result.validation.errors)
    lead = (
        f"{kept}已以“{base.name}”（{base.report.meta.agency or ''} {base.report.meta.year} 年度报告）为底本，"
        f"起草了 {year} 年度报告（第 1 版）。校验发现 {errors} 个错误、"
        f"{len(result.validation.warnings)} 个提示，见右侧“校验”。\n"
        "请在右侧“草稿”中阅读；黄色底纹是待填写的数字，橙色是待核实的内容。"
        "可以在下面告诉我要怎么改，例如“行政处罚的处理决定改为13件”“还有哪些待填”“撤销”。"
    )
    workspace.chat.append(ChatLine(role="assistant", text=lead))
    if result.draft.messages:
        workspace.chat.append(
            ChatLine(role="assistant", text="\n".join(result.draft.messages), title="起草说明")
        )
    return to_markdown(result.draft)


# ---------------------------------------------------------------------- revising


def chat(services: Services, workspace: Workspace, message: str) -> str:
    """One chat turn: the draft changed as `revise` changes it; the reply."""
    message = message.strip()
    if workspace.draft is None:
        reply = "还没有草稿：请先在左侧上传往年报告、填入本年数据，再点击“起草”。"
    elif not message:
        reply = "请输入要修改的内容或要问的问题，例如“还有哪些待填”。"
    else:
        turn = revise(workspace.draft, message, services.model)
        workspace.draft, reply = turn.draft, turn.reply
    if message:
        workspace.chat.append(ChatLine(role="user", text=message))
    workspace.chat.append(ChatLine(role="assistant", text=reply))
    return reply


def edit_figure(workspace: Workspace, key: str, said: str) -> str:
    """A figure changed in the table, as a chat turn that names the cell the way the template does."""
    draft = _draft_of(workspace)
    value = _number(said, key, draft)
    turn = revise(draft, f"{label_of(key)}改为{value}")
    if turn.draft.figures.get(key) != value:
        raise InputError(f"没能把{label_of(key)}改为 {said}：{turn.reply.splitlines()[0]}")
    workspace.draft = turn.draft
    workspace.chat.append(ChatLine(role="user", text=f"（在“数字”表中）{label_of(key)}改为 {value}"))
    workspace.chat.append(ChatLine(role="assistant", text=turn.reply))
    return turn.reply


def _number(said: str, key: str, draft: Draft) -> Value:
    """The value typed into the table, read by the same rules as a figures file."""
    assert draft.meta.format is not None
    spec = next(t for t in tables_for(draft.meta.format) if key in t.keys)
    try:
        value = read_value(said, amount=key in spec.amount_keys, signed=key in spec.signed_keys)
    except ValueProblem as problem:
        raise InputError(f"{label_of(key)}：{problem.reason}，请填写数字。") from None
    if value is None:
        raise InputError(f"{label_of(key)}不能留空：请填写数字（确实没有的填 0）。")
    return value


def restore(workspace: Workspace, number: int) -> str:
    """Back to version `number` by undoing the versions after it, one by one (each can be redone)."""
    draft = _draft_of(workspace)
    if not any(v.number == number for v in draft.history):
        raise InputError(f"没有第 {number} 版可以恢复。")
    undone: list[str] = []
    while draft.history[-1].number != number:
        undone.append(f"第 {draft.history[-1].number} 版（{draft.history[-1].message}）")
        draft = revise(draft, "撤销").draft
    if not undone:
        return f"现在就是第 {number} 版。"
    workspace.draft = draft
    reply = f"已恢复到第 {number} 版，撤销了：" + "、".join(undone) + "。说“重做”可逐一恢复。"
    workspace.chat.append(ChatLine(role="user", text=f"（在“版本”中）恢复到第 {number} 版"))
    workspace.chat.append(ChatLine(role="assistant", text=reply))
    return reply


def draft_at(draft: Draft, number: int) -> Draft:
    """The draft as it was at version `number`."""
    index = next(i for i, v in enumerate(draft.history) if v.number == number)
    return remake(draft.model_copy(update={"history": draft.history[: index + 1], "undone": []})).draft


def _draft_of(workspace: Workspace) -> Draft:
    if workspace.draft is None:
        raise InputError("还没有草稿：请先点击“起草”。")
    return workspace.draft


# ---------------------------------------------------------------------- exporting


def export_draft(services: Services, workspace: Workspace, kind: str) -> Path:
    """The current draft as a .docx, .md or .txt file to download; made once per content of the draft."""
    kind = kind.strip().lower().lstrip(".")
    if kind not in FORMATS:
        raise InputError(f"导出格式只能是 {'、'.join(FORMATS)}，不是“{kind}”。")
    draft = _draft_of(workspace)
    content = hashlib.sha256(
        draft.model_dump_json(include={"sections", "figures", "meta"}).encode()
    ).hexdigest()[:16]
    folder = services.exports / workspace.id / content
    target = folder / f"{_file_name(draft)}.{kind}"
    try:
        os.utime(target)  # offered again: kept as long as a new file (`temp_seconds`)
    except FileNotFoundError:  # not made yet, or removed as too old
        folder.mkdir(parents=True, exist_ok=True)
        export(draft, target, services.settings.docx_template)
    return target


def _file_name(report: Report) -> str:
    meta = report.meta
    return _SAFE_NAME.sub("_", f"{meta.agency or ''}{meta.year}年度政府信息公开工作年度报告（草稿）")
