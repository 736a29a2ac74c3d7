"""The AWS actions the wizard itself calls, as IAM spells them: what `--sandbox-fail` may
withhold. Withholding one the wizard never calls would show nothing, so it is refused.

IAM action names are case-insensitive ("IAM: Actions" in the IAM User Guide's policy element
reference: "Action names are not case sensitive"), so `iam:createrole` means iam:CreateRole.
The list covers every step's inspect, plan and apply, the doctor and verification; a test
records a sandbox run and checks that each action sent is here.
"""

from __future__ import annotations

import fnmatch
import re

WIZARD_ACTIONS: tuple[str, ...] = (
    "sts:GetCallerIdentity",
    "ecr:CreateRepository",
    "ecr:DescribeRepositories",
    "ecr:DescribeImages",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "iam:ListOpenIDConnectProviders",
    "iam:GetOpenIDConnectProvider",
    "iam:CreateOpenIDConnectProvider",
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
    "iam:GetRole",
    "iam:ListRoles",
    "iam:CreateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:GetRolePolicy",
    "iam:PutRolePolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
)

_SHAPE = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+")


def matching(value: str) -> list[str]:
    """The wizard's actions that `value` names (wildcards `*` and `?` as IAM reads them)."""
    wanted = value.strip().lower()
    return [a for a in WIZARD_ACTIONS if fnmatch.fnmatchcase(a.lower(), wanted)]


def canonical(value: str) -> str:
    """The action as IAM spells it when it names one exactly; a pattern, lower-cased service."""
    found = matching(value)
    if len(found) == 1 and not any(c in value for c in "*?"):
        return found[0]
    service, _, action = value.strip().partition(":")
    return f"{service.lower()}:{action}"


def permission_errors(value: str) -> list[str]:
    """Why `--sandbox-fail VALUE` cannot be used; empty when it can (or is not given)."""
    text = value.strip()
    if not text:
        return []
    if _SHAPE.fullmatch(text) and matching(text):
        return []
    listed = ", ".join(WIZARD_ACTIONS)
    if not _SHAPE.fullmatch(text):
        problem = "an AWS permission to withhold, as service:Action"
    else:
        problem = "the wizard never calls this action, so withholding it would show nothing"
    return [f"--sandbox-fail {value!r}: {problem}. The wizard calls: {listed}."]
