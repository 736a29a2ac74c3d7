"""`destroy`: plan the removal of what the wizard made, show it, then remove exactly that.

The same shape as `apply`: reads first (the plan), a confirmation on a terminal (`--yes` for
scripts), the calls in the plan and nothing else, a failure stops with its guidance while what
was removed before it stays removed. Exit codes: 0 done or nothing to do; 1 a removal failed,
or something asked to go was kept (a role holding others' policies, a repository holding
images); 2 invalid input, and nothing was sent.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    emit_json,
    print_lines,
    resolve,
    step_context,
)
from wizard.render.envelope import error

DESCRIPTION = (
    "Remove what ecr-oidc-wizard made, in the order that lets each removal succeed: the push "
    "policy, the role, the ECR repository, the GitHub secrets or variables, the workflow file, "
    "and GitHub's OIDC provider last. Only what the wizard made goes (its created-by tag, or "
    "the answers file's record and unchanged since); anything else is left alone and named. "
    "A role holding policies the wizard did not add, and a repository holding images, are "
    "kept; a provider another role trusts stays. --only takes the numbers of the steps to undo."
)


def kinds_list(text: str) -> list[str]:
    from wizard.teardown import kind_errors

    kinds = [part.strip() for part in text.split(",") if part.strip()]
    problems = kind_errors(kinds)
    if problems or not kinds:
        raise argparse.ArgumentTypeError(" ".join(problems) or "give at least one kind")
    return kinds


def add_destroy_parser(commands: Any) -> argparse.ArgumentParser:
    from wizard.cli.arguments import add_session_arguments, steps_list

    text = "remove what the wizard made (plan first; asks on a terminal; --yes for scripts)"
    parser: argparse.ArgumentParser = commands.add_parser(
        "destroy", help=text, description=DESCRIPTION
    )
    what = parser.add_argument_group("what to remove (flags override ./ecr-oidc-wizard.toml)")
    add_session_arguments(what)
    what.add_argument("--github-repo", help="OWNER/REPO whose secrets or variables to remove")
    what.add_argument(
        "--public",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the repository is in ECR Public",
    )
    what.add_argument("--github-api-url", help="GitHub API base (GHES: https://HOST/api/v3)")
    how = parser.add_argument_group("how")
    how.add_argument("--only", type=steps_list, metavar="1,2,...", help="undo only these steps")
    how.add_argument(
        "--delete-images",
        action="store_true",
        help="delete the repository's images with it (otherwise a repository with images is "
        "kept, and the plan gives the count)",
    )
    how.add_argument(
        "--remove-unowned",
        type=kinds_list,
        action="append",
        metavar="KIND,...",
        help="also remove these even though the wizard did not make them: push-policy, role, "
        "repository, github-values, workflow-file, provider",
    )
    how.add_argument("--yes", "-y", action="store_true", help="remove without asking")
    how.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _input_errors(settings: Any, numbers: set[int]) -> list[Any]:
    from wizard import validate

    errors = [*validate.region(settings.region), *validate.endpoint_url(settings.endpoint_url)]
    if 1 in numbers:
        errors += validate.ecr_repository(settings.ecr_repository, public=settings.public)
    if numbers & {3, 4}:
        errors += validate.role_name(settings.role_name)
    if 4 in numbers or 3 in numbers:
        errors += validate.policy_name(settings.policy_name)
    if 5 in numbers and settings.github_repo:
        errors += validate.github_repo(settings.github_repo)
    return errors


def cmd_destroy(args: argparse.Namespace) -> int:
    from wizard.render import plan_text
    from wizard.render.destroy_text import (
        deletions,
        destroy_question,
        destroy_summary_line,
    )
    from wizard.runner import apply_run, plan_steps, select_steps
    from wizard.teardown import TeardownOptions, teardown_steps

    settings, remembered, path = resolve(args)
    if getattr(args, "github_api_url", None):
        settings.github_api_url = args.github_api_url
    only: list[int] = getattr(args, "only", None) or []
    numbers = set(only or range(1, 7))
    errors = _input_errors(settings, numbers)
    if errors:
        from wizard.cli.manifest import single_run_hint

        lines = [f"error: {e.message}" for e in errors]
        hint = single_run_hint(path, "destroy")
        raise UsageError("\n".join([*lines, *([hint] if hint else [])]), errors)
    named = frozenset(k for group in (getattr(args, "remove_unowned", None) or []) for k in group)
    options = TeardownOptions(delete_images=bool(args.delete_images), named=named)
    steps = select_steps(teardown_steps(options), only)
    ctx = step_context(settings)
    # What the wizard recorded making: secrets, variables, the workflow file, the documents.
    ctx.outputs.update(remembered.created)
    if 5 in numbers:
        _attach_github(args, ctx, required=5 in only)
    run = plan_steps(ctx, steps)
    if not args.json:
        for plan in run.plans:
            print_lines(plan_text.plan_lines(plan))
        if run.failed is None:
            print_lines(["", destroy_summary_line(run.plans)])
    if run.failed is not None:
        return _finish(args, run, run.failed)
    if deletions(run.plans):
        if not args.yes and not _confirm(destroy_question(run.plans)):
            code = EXIT_USAGE if not sys.stdin.isatty() else EXIT_OK
            if args.json:
                refused = error("Not removed: standard input is not a terminal; --yes removes.")
                return emit_json("destroy", code, _document(run, None), problem=refused)
            return code
        apply_run(ctx, run, on_result=None if args.json else _print_result)
        from wizard.remember import forget
        from wizard.teardown import records_removed

        removed = records_removed(run.results)
        if removed and path.parent.is_dir():
            try:
                forget(path, remembered, removed)
            except OSError as exc:
                print_lines([f"! The answers file {path} could not be updated: {exc}"], stderr=True)
    return _finish(args, run, run.failed)


def _attach_github(args: argparse.Namespace, ctx: Any, *, required: bool) -> None:
    """A GitHub seam for step 5's secrets and variables: the sandbox's, or one with a token.
    Without a token the plan says what stays; `--only 5` without one is a usage error."""
    from wizard.github_session import github_for
    from wizard.github_token import TOKEN_HELP

    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    github = seams.get("github")
    if github is None and ctx.settings.github_repo:
        github = github_for(ctx.settings, interactive=False if args.json else None)
    if github is None and required:
        raise UsageError(
            f"error: destroy --only 5 needs a GitHub token and --github-repo.\n{TOKEN_HELP}"
        )
    ctx.github = github


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        print_lines(
            ["Not removed: standard input is not a terminal. Re-run with --yes to remove."],
            stderr=True,
        )
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _print_result(result: Any) -> None:
    from wizard.render import plan_text

    if str(result.status) != "failed":
        print_lines([plan_text.result_line(result)])


def _document(run: Any, failed: Any) -> dict[str, Any]:
    import json

    from wizard.teardown import records_removed, refusals

    document: dict[str, Any] = json.loads(
        json.dumps(
            {
                "command": "destroy",
                "plan": [p.to_json() for p in run.plans],
                "results": [r.to_json() for r in run.results],
                "failed": failed.to_json() if failed is not None else None,
                "refused": refusals(run.plans),
                "forgotten": records_removed(run.results),
            },
            default=str,
        )
    )
    return document


def _finish(args: argparse.Namespace, run: Any, failed: Any) -> int:
    """1 when a removal failed or something asked to go was kept; the failure's guidance."""
    from wizard.render import plan_text
    from wizard.render.destroy_text import RETRY_DESTROY_CLI
    from wizard.teardown import refusals

    code = EXIT_FAILED if failed is not None or refusals(run.plans) else EXIT_OK
    if args.json:
        emit_json("destroy", code, _document(run, failed))
    elif failed is not None:
        retry = RETRY_DESTROY_CLI if run.results else ""
        print_lines(plan_text.failure_lines(failed, retry), stderr=True)
    return code
