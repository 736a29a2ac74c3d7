"""The guide's steps, in order. Adding a step is adding a file and a line here."""

from __future__ import annotations

from typing import Any

from wizard.steps.base import Step, StepContext, StepResult
from wizard.steps.ecr_repository import EcrRepositoryStep
from wizard.steps.oidc_provider import OidcProviderStep
from wizard.steps.push_policy import PushPolicyStep
from wizard.steps.role import RoleStep

AWS_STEPS: tuple[Step[Any], ...] = (
    EcrRepositoryStep(),
    OidcProviderStep(),
    RoleStep(),
    PushPolicyStep(),
)


def all_steps() -> tuple[Step[Any], ...]:
    """Every step, AWS first, then the GitHub side when its modules are present."""
    return AWS_STEPS + github_steps()


def github_steps() -> tuple[Step[Any], ...]:
    try:
        from wizard.steps.github_secrets import GitHubSecretsStep
        from wizard.steps.workflow_run import WorkflowRunStep
    except ImportError:
        return ()
    return (GitHubSecretsStep(), WorkflowRunStep())


def step_by_number(number: int) -> Step[Any]:
    for step in all_steps():
        if step.number == number:
            return step
    raise KeyError(number)


__all__ = ["AWS_STEPS", "Step", "StepContext", "StepResult", "all_steps", "step_by_number"]
