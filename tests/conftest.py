"""Shared test set-up: offline, and the locations of the real reports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
# Two real recent reports with their true figures; present beside the checkout in CI.
REAL = ROOT.parent / "shared" / "real"


@pytest.fixture
def real_dir() -> Path:
    """../shared/real; missing, the test is skipped on a developer's machine and fails in CI, which has it."""
    if not (REAL / "manifest.json").exists():
        if os.environ.get("CI"):
            pytest.fail("../shared/real is missing beside the checkout: CI must have it")
        pytest.skip("../shared/real is not present beside this checkout")
    return REAL


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Connections beyond this machine fail, and are recorded in the list the fixture gives."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError("network access attempted in an offline test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


def run_cli(
    *args: object, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`reportassist ARGS…` in a fresh process, as staff run it: without a language model unless `env` sets one."""
    environment = {**os.environ, "COLUMNS": "160", "REPORTASSIST_LLM_URL": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "reportassist", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )
