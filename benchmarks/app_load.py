"""Many people at once: `--sessions` `gradio_client` sessions, each signed in as a user of its own, each
giving a report of its own agency and figures of its own, drafting, changing a figure in the chat and
exporting the .docx; then each asks for another's draft by its real id.

Run from the checkout:

    .venv/bin/python benchmarks/app_load.py [--sessions 20]

`reportassist serve` is started in its own process on a fresh store, with one user per session and default
settings otherwise (the corpus uses the default embeddings). Printed: the calls made and the errors; what a
session saw of another's (its export or its list of drafts holding another's agency or figure, another's
draft opened): must be nothing; p50 and p95 of each call; the server's resident memory at its peak; and the
temporary files (Gradio's copies of uploads and downloads, and the app's exports) before the sessions, after
them and once `temp_seconds` have passed.

tests/test_app_load.py runs the same sessions, fewer of them, against its own server.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app import SAMPLE, memory_mb, percentiles_ms, start

if TYPE_CHECKING:
    from gradio_client import Client

CALLS = ("/upload_reports", "/set_figures", "/make_draft", "/chat", "/export")
_AGENCY = "示例市科学技术局"  # the sample's agency, replaced by each session's own


@dataclass(frozen=True)
class Session:
    """One person: a user of their own, a report of an agency of their own, a figure of their own."""

    number: int

    @property
    def user(self) -> tuple[str, str]:
        return f"user{self.number:02d}", f"pw-{self.number:02d}"

    @property
    def agency(self) -> str:
        return f"示例市第{self.number}号测试局"

    @property
    def penalties(self) -> int:
        return 300 + self.number

    def report(self, folder: Path) -> Path:
        path = folder / f"{self.agency}2024年度报告.md"
        path.write_text(
            (SAMPLE / "2024.md").read_text(encoding="utf-8").replace(_AGENCY, self.agency), encoding="utf-8"
        )
        return path

    def figures(self) -> str:
        return (SAMPLE / "figures-2025.yaml").read_text(encoding="utf-8").replace(_AGENCY, self.agency)


@dataclass
class LoadResult:
    """What the sessions met: the seconds of each call, errors, and whatever one saw of another's."""

    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(len(times) for times in self.timings.values())


def users_setting(count: int) -> str:
    """The `auth` setting with the users of `count` sessions."""
    return ",".join(":".join(Session(n).user) for n in range(1, count + 1))


def run_sessions(url: str, count: int, folder: Path) -> LoadResult:
    """`count` sessions at once, each through the whole flow; then each asks for the next one's draft."""
    from gradio_client import Client

    sessions = [Session(n) for n in range(1, count + 1)]
    result = LoadResult()
    lock = threading.Lock()
    finished: dict[Session, tuple[Client, str]] = {}

    def work(session: Session) -> None:
        try:
            client = Client(url, auth=session.user, verbose=False)
            draft_id = _flow(client, session, folder, result, lock)
        except Exception as exc:  # noqa: BLE001 - counted and shown
            with lock:
                result.errors.append(f"{session.user[0]}: {type(exc).__name__}: {exc}")
            return
        with lock:
            finished[session] = (client, draft_id)

    threads = [threading.Thread(target=work, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = sorted(finished, key=lambda s: s.number)
    for session, other in zip(done, done[1:] + done[:1], strict=True):
        if other != session:
            _try_to_open(finished[session][0], session, other, finished[other][1], result)
    return result


def _flow(client: Client, session: Session, folder: Path, result: LoadResult, lock: threading.Lock) -> str:
    """The whole flow, timed call by call and checked; the id of the session's draft."""
    from gradio_client import handle_file

    from reportassist import read_report
    from reportassist.exporters import to_markdown

    def call(name: str, *args: object) -> object:
        started = time.perf_counter()
        answer = client.predict(*args, api_name=name)
        with lock:
            result.timings[name].append(time.perf_counter() - started)
        return answer

    def leak(what: str) -> None:
        with lock:
            result.leaks.append(f"{session.user[0]}: {what}")

    summary = str(call("/upload_reports", [handle_file(session.report(folder))]))
    if f"{session.agency}，2024 年度" not in summary:
        raise RuntimeError(f"upload not read: {summary}")
    understood = str(call("/set_figures", session.figures(), None))
    if "读取到" not in understood or "未能" in understood:
        raise RuntimeError(f"figures not read: {understood}")
    markdown = str(call("/make_draft", None))
    if not markdown.startswith(f"# {session.agency}2025年度"):
        leak(f"its draft is not its own: {markdown[:60]}")
    reply = str(call("/chat", f"行政处罚的处理决定改为{session.penalties}件"))
    if f"0 → {session.penalties}" not in reply:
        raise RuntimeError(f"the chat change was not made: {reply}")
    exported = read_report(Path(str(call("/export", "docx"))))
    text = to_markdown(exported)
    if exported.meta.agency != session.agency or exported.figures.get("t2.penalty.decisions") != (
        session.penalties
    ):
        leak(
            f"its export is not its own: {exported.meta.agency}, {exported.figures.get('t2.penalty.decisions')}"
        )
    others = [n for n in range(1, 100) if n != session.number and f"示例市第{n}号测试局" in text]
    if others:
        leak(f"its export names the agencies of sessions {others}")
    cards = client.predict(api_name="/drafts")
    if len(cards) != 1 or session.agency not in cards[0]["title"]:
        leak(f"its list of drafts is not just its own: {cards}")
    return str(cards[0]["id"]) if cards else ""


def _try_to_open(client: Client, session: Session, other: Session, draft_id: str, result: LoadResult) -> None:
    """The session asks for another's draft by its real id: it must be refused, in Chinese, with nothing of it."""
    try:
        opened = client.predict(draft_id, api_name="/open_draft")
    except Exception as exc:  # noqa: BLE001 - the refusal expected
        if "找不到这份草稿" not in str(exc):
            result.errors.append(f"{session.user[0]} opening another's draft: {type(exc).__name__}: {exc}")
        return
    result.leaks.append(f"{session.user[0]} opened the draft of {other.user[0]}: {str(opened)[:60]}")


def temporary_files(tmpdir: Path) -> int:
    """The files in Gradio's cache and the app's exports, in the server's TMPDIR (where GRADIO_TEMP_DIR is its
    `gradio` folder); jieba's dictionary cache there is neither."""
    folders = [tmpdir / "gradio", *tmpdir.glob("reportassist-exports-*")]
    return sum(1 for folder in folders for path in folder.rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--temp-seconds", type=int, default=60, help="the server's temp_seconds setting")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reportassist-load-") as name:
        folder = Path(name)
        temporary = folder / "tmp"
        temporary.mkdir()
        env = {
            "REPORTASSIST_AUTH": users_setting(args.sessions),
            "REPORTASSIST_TEMP_SECONDS": str(args.temp_seconds),
            "TMPDIR": str(temporary),
            "GRADIO_TEMP_DIR": str(temporary / "gradio"),
        }
        process, url = start(folder / "store", env)
        try:
            before = temporary_files(temporary)
            now, _ = memory_mb(process.pid)
            started = time.perf_counter()
            result = run_sessions(url, args.sessions, folder)
            elapsed = time.perf_counter() - started
            after = temporary_files(temporary)
            _, peak = memory_mb(process.pid)
            print(
                f"{args.sessions} 个会话（各用一个用户）同时走完全流程：用时 {elapsed:.1f} 秒，"
                f"调用 {result.calls} 次，错误 {len(result.errors)} 个，看到别人的内容 {len(result.leaks)} 次"
            )
            for message in [*result.errors, *result.leaks][:10]:
                print(f"  {message}")
            for name in CALLS:
                p50, p95 = percentiles_ms(result.timings[name])
                print(f"  {name:16} p50 {p50:6.0f}　p95 {p95:6.0f}（毫秒，{len(result.timings[name])} 次）")
            print(f"服务进程常驻内存（MB）：会话开始前 {now:.0f}，峰值 {peak:.0f}")
            time.sleep(args.temp_seconds * 1.1 + 2)
            print(
                f"临时文件：会话开始前 {before} 个，会话结束后 {after} 个，"
                f"{args.temp_seconds} 秒后 {temporary_files(temporary)} 个"
            )
            return 1 if result.errors or result.leaks else 0
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
