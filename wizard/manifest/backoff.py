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

from wizard.steps.aws_errors import error_code

T = TypeVar("T")

# botocore's list of throttling codes (botocore/retries/standard.py, ThrottledRetryableChecker),
# without LimitExceededException: ECR and others use it for a quota, where waiting never helps.
# IAM's ConcurrentModification is added: parallel writes to one account's IAM meet it, and the
# IAM API reference says to retry.
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "ConcurrentModification",
        "ConcurrentModificationException",
    }
)


def is_throttled(exc: BaseException) -> bool:
    return error_code(exc) in THROTTLE_CODES


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
