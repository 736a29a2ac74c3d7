"""Removing step 2's work: GitHub's OIDC provider, last, and only when nobody else uses it.

The provider is one per account and shared: every role that trusts GitHub names it as its
federated principal. It goes only when the wizard made it and no role left in the account
trusts it; otherwise the plan names the roles that still do, and keeps it. A provider that
existed before keeps its place, but an audience step 2 added to it goes again
(RemoveClientIDFromOpenIDConnectProvider: https://docs.aws.amazon.com/IAM/latest/APIReference/
API_RemoveClientIDFromOpenIDConnectProvider.html), unless other roles trust the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.steps.base import Step, StepContext
from wizard.steps.oidc_provider import AUDIENCE_ADDED
from wizard.tags import managed_by
from wizard.teardown.base import (
    DECISION,
    DELETE,
    FORGET,
    GONE,
    KEEP,
    TeardownOptions,
    decision,
    managed_note,
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
    client_ids: tuple[str, ...] = ()
    # The tool an exported template or configuration made it with ("": the wizard itself).
    managed_by: str = ""

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
        # The chosen issuer's provider only: never another GitHub's (GHES, an enterprise's).
        suffix = f":oidc-provider/{ctx.settings.oidc_issuer.name}"
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
        return ProviderGone(
            arn,
            tagged_by_wizard(found.get("Tags", [])),
            tuple(sorted(trusted_by)),
            tuple(found.get("ClientIDList", [])),
            managed_by(found.get("Tags", [])),
        )

    def plan(self, ctx: StepContext, observed: ProviderGone) -> StepPlan:
        resource = f"OIDC provider {ctx.settings.oidc_issuer.name}"
        key = DECISION.format(self.number)
        if not observed.exists:
            change = Change(Action.NOOP, resource, "not there; nothing to remove")
            return self.new_plan(changes=(change,), outputs={key: GONE})
        going = ctx.outputs.get("removed_role", "") if decision(ctx.outputs, 3) == DELETE else ""
        others = [r for r in observed.trusted_by if r.lower() != going.lower()]
        if observed.managed_by and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: its stack or state manages it")
            note = managed_note("The OIDC provider", observed.managed_by, self.number)
            return self.new_plan(changes=(change,), notes=(note,), outputs={key: KEEP})
        if not observed.created_by_wizard and not self.options.names(self.number):
            return self._audience_plan(ctx, observed, others)
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
        forget = ["provider_arn", *([AUDIENCE_ADDED] if ctx.outputs.get(AUDIENCE_ADDED) else [])]
        return self.new_plan(changes=(change,), outputs={key: DELETE, FORGET: " ".join(forget)})

    def _audience_plan(
        self, ctx: StepContext, observed: ProviderGone, others: list[str]
    ) -> StepPlan:
        """A provider the wizard did not make stays; an audience step 2 added to it goes, as
        long as no other role trusts the provider (it may rely on that audience by now)."""
        resource = f"OIDC provider {ctx.settings.oidc_issuer.name}"
        key = DECISION.format(self.number)
        kept = Change(Action.NOOP, resource, "left alone: not made by ecr-oidc-wizard")
        notes = [not_ours_note("The OIDC provider", self.number)]
        added = ctx.outputs.get(AUDIENCE_ADDED, "")
        if not added or added not in observed.client_ids:
            return self.new_plan(changes=(kept,), notes=tuple(notes), outputs={key: KEEP})
        if others:
            notes.append(
                Note(
                    Severity.WARNING,
                    f"The audience {added} that ecr-oidc-wizard added to the provider stays: "
                    f"role(s) {', '.join(others[:20])} trust the provider and may rely on it.",
                )
            )
            return self.new_plan(changes=(kept,), notes=tuple(notes), outputs={key: KEEP})
        removal = Change(
            Action.DELETE,
            f"audience {added} of {resource}",
            "remove the audience ecr-oidc-wizard added; the provider, which existed before, stays",
            calls=(
                Call(
                    "iam",
                    "remove_client_id_from_open_id_connect_provider",
                    {"OpenIDConnectProviderArn": observed.arn, "ClientID": added},
                ),
            ),
        )
        return self.new_plan(
            changes=(kept, removal),
            notes=tuple(notes),
            outputs={key: KEEP, FORGET: AUDIENCE_ADDED},
        )
