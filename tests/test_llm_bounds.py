"""Every model call is bounded: in tokens, in time, in length; and a rewrite states only true figures.

The models here are fakes, for exact cases: LangChain's fake chat models, and small `BaseChatModel`
subclasses that stream forever, answer only after the budget, or ramble after a complete answer. The
transport checks use the real ChatOpenAI against a loopback server that streams forever and records when
the client hangs up. The real model behind a real llama.cpp server is in test_llm_model.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fake_models import Endless
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel, ParrotFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_ollama import ChatOllama

from reportassist import Settings
from reportassist.llm import Answer, Budget, Rewrite, ask_model, chat_model, max_tokens_for, rewrite_section
from reportassist.llm.ask import capped
from reportassist.llm.guard import check_numbers

HEADING = "一、总体情况"
SECTION = (
    "（一）主动公开。全年主动公开政府信息356条。配合全市“高效办成一件事”改革，牵头梳理“科技型企业认定一件事”，"
    "公开一次告知清单和办事指南。全年发布政策解读【待填：政策解读条数】条，召开新闻发布会3场。"
)
ALLOWED = (356, 3)
FAITHFUL = (
    "（一）主动公开。2025年，我局全年主动公开政府信息356条，配合全市“高效办成一件事”改革，牵头梳理"
    "“科技型企业认定一件事”，公开一次告知清单和办事指南；全年发布政策解读【待填：政策解读条数】条，"
    "召开新闻发布会3场。"
)
# A margin for the worker thread to hand over a chunk and the test machine to be busy.
SLACK = 1.0


def rewrite(model: BaseChatModel, **options: Any) -> Rewrite:
    return rewrite_section(model, heading=HEADING, text=SECTION, year=2025, allowed=ALLOWED, **options)


class Late(BaseChatModel):
    """A fake chat model that answers only after `delay` seconds, all at once (no streaming)."""

    delay: float
    answer: str = FAITHFUL

    @property
    def _llm_type(self) -> str:
        return "late-fake"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        time.sleep(self.delay)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.answer))])


class Rambling(Endless):
    """A fake chat model that gives `first`, then goes on with `text` forever, quickly."""

    first: str = ""
    pause: float = 0.001
    text: str = "另外，我局还将继续努力。"

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        yield ChatGenerationChunk(message=AIMessageChunk(content=self.first))
        yield from super()._stream(messages, *args, **kwargs)


def test_a_model_that_never_stops_is_stopped_by_the_budget() -> None:
    """The model is a fake, for an exact case: it streams forever, slower than the length cut would act."""
    model = Endless()
    started = time.monotonic()
    result = rewrite(model, budget=Budget(1))
    assert time.monotonic() - started < 1 + SLACK
    assert result == Rewrite(
        text=SECTION, accepted=False, reasons=["大语言模型在本次限定的 1 秒内没有答完，保留原文"]
    )
    # The stream is closed at the next chunk: a real client's connection with it, and the server stops.
    assert model._closed.wait(SLACK)
    sent = model._sent
    time.sleep(0.3)
    assert model._sent == sent


def test_a_model_that_answers_after_the_budget_keeps_the_text() -> None:
    """The model is a fake, for an exact case: a faithful answer, but only after 3 s; the budget is 0.5 s."""
    started = time.monotonic()
    result = rewrite(Late(delay=3), budget=Budget(0.5))
    assert time.monotonic() - started < 0.5 + SLACK
    assert result == Rewrite(
        text=SECTION, accepted=False, reasons=["大语言模型在本次限定的 0.5 秒内没有答完，保留原文"]
    )


def test_an_answer_within_the_budget_is_used() -> None:
    """The model is a fake, for an exact case: the same faithful answer, in time."""
    assert rewrite(Late(delay=0.1), budget=Budget(5)) == Rewrite(text=FAITHFUL, accepted=True)


def test_one_budget_bounds_a_whole_draft() -> None:
    """The model is a fake, for an exact case: it never stops. Five sections share a budget of 1 s: the first
    call uses it up, the others do not reach the model, and the whole draft takes about the budget."""
    budget = Budget(1)
    model = Endless()
    started = time.monotonic()
    results = [rewrite(model, budget=budget) for _ in range(5)]
    assert time.monotonic() - started < 1 + SLACK
    assert all(r.text == SECTION and not r.accepted for r in results)
    assert results[0].reasons == ["大语言模型在本次限定的 1 秒内没有答完，保留原文"]
    assert {r.reasons[0] for r in results[1:]} == {"本次限定的 1 秒已用完，没有再请大语言模型回答，保留原文"}


def test_a_spent_budget_does_not_call_the_model() -> None:
    """The model is a fake that records the prompts it gets: it gets none."""
    seen: list[list[BaseMessage]] = []

    class Recording(ParrotFakeChatModel):
        def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
            seen.append(messages)
            return super()._generate(messages, *args, **kwargs)

    result = rewrite(Recording(), budget=Budget(0))
    assert seen == []
    assert result.reasons == ["本次限定的 0 秒已用完，没有再请大语言模型回答，保留原文"]


def test_a_rambling_answer_is_cut_without_a_budget() -> None:
    """The model is a fake, for an exact case: it rambles forever, quickly. With no time limit at all, reading
    stops once the answer is three times the section's length, and the stream is closed."""
    model = Rambling()
    started = time.monotonic()
    result = rewrite(model)
    assert time.monotonic() - started < SLACK
    assert not result.accepted and result.text == SECTION
    limit = 3 * len(SECTION) + 64
    assert result.reasons == [f"模型的回答超过了应有的长度（{limit} 字）仍未结束，已停止读取，保留原文"]
    assert model._closed.wait(SLACK)
    assert model._sent * len(model.text) < 2 * limit


def test_a_complete_rewrite_followed_by_rambling_is_kept() -> None:
    """The model is a fake, for an exact case: it gives the rewrite inside the fence, then rambles on. What the
    fence holds is complete; the rambling after it is cut and ignored."""
    model = Rambling(first=f"<原文>\n{FAITHFUL}\n</原文>\n")
    assert rewrite(model) == Rewrite(text=FAITHFUL, accepted=True)


def test_progress_is_reported_in_chinese() -> None:
    """The model is a fake (a fixed answer, then a never-ending one), for exact messages."""
    said: list[str] = []
    rewrite(FakeListChatModel(responses=[FAITHFUL]), progress=said.append)
    assert said[0] == "正在请大语言模型改写“一、总体情况”…"
    assert said[1].startswith("“一、总体情况”已由模型改写，数字核对通过（")

    said.clear()
    rewrite(Endless(), budget=Budget(0.2), progress=said.append)
    assert said[0] == "正在请大语言模型改写“一、总体情况”…"
    assert said[1].startswith("“一、总体情况”保留原文（") and "0.2 秒内没有答完" in said[1]


def test_ask_model_says_whether_the_answer_is_complete() -> None:
    """The models are fakes, for exact answers: a complete one, and one that never stops."""
    values = {"year": 2025, "heading": HEADING, "instruction": "更新表述", "text": SECTION}
    done = ask_model(FakeListChatModel(responses=["好的"]), "rewrite_section", values, max_tokens=16)
    assert (done.text, done.finished, done.reason, done.cause) == ("好的", True, None, "done")

    cut = ask_model(Endless(pause=0.01), "rewrite_section", values, max_tokens=16, budget=Budget(0.3))
    assert isinstance(cut, Answer) and not cut.finished and cut.cause == "timeout"
    assert cut.text and set(cut.text) == {"。"}
    assert cut.reason == "大语言模型在本次限定的 0.3 秒内没有答完"
    assert cut.seconds < 0.3 + SLACK


def test_each_call_is_capped_in_tokens_from_the_section() -> None:
    """ChatOpenAI sends `max_tokens` in the body (what llama.cpp reads); Ollama gets `num_predict`; a lower
    limit set on the model is kept."""
    assert max_tokens_for(SECTION) == 2 * len(SECTION) + 64
    openai = chat_model(Settings(llm_url="http://127.0.0.1:9/v1", llm_model="m"))
    assert openai is not None
    bound = capped(openai, 300, Budget(5))
    assert bound.kwargs["extra_body"] == {"max_tokens": 300}  # type: ignore[attr-defined]
    assert 4 < bound.kwargs["timeout"] <= 5  # type: ignore[attr-defined]
    lower = chat_model(Settings(llm_url="http://127.0.0.1:9/v1", llm_model="m"), max_tokens=128)
    assert lower is not None
    assert capped(lower, 300, Budget.unlimited()).kwargs == {"extra_body": {"max_tokens": 128}}  # type: ignore[attr-defined]

    ollama = chat_model(Settings(llm_url="http://127.0.0.1:9", llm_model="m", llm_provider="ollama"))
    assert isinstance(ollama, ChatOllama)
    limited = capped(ollama, 300, Budget(5))
    assert isinstance(limited, ChatOllama) and limited.num_predict == 300 and ollama.num_predict is None


class _EndlessServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that streams “。” every 50 ms until the client hangs up."""

    server: _Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        chunk = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": "。"}, "finish_reason": None}],
        }
        try:
            while True:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            self.server.hung_up.append(time.monotonic())

    def log_message(self, *args: Any) -> None:
        pass


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _EndlessServer)
        self.requests: list[dict[str, Any]] = []
        self.hung_up: list[float] = []


@pytest.fixture
def endless_server() -> Iterator[_Recorder]:
    server = _Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_real_client_hangs_up_when_the_budget_runs_out(
    endless_server: _Recorder, loopback_only: list[object]
) -> None:
    """The real ChatOpenAI client against a loopback server that streams forever: the request asks for a
    streamed answer of at most `max_tokens_for(section)` tokens, and the connection is closed at the deadline,
    which is what makes a llama.cpp server stop generating."""
    port = endless_server.server_address[1]
    model = chat_model(Settings(llm_url=f"http://127.0.0.1:{port}/v1", llm_model="m", llm_timeout=60))
    assert model is not None
    started = time.monotonic()
    result = rewrite(model, budget=Budget(1))
    assert time.monotonic() - started < 1 + SLACK
    assert result.reasons == ["大语言模型在本次限定的 1 秒内没有答完，保留原文"]
    deadline = time.monotonic() + SLACK
    while not endless_server.hung_up and time.monotonic() < deadline:
        time.sleep(0.05)
    assert endless_server.hung_up and endless_server.hung_up[0] - started < 1 + SLACK
    (request,) = endless_server.requests
    assert request["stream"] is True and request["max_tokens"] == max_tokens_for(SECTION)
    assert loopback_only == []


# --- The guard: figures against the tables, and what the source locks ---------------------------------

REQUESTS_HEADING = "（二）依申请公开"
REQUESTS = "全年共收到政府信息公开申请41件，其中上年结转1件；办结38件，结转下年度继续办理3件。"
TABLES = {"t3.new.total": 40, "t3.carried_in.total": 1, "t3.handled.total": 38, "t3.carried_out.total": 3}
YEAR_FIGURES = (40, 1, 38, 3)


def guard(rewrite_text: str, source: str = REQUESTS, **options: Any) -> list[str]:
    result = check_numbers(
        rewrite_text, YEAR_FIGURES, source, tables=TABLES, fmt="gb2021", heading=REQUESTS_HEADING, **options
    )
    return result.reasons()


def test_a_count_must_agree_with_the_figure_its_clause_names() -> None:
    """“办结3件”: 3 is this year's 结转 count, but 办结 is 38. Being another figure of the year is not enough."""
    (reason,) = guard(REQUESTS.replace("办结38件", "办结3件"))
    assert reason.startswith("“3件”与表格不符：这句说的是表三")
    assert "（本年为 38）" in reason and "不是这句所说的那一项" in reason
    assert "所在句子：办结3件，结转下年度继续办理3件。" in reason
    # Written in Chinese numerals, the same.
    assert guard(REQUESTS.replace("办结38件", "办结三件"))[0].startswith("“三件”与表格不符")


def test_a_count_that_agrees_with_its_figure_passes() -> None:
    assert (
        guard("全年收到政府信息公开申请41件（含上年结转1件），已全部办理完毕38件，3件结转至下年度继续办理。")
        == []
    )
    # “收到申请41件” may be 新收 alone (40) or 新收 + 上年结转 (41): both readings agree.
    assert guard(REQUESTS.replace("41件", "40件")) == []


def test_without_the_tables_the_clause_still_names_what_is_counted() -> None:
    """A number of the source vouches only for the same thing: “结转下年度继续办理3件” not for “办结3件”."""
    result = check_numbers(REQUESTS.replace("办结38件", "办结3件"), (), REQUESTS)
    (rejected,) = result.rejected
    assert rejected.number == "3件" and "结转下年度继续办理3件" in rejected.reason
    reworded = "共召开3场新闻发布会，编制明白卡12张。"
    assert check_numbers(reworded, (), "召开新闻发布会3场，编制“政策明白卡”12张。").ok


def test_a_rejected_rewrite_through_the_model_names_the_number_and_keeps_the_text() -> None:
    """The model is a fake, for an exact case: its rewrite says 办结3件 where the table says 38."""
    wrong = REQUESTS.replace("办结38件", "办结3件")
    result = rewrite_section(
        FakeListChatModel(responses=[wrong]),
        heading=REQUESTS_HEADING,
        text=REQUESTS,
        year=2025,
        allowed=YEAR_FIGURES,
        instruction="写得简洁一些",
        tables=TABLES,
        fmt="gb2021",
    )
    assert result.text == REQUESTS and not result.accepted
    assert len(result.reasons) == 1 and result.reasons[0].startswith("“3件”与表格不符")


RULES = (
    "按照《示例市科学技术局政务公开工作要点（2025年）》（示科办〔2025〕3号）部署，"
    "统计期限自2025年1月1日起至2025年12月31日止。"
)


@pytest.mark.parametrize(
    ("changed", "problem"),
    [
        (RULES.replace("〔2025〕3号", "〔2025〕5号"), "原文中的文号“〔2025〕3号”被删去或改动了"),
        (RULES.replace("（示科办〔2025〕3号）", ""), "原文中的文号“〔2025〕3号”被删去或改动了"),
        (RULES.replace("12月31日", "12月30日"), "原文中的日期“2025年12月31日”被删去或改动了"),
        (
            RULES.replace("工作要点", "工作安排"),
            "原文中的文件名称“《示例市科学技术局政务公开工作要点（2025年）》”被删去或改动了",
        ),
    ],
    ids=["doc-number-changed", "doc-number-dropped", "date-changed", "title-changed"],
)
def test_dates_document_numbers_and_titles_are_locked(changed: str, problem: str) -> None:
    result = check_numbers(changed, (), RULES)
    assert any(p.startswith(problem) for p in result.locked_problems), result.reasons()
    assert not result.ok


def test_a_request_to_change_them_unlocks_them() -> None:
    request = "把文件名称改为《示例市科学技术局政务公开工作安排（2025年）》，文号改为示科办〔2025〕5号"
    changed = RULES.replace("工作要点", "工作安排").replace("〔2025〕3号", "〔2025〕5号")
    assert check_numbers(changed, (), RULES, unlock=True, request=request).ok
    # Unlocked is not free: a title neither in the source nor in the request is still made up.
    invented = RULES.replace("工作要点", "工作方案")
    assert check_numbers(invented, (), RULES, unlock=True, request=request).locked_problems == [
        "改写中出现了原文没有的文件名称“《示例市科学技术局政务公开工作方案（2025年）》”"
    ]


def test_a_rewrite_that_changes_a_document_number_is_rejected_unless_asked() -> None:
    """The model is a fake, for an exact case: it changes the 文号; only a request that unlocks it lets it."""
    changed = RULES.replace("〔2025〕3号", "〔2025〕5号")

    def ask(**options: Any) -> Rewrite:
        return rewrite_section(
            FakeListChatModel(responses=[changed]),
            heading=HEADING,
            text=RULES,
            year=2025,
            allowed=(),
            **options,
        )

    refused = ask(instruction="写得简洁一些")
    assert refused.text == RULES and not refused.accepted
    assert any("〔2025〕3号" in r and "被删去或改动了" in r for r in refused.reasons)
    assert any("〔2025〕5号" in r for r in refused.reasons)  # the invented number is named
    assert ask(instruction="文号改为示科办〔2025〕5号", unlock=True) == Rewrite(text=changed, accepted=True)
