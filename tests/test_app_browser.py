"""The app in a real browser, as staff use it: Debian's chromium driven by Playwright clicks through the whole
flow, edits a figure in the table, accepts a model's proposal in the chat and downloads the Word file, while
every request the page makes is recorded (any beyond loopback fails) with the console's errors. That hostile
text in reports, file names, messages and model output runs nothing is test_page_safety.py's.

The app runs in this process so that its language model can be a fake one (LangChain's fake chat model with a
known, faithful rewrite): the page, Gradio, the revision engine and the number guard are the real ones.
Set REPORTASSIST_SCREENSHOTS=docs to write the README's two screenshots (docs/app-empty.png, app-draft.png).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import ROOT, free_port
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field

from reportassist import read_report
from reportassist.app.serving import serve
from reportassist.app.ui import Server
from reportassist.drafting import DraftInputs, assemble_draft
from reportassist.given_figures import load_figures
from reportassist.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "the browser test needs Debian's chromium: apt-get install chromium fonts-noto-cjk",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect, sync_playwright

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
FIGURES = (SAMPLE / "figures-2025.yaml").read_text(encoding="utf-8")
LONGER, SHORTER = "办公室承办力量没有相应增加，", "承办力量不足，"
TIMEOUT = 60_000


class RecordedModel(FakeListChatModel):
    """A fake chat model that remembers each time it was asked."""

    asked: int = Field(default=0)

    def _call(self, *args: Any, **kwargs: Any) -> str:
        self.asked += 1
        return super()._call(*args, **kwargs)

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.asked += 1
        yield from super()._stream(*args, **kwargs)


def _faithful_rewrite() -> str:
    """The sample draft's 五 said more briefly, every number and mark kept: what the fake model answers."""
    given = load_figures(SAMPLE / "figures-2025.yaml", 2025)
    draft = assemble_draft(
        DraftInputs(prior=read_report(SAMPLE / "2024.md"), year=2025, figures=given.figures)
    )
    section = draft.find_section("problems")
    assert section is not None and LONGER in section.text
    return section.text.replace(LONGER, SHORTER)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, RecordedModel, Path]]:
    store = tmp_path_factory.mktemp("browser-store")
    model = RecordedModel(responses=[_faithful_rewrite()])
    settings = Settings(
        store=store, embedding="hashing", llm_url="http://127.0.0.1:9/v1", llm_model="测试用模型"
    )
    server = serve(settings, port=free_port(), model=model, block=False)
    yield server, model, store
    server.stop()


Opened = tuple[Page, list[str], list[str]]


@pytest.fixture
def page_on() -> Iterator[Callable[[str], Opened]]:
    """Opens the app at a URL in a fresh browser context: the page, its requests and the errors it reports."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])

        def open_page(url: str) -> Opened:
            requests: list[str] = []
            errors: list[str] = []
            context = browser.new_context(
                viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            page.on("request", lambda request: requests.append(request.url))
            page.on(
                "console", lambda message: errors.append(message.text) if message.type == "error" else None
            )
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url, wait_until="load")
            page.get_by_role("button", name="④ 起草").wait_for()
            return page, requests, errors

        yield open_page
        browser.close()


@pytest.fixture
def page(app: tuple[Server, RecordedModel, Path], page_on: Callable[[str], Opened]) -> Opened:
    return page_on(app[0].url)


def _offsite(requests: list[str]) -> list[str]:
    return [url for url in requests if urlparse(url).hostname not in ("127.0.0.1", "localhost")]


def _screenshot(page: Page, name: str, tmp_path: Path, readme: bool = False) -> None:
    """A screenshot of the top of the page; for the README (docs/), in 256 colours to keep the file small."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("document.querySelectorAll('.pending, .generating').length === 0")
    page.wait_for_timeout(800)  # the fade-in of updated parts
    path = tmp_path / name
    page.screenshot(path=str(path))
    if readme and os.environ.get("REPORTASSIST_SCREENSHOTS") == "docs":
        from PIL import Image

        with Image.open(path) as image:
            image.convert("RGB").quantize(256).save(ROOT / "docs" / name, optimize=True)


def _upload(page: Page, path: Path) -> None:
    page.locator("#ra-uploads input[type=file]").set_input_files(str(path))
    page.locator(".ra-priors").wait_for()


def _draft(page: Page) -> None:
    page.get_by_label("粘贴本年数据").fill(FIGURES)
    page.get_by_role("button", name="读取本年数据").click()
    page.get_by_text(re.compile(r"读取到 \d+ 个数字")).wait_for()
    page.get_by_role("button", name="④ 起草").click()
    page.get_by_text("起草了 2025 年度报告").wait_for()


def _no_rewrites_while_drafting(page: Page, store: Path) -> None:
    """Untick the settings panel's rewrites (the fake model has a rewrite of 五 only); wait until saved."""
    before = _rewrites_off(store)
    page.get_by_text("设置", exact=True).click()
    page.get_by_label(re.compile("起草时由大语言模型改写")).uncheck()
    deadline = time.monotonic() + 20
    while _rewrites_off(store) == before:
        assert time.monotonic() < deadline, "unticking the rewrites was not saved"
        time.sleep(0.2)


def _say(page: Page, message: str, answer: str) -> None:
    box = page.get_by_placeholder(re.compile("对草稿说一句话"))
    box.fill(message)
    box.press("Enter")
    page.locator("#ra-chat").get_by_text(answer).wait_for()


def test_staff_go_from_last_years_report_to_this_years_word_file(
    app: tuple[Server, RecordedModel, Path],
    page: Opened,
    tmp_path: Path,
    loopback_only: list[object],
) -> None:
    _, model, store = app
    browser, requests, errors = page
    _screenshot(browser, "app-empty.png", tmp_path, readme=True)

    _upload(browser, SAMPLE / "2024.md")
    expect(browser.locator(".ra-priors")).to_contain_text("示例市科学技术局 2024 年度")
    _no_rewrites_while_drafting(browser, store)
    _draft(browser)
    assert model.asked == 0
    expect(browser.locator("#ra-draft")).to_contain_text("示例市科学技术局2025年度政府信息公开工作年度报告")
    expect(browser.locator("#ra-draft mark").first).to_be_visible()
    _screenshot(browser, "app-draft.png", tmp_path, readme=True)

    _say(browser, "行政处罚的处理决定改为13件", "已修改（第 2 版）")

    browser.get_by_role("tab", name="数字").click()
    browser.locator("#ra-figures").get_by_placeholder(re.compile("Search|搜索")).fill("（一）予以公开")
    row = browser.locator("#ra-figures [role=row]").filter(has_text="法律服务机构")
    row.locator("[role=gridcell]").nth(3).dblclick()
    browser.keyboard.press("Control+A")
    browser.keyboard.type("1")
    browser.keyboard.press("Enter")
    browser.locator("#ra-chat").get_by_text("已修改（第 3 版）").wait_for()
    expect(row.locator("[role=gridcell]").nth(4)).to_contain_text("对话中给出")

    _say(browser, "把第五部分写得简洁些", "回复“采纳”应用这条建议")
    assert model.asked == 1
    browser.locator("#ra-chat").get_by_role("button", name="采纳").click()
    browser.locator("#ra-chat").get_by_text("已修改（第 4 版）").wait_for()
    browser.get_by_role("tab", name="草稿").click()
    expect(browser.locator("#ra-draft")).to_contain_text(SHORTER)

    _screenshot(browser, "app-accepted.png", tmp_path)
    browser.get_by_role("tab", name="版本").click()
    expect(browser.locator("#ra-history")).to_contain_text("第 4 版（当前）")
    _screenshot(browser, "app-versions.png", tmp_path)

    browser.get_by_role("tab", name="导出").click()
    with browser.expect_download() as download:
        browser.get_by_role("button", name="下载 Word 文档（.docx）").click()
    _screenshot(browser, "app-export.png", tmp_path)
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "示例市科学技术局2025年度政府信息公开工作年度报告（草稿）.docx"
    report = read_report(saved)
    assert report.figures["t2.penalty.decisions"] == 13
    assert report.figures["t3.granted.legal"] == 1
    problems = report.find_section("problems")
    assert problems is not None and SHORTER.rstrip("，") in problems.full_text()

    browser.reload(wait_until="load")  # the browser keeps its draft's id: the draft comes back
    browser.get_by_text("2025 年度报告草稿（第 4 版）").wait_for()
    expect(browser.get_by_label("粘贴本年数据")).to_have_value(FIGURES)

    assert _offsite(requests) == []
    assert loopback_only == []
    assert errors == []


def test_a_browser_finds_its_draft_after_the_server_was_killed(
    page_on: Callable[[str], Opened], tmp_path: Path
) -> None:
    from test_app_client import AppServer

    app = AppServer(tmp_path / "store").start()
    try:
        browser, requests, errors = page_on(app.url)
        _upload(browser, SAMPLE / "2024.md")
        _draft(browser)
        _say(browser, "行政处罚的处理决定改为13件", "已修改（第 2 版）")
        shown = browser.locator("#ra-draft article").inner_html()
        app.kill()
        app.start()
        browser.reload(wait_until="load")
        browser.get_by_text("2025 年度报告草稿（第 2 版）").wait_for()
        assert browser.locator("#ra-draft article").inner_html() == shown
        assert _offsite(requests) == []
        assert [e for e in errors if "Failed to load resource" not in e] == []  # the killed server's
    finally:
        app.stop()


def _rewrites_off(store: Path) -> int:
    """How many saved workspaces have the model's rewrites while drafting turned off."""
    saved = [p for p in (store / "drafts").rglob("*.json") if not p.name.endswith(".card.json")]
    return sum('"rewrite":false' in p.read_text(encoding="utf-8") for p in saved)
