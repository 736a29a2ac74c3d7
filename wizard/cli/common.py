"""What every command of the CLI shares: exit codes, usage errors, printing, the answers.

Exit codes: 0 done or nothing to do; 1 a step failed (guidance printed, earlier steps kept);
2 invalid input or usage, and then nothing was sent to AWS or GitHub.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wizard.render.envelope import FieldProblem
from wizard.settings import ConfigError, Remembered, Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# The commands a missing --config file does not mislead: those that keep the answers there
# (None: the app or the plain prompts), and `explain`, whose subject is the pasted text (the
# answers only fill the example commands).
WRITES_ANSWERS = frozenset({None, "apply", "explain"})

SCOPE_FIELDS = ("branches", "environments", "tags", "pull_requests", "any_ref", "any_repo_of_owner")


class UsageError(Exception):
    """Invalid input: reported with exit code 2 before anything is sent.

    `fields` are the engine's FieldErrors behind it, when it came from validation: `--json`
    names each field and rule."""

    def __init__(self, message: str, fields: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.fields = tuple(fields)


def resolve(args: argparse.Namespace) -> tuple[Settings, Remembered, Path]:
    """The config file's answers with the flags on top."""
    from wizard import settings as store

    path: Path = args.config
    # A mistyped path must not quietly mean "no answers". Only the default may be absent, and
    # a new file where answers are about to be kept (apply, the app, the plain prompts).
    writes_answers = getattr(args, "command", None) in WRITES_ANSWERS
    if not path.exists() and path != Path(store.CONFIG_NAME) and not writes_answers:
        raise UsageError(
            f"error: --config {path}: no such file. Only the default answers file "
            f"({store.CONFIG_NAME}) may be absent; check the path (apply, the app and --plain "
            "create it)."
        )
    try:
        remembered = store.load(path)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    if remembered.ignored:
        print(
            f"note: {path} sets {', '.join(remembered.ignored)}, which hold for one run only and "
            "are never read from a file; pass the flag on the command line if you mean it.",
            file=sys.stderr,
        )
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
    base = remembered.settings
    if getattr(args, "guide_defaults", None):
        from wizard.defaults import GUIDE_VALUES

        # The guide's values under the flags (they still win), over the remembered answers.
        base = base.merged(dict(GUIDE_VALUES))
    settings = base.merged(overrides)
    if not settings.region:
        from wizard.aws import default_region

        settings.region = default_region(settings.profile)
    return settings, remembered, path


def refuse_answers_file(flag: str, target: Path, config: Path) -> None:
    """A file an output is written to must not be the answers file: replacing it would lose
    the answers and the records of what the wizard made, which `destroy` goes by."""
    if target.absolute().resolve() == config.absolute().resolve():
        raise UsageError(
            f"error: {flag} {target}: that is the answers file (--config {config}); replacing "
            "it would lose the answers and the records of what the wizard made. Give another "
            "file name.",
        )


def validate_or_raise(settings: Settings, steps: Sequence[int]) -> None:
    from wizard.validate import settings_errors

    errors = settings_errors(settings, steps=steps)
    if errors:
        raise UsageError("\n".join(f"error: {e.message}" for e in errors), errors)


def make_console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_lines(lines: Sequence[str], *, stderr: bool = False) -> None:
    from rich.text import Text

    from wizard.inert import inert

    out = make_console(stderr)
    for line in lines:
        # Lines can carry text from AWS, GitHub or a log: nothing in them may drive the terminal.
        shown = inert(line)
        out.print(Text(shown, style=line_style(shown)))


def line_style(line: str) -> str:
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


def step_context(settings: Settings) -> Any:
    from wizard.aws import Aws
    from wizard.steps.base import StepContext

    aws = Aws(profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url)
    return StepContext(settings=settings, aws=aws)


# --- plan and apply -----------------------------------------------------------------------------


def run_document(command: str, run: Any, failed: Any) -> dict[str, Any]:
    """The body of `plan`/`apply --json`: the plans, the results, the failure."""
    import json

    # Through JSON once: call parameters may hold values (datetimes) JSON has no type for.
    document: dict[str, Any] = json.loads(
        json.dumps(
            {
                "command": command,
                "plan": [p.to_json() for p in run.plans],
                "results": [r.to_json() for r in run.results],
                "failed": failed.to_json() if failed is not None else None,
            },
            default=str,
        )
    )
    return document


def confirm_apply(run: Any) -> bool:
    """Ask before applying on a terminal; never without one (then --yes is needed)."""
    import sys

    if not sys.stdin.isatty():
        print_lines(
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


# --- --json ------------------------------------------------------------------------------------


def json_kind(args: argparse.Namespace) -> str:
    """The JSON kind a command's `--json` output has (wizard/render/envelope.py lists them)."""
    command = getattr(args, "command", None) or ""
    if command == "doctor":
        if getattr(args, "scan", False):
            return "doctor-scan"
        simulating = ("claim", "sim_repo", "sim_branch", "sim_environment", "sim_event", "sim_tag")
        if any(getattr(args, name, None) for name in simulating):
            return "doctor-claim"
        return "doctor-setup"
    if command in ("plan", "apply"):
        from wizard.manifest.model import manifest_source

        given, config = getattr(args, "manifest", None), getattr(args, "config", None)
        if manifest_source(given, config) is not None:
            return "manifest"
    if command == "explain" and getattr(args, "run", None):
        return "explain-run"
    return command


def emit_json(
    kind: str,
    exit_code: int,
    body: dict[str, Any] | None = None,
    *,
    problem: dict[str, Any] | None = None,
) -> int:
    """Print the kind's document in the one envelope, alone on standard output."""
    from wizard.render.envelope import dumps, envelope

    print(dumps(envelope(kind, exit_code, body, problem=problem)))
    return exit_code


def emit_usage_error(kind: str, exc: UsageError) -> int:
    from wizard.render.envelope import error

    return emit_json(kind, EXIT_USAGE, problem=error(str(exc), fields=exc.fields))
