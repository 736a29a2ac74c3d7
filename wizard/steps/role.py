"""Step 3: the role GitHub Actions assumes, trusting only the chosen repository and scope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wizard.plan import (
    Action,
    Call,
    Change,
    Note,
    Severity,
    StepPlan,
    documents_equal,
    json_diff,
)
from wizard.policies import role_arn, scope_notes, subjects, trust_policy
from wizard.steps.aws_errors import is_not_found
from wizard.steps.base import Step, StepContext
from wizard.tags import aws_tags

TRUST_POLICY_NAME = "trust policy"


def edited_notes(document: dict[str, Any]) -> list[Note]:
    """A hand-edited trust policy is linted: every finding becomes a note in the plan."""
    from wizard.trust_lint import Level, lint_trust_policy

    severity = {
        Level.HIGH: Severity.DANGER,
        Level.MEDIUM: Severity.WARNING,
        Level.LOW: Severity.INFO,
    }
    notes = [Note(Severity.WARNING, "This trust policy was edited by hand.")]
    notes += [
        Note(severity[f.level], f"{f.message} Fix: {f.fix}") for f in lint_trust_policy(document)
    ]
    return notes


@dataclass(frozen=True)
class RoleState:
    exists: bool
    name: str = ""
    arn: str = ""
    trust_policy: Any = None


class RoleStep(Step[RoleState]):
    number = 3
    key = "role"
    title = "Create IAM Role for GitHub Actions"
    undo = (
        "Delete its inline policy, then the role: `aws iam delete-role-policy --role-name ROLE "
        "--policy-name ECRPushPolicy` and `aws iam delete-role --role-name ROLE`. Workflows using "
        "it fail at configure-aws-credentials afterwards."
    )
    purpose = (
        "A role that workflows of your repository, and nothing else, can assume with their "
        "GitHub token, instead of long-lived access keys."
    )

    def inspect(self, ctx: StepContext) -> RoleState:
        try:
            role = ctx.aws.iam.get_role(RoleName=ctx.settings.role_name)["Role"]
        except Exception as exc:
            if is_not_found(exc):
                return RoleState(exists=False)
            raise
        # boto3 already URL-decodes and parses the document.
        document = role.get("AssumeRolePolicyDocument")
        return RoleState(True, role["RoleName"], role["Arn"], document)

    def plan(self, ctx: StepContext, observed: RoleState) -> StepPlan:
        s = ctx.settings
        desired = ctx.document_overrides.get(self.number) or trust_policy(
            s, partition=ctx.partition, account_id=ctx.account_id
        )
        text = json.dumps(desired, indent=2)
        arn = observed.arn or role_arn(ctx.partition, ctx.account_id, s.role_name)
        who = ", ".join(sub.meaning for sub in subjects(s))
        resource = f"IAM role {s.role_name}"
        if not observed.exists:
            change = Change(
                Action.CREATE,
                resource,
                f"create the role; {s.github_repo} may assume it from: {who}",
                calls=(
                    Call(
                        "iam",
                        "create_role",
                        {
                            "RoleName": s.role_name,
                            "AssumeRolePolicyDocument": text,
                            "Description": f"GitHub Actions in {s.github_repo} push images to ECR",
                            "Tags": aws_tags(),
                        },
                    ),
                ),
                document=desired,
                document_name=TRUST_POLICY_NAME,
            )
        elif documents_equal(observed.trust_policy, desired):
            change = Change(
                Action.NOOP,
                resource,
                f"trust policy already admits exactly: {who}",
                document=desired,
                document_name=TRUST_POLICY_NAME,
            )
        else:
            change = Change(
                Action.UPDATE,
                resource,
                f"replace the trust policy; {s.github_repo} may assume it from: {who}",
                calls=(
                    Call(
                        "iam",
                        "update_assume_role_policy",
                        {"RoleName": observed.name, "PolicyDocument": text},
                    ),
                ),
                document=desired,
                document_name=TRUST_POLICY_NAME,
                diff=json_diff(observed.trust_policy, desired, TRUST_POLICY_NAME),
            )
        notes = (
            scope_notes(s) if self.number not in ctx.document_overrides else edited_notes(desired)
        )
        return self.new_plan(changes=(change,), notes=tuple(notes), outputs={"role_arn": arn})
