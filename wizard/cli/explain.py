"""`explain`: pasted error text (or a failed run) to its known causes and fixes."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from wizard.cli.common import EXIT_FAILED, EXIT_OK, emit_json, print_lines, resolve


def cmd_explain(args: argparse.Namespace) -> int:
    from wizard.troubleshoot import classify, explain_text

    text = sys.stdin.read() if args.text == "-" else args.text
    settings, _, _ = resolve(args)
    values = {
        "region": settings.region,
        "ecr_repository": settings.ecr_repository,
        "role_name": settings.role_name,
        "policy_name": settings.policy_name,
        "github_repo": settings.github_repo,
    }
    with contextlib.suppress(ValueError):
        values["issuer"] = settings.oidc_issuer.name
    values = {k: v for k, v in values.items() if v}
    found = classify(text, values)
    live = None
    if args.live:
        from wizard.cli.doctor import live_view

        live = live_view(text, found, settings)
    if args.json:
        document: dict[str, Any] = {
            "recognised": bool(found),
            "guidance": [g.to_json() for g in found],
        }
        if live is not None:
            document["live"] = live.to_json()
        emit_json("explain", EXIT_OK if found else EXIT_FAILED, document)
    else:
        from wizard.render.terminal import terminal_safe

        # The pasted text is a log: it may hold the escape sequences a terminal acts on.
        print(terminal_safe(explain_text(text, values)))
        if live is not None:
            from wizard.render.doctor_report import live_lines

            print_lines(["", *live_lines(live)])
    return EXIT_OK if found else EXIT_FAILED
