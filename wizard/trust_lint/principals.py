"""Checks of who a statement lets in, whatever its provider: wildcard principals, NotPrincipal
with Allow, and condition keys of another identity provider's host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.iam.issuer import Issuer
from wizard.iam.principals import wildcard_principal
from wizard.trust_lint.findings import Finding, Level
from wizard.trust_lint.subjects import conditions


def principal_findings(index: int, stmt: Mapping[str, Any]) -> list[Finding]:
    if stmt.get("Effect") != "Allow":
        return []
    out: list[Finding] = []
    if "NotPrincipal" in stmt:
        out.append(
            Finding(
                "notprincipal-allow",
                Level.HIGH,
                "NotPrincipal with Allow admits everyone except the principals it lists; IAM "
                "does not accept it in a role's trust policy",
                'name who may assume the role under "Principal" instead',
                index,
            )
        )
    how = wildcard_principal(stmt)
    if how is not None:
        conds = conditions(stmt)
        narrowing = (
            " Only its conditions ("
            + ", ".join(f"{c.op_raw} on {c.key}" for c in conds)
            + ") stand between it and every caller."
            if conds
            else ""
        )
        out.append(
            Finding(
                "wildcard-principal",
                Level.HIGH,
                f"{how} lets any AWS principal or web identity in any account assume this "
                f"role.{narrowing}",
                "name the one provider that may assume it, e.g. "
                '"Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/'
                'token.actions.githubusercontent.com"}',
                index,
            )
        )
    return out


def _host_of(key: str) -> str | None:
    """The provider name a condition key belongs to (``HOST[/PATH]``), None for ``aws:`` keys."""
    prefix, colon, _ = key.rpartition(":")
    if not colon or "." not in prefix.split("/", 1)[0]:
        return None
    return prefix


def wrong_host_findings(index: int, stmt: Mapping[str, Any], issuer: Issuer) -> list[Finding]:
    """Keys of another provider are never in this issuer's requests: the key is absent."""
    out: list[Finding] = []
    for cond in conditions(stmt):
        host = _host_of(cond.key)
        if host is None or host == issuer.name:
            continue
        op = cond.op
        vacuous = op is not None and (op.negated or op.if_exists or op.set_op == "ForAllValues")
        if vacuous:
            level = Level.HIGH
            effect = f"so {cond.op_raw} is always true and the check never applies"
        else:
            level = Level.MEDIUM
            effect = "so nobody matches this statement"
        claim = cond.key.rpartition(":")[2]
        out.append(
            Finding(
                "wrong-issuer-key",
                level,
                f"{cond.op_raw} tests {cond.key}, a key of {host}, but this statement trusts "
                f"{issuer.url}: the key is absent from its tokens, {effect}",
                f"use {issuer.key(claim)}",
                index,
            )
        )
    return out
