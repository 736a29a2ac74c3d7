"""Conditions read together: is a statement that looks open really open?

A finding that says "other repositories can assume this role" is checked against the whole
policy with the claim simulator: a token of a stranger's repository, shaped to pass what a
stranger controls (the sub pattern with its wildcards filled, its own branch, environment and
workflow names, the audience the statement asks for), is evaluated with every statement, Deny
included. When that token is denied, something else narrows the statement and the finding is
dropped; when it is allowed or cannot be told, the finding stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard.iam.document import statements
from wizard.iam.evaluate import evaluate
from wizard.iam.issuer import Issuer
from wizard.iam.results import Verdict
from wizard.trust_lint.subjects import conditions, wild

STRANGER_OWNER = "zz-stranger"
STRANGER_REPO = f"{STRANGER_OWNER}/zz-repo"
STRANGER_ID = "987654321987"
STRANGER_SUB = f"repo:{STRANGER_REPO}:ref:refs/heads/main"
# Claims a stranger sets freely in their own repository: a branch, an environment, a workflow
# may have any name. Ids, the repository and the actor are GitHub's to say.
STRANGER_CHOOSES = ("ref", "environment", "workflow")


def fill(pattern: str) -> str:
    """A value a stranger can make a pattern match: each `*` and `?` filled with their text."""
    return pattern.replace("*", STRANGER_OWNER).replace("?", "z")


def stranger_claims(stmt: Mapping[str, Any], issuer: Issuer, sub: str) -> dict[str, str]:
    claims = {
        "sub": sub,
        "repository": STRANGER_REPO,
        "repository_id": STRANGER_ID,
        "actor": STRANGER_OWNER,
        "actor_id": STRANGER_ID,
    }
    for cond in conditions(stmt):
        name = cond.key.removeprefix(issuer.key_prefix)
        if not cond.positive or not cond.values or cond.key == name:
            continue
        if name == "aud" or name in STRANGER_CHOOSES:
            value = cond.values[0]
            claims.setdefault(name, fill(value) if wild(value) else value)
    return claims


# `KEY:...` or `pull_request` at the start of a subject's tail: where a context a stranger
# chooses (a ref, an environment, the event) begins.
_CONTEXT_START = re.compile(r"^(?:[a-z_]+:|pull_request$)")


def stranger_subs(policy: Mapping[str, Any], issuer: Issuer, sub: str) -> list[str]:
    """`sub`, and the stranger's subjects with each context the policy's sub values name.

    A Deny such as ``StringNotLike sub "*:environment:prod"`` holds back a probe ending in a
    branch, but not the stranger's job that runs in an environment named ``prod``: the
    stranger picks the context, so each one the policy speaks of is tried.
    """
    out = [sub]
    for stmt in statements(policy):
        if not isinstance(stmt, Mapping):
            continue
        for cond in conditions(stmt):
            if cond.key != issuer.key("sub"):
                continue
            for value in cond.values:
                parts = value.split(":")
                for start in range(1, len(parts)):
                    tail = ":".join(parts[start:])
                    if _CONTEXT_START.match(tail):
                        out.append(f"repo:{STRANGER_REPO}:{fill(tail)}")
    return list(dict.fromkeys(out))


def _context_claims(sub: str) -> dict[str, str]:
    """The claims a job with this default-template `sub` carries beside it."""
    _, _, tail = sub.partition(f"repo:{STRANGER_REPO}:")
    if tail.startswith("environment:"):
        return {"environment": tail.removeprefix("environment:")}
    if tail.startswith("ref:"):
        return {"ref": tail.removeprefix("ref:")}
    return {}


def stranger_admitted(
    policy: Mapping[str, Any], stmt: Mapping[str, Any], arn: str, issuer: Issuer, sub: str
) -> bool:
    """Whether a stranger's token with `sub` may get in (allowed, or cannot be told)."""
    for candidate in stranger_subs(policy, issuer, sub):
        claims = {**stranger_claims(stmt, issuer, candidate), **_context_claims(candidate)}
        # Claims the stranger's token carries but the probe does not set (job_workflow_ref:
        # a stranger may call a public reusable workflow) are unknown, never assumed absent;
        # so are those the stranger picks freely (an environment's name) and the probe left
        # unset: a Deny on them cannot be said to hold the stranger back.
        decision = evaluate(
            policy,
            claims,
            provider_arn=arn,
            issuer=issuer,
            partial=True,
            free=[c for c in STRANGER_CHOOSES if c not in claims],
        )
        if decision.verdict is not Verdict.DENIED:
            return True
    return False
