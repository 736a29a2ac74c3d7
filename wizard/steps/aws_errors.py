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
