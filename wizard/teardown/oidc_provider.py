"""Removing step 2's work: GitHub's OIDC provider, last, and only when nobody else uses it.

The provider is one per account and shared: every role that trusts GitHub names it as its
federated principal. It goes only when the wizard made it and no role left in the account
trusts it; otherwise the plan names the roles that still do, and keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.policies import ISSUER
from wizard.steps.base import Step, StepContext
from wizard.teardown.base import (
    DECISION,
    DELETE,
    FORGET,
    GONE,
    KEEP,
    TeardownOptions,
    decision,
    not_ours_note,
    tagged_by_wizard,
)


def federated_principals(document: Any) -> set[str]:
    """Every federated principal a trust policy names, Allow or Deny alike."""
    if not isinstance(document, dict):
        return set()
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    found: set[str] = set()
    for statement in statements if isinstance(statements, list) else []:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if not isinstance(principal, dict):
            continue
        value = principal.get("Federated", [])
        found.update([value] if isinstance(value, str) else [str(v) for v in value])
    return found


@dataclass(frozen=True)
class ProviderGone:
    arn: str = ""
    created_by_wizard: bool = False
    # Roles whose trust policy names the provider.
    trusted_by: tuple[str, ...] = ()

    @property
    def exists(self) -> bool:
        return bool(self.arn)


class RemoveOidcProvider(Step[ProviderGone]):
    number = 2
    key = "remove-oidc-provider"
    title = "Remove the IAM OIDC provider"
    purpose = "Last, and only if no other role in the account trusts it."
    undo = "Run `apply --only 2` to make it again."

    def __init__(self, options: TeardownOptions | None = None) -> None:
        self.options = options or TeardownOptions()

    def inspect(self, ctx: StepContext) -> ProviderGone:
        iam = ctx.aws.iam
        suffix = f":oidc-provider/{ISSUER}"
        arns = [
            e.get("Arn", "")
            for e in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        ]
        arn = next((a for a in arns if a.endswith(suffix)), "")
        if not arn:
            return ProviderGone()
        found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        trusted_by: list[str] = []
        for page in iam.get_paginator("list_roles").paginate():
            for role in page["Roles"]:
                if arn in federated_principals(role.get("AssumeRolePolicyDocument")):
                    trusted_by.append(role["RoleName"])
        return ProviderGone(arn, tagged_by_wizard(found.get("Tags", [])), tuple(sorted(trusted_by)))

    def plan(self, ctx: StepContext, observed: ProviderGone) -> StepPlan:
        resource = f"OIDC provider {ISSUER}"
        key = DECISION.format(self.number)
        if not observed.exists:
            change = Change(Action.NOOP, resource, "not there; nothing to remove")
            return self.new_plan(changes=(change,), outputs={key: GONE})
        if not observed.created_by_wizard and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: not made by ecr-oidc-wizard")
            return self.new_plan(
                changes=(change,),
                notes=(not_ours_note("The OIDC provider", self.number),),
                outputs={key: KEEP},
            )
        going = ctx.outputs.get("removed_role", "") if decision(ctx.outputs, 3) == DELETE else ""
        others = [r for r in observed.trusted_by if r.lower() != going.lower()]
        if others:
            shown = ", ".join(others[:20]) + (
                f" and {len(others) - 20} more" if len(others) > 20 else ""
            )
            change = Change(Action.NOOP, resource, f"kept: {len(others)} other role(s) trust it")
            note = Note(
                Severity.WARNING,
                f"The provider is kept: role(s) {shown} trust it, and deleting it would stop "
                "their workflows from assuming them.",
            )
            return self.new_plan(changes=(change,), notes=(note,), outputs={key: KEEP})
        change = Change(
            Action.DELETE,
            resource,
            "delete the provider; no role left in the account trusts it",
            calls=(
                Call(
                    "iam",
                    "delete_open_id_connect_provider",
                    {"OpenIDConnectProviderArn": observed.arn},
                ),
            ),
        )
        return self.new_plan(changes=(change,), outputs={key: DELETE, FORGET: "provider_arn"})
