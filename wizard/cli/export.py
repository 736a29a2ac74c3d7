"""`export`: the setup `plan` would make or keep, as CloudFormation or Terraform."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from wizard.cli.common import (
    EXIT_OK,
    UsageError,
    emit_json,
    print_lines,
    resolve,
    step_context,
    validate_or_raise,
)


def add_export_parser(commands: Any, add_target_arguments: Any) -> None:
    text = (
        "write the setup `plan` would make or keep as a CloudFormation template or a Terraform "
        "configuration, with the same documents; calls nothing"
    )
    sub = commands.add_parser("export", help=text, description=text)
    add_target_arguments(sub)
    sub.add_argument("--format", required=True, choices=("cloudformation", "terraform"))
    sub.add_argument(
        "--output",
        default="-",
        metavar="PATH",
        help="the file to write (replaced if it exists; a link there is replaced, not "
        "followed); - for standard output (the default)",
    )
    sub.add_argument(
        "--existing-provider-arn",
        default="",
        metavar="ARN",
        help="the account already has GitHub's OIDC provider: CloudFormation reuses this ARN "
        "(the ExistingOidcProviderArn parameter's default), Terraform reads it with a data source",
    )
    sub.add_argument(
        "--detect-provider",
        action="store_true",
        help="read the account (read-only, as plan does) and reuse GitHub's OIDC provider if it "
        "has one, as if its ARN were given with --existing-provider-arn",
    )
    sub.add_argument(
        "--github",
        action="store_true",
        help="Terraform only: also set the repository's Actions secrets or variables "
        "(integrations/github provider)",
    )
    sub.add_argument("--json", action="store_true", help="machine-readable output")


def cmd_export(args: argparse.Namespace) -> int:
    from wizard.export import ExportError, render_export, write_export
    from wizard.policies import PolicyError, scope_notes

    settings, _, _ = resolve(args)
    validate_or_raise(settings, (1, 2, 3, 4))
    if args.detect_provider and args.existing_provider_arn:
        raise UsageError(
            "error: --detect-provider reads the provider's ARN from the account; "
            "give it or --existing-provider-arn, not both."
        )
    provider = args.existing_provider_arn
    if args.detect_provider:
        provider = _detected_provider(settings)
    try:
        text = render_export(
            settings, args.format, existing_provider_arn=provider, github=args.github
        )
    except (ExportError, PolicyError) as exc:
        raise UsageError(f"error: {exc}") from exc
    if args.detect_provider:
        found = f"reusing {provider}" if provider else "none found: the export creates it"
        print_lines([f"GitHub's OIDC provider in the account: {found}."], stderr=True)
    wide = [n.text for n in scope_notes(settings) if n.severity.value == "danger"]
    path = None if args.output == "-" else Path(args.output)
    if path is not None:
        try:
            write_export(path, text)
        except OSError as exc:
            raise UsageError(f"error: --output {args.output}: {exc.strerror or exc}") from exc
    if args.json:
        body: dict[str, Any] = {
            "format": args.format,
            "path": str(path) if path is not None else None,
            "text": text,
            "wide": wide,
        }
        return emit_json("export", EXIT_OK, body)
    if path is None:
        sys.stdout.write(text)
    else:
        print_lines([f"✓ Wrote {path} ({args.format})."], stderr=True)
    # The scope's WIDE markers are in the file as comments; say them where a person looks too.
    if wide:
        print_lines([f"! {w}" for w in wide], stderr=True)
    return EXIT_OK


def _detected_provider(settings: Any) -> str:
    from wizard.export import account_provider_arn
    from wizard.runner import describe_error

    ctx = step_context(settings)
    try:
        return account_provider_arn(ctx)
    except Exception as exc:
        raise UsageError(
            f"error: --detect-provider could not read the account's OIDC providers: "
            f"{describe_error(exc)}"
        ) from exc
