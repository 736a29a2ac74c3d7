"""Backing off when AWS throttles: many repositories in one run send many calls at once.

botocore's own retries come first (the AWS seam uses its "adaptive" mode for these runs, which
also slows the client down once it is throttled). When a step still ends in a throttling error,
the run waits and does the step again, up to a bound: every step inspects before it plans, so
doing it again sends only what is still missing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from wizard.steps.aws_errors import THROTTLE_CODES, is_throttled

__all__ = ["THROTTLE_CODES", "Backoff", "is_throttled"]

T = TypeVar("T")


@dataclass
class Backoff:
    """Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
    Jitter"): the wait before attempt n is uniform in [0, min(cap, base * 2**n)]."""

    attempts: int = 4
    base: float = 0.5
    cap: float = 20.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap, self.base * 2**attempt))

    def run(self, work: Callable[[], T], on_retry: Callable[[int, BaseException], None]) -> T:
        """Run `work`; on a throttling error wait and run it again, at most `attempts` times."""
        for attempt in range(self.attempts):
            try:
                return work()
            except Exception as exc:
                if not is_throttled(exc) or attempt == self.attempts - 1:
                    raise
                on_retry(attempt + 1, exc)
                self.sleep(self.delay(attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")
