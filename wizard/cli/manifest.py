"""`plan`/`apply` over many repositories: `--manifest FILE`, or an answers file that lists
`[[repositories]]`. The plan is one line per repository; apply shows a line as each repository
finishes, then a table of results and each failure with its guidance."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wizard.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    emit_json,
    print_lines,
)
from wizard.render.envelope import error

SESSION_FLAGS = ("profile", "region", "endpoint_url")


def add_manifest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--manifest",
        type=Path,
        metavar="FILE",
        help="plan or apply many repositories at once (an answers file with [[repositories]])",
    )
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        default=None,
        metavar="N",
        help="repositories worked on at once with --manifest (1-32, default 8)",
    )


def _concurrency(text: str) -> int:
    from wizard.manifest.engine import MAX_CONCURRENCY

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"--concurrency takes a whole number from 1 to {MAX_CONCURRENCY}; got {text!r}"
        )
    return value


def manifest_path(args: argparse.Namespace) -> Path | None:
    """The manifest to use: --manifest, or the answers file when it lists repositories."""
    from wizard.manifest.model import manifest_source

    return manifest_source(getattr(args, "manifest", None), getattr(args, "config", None))


def single_run_hint(path: Path | None, command: str) -> str:
    """When a one-repository command meets an answers file that is a manifest: what to do."""
    import tomllib

    from wizard.manifest.model import has_repositories

    if path is None or not path.is_file() or not has_repositories(path):
        return ""
    try:
        listed = tomllib.loads(path.read_text(encoding="utf-8")).get("repositories", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return (
        f"The answers file {path} lists {len(listed)} repositories (a manifest); `{command}` "
        "works on one: name it with --github-repo, --ecr-repository and --role-name (the "
        "manifest's [answers] still apply), once per repository."
    )


def load(args: argparse.Namespace, path: Path) -> Any:
    """The manifest with the session flags on top; a bad file is a usage error (exit 2)."""
    from wizard.aws import default_region
    from wizard.manifest.model import ManifestError, load_manifest

    overrides = {name: getattr(args, name, None) for name in SESSION_FLAGS}
    try:
        return load_manifest(path, overrides, default_region)
    except ManifestError as exc:
        raise UsageError(str(exc), exc.fields) from exc


class ProgressPrinter:
    """A line as each repository's outcome is known (and when AWS throttles), with a counter:
    plain lines, so logs and screen readers follow it as well as a terminal."""

    def __init__(self, total: int, *, phase: str) -> None:
        self.total = total
        self.phase = phase
        self.finished = 0

    def __call__(self, event: Any) -> None:
        from wizard.render.manifest_text import progress_line

        if event.final and event.key:
            self.finished += 1
        elif not event.final and str(event.state) != "throttled, retrying":
            return
        line = progress_line(event, self.finished, self.total)
        print_lines([f"{self.phase} {line}"], stderr=True)


def cmd_manifest(args: argparse.Namespace, path: Path) -> int:
    from wizard.manifest.engine import (
        DEFAULT_CONCURRENCY,
        apply_manifest,
        plan_manifest,
        session_for,
    )
    from wizard.render import manifest_text

    applying = args.command == "apply"
    manifest = load(args, path)
    concurrency = args.concurrency or DEFAULT_CONCURRENCY
    aws = session_for(manifest, concurrency)
    total = len(manifest.entries)
    quiet = args.json or not sys.stderr.isatty()
    planning = None if quiet else ProgressPrinter(total, phase="plan")
    run = plan_manifest(manifest, aws, concurrency=concurrency, on_progress=planning)
    if not args.json:
        print_lines(manifest_text.plan_lines(run))
    if applying and run.has_changes:
        if not args.yes and not _confirm(run):
            code = EXIT_USAGE if not sys.stdin.isatty() else EXIT_OK
            if args.json:
                refused = error("Not applied: standard input is not a terminal; --yes applies.")
                return emit_json("manifest", code, _document(args, run), problem=refused)
            return code
        progress = None if args.json else ProgressPrinter(total, phase="apply")
        apply_manifest(run, concurrency=concurrency, on_progress=progress)
    code = EXIT_FAILED if run.failed else EXIT_OK
    if args.json:
        return emit_json("manifest", code, _document(args, run))
    if applying:
        _print_table(run)
    failures = manifest_text.failure_lines(run)
    if failures:
        print_lines(failures, stderr=True)
    return code


def _print_table(run: Any) -> None:
    from rich.table import Table

    from wizard.cli.common import make_console
    from wizard.render import manifest_text

    table = Table(title="Results", title_justify="left", expand=False)
    for header in ("GitHub repository", "ECR repository", "role", "state", "writes"):
        table.add_column(header, justify="right" if header == "writes" else "left", overflow="fold")
    for row in manifest_text.table_rows(run):
        table.add_row(*row)
    make_console().print(table)
    print_lines([manifest_text.counts_line(run)])


def _document(args: argparse.Namespace, run: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        json.dumps({"command": args.command, **run.to_json()}, default=str)
    )
    return document


def _confirm(run: Any) -> bool:
    if not sys.stdin.isatty():
        print_lines(
            ["Not applied: standard input is not a terminal. Re-run with --yes to apply."],
            stderr=True,
        )
        return False
    count = sum(1 for o in run.outcomes() if str(o.state) == "changes planned")
    question = f"Apply these changes to {count} repositories?"
    if run.widens_access:
        question = "This plan WIDENS access (see the notes marked !!). Apply anyway?"
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def run_plain_manifest(manifest: Any, *, asker: Any = None) -> int:
    """The plain prompts' face of a manifest: the plan as lines, one question, a line per
    repository as it finishes, the results as a plain table; no redraws, no colour-only
    signals. 0 done or nothing to do, 1 a repository failed, 130 on Ctrl-C."""
    from wizard.cli.prompts import QuestionaryAsker
    from wizard.manifest.engine import apply_manifest, plan_manifest, session_for
    from wizard.render import manifest_text

    ask = asker or QuestionaryAsker()
    total = len(manifest.entries)
    aws = session_for(manifest)
    try:
        print_lines([f"Planning {total} repositories (reads only)…"])
        run = plan_manifest(manifest, aws, on_progress=ProgressPrinter(total, phase="plan"))
        print_lines(manifest_text.plan_lines(run))
        if run.has_changes:
            question = f"Apply these changes to {total} repositories?"
            if run.widens_access:
                question = "This plan WIDENS access (see the notes marked !!). Apply anyway?"
            if not ask.confirm(question, False):
                print_lines(["Nothing was applied."])
                return EXIT_OK
            apply_manifest(run, on_progress=ProgressPrinter(total, phase="apply"))
            print_lines(["", *manifest_text.table_lines(run), manifest_text.counts_line(run)])
    except (KeyboardInterrupt, EOFError):
        print_lines(["Interrupted. What was done is kept; run the same command again to finish."])
        return 130
    failures = manifest_text.failure_lines(run)
    if failures:
        print_lines(failures)
    return EXIT_FAILED if run.failed else EXIT_OK
