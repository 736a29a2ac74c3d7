"""One template, many accounts and regions, through CloudFormation StackSets.

The template is the CloudFormation export of the answers (`wizard.export.cloudformation`), so a
roll-out makes in each account exactly what `apply` makes in one. `model.py` holds what is asked
and its rules, `plan.py` inspects the stack set and plans instances to create, update or leave,
`follow.py` applies the plan and follows each operation per account and region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.rollout.model import RolloutSpec
from wizard.rollout.plan import RolloutPlan, inspect_stack_set, plan_rollout

if TYPE_CHECKING:
    from wizard.aws import Aws
    from wizard.settings import Settings

DESCRIPTION = "GitHub Actions push images to Amazon ECR with OIDC (ecr-oidc-wizard)"


def prepare(aws: Aws, spec: RolloutSpec, settings: Settings) -> RolloutPlan:
    """Render the template from the answers, inspect the stack set, and plan (reads only)."""
    from wizard.export.cloudformation import render_cloudformation

    template = render_cloudformation(settings)
    partition = aws.identity().partition
    state = inspect_stack_set(aws, spec)
    return plan_rollout(spec, state, template, partition=partition, description=DESCRIPTION)


__all__ = ["RolloutPlan", "RolloutSpec", "prepare"]
