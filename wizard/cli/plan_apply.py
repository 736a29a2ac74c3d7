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
    from wizard.cli.github import github_overrides, wire_github, with_publishing
    from wizard.cli.manifest import cmd_manifest, manifest_path
    from wizard.remember import remember_run
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
    settings, remembered, path = resolve(args)
    settings = settings.merged(github_overrides(args))
    steps = with_publishing(select_steps(all_steps(), only), args, settings)
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
    if applying and 6 in only and not set(range(1, 6)) <= set(only):
        wanted = _steps_before_the_run(ctx, only, ask=not args.yes and not args.json)
        if wanted != only:
            # The steps already wired (step 6 carries this face's progress printer) are kept.
            added = select_steps(all_steps(), [n for n in wanted if n not in only])
            steps = sorted([*added, *steps], key=lambda step: step.number)
            only = wanted
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
            # Only what was applied (or found as planned) is remembered and written.
            notes = remember_run(path, remembered, settings, ctx.outputs, run)
        except OSError as exc:
            print_lines([f"✗ The answers could not be saved to {path}: {exc}"], stderr=True)
            return max(_finish(args, run, run.failed), EXIT_FAILED)
        if seams:
            # The sandbox's folder is removed at exit: a file written there is not to be read.
            notes = [n for n in notes if not n.startswith("Wrote ")]
        if not args.json:
            print_lines([f"i {note}" for note in notes])
            if run.failed is None and ctx.github is None and not {5, 6} <= set(only):
                print_lines(["", *_github_next(args, settings)])
    return _finish(args, run, run.failed)


def _github_next(args: argparse.Namespace, settings: Any) -> list[str]:
    from pathlib import Path

    from wizard.settings import CONFIG_NAME
    from wizard.summary import github_steps_next

    config = "" if Path(args.config) == Path(CONFIG_NAME) else str(args.config)
    return github_steps_next(settings, config=config)


def _steps_before_the_run(ctx: Any, only: list[int], *, ask: bool) -> list[int]:
    """Step 6 runs the workflow that uses what steps 1-5 set up: say which are not done
    (read-only), and on a terminal offer to run them first; otherwise go on as asked."""
    import dataclasses

    from wizard.prerequisites import missing_before, missing_lines, numbers_text
    from wizard.runner import select_steps
    from wizard.steps import all_steps

    earlier = select_steps(all_steps(), [n for n in range(1, 6) if n not in only])
    # A context of its own: these plans must not become outputs step 6 plans from.
    check = dataclasses.replace(ctx, outputs=dict(ctx.outputs), sent=[], planned={}, reads={})
    missing = [m for m in missing_before(check, 6, earlier) if m.number not in only]
    if not missing:
        return only
    print_lines(missing_lines(missing), stderr=not ask)
    numbers = [m.number for m in missing]
    if ask and sys.stdin.isatty():
        answer = input(f"Run {numbers_text(numbers)} first? [Y/n] ").strip().lower()
        if answer in ("", "y", "yes"):
            return sorted({*only, *numbers})
        print_lines([f"Going on with step 6 without {numbers_text(numbers)}."])
        return only
    with_them = ",".join(str(n) for n in sorted({*only, *numbers}))
    said = f"Going on with step 6 as asked; `--only {with_them}` runs {numbers_text(numbers)}"
    print_lines([f"{said} first."], stderr=True)
    return only


def _print_result(result: Any) -> None:
    from wizard.render import plan_text

    if str(result.status) != "failed":
        print_lines([plan_text.result_line(result)])
        if result.outputs.get("pull_request_url"):
            print_lines([f"  pull request: {result.outputs['pull_request_url']}"])


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
        if retry and getattr(args, "seams", None):
            retry = plan_text.RETRY_SANDBOX
        print_lines(plan_text.failure_lines(failed, retry), stderr=True)
    return code


def _document(args: argparse.Namespace, run: Any, failed: Any) -> dict[str, Any]:
    return run_document(args.command, run, failed)


def _confirm(run: Any) -> bool:
    return confirm_apply(run)
