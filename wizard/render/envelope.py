"""One JSON envelope for every `--json` output, so a script reads one shape.

Every document carries:
- `schema`: the kind and its version, `ecr-oidc-wizard/KIND/vN` (a JSON Schema for each kind
  ships in `wizard/schemas/KIND.schema.json`);
- `exit_code`: the command's exit code (0 ok, 1 failed or unhealthy, 2 invalid input, and the
  codes a kind documents besides);
- `error`: null, or what went wrong when there is no result to show: `type` (`usage` for
  invalid input, `failed` otherwise), `message`, and `fields` naming each invalid field and
  the rule it broke.
The kind's own fields stand beside these. A new major version of a kind is a new `vN`; adding
an optional field is not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

SCHEMA_PREFIX = "ecr-oidc-wizard"
SCHEMA_VERSION = 1
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"

# Each kind and what produces it; a kind listed here has a schema file of its name.
KINDS: Mapping[str, str] = {
    "plan": "plan: the steps' plans (and a failure, if inspecting failed)",
    "apply": "apply: the plans, the results of the calls sent, and the failure that stopped it",
    "doctor-setup": "doctor: the live setup's findings",
    "doctor-scan": "doctor --scan: every role a GitHub issuer can assume, with findings",
    "doctor-claim": "doctor --claim (or --repo/--branch/...): whether the job may assume the role",
    "explain": "explain: the guidance for an error text (and the live view with --live)",
    "explain-run": "explain --run: a failed workflow run, each failed job with its guidance",
    "verify": "verify: the pushed images, both tags and whether they share a digest",
    "export": "export: the CloudFormation or Terraform text, where it was written, WIDE markers",
    "destroy": "destroy: the removal plans, the results of the calls sent, what was kept and why",
    "manifest": "plan/apply --manifest: each repository's plan, results, state and failure",
    "rollout": "rollout plan/apply: the stack set's plan, its operations and failed instances",
}


class FieldProblem(Protocol):
    """An invalid field as the engine's validators report it (wizard.validate.FieldError)."""

    @property
    def field(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def message(self) -> str: ...


def schema_name(kind: str) -> str:
    if kind not in KINDS:
        raise KeyError(f"unknown JSON kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    return f"{SCHEMA_PREFIX}/{kind}/v{SCHEMA_VERSION}"


def schema_file(kind: str) -> Path:
    schema_name(kind)  # refuses an unknown kind
    return SCHEMAS_DIR / f"{kind}.schema.json"


def error(
    message: str, *, type: str = "usage", fields: Iterable[FieldProblem] = ()
) -> dict[str, Any]:
    """The machine-readable error: `usage` (exit 2, nothing was sent) or `failed`."""
    return {
        "type": type,
        "message": message,
        "fields": [{"field": f.field, "rule": f.rule, "message": f.message} for f in fields],
    }


def envelope(
    kind: str,
    exit_code: int,
    body: Mapping[str, Any] | None = None,
    *,
    problem: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The document for `kind`: the envelope's fields first, then the kind's own."""
    document: dict[str, Any] = {
        "schema": schema_name(kind),
        "exit_code": exit_code,
        "error": dict(problem) if problem is not None else None,
    }
    for key, value in (body or {}).items():
        if key in document:
            raise ValueError(f"{kind}: the field {key!r} belongs to the envelope")
        document[key] = value
    return document


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, default=str)
