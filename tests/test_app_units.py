"""The app's parts without a server: what the page shows is escaped, a figure edited in the table is one chat
turn on exactly that cell (every cell of every table), workspaces are saved atomically and kept apart per
user, uploads are checked before anything changes, and importing the app starts nothing."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from reportassist import read_report
from reportassist.app import parse_users
from reportassist.app.actions import (
    Services,
    add_from_corpus,
    draft_at,
    edit_figure,
    restore,
    set_figures,
    upload_reports,
)
from reportassist.app.book import DraftBook
from reportassist.app.library import Library
from reportassist.app.serving import exposure_warning
from reportassist.app.views import (
    chat_messages,
    diff_html,
    draft_html,
    figure_keys,
    figure_rows,
    findings_html,
    model_status,
    priors_html,
)
from reportassist.app.workspace import ChatLine, Workspace
from reportassist.drafting import DraftInputs, assemble_draft
from reportassist.errors import InputError
from reportassist.exporters import to_markdown
from reportassist.given_figures import load_figures
from reportassist.model import Draft
from reportassist.schema import keys_for, label_of
from reportassist.settings import Settings

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def _draft(prior: str, year: int, figures: bool = False) -> Draft:
    given = load_figures(SAMPLE / "figures-2025.yaml", 2025) if figures else None
    inputs = DraftInputs(prior=read_report(SAMPLE / prior), year=year)
    if given is not None:
        inputs.figures, inputs.prose = given.figures, given.prose
    return assemble_draft(inputs)


@pytest.fixture(scope="module")
def draft_2025() -> Draft:
    return _draft("2024.md", 2025, figures=True)


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings = Settings(store=tmp_path / "store", embedding="hashing")
    return Services(
        settings=settings,
        book=DraftBook(settings.store),
        library=Library(settings),
        model=None,
        exports=tmp_path / "out",
    )


def _workspace(services: Services, draft: Draft | None = None) -> Workspace:
    workspace = services.book.blank(None)
    workspace.draft = draft
    return workspace


# ------------------------------------------------------- nothing at import; one module imports Gradio


def test_importing_the_app_starts_nothing_and_does_not_import_gradio() -> None:
    code = "import sys, reportassist.app, reportassist.cli; print('gradio' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_only_one_module_of_the_package_imports_gradio() -> None:
    package = ROOT / "src" / "reportassist"
    importing = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if "import gradio" in p.read_text("utf-8")
    ]
    assert importing == ["app/ui.py"]


# ------------------------------------------------------- the table: an edit is a chat turn on that cell


@pytest.mark.parametrize(("prior", "year"), [("2018.md", 2019), ("2024.md", 2025)], ids=["gb2019", "gb2021"])
@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_every_cell_of_each_table_can_be_edited(
    services: Services, prior: str, year: int, table: str
) -> None:
    draft = _draft(prior, year)
    assert draft.meta.format is not None
    for key in (k for k in keys_for(draft.meta.format) if k.startswith(f"{table}.")):
        value = -3 if key.endswith(".change") else 7
        workspace = _workspace(services, draft)
        edit_figure(workspace, key, str(value))
        assert workspace.draft is not None and workspace.draft.figures[key] == value, label_of(key)
        assert workspace.draft.history[-1].number == 2


def test_a_table_edit_follows_through_and_is_said_in_the_chat(services: Services, draft_2025: Draft) -> None:
    workspace = _workspace(services, draft_2025)
    reply = edit_figure(workspace, "t3.granted.legal", "1")
    assert workspace.draft is not None
    assert workspace.draft.figures["t3.granted.legal"] == 1
    assert workspace.draft.figures["t3.granted.total"] == (draft_2025.figures["t3.granted.total"] or 0) + 1
    assert "已修改（第 2 版）" in reply
    assert [line.role for line in workspace.chat] == ["user", "assistant"]
    assert "表三" in workspace.chat[0].text


def test_amounts_keep_their_decimals(services: Services, draft_2025: Draft) -> None:
    workspace = _workspace(services, draft_2025)
    edit_figure(workspace, "t2.fees.amount", "3.5")
    assert workspace.draft is not None and workspace.draft.figures["t2.fees.amount"] == Decimal("3.5")


@pytest.mark.parametrize("said", ["", "十三", "1O"])
def test_a_cell_that_is_no_number_is_refused_and_nothing_changes(
    services: Services, draft_2025: Draft, said: str
) -> None:
    workspace = _workspace(services, draft_2025)
    with pytest.raises(InputError, match="数字"):
        edit_figure(workspace, "t3.granted.legal", said)
    assert workspace.draft is draft_2025 and not workspace.chat


def test_restore_undoes_back_to_the_version_and_each_can_be_redone(
    services: Services, draft_2025: Draft
) -> None:
    workspace = _workspace(services, draft_2025)
    edit_figure(workspace, "t3.granted.legal", "1")
    edit_figure(workspace, "t3.granted.social", "2")
    reply = restore(workspace, 1)
    assert workspace.draft is not None
    assert workspace.draft.figures == draft_2025.figures
    assert [v.number for v in workspace.draft.undone] == [3, 2]
    assert "第 1 版" in reply


def test_a_version_is_compared_with_the_current_one(services: Services, draft_2025: Draft) -> None:
    workspace = _workspace(services, draft_2025)
    edit_figure(workspace, "t2.penalty.decisions", "13")
    assert workspace.draft is not None
    first = draft_at(workspace.draft, 1)
    assert first.figures == draft_2025.figures
    html = diff_html(to_markdown(first), to_markdown(workspace.draft), "第 1 版", "当前版本")
    assert "<del>" in html and "<ins>" in html and "行政处罚决定13件" in html


def test_the_settings_panel_says_whether_a_model_is_configured() -> None:
    assert "没有配置大语言模型" in model_status(Settings(llm_url=None))
    configured = model_status(Settings(llm_url="http://127.0.0.1:8080/v1", llm_model="qwen"))
    assert "已配置大语言模型：qwen" in configured


# ---------------------------------------------------------------------- what the page shows is text


def test_report_text_is_escaped_everywhere_it_is_shown(services: Services, draft_2025: Draft) -> None:
    draft = draft_2025.model_copy(deep=True)
    section = draft.find_section("problems")
    assert section is not None
    section.text += XSS
    draft.meta.agency = XSS
    html = draft_html(draft)
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    workspace = _workspace(services, draft)
    workspace.chat = [ChatLine(role="user", text=XSS), ChatLine(role="assistant", text=XSS)]
    assert all("<script" not in str(m["content"]) for m in chat_messages(workspace))
    findings = findings_html([])
    assert "没有发现问题" in findings


def test_placeholders_are_highlighted_and_sources_given(draft_2025: Draft) -> None:
    assert '<mark class="ra-fill">【待填' in draft_html(_draft("2024.md", 2025))  # no figures given
    html = draft_html(draft_2025)
    assert '<mark class="ra-check">【待核实' in html
    assert "来源：本机关上年报告" in html
    assert html.count("<table") == 3  # 表二, 表三, 表四


def test_figure_rows_are_known_again_by_item_and_column(draft_2025: Draft) -> None:
    rows = figure_rows(draft_2025)
    keys = figure_keys(draft_2025)
    assert len(rows) == len(draft_2025.figures) == len(keys)
    row = next(r for r in rows if keys[(r[0], r[1])] == "t3.carried_in.natural")
    assert row[-1].startswith("推算 = 2024年报告")


# ---------------------------------------------------------------------- uploads and figures


def _upload(services: Services, workspace: Workspace, path: Path, name: str | None = None) -> str:
    return upload_reports(services, workspace, [(path, name or path.name)], lambda *_: None)


def test_bad_uploads_say_why_in_chinese_and_change_nothing(services: Services, tmp_path: Path) -> None:
    workspace = _workspace(services)
    wrong = tmp_path / "程序.exe"
    wrong.write_bytes(b"MZ\x90\x00")
    broken = tmp_path / "坏的.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    unrelated = tmp_path / "菜谱.txt"
    unrelated.write_text("番茄炒蛋：番茄两个，鸡蛋三个，盐少许。", encoding="utf-8")
    old_word = tmp_path / "旧.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0")
    summary = "\n".join(_upload(services, workspace, p) for p in (wrong, broken, unrelated, old_word))
    assert "不能读取“.exe”文件" in summary
    assert "坏的.docx" in summary and "未能使用" in summary
    assert "不像政府信息公开工作年度报告" in summary
    assert "另存为 .docx" in summary
    assert workspace.priors == []
    assert not (services.settings.store / "manifest.json").exists()


def test_a_good_upload_is_read_and_joins_the_corpus(services: Services) -> None:
    workspace = _workspace(services)
    summary = _upload(services, workspace, SAMPLE / "2024.md")
    assert "示例市科学技术局，2024 年度" in summary and "将以" in summary
    assert [p.report.meta.year for p in workspace.priors] == [2024]
    assert [e.year for e in services.library.entries()] == [2024]
    _upload(services, workspace, SAMPLE / "2024.md", "再传一次.md")  # the same content is kept once
    assert len(workspace.priors) == 1 and len(services.library.entries()) == 1
    assert "起草底本" in priors_html(workspace)


def test_a_report_of_the_corpus_can_be_picked_by_agency_and_year(services: Services) -> None:
    _upload(services, _workspace(services), SAMPLE / "2023.md")
    [entry] = services.library.entries()
    assert (entry.agency, entry.year) == ("示例市科学技术局", 2023)
    other = _workspace(services)
    summary = add_from_corpus(services, other, entry.report_id)
    assert "语料库：示例市科学技术局 2023 年度" in summary
    assert [p.report.meta.year for p in other.priors] == [2023]


def test_the_base_is_the_latest_report_of_the_first_agency_before_the_year(services: Services) -> None:
    workspace = _workspace(services)
    for name in ("2022.md", "2024.md", "2023.md"):
        _upload(services, workspace, SAMPLE / name)
    base = workspace.base_prior()
    assert base is not None and base.report.meta.year == 2024
    earlier = workspace.base_prior(2024)
    assert earlier is not None and earlier.report.meta.year == 2023
    assert workspace.target_year() == 2025


def test_figures_pasted_and_in_a_file_are_read_together(services: Services, tmp_path: Path) -> None:
    workspace = _workspace(services)
    csv = SAMPLE / "figures-2025.yaml"
    summary = set_figures(services, workspace, "本年新收政府信息公开申请数量自然人20件", (csv, csv.name))
    assert "figures-2025.yaml、粘贴的文字" in summary
    assert "读取到" in summary
    with pytest.raises(InputError, match="没有收到本年数据"):
        set_figures(services, workspace, "  ", None)
    assert workspace.figures.file_name == "figures-2025.yaml"  # the failed attempt changed nothing


# ---------------------------------------------------------------------- saved drafts


def test_a_workspace_is_saved_whole_and_users_keep_their_own(tmp_path: Path, draft_2025: Draft) -> None:
    book = DraftBook(tmp_path)
    with book.editing(None, "alice") as mine:
        mine.draft = draft_2025
    assert book.load(mine.id, "alice").draft == draft_2025
    assert [c.id for c in book.cards("alice")] == [mine.id]
    assert book.cards("bob") == [] and book.cards(None) == []
    assert not book.exists(mine.id, "bob")
    with pytest.raises(InputError):
        book.load(mine.id, "bob")
    for bad in ("../../etc/passwd", "", mine.id.upper(), None):
        assert not book.exists(bad, "alice")
    assert not list(tmp_path.rglob("*.tmp"))  # written through a temporary file, nothing left behind


def test_a_failed_change_is_not_saved_and_a_blank_workspace_is_not_kept(tmp_path: Path) -> None:
    book = DraftBook(tmp_path)
    with book.editing(None, None) as workspace:
        workspace.figures.text = "本年新收申请5件"
    with pytest.raises(InputError), book.editing(workspace.id, None) as editing:
        editing.year = 2030
        raise InputError("坏的输入")
    assert book.load(workspace.id, None).year is None
    with book.editing(None, None) as untouched:
        pass
    assert not book.exists(untouched.id, None)
    assert [c.id for c in book.cards(None)] == [workspace.id]


# ---------------------------------------------------------------------- serving


def test_users_are_read_from_several_entries() -> None:
    assert parse_users(["alice:a:b,bob:pw", " carol:x "]) == [("alice", "a:b"), ("bob", "pw"), ("carol", "x")]
    with pytest.raises(InputError, match="用户名:密码"):
        parse_users(["alice"])


def test_an_open_address_without_a_password_is_warned_about() -> None:
    assert exposure_warning("127.0.0.1", []) is None
    assert exposure_warning("localhost", []) is None
    assert exposure_warning("0.0.0.0", [("a", "b")]) is None
    warning = exposure_warning("0.0.0.0", [])
    assert warning is not None and "没有设置密码" in warning
