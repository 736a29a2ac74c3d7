"""Step 5: the role ARN and region as Actions secrets or variables."""

from __future__ import annotations

from screens.step_base import Field
from screens.step_github import GitHubStepScreen


class GitHubSecretsScreen(GitHubStepScreen):
    number = 5
    fields = (
        Field("github_repo", placeholder="OWNER/REPO"),
        Field("role_name", placeholder="the role of step 3"),
        Field(
            "github_values_as",
            kind="choice",
            choices=("secrets", "variables"),
            label="Store the role ARN and region as Actions",
        ),
    )
