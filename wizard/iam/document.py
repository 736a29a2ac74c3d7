"""Reading an IAM policy document as JSON gives it: statements, lists, scalars, validity.

Nothing here raises on a malformed (but JSON-shaped) document: what cannot be read is returned
empty, and `document_problems` names what IAM would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wizard.iam.operators import glob_match, parse_operator, suggest_operator

ASSUME_ACTION = "sts:AssumeRoleWithWebIdentity"
POLICY_VERSIONS = ("2012-10-17", "2008-10-17")


def str_list(value: object) -> list[str]:
    """A string or a list of strings as a list; anything else gives the strings it holds."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def scalar_value(value: object) -> str | None:
    """A JSON scalar as IAM reads it in a condition; None for objects, lists and null.

    Quotation marks are optional for numbers and booleans: ``true`` is ``"true"``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def condition_values(raw: object) -> tuple[str, ...] | None:
    """The values of one condition key; None when one of them is not a scalar."""
    if isinstance(raw, list | tuple):
        out = [scalar_value(v) for v in raw]
        return None if any(v is None for v in out) else tuple(v for v in out if v is not None)
    one = scalar_value(raw)
    return None if one is None else (one,)


def statements(policy: object) -> list[object]:
    """The Statement element as a list (IAM accepts one object or a list)."""
    if not isinstance(policy, Mapping):
        return []
    raw = policy.get("Statement")
    if isinstance(raw, list):
        return list(raw)
    return [] if raw is None else [raw]


def quote_all(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def action_matches(statement: Mapping[str, Any], action: str) -> tuple[bool, str]:
    """Whether `statement`'s Action/NotAction covers `action`, and why not when it does not."""
    if "Action" in statement:
        patterns = str_list(statement["Action"])
        if any(glob_match(p, action, ignore_case=True) for p in patterns):
            return True, ""
        return False, f"its Action ({quote_all(patterns) or 'none'}) does not include {action}"
    if "NotAction" in statement:
        patterns = str_list(statement["NotAction"])
        if any(glob_match(p, action, ignore_case=True) for p in patterns):
            return False, f"its NotAction ({quote_all(patterns)}) excludes {action}"
        return True, ""
    return False, "it has neither Action nor NotAction"


def _statement_problems(index: int, stmt: object) -> list[str]:
    label = f"statement {index}"
    if not isinstance(stmt, Mapping):
        return [f"{label} is not an object"]
    problems: list[str] = []
    effect = stmt.get("Effect")
    if effect not in ("Allow", "Deny"):
        problems.append(f"{label} has Effect {effect!r}; IAM accepts only Allow or Deny")
    if "Principal" in stmt and "NotPrincipal" in stmt:
        problems.append(f"{label} has both Principal and NotPrincipal")
    elif "Principal" not in stmt and "NotPrincipal" not in stmt:
        problems.append(f"{label} has no Principal (a trust policy must name one)")
    elif "NotPrincipal" in stmt and effect == "Allow":
        problems.append(
            f"{label} uses NotPrincipal with Allow, which IAM does not accept in a trust policy"
        )
    if ("Action" in stmt) == ("NotAction" in stmt):
        problems.append(f"{label} needs exactly one of Action and NotAction")
    block = stmt.get("Condition")
    if block is not None:
        if not isinstance(block, Mapping):
            problems.append(f"{label}'s Condition is not an object")
        else:
            for op_raw, keys in block.items():
                if parse_operator(op_raw) is None:
                    hint = suggest_operator(str(op_raw))
                    extra = f" (did you mean {hint}?)" if hint else ""
                    problems.append(f"{label} uses {op_raw!r}, which is no IAM operator{extra}")
                if not isinstance(keys, Mapping):
                    problems.append(f"{label}: {op_raw} does not hold an object of keys")
                    continue
                for key, raw in keys.items():
                    if condition_values(raw) is None:
                        problems.append(
                            f"{label}: {op_raw} on {key} has a value that is not a string, "
                            "number or boolean"
                        )
    return problems


def document_problems(policy: object) -> list[str]:
    """What IAM would refuse in this trust policy; empty when it is valid as far as can be read."""
    if not isinstance(policy, Mapping):
        return ["the document is not a JSON object"]
    if "Statement" not in policy:
        return ["the document has no Statement"]
    out: list[str] = []
    # IAM User Guide, "IAM JSON policy elements: Version": 2012-10-17 or 2008-10-17 (the
    # default when absent); any other value is refused.
    if "Version" in policy and policy["Version"] not in POLICY_VERSIONS:
        out.append(
            f"Version {policy['Version']!r} is not one IAM accepts ({' or '.join(POLICY_VERSIONS)})"
        )
    seen: dict[str, int] = {}
    for index, stmt in enumerate(statements(policy)):
        out += _statement_problems(index, stmt)
        sid = stmt.get("Sid") if isinstance(stmt, Mapping) else None
        # "In IAM, the Sid value must be unique within a JSON policy." (IAM JSON policy
        # elements: Sid)
        if isinstance(sid, str) and sid:
            if sid in seen:
                out.append(f"statement {index} repeats the Sid {sid!r} of statement {seen[sid]}")
            else:
                seen[sid] = index
    return out
