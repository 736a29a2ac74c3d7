"""The catalogue's data model: a known failure (`Case`), its ranked causes (`Cause`), and the
pattern helpers and shared command templates the entries are written with.

Each case lists alternatives; an alternative is a group of regular expressions that must all be
found (case-insensitive) in the error's text, its error code and its class names. Cases are
ordered most specific first, and `unless` lets a specific case hide a broader one whose advice
would be wrong next to it.

Templates use str.format fields filled from the caller's values, then from facts read in the
message itself (a repository name, an account ID), then readable placeholders like `<REGION>`.

Every entry says where its message comes from (`source`: the tool and versions, or the
service) and where its cause was established (`link`), and carries `examples`: real messages
of that shape, each of which must classify to the entry (a test holds every one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cause:
    """One known reason for a failure, and the single check that tells it from the others.

    `key` names the cause and the live fact that can confirm or rule it out (see `ranking`).
    `hint` is a pattern: when the message itself shows it, this cause is put first.
    """

    key: str
    text: str
    check: str
    fix: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Case:
    """One known failure. `title`, `cause`, `fix` and `commands` are str.format templates."""

    id: str
    title: str
    cause: str
    fix: str
    commands: tuple[str, ...]
    # Alternatives: the case matches when every pattern of at least one group is found.
    match: tuple[tuple[str, ...], ...]
    # Ids of more specific cases whose presence makes this one misleading.
    unless: tuple[str, ...] = ()
    # Whether `missing_permission` is reported: the action named after "not authorized to
    # perform" is a permission the caller lacks (not so for sts:AssumeRoleWithWebIdentity).
    names_permission: bool = False
    # Where the message comes from: the tool and its versions, or the service.
    source: str = ""
    # Where the cause was established (an issue thread, the tool's source, AWS or GitHub docs).
    link: str = ""
    # The known causes, most likely first, each with the one check that tells it apart.
    causes: tuple[Cause, ...] = ()
    # Messages of this shape as people posted them; each must classify to this case first.
    examples: tuple[str, ...] = ()


def _any(*patterns: str) -> tuple[tuple[str, ...], ...]:
    return tuple((p,) for p in patterns)


def _words(*words: str) -> str:
    """Error codes and class names as whole words: AccessDenied must not match inside
    AccessDeniedException, nor LimitExceeded inside RequestLimitExceeded."""
    return r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"


# The actions a push needs; a denial of one of them from an assumed role is the push policy's
# fault. Denials of wizard-only actions (CreateRepository, ...) are the person's own identity.
_PUSH_ACTIONS = (
    "GetAuthorizationToken|BatchCheckLayerAvailability|GetDownloadUrlForLayer|"
    "GetRepositoryPolicy|DescribeRepositories|ListImages|DescribeImages|BatchGetImage|"
    "InitiateLayerUpload|UploadLayerPart|CompleteLayerUpload|PutImage"
)
# Bounded quantifiers throughout: a pasted log can be megabytes long.
_NOT_AUTHORIZED = r"is not authorized to perform:?\s{1,5}"
_PERMISSION = r"[a-z0-9-]{2,40}:[a-z0-9*]{1,80}"
# Case-sensitive on purpose: "region" in prose is not a leftover placeholder.
_PLACEHOLDER = r"(?-i:\b(?:AWS_ACCOUNT_ID|ACCOUNT_ID|REGION)\b|<ACCOUNT_ID>|<REGION>)"
_DISPATCH_URL = r"/actions/workflows/[^\s/]{1,255}/dispatches"
_NOT_FOUND = r"\b404\b|\bNot Found\b"

_REAPPLY_TRUST = "ecr-oidc-wizard apply --only 3"
_REAPPLY_PUSH = "ecr-oidc-wizard apply --only 4"
_REAPPLY_GITHUB = "ecr-oidc-wizard apply --only 5"
_DOCTOR = "ecr-oidc-wizard doctor"
_WHOAMI = "aws sts get-caller-identity"
_ECR_LOGIN = (
    "aws ecr get-login-password --region {region} | "
    "docker login --username AWS --password-stdin {registry}"
)
_DESCRIBE_REPOSITORY = (
    "aws ecr describe-repositories --repository-names {ecr_repository} --region {region}"
)

# Where the messages come from, as the entries cite them.
_CAC = "aws-actions/configure-aws-credentials v1-v6"
_STS = "AWS STS"
_ECR_LOGIN_ACTION = "aws-actions/amazon-ecr-login v1-v2"
_DOCKER = "docker CLI / buildx (docker/login-action, docker/build-push-action)"
_AWS_CLI = "AWS CLI v1/v2 and the AWS SDKs"
_GITHUB_API = "GitHub REST API (gh, the wizard's GitHub client)"
_REPO_URL = "https://github.com/aws-actions/configure-aws-credentials"
_ECR_LOGIN_URL = "https://github.com/aws-actions/amazon-ecr-login"
_GITHUB_OIDC_AWS = (
    "https://docs.github.com/en/actions/security-for-github-actions/"
    "security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services"
)

# Causes several entries share: where the values a workflow reads come from.
_SECRET_MISSING = Cause(
    key="secret-missing",
    text=(
        "The secret or variable the workflow reads is not set in this repository (or is "
        "misspelled), or it is read as secrets.X while it was saved as a variable (or the "
        "reverse), so the input is empty."
    ),
    check=(
        "In the failing step's 'with:' block at the top of its log, is the input empty? Compare "
        "the name in the workflow with gh secret list / gh variable list."
    ),
    fix="Set it with step 5 (ecr-oidc-wizard apply --only 5), as a secret or a variable.",
)
_FORK_OR_DEPENDABOT = Cause(
    key="fork-or-dependabot",
    text=(
        "The run was started by Dependabot or by a pull request from a fork: such runs get no "
        "Actions secrets (Dependabot reads only Dependabot secrets) and a read-only GITHUB_TOKEN "
        "with no id-token permission."
    ),
    check="Is the actor dependabot[bot], or is the pull request's head repository a fork?",
    fix=(
        "Skip the AWS steps for those runs (if: github.actor != 'dependabot[bot]'), or store "
        "the values as Dependabot secrets; never run fork code with pull_request_target and "
        "secrets."
    ),
    hint=r"dependabot|\bforks?\b|head repository",
)
_ENVIRONMENT_SECRET = Cause(
    key="environment-secret",
    text=(
        "The values are environment secrets, but the job names no environment (or another one), "
        "so it cannot read them; repository secrets were meant, or the job lacks environment:."
    ),
    check=(
        "Are the secrets listed under Settings > Environments > NAME rather than under "
        "repository secrets? Then the job needs environment: NAME."
    ),
)
_REUSABLE_WORKFLOW = Cause(
    key="reusable-workflow",
    text=(
        "The job runs in a reusable workflow: its caller must pass the secrets (secrets: "
        "inherit, or each one by name) and grant permissions id-token: write, or the called "
        "workflow gets neither."
    ),
    check=(
        "Is the failing workflow called with uses: OWNER/REPO/.github/workflows/FILE@REF? Then "
        "look at the calling job's secrets: and permissions:."
    ),
    hint=r"workflow_call|reusable workflow|\.github/workflows/[\w.-]{1,100}\.ya?ml@",
)
