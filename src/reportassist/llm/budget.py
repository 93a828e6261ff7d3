"""The time a whole draft or chat turn may spend waiting for the language model.

A slow model on a busy machine can take minutes per answer; a draft or a turn must finish all the same.
The caller creates one `Budget` when the draft or the turn starts and hands it to every model call:
each call stops reading when the deadline passes, and calls made after it do not reach the model at all.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["Budget"]


class Budget:
    """A deadline `seconds` from now (None: no deadline), shared by the model calls of one draft or turn."""

    def __init__(self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        if seconds is not None and seconds < 0:
            raise ValueError(f"a time budget cannot be negative: {seconds}")
        self.seconds = seconds
        self._clock = clock
        self._started = clock()

    @classmethod
    def unlimited(cls) -> Budget:
        """No deadline: calls are bounded only by their token limit and the client's own timeout."""
        return cls(None)

    @property
    def limited(self) -> bool:
        return self.seconds is not None

    def elapsed(self) -> float:
        """Seconds since the budget was created."""
        return self._clock() - self._started

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative; infinite without a deadline)."""
        if self.seconds is None:
            return math.inf
        return max(0.0, self.seconds - self.elapsed())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def describe(self) -> str:
        """The budget as staff read it: “120 秒”, “2.5 秒”, “不限时”."""
        return "不限时" if self.seconds is None else f"{self.seconds:g} 秒"

    def __repr__(self) -> str:
        return f"Budget(seconds={self.seconds!r}, remaining={self.remaining():.3g})"
