"""`plan --out FILE` and `apply FILE`: a reviewed plan, applied exactly as reviewed.

`plan --out` writes the plan (wizard.plan_file) after showing it. `apply FILE` takes the answers
from the file, re-inspects, and sends exactly the saved calls when every step's world is still
the one the plan was made from; otherwise it shows what changed and sends nothing (exit 1). A
file edited by hand, damaged, or from a newer version is refused (exit 2) and left as it is;
so is a plan for another account or region.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import sys
from pathlib import Path
from typing import Any

from wizard.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    confirm_apply,
    emit_json,
    print_lines,
    refuse_answers_file,
    run_document,
    step_context,
    validate_or_raise,
)
from wizard.render.envelope import error

# Flags that would change what a saved plan does: the plan carries its own answers.
ANSWER_FLAGS = {
    "ecr_repository": "--ecr-repository",
    "role_name": "--role-name",
    "policy_name": "--policy-name",
    "tag_mutability": "--tag-mutability",
    "mutability_exclusions": "--mutability-exclusion",
    "scan_on_push": "--scan-on-push",
    "public": "--public",
    "thumbprints": "--thumbprint",
    "github_repo": "--github-repo",
    "default_branch": "--default-branch",
    "subject_format": "--subject-format",
    "owner_id": "--owner-id",
    "repo_id": "--repo-id",
    "require_repository_id": "--require-repository-id",
    "adopt_role": "--adopt-role",
    "branches": "--branch",
    "environments": "--environment",
    "tags": "--tag",
    "pull_requests": "--pull-requests",
    "any_ref": "--any-ref",
    "any_repo_of_owner": "--any-repo-of-owner",
    "github_api_url": "--github-api-url",
    "as_variables": "--as-variables",
    "workflow_file": "--workflow-file",
    "workflow_name": "--workflow-name",
    "image_version": "--image-version",
    "dockerfile": "--dockerfile",
    "build_context": "--build-context",
    "ref": "--ref",
    "only": "--only",
}


def absolute_path(text: str) -> Path:
    """A path as given, made absolute at once: the sandbox changes directory later."""
    return Path(text).expanduser().absolute()


def save_plan(args: argparse.Namespace, ctx: Any, run: Any) -> dict[str, Any]:
    """Write the plan of `run` to `args.out`; returns what `--json` reports of it."""
    from wizard.plan_file import PlanFileError, saved_plan_from_run, write_plan_file

    refuse_answers_file("--out", args.out, args.config)
    saved = saved_plan_from_run(ctx, run)
    try:
        write_plan_file(args.out, saved)
    except PlanFileError as exc:
        raise UsageError(f"error: {exc}") from None
    except OSError as exc:
        raise UsageError(f"error: --out {args.out}: cannot be written ({exc})") from None
    if not args.json:
        print_lines(
            [
                f"i Saved the plan to {args.out} ({saved.write_count} write call(s), mode 0600). "
                f"Apply exactly it with: ecr-oidc-wizard apply {args.out}"
            ]
        )
    return {"path": str(args.out), "write_calls": saved.write_count}


def cmd_apply_saved(args: argparse.Namespace) -> int:
    from wizard.cli.github import wire_github
    from wizard.plan_file import PlanFileError, TargetMismatch, read_plan_file, replay_saved_plan
    from wizard.render import plan_text
    from wizard.runner import apply_run, select_steps
    from wizard.settings import ConfigError, load
    from wizard.steps import all_steps
    from wizard.steps.github_secrets import remembered_fingerprints

    # `is not None`: `--no-scan-on-push` or `--role-name ""` is an answer too, not an absent one.
    given = [flag for name, flag in ANSWER_FLAGS.items() if getattr(args, name, None) is not None]
    if given:
        raise UsageError(
            f"error: {', '.join(given)}: a saved plan carries its own answers, so these cannot "
            "change it. Make a new plan with them (plan --out FILE), or apply the file without "
            "them."
        )
    path: Path = args.plan_file
    try:
        saved = read_plan_file(path)
    except PlanFileError as exc:
        raise UsageError(f"error: {exc}") from None
    # The answers a plan carries pass the rules `plan` applies: a file from a version with
    # looser rules, or rewritten with its digest recomputed, is refused before any call.
    try:
        validate_or_raise(saved.settings, saved.step_numbers)
    except UsageError as exc:
        raise UsageError(
            f"error: {path}: its answers break a rule, so it is not a plan this version "
            f"applies. The file was left as it is.\n{exc}",
            exc.fields,
        ) from None
    try:
        remembered = load(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    if args.region and args.region != saved.region:
        raise UsageError(
            f"error: {path} is a plan for region {saved.region}, but --region says "
            f"{args.region}. Make a new plan for {args.region}, or drop --region."
        )
    if not args.config.parent.is_dir():
        raise UsageError(
            f"error: --config {args.config}: the folder {args.config.parent} does not exist, "
            "so the answers could not be kept."
        )
    settings = dataclasses.replace(
        saved.settings,
        profile=args.profile or remembered.settings.profile,
        endpoint_url=args.endpoint_url or "",
    )
    steps = select_steps(all_steps(), saved.step_numbers)
    ctx = step_context(settings)
    ctx.outputs.update(remembered_fingerprints(remembered.created))
    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    said = io.StringIO() if args.json else None
    stop = wire_github(
        ctx, steps, applying=True, json_output=args.json, err=said, github=seams.get("github")
    )
    if said is not None:
        sys.stderr.write(said.getvalue())
    if stop is not None:
        if said is not None:
            kind = "usage" if stop == EXIT_USAGE else "failed"
            return emit_json("apply", stop, problem=error(said.getvalue().strip(), type=kind))
        return stop
    try:
        replay = replay_saved_plan(ctx, saved, steps)
    except TargetMismatch as exc:
        raise UsageError(f"error: {path}: {exc}") from None
    facts = _facts_drift(saved.settings, ctx.settings)
    if facts is not None:
        replay.drift.insert(0, facts)
    run = replay.run
    if not args.json:
        print_lines([f"Saved plan {path} (made {saved.created_at or 'at an unknown time'}):"])
        for plan in run.plans:
            print_lines(plan_text.plan_lines(plan))
    if run.failed is not None:
        return _finish(args, replay, run.failed)
    if replay.stale:
        if not args.json:
            lines = [f"✗ {path} is stale: the world changed since it was saved."]
            for drift in replay.drift:
                lines += drift.lines()
            lines.append(
                "Nothing was sent. Review the change, then make a new plan: "
                "ecr-oidc-wizard plan --out FILE"
            )
            print_lines(lines, stderr=True)
        return _finish(args, replay, None, code=EXIT_FAILED)
    if run.has_changes:
        if not args.yes and not confirm_apply(run):
            code = EXIT_USAGE if not sys.stdin.isatty() else EXIT_OK
            if args.json:
                refused = error("Not applied: standard input is not a terminal; --yes applies.")
                return emit_json("apply", code, _document(args, replay, None), problem=refused)
            return code
        apply_run(ctx, run, on_result=None if args.json else _print_result)
    from wizard.remember import remember_run

    try:
        # Only what was applied (or found as planned) is remembered and written.
        notes = remember_run(args.config, remembered, ctx.settings, ctx.outputs, run)
    except OSError as exc:
        print_lines([f"✗ The answers could not be saved to {args.config}: {exc}"], stderr=True)
        return max(_finish(args, replay, run.failed), EXIT_FAILED)
    if not args.json:
        print_lines([f"i {note}" for note in notes])
    return _finish(args, replay, run.failed)


def _facts_drift(saved: Any, now: Any) -> Any:
    """GitHub's answers (canonical names, ids, sub format) shape the trust policy: when they
    differ from the plan's, the plan is for another repository state."""
    from wizard.plan_file import Drift
    from wizard.plan_file.state import plain, state_diff

    if saved == now:
        return None
    before = {k: v for k, v in plain(saved).items() if k not in ("profile", "endpoint_url")}
    after = {k: v for k, v in plain(now).items() if k not in ("profile", "endpoint_url")}
    if before == after:
        return None
    return Drift(
        0,
        "GitHub repository facts",
        "GitHub's answers about the repository changed",
        state_diff(before, after, "answers"),
    )


def _print_result(result: Any) -> None:
    from wizard.render import plan_text

    if str(result.status) != "failed":
        print_lines([plan_text.result_line(result)])


def _document(args: argparse.Namespace, replay: Any, failed: Any) -> dict[str, Any]:
    document = run_document("apply", replay.run, failed)
    document["plan_file"] = str(args.plan_file)
    document["drift"] = [d.to_json() for d in replay.drift]
    return document


def _finish(args: argparse.Namespace, replay: Any, failed: Any, code: int | None = None) -> int:
    from wizard.render import plan_text

    if code is None:
        code = EXIT_FAILED if failed is not None else EXIT_OK
    if args.json:
        emit_json("apply", code, _document(args, replay, failed))
    elif failed is not None:
        print_lines(plan_text.failure_lines(failed, plan_text.RETRY_CLI), stderr=True)
    return code
