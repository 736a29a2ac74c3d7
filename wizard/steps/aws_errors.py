"""Telling "it does not exist yet" apart from real failures, without importing botocore early."""

from __future__ import annotations

from typing import Any

NOT_FOUND_CODES = frozenset({"NoSuchEntity", "RepositoryNotFoundException"})


def error_code(exc: BaseException) -> str:
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def is_not_found(exc: BaseException) -> bool:
    return error_code(exc) in NOT_FOUND_CODES


# moto answers ECR denials with the HTTP status as the code (see tests' AccessDenied setup).
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "403"})


def is_access_denied(exc: BaseException) -> bool:
    return error_code(exc) in ACCESS_DENIED_CODES


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
