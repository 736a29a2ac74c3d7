"""Step 2: GitHub's OpenID Connect provider in IAM, one per account, shared by every role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan, value_diff
from wizard.policies import audience
from wizard.steps.base import Step, StepContext
from wizard.tags import aws_tags

THUMBPRINT_NOTE = (
    "No thumbprint is sent: since 2023-07-06 AWS checks GitHub's certificate against its own "
    "trusted root CAs and ignores stored thumbprints. The guide's "
    "6938fd4d98bab03faadb97b34396831e3780aea1 is harmless; pass --thumbprint to store one anyway."
)


# Outputs (and so the answers file's [created] table): the audience step 2 added to a provider
# that existed without it, so `destroy` can take back exactly that and leave the provider.
AUDIENCE_ADDED = "provider_audience_added"


@dataclass(frozen=True)
class ProviderState:
    arn: str = ""
    client_ids: tuple[str, ...] = ()
    thumbprints: tuple[str, ...] = ()

    @property
    def exists(self) -> bool:
        return bool(self.arn)


def provider_arns(ctx: StepContext) -> list[str]:
    """Every OIDC provider of the account, listed once per run (step 3 asks too)."""
    listed = ctx.read_once(
        "oidc-providers",
        lambda: ctx.aws.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"],
    )
    return [str(entry.get("Arn", "")) for entry in listed]


class OidcProviderStep(Step[ProviderState]):
    number = 2
    key = "oidc-provider"
    title = "Create IAM OIDC Provider for GitHub"
    undo = (
        "The provider is shared by every role in the account that trusts GitHub: deleting it "
        "(`aws iam delete-open-id-connect-provider --open-id-connect-provider-arn ARN`) breaks "
        "all of them, not only this one. Usually left in place."
    )
    # The plan names the chosen issuer; this line describes the step (github.com's issuer).
    purpose = (
        "IAM learns to trust tokens signed by GitHub Actions "
        "(token.actions.githubusercontent.com); done once per AWS account and reused by every role."
    )

    def inspect(self, ctx: StepContext) -> ProviderState:
        iam = ctx.aws.iam
        # IAM names the provider by its URL without the scheme, case as given: compare without
        # case, and never take another issuer's provider (GHES, an enterprise's own issuer).
        suffix = f":oidc-provider/{ctx.settings.oidc_issuer.name}".lower()
        for arn in provider_arns(ctx):
            if not arn.lower().endswith(suffix):
                continue
            # The API returns the URL without its scheme; the ARN already names the host.
            found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
            return ProviderState(
                arn=arn,
                client_ids=tuple(found.get("ClientIDList", [])),
                thumbprints=tuple(found.get("ThumbprintList", [])),
            )
        return ProviderState()

    def plan(self, ctx: StepContext, observed: ProviderState) -> StepPlan:
        s = ctx.settings
        issuer = s.oidc_issuer
        aud = audience(ctx.partition)
        arn = observed.arn or issuer.provider_arn(ctx.partition, ctx.account_id)
        outputs = {"provider_arn": arn}
        notes: list[Note] = [] if s.thumbprints else [Note(Severity.INFO, THUMBPRINT_NOTE)]
        resource = f"OIDC provider {issuer.name}"
        if not observed.exists:
            params: dict[str, object] = {
                "Url": issuer.url,
                "ClientIDList": [aud],
                "Tags": aws_tags(),
            }
            if s.thumbprints:
                params["ThumbprintList"] = [t.lower() for t in s.thumbprints]
            change = Change(
                Action.CREATE,
                resource,
                f"create the provider with audience {aud}",
                calls=(Call("iam", "create_open_id_connect_provider", params),),
            )
            return self.new_plan(changes=(change,), notes=tuple(notes), outputs=outputs)
        changes: list[Change] = []
        if aud not in observed.client_ids:
            changes.append(
                Change(
                    Action.UPDATE,
                    resource,
                    f"add the audience {aud} (the provider exists without it)",
                    calls=(
                        Call(
                            "iam",
                            "add_client_id_to_open_id_connect_provider",
                            {"OpenIDConnectProviderArn": arn, "ClientID": aud},
                        ),
                    ),
                    diff=value_diff(
                        "audiences", list(observed.client_ids), [*observed.client_ids, aud]
                    ),
                )
            )
        wanted = [t.lower() for t in s.thumbprints if t.lower() not in observed.thumbprints]
        if wanted:
            merged = [*observed.thumbprints, *wanted][-5:]
            dropped = [t for t in observed.thumbprints if t not in merged]
            if dropped:
                notes.append(
                    Note(
                        Severity.WARNING,
                        "IAM keeps at most 5 thumbprints: the oldest "
                        f"({', '.join(dropped)}) make room for the new ones.",
                    )
                )
            changes.append(
                Change(
                    Action.UPDATE,
                    resource,
                    "store the requested thumbprint(s)",
                    calls=(
                        Call(
                            "iam",
                            "update_open_id_connect_provider_thumbprint",
                            {"OpenIDConnectProviderArn": arn, "ThumbprintList": merged},
                        ),
                    ),
                    diff=value_diff("thumbprints", list(observed.thumbprints), merged),
                )
            )
        if not changes:
            changes.append(Change(Action.NOOP, resource, f"exists with audience {aud}; reused"))
        return self.new_plan(changes=tuple(changes), notes=tuple(notes), outputs=outputs)

    def after_call(self, ctx: StepContext, call: Call, answer: Any) -> None:
        """Remember an audience added to a provider the wizard did not make: it is the only
        trace the wizard leaves on it, and what `destroy` removes again."""
        if call.operation == "add_client_id_to_open_id_connect_provider":
            ctx.outputs[AUDIENCE_ADDED] = str(call.params["ClientID"])
