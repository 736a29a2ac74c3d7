"""IAM documents the wizard sends: built from values, returned as values. No I/O.

The trust policy admits exactly the scope a person chose; anything wider than one exact claim
is named in a note so that the plan calls it out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wizard.iam.issuer import GITHUB_COM, Issuer
from wizard.iam.issuer import audience as audience
from wizard.plan import Note, Severity
from wizard.settings import Settings

# github.com's names; every builder takes the chosen issuer (`Settings.oidc_issuer`).
ISSUER = GITHUB_COM.name
ISSUER_URL = GITHUB_COM.url
AUD_KEY = GITHUB_COM.key("aud")
SUB_KEY = GITHUB_COM.key("sub")
REPOSITORY_ID_KEY = GITHUB_COM.key("repository_id")
VERSION = "2012-10-17"

TRUST_POLICY_LIMIT = 2048
INLINE_POLICIES_LIMIT = 10240

# The guide's step-4 actions: everything `docker push` and `docker pull` need on one repository.
PUSH_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:ListImages",
    "ecr:DescribeImages",
    "ecr:BatchGetImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
)
PUBLIC_PUSH_ACTIONS = (
    "ecr-public:BatchCheckLayerAvailability",
    "ecr-public:DescribeRepositories",
    "ecr-public:DescribeImages",
    "ecr-public:InitiateLayerUpload",
    "ecr-public:UploadLayerPart",
    "ecr-public:CompleteLayerUpload",
    "ecr-public:PutImage",
)


class PolicyError(ValueError):
    """A document the tool refuses to build: it would be refused by AWS or admit too much."""


class PolicyTooLarge(PolicyError):
    """A document over IAM's size limit: AWS would refuse it, so it is never sent."""


def provider_arn(partition: str, account_id: str, issuer: Issuer = GITHUB_COM) -> str:
    return issuer.provider_arn(partition, account_id)


def role_arn(partition: str, account_id: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


def repository_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:ecr:{region}:{account_id}:repository/{name}"


def public_repository_arn(partition: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:ecr-public::{account_id}:repository/{name}"


def registry_host(account_id: str, region: str, partition: str = "aws") -> str:
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"{account_id}.dkr.ecr.{region}.{suffix}"


# --- Who may assume the role -----------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One accepted value of the token's `sub` claim."""

    value: str
    meaning: str

    @property
    def is_pattern(self) -> bool:
        return "*" in self.value or "?" in self.value


def subject_prefix(s: Settings) -> str:
    """`repo:OWNER/REPO`, or the immutable `repo:OWNER@ID/REPO@ID` that newer repositories emit."""
    if s.subject_format == "immutable":
        return f"repo:{s.owner}@{s.owner_id}/{s.repo_name}@{s.repo_id}"
    return f"repo:{s.github_repo}"


@dataclass(frozen=True)
class Scope:
    """One chosen scope: what kind of job it admits, and the `sub` context it sends."""

    kind: str  # "branch" | "tag" | "environment" | "pull_request" | "any"
    value: str
    meaning: str

    @property
    def context(self) -> str:
        """The default template's context part for this scope."""
        return {
            "branch": f"ref:refs/heads/{self.value}",
            "tag": f"ref:refs/tags/{self.value}",
            "environment": f"environment:{self.value}",
            "pull_request": "pull_request",
            "any": "*",
        }[self.kind]


def scopes(s: Settings) -> list[Scope]:
    if s.any_ref:
        return [Scope("any", "*", "any branch, tag, environment or pull request")]
    out = [Scope("branch", b, f"branch {b}") for b in s.branches]
    out += [Scope("tag", t, f"tag {t}") for t in s.tags]
    out += [Scope("environment", e, f"environment {e}") for e in s.environments]
    if s.pull_requests:
        out.append(Scope("pull_request", "", "pull requests"))
    if not out:
        out.append(Scope("branch", s.default_branch, f"branch {s.default_branch}"))
    return out


# Claims of a custom subject template (`include_claim_keys`) that pin the repository.
REPOSITORY_KEYS = frozenset({"repo", "repository", "repository_id"})
# Claims that pin which ref or environment the job runs for.
CONTEXT_KEYS = frozenset({"context", "ref", "environment"})
# The template claims that can say each kind of scope exactly (docs.github.com/en/actions/
# reference/security/oidc: `context` is what follows the repository in the default sub;
# `ref` is the git ref; `environment` the job's environment; `event_name` the event).
SCOPE_KEYS = {
    "branch": ("context", "ref"),
    "tag": ("context", "ref"),
    "environment": ("context", "environment"),
    "pull_request": ("context", "event_name"),
}


def template_keys(s: Settings) -> list[str]:
    return s.sub_claim_keys or ["repo", "context"]


def template_pins_repository(s: Settings) -> bool:
    """True when the subject itself names the repository; otherwise the trust policy must pin
    it with a repository_id condition (or any repository on GitHub would match).

    A claim that may be written as `*` ahead of the repository claim (``actor:*:repo:o/r:...``)
    does not pin it: `*` also matches ':', so it can swallow another repository's
    ``repo:OWNER/NAME`` together with text that repository controls (an environment's name).
    """
    keys = template_keys(s)
    pinning = {"repo", "repository"} | ({"repository_id"} if s.repo_id else set())
    first = next((i for i, key in enumerate(keys) if key in pinning), None)
    if first is None:
        return False
    # Claims written as a known fact, never `*` (owner names and ids hold no ':'): they may
    # stand before the repository claim. The owner's id only when it is known.
    fixed = {"repository_owner"} | ({"repository_owner_id"} if s.owner_id else set())
    return all(key in fixed for key in keys[:first])


def inexpressible_scopes(s: Settings) -> list[str]:
    """Each chosen scope the subject template cannot write exactly, naming the claim it lacks.

    Such a scope is refused, never filled with `*`: `["repo", "ref"]` cannot tell an
    environment's jobs apart, so `--environment prod` under it would admit every job.
    """
    if s.any_repo_of_owner:
        return []
    keys = set(template_keys(s))
    out: list[str] = []
    for scope in scopes(s):
        if scope.kind == "any":
            continue
        wanted = SCOPE_KEYS[scope.kind]
        if not keys & set(wanted):
            out.append(
                f"{scope.meaning} needs the claim key {' or '.join(repr(k) for k in wanted)} "
                f"in the subject template ({', '.join(template_keys(s))})"
            )
    return out


def _claim(key: str, s: Settings, scope: Scope) -> str:
    """One `key:value` part of a custom subject: the chosen scope exactly, known facts, and
    `*` only for claims the person did not choose (they vary per job and are called out)."""
    known = {
        "repository": s.github_repo,
        "repository_owner": s.owner,
        "repository_owner_id": s.owner_id,
        "repository_id": s.repo_id,
    }
    value: str | None = known.get(key) or None
    if scope.kind == "any" and key in ("ref", "environment", "event_name"):
        value = "*"
    elif key == "ref" and scope.kind in ("branch", "tag"):
        value = scope.context.removeprefix("ref:")
    elif key == "environment" and scope.kind == "environment":
        value = scope.value
    elif key == "event_name" and scope.kind == "pull_request":
        value = "pull_request"
    return f"{key}:{value or '*'}"


def subjects(s: Settings) -> list[Subject]:
    """Every `sub` value the trust policy accepts, in the format the repository emits.

    Raises PolicyError when the template cannot express a chosen scope.
    """
    if s.any_repo_of_owner:
        owner = f"{s.owner}@{s.owner_id}" if s.subject_format == "immutable" else s.owner
        return [Subject(f"repo:{owner}/*", f"every repository of {s.owner}, any ref")]
    missing = inexpressible_scopes(s)
    if missing:
        raise PolicyError(
            "The repository's subject template cannot express the chosen scope: "
            + "; ".join(missing)
            + ". Nothing is filled with '*': choose a scope the template can say, or change "
            "the template."
        )
    prefix = subject_prefix(s)
    out: list[Subject] = []
    for scope in scopes(s):
        parts: list[str] = []
        for key in template_keys(s):
            if key == "repo":
                parts.append(prefix)
            elif key == "context":
                parts.append(scope.context)
            else:
                parts.append(_claim(key, s, scope))
        # A person's `${` is refused by validation (IAM would read a policy variable); an
        # export writes its own deploy-time references here on purpose.
        out.append(Subject(":".join(parts), scope.meaning))
    return out


def scope_notes(s: Settings) -> list[Note]:
    """What the chosen scope admits, with every wildcard called out."""
    notes: list[Note] = []
    repo = s.github_repo
    if s.any_repo_of_owner:
        notes.append(
            Note(
                Severity.DANGER,
                f"WIDE: `repo:{s.owner}/*` lets every repository of {s.owner}, on any branch, "
                "tag, environment or pull request, push to this ECR repository.",
            )
        )
    elif s.any_ref:
        notes.append(
            Note(
                Severity.DANGER,
                f"WIDE: `{subject_prefix(s)}:*` (the guide's choice) admits every branch, tag, "
                f"environment and pull request of {repo}, not only the default branch. "
                "Prefer --branch, --tag or --environment.",
            )
        )
    else:
        if s.pull_requests:
            notes.append(
                Note(
                    Severity.WARNING,
                    f"Pull-request workflows of {repo} can assume the role: anyone who can open a "
                    "branch there can push an image.",
                )
            )
        for scope in scopes(s):
            if scope.kind in ("branch", "tag") and ("*" in scope.value or "?" in scope.value):
                notes.append(
                    Note(
                        Severity.DANGER,
                        f"WIDE: {scope.meaning} is a pattern: every {scope.kind} it matches is "
                        "admitted (`*` also matches '/' and ':'), including ones created later "
                        "by anyone who can push a branch or tag.",
                    )
                )
    if s.sub_claim_keys and s.sub_claim_keys != ["repo", "context"]:
        keys = set(s.sub_claim_keys)
        notes.append(
            Note(
                Severity.WARNING,
                "The repository uses a custom subject template "
                f"({', '.join(s.sub_claim_keys)}); the chosen scope is written exactly in its "
                "claims, and claims you did not choose (they vary per job) are matched with '*'.",
            )
        )
        if not template_pins_repository(s):
            notes.append(
                Note(
                    Severity.WARNING,
                    "The subject template does not name the repository: a repository_id "
                    f"condition ({s.repo_id or 'needs --repo-id'}) pins it instead.",
                )
            )
        if not keys & CONTEXT_KEYS and not s.any_ref:
            notes.append(
                Note(
                    Severity.DANGER,
                    "WIDE: the subject template has no context, ref or environment claim, so "
                    "every branch, tag, environment and pull request of the repository is "
                    "admitted, whatever scope you chose.",
                )
            )
    if s.environments and not s.any_ref:
        notes.append(
            Note(
                Severity.INFO,
                "A job that names an environment sends `...:environment:NAME` instead of its "
                "ref, so a branch condition does not match it.",
            )
        )
    return notes


def trust_policy(s: Settings, *, partition: str, account_id: str) -> dict[str, Any]:
    document = trust_policy_document(s, partition=partition, account_id=account_id)
    check_size(document, TRUST_POLICY_LIMIT, "trust policy")
    return document


def trust_policy_document(s: Settings, *, partition: str, account_id: str) -> dict[str, Any]:
    """The trust policy, unchecked for size: an export fills in deploy-time expressions
    (`${AWS::AccountId}`) whose length is not the value's, so it checks the real one."""
    issuer = s.oidc_issuer
    aud_key, sub_key, repository_id_key = (
        issuer.key("aud"),
        issuer.key("sub"),
        issuer.key("repository_id"),
    )
    subs = subjects(s)
    values = [sub.value for sub in subs]
    sub_value: str | list[str] = values[0] if len(values) == 1 else values
    equals: dict[str, Any] = {aud_key: audience(partition)}
    condition: dict[str, Any] = {"StringEquals": equals}
    # Several keys under one operator are ANDed, and operators are ANDed too, so all sub
    # values share one operator: StringLike matches a value without wildcards exactly.
    if any(sub.is_pattern for sub in subs):
        condition["StringLike"] = {sub_key: sub_value}
    else:
        equals[sub_key] = sub_value
    if s.repo_id and not s.any_repo_of_owner:
        # Pins the repository itself: a deleted repository's name registered again by someone
        # else would still match a name-based sub, never this id.
        equals[repository_id_key] = s.repo_id
    elif not template_pins_repository(s):
        # Validation stops this earlier; never build a policy that admits any repository.
        raise PolicyError(
            "The repository's subject template does not name the repository and its id is "
            "unknown: pass --repo-id (or run with a GitHub token) so the trust policy can pin it."
        )
    document = {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": issuer.provider_arn(partition, account_id)},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }
    return document


def shared_trust_policy(
    members: Sequence[Settings], *, partition: str, account_id: str
) -> dict[str, Any]:
    """The trust policy of one role serving several repositories: each admitted exactly as it
    would be alone. Statements are ORed; repositories whose conditions differ only in `sub` (and
    pin no repository_id) share one statement with their `sub` values listed, which is the same
    OR in fewer characters. A repository_id condition stays in its own statement, beside its own
    `sub`, so no repository's id can vouch for another's name."""
    if len(members) == 1:
        return trust_policy(members[0], partition=partition, account_id=account_id)
    merged: dict[str, dict[str, Any]] = {}
    statements: list[dict[str, Any]] = []
    for member in members:
        statement = trust_policy(member, partition=partition, account_id=account_id)["Statement"][0]
        condition = statement["Condition"]
        operator = "StringLike" if SUB_KEY in condition.get("StringLike", {}) else "StringEquals"
        if REPOSITORY_ID_KEY in condition.get("StringEquals", {}):
            statements.append(statement)
            continue
        rest = {
            op: {k: v for k, v in keys.items() if k != SUB_KEY} for op, keys in condition.items()
        }
        key = json.dumps([operator, rest], sort_keys=True)
        subs = condition[operator][SUB_KEY]
        values = [subs] if isinstance(subs, str) else list(subs)
        if key in merged:
            current = merged[key]["Condition"][operator]
            known = current[SUB_KEY] if isinstance(current[SUB_KEY], list) else [current[SUB_KEY]]
            current[SUB_KEY] = known + [v for v in values if v not in known]
        else:
            merged[key] = statement
            statements.append(statement)
    document = {"Version": VERSION, "Statement": statements}
    size = policy_size(document)
    if size > TRUST_POLICY_LIMIT:
        role = members[0].role_name
        raise PolicyTooLarge(
            f"The trust policy of role {role} would be {size} characters for "
            f"{len(members)} repositories; IAM allows {TRUST_POLICY_LIMIT} by default (4,096 "
            "after a quota increase, which this tool does not assume). Nothing was changed: give "
            "some of these repositories a role of their own (role_name per entry), or narrow "
            "their scopes."
        )
    return document


# --- What the role may do ---------------------------------------------------------------------


def push_policy(s: Settings, *, partition: str, account_id: str) -> dict[str, Any]:
    document = push_policy_document(s, partition=partition, account_id=account_id)
    check_size(document, INLINE_POLICIES_LIMIT, "inline policies of one role")
    return document


def push_policy_document(s: Settings, *, partition: str, account_id: str) -> dict[str, Any]:
    """The push policy, unchecked for size (see trust_policy_document)."""
    if s.public:
        document: dict[str, Any] = {
            "Version": VERSION,
            "Statement": [
                {
                    "Sid": "LogInToEcrPublic",
                    "Effect": "Allow",
                    "Action": ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"],
                    "Resource": "*",
                },
                {
                    "Sid": "PushToOneRepository",
                    "Effect": "Allow",
                    "Action": list(PUBLIC_PUSH_ACTIONS),
                    "Resource": public_repository_arn(partition, account_id, s.ecr_repository),
                },
            ],
        }
    else:
        document = {
            "Version": VERSION,
            "Statement": [
                {
                    # GetAuthorizationToken has no resource-level permissions.
                    "Sid": "LogInToEcr",
                    "Effect": "Allow",
                    "Action": ["ecr:GetAuthorizationToken"],
                    "Resource": "*",
                },
                {
                    "Sid": "PushToOneRepository",
                    "Effect": "Allow",
                    "Action": list(PUSH_ACTIONS),
                    "Resource": repository_arn(partition, s.region, account_id, s.ecr_repository),
                },
            ],
        }
    return document


def shared_push_policy(
    members: Sequence[Settings], *, partition: str, account_id: str
) -> dict[str, Any]:
    """The push policy of one role serving several repositories: the log-in statement once,
    and the push actions on exactly those repositories' ARNs."""
    if len(members) == 1:
        return push_policy(members[0], partition=partition, account_id=account_id)
    statements: list[dict[str, Any]] = []
    by_actions: dict[str, dict[str, Any]] = {}
    for member in members:
        for statement in push_policy(member, partition=partition, account_id=account_id)[
            "Statement"
        ]:
            if statement["Resource"] == "*":
                if statement not in statements:
                    statements.append(statement)
                continue
            key = json.dumps(statement["Action"])
            if key not in by_actions:
                by_actions[key] = {**statement, "Sid": "PushToTheseRepositories", "Resource": []}
                statements.append(by_actions[key])
            if statement["Resource"] not in by_actions[key]["Resource"]:
                by_actions[key]["Resource"].append(statement["Resource"])
    document = {"Version": VERSION, "Statement": statements}
    check_size(document, INLINE_POLICIES_LIMIT, "inline policies of one role")
    return document


def policy_size(document: Any) -> int:
    """Size as IAM counts it: whitespace is not counted."""
    return len(json.dumps(document, separators=(",", ":")))


def check_size(document: Any, limit: int, what: str) -> None:
    size = policy_size(document)
    if size > limit:
        raise PolicyTooLarge(
            f"The {what} would be {size} characters; IAM allows {limit}. Choose fewer branches, "
            "tags or environments, or use a pattern."
        )
