"""Removing step 4's work: the inline push policy on the role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, StepPlan, documents_equal
from wizard.policies import push_policy
from wizard.settings import PUSH_POLICY_FILE
from wizard.steps.aws_errors import is_not_found
from wizard.steps.base import Step, StepContext
from wizard.tags import managed_by
from wizard.teardown.base import (
    DECISION,
    DELETE,
    GONE,
    KEEP,
    TeardownOptions,
    managed_note,
    not_ours_note,
    tagged_by_wizard,
)


def read_role(ctx: StepContext) -> dict[str, Any] | None:
    """The role (get_role), read once per run: the policy and the role teardown both need it."""
    name = ctx.settings.role_name

    def fetch() -> dict[str, Any] | None:
        try:
            role: Any = ctx.aws.iam.get_role(RoleName=name)["Role"]
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise
        return dict(role)

    found: dict[str, Any] | None = ctx.read_once(f"role:{name.lower()}", fetch)
    return found


@dataclass(frozen=True)
class PushPolicyGone:
    exists: bool
    document: Any = None
    role_by_wizard: bool = False
    # The tool that manages the role (an exported template's or configuration's).
    managed_by: str = ""


class RemovePushPolicy(Step[PushPolicyGone]):
    number = 4
    key = "remove-push-policy"
    title = "Remove the ECR push policy"
    purpose = "The inline policy goes first: the role cannot be deleted while it holds one."
    undo = "Run `apply --only 4` to put it back."

    def __init__(self, options: TeardownOptions | None = None) -> None:
        self.options = options or TeardownOptions()

    def inspect(self, ctx: StepContext) -> PushPolicyGone:
        s = ctx.settings
        role = read_role(ctx)
        if role is None:
            return PushPolicyGone(exists=False)
        try:
            document = ctx.aws.iam.get_role_policy(RoleName=s.role_name, PolicyName=s.policy_name)[
                "PolicyDocument"
            ]
        except Exception as exc:
            if is_not_found(exc):
                return PushPolicyGone(exists=False)
            raise
        tags = role.get("Tags", [])
        return PushPolicyGone(True, document, tagged_by_wizard(tags), managed_by(tags))

    def plan(self, ctx: StepContext, observed: PushPolicyGone) -> StepPlan:
        s = ctx.settings
        resource = f"inline policy {s.policy_name} on role {s.role_name}"
        key = DECISION.format(self.number)
        if not observed.exists:
            change = Change(Action.NOOP, resource, "not there; nothing to remove")
            return self.new_plan(changes=(change,), outputs={key: GONE})
        wizard_document = push_policy(s, partition=ctx.partition, account_id=ctx.account_id)
        # On a role the wizard did not make (adopted with --adopt-role), the policy is still the
        # wizard's when the answers file records applying it and it is unchanged since.
        recorded = f"{PUSH_POLICY_FILE}:sha256" in ctx.outputs
        ours = observed.role_by_wizard or (
            recorded and documents_equal(observed.document, wizard_document)
        )
        if observed.managed_by and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: its stack or state manages it")
            note = managed_note(f"Inline policy {s.policy_name}", observed.managed_by, self.number)
            return self.new_plan(changes=(change,), notes=(note,), outputs={key: KEEP})
        if not ours and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: not made by ecr-oidc-wizard")
            return self.new_plan(
                changes=(change,),
                notes=(not_ours_note(f"Inline policy {s.policy_name}", self.number),),
                outputs={key: KEEP},
            )
        change = Change(
            Action.DELETE,
            resource,
            "delete the policy; the role can no longer push to the repository",
            calls=(
                Call(
                    "iam",
                    "delete_role_policy",
                    {"RoleName": s.role_name, "PolicyName": s.policy_name},
                ),
            ),
        )
        return self.new_plan(changes=(change,), outputs={key: DELETE})
