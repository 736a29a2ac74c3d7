"""The flags every command shares: the AWS session, the answers, the trust scope."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wizard.settings import CONFIG_NAME


def steps_list(text: str) -> list[int]:
    try:
        numbers = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--only takes step numbers like 1,2,3; got {text!r}"
        ) from None
    if not numbers or any(n < 1 or n > 6 for n in numbers):
        raise argparse.ArgumentTypeError(f"--only takes step numbers from 1 to 6; got {text!r}")
    return numbers


def add_session_arguments(group: Any) -> None:
    """Where the answers live and which AWS session to use: the same for every command."""
    group.add_argument(
        "--config",
        type=Path,
        default=Path(CONFIG_NAME),
        help=f"answers file (default: {CONFIG_NAME})",
    )
    group.add_argument(
        "--profile", help="AWS profile (default: AWS_PROFILE or the default profile)"
    )
    group.add_argument("--region", help="AWS region (default: AWS_REGION or the profile's)")
    group.add_argument(
        "--endpoint-url", help="send every AWS call to this endpoint (e.g. a local emulator)"
    )
    group.add_argument(
        "--ecr-repository",
        help="ECR repository name, e.g. my-app (suggested: the GitHub repository's name)",
    )
    group.add_argument(
        "--role-name",
        help="IAM role name, e.g. GitHubActionsMyAppPush (suggested from the repository's name)",
    )
    group.add_argument(
        "--guide-defaults",
        action="store_true",
        default=None,
        help="start from the guide's exact values (UNGlobalPlatform/images-datascience, "
        "onyxia-eostat, GitHubActionsEOStatPush, us-east-1, build-eostat.yml); flags override",
    )
    group.add_argument("--policy-name", help="inline push policy name (default ECRPushPolicy)")


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """The answers, as flags; each overrides what the config file remembers."""
    aws = parser.add_argument_group(
        "AWS (credentials come from the standard chain: env, profile, SSO)"
    )
    add_session_arguments(aws)
    aws.add_argument(
        "--tag-mutability",
        help="IMMUTABLE_WITH_EXCLUSION (default, 'latest' excluded), MUTABLE (the guide's), "
        "IMMUTABLE",
    )
    aws.add_argument(
        "--mutability-exclusion",
        action="append",
        dest="mutability_exclusions",
        metavar="FILTER",
        help="tag filter exempt from immutability (repeatable; default: latest)",
    )
    aws.add_argument("--scan-on-push", action=argparse.BooleanOptionalAction, default=None)
    aws.add_argument(
        "--public",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create the repository in ECR Public (us-east-1) for anonymous pulls",
    )
    aws.add_argument(
        "--thumbprint",
        action="append",
        dest="thumbprints",
        metavar="SHA1",
        help="store a thumbprint on a new provider (not needed since 2023)",
    )
    gh = parser.add_argument_group("GitHub repository and who may assume the role")
    gh.add_argument("--github-repo", help="OWNER/REPO whose workflows may assume the role")
    gh.add_argument(
        "--branch",
        action="append",
        dest="branches",
        metavar="NAME",
        help="admit this branch (repeatable; default: the default branch)",
    )
    gh.add_argument(
        "--environment",
        action="append",
        dest="environments",
        metavar="NAME",
        help="admit jobs in this environment (repeatable)",
    )
    gh.add_argument(
        "--tag",
        action="append",
        dest="tags",
        metavar="PATTERN",
        help="admit these tags, e.g. 'v*' (repeatable)",
    )
    gh.add_argument(
        "--pull-requests", action="store_true", default=None, help="admit pull-request workflows"
    )
    gh.add_argument(
        "--any-ref",
        action="store_true",
        default=None,
        help="WIDE: admit every branch, tag, environment and pull request "
        "(the guide's repo:OWNER/REPO:*)",
    )
    gh.add_argument(
        "--any-repo-of-owner",
        action="store_true",
        default=None,
        help="WIDER: admit every repository of the owner",
    )
    gh.add_argument("--default-branch", help="the repository's default branch (default: main)")
    gh.add_argument(
        "--subject-format",
        choices=("default", "immutable"),
        help="the sub claim form the repository emits",
    )
    gh.add_argument("--owner-id", help="GitHub owner ID (for the immutable subject form)")
    gh.add_argument("--repo-id", help="GitHub repository ID (for the immutable subject form)")
    gh.add_argument(
        "--require-repository-id",
        action="store_true",
        default=None,
        help="also check the repository_id claim",
    )
    gh.add_argument(
        "--adopt-role",
        action="store_true",
        default=None,
        help="replace the trust policy of an existing role the wizard did not create "
        "(its current principals lose access; GitHub gets its permissions)",
    )
