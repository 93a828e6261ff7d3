"""Several people using the app at once, each signed in as themselves: nobody meets an error or sees anything
of another's (their export, their list of drafts, a draft asked for by its real id), what a draft may be given
is capped with a Chinese refusal that keeps nothing, and temporary files go once `temp_seconds` have passed.
The same sessions, twenty of them, are benchmarks/app_load.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_load import CALLS, Session, run_sessions, temporary_files, users_setting
from conftest import ROOT
from test_app_client import AppServer

from reportassist.app.actions import Services, set_figures, upload_reports
from reportassist.app.book import DraftBook
from reportassist.app.library import Library
from reportassist.errors import InputError
from reportassist.settings import Settings

pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
SESSIONS = 5
CAP_MB = 0.025  # one sample report (about 9.5 kB) and a figures file fit; three reports do not
TEMP_SECONDS = 15  # longer than an upload may wait in the queue on a busy machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    env = {
        "REPORTASSIST_AUTH": users_setting(SESSIONS),
        "REPORTASSIST_UPLOAD_MAX_MB": str(CAP_MB),
        "REPORTASSIST_TEMP_SECONDS": str(TEMP_SECONDS),
    }
    app = AppServer(tmp_path_factory.mktemp("store"), env)
    try:
        yield app.start()
    finally:
        app.stop()


def _temporary(app: AppServer) -> Path:
    return app.store.parent / f"{app.store.name}-tmp"


def test_people_at_once_meet_no_error_see_only_their_own_and_leave_no_temporary_files(
    server: AppServer, tmp_path: Path
) -> None:
    result = run_sessions(server.url, SESSIONS, tmp_path)
    assert result.errors == [] and result.leaks == []
    assert {name: len(result.timings[name]) for name in CALLS} == dict.fromkeys(CALLS, SESSIONS)
    assert temporary_files(_temporary(server)) > 0
    deadline = time.monotonic() + TEMP_SECONDS + 30
    while temporary_files(_temporary(server)) and time.monotonic() < deadline:
        time.sleep(1)
    assert temporary_files(_temporary(server)) == 0


def test_files_past_the_cap_are_refused_in_chinese_and_nothing_is_kept(
    server: AppServer, tmp_path: Path
) -> None:
    session = Session(SESSIONS + 1)  # its report, given by user01 in a session of its own: a new draft
    client = Client(server.url, auth=Session(1).user, verbose=False)
    before = client.predict(api_name="/drafts")
    assert "，2024 年度" in client.predict(
        [handle_file(session.report(tmp_path))], api_name="/upload_reports"
    )
    reports = [handle_file(SAMPLE / name) for name in ("2022.md", "2023.md")]
    refused = client.predict(reports, api_name="/upload_reports")
    assert refused.startswith(f"未能上传：每份草稿上传的文件合计不能超过 {CAP_MB:g} MB"), refused
    assert "一个也没有保存" in refused
    big = tmp_path / "本年数据.yaml"
    big.write_text(session.figures() + "#" * 20_000, encoding="utf-8")
    refused = client.predict("", handle_file(big), api_name="/set_figures")
    assert refused.startswith("本年数据未能读取：每份草稿上传的文件合计不能超过"), refused
    cards = client.predict(api_name="/drafts")
    assert len(cards) == len(before) + 1
    assert [c for c in cards if c["title"] == "未起草：已上传 1 份往年报告"]  # the refused ones not added


def test_the_cap_is_checked_before_anything_is_read_or_kept(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store", embedding="hashing", upload_max_mb=0.014)
    services = Services(
        settings=settings,
        book=DraftBook(settings.store),
        library=Library(settings),
        model=None,
        exports=tmp_path / "out",
    )
    workspace = services.book.blank(None)
    own = SAMPLE / "2024.md"
    upload_reports(services, workspace, [(own, own.name)], lambda *_: None)
    again = upload_reports(services, workspace, [(own, own.name)], lambda *_: None)  # replaces, adds nothing
    assert "2024 年度" in again and workspace.uploaded_bytes() == own.stat().st_size
    with pytest.raises(InputError, match="合计不能超过 0.014 MB：这份草稿已有 9 KB，这次的文件共 9 KB"):
        upload_reports(services, workspace, [(SAMPLE / "2023.md", "2023.md")], lambda *_: None)
    figures = SAMPLE / "figures-2025.yaml"
    with pytest.raises(InputError, match="一个也没有保存"):
        set_figures(services, workspace, "", (figures, figures.name))
    assert [p.name for p in workspace.priors] == ["2024.md"] and workspace.figures.file_data is None
    assert [e.year for e in services.library.entries()] == [2024]
