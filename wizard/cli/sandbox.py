"""The sandbox as the CLI uses it: the flags, and running any face inside an open sandbox.

wizard/cli.py adds the flags (`add_sandbox_arguments`) and, when `--sandbox` is given, hands
its own dispatch to `run_sandboxed`, which opens the sandbox, points the answers at it and
injects the simulated GitHub as `args.seams` (keyword arguments for each face).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.sandbox.box import Sandbox
    from wizard.settings import Settings

EXIT_USAGE = 2
# Every command takes the sandbox's flags, before or after its name.
SANDBOX_COMMANDS = (
    "plan",
    "apply",
    "doctor",
    "verify",
    "destroy",
    "workflow",
    "explain",
    "export",
)
GITHUB_SOURCE = "simulated GitHub of the sandbox (no token needed)"


def add_sandbox_arguments(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """On the top-level parser the flags default to off; on a subcommand they are only set
    when given, so `--sandbox apply` and `apply --sandbox` mean the same."""
    group = parser.add_argument_group("sandbox: try it with no AWS account and no GitHub token")
    group.add_argument(
        "--sandbox",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="run against an AWS emulator and a simulated GitHub inside this process; "
        "nothing leaves this machine (needs: pip install 'ecr-oidc-wizard[sandbox]')",
    )
    group.add_argument(
        "--sandbox-fail",
        metavar="SERVICE:ACTION",
        default="" if top else argparse.SUPPRESS,
        help="in the sandbox, be an IAM user lacking this permission (e.g. iam:CreateRole) to "
        "see a failure and its guidance; implies --sandbox",
    )
    group.add_argument(
        "--scenario",
        choices=("wizard", "guide", "sub-mismatch"),
        default="wizard" if top else argparse.SUPPRESS,
        help="the sandbox's starting state: the wizard's setup (default); 'guide', the setup "
        "the guide followed literally leaves (MUTABLE repository, repo:OWNER/REPO:* trust, "
        "thumbprint); 'sub-mismatch', a workflow run the role refuses; implies --sandbox",
    )


def wants_sandbox(args: argparse.Namespace) -> bool:
    scenario = getattr(args, "scenario", "wizard") or "wizard"
    return bool(
        getattr(args, "sandbox", False) or getattr(args, "sandbox_fail", "") or scenario != "wizard"
    )


def run_sandboxed(args: argparse.Namespace, dispatch: Callable[[], int]) -> int:
    """Open a sandbox, point `args` at it, run `dispatch()` inside it, close it."""
    from wizard.cli.common import UsageError, emit_usage_error, json_kind, print_lines
    from wizard.sandbox.box import SandboxUnavailable, open_sandbox

    # The full-screen app's own start (not the plain prompts, Undo or a manifest, which need
    # the sandbox seeded first) does not wait for the emulator.
    plain_start = not any(getattr(args, name, None) for name in ("plain", "undo", "manifest"))
    if args.command is None and plain_start:
        return run_app_sandboxed(args)

    output = getattr(args, "output", None)
    if args.command == "export" and output and output != "-":
        # The sandbox works in its own folder, removed at exit: a file the person names is
        # written where they are, not there.
        import os

        args.output = os.path.abspath(output)
    try:
        with open_sandbox(fail=str(getattr(args, "sandbox_fail", "") or "")) as box:
            try:
                settings = prepare(args, box)
            except UsageError as exc:
                print_lines([str(exc), "Nothing was sent."], stderr=True)
                if getattr(args, "json", False):
                    return emit_usage_error(json_kind(args), exc)
                return EXIT_USAGE
            # Banners and progress go to standard error: standard output is for what the
            # command gives (a plan, YAML, a JSON document).
            print_lines(box.banner(), stderr=True)
            scenario = str(getattr(args, "scenario", "wizard") or "wizard")
            if args.command == "destroy" or (args.command is None and args.undo):
                # Recorded as `apply` records it: destroy removes what the record names.
                seed(box, settings, stderr=True, remember_in=box.config_path)
            elif args.command in ("doctor", "verify", "explain") or scenario != "wizard":
                args.sandbox_run = seed(box, settings, stderr=True, scenario=scenario)
            code = dispatch()
            if code == 0 and _ran_workflow(args):
                code = show_verification(args)
            return code
    except SandboxUnavailable as exc:
        print_lines([str(exc)], stderr=True)
        if getattr(args, "json", False):
            return emit_usage_error(json_kind(args), UsageError(str(exc)))
        return EXIT_USAGE


def run_app_sandboxed(args: argparse.Namespace) -> int:
    """The full-screen app in the sandbox. Its first frame does not wait for the emulator:
    moto's import and server start, and the simulated GitHub, happen right after it, while
    the app's workers wait for them (screens.launch.run_app's `start_later`)."""
    import contextlib
    import importlib.util
    import sys

    from wizard.cli.common import print_lines, resolve
    from wizard.sandbox.box import INSTALL_HELP, TITLE, open_sandbox
    from wizard.sandbox.box import sandbox_settings as placeholder
    from wizard.sandbox.permissions import permission_errors

    fail = str(getattr(args, "sandbox_fail", "") or "")
    problems = permission_errors(fail)
    if not problems and importlib.util.find_spec("moto") is None:
        problems = [INSTALL_HELP]
    if problems:
        print_lines(problems, stderr=True)
        return EXIT_USAGE
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        from wizard.cli.prompts import not_a_terminal_lines

        print_lines(not_a_terminal_lines(sandbox=True), stderr=True)
        return EXIT_USAGE
    from screens.launch import Started, run_app  # lazy: the engine never imports Textual

    with contextlib.ExitStack() as stack:

        def start() -> Started:
            box = stack.enter_context(open_sandbox(fail=fail))
            settings = prepare(args, box)
            _, remembered, path = resolve(args)
            return Started(settings, path, remembered, box.github, GITHUB_SOURCE)

        return run_app(
            placeholder(),
            config_path=None,
            start_step=args.step,
            banner=TITLE,
            start_later=start,
        )


def prepare(args: argparse.Namespace, box: Sandbox) -> Settings:
    """Point the answers at the sandbox (its own config file, endpoint and no profile). The
    simulated repository starts without the workflow: step 6 commits it on a branch, opens a
    pull request and merges it (as its reviewer would), unless --publish says otherwise."""
    from wizard.cli.common import UsageError, resolve
    from wizard.cli.github import github_overrides

    # The person's config file and profile are never read or written in the sandbox.
    args.config = box.config_path
    args.profile = None
    args.endpoint_url = box.url
    saved_plan = getattr(args, "plan_file", None) is not None
    if args.command in ("plan", "apply") and not getattr(args, "only", None) and not saved_plan:
        args.only = [1, 2, 3, 4, 5, 6]
    if args.command in ("plan", "apply") and not getattr(args, "publish", None):
        args.publish = "pull-request"
        if getattr(args, "merge", None) is None:
            args.merge = True
    if args.command == "workflow" and not getattr(args, "publish", None):
        # A file written into the sandbox's folder would be gone at exit: print it instead.
        args.output = "-"
    settings, _, _ = resolve(args)
    settings = settings.merged(github_overrides(args))
    if settings.public:
        # moto has no ecr-public API: every call would end in a server traceback and a 500.
        raise UsageError(
            "--public: the sandbox cannot show ECR Public (its AWS emulator, moto, has no "
            "ecr-public API). Run without --public in the sandbox, or without --sandbox "
            "against a real AWS account."
        )
    args.seams = {"github": box.github, "github_source": GITHUB_SOURCE, "banner": box.title}
    return settings


def _ran_workflow(args: argparse.Namespace) -> bool:
    if getattr(args, "manifest", None) is not None:
        return False  # a manifest runs steps 1-4 only: no workflow ran, nothing to verify
    only = getattr(args, "only", None) or ()
    return args.command == "apply" and 6 in only and not getattr(args, "json", False)


def show_verification(args: argparse.Namespace) -> int:
    """After a sandbox run, what it pushed: there is no later `verify` against this sandbox."""
    from wizard.cli.common import print_lines, resolve
    from wizard.cli.github import github_overrides, verify_command

    settings, remembered, _ = resolve(args)
    settings = settings.merged(github_overrides(args))
    print_lines(["", "Verification (what `ecr-oidc-wizard verify` shows):"])
    return verify_command(settings, public_uri=remembered.created.get("repository_uri", ""))


def seed(
    box: Sandbox,
    settings: Settings,
    *,
    stderr: bool = False,
    scenario: str = "wizard",
    remember_in: Path | None = None,
) -> int | None:
    """Put the sandbox in the scenario's state (wizard/sandbox/scenarios.py): `doctor`,
    `verify`, `destroy`, `explain --run` and the Doctor screen need something to look at (and,
    for `destroy`, the steps are remembered in `remember_in` as `apply` would). Returns the id
    of the failed run the scenario left, if any."""
    from wizard.cli.common import print_lines
    from wizard.sandbox.scenarios import MISMATCH_REF, failing_run, guide_settings

    if scenario == "guide":
        head = "SANDBOX · scenario guide: the steps as the guide, followed literally, does them:"
        print_lines([head], stderr=stderr)
        print_lines(_apply_steps(box, guide_settings(settings), range(1, 7)), stderr=stderr)
        return None
    if scenario == "sub-mismatch":
        head = (
            "SANDBOX · scenario sub-mismatch: the wizard's steps 1–5 (the role trusts the "
            f"default branch), then a workflow run on branch {MISMATCH_REF!r}:"
        )
        print_lines([head], stderr=stderr)
        print_lines(_apply_steps(box, settings, range(1, 6)), stderr=stderr)
        seeded = failing_run(box, settings)
        print_lines(seeded.lines, stderr=stderr)
        return seeded.run_id
    print_lines(
        [
            "SANDBOX · doing steps 1–6 first (as `apply --sandbox --yes` would), so there is "
            f"something to {'remove' if remember_in is not None else 'check'}:"
        ],
        stderr=stderr,
    )
    print_lines(_apply_steps(box, settings, range(1, 7), remember_in), stderr=stderr)
    return None


def _apply_steps(
    box: Sandbox, settings: Settings, numbers: Iterable[int], remember_in: Path | None = None
) -> list[str]:
    from wizard.github_session import attach_github
    from wizard.render.plan_text import result_line
    from wizard.runner import apply_run, plan_steps
    from wizard.steps import all_steps
    from wizard.steps.base import StepContext
    from wizard.steps.workflow_publish import WorkflowPublishStep

    wanted = set(numbers)
    steps = [step for step in all_steps() if step.number in wanted]
    if 6 in wanted:
        # The simulated repository starts without the workflow: commit it (a pull request,
        # merged) before step 6 runs it.
        steps.insert(len(steps) - 1, WorkflowPublishStep(merge=True))
    ctx = StepContext(settings=settings, aws=box.aws(settings.region))
    attach_github(ctx, steps, required=True, github=box.github)
    run = plan_steps(ctx, steps)
    if run.failed is None:
        apply_run(ctx, run)
    if remember_in is not None:
        from wizard.remember import remember_run
        from wizard.settings import load

        remember_run(remember_in, load(remember_in), ctx.settings, ctx.outputs, run)
    lines = [f"  {result_line(result)}" for result in run.results]
    failed = run.failed
    if failed is not None:
        lines.append(f"  ✗ Step {failed.step} · {failed.title}: {failed.error.splitlines()[0]}")
    return lines
