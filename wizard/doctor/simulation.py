"""The claim simulator: the claims a job's token carries, and whether a trust policy admits them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from wizard.claims import build_sub, evaluate, parse_claim
from wizard.doctor.policy_documents import _statements, _strings
from wizard.doctor.reports import Simulation
from wizard.iam.issuer import GITHUB_COM, Issuer, issuer_from_name
from wizard.iam.request import STS_GITHUB_CLAIMS

if TYPE_CHECKING:
    from wizard.aws import Aws

MAX_SIMULATED_JOBS = 8


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


_SUB_RE = re.compile(
    r"^repo:(?P<owner>[^/:@]+)(?:@(?P<owner_id>\d+))?/(?P<repo>[^/:@]+)(?:@(?P<repo_id>\d+))?"
    r":(?P<context>.+)$"
)


def _claims_from_sub(sub: str) -> dict[str, str]:
    """The other claims a token with this (default-format) sub carries."""
    found = _SUB_RE.match(sub)
    if found is None:
        return {}
    out = {
        "repository": f"{found['owner']}/{found['repo']}",
        "repository_owner": found["owner"],
    }
    if found["owner_id"]:
        out["repository_owner_id"] = found["owner_id"]
    if found["repo_id"]:
        out["repository_id"] = found["repo_id"]
    context = found["context"]
    if context.startswith("ref:refs/heads/"):
        out.update(ref=context[4:], ref_type="branch", event_name="push")
    elif context.startswith("ref:refs/tags/"):
        out.update(ref=context[4:], ref_type="tag", event_name="push")
    elif context.startswith("environment:"):
        out["environment"] = context.removeprefix("environment:")
    elif context == "pull_request":
        out["event_name"] = "pull_request"
    return out


def claims_from_text(
    text: str, *, aud: str = "sts.amazonaws.com"
) -> tuple[dict[str, str], list[str]]:
    """Claims typed by a person (`parse_claim`), completed as a real token would be.

    GitHub always sends `aud` and the claims the sub implies (repository, ref, ...); without
    them a policy that also checks those keys would refuse for the wrong reason. Raises
    ValueError on bad text.
    """
    claims = parse_claim(text)
    notes: list[str] = []
    if "aud" not in claims:
        claims["aud"] = aud
        notes.append(f"aud not given: assumed {aud}, what configure-aws-credentials asks for")
    # Only what STS exposes as a condition key: the token's other claims never reach IAM.
    derived = {
        k: v
        for k, v in _claims_from_sub(claims.get("sub", "")).items()
        if k not in claims and k in STS_GITHUB_CLAIMS
    }
    if derived:
        claims.update(derived)
        notes.append(f"derived from sub: {', '.join(sorted(derived))}")
    return claims, notes


def job_claims(
    repo: str,
    *,
    branch: str | None = None,
    tag: str | None = None,
    environment: str | None = None,
    event: str | None = None,
    aud: str = "sts.amazonaws.com",
    repository_id: str = "",
    owner_id: str = "",
    immutable_repo_id: str = "",
) -> tuple[dict[str, str], str, list[str]]:
    """The claims of a job of `repo`, its description in words, and notes.

    A job that names an environment sends `environment:NAME` as its sub context whatever its
    event and branch; a pull_request job sends `pull_request`; otherwise the ref. With
    `owner_id` and `immutable_repo_id` the sub takes the immutable form. Raises ValueError on an
    impossible combination.
    """
    if event not in (None, "push", "pull_request", "tag"):
        raise ValueError(f"event must be push, pull_request or tag, got {event!r}")
    if event == "tag" and not tag:
        raise ValueError("--event tag needs --tag NAME")
    if tag and branch:
        raise ValueError("give a branch or a tag, not both")
    if tag and event in ("push", "pull_request"):
        raise ValueError(f"a tag is pushed, not a {event} event: drop --event or use --event tag")
    oid = owner_id or None
    rid = (immutable_repo_id or None) if owner_id else None
    notes: list[str] = []
    claims: dict[str, str] = {
        "aud": aud,
        "repository": repo,
        "repository_owner": repo.split("/")[0],
    }
    if repository_id or immutable_repo_id:
        claims["repository_id"] = repository_id or immutable_repo_id
    if owner_id:
        claims["repository_owner_id"] = owner_id
    short_branch = branch.removeprefix("refs/heads/") if branch else None
    short_tag = tag.removeprefix("refs/tags/") if tag else None
    if environment:
        claims["sub"] = build_sub(repo, environment=environment, owner_id=oid, repo_id=rid)
        claims["environment"] = environment
        claims["event_name"] = "pull_request" if event == "pull_request" else "push"
        if short_tag:
            claims.update(ref=f"refs/tags/{short_tag}", ref_type="tag")
        elif short_branch:
            claims.update(ref=f"refs/heads/{short_branch}", ref_type="branch")
        words = f"a job in environment {environment} of {repo}"
        notes.append(
            "a job that names an environment sends environment:NAME as its sub, not its ref"
        )
    elif event == "pull_request":
        claims["sub"] = build_sub(repo, pull_request=True, owner_id=oid, repo_id=rid)
        claims["event_name"] = "pull_request"
        words = f"a pull_request job of {repo}"
    elif short_tag:
        claims["sub"] = build_sub(repo, tag=short_tag, owner_id=oid, repo_id=rid)
        claims.update(ref=f"refs/tags/{short_tag}", ref_type="tag", event_name="push")
        words = f"a push of tag {short_tag} of {repo}"
    else:
        name = short_branch or "main"
        claims["sub"] = build_sub(repo, branch=name, owner_id=oid, repo_id=rid)
        claims.update(ref=f"refs/heads/{name}", ref_type="branch", event_name="push")
        words = f"a push to branch {name} of {repo}"
    return claims, words, notes


def accepted_subjects(policy: object) -> tuple[str, ...]:
    """Each sub value the policy's Allow statements test (any GitHub issuer's `sub` key), with
    its operator."""
    out: list[str] = []
    for stmt in _statements(policy):
        if stmt.get("Effect") != "Allow":
            continue
        condition = stmt.get("Condition")
        if not isinstance(condition, Mapping):
            continue
        for operator, block in condition.items():
            if not isinstance(block, Mapping):
                continue
            for key, values in block.items():
                if isinstance(key, str) and _is_github_sub(key):
                    out += [f"{operator} {v!r}" for v in _strings(values)]
    return tuple(dict.fromkeys(out))


def _is_github_sub(key: str) -> bool:
    prefix, colon, claim = key.lower().rpartition(":")
    return bool(colon) and claim == "sub" and issuer_from_name(prefix) is not None


def simulate(
    policy: Mapping[str, Any],
    claims: Mapping[str, str],
    *,
    role: str,
    provider: str | None = None,
    notes: Sequence[str] = (),
    job: str = "",
    issuer: Issuer | None = None,
    context: Sequence[tuple[str, str]] = (),
) -> Simulation:
    # The claims are what a person typed (or a job built from parts): a claim every real token
    # carries but not given is not absent, it is unknown.
    decision = evaluate(
        policy, claims, provider_arn=provider, issuer=issuer, context=context, partial=True
    )
    return Simulation(role, dict(claims), decision, accepted_subjects(policy), tuple(notes), job)


def simulate_role(
    aws: Aws,
    role_name: str,
    claims: Mapping[str, str],
    *,
    notes: Sequence[str] = (),
    job: str = "",
    issuer: Issuer = GITHUB_COM,
    context: Sequence[tuple[str, str]] = (),
) -> Simulation:
    """Read the role's trust policy and simulate; raises what AWS raises (the caller reports)."""
    role = aws.iam.get_role(RoleName=role_name)["Role"]
    identity = aws.identity()
    provider = issuer.provider_arn(identity.partition, identity.account_id)
    policy: Any = role.get("AssumeRolePolicyDocument") or {}
    return simulate(
        policy,
        claims,
        role=role_name,
        provider=provider,
        notes=notes,
        job=job,
        issuer=issuer,
        context=context,
    )
