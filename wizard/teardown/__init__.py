"""`destroy`: removing what the wizard made, in the order that lets each removal succeed.

The push policy first (a role with a policy cannot be deleted), then the role, the ECR
repository, the GitHub secrets or variables, the workflow file, and GitHub's OIDC provider
last (other roles may trust it). Each step is numbered after the wizard step it undoes.
"""

from __future__ import annotations

from typing import Any

from wizard.steps.base import Step
from wizard.teardown.base import (
    KINDS,
    TeardownOptions,
    images_keeping_repository,
    kind_errors,
    records_removed,
    refusals,
)
from wizard.teardown.ecr_repository import RemoveEcrRepository
from wizard.teardown.github_values import RemoveGitHubValues
from wizard.teardown.oidc_provider import RemoveOidcProvider
from wizard.teardown.push_policy import RemovePushPolicy
from wizard.teardown.role import RemoveRole
from wizard.teardown.workflow_file import RemoveWorkflowFile


def teardown_steps(options: TeardownOptions | None = None) -> tuple[Step[Any], ...]:
    """The removals in the order they must run."""
    o = options or TeardownOptions()
    return (
        RemovePushPolicy(o),
        RemoveRole(o),
        RemoveEcrRepository(o),
        RemoveGitHubValues(o),
        RemoveWorkflowFile(o),
        RemoveOidcProvider(o),
    )


__all__ = [
    "KINDS",
    "TeardownOptions",
    "images_keeping_repository",
    "kind_errors",
    "records_removed",
    "refusals",
    "teardown_steps",
]
