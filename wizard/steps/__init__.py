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


GITHUB_STEPS: tuple[Step[Any], ...] = (GitHubSecretsStep(), WorkflowRunStep())


def all_steps() -> tuple[Step[Any], ...]:
    return AWS_STEPS + GITHUB_STEPS


def step_by_number(number: int) -> Step[Any]:
    for step in all_steps():
        if step.number == number:
            return step
    raise KeyError(number)


__all__ = [
    "AWS_STEPS",
    "GITHUB_STEPS",
    "Step",
    "StepContext",
    "StepResult",
    "all_steps",
    "step_by_number",
]
