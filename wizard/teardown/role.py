"""Removing step 3's work: the role GitHub Actions assumes.

IAM deletes a role only once it has no inline policy, no attached managed policy and no
instance profile (DeleteConflict otherwise; https://docs.aws.amazon.com/IAM/latest/APIReference/
API_DeleteRole.html). The wizard puts exactly one policy there, the
push policy; anything else was put there by someone else for a reason, so the role is kept
and the refusal lists what holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.steps.base import Step, StepContext
from wizard.tags import managed_by
from wizard.teardown.base import (
    DECISION,
    DELETE,
    FORGET,
    GONE,
    KEEP,
    REFUSED,
    TeardownOptions,
    decision,
    managed_note,
    not_ours_note,
    tagged_by_wizard,
)
from wizard.teardown.push_policy import read_role


@dataclass(frozen=True)
class RoleGone:
    exists: bool
    name: str = ""
    arn: str = ""
    created_by_wizard: bool = False
    inline: tuple[str, ...] = ()
    managed: tuple[str, ...] = ()
    instance_profiles: tuple[str, ...] = ()
    # The tool an exported template or configuration made it with ("": the wizard itself).
    managed_by: str = ""


class RemoveRole(Step[RoleGone]):
    number = 3
    key = "remove-role"
    title = "Remove the IAM role"
    purpose = "Workflows can no longer assume the role; configure-aws-credentials fails."
    undo = "Run `apply --only 3,4` to make it again (a new role ID: re-run step 5 too)."

    def __init__(self, options: TeardownOptions | None = None) -> None:
        self.options = options or TeardownOptions()

    def inspect(self, ctx: StepContext) -> RoleGone:
        role = read_role(ctx)
        if role is None:
            return RoleGone(exists=False)
        iam = ctx.aws.iam
        name = role["RoleName"]
        inline: list[str] = []
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
            inline += page["PolicyNames"]
        managed: list[str] = []
        for attached in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
            managed += [
                p.get("PolicyArn", p.get("PolicyName", "?")) for p in attached["AttachedPolicies"]
            ]
        profiles: list[str] = []
        paginator = iam.get_paginator("list_instance_profiles_for_role")
        for listed in paginator.paginate(RoleName=name):
            profiles += [p["InstanceProfileName"] for p in listed["InstanceProfiles"]]
        return RoleGone(
            True,
            name,
            role["Arn"],
            tagged_by_wizard(role.get("Tags", [])),
            tuple(sorted(inline)),
            tuple(sorted(managed)),
            tuple(sorted(profiles)),
            managed_by(role.get("Tags", [])),
        )

    def plan(self, ctx: StepContext, observed: RoleGone) -> StepPlan:
        s = ctx.settings
        resource = f"IAM role {s.role_name}"
        key = DECISION.format(self.number)
        if not observed.exists:
            change = Change(Action.NOOP, resource, "not there; nothing to remove")
            return self.new_plan(changes=(change,), outputs={key: GONE})
        if observed.managed_by and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: its stack or state manages it")
            return self.new_plan(
                changes=(change,),
                notes=(managed_note(f"Role {observed.name}", observed.managed_by, self.number),),
                outputs={key: KEEP},
            )
        if not observed.created_by_wizard and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: not made by ecr-oidc-wizard")
            return self.new_plan(
                changes=(change,),
                notes=(not_ours_note(f"Role {observed.name}", self.number),),
                outputs={key: KEEP},
            )
        calls: list[Call] = []
        holders: list[str] = []
        if s.policy_name in observed.inline:
            step_before = decision(ctx.outputs, 4)
            if step_before == KEEP:
                holders.append(f"inline policy {s.policy_name} (left by the step before)")
            elif step_before != DELETE:
                # `--only 3`: the push policy is the wizard's on the wizard's role; it goes first.
                calls.append(
                    Call(
                        "iam",
                        "delete_role_policy",
                        {"RoleName": observed.name, "PolicyName": s.policy_name},
                    )
                )
        holders += [f"inline policy {n}" for n in observed.inline if n != s.policy_name]
        holders += [f"managed policy {arn}" for arn in observed.managed]
        holders += [f"instance profile {p}" for p in observed.instance_profiles]
        if holders:
            refusal = (
                f"Role {observed.name} is kept: it also has {', '.join(holders)}, which "
                "ecr-oidc-wizard did not put there. Whoever added them may still need the role. "
                "Remove them first if the role should go, then run destroy again."
            )
            change = Change(Action.NOOP, resource, "kept: it holds policies the wizard did not add")
            return self.new_plan(
                changes=(change,),
                notes=(Note(Severity.WARNING, refusal),),
                outputs={key: KEEP, REFUSED: refusal},
            )
        calls.append(Call("iam", "delete_role", {"RoleName": observed.name}))
        change = Change(
            Action.DELETE,
            resource,
            f"delete the role {observed.arn}; workflows can no longer assume it",
            calls=tuple(calls),
        )
        return self.new_plan(
            changes=(change,),
            outputs={key: DELETE, "removed_role": observed.name, FORGET: "role_arn"},
        )
