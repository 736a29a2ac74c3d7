"""What a step observed, as plain JSON and as a fingerprint.

Each step's `inspect` returns a frozen dataclass. A saved plan keeps it in plain JSON (so a
refusal can show what changed) and its sha256 over a canonical text (so `apply FILE` can tell,
with one comparison, whether the world is still the one the plan was made from).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """JSON-ready data: dataclasses become objects, sets become sorted lists, enums values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=canonical_text)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def canonical_text(value: Any) -> str:
    """One text per value: keys sorted, no whitespace, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(value: Any) -> str:
    """`sha256:<hex>` of the canonical text of the plain form."""
    digest = hashlib.sha256(canonical_text(plain(value)).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def state_diff(before: Any, after: Any, name: str) -> str:
    """A unified diff of two observed states, saved first."""
    import difflib

    old = json.dumps(before, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    new = json.dumps(after, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    lines = difflib.unified_diff(
        old, new, fromfile=f"{name} (when planned)", tofile=f"{name} (now)", lineterm=""
    )
    return "\n".join(lines)
