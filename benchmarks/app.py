"""The web app under use by one person, on loopback: page load, a chat turn, a .docx upload.

Run from the checkout:

    .venv/bin/python benchmarks/app.py [--rounds 10]

`reportassist serve` is started in its own process on a fresh store (default settings, so the corpus uses the
default embeddings). Measured:

- page load to usable: a fresh headless chromium (Debian's, /usr/bin/chromium) opens the page until the 起草
  button is there and the page's start-up events have finished; skipped where chromium is not installed;
- a chat turn without a language model through the app: `gradio_client` calls /chat (the turn, saving the
  workspace) and, in the browser, the time from pressing Enter to the reply being shown with the page updated;
- upload + parse of a .docx (the sample 2024 report exported to Word, a different one each time):
  /upload_reports (reading, validating, adding to the corpus); the first upload also opens the corpus store.

Many sessions at once: benchmarks/app_load.py.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
CHROMIUM = Path("/usr/bin/chromium")


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(store: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`reportassist serve` on a free port with its own store, without a language model, `env` added."""
    import httpx

    port = _port()
    command = [sys.executable, "-m", "reportassist", "serve", "--port", str(port), "--store", str(store)]
    environment = {**os.environ, "REPORTASSIST_LLM_URL": "", **(env or {})}
    process = subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            if httpx.get(url, timeout=2).status_code in (200, 401):
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the app did not start")


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def percentiles_ms(times: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank) of `times` in seconds, in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _ms(times: list[float]) -> str:
    p50, p95 = percentiles_ms(times)
    return f"p50 {p50:7.0f}　p95 {p95:7.0f}"


def _docx_reports(folder: Path, count: int) -> list[Path]:
    """The sample 2024 report as Word files, each with a sentence of its own (so each is a new report)."""
    from reportassist import read_report
    from reportassist.exporters import export

    report = read_report(SAMPLE / "2024.md")
    paths = []
    for number in range(count):
        variant = report.model_copy(deep=True)
        variant.sections[-1].text += f"\n本报告第 {number + 1} 份测试副本。"
        paths.append(export(variant, folder / f"示例报告{number + 1}.docx"))
    return paths


def _browser(url: str, rounds: int) -> None:
    if not CHROMIUM.exists():
        print("页面载入、浏览器中的对话：跳过（没有安装 chromium）")
        return
    from playwright.sync_api import sync_playwright

    loads: list[float] = []
    turns: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        idle = "document.querySelectorAll('.pending, .generating').length === 0"
        for _ in range(rounds):
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url, wait_until="load")
            page.get_by_role("button", name="④ 起草").wait_for()
            page.wait_for_function(idle)
            loads.append(time.perf_counter() - started)
            context.close()
        page = browser.new_page(locale="zh-CN")
        page.set_default_timeout(60_000)
        page.goto(url, wait_until="load")
        page.locator("#ra-uploads input[type=file]").set_input_files(str(SAMPLE / "2024.md"))
        page.locator(".ra-priors").wait_for()
        page.get_by_label("粘贴本年数据").fill((SAMPLE / "figures-2025.yaml").read_text(encoding="utf-8"))
        page.get_by_role("button", name="读取本年数据").click()
        page.get_by_text("读取到").wait_for()
        page.get_by_role("button", name="④ 起草").click()
        page.get_by_text("起草了 2025 年度报告").wait_for()
        page.wait_for_function(idle)
        box = page.get_by_placeholder("对草稿说一句话，按回车发送，例如“行政处罚的处理决定改为13件”")
        for number in range(rounds):
            box.fill(f"行政处罚的处理决定改为{number + 20}件")
            started = time.perf_counter()
            box.press("Enter")
            page.locator("#ra-chat").get_by_text(f"已修改（第 {number + 2} 版）").wait_for()
            page.wait_for_function(idle)
            turns.append(time.perf_counter() - started)
        browser.close()
    print(f"页面载入到可以操作（{rounds} 次，新的浏览器上下文），毫秒：{_ms(loads)}")
    print(f"浏览器中一次对话修改（按回车到回复显示、页面更新完），毫秒：{_ms(turns)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    from gradio_client import Client, handle_file

    with tempfile.TemporaryDirectory(prefix="reportassist-bench-") as folder:
        process, url = start(Path(folder) / "store")
        try:
            now, peak = memory_mb(process.pid)
            print(f"启动后服务进程内存（MB，当前 / 峰值）：{now:.0f} / {peak:.0f}")
            client = Client(url, verbose=False)
            docx = _docx_reports(Path(folder), args.rounds + 1)
            started = time.perf_counter()
            client.predict([handle_file(docx[0])], api_name="/upload_reports")
            cold = (time.perf_counter() - started) * 1000
            print(f"第一次上传 .docx（含打开语料库、载入嵌入模型），毫秒：{cold:.0f}")
            uploads = []
            for path in docx[1:]:
                started = time.perf_counter()
                client.predict([handle_file(path)], api_name="/upload_reports")
                uploads.append(time.perf_counter() - started)
            print(f"上传并读取一份 .docx（读取、校验、加入语料库），毫秒：{_ms(uploads)}")
            _browser(url, args.rounds)
            client.predict(
                (SAMPLE / "figures-2025.yaml").read_text(encoding="utf-8"), None, api_name="/set_figures"
            )
            client.predict(None, api_name="/make_draft")
            turns = []
            for number in range(args.rounds * 2):
                started = time.perf_counter()
                client.predict(f"行政处罚的处理决定改为{number + 20}件", api_name="/chat")
                turns.append(time.perf_counter() - started)
            print(f"通过 API 一次对话修改（/chat，不用模型），毫秒：{_ms(turns)}")

            now, peak = memory_mb(process.pid)
            print(f"服务进程内存（MB，当前 / 峰值）：{now:.0f} / {peak:.0f}")
            return 0
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
