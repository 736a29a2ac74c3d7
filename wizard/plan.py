"""The plan: one object that drives the preview, `plan` text and JSON, and `apply`.

A plan lists, per step, the changes it will make. Each change carries the exact calls that
`apply` will send, so what a person approved is exactly what is sent.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    # Only `destroy` plans delete, and only what the wizard made.
    DELETE = "delete"
    NOOP = "no change"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    DANGER = "danger"


@dataclass(frozen=True)
class Call:
    """One write call: `service` names a client of the AWS seam or the GitHub seam."""

    service: str
    operation: str
    params: Mapping[str, Any]
    # Names of params whose values are never printed (e.g. a secret's plaintext).
    redact: tuple[str, ...] = ()

    def shown_params(self) -> dict[str, Any]:
        return {k: ("***" if k in self.redact else v) for k, v in self.params.items()}

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "operation": self.operation, "params": self.shown_params()}


@dataclass(frozen=True)
class Note:
    severity: Severity
    text: str

    def to_json(self) -> dict[str, str]:
        return {"severity": str(self.severity), "text": self.text}


@dataclass(frozen=True)
class Change:
    action: Action
    resource: str
    summary: str
    calls: tuple[Call, ...] = ()
    # The JSON document this change sends (trust or push policy), for preview and review.
    document: Mapping[str, Any] | None = None
    document_name: str = ""
    diff: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "action": str(self.action),
            "resource": self.resource,
            "summary": self.summary,
            "calls": [c.to_json() for c in self.calls],
        }
        if self.document is not None:
            out["document_name"] = self.document_name
            out["document"] = self.document
        if self.diff:
            out["diff"] = self.diff
        return out


@dataclass(frozen=True)
class StepPlan:
    step: int
    key: str
    title: str
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()
    # Values later steps and the summary need (repository URI, role ARN, ...).
    outputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def calls(self) -> tuple[Call, ...]:
        return tuple(c for ch in self.changes for c in ch.calls)

    @property
    def has_changes(self) -> bool:
        return any(ch.action is not Action.NOOP for ch in self.changes)

    @property
    def widens_access(self) -> bool:
        return any(n.severity is Severity.DANGER for n in self.notes)

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "key": self.key,
            "title": self.title,
            "changes": [c.to_json() for c in self.changes],
            "notes": [n.to_json() for n in self.notes],
            "outputs": dict(self.outputs),
        }


def canonical_json(document: Any) -> str:
    """Stable text of a JSON document, used for comparison and diffs."""
    return json.dumps(document, indent=2, sort_keys=True)


def documents_equal(current: Any, desired: Any) -> bool:
    return canonical_json(normalise_policy(current)) == canonical_json(normalise_policy(desired))


def normalise_policy(document: Any) -> Any:
    """IAM returns a one-element list as a scalar and vice versa; compare them as equal."""
    if isinstance(document, dict):
        return {k: normalise_policy(v) for k, v in document.items()}
    if isinstance(document, list):
        items = [normalise_policy(v) for v in document]
        if len(items) == 1 and not isinstance(items[0], dict):
            return items[0]
        if all(isinstance(i, str) for i in items):
            return sorted(items)
        return items
    return document


def json_diff(current: Any, desired: Any, name: str) -> str:
    """Unified diff of two JSON documents, current first."""
    before = canonical_json(current).splitlines()
    after = canonical_json(desired).splitlines()
    lines = difflib.unified_diff(
        before, after, fromfile=f"{name} (current)", tofile=f"{name} (planned)", lineterm=""
    )
    return "\n".join(lines)


def value_diff(label: str, current: Any, desired: Any) -> str:
    return f"- {label}: {current}\n+ {label}: {desired}"
