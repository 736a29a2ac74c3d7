"""Infrastructure-as-code export: what `plan` would make or keep, as a CloudFormation template
or a Terraform configuration, built from the same documents the steps send.

`render_export` picks the format; `write_export` puts the text in a file. Neither calls AWS: the
account, partition and region are left to the deploying tool.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from wizard.settings import Settings
from wizard.steps.base import StepContext

FORMATS = ("cloudformation", "terraform")


class ExportError(ValueError):
    """An export that cannot be made as asked; nothing was written."""


def render_export(
    settings: Settings, fmt: str, *, existing_provider_arn: str = "", github: bool = False
) -> str:
    from wizard.export.cloudformation import EXISTING_PROVIDER_PATTERN, render_cloudformation
    from wizard.export.terraform import render_terraform

    if existing_provider_arn and not re.fullmatch(EXISTING_PROVIDER_PATTERN, existing_provider_arn):
        raise ExportError(
            f"--existing-provider-arn {existing_provider_arn!r} is not the ARN of GitHub's OIDC "
            "provider: arn:PARTITION:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com"
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
