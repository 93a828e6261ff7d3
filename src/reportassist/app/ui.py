"""The page, in Gradio: the one module of the package that imports it.

Import it only through `reportassist.app.serving`, which first turns Gradio's analytics and the Hugging
Face telemetry off. Each event handler finds its workspace by the draft id in the session's `gr.State`,
changes it under the workspace's lock and saves it (`DraftBook.editing`); nothing of a session lives
anywhere else. The browser keeps only that id (`gr.BrowserState`), so a page opened again, even after a
restart, finds its draft.

The events of the scripting contract (design.md) return exactly their one output (and the session state,
which Gradio does not show to clients); the rest of the page is brought up to date by a private event
chained after each of them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import anyio
import gradio as gr
from starlette.middleware import Middleware

from reportassist.app import actions
from reportassist.app.actions import Services
from reportassist.app.headers import SecurityHeaders
from reportassist.app.views import (
    FIGURE_HEADERS,
    VALUE_COLUMN,
    chat_messages,
    diff_html,
    draft_html,
    figure_keys,
    figure_rows,
    findings_html,
    history_html,
    markdown_text,
    model_status,
    priors_html,
    short_format,
    show_value,
)
from reportassist.app.workspace import ID_PATTERN, Workspace
from reportassist.errors import InputError
from reportassist.exporters import to_markdown
from reportassist.settings import Settings
from reportassist.validation import Finding, validate

__all__ = ["Server", "build", "launch"]

_log = logging.getLogger(__name__)

TITLE = "政府信息公开工作年度报告助手"
# Fixed, so that a restarted server still reads what the browser kept; it hides nothing (the page has it).
STORAGE_KEY = "reportassist-draft"
STORAGE_SECRET = "reportassist-draft-id"
_INTERNAL = "内部错误：程序出错，这不是您的操作问题。请记下时间，报告给维护人员；草稿已保存的内容不受影响。"
_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
]
_MONO = ["Noto Sans Mono CJK SC", "Consolas", "monospace"]
_QUICK = ("还有哪些待填", "有哪些问题", "撤销", "重做")
_EXPORTS = (
    ("docx", "下载 Word 文档（.docx）"),
    ("md", "下载 Markdown（.md）"),
    ("txt", "下载纯文本（.txt）"),
)
_CHAT_HELP = (
    "起草后，在这里像对同事交代一样告诉我要怎么改：\n"
    "- 改数字：“行政处罚的处理决定改为13件”\n- 填待填项：“主动公开政府信息185条”\n"
    "- 改文字：“把第五部分的“原话”改为“新话””\n"
    "- 提问：“还有哪些待填”“表三总计是怎么来的”\n- 版本：“撤销”“重做”"
)
CSS = """
.ra-draft { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "FangSong", "STFangsong", serif;
  line-height: 1.9; font-size: 15px; }
.ra-draft p { text-indent: 2em; margin: 0.3em 0; }
.ra-draft p.ra-source, .ra-draft p.ra-closing { text-indent: 0; }
.ra-title { text-align: center; }
.ra-source { color: #5f6b7a; font-size: 12px; border-left: 3px solid var(--color-accent); padding-left: 6px; }
.ra-closing { text-align: right; }
mark.ra-fill { background: #fff176; color: #000; padding: 0 2px; }
mark.ra-check { background: #ffcc80; color: #000; padding: 0 2px; }
.ra-table-wrap { overflow-x: auto; margin: 0.5em 0; }
.ra-table { border-collapse: collapse; font-size: 12px; line-height: 1.4; }
.ra-table th, .ra-table td { border: 1px solid var(--border-color-primary); padding: 2px 4px; }
.ra-table td.ra-num { text-align: center; min-width: 2.5em; }
.ra-muted { color: var(--body-text-color-subdued); font-size: 12px; }
.ra-badge { background: var(--color-accent); color: white; border-radius: 4px; padding: 0 4px;
  font-size: 12px; }
.ra-error { color: #c62828; font-weight: bold; }
.ra-warning { color: #e65100; font-weight: bold; }
.ra-ok { color: #2e7d32; }
.ra-rule { color: var(--body-text-color-subdued); font-size: 11px; margin-left: 6px; }
.ra-findings li, .ra-priors li { margin-bottom: 0.6em; }
.ra-undone { color: var(--body-text-color-subdued); }
.ra-diff { white-space: pre-wrap; font-size: 13px; }
.ra-diff del { background: #ffcdd2; text-decoration: line-through; }
.ra-diff ins { background: #c8e6c9; text-decoration: none; }
.ra-empty { padding: 1em; }
"""

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Server:
    """The app started on a port: its address, how to stop it, and how to wait until it is interrupted."""

    url: str
    stop: Callable[[], None]
    wait: Callable[[], None]


def _owner(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def _guarded(handler: Callable[P, T]) -> Callable[P, T]:
    """Bad input shown in Chinese as an error box; our own defects logged, and said to be ours."""

    @wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return handler(*args, **kwargs)
        except InputError as exc:
            raise gr.Error(actions.staff_message(exc), title="无法完成") from None
        except gr.Error:
            raise
        except Exception:  # noqa: BLE001 - our own defect: logged, and the page says it is ours
            _log.exception("handler %s failed", handler.__name__)
            raise gr.Error(_INTERNAL, title="出错了") from None

    return run


class _Page:
    """The handlers, with the services every session shares."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.book = services.book

    @contextmanager
    def workspace(self, draft_id: str | None, request: gr.Request | None) -> Iterator[Workspace]:
        """The session's workspace (a new one where the session has none yet), saved if the block succeeds."""
        with self.book.editing(draft_id, _owner(request)) as workspace:
            yield workspace

    # ------------------------------------------------------------------ the scripting contract

    @_guarded
    def upload_reports(
        self,
        files: list[str] | None,
        draft_id: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - how Gradio asks for a progress bar
    ) -> tuple[str, str]:
        uploads = [(Path(f), Path(f).name) for f in files or []]
        try:
            with self.workspace(draft_id, request) as workspace:
                summary = actions.upload_reports(
                    self.services, workspace, uploads, lambda done, text: progress(done, desc=text)
                )
                return summary, workspace.id
        except InputError as exc:
            return f"未能上传：{markdown_text(actions.staff_message(exc))}", draft_id

    @_guarded
    def set_figures(
        self, text: str, file: str | None, draft_id: str | None, request: gr.Request
    ) -> tuple[str, str]:
        upload = (Path(file), Path(file).name) if file else None
        try:
            with self.workspace(draft_id, request) as workspace:
                return actions.set_figures(self.services, workspace, text, upload), workspace.id
        except InputError as exc:
            return f"本年数据未能读取：{markdown_text(actions.staff_message(exc))}", draft_id

    @_guarded
    def make_draft(
        self,
        year: float | None,
        draft_id: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - how Gradio asks for a progress bar
    ) -> tuple[str, str]:
        wanted = int(year) if year else None
        with self.workspace(draft_id, request) as workspace:
            markdown = actions.make_draft(
                self.services, workspace, wanted, lambda done, text: progress(done, desc=text)
            )
            return markdown, workspace.id

    @_guarded
    def chat(self, message: str, draft_id: str | None, request: gr.Request) -> tuple[str, str]:
        try:
            with self.workspace(draft_id, request) as workspace:
                return actions.chat(self.services, workspace, message or ""), workspace.id
        except InputError as exc:
            return actions.staff_message(exc), draft_id

    @_guarded
    def export(self, kind: str, draft_id: str | None, request: gr.Request) -> tuple[str, str | None]:
        owner = _owner(request)
        if draft_id is None or not self.book.exists(draft_id, owner):
            raise InputError("还没有草稿：请先起草，再导出。")
        workspace = self.book.load(draft_id, owner)
        return str(actions.export_draft(self.services, workspace, kind or "docx")), draft_id

    # ------------------------------------------------------------------ saved drafts

    @_guarded
    def drafts(self, request: gr.Request) -> list[dict[str, str]]:
        cards = self.book.cards(_owner(request))
        return [
            {"id": c.id, "title": c.title, "updated": c.updated.isoformat(timespec="seconds")} for c in cards
        ]

    @_guarded
    def open_draft(
        self, wanted: str | None, draft_id: str | None, request: gr.Request
    ) -> tuple[str, str | None]:
        owner = _owner(request)
        if not wanted or not ID_PATTERN.fullmatch(wanted) or not self.book.exists(wanted, owner):
            raise InputError("找不到这份草稿：请从“已保存的草稿”中选择。")
        workspace = self.book.load(wanted, owner)
        return (to_markdown(workspace.draft) if workspace.draft is not None else ""), workspace.id

    @_guarded
    def new_draft(self, request: gr.Request) -> str:
        return self.book.blank(_owner(request)).id

    def restore_session(self, remembered: Any, request: gr.Request) -> str | None:
        """The draft this browser (and user) had, if it is still there."""
        kept = remembered.get(_owner(request) or "") if isinstance(remembered, dict) else None
        return kept if isinstance(kept, str) and self.book.exists(kept, _owner(request)) else None

    # ------------------------------------------------------------------ the rest of the page

    @_guarded
    def edit_cell(
        self, rows: list[list[Any]], draft_id: str | None, request: gr.Request, event: gr.EditData
    ) -> str:
        """One cell of the figures table changed by staff: that figure, and only that, as a chat turn."""
        row, column = event.index if isinstance(event.index, (tuple, list)) else (event.index, VALUE_COLUMN)
        with self.workspace(draft_id, request) as workspace:
            if workspace.draft is None or column != VALUE_COLUMN or not 0 <= row < len(rows):
                return workspace.id
            key = figure_keys(workspace.draft).get((str(rows[row][0]), str(rows[row][1])))
            if key is None:
                raise InputError("表格已经变了，没能确定改的是哪一个数字，请再改一次。")
            said = "" if event.value is None else str(event.value)
            if said.strip() != show_value(workspace.draft.figures[key]):
                actions.edit_figure(workspace, key, said)
            return workspace.id

    @_guarded
    def choose_base(self, digest: str | None, draft_id: str | None, request: gr.Request) -> str:
        with self.workspace(draft_id, request) as workspace:
            workspace.base = digest
            return workspace.id

    @_guarded
    def set_rewrite(self, rewrite: bool, draft_id: str | None, request: gr.Request) -> str:
        with self.workspace(draft_id, request) as workspace:
            workspace.rewrite = bool(rewrite)
            return workspace.id

    @_guarded
    def add_from_corpus(
        self, report_id: str | None, draft_id: str | None, request: gr.Request
    ) -> tuple[str, str]:
        if not report_id:
            raise InputError("请先选择语料库中的一份报告。")
        with self.workspace(draft_id, request) as workspace:
            return actions.add_from_corpus(self.services, workspace, report_id), workspace.id

    @_guarded
    def corpus_choices(self) -> Any:
        entries = self.services.library.entries()
        choices = [
            (
                f"{e.agency or '机关不明'} · {e.year or '年度不明'} 年度 · {short_format(e.format)}",
                e.report_id,
            )
            for e in entries
        ]
        return gr.Dropdown(choices=choices, value=None)

    @_guarded
    def restore_version(self, number: float | None, draft_id: str | None, request: gr.Request) -> str | None:
        if number is None:
            raise InputError("请先选择要恢复的版本。")
        with self.workspace(draft_id, request) as workspace:
            actions.restore(workspace, int(number))
            return workspace.id

    @_guarded
    def compare(self, number: float | None, draft_id: str | None, request: gr.Request) -> str:
        owner = _owner(request)
        if number is None or draft_id is None or not self.book.exists(draft_id, owner):
            raise InputError("请先选择要比较的版本。")
        draft = self.book.load(draft_id, owner).draft
        if draft is None:
            raise InputError("还没有草稿。")
        then = actions.draft_at(draft, int(number))
        return diff_html(to_markdown(then), to_markdown(draft), f"第 {int(number)} 版", "当前版本")

    @_guarded
    def refresh(self, draft_id: str | None, remembered: Any, request: gr.Request) -> tuple[Any, ...]:
        """Everything the page shows of the session's workspace, in the order of `build`'s `shown`, and the
        browser's memory of its draft."""
        owner = _owner(request)
        workspace = (
            self.book.load(draft_id, owner) if draft_id and self.book.exists(draft_id, owner) else None
        )
        kept = dict(remembered) if isinstance(remembered, dict) else {}
        if workspace is not None:
            kept[owner or ""] = workspace.id
        cards = self.book.cards(owner)
        saved = gr.Dropdown(
            choices=[(f"{c.title} · {c.updated:%m-%d %H:%M}", c.id) for c in cards],
            value=workspace.id
            if workspace is not None and any(c.id == workspace.id for c in cards)
            else None,
        )
        draft = workspace.draft if workspace is not None else None
        findings = validate(draft, draft.prior).findings if draft is not None else None
        return (
            f"**当前草稿**：{markdown_text(workspace.title())}" if workspace is not None else _BLANK_TITLE,
            saved,
            priors_html(workspace),
            self._bases(workspace),
            markdown_text(workspace.figures.summary) if workspace is not None else "",
            chat_messages(workspace) if workspace is not None else [],
            draft_html(draft),
            figure_rows(draft),
            findings_html(findings),
            history_html(draft),
            gr.Dropdown(
                choices=[(f"第 {v.number} 版：{v.message[:30]}", v.number) for v in reversed(draft.history)]
                if draft is not None
                else [],
                value=None,
            ),
            "",
            *self._downloads(workspace, findings),
            kept,
        )

    def fill_inputs(self, draft_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        """What staff typed into the workspace's inputs, shown when a workspace is opened (never while they
        type: the other refreshes leave the inputs alone)."""
        owner = _owner(request)
        workspace = (
            self.book.load(draft_id, owner) if draft_id and self.book.exists(draft_id, owner) else None
        )
        if workspace is None:
            return "", None, self.services.model is not None
        return workspace.figures.text, workspace.year, workspace.rewrite and self.services.model is not None

    @staticmethod
    def _bases(workspace: Workspace | None) -> Any:
        if workspace is None:
            return gr.Dropdown(choices=[], value=None, visible=False)
        base = workspace.base_prior()
        choices = [
            (f"{p.report.meta.agency or '机关不明'} {p.report.meta.year or ''} 年度（{p.name}）", p.digest)
            for p in workspace.priors
        ]
        return gr.Dropdown(
            choices=choices, value=base.digest if base is not None else None, visible=len(choices) > 1
        )

    def _downloads(self, workspace: Workspace | None, findings: list[Finding] | None) -> tuple[Any, ...]:
        """The note over the downloads, and the three buttons holding the current version's files."""
        if workspace is None or workspace.draft is None:
            return (
                "起草后可以在这里下载。",
                *(gr.DownloadButton(value=None, interactive=False) for _ in _EXPORTS),
            )
        files = [actions.export_draft(self.services, workspace, kind) for kind, _ in _EXPORTS]
        errors = sum(1 for f in findings or [] if f.severity == "error")
        note = f"当前是第 {workspace.draft.history[-1].number} 版，下载的文件总是当前版本。"
        if errors:
            note += f"\n\n**注意**：还有 {errors} 个错误（见“校验”），【待填】【待核实】须在提交前处理。"
        return (note, *(gr.DownloadButton(value=str(path), interactive=True) for path in files))


_BLANK_TITLE = "**当前草稿**：新的空白草稿（上传往年报告后自动保存）"


def _queue_typed(message: str, history: list[dict[str, Any]]) -> tuple[str, str, list[dict[str, Any]]]:
    """The message shown in the chat at once, while the turn runs."""
    return "", message, [*history, {"role": "user", "content": markdown_text(message)}]


def _queue_said(message: str, history: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    return message, [*history, {"role": "user", "content": markdown_text(message)}]


def _queue_option(history: list[dict[str, Any]], event: gr.SelectData) -> tuple[str, list[dict[str, Any]]]:
    return _queue_said(str(event.value), history)


def build(services: Services) -> gr.Blocks:
    """The page; nothing runs until it is launched."""
    page = _Page(services)
    configured = services.model is not None
    private: dict[str, Any] = {"api_visibility": "private"}
    # Gradio keeps uploads and downloads in its cache, removed as `temp_seconds` says (and all on stopping).
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=_temp_schedule(services.settings)
    ) as demo:
        draft_id = gr.State(None)
        remembered = gr.BrowserState({}, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
        gr.Markdown(
            f"## {TITLE}\n上传上一年度的报告 → 填入本年数据 → 起草 → 在对话中修改 → 下载 Word 文档。"
            "所有内容只在本机处理，不联网。"
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                workspace_title = gr.Markdown()
                with gr.Accordion("已保存的草稿", open=False):
                    saved = gr.Dropdown(label="选择草稿", choices=[], allow_custom_value=True)
                    with gr.Row():
                        open_button = gr.Button("打开", size="sm")
                        new_button = gr.Button("新建草稿", size="sm")
                gr.Markdown(
                    "### ① 往年报告\n本机关上一年度的报告，也可以同时上传同行机关的报告作参考："
                    "Word（.docx）、PDF、网页、Markdown 或文本，可多选。"
                )
                uploads = gr.File(label="上传往年报告", file_count="multiple", elem_id="ra-uploads")
                upload_summary = gr.Markdown()
                with gr.Accordion("从语料库中选择", open=False) as corpus_panel:
                    corpus_pick = gr.Dropdown(label="机关 · 年度", choices=[])
                    add_button = gr.Button("加入往年报告", size="sm")
                priors_view = gr.HTML(js_on_load=None)
                base_pick = gr.Dropdown(label="起草底本（本机关上一年度的报告）", choices=[], visible=False)
                gr.Markdown("### ② 本年数据")
                figures_text = gr.Textbox(
                    label="粘贴本年数据",
                    lines=5,
                    max_lines=20,
                    placeholder="可粘贴：从 Excel 复制的表格；一段话（如“本年新收申请5件，"
                    "其中自然人3件、商业企业2件”）；或数据填写文件（YAML）的内容",
                )
                figures_file = gr.File(label="或上传数据文件（YAML、CSV、Excel）", elem_id="ra-figures-file")
                figures_button = gr.Button("读取本年数据")
                figures_summary = gr.Markdown()
                gr.Markdown("### ③ 年度")
                year_box = gr.Number(label="报告年度（不填则为底本年度 + 1）", precision=0, value=None)
                draft_button = gr.Button("④ 起草", variant="primary", size="lg")
                with gr.Accordion("设置", open=False):
                    gr.Markdown(model_status(services.settings))
                    rewrite_box = gr.Checkbox(
                        label="起草时由大语言模型改写各部分文字（改写中的数字都经过核对）",
                        value=configured,
                        interactive=configured,
                    )
            with gr.Column(scale=4, min_width=360):
                chatbot = gr.Chatbot(
                    label="对话修改",
                    elem_id="ra-chat",
                    height=640,
                    placeholder=_CHAT_HELP,
                    feedback_options=None,
                    buttons=["copy"],
                    sanitize_html=True,
                )
                with gr.Row():
                    message = gr.Textbox(
                        show_label=False,
                        placeholder="对草稿说一句话，按回车发送，例如“行政处罚的处理决定改为13件”",
                        scale=5,
                    )
                    send_button = gr.Button("发送", variant="primary", scale=1, min_width=80)
                with gr.Row():
                    quick = [gr.Button(text, size="sm") for text in _QUICK]
            with gr.Column(scale=5, min_width=420), gr.Tabs():
                with gr.Tab("草稿"):
                    draft_view = gr.HTML(
                        draft_html(None), js_on_load=None, max_height=760, elem_id="ra-draft"
                    )
                with gr.Tab("数字"):
                    gr.Markdown(
                        "直接改“本年”一栏，回车确认；每次修改都是一个版本，推算的合计随之更新，可在对话中“撤销”。"
                    )
                    table = gr.Dataframe(
                        headers=FIGURE_HEADERS,
                        datatype="str",
                        type="array",
                        interactive=True,
                        static_columns=[i for i in range(len(FIGURE_HEADERS)) if i != VALUE_COLUMN],
                        show_search="search",
                        max_height=640,
                        wrap=True,
                        column_widths=["28%", "15%", "10%", "11%", "36%"],
                        elem_id="ra-figures",
                    )
                with gr.Tab("校验"):
                    findings_view = gr.HTML(findings_html(None), js_on_load=None, max_height=760)
                with gr.Tab("版本"):
                    history_view = gr.HTML(history_html(None), js_on_load=None, elem_id="ra-history")
                    version_pick = gr.Dropdown(label="选择版本", choices=[])
                    with gr.Row():
                        compare_button = gr.Button("与当前版本比较", size="sm")
                        restore_button = gr.Button("恢复到这一版", size="sm")
                    diff_view = gr.HTML(js_on_load=None, elem_id="ra-diff")
                with gr.Tab("导出"):
                    export_note = gr.Markdown("起草后可以在这里下载。")
                    downloads = [
                        gr.DownloadButton(
                            label, variant="primary" if kind == "docx" else "secondary", interactive=False
                        )
                        for kind, label in _EXPORTS
                    ]
        # Outputs of the scripting contract that the page does not show as such.
        with gr.Row(visible=False):
            draft_markdown = gr.Textbox(label="草稿（Markdown）")
            reply = gr.Textbox(label="回复")
            pending = gr.Textbox(label="要说的话")
            export_kind = gr.Textbox(label="导出格式")
            export_file = gr.File(label="导出的文件")
            export_button = gr.Button("导出")
            drafts_list = gr.JSON(label="已保存的草稿")
            drafts_button = gr.Button("已保存的草稿")

        shown = [
            workspace_title,
            saved,
            priors_view,
            base_pick,
            figures_summary,
            chatbot,
            draft_view,
            table,
            findings_view,
            history_view,
            version_pick,
            diff_view,
            export_note,
            *downloads,
            remembered,
        ]
        inputs = [figures_text, year_box, rewrite_box]

        def then_refresh(event: Any) -> Any:
            return event.then(page.refresh, [draft_id, remembered], shown, **private)

        def then_reopen(event: Any) -> Any:
            return then_refresh(event).then(page.fill_inputs, [draft_id], inputs, **private)

        then_reopen(demo.load(page.restore_session, [remembered], [draft_id], **private))

        then_refresh(
            uploads.upload(
                page.upload_reports,
                [uploads, draft_id],
                [upload_summary, draft_id],
                api_name="upload_reports",
            )
        ).then(lambda: None, None, uploads, **private)
        then_refresh(
            figures_button.click(
                page.set_figures,
                [figures_text, figures_file, draft_id],
                [figures_summary, draft_id],
                api_name="set_figures",
            )
        )
        then_refresh(
            draft_button.click(
                page.make_draft,
                [year_box, draft_id],
                [draft_markdown, draft_id],
                api_name="make_draft",
                show_progress_on=[draft_view],
            )
        )
        typed = gr.on(
            [message.submit, send_button.click],
            _queue_typed,
            [message, chatbot],
            [message, pending, chatbot],
            queue=False,
            **private,
        )
        then_refresh(
            typed.then(
                page.chat, [pending, draft_id], [reply, draft_id], api_name="chat", show_progress_on=[chatbot]
            )
        )
        for button in quick:
            said = button.click(_queue_said, [button, chatbot], [pending, chatbot], queue=False, **private)
            then_refresh(
                said.then(
                    page.chat, [pending, draft_id], [reply, draft_id], show_progress_on=[chatbot], **private
                )
            )
        option = chatbot.option_select(_queue_option, [chatbot], [pending, chatbot], queue=False, **private)
        then_refresh(
            option.then(
                page.chat, [pending, draft_id], [reply, draft_id], show_progress_on=[chatbot], **private
            )
        )
        export_button.click(page.export, [export_kind, draft_id], [export_file, draft_id], api_name="export")
        drafts_button.click(page.drafts, None, drafts_list, api_name="drafts")
        then_reopen(
            open_button.click(
                page.open_draft, [saved, draft_id], [draft_markdown, draft_id], api_name="open_draft"
            )
        )
        then_reopen(new_button.click(page.new_draft, None, draft_id, **private))
        then_refresh(table.edit(page.edit_cell, [table, draft_id], [draft_id], **private))
        then_refresh(base_pick.input(page.choose_base, [base_pick, draft_id], [draft_id], **private))
        then_refresh(rewrite_box.input(page.set_rewrite, [rewrite_box, draft_id], [draft_id], **private))
        then_refresh(
            add_button.click(
                page.add_from_corpus, [corpus_pick, draft_id], [upload_summary, draft_id], **private
            )
        )
        corpus_panel.expand(page.corpus_choices, None, corpus_pick, **private)
        then_refresh(
            restore_button.click(page.restore_version, [version_pick, draft_id], [draft_id], **private)
        )
        compare_button.click(page.compare, [version_pick, draft_id], diff_view, **private)
    return demo


def _temp_schedule(settings: Settings) -> tuple[int, int]:
    """How often to look for temporary files, and how old (in seconds) the ones removed are."""
    return max(1, settings.temp_seconds // 24), settings.temp_seconds


def _removing_old_files(
    services: Services, cache: Path
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The server's lifespan: the app's files for download, and the files Gradio leaves untracked in its
    cache (an empty one per file a handler is given), removed on the schedule of Gradio's own."""
    every, age = _temp_schedule(services.settings)

    async def sweep() -> None:
        while True:
            await asyncio.sleep(every)
            for folder in (services.exports, cache):
                await anyio.to_thread.run_sync(_remove_old_files, folder, age)

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()

    return lifespan


def _remove_old_files(folder: Path, seconds: int) -> None:
    """Remove the files under `folder` last changed over `seconds` ago, and the folders as long left empty (a
    folder just made for a new file is never taken from under it)."""
    oldest = time.time() - seconds
    for parent, _, names in os.walk(folder, topdown=False):
        for path in [*(Path(parent, name) for name in names), Path(parent)]:
            try:
                if path != folder and path.stat().st_mtime < oldest:
                    (path.rmdir if path.is_dir() else path.unlink)()
            except OSError:  # gone already, or a folder given a new file meanwhile
                continue


def launch(services: Services, host: str, port: int, users: list[tuple[str, str]]) -> Server:
    """Start the app in the background."""
    demo = build(services)
    demo.queue(default_concurrency_limit=8)
    theme = gr.themes.Default(primary_hue="blue", font=_FONTS, font_mono=_MONO)
    limit = max(
        100.0, 4 * services.settings.max_input_mb
    )  # Gradio's own hard limit; ours, in Chinese, comes first
    demo.launch(
        server_name=host,
        server_port=port,
        auth=users or None,
        auth_message="请输入用户名和密码。",
        prevent_thread_lock=True,
        quiet=True,
        footer_links=[],
        run_history=False,
        enable_monitoring=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        max_file_size=f"{limit:g}mb",
        theme=theme,
        css=CSS,
        # Each session Gradio keeps holds a copy of the page's configuration (about 120 KB), open or not:
        # beyond this many, the least recently used are forgotten (a page opened again finds its draft).
        state_session_capacity=1000,
        app_kwargs={
            "middleware": [Middleware(SecurityHeaders)],
            "lifespan": _removing_old_files(services, Path(demo.GRADIO_CACHE)),
        },
    )
    return Server(url=demo.local_url or f"http://{host}:{port}/", stop=demo.close, wait=demo.block_thread)
