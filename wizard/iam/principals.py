"""Whose call a trust-policy statement covers.

A GitHub workflow calls ``sts:AssumeRoleWithWebIdentity`` as the web identity of one IAM OIDC
provider: the provider of its token's issuer, in the role's own account (STS looks the issuer
up in the account that owns the role). So a Federated principal matches only that provider's
ARN; another provider, or the same issuer's provider in another account, does not. ``"*"`` and
``{"AWS": "*"}`` match every caller, web identities included (IAM User Guide, "AWS JSON policy
elements: Principal", "All principals").

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.iam.document import quote_all, str_list
from wizard.iam.issuer import Issuer, issuer_of_provider_arn


@dataclass(frozen=True)
class Caller:
    """The web identity making the call: its issuer, and the provider ARN when known.

    Without the role's account (`provider_arn` None), a Federated ARN for the issuer's provider
    matches whatever its account; with it, only that exact ARN does.
    """

    issuer: Issuer
    provider_arn: str | None = None


def _wildcard(principal: object) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in str_list(principal.get("AWS"))


def _federated_matches(arn: str, caller: Caller) -> bool:
    if caller.provider_arn is not None:
        return arn == caller.provider_arn
    found = issuer_of_provider_arn(arn)
    return found is not None and found.name == caller.issuer.name


def principal_applies(stmt: Mapping[str, Any], caller: Caller) -> tuple[bool, str]:
    """Whether the statement's Principal (or NotPrincipal) covers `caller`, and why not."""
    if "Principal" in stmt:
        principal = stmt["Principal"]
        if _wildcard(principal):
            return True, ""
        if not isinstance(principal, Mapping):
            return False, "its Principal is neither '*' nor an object"
        federated = str_list(principal.get("Federated"))
        if not federated:
            return False, "its Principal names no Federated (web identity) provider"
        if "*" in federated or any(_federated_matches(a, caller) for a in federated):
            return True, ""
        wanted = caller.provider_arn or f"the {caller.issuer.name} provider"
        return False, f"its Principal ({quote_all(federated)}) does not include {wanted}"
    if "NotPrincipal" in stmt:
        not_principal = stmt["NotPrincipal"]
        listed: list[str] = []
        if isinstance(not_principal, Mapping):
            listed = str_list(not_principal.get("Federated"))
        if any(_federated_matches(a, caller) for a in listed):
            return False, "its NotPrincipal excludes the token's provider"
        return True, ""
    return False, "it has no Principal"


def wildcard_principal(stmt: Mapping[str, Any]) -> str | None:
    """How the statement admits any caller (``"*"``, ``{"AWS": "*"}``, a ``*`` Federated)."""
    principal = stmt.get("Principal")
    if principal == "*":
        return 'Principal "*"'
    if not isinstance(principal, Mapping):
        return None
    if "*" in str_list(principal.get("AWS")):
        return 'Principal {"AWS": "*"}'
    if any(a == "*" or a.endswith(":*") for a in str_list(principal.get("Federated"))):
        return "a wildcard Federated principal"
    return None


def github_providers(stmt: Mapping[str, Any]) -> list[tuple[str, Issuer]]:
    """The GitHub issuers' provider ARNs (of any account) the statement's Principal names."""
    principal = stmt.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    out: list[tuple[str, Issuer]] = []
    for arn in str_list(principal.get("Federated")):
        found = issuer_of_provider_arn(arn)
        if found is not None:
            out.append((arn, found))
    return out
