"""Infrastructure-as-code export: what `plan` would make or keep, as a CloudFormation template
or a Terraform configuration, built from the same documents the steps send.

`render_export` picks the format; `write_export` puts the text in a file. Neither calls AWS: the
account, partition and region are left to the deploying tool.
"""

from __future__ import annotations

import re
from pathlib import Path

from wizard.safe_write import write_new_then_rename
from wizard.settings import Settings
from wizard.steps.base import StepContext

FORMATS = ("cloudformation", "terraform")


class ExportError(ValueError):
    """An export that cannot be made as asked; nothing was written."""


def render_export(
    settings: Settings, fmt: str, *, existing_provider_arn: str = "", github: bool = False
) -> str:
    from wizard.export.cloudformation import existing_provider_pattern, render_cloudformation
    from wizard.export.terraform import render_terraform

    issuer = settings.oidc_issuer
    pattern = existing_provider_pattern(issuer)
    if existing_provider_arn and not re.fullmatch(pattern, existing_provider_arn):
        raise ExportError(
            f"--existing-provider-arn {existing_provider_arn!r} is not the ARN of the OIDC "
            f"provider for {issuer.url}: arn:PARTITION:iam::ACCOUNT:oidc-provider/{issuer.name}"
        )
    if fmt == "cloudformation":
        if github:
            raise ExportError(
                "--github is for Terraform (the integrations/github provider); CloudFormation "
                "has no GitHub resources. Drop --github, or use --format terraform."
            )
        return render_cloudformation(settings, existing_provider_arn=existing_provider_arn)
    if fmt == "terraform":
        return render_terraform(
            settings, existing_provider=bool(existing_provider_arn), github=github
        )
    raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}.")


def account_provider_arn(ctx: StepContext) -> str:
    """The ARN of GitHub's OIDC provider in the account, or "": what step 2 would keep.

    Read-only (step 2's own inspect); lets an export reuse the provider as `plan` would, where a
    template that creates it again fails with EntityAlreadyExists."""
    from wizard.steps.oidc_provider import OidcProviderStep

    return OidcProviderStep().inspect(ctx).arn


def write_export(path: Path, text: str) -> None:
    """Replace the file atomically; a link at `path` is replaced, never followed."""
    write_new_then_rename(path, text, mode=0o644)
