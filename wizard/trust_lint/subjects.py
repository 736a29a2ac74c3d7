"""Reading a GitHub statement's conditions, and splitting a `sub` value into its parts.

A `sub` of the default template is ``repo:OWNER[@ID]/REPO[@ID]:CONTEXT``; a custom template
(``include_claim_keys``) writes ``key:value`` pairs instead, where ``repo:OWNER/REPO`` may
appear anywhere or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.iam.document import scalar_value
from wizard.iam.operators import Operator, parse_operator
from wizard.iam.operators import compare as compare_values

# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cond:
    op_raw: str
    op: Operator | None
    key: str  # lower-cased
    values: tuple[str, ...]

    @property
    def positive(self) -> bool:
        return self.op is not None and self.op.base != "Null" and not self.op.negated


@dataclass(frozen=True)
class Sub:
    """A `sub` value of the form repo:OWNER[@ID]/REPO[@ID]:REST, split into its parts."""

    owner: str
    owner_id: str | None
    repo: str | None
    repo_id: str | None
    rest: str | None
    owner_seg: str
    repo_seg: str | None


def wild(text: str | None) -> bool:
    return text is not None and ("*" in text or "?" in text)


def values_of(raw: object) -> tuple[str, ...]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    return tuple(s for s in (scalar_value(v) for v in items) if s is not None)


def conditions(stmt: Mapping[str, Any]) -> list[Cond]:
    block = stmt.get("Condition")
    if not isinstance(block, Mapping):
        return []
    out: list[Cond] = []
    for op_raw, keys in block.items():
        if not isinstance(keys, Mapping):
            continue
        op = parse_operator(op_raw) if isinstance(op_raw, str) else None
        for key, raw in keys.items():
            out.append(Cond(str(op_raw), op, str(key).lower(), values_of(raw)))
    return out


def split_id(segment: str) -> tuple[str, str | None]:
    name, at, ident = segment.partition("@")
    return name, (ident if at else None)


def parse_sub(value: str) -> Sub | None:
    if not value.startswith("repo:"):
        return None
    body = value[len("repo:") :]
    slash = body.find("/")
    colon = body.find(":")
    if slash == -1 or (colon != -1 and colon < slash):
        owner_seg = body if colon == -1 else body[:colon]
        rest = None if colon == -1 else body[colon + 1 :]
        owner, owner_id = split_id(owner_seg)
        return Sub(owner, owner_id, None, None, rest, owner_seg, None)
    owner_seg = body[:slash]
    after = body[slash + 1 :]
    colon = after.find(":")
    repo_seg = after if colon == -1 else after[:colon]
    rest = None if colon == -1 else after[colon + 1 :]
    owner, owner_id = split_id(owner_seg)
    repo, repo_id = split_id(repo_seg)
    return Sub(owner, owner_id, repo, repo_id, rest, owner_seg, repo_seg)


REPOSITORY_CLAIM = re.compile(r"(?:^|:)(?:repository:[^:*?/]+/[^:*?]+|repository_id:\d+)(?::|$)")


def names_a_repository(value: str) -> bool:
    """True when the `sub` value pins one repository by itself. `repo:` forms, and patterns
    that may match them, are judged by the wildcard rules; a custom template by its claims."""
    if value.startswith("repo:") or wild(value[: len("repo:")]):
        return True
    return bool(REPOSITORY_CLAIM.search(value))


def compare(op: Operator, request: str, policy: str) -> bool:
    """`request` equals or matches `policy` under `op` (unreadable values do not)."""
    return bool(compare_values(op, request, policy))
