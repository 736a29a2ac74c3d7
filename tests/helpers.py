"""Small builders shared by the tests."""

from __future__ import annotations

from typing import Any

from wizard.aws import Aws, Identity
from wizard.settings import Settings
from wizard.steps.base import StepContext

GUIDE_ARGS = [
    "--github-repo",
    "UNGlobalPlatform/images-datascience",
    "--ecr-repository",
    "onyxia-eostat",
    "--role-name",
    "GitHubActionsEOStatPush",
    "--region",
    "us-east-1",
]


def guide_settings(**changes: Any) -> Settings:
    s = Settings(
        github_repo="UNGlobalPlatform/images-datascience",
        ecr_repository="onyxia-eostat",
        role_name="GitHubActionsEOStatPush",
        region="us-east-1",
        # The guide's own workflow names (the defaults derive from the repository instead).
        workflow_file="build-eostat.yml",
        workflow_name="Build and Push EOStat Image",
    )
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def context(endpoint_url: str, settings: Settings | None = None) -> StepContext:
    s = settings or guide_settings()
    return StepContext(settings=s, aws=Aws(region=s.region, endpoint_url=endpoint_url))


class StaticAws:
    """What the GitHub steps ask of the AWS seam (who, and where), with no AWS behind it."""

    def __init__(self, region: str = "us-east-1", account_id: str = "123456789012") -> None:
        self.region = region
        self.known_identity = Identity(account_id, f"arn:aws:iam::{account_id}:user/me", "aws")

    def identity(self) -> Identity:
        return self.known_identity
