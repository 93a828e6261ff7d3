"""The app as scripts use it: `reportassist serve` in its own process, driven through `gradio_client` by the
api_names of design.md's scripting contract: a whole draft from last year's report to this year's .docx,
two clients at once each with their own draft, bad uploads refused in Chinese, a password that keeps out
whoever lacks it, and a server killed outright whose drafts come back unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, free_port

from reportassist import read_report
from reportassist.given_figures import load_figures

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file
from gradio_client.exceptions import AuthenticationError

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
FIGURES = (SAMPLE / "figures-2025.yaml").read_text(encoding="utf-8")
CONTRACT = {"/upload_reports": 1, "/set_figures": 2, "/make_draft": 1, "/chat": 1, "/export": 1}


class AppServer:
    """`reportassist serve` on a free loopback port, with its own store."""

    def __init__(self, store: Path, env: dict[str, str] | None = None) -> None:
        self.store, self.port = store, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        temporary = (
            store.parent / f"{store.name}-tmp"
        )  # what a killed server leaves behind stays with the test
        temporary.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "REPORTASSIST_EMBEDDING": "hashing",
            "REPORTASSIST_LLM_URL": "",
            "TMPDIR": str(temporary),
            "GRADIO_TEMP_DIR": str(temporary / "gradio"),
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = store.parent / f"{store.name}-server.log"

    def start(self) -> AppServer:
        return self.launch().ready()

    def launch(self) -> AppServer:
        command = [sys.executable, "-m", "reportassist", "serve", "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([*command, "--store", str(self.store)], env=self.env, stderr=log)
        return self

    def ready(self) -> AppServer:
        assert self.process is not None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the app exited: {self.log.read_text(encoding='utf-8', errors='replace')}"
                )
            try:
                if httpx.get(self.url, timeout=2).status_code in (200, 401):
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("the app did not start within 90 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, AppServer]]:
    """The module's servers, started at once: a plain one (with a 1 MB limit on inputs), one with two users,
    and one to be killed."""
    apps = {
        "plain": AppServer(tmp_path_factory.mktemp("store"), {"REPORTASSIST_MAX_INPUT_MB": "1"}),
        "users": AppServer(
            tmp_path_factory.mktemp("store"), {"REPORTASSIST_AUTH": "alice:一二三abc,bob:pw2"}
        ),
        "killed": AppServer(tmp_path_factory.mktemp("store")),
    }
    try:
        for app in apps.values():
            app.launch()
        yield {name: app.ready() for name, app in apps.items()}
    finally:
        for app in apps.values():
            app.stop()


@pytest.fixture
def server(servers: dict[str, AppServer]) -> AppServer:
    return servers["plain"]


def _client(url: str, auth: tuple[str, str] | None = None) -> Client:
    return Client(url, auth=auth, verbose=False)


def _draft(client: Client, change: str = "行政处罚的处理决定改为13件") -> str:
    """The whole flow up to a chat change; the reply to the change."""
    summary = client.predict([handle_file(SAMPLE / "2024.md")], api_name="/upload_reports")
    assert "示例市科学技术局，2024 年度" in summary and "2021 年版格式" in summary, summary
    understood = client.predict(FIGURES, None, api_name="/set_figures")
    assert "读取到" in understood and "未能" not in understood, understood
    markdown = client.predict(None, api_name="/make_draft")
    assert markdown.startswith("# 示例市科学技术局2025年度政府信息公开工作年度报告"), markdown[:200]
    return client.predict(change, api_name="/chat")


def _exported(client: Client, kind: str) -> Path:
    return Path(client.predict(kind, api_name="/export"))


def test_the_api_has_the_contract_endpoints(server: AppServer) -> None:
    endpoints = _client(server.url).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {name: len(info["parameters"]) for name, info in endpoints.items() if name in CONTRACT} == CONTRACT
    assert set(endpoints) == {*CONTRACT, "/drafts", "/open_draft"}


def test_no_analytics_no_run_history_no_monitoring(server: AppServer) -> None:
    config = httpx.get(server.url + "config", timeout=5).json()
    assert config["analytics_enabled"] is False and config["run_history"] is False
    assert config["footer_links"] == []
    assert httpx.get(server.url + "monitoring", timeout=5).status_code != 200
    assert "fonts.googleapis" not in httpx.get(server.url, timeout=5).text


def test_the_whole_flow_ends_in_a_docx_with_the_right_figures(server: AppServer) -> None:
    client = _client(server.url)
    reply = _draft(client)
    assert "已修改（第 2 版）" in reply and "0 → 13" in reply
    docx = _exported(client, "docx")
    assert docx.suffix == ".docx"
    report = read_report(docx)
    assert report.meta.year == 2025 and report.meta.agency == "示例市科学技术局"
    expected = {**load_figures(SAMPLE / "figures-2025.yaml", 2025).figures, "t2.penalty.decisions": 13}
    assert {key: report.figures.get(key) for key in expected} == expected
    markdown = _exported(client, "md").read_text(encoding="utf-8")
    assert "依法作出行政处罚决定13件" in markdown
    assert _exported(client, "txt").read_text(encoding="utf-8").startswith("示例市科学技术局2025年度")


def test_two_clients_at_once_keep_their_own_drafts(server: AppServer) -> None:
    replies: dict[int, str] = {}
    files: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(value: int) -> None:
        try:
            client = _client(server.url)
            replies[value] = _draft(client, f"行政处罚的处理决定改为{value}件")
            files[value] = _exported(client, "md").read_text(encoding="utf-8")
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(value,)) for value in (21, 34)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for value, other in ((21, 34), (34, 21)):
        assert f"0 → {value}" in replies[value]
        assert f"依法作出行政处罚决定{value}件" in files[value]
        assert f"依法作出行政处罚决定{other}件" not in files[value]


def test_bad_uploads_are_refused_in_chinese_and_change_nothing(server: AppServer, tmp_path: Path) -> None:
    client = _client(server.url)
    _draft(client)
    before = _exported(client, "md").read_text(encoding="utf-8")
    big = tmp_path / "很大的报告.txt"
    big.write_text("政府信息公开工作年度报告\n" + "这是一段很长的文字。" * 60_000, encoding="utf-8")
    broken = tmp_path / "坏的报告.docx"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    wrong = tmp_path / "照片.jpg"
    wrong.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(500))
    unrelated = tmp_path / "通知.txt"
    unrelated.write_text("关于端午节放假安排的通知：6月1日至3日放假，共3天。", encoding="utf-8")
    summary = client.predict(
        [handle_file(p) for p in (big, broken, wrong, unrelated)], api_name="/upload_reports"
    )
    lines = summary.splitlines()
    assert len(lines) == 4 and all("未能使用" in line for line in lines), summary
    assert "文件过大" in lines[0] and "“.jpg”" in lines[2] and "不像政府信息公开工作年度报告" in lines[3]
    assert "/tmp" not in summary  # no path of the server's temporary files
    assert _exported(client, "md").read_text(encoding="utf-8") == before
    assert "没有收到本年数据" in client.predict("", None, api_name="/set_figures")
    assert _exported(client, "md").read_text(encoding="utf-8") == before


def test_a_chat_message_before_any_draft_is_answered(server: AppServer) -> None:
    assert "还没有草稿" in _client(server.url).predict("行政处罚的处理决定改为13件", api_name="/chat")


def test_a_password_refuses_a_client_without_it_and_each_user_has_their_own(
    servers: dict[str, AppServer],
) -> None:
    app = servers["users"]
    with pytest.raises(AuthenticationError):
        _client(app.url)
    with pytest.raises(ValueError, match="login"):
        _client(app.url, ("alice", "wrong"))
    assert httpx.get(app.url + "gradio_api/info", timeout=5).status_code == 401
    alice = _client(app.url, ("alice", "一二三abc"))
    _draft(alice)
    assert len(alice.predict(api_name="/drafts")) == 1
    bob = _client(app.url, ("bob", "pw2"))
    assert bob.predict(api_name="/drafts") == []
    alice_id = alice.predict(api_name="/drafts")[0]["id"]
    with pytest.raises(Exception, match="找不到这份草稿"):
        bob.predict(alice_id, api_name="/open_draft")


def test_after_the_server_is_killed_the_draft_is_reopened_unchanged(servers: dict[str, AppServer]) -> None:
    app = servers["killed"]
    client = _client(app.url)
    _draft(client)
    before = _exported(client, "md").read_text(encoding="utf-8")
    [card] = client.predict(api_name="/drafts")
    app.kill()
    app.start()
    again = _client(app.url)
    [card_after] = again.predict(api_name="/drafts")
    assert card_after == card
    reopened = again.predict(card["id"], api_name="/open_draft")
    assert reopened == before
    assert _exported(again, "md").read_text(encoding="utf-8") == before
    assert "已撤销第 2 版" in again.predict("撤销", api_name="/chat")  # the history came back too
