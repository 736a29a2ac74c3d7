"""The guide's steps, in order. Adding a step is adding a file and a line here."""

from __future__ import annotations

from typing import Any

from wizard.steps.base import Step, StepContext, StepResult
from wizard.steps.ecr_repository import EcrRepositoryStep
from wizard.steps.github_secrets import GitHubSecretsStep
from wizard.steps.oidc_provider import OidcProviderStep
from wizard.steps.push_policy import PushPolicyStep
from wizard.steps.role import RoleStep
from wizard.steps.workflow_run import WorkflowRunStep

AWS_STEPS: tuple[Step[Any], ...] = (
    EcrRepositoryStep(),
    OidcProviderStep(),
    RoleStep(),
    PushPolicyStep(),
)


def all_steps() -> tuple[Step[Any], ...]:
    """The six steps. The GitHub steps are made anew each time: a face sets its own progress
    callback on step 6, which must not leak into another face's run."""
    return (*AWS_STEPS, GitHubSecretsStep(), WorkflowRunStep())


def step_by_number(number: int) -> Step[Any]:
    for step in all_steps():
        if step.number == number:
            return step
    raise KeyError(number)


__all__ = [
    "AWS_STEPS",
    "Step",
    "StepContext",
    "StepResult",
    "all_steps",
    "step_by_number",
]
