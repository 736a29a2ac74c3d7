"""The scriptable face: `plan`, `apply`, `explain` (and the full-screen app with no command).

Exit codes: 0 done or nothing to do; 1 a step failed (guidance printed, earlier steps kept);
2 invalid input or usage, and then nothing was sent to AWS or GitHub.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.github_cli import add_github_arguments, add_github_commands, github_handlers
from wizard.settings import CONFIG_NAME, ConfigError, Remembered, Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

SCOPE_FIELDS = ("branches", "environments", "tags", "pull_requests", "any_ref", "any_repo_of_owner")


class UsageError(Exception):
    """Invalid input: reported with exit code 2 before anything is sent."""


def _steps_list(text: str) -> list[int]:
    try:
        numbers = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--only takes step numbers like 1,2,3; got {text!r}"
        ) from None
    if not numbers or any(n < 1 or n > 6 for n in numbers):
        raise argparse.ArgumentTypeError(f"--only takes step numbers from 1 to 6; got {text!r}")
    return numbers


def add_session_arguments(group: Any) -> None:
    """Where the answers live and which AWS session to use: the same for every command."""
    group.add_argument(
        "--config",
        type=Path,
        default=Path(CONFIG_NAME),
        help=f"answers file (default: {CONFIG_NAME})",
    )
    group.add_argument(
        "--profile", help="AWS profile (default: AWS_PROFILE or the default profile)"
    )
    group.add_argument("--region", help="AWS region (default: AWS_REGION or the profile's)")
    group.add_argument(
        "--endpoint-url", help="send every AWS call to this endpoint (e.g. a local emulator)"
    )
    group.add_argument("--ecr-repository", help="ECR repository name, e.g. onyxia-eostat")
    group.add_argument("--role-name", help="IAM role name, e.g. GitHubActionsEOStatPush")
    group.add_argument("--policy-name", help="inline push policy name (default ECRPushPolicy)")


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """The answers, as flags; each overrides what the config file remembers."""
    aws = parser.add_argument_group(
        "AWS (credentials come from the standard chain: env, profile, SSO)"
    )
    add_session_arguments(aws)
    aws.add_argument(
        "--tag-mutability",
        help="IMMUTABLE_WITH_EXCLUSION (default, 'latest' excluded), MUTABLE (the guide's), "
        "IMMUTABLE",
    )
    aws.add_argument(
        "--mutability-exclusion",
        action="append",
        dest="mutability_exclusions",
        metavar="FILTER",
        help="tag filter exempt from immutability (repeatable; default: latest)",
    )
    aws.add_argument("--scan-on-push", action=argparse.BooleanOptionalAction, default=None)
    aws.add_argument(
        "--public",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create the repository in ECR Public (us-east-1) for anonymous pulls",
    )
    aws.add_argument(
        "--thumbprint",
        action="append",
        dest="thumbprints",
        metavar="SHA1",
        help="store a thumbprint on a new provider (not needed since 2023)",
    )
    gh = parser.add_argument_group("GitHub repository and who may assume the role")
    gh.add_argument("--github-repo", help="OWNER/REPO whose workflows may assume the role")
    gh.add_argument(
        "--branch",
        action="append",
        dest="branches",
        metavar="NAME",
        help="admit this branch (repeatable; default: the default branch)",
    )
    gh.add_argument(
        "--environment",
        action="append",
        dest="environments",
        metavar="NAME",
        help="admit jobs in this environment (repeatable)",
    )
    gh.add_argument(
        "--tag",
        action="append",
        dest="tags",
        metavar="PATTERN",
        help="admit these tags, e.g. 'v*' (repeatable)",
    )
    gh.add_argument(
        "--pull-requests", action="store_true", default=None, help="admit pull-request workflows"
    )
    gh.add_argument(
        "--any-ref",
        action="store_true",
        default=None,
        help="WIDE: admit every branch, tag, environment and pull request "
        "(the guide's repo:OWNER/REPO:*)",
    )
    gh.add_argument(
        "--any-repo-of-owner",
        action="store_true",
        default=None,
        help="WIDER: admit every repository of the owner",
    )
    gh.add_argument("--default-branch", help="the repository's default branch (default: main)")
    gh.add_argument(
        "--subject-format",
        choices=("default", "immutable"),
        help="the sub claim form the repository emits",
    )
    gh.add_argument("--owner-id", help="GitHub owner ID (for the immutable subject form)")
    gh.add_argument("--repo-id", help="GitHub repository ID (for the immutable subject form)")
    gh.add_argument(
        "--require-repository-id",
        action="store_true",
        default=None,
        help="also check the repository_id claim",
    )
    gh.add_argument(
        "--adopt-role",
        action="store_true",
        default=None,
        help="replace the trust policy of an existing role the wizard did not create "
        "(its current principals lose access; GitHub gets its permissions)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecr-oidc-wizard",
        description=(
            "Set up GitHub Actions to push images to Amazon ECR with OIDC: no long-lived keys. "
            "With no command, opens the full-screen wizard."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # With no command: the full-screen wizard, with the same answers as flags.
    add_target_arguments(parser)
    parser.add_argument(
        "--step", type=int, choices=range(1, 7), metavar="N", help="open the wizard at step N"
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="ask the six steps as plain questions and answers instead of the full-screen app "
        "(for screen readers, logs and terminals the app does not suit)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in (
        ("plan", "show what would be created or changed, with the exact documents; writes nothing"),
        ("apply", "make the changes (asks first on a terminal; --yes for scripts)"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        add_target_arguments(sub)
        add_github_arguments(sub)
        sub.add_argument("--only", type=_steps_list, metavar="1,2,...", help="run only these steps")
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "apply":
            sub.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    explain = commands.add_parser(
        "explain",
        help="explain an error message (aws CLI, docker push, GitHub Actions log)",
        description="Classify pasted error text into a known cause, its fix and the commands.",
    )
    explain.add_argument("text", help="the error text, or - to read it from standard input")
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.add_argument(
        "--live",
        action="store_true",
        help="also check the live setup (role, trust policy, repository) for what bears on the "
        "error; AWS being unreachable never fails the explanation",
    )
    add_target_arguments(explain)
    from wizard.doctor_cli import add_doctor_parser

    add_doctor_parser(commands)
    add_github_commands(commands, add_target_arguments)
    from wizard.sandbox.run import SANDBOX_COMMANDS, add_sandbox_arguments

    add_sandbox_arguments(parser, top=True)
    for name in SANDBOX_COMMANDS:
        add_sandbox_arguments(commands.choices[name], top=False)
    _keep_options_given_before_the_command(parser, commands.choices.values())
    return parser


def _keep_options_given_before_the_command(
    parser: argparse.ArgumentParser, subparsers: Iterable[argparse.ArgumentParser]
) -> None:
    """`ecr-oidc-wizard --region eu-west-1 plan` must plan eu-west-1: argparse lets a
    sub-command's defaults overwrite what the top level parsed, so an option the sub-command
    was not given leaves the attribute alone instead."""
    top = {a.dest for a in parser._actions if a.option_strings}
    for sub in subparsers:
        for action in sub._actions:
            if action.option_strings and action.dest in top and action.dest != "help":
                action.default = argparse.SUPPRESS


# --- Settings ---------------------------------------------------------------------------------


def resolve(args: argparse.Namespace) -> tuple[Settings, Remembered, Path]:
    """The config file's answers with the flags on top."""
    from wizard import settings as store

    path: Path = args.config
    try:
        remembered = store.load(path)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    overrides: dict[str, Any] = {}
    for name in (
        "profile",
        "region",
        "endpoint_url",
        "ecr_repository",
        "role_name",
        "policy_name",
        "tag_mutability",
        "mutability_exclusions",
        "scan_on_push",
        "public",
        "thumbprints",
        "github_repo",
        "default_branch",
        "subject_format",
        "owner_id",
        "repo_id",
        "require_repository_id",
        "adopt_role",
    ):
        overrides[name] = getattr(args, name, None)
    if any(getattr(args, name, None) for name in SCOPE_FIELDS):
        # A scope given on the command line replaces the remembered one as a whole.
        for name in SCOPE_FIELDS:
            value = getattr(args, name, None)
            overrides[name] = value if value is not None else type(getattr(Settings(), name))()
    settings = remembered.settings.merged(overrides)
    if not settings.region:
        from wizard.aws import default_region

        settings.region = default_region(settings.profile)
    return settings, remembered, path


def validate_or_raise(settings: Settings, steps: Sequence[int]) -> None:
    from wizard.validate import settings_errors

    errors = settings_errors(settings, steps=steps)
    if errors:
        raise UsageError("\n".join(f"error: {e.message}" for e in errors))


# --- Commands ---------------------------------------------------------------------------------


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _print_lines(lines: Sequence[str], *, stderr: bool = False) -> None:
    from rich.text import Text

    console = _console(stderr)
    for line in lines:
        console.print(Text(line, style=_style(line)))


def _style(line: str) -> str:
    stripped = line.lstrip()
    for prefix, style in (
        ("✗", "bold red"),
        ("!!", "bold red"),
        ("!", "yellow"),
        ("+ ", "green"),
        ("~ ", "yellow"),
        ("- ", "red"),
        ("✓", "green"),
        ("→", "bold"),
        ("Step ", "bold"),
    ):
        if stripped.startswith(prefix):
            return style
    return ""


def _context(settings: Settings) -> Any:
    from wizard.aws import Aws
    from wizard.steps.base import StepContext

    aws = Aws(profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url)
    return StepContext(settings=settings, aws=aws)


def cmd_plan_or_apply(args: argparse.Namespace) -> int:
    from wizard import plan_text
    from wizard.github_cli import github_overrides, wire_github
    from wizard.remember import remember
    from wizard.runner import apply_run, plan_steps, select_steps
    from wizard.steps import AWS_STEPS, all_steps
    from wizard.steps.github_secrets import remembered_fingerprints

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
    ctx = _context(settings)
    # Step 5 tells from these whether the secrets it set are unchanged (their values cannot be
    # read back). Only they are seeded: step 6 takes a remembered role_arn in the outputs to
    # mean step 3 runs first, and would then check the trust policy step 3 would set rather
    # than the role's own.
    ctx.outputs.update(remembered_fingerprints(remembered.created))
    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    stop = wire_github(
        ctx,
        steps,
        applying=applying,
        json_output=args.json,
        github=seams.get("github"),
    )
    if stop is not None:
        return stop
    # GitHub's canonical names and ids (when a token was found) are what gets remembered.
    settings = ctx.settings
    run = plan_steps(ctx, steps)
    if not args.json:
        for plan in run.plans:
            _print_lines(plan_text.plan_lines(plan))
        if not run.failed:
            _print_lines([plan_text.summary_line(run.plans)])
    failed = run.failed
    if failed is not None:
        return _finish(args, run, failed)
    if applying and run.has_changes:
        if not args.yes and not _confirm(run):
            return EXIT_USAGE if not sys.stdin.isatty() else EXIT_OK
        apply_run(ctx, run, on_result=None if args.json else _print_result)
    if applying:
        try:
            notes = remember(path, remembered, settings, ctx.outputs, run.plans)
        except OSError as exc:
            _print_lines([f"✗ The answers could not be saved to {path}: {exc}"], stderr=True)
            return max(_finish(args, run, run.failed), EXIT_FAILED)
        if not args.json:
            _print_lines([f"i {note}" for note in notes])
    return _finish(args, run, run.failed)


def _print_result(result: Any) -> None:
    from wizard import plan_text

    if str(result.status) != "failed":
        _print_lines([plan_text.result_line(result)])


def _finish(args: argparse.Namespace, run: Any, failed: Any) -> int:
    from wizard import plan_text

    if args.json:
        document = {
            "command": args.command,
            "plan": [p.to_json() for p in run.plans],
            "results": [r.to_json() for r in run.results],
            "failed": failed.to_json() if failed is not None else None,
        }
        print(json.dumps(document, indent=2, default=str))
    elif failed is not None:
        # A plan changes nothing, so there is nothing "kept" to speak of.
        retry = plan_text.RETRY_CLI if args.command == "apply" else ""
        _print_lines(plan_text.failure_lines(failed, retry), stderr=True)
    return EXIT_FAILED if failed is not None else EXIT_OK


def _confirm(run: Any) -> bool:
    if not sys.stdin.isatty():
        _print_lines(
            ["Not applied: standard input is not a terminal. Re-run with --yes to apply."],
            stderr=True,
        )
        return False
    wide = any(p.widens_access for p in run.plans)
    question = "Apply these changes?"
    if wide:
        question = "This plan WIDENS access (see the notes marked !!). Apply anyway?"
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


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
    values = {k: v for k, v in values.items() if v}
    found = classify(text, values)
    live = None
    if args.live:
        from wizard.doctor_cli import live_view

        live = live_view(text, found, settings)
    if args.json:
        document: dict[str, Any] = {
            "recognised": bool(found),
            "guidance": [g.to_json() for g in found],
        }
        if live is not None:
            document["live"] = live.to_json()
        print(json.dumps(document, indent=2))
    else:
        print(explain_text(text, values))
        if live is not None:
            from wizard.doctor_report import live_lines

            _print_lines(["", *live_lines(live)])
    return EXIT_OK if found else EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from wizard.sandbox.run import run_sandboxed, wants_sandbox

    if wants_sandbox(args):
        return run_sandboxed(args, lambda: _dispatch(parser, args))
    return _dispatch(parser, args)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from wizard.doctor_cli import cmd_doctor

    handlers = {"plan": cmd_plan_or_apply, "apply": cmd_plan_or_apply, "explain": cmd_explain}
    handlers["doctor"] = cmd_doctor
    handlers.update(github_handlers(resolve))
    if args.command is None:
        seams: dict[str, Any] = getattr(args, "seams", None) or {}
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            if args.plain or seams:
                from wizard.prompts import not_a_terminal_lines

                _print_lines(not_a_terminal_lines(sandbox=bool(seams)), stderr=True)
                return EXIT_USAGE
            parser.print_help()
            return EXIT_OK
        try:
            settings, remembered, path = resolve(args)
        except UsageError as exc:
            _print_lines([str(exc)], stderr=True)
            return EXIT_USAGE
        if args.plain:
            from wizard.prompts import run_plain

            return run_plain(
                settings, config_path=path, start_step=args.step, remembered=remembered, **seams
            )
        from screens.launch import run_app  # lazy: the engine never imports Textual

        return run_app(
            settings, config_path=path, start_step=args.step, remembered=remembered, **seams
        )
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        _print_lines([str(exc), "Nothing was sent to AWS or GitHub."], stderr=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _print_lines(
            ["Interrupted. Steps already done are kept; run the command again to finish."],
            stderr=True,
        )
        return 130
