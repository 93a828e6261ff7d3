"""What reports, file names, chat messages and model output say is shown as text: none of their HTML or script
runs, no link of theirs is made, nothing they name is fetched; and every response carries the security headers.

Driven as staff use the page (Debian's chromium through Playwright, see test_app_browser.py), with every
request the page makes recorded (any beyond loopback fails), its console's errors (a blocked resource is one)
and any dialog it opens. The model output is a fake model's (LangChain's FakeListChatModel): the exact hostile
answer must be controlled. The page, Gradio, the readers, the revision engine and the number guard are real.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path

import pytest
from conftest import free_port
from test_app_browser import (
    FIGURES,
    SAMPLE,
    Opened,
    RecordedModel,
    _draft,
    _faithful_rewrite,
    _no_rewrites_while_drafting,
    _offsite,
    _say,
    _screenshot,
    _upload,
    page_on,  # noqa: F401 - the fixture, shared
)

from reportassist import read_report
from reportassist.app.headers import SECURITY_HEADERS
from reportassist.app.serving import serve
from reportassist.app.ui import Server
from reportassist.settings import Settings

sync_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Dialog, Page, expect

# Each would run script, make a link or fetch from elsewhere if it became markup (the last two: if gr.HTML took
# it for part of its template). No digits: the model's answer carrying them must pass the number guard; no
# underscores (a reader takes `__x__` for emphasis); no ASCII double quotes (the chat takes them for quotes).
PAYLOADS = (
    "<script>window.pwned='script'</script>",
    "<img src=x onerror=window.pwned='img';alert('img')>",
    "<img src=http://evil.example/y.png>",
    "<svg onload=window.pwned='svg'></svg>",
    "<iframe src=javascript:window.pwned='frame'></iframe>",
    "<a href=javascript:window.pwned='a'>链接甲</a>",
    "[点我](javascript:window.pwned='md')",
    "![图](http://evil.example/x.png)",
    "[参考][坏链]",
    "<javascript:window.pwned='auto'>",
    "<http://evil.example/auto>",
    "http://evil.example/bare",
    "www.evil.example",
    "evil@evil.example",
    "${window.pwned='template'}",
    "{{window.pwned}}",
)
HOSTILE = " ".join(PAYLOADS)
# A reference-style link's definition: only at the start of a line.
REFERENCE = "[坏链]: javascript:window.pwned='ref'"
# In file names (no slash there).
NAMED = "<img src=x onerror=alert('name')>[点我](javascript:window.pwned='name')"
LAST_WORDS = "部分申请的答复集中在法定期限的最后几天。"
# Markup that user content may never become, anywhere on the page.
MADE = (
    "#ra-draft script, #ra-draft img, #ra-draft svg, #ra-draft iframe, #ra-draft a, "
    "#ra-chat script, #ra-chat iframe, #ra-chat .message img, #ra-chat .message a, "
    ".ra-priors img, .ra-priors a, [onerror], [onload], [href^='javascript'], [src^='javascript'], "
    "[href*='evil'], [src*='evil']"
)


# What the number guard lets by of the payloads (no address, path or markup): Markdown that would become a
# link or template code.
TRICKS = tuple(p for p in PAYLOADS if p.startswith(("[", "$", "{")))


def _hostile_rewrite() -> str:
    """The sample draft's 五 with every payload after it, the reference on a line of its own."""
    return f"{_faithful_rewrite()}\n{HOSTILE}\n{REFERENCE}"


def _tricky_rewrite() -> str:
    """The sample draft's 五 with the payloads the guard lets by."""
    return f"{_faithful_rewrite()}\n{' '.join(TRICKS)}\n{REFERENCE}"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    store = tmp_path_factory.mktemp("safety-store")
    model = RecordedModel(responses=[_hostile_rewrite(), _tricky_rewrite()])
    settings = Settings(
        store=store, embedding="hashing", llm_url="http://127.0.0.1:9/v1", llm_model="测试用模型"
    )
    server = serve(settings, port=free_port(), model=model, block=False)
    yield server, store
    server.stop()


Watched = tuple[Page, list[str], list[str], list[str]]


@pytest.fixture
def page(app: tuple[Server, Path], page_on: Callable[[str], Opened]) -> Watched:  # noqa: F811
    """The page, its requests, its errors and the messages of any dialog it opened."""
    browser, requests, errors = page_on(app[0].url)
    dialogs: list[str] = []

    def dismissed(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    browser.on("dialog", dismissed)
    return browser, requests, errors, dialogs


def _nothing_ran(page: Watched, loopback: list[object]) -> None:
    browser, requests, errors, dialogs = page
    browser.wait_for_timeout(500)  # an image's error or load event, had one been made
    assert browser.evaluate("window.pwned") is None
    assert dialogs == []
    assert browser.locator(MADE).count() == 0
    assert _offsite(requests) == []
    assert loopback == []
    assert errors == []


def _draft_with_figures_file(browser: Page, figures: Path) -> None:
    browser.locator("#ra-figures-file input[type=file]").set_input_files(str(figures))
    browser.get_by_role("button", name="读取本年数据").click()
    browser.get_by_text("读取到", exact=False).wait_for()
    browser.get_by_role("button", name="④ 起草").click()
    browser.get_by_text("起草了 2025 年度报告").wait_for()


def test_a_report_and_file_names_show_as_text(
    app: tuple[Server, Path], page: Watched, tmp_path: Path, loopback_only: list[object]
) -> None:
    browser = page[0]
    text = (SAMPLE / "2024.md").read_text(encoding="utf-8")
    assert LAST_WORDS in text
    report = tmp_path / f"{NAMED}.md"
    report.write_text(text.replace(LAST_WORDS, f"{LAST_WORDS}{HOSTILE}\n\n{REFERENCE}\n\n"), encoding="utf-8")
    figures = tmp_path / f"{NAMED}.yaml"
    figures.write_text(FIGURES, encoding="utf-8")
    problems = read_report(report).find_section("problems")
    assert problems is not None
    read = [line for line in problems.text.splitlines() if LAST_WORDS in line]
    assert len(read) == 1 and "<script>" in read[0] and "onerror" in read[0]

    _upload(browser, report)
    _no_rewrites_while_drafting(browser, app[1])
    _draft_with_figures_file(browser, figures)

    expect(browser.locator("#ra-draft")).to_contain_text(read[0])  # what the reader read, as text
    # As Gradio keeps an uploaded file's name: without < > and :
    shown_name = "img src=x onerror=alert('name')[点我](javascriptwindow.pwned='name')"
    expect(browser.locator(".ra-priors")).to_contain_text(f"{shown_name}.md")
    browser.get_by_role("tab", name="数字").click()
    expect(browser.locator("#ra-figures")).to_contain_text(f"{shown_name}.yaml")  # where figures came from
    _nothing_ran(page, loopback_only)


def test_a_chat_message_shows_as_text(
    app: tuple[Server, Path], page: Watched, loopback_only: list[object]
) -> None:
    browser = page[0]
    _upload(browser, SAMPLE / "2024.md")
    _no_rewrites_while_drafting(browser, app[1])
    _draft(browser)
    _say(browser, f"把“最后几天。”改为“最后几天。{HOSTILE}”", "已修改（第 2 版）")

    chat, draft = browser.locator("#ra-chat"), browser.locator("#ra-draft")
    for payload in PAYLOADS:
        expect(chat).to_contain_text(payload)
        expect(draft).to_contain_text(payload)
    _nothing_ran(page, loopback_only)


def test_model_output_shows_as_text(
    app: tuple[Server, Path], page: Watched, tmp_path: Path, loopback_only: list[object]
) -> None:
    """A fake model (exact answers) turned by what it read: first markup and addresses, which the guard
    refuses, quoting them as text; then Markdown tricks, shown as text in the proposal and in the draft."""
    browser = page[0]
    _upload(browser, SAMPLE / "2024.md")
    _no_rewrites_while_drafting(browser, app[1])
    _draft(browser)
    chat = browser.locator("#ra-chat")

    _say(browser, "把第五部分写得简洁些", "改写中出现了原文没有的网页代码")
    for quoted in (
        "<script>",
        "<img src=x onerror=window.pwned='img';alert('img')>",
        "http://evil.example/bare",
    ):
        expect(chat).to_contain_text(quoted)
    _nothing_ran(page, loopback_only)

    _say(browser, "再把第五部分写得简洁些", "回复“采纳”应用这条建议")
    for payload in (*TRICKS, REFERENCE):
        expect(chat).to_contain_text(payload)
    chat.get_by_role("button", name="采纳").click()
    chat.get_by_text("已修改（第 2 版）").wait_for()
    draft = browser.locator("#ra-draft")
    for payload in (*TRICKS, REFERENCE):
        expect(draft).to_contain_text(payload)
    _screenshot(browser, "page-safety.png", tmp_path)
    _nothing_ran(page, loopback_only)


def _headers(url: str) -> Message:
    """The headers of the response to a GET of `url`, an error's too."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.headers
    except urllib.error.HTTPError as error:
        return error.headers


def test_every_response_carries_the_security_headers(app: tuple[Server, Path]) -> None:
    url = app[0].url.rstrip("/")
    with urllib.request.urlopen(f"{url}/", timeout=30) as response:
        script = re.search(r'src="\.?(/assets/[^"]+\.js)"', response.read().decode("utf-8"))
    assert script is not None
    for path in ("/", "/config", script.group(1), "/gradio_api/info", "/no-such-page"):
        got = _headers(f"{url}{path}")
        assert {name: got[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS, path
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "http" not in policy and "*" not in policy  # no source but the app itself
