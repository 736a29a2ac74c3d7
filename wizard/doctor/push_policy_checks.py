"""Pure judgement of the role's policies: do they let it log in and push to the repository,
and only to it?"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.claims import action_matches, glob_match
from wizard.doctor.findings import REAPPLY, Area, Finding, Status, _ok
from wizard.doctor.policy_documents import _statements, _strings
from wizard.policies import PUSH_ACTIONS

# A repository name no one uses: if the push policy lets the role push there, it lets it push
# everywhere the pattern reaches.
PROBE_REPOSITORY = "doctor-probe-another-repository"


def _resources(stmt: Mapping[str, Any]) -> tuple[list[str], bool]:
    """(patterns, negated): Resource, or NotResource with negated=True."""
    if "Resource" in stmt:
        return _strings(stmt["Resource"]), False
    return _strings(stmt.get("NotResource")), True


def _covers(stmt: Mapping[str, Any], action: str, resource: str) -> bool:
    """Whether the statement names `action` on `resource`; conditions are not evaluated (a
    conditional grant is counted: the doctor cannot know the request's context)."""
    if not action_matches(stmt, action)[0]:
        return False
    patterns, negated = _resources(stmt)
    if not patterns and not negated:
        return False
    hit = any(glob_match(p, resource) for p in patterns)
    return not hit if negated else hit


@dataclass(frozen=True)
class _Named:
    policy: str
    stmt: Mapping[str, Any]


def _verdict(statements: Sequence[_Named], action: str, resource: str) -> tuple[bool, str]:
    """(allowed, policy name of a Deny that refuses it or "")."""
    for n in statements:
        if n.stmt.get("Effect") == "Deny" and _covers(n.stmt, action, resource):
            return False, n.policy
    return any(
        n.stmt.get("Effect") == "Allow" and _covers(n.stmt, action, resource) for n in statements
    ), ""


_ARN_PARTS = ("partition", "service", "region", "account", "resource")
_PLACEHOLDER = re.compile(r"^(?:REGION|ACCOUNT_ID|AWS_ACCOUNT_ID|<[A-Z_]+>)$")


def _arn_mismatch(pattern: str, expected: str) -> tuple[str, str]:
    """(code, words) for the first ARN part where `pattern` misses `expected`."""
    got = pattern.split(":", 5)
    want = expected.split(":", 5)
    if len(got) != 6 or got[0] != "arn":
        return "push-arn-other", f"{pattern!r} is not a repository ARN"
    for label, g, w in zip(_ARN_PARTS, got[1:], want[1:], strict=True):
        if glob_match(g, w):
            continue
        if _PLACEHOLDER.match(g):
            return (
                "push-arn-placeholder",
                f"its {label} is the placeholder {g!r} (the guide's), not {w!r}",
            )
        code = {"region": "push-arn-region", "account": "push-arn-account"}.get(label, "")
        if label == "resource":
            code = "push-arn-name"
        return code or "push-arn-other", f"its {label} is {g!r}, not {w!r}"
    return "push-arn-other", f"{pattern!r} does not match"


def push_policy_findings(
    documents: Sequence[tuple[str, Any]],
    *,
    role_name: str,
    repository: str,
    login_actions: Sequence[str] = ("ecr:GetAuthorizationToken",),
    push_actions: Sequence[str] = PUSH_ACTIONS,
) -> list[Finding]:
    """Do the role's policies allow every push action on `repository` (an ARN), and the login
    actions on `*`? `documents` are (policy name, document) pairs."""
    statements = [_Named(name, s) for name, doc in documents for s in _statements(doc)]
    if not statements:
        return [
            Finding(
                Area.PUSH,
                "push-policy-missing",
                Status.HIGH,
                f"role {role_name} has no policy: every push is refused ('is not authorized to "
                "perform: ecr:...')",
                f"attach the push policy (step 4): {REAPPLY.format(4)}",
            )
        ]
    findings: list[Finding] = []
    denied: dict[str, list[str]] = {}
    missing: list[str] = []
    elsewhere: dict[str, list[str]] = {}
    wanted = [(a, "*") for a in login_actions] + [(a, repository) for a in push_actions]
    for action, resource in wanted:
        allowed, deny = _verdict(statements, action, resource)
        if allowed:
            continue
        if deny:
            denied.setdefault(deny, []).append(action)
            continue
        grants = [
            p
            for n in statements
            if n.stmt.get("Effect") == "Allow" and action_matches(n.stmt, action)[0]
            for p in _resources(n.stmt)[0]
        ]
        if grants:
            for pattern in grants:
                elsewhere.setdefault(pattern, []).append(action)
        else:
            missing.append(action)
    for policy, actions in denied.items():
        findings.append(
            Finding(
                Area.PUSH,
                "push-denied",
                Status.HIGH,
                f"an explicit Deny in {policy} refuses {', '.join(actions)}",
                f"remove the Deny, or narrow it so it leaves {repository} alone",
            )
        )
    if missing:
        findings.append(
            Finding(
                Area.PUSH,
                "push-missing-action",
                Status.HIGH,
                f"no policy of role {role_name} allows {', '.join(missing)}, so the push fails "
                f"with 'is not authorized to perform: {missing[0]}'",
                f"let step 4 rewrite the push policy: {REAPPLY.format(4)}",
            )
        )
    for pattern, actions in elsewhere.items():
        login_only = all(a in login_actions for a in actions)
        if login_only:
            findings.append(
                Finding(
                    Area.PUSH,
                    "login-not-star",
                    Status.HIGH,
                    f"{', '.join(actions)} is allowed only on {pattern!r}; it has no "
                    "resource-level permissions, so only Resource '*' grants it",
                    f'put it in its own statement with "Resource": "*": {REAPPLY.format(4)}',
                )
            )
            continue
        pushes = [a for a in actions if a not in login_actions]
        code, why = _arn_mismatch(pattern, repository)
        findings.append(
            Finding(
                Area.PUSH,
                code,
                Status.HIGH,
                f"the push actions ({len(pushes)} of them, e.g. {pushes[0]}) are allowed on "
                f"{pattern}, but the repository is {repository}: {why}, so the push fails with "
                f"'is not authorized to perform: {pushes[0]}'",
                f"let step 4 rewrite the push policy for this repository: {REAPPLY.format(4)}",
            )
        )
    probe = repository.rsplit("/", 1)[0] + "/" + PROBE_REPOSITORY
    wide = [
        n.policy
        for n in statements
        if n.stmt.get("Effect") == "Allow" and _covers(n.stmt, push_actions[-1], probe)
    ]
    if wide:
        findings.append(
            Finding(
                Area.PUSH,
                "push-policy-wide",
                Status.MEDIUM,
                f"{', '.join(sorted(set(wide)))} lets the role push to other repositories too "
                f"(its Resource matches {probe})",
                f"name the exact repository ARN {repository}: {REAPPLY.format(4)}",
            )
        )
    if not any(f.status is Status.HIGH for f in findings):
        names = ", ".join(dict.fromkeys(name for name, _ in documents))
        findings.insert(
            0,
            _ok(
                Area.PUSH,
                "push-policy-ok",
                f"{names} allows the {len(push_actions)} push actions on {repository} and "
                f"{', '.join(login_actions)} on *",
            ),
        )
    return findings
