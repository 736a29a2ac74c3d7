"""The command line's entry point: the parser, and dispatch to each command's handler.

With no command it opens the full-screen app (or `--plain`, the plain prompts).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from wizard import __version__
from wizard.cli.arguments import add_target_arguments, steps_list
from wizard.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    emit_usage_error,
    json_kind,
    print_lines,
    resolve,
)
from wizard.cli.github import add_github_arguments, add_github_commands, github_handlers
from wizard.cli.manifest import add_manifest_arguments
from wizard.cli.saved_plan import absolute_path


class ParseError(Exception):
    """argparse refused the command line; `parser` is the (sub)parser that refused it."""

    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        super().__init__(message)
        self.parser = parser


class Parser(argparse.ArgumentParser):
    """argparse, except that a refusal is raised to `main`, which owns exit code and output."""

    def error(self, message: str) -> NoReturn:
        raise ParseError(message, self)


def _kind_named(words: Sequence[str]) -> str:
    """The JSON kind of the command named on a command line argparse refused."""
    names = {"plan", "apply", "doctor", "explain", "verify", "destroy", "rollout", "export"}
    command = next((w for w in words if w in names), "")
    if command == "doctor":
        if "--scan" in words:
            return "doctor-scan"
        simulating = {"--claim", "--repo", "--branch", "--environment", "--event", "--tag"}
        return "doctor-claim" if simulating & {w.split("=")[0] for w in words} else "doctor-setup"
    return command or "plan"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
        "--manifest",
        type=Path,
        metavar="FILE",
        help="open the list of a manifest's repositories (an answers file with [[repositories]])",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="ask the six steps as plain questions and answers instead of the full-screen app "
        "(for screen readers, logs and terminals the app does not suit)",
    )
    parser.add_argument(
        "--undo",
        action="store_true",
        help="open Undo: the plan to remove what the wizard made, then removal after you "
        "confirm (with --plain, as questions; `destroy` is the same for scripts)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in (
        ("plan", "show what would be created or changed, with the exact documents; writes nothing"),
        ("apply", "make the changes (asks first on a terminal; --yes for scripts)"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        add_target_arguments(sub)
        add_github_arguments(sub)
        sub.add_argument("--only", type=steps_list, metavar="1,2,...", help="run only these steps")
        add_manifest_arguments(sub)
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "plan":
            sub.add_argument(
                "--out",
                type=absolute_path,
                metavar="FILE",
                help="also save the exact plan (calls, documents, answers, and a fingerprint of "
                "what each step found) to FILE, mode 0600, for `apply FILE`",
            )
        if name == "apply":
            sub.add_argument("--yes", "-y", action="store_true", help="apply without asking")
            sub.add_argument(
                "plan_file",
                nargs="?",
                type=absolute_path,
                metavar="FILE",
                help="a plan saved with `plan --out FILE`: apply exactly its calls, or refuse "
                "(exit 1, nothing sent) if what it was based on changed since",
            )
    from wizard.cli.explain import add_explain_parser

    add_explain_parser(commands, add_target_arguments)
    from wizard.cli.destroy import add_destroy_parser
    from wizard.cli.doctor import add_doctor_parser
    from wizard.cli.export import add_export_parser

    add_doctor_parser(commands)
    add_export_parser(commands, add_target_arguments)
    add_destroy_parser(commands)
    add_github_commands(commands, add_target_arguments)
    from wizard.cli.rollout import add_rollout_parser

    add_rollout_parser(commands, add_target_arguments)
    from wizard.cli.sandbox import SANDBOX_COMMANDS, add_sandbox_arguments

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
            if isinstance(action, argparse._SubParsersAction):
                # `rollout plan`: the same holds one level down.
                _keep_options_given_before_the_command(parser, action.choices.values())


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(words)
    except ParseError as exc:
        # argparse's own refusal (an unknown flag, a bad choice): usage on stderr, exit 2, and
        # with --json the same error as a document on stdout. A bad value of a known option
        # (`--only 7`) is one line that names the option and the rule: the whole usage would
        # bury it.
        if not str(exc).startswith("argument "):
            exc.parser.print_usage(sys.stderr)
        print(f"{exc.parser.prog}: error: {exc}", file=sys.stderr)
        if "--json" in words:
            emit_usage_error(_kind_named(words), UsageError(f"error: {exc}"))
        raise SystemExit(EXIT_USAGE) from None
    from wizard.cli.sandbox import run_sandboxed, wants_sandbox

    if wants_sandbox(args):
        return run_sandboxed(args, lambda: _dispatch(parser, args))
    return _dispatch(parser, args)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from wizard.cli.doctor import cmd_doctor
    from wizard.cli.explain import cmd_explain
    from wizard.cli.export import cmd_export
    from wizard.cli.plan_apply import cmd_plan_or_apply

    handlers = {"plan": cmd_plan_or_apply, "apply": cmd_plan_or_apply, "explain": cmd_explain}
    handlers["doctor"] = cmd_doctor
    handlers["export"] = cmd_export
    from wizard.cli.destroy import cmd_destroy

    handlers["destroy"] = cmd_destroy
    from wizard.cli.rollout import cmd_rollout

    handlers["rollout"] = cmd_rollout
    handlers.update(github_handlers(resolve))
    if args.command is None:
        seams: dict[str, Any] = getattr(args, "seams", None) or {}
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            if args.plain or seams:
                from wizard.cli.prompts import not_a_terminal_lines

                print_lines(not_a_terminal_lines(sandbox=bool(seams)), stderr=True)
                return EXIT_USAGE
            parser.print_help()
            return EXIT_OK
        try:
            settings, remembered, path = resolve(args)
            from wizard.cli.manifest import load, manifest_path

            many = manifest_path(args)
            manifest = load(args, many) if many is not None else None
        except UsageError as exc:
            print_lines([str(exc)], stderr=True)
            return EXIT_USAGE
        if manifest is not None and args.plain:
            from wizard.cli.manifest import run_plain_manifest

            return run_plain_manifest(manifest)
        if manifest is not None:
            from screens.launch import run_app

            return run_app(settings, config_path=path, manifest=manifest, **seams)
        if args.plain:
            from wizard.cli.prompts import run_plain

            return run_plain(
                settings,
                config_path=path,
                start_step=args.step,
                remembered=remembered,
                undo=args.undo,
                **seams,
            )
        from screens.launch import run_app  # lazy: the engine never imports Textual

        return run_app(
            settings,
            config_path=path,
            start_step=args.step,
            remembered=remembered,
            undo=args.undo,
            **seams,
        )
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print_lines([str(exc), "Nothing was sent to AWS or GitHub."], stderr=True)
        if getattr(args, "json", False):
            return emit_usage_error(json_kind(args), exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        from wizard.render.plan_text import INTERRUPTED, INTERRUPTED_SANDBOX

        in_sandbox = bool(getattr(args, "seams", None))
        print_lines([INTERRUPTED_SANDBOX if in_sandbox else INTERRUPTED], stderr=True)
        return 130
