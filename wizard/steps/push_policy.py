"""Step 4: the inline policy that lets the role push to exactly one repository."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan, documents_equal, json_diff
from wizard.policies import (
    INLINE_POLICIES_LIMIT,
    PolicyTooLarge,
    policy_size,
    shared_push_policy,
)
from wizard.steps.aws_errors import is_not_found
from wizard.steps.base import Step, StepContext

PUSH_POLICY_NAME = "push policy"
# Said when step 4 is planned before step 3 made the role; a run that plans both may drop it.
ROLE_MISSING_NOTE = (
    "Role {role} does not exist yet: step 3 creates it. Applying this step on its own fails "
    "until then."
)
_ROLE_MISSING = re.compile(r"role (?:with name )?\S+ (?:not found|cannot be found)", re.IGNORECASE)


@dataclass(frozen=True)
class PushPolicyState:
    document: Any = None
    role_missing: bool = False
    other_policies: tuple[str, ...] = ()
    others_size: int = 0

    @property
    def exists(self) -> bool:
        return self.document is not None


class PushPolicyStep(Step[PushPolicyState]):
    number = 4
    key = "push-policy"
    title = "Attach ECR Permissions to Role"
    undo = (
        "`aws iam delete-role-policy --role-name ROLE --policy-name ECRPushPolicy`: the role stays "
        "and can still be assumed, but pushes fail with AccessDenied."
    )
    purpose = (
        "An inline policy on the role: log in to ECR anywhere, push and pull in this one "
        "repository only."
    )

    def inspect(self, ctx: StepContext) -> PushPolicyState:
        s = ctx.settings
        iam = ctx.aws.iam
        try:
            document = iam.get_role_policy(RoleName=s.role_name, PolicyName=s.policy_name)[
                "PolicyDocument"
            ]
        except Exception as exc:
            if not is_not_found(exc):
                raise
            # IAM answers NoSuchEntity for a missing policy and for a missing role alike.
            if _ROLE_MISSING.search(str(exc)):
                return PushPolicyState(role_missing=True)
            document = None
        # IAM's 10,240-character limit holds for all inline policies of the role together.
        names = ctx.read_once(
            f"inline-policies:{s.role_name.lower()}",
            lambda: iam.list_role_policies(RoleName=s.role_name)["PolicyNames"],
        )
        others = [n for n in names if n != s.policy_name]
        size = sum(
            policy_size(iam.get_role_policy(RoleName=s.role_name, PolicyName=n)["PolicyDocument"])
            for n in others
        )
        return PushPolicyState(document, other_policies=tuple(others), others_size=size)

    def plan(self, ctx: StepContext, observed: PushPolicyState) -> StepPlan:
        s = ctx.settings
        members = ctx.role_members
        desired = ctx.document_overrides.get(self.number) or shared_push_policy(
            members, partition=ctx.partition, account_id=ctx.account_id
        )
        total = policy_size(desired) + observed.others_size
        if total > INLINE_POLICIES_LIMIT:
            raise PolicyTooLarge(
                f"The inline policies of role {s.role_name} would hold {total} characters "
                f"together ({s.policy_name} and {', '.join(observed.other_policies)}); IAM allows "
                f"{INLINE_POLICIES_LIMIT}. Nothing was changed: move some permissions to a "
                "managed policy, or use another role."
            )
        resource = f"inline policy {s.policy_name} on role {s.role_name}"
        put = Call(
            "iam",
            "put_role_policy",
            {
                "RoleName": s.role_name,
                "PolicyName": s.policy_name,
                "PolicyDocument": json.dumps(desired, indent=2),
            },
        )
        target = "ECR Public repository" if s.public else f"repository in {ctx.region}"
        names = s.ecr_repository
        if len(members) > 1:
            target = f"{len(members)} repositories in {ctx.region}:"
            names = ", ".join(m.ecr_repository for m in members)
        if not observed.exists:
            change = Change(
                Action.CREATE,
                resource,
                f"allow pushing to the {target} {names} only",
                calls=(put,),
                document=desired,
                document_name=PUSH_POLICY_NAME,
            )
        elif documents_equal(observed.document, desired):
            change = Change(
                Action.NOOP,
                resource,
                "already allows exactly the push actions on this repository",
                document=desired,
                document_name=PUSH_POLICY_NAME,
            )
        else:
            change = Change(
                Action.UPDATE,
                resource,
                "replace the policy with the push actions on this repository",
                calls=(put,),
                document=desired,
                document_name=PUSH_POLICY_NAME,
                diff=json_diff(observed.document, desired, PUSH_POLICY_NAME),
            )
        notes: tuple[Note, ...] = (
            Note(
                Severity.INFO,
                "ecr:GetAuthorizationToken has no resource-level permissions, so it alone is "
                "on '*'; every other action names the exact repository ARN.",
            ),
        )
        if observed.role_missing and ctx.creates_in_this_run(3):
            notes = (
                Note(
                    Severity.INFO,
                    f"Role {s.role_name} is created by step 3 earlier in this run, before this "
                    "policy is attached to it.",
                ),
                *notes,
            )
        elif observed.role_missing:
            notes = (
                Note(
                    Severity.WARNING,
                    ROLE_MISSING_NOTE.format(role=s.role_name),
                ),
                *notes,
            )
        return self.new_plan(changes=(change,), notes=notes)
