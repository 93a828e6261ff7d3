"""A province's corpus on a Chroma server: ingest rate, search latency, memory and disk as the store grows.

Run from the checkout:

    .venv/bin/python benchmarks/province.py [--sections 1000000] [--steps 10000,100000,300000,1000000]
                                            [--embedding use-multilingual] [--chroma HOST:PORT] [--minutes M]

A `chroma run` server is started on a free loopback port with its data in the work folder (or the one given by
`--chroma` is used), and fictional reports (`retrieval.fictional_files`: the repository's reports under other
agencies, years and sentence orders) are ingested into one store in steps: at each step the files that take the
store to the step's size are ingested by `store.ingest` in a fresh process, then another fresh process opens the
store and searches it. A row is printed after each step, so that a run stopped early (`--minutes`: no new step
starts after that time) still gives every figure up to there:

    sections       sections in the store (the store's own count)
    ingest /s      sections added / seconds of that step's ingest (model loaded beforehand)
    ingest MiB     peak resident memory of the ingesting process
    open, first    opening the store, and its first hybrid query (k = 5), in a fresh process
    p50 / p95      hybrid latency over the labelled queries (benchmarks/retrieval_queries.json), `--rounds` rounds,
                   each query with the next of retrieval.py's filters: none, agency, years, format, section,
                   agency + years; and the worst filter's p95
    query MiB      peak resident memory of the querying process
    server MiB     the Chroma server's resident memory after the step (and its high-water mark)
    store / server disk   the store folder and the server's data folder, on disk

The generated reports repeat one another's sentences (one passage in five is distinct at 10,000 sections, one in
25 at 1,000,000), so their embedding costs far less than new text would: the model's own rate on distinct text
is in benchmarks/embedding_throughput.py.

Everything is written under the work folder (`--folder`, default a temporary one, removed at the end).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from retrieval import fictional_files, run_worker
from retrieval_eval import DEFAULT_EMBEDDING, corpus_files, load_queries


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def chroma_server(data: Path) -> Iterator[tuple[str, int, int]]:
    """`chroma run` on a free loopback port: (host, port, pid)."""
    from reportassist.corpus.vectors import ChromaServer, open_chroma

    port = _free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    log = (data.parent / "chroma.log").open("wb")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            open_chroma(data, ChromaServer("127.0.0.1", port)).heartbeat()
            break
        except Exception:  # noqa: BLE001 - whatever the client raises while the server is not up yet
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit(f"chroma run did not start: see {data.parent / 'chroma.log'}") from None
            time.sleep(0.3)
    try:
        yield "127.0.0.1", port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def _memory_mib(pid: int) -> tuple[float, float] | None:
    """(resident now, high-water mark) of a process, from /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    values = {line.split(":")[0]: int(line.split()[1]) / 2**10 for line in status if line.startswith("Vm")}
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _disk_mib(folder: Path) -> float:
    if not folder.exists():
        return 0.0
    done = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0]) / 2**10


def _steps(text: str, sections: int) -> list[int]:
    steps = sorted({int(step) for step in text.split(",") if int(step) < sections} | {sections})
    if steps[0] < 1:
        raise SystemExit("--steps and --sections must be positive")
    return steps


HEADER = (
    f"{'sections':>10} {'ingest /s':>9} {'ingest MiB':>10} {'open s':>7} {'first s':>7} {'p50 ms':>7} "
    f"{'p95 ms':>7} {'worst p95':>9} {'query MiB':>9} {'server MiB (peak)':>17} {'store disk':>10} "
    f"{'server disk':>11} {'step s':>7}"
)


def _row(
    ingest: dict[str, Any],
    query: dict[str, Any],
    server: tuple[float, float] | None,
    disks: tuple[float, float],
    rate: float,
    took: float,
) -> str:
    memory = f"{server[0]:,.0f} ({server[1]:,.0f})" if server else "—"
    return (
        f"{ingest['sections']:>10,} {rate:>9.0f} {ingest['rss_mib']:>10,.0f} {query['open_s']:>7.2f} "
        f"{query['first_query_s']:>7.2f} {query['p50_ms']['hybrid']:>7.1f} {query['p95_ms']['hybrid']:>7.1f} "
        f"{max(query['hybrid_p95_by_filter_ms'].values()):>9.1f} {query['rss_mib']:>9,.0f} {memory:>17} "
        f"{disks[0]:>9,.0f}M {disks[1]:>10,.0f}M {took:>7.0f}"
    )


def run(args: argparse.Namespace, folder: Path) -> None:
    queries = [q.text for q in load_queries(p.name for p in corpus_files()).queries]
    store, data = folder / "store", folder / "chroma-data"
    files = fictional_files(folder / "generated")
    began = time.perf_counter()
    print(
        f"{os.cpu_count()} CPU cores; embeddings {args.embedding}; steps {', '.join(f'{s:,}' for s in args.steps)}; "
        f"{len(queries)} labelled queries × {args.rounds} rounds",
        flush=True,
    )
    with contextlib.ExitStack() as stack:
        if args.chroma:
            host, port = args.chroma.rsplit(":", 1)
            server, pid = (host, int(port)), None
        else:
            host, port_number, pid = stack.enter_context(chroma_server(data))
            server = (host, port_number)
        print(HEADER, flush=True)
        held, planned = 0, 0
        for step in args.steps:
            if args.minutes and time.perf_counter() - began > args.minutes * 60:
                print(
                    f"stopped: {args.minutes} minutes passed before the step to {step:,} sections", flush=True
                )
                break
            batch = []
            while planned < step * 1.01:  # counted by template: a 1% margin keeps the store above the step
                path, count = next(files)
                batch.append(str(path))
                planned += count
            started = time.perf_counter()
            spec = {
                "embedding": args.embedding,
                "rounds": args.rounds,
                "chroma": list(server),
                "store": str(store),
            }
            ingest = run_worker({**spec, "kind": "ingest", "files": batch, "trace": False})
            if ingest["failed"]:
                raise SystemExit(f"ingest failed: {ingest['failed'][:3]}")
            query = run_worker({**spec, "kind": "query", "queries": queries})
            rate = (ingest["sections"] - held) / ingest["ingest_s"]
            held = ingest["sections"]
            disks = (_disk_mib(store), _disk_mib(data) if pid is not None else 0.0)
            memory = _memory_mib(pid) if pid is not None else None
            print(_row(ingest, query, memory, disks, rate, time.perf_counter() - started), flush=True)
    print(f"whole run: {time.perf_counter() - began:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sections", type=int, default=1_000_000, help="sections at the last step (default 1,000,000)"
    )
    parser.add_argument(
        "--steps", default="10000,100000,300000", help="sizes to measure on the way (comma-separated)"
    )
    parser.add_argument("--embedding", default=DEFAULT_EMBEDDING)
    parser.add_argument("--chroma", help="HOST:PORT of a running Chroma server (default: start one)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the labelled queries per step")
    parser.add_argument("--minutes", type=float, help="start no step after this many minutes")
    parser.add_argument("--folder", type=Path, help="work folder, kept (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    args.steps = _steps(args.steps, args.sections)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        run(args, args.folder)
    else:
        with tempfile.TemporaryDirectory(prefix="reportassist-province-") as tmp:
            run(args, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
