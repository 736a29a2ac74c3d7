"""`plan` and `apply`: the six steps' plan, shown, then applied exactly as planned."""

from __future__ import annotations

import argparse
import io
import sys
from typing import Any

from wizard.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    confirm_apply,
    emit_json,
    print_lines,
    resolve,
    run_document,
    step_context,
    validate_or_raise,
)
from wizard.render.envelope import error


def cmd_plan_or_apply(args: argparse.Namespace) -> int:
    from wizard.cli.github import github_overrides, wire_github
    from wizard.cli.manifest import cmd_manifest, manifest_path
    from wizard.remember import remember
    from wizard.render import plan_text
    from wizard.runner import apply_run, plan_steps, select_steps
    from wizard.steps import AWS_STEPS, all_steps
    from wizard.steps.github_secrets import remembered_fingerprints

    if args.command == "apply" and getattr(args, "plan_file", None):
        from wizard.cli.saved_plan import cmd_apply_saved

        return cmd_apply_saved(args)
    many = manifest_path(args)
    if many is not None:
        return cmd_manifest(args, many)
    only: list[int] = args.only or [s.number for s in AWS_STEPS]
    steps = select_steps(all_steps(), only)
    settings, remembered, path = resolve(args)
    settings = settings.merged(github_overrides(args))
    validate_or_raise(settings, only)
    applying = args.command == "apply"
    if applying and not path.parent.is_dir():
        raise UsageError(
            f"error: --config {path}: the folder {path.parent} does not exist, so the answers "
            "could not be kept."
        )
    ctx = step_context(settings)
    # Step 5 tells from these whether the secrets it set are unchanged (their values cannot be
    # read back). Only they are seeded: step 6 takes a remembered role_arn in the outputs to
    # mean step 3 runs first, and would then check the trust policy step 3 would set rather
    # than the role's own.
    ctx.outputs.update(remembered_fingerprints(remembered.created))
    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    said = io.StringIO() if args.json else None
    stop = wire_github(
        ctx,
        steps,
        applying=applying,
        json_output=args.json,
        err=said,
        github=seams.get("github"),
    )
    if said is not None:
        sys.stderr.write(said.getvalue())
    if stop is not None:
        if said is not None:
            kind = "usage" if stop == EXIT_USAGE else "failed"
            return emit_json(args.command, stop, problem=error(said.getvalue().strip(), type=kind))
        return stop
    # GitHub's canonical names and ids (when a token was found) are what gets remembered.
    settings = ctx.settings
    run = plan_steps(ctx, steps)
    if not args.json:
        for plan in run.plans:
            print_lines(plan_text.plan_lines(plan))
        if not run.failed:
            print_lines([plan_text.summary_line(run.plans)])
    failed = run.failed
    if failed is not None:
        return _finish(args, run, failed)
    if getattr(args, "out", None) is not None:
        from wizard.cli.saved_plan import save_plan

        saved = save_plan(args, ctx, run)
        return _finish(args, run, None, saved=saved)
    if applying and run.has_changes:
        if not args.yes and not _confirm(run):
            code = EXIT_USAGE if not sys.stdin.isatty() else EXIT_OK
            if args.json:
                refused = error("Not applied: standard input is not a terminal; --yes applies.")
                return emit_json("apply", code, _document(args, run, None), problem=refused)
            return code
        apply_run(ctx, run, on_result=None if args.json else _print_result)
    if applying:
        try:
            notes = remember(path, remembered, settings, ctx.outputs, run.plans)
        except OSError as exc:
            print_lines([f"✗ The answers could not be saved to {path}: {exc}"], stderr=True)
            return max(_finish(args, run, run.failed), EXIT_FAILED)
        if not args.json:
            print_lines([f"i {note}" for note in notes])
    return _finish(args, run, run.failed)


def _print_result(result: Any) -> None:
    from wizard.render import plan_text

    if str(result.status) != "failed":
        print_lines([plan_text.result_line(result)])


def _finish(
    args: argparse.Namespace, run: Any, failed: Any, *, saved: dict[str, Any] | None = None
) -> int:
    from wizard.render import plan_text

    code = EXIT_FAILED if failed is not None else EXIT_OK
    if args.json:
        document = _document(args, run, failed)
        if saved is not None:
            document["saved"] = saved
        emit_json(args.command, code, document)
    elif failed is not None:
        # A plan changes nothing, so there is nothing "kept" to speak of.
        retry = plan_text.RETRY_CLI if args.command == "apply" else ""
        print_lines(plan_text.failure_lines(failed, retry), stderr=True)
    return code


def _document(args: argparse.Namespace, run: Any, failed: Any) -> dict[str, Any]:
    return run_document(args.command, run, failed)


def _confirm(run: Any) -> bool:
    return confirm_apply(run)
