"""How long one chat turn takes without a language model (target: median well under 50 ms in-process).

Run from the checkout:

    .venv/bin/python benchmarks/revision.py [--rounds N]

The sample 2025 draft (示例市科学技术局 2024 → 2025 with corpus/示例市科学技术局/figures-2025.yaml) is made once;
then each message below is applied to it `--rounds` times after one warm-up (each turn makes the draft again,
validates it before and after and composes the reply), and the median and slowest are printed. Then the
command line end to end, in a fresh process each time: `reportassist --help` (start-up alone) and
`reportassist revise 草稿.json "…"` (start-up, reading the draft, the turn, saving), three runs each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "示例市科学技术局"
MESSAGES = (
    "行政处罚的处理决定改为13件",
    "本年新收申请12件，其中自然人10件、商业企业2件",
    "把第五部分的“部分申请的答复集中在法定期限的最后几天”改为“部分申请临近法定期限才答复”",
    "还有哪些待填",
    "表三总计是怎么来的",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)

    from reportassist import read_report
    from reportassist.drafting import DraftInputs, assemble_draft, save_draft
    from reportassist.given_figures import load_figures
    from reportassist.revision import revise

    given = load_figures(SAMPLE / "figures-2025.yaml", 2025)
    draft = assemble_draft(
        DraftInputs(
            prior=read_report(SAMPLE / "2024.md"),
            year=2025,
            figures=given.figures,
            figures_source="figures-2025.yaml",
        )
    )
    print("一次对话修改（进程内，不用模型），毫秒：")
    for message in MESSAGES:
        revise(draft, message)
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            revise(draft, message)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  中位数 {statistics.median(times):6.1f}　最慢 {max(times):6.1f}　{message[:30]}")
    undo = revise(draft, MESSAGES[0]).draft
    times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        revise(undo, "撤销")
        times.append((time.perf_counter() - started) * 1000)
    print(f"  中位数 {statistics.median(times):6.1f}　最慢 {max(times):6.1f}　撤销")

    env = {**os.environ, "REPORTASSIST_LLM_URL": ""}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "草稿.json"
        save_draft(draft, path)
        print("命令行从启动到结束（3 次），秒：")
        for label, command in (
            ("reportassist --help", ["--help"]),
            ("reportassist revise（改一个数字）", ["revise", str(path), MESSAGES[0]]),
        ):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "reportassist", *command], env=env, capture_output=True, check=True
                )
                times.append(time.perf_counter() - started)
                save_draft(draft, path)
            print(f"  中位数 {statistics.median(times):5.2f}　{label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
