"""Reading IAM policy documents whatever their shape (one statement or a list, one value or
several)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _statements(policy: object) -> list[Mapping[str, Any]]:
    if not isinstance(policy, Mapping):
        return []
    raw = policy.get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, Mapping)]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _federated(stmt: Mapping[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if isinstance(principal, Mapping):
        return _strings(principal.get("Federated"))
    return []
