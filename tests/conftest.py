"""Shared test set-up: offline, and the locations of the real reports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
# Two real recent reports with their true figures; present beside the checkout in CI.
REAL = ROOT.parent / "shared" / "real"


@pytest.fixture
def real_dir() -> Path:
    if not (REAL / "manifest.json").exists():
        pytest.skip("../shared/real is not present beside this checkout")
    return REAL
