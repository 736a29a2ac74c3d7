"""Small builders shared by the tests."""

from __future__ import annotations

from typing import Any

from wizard.aws import Aws
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
    )
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def context(endpoint_url: str, settings: Settings | None = None) -> StepContext:
    s = settings or guide_settings()
    return StepContext(settings=s, aws=Aws(region=s.region, endpoint_url=endpoint_url))
