"""Command-line handlers for the GitHub side: steps 5-6, `workflow` and `verify`.

wizard/cli.py wires these in; everything here returns an exit code (0 ok, 1 failed with
guidance printed, 2 invalid input with nothing sent) and writes plain text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from wizard.github_session import (
    GITHUB_STEPS,
    GitHubUsageError,
    attach_github,
    dispatch_refusal,
    github_errors,
)
from wizard.inert import inert
from wizard.render.envelope import error as json_error
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.github_api import GitHub
    from wizard.steps.base import Step, StepContext
    from wizard.steps.workflow_run import RunProgress

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

VALUES_AS = {True: "variables", False: "secrets"}
# C0 and C1 control characters (ESC starts terminal sequences): a file name shown to the person
# is printed without them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    return _CONTROL.sub("?", text)


# --- Arguments ---------------------------------------------------------------------------------


def add_github_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("GitHub side (steps 5-6, workflow, verify)")
    group.add_argument(
        "--github-api-url",
        help="GitHub API base (default: GITHUB_API_URL or https://api.github.com; "
        "GitHub Enterprise Server: https://HOST/api/v3)",
    )
    group.add_argument(
        "--issuer",
        help="the OIDC issuer of the workflow's tokens, when --github-api-url does not say it: "
        "an enterprise's unique issuer (https://token.actions.githubusercontent.com/SLUG, "
        "or https://token.actions.SUBDOMAIN.ghe.com/SUBDOMAIN)",
    )
    group.add_argument(
        "--as-variables",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="store AWS_ROLE_ARN and AWS_REGION as Actions variables instead of secrets "
        "(neither is secret; variables are not masked in logs)",
    )
    group.add_argument(
        "--workflow-file",
        help="workflow file in .github/workflows (default: build-REPO.yml, from the repository)",
    )
    group.add_argument(
        "--workflow-name", help="workflow name (default: 'Build and push the REPO image')"
    )
    group.add_argument(
        "--image-version",
        help="first part of the immutable tag: a version (default 0.1.0) or file:PATH",
    )
    group.add_argument(
        "--dockerfile", help="Dockerfile path in the repository (default Dockerfile)"
    )
    group.add_argument("--build-context", help="docker build context (default .)")
    group.add_argument("--ref", help="branch or tag step 6 runs the workflow on (default: default)")
    group.add_argument(
        "--publish",
        choices=("pull-request", "branch"),
        help="commit the workflow (and .github/dependabot.yml for its actions) through the GitHub "
        "API first: on a new branch with a pull request, or straight to --publish-branch "
        "(needs the token's Contents and Workflows write; classic token: the `workflow` scope)",
    )
    group.add_argument(
        "--publish-branch",
        metavar="NAME",
        help="the branch to commit to (--publish branch: default the default branch; "
        "--publish pull-request: default ecr-oidc-wizard/WORKFLOW)",
    )
    group.add_argument(
        "--merge",
        action="store_true",
        default=None,
        help="merge that pull request in the same run, so step 6 can run the workflow",
    )
    group.add_argument(
        "--dependabot",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also commit .github/dependabot.yml, which keeps the pinned actions up to date "
        "(default: yes)",
    )


def github_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Flag values for Settings fields; None where a flag was not given."""
    as_variables = getattr(args, "as_variables", None)
    return {
        "github_api_url": getattr(args, "github_api_url", None),
        "issuer": getattr(args, "issuer", None),
        "github_values_as": None if as_variables is None else VALUES_AS[bool(as_variables)],
        "workflow_file": getattr(args, "workflow_file", None),
        "workflow_name": getattr(args, "workflow_name", None),
        "image_version": getattr(args, "image_version", None),
        "dockerfile": getattr(args, "dockerfile", None),
        "build_context": getattr(args, "build_context", None),
        "workflow_ref": getattr(args, "ref", None),
    }


# --- plan/apply's GitHub part -----------------------------------------------------------------


def publish_step(args: argparse.Namespace) -> Any:
    """The step that commits the workflow, when --publish asks for it; else None."""
    mode = getattr(args, "publish", None)
    if not mode:
        return None
    from wizard.steps.workflow_publish import WorkflowPublishStep

    return WorkflowPublishStep(
        mode=mode,
        branch=getattr(args, "publish_branch", None) or "",
        dependabot=getattr(args, "dependabot", None) is not False,
        merge=bool(getattr(args, "merge", None)),
    )


def with_publishing(
    steps: Sequence[Step[Any]], args: argparse.Namespace, settings: Settings
) -> list[Step[Any]]:
    """Step 6 commits the workflow before it runs it, when asked to (--publish). A run on
    another branch than the default needs the file there too (GitHub reads the workflow of the
    ref it runs), so a merged pull request is followed by a commit to that branch."""
    from wizard.steps.workflow_publish import WorkflowPublishStep
    from wizard.steps.workflow_run import run_ref

    step = publish_step(args)
    extra: list[Step[Any]] = []
    ref = run_ref(settings).removeprefix("refs/heads/")
    default = settings.default_branch or "main"
    merged_elsewhere = step is not None and step.mode == "pull-request" and step.merge
    if merged_elsewhere and ref != default and not ref.startswith("refs/tags/"):
        extra.append(WorkflowPublishStep(mode="branch", branch=ref, dependabot=False))
    out: list[Step[Any]] = []
    for item in steps:
        if step is not None and item.number == 6:
            out += [step, *extra]
        out.append(item)
    return out


def wire_github(
    ctx: StepContext,
    steps: Sequence[Step[Any]],
    *,
    applying: bool,
    json_output: bool = False,
    err: IO[str] | None = None,
    github: GitHub | Any = None,
) -> int | None:
    """The GitHub part of `plan`/`apply` (wizard.cli.cmd_plan_or_apply calls it before
    planning). Validates the GitHub input, finds the token, applies GitHub's repository facts
    to `ctx.settings` and checks the token's access (of `github` when one is injected: the
    sandbox's simulation). Prints notes and problems; returns an exit
    code to stop with, or None to go on: 2 for invalid input or (applying step 5 or 6) no
    token, 1 for a missing permission; either way before anything is sent."""
    from wizard.github_api import GitHubError

    err = err or sys.stderr
    numbers = [s.number for s in steps]
    try:
        errors = github_errors(ctx.settings, numbers)
        if errors:
            raise GitHubUsageError("\n".join(f"error: {e}" for e in errors))
        printer = None if json_output else ProgressPrinter()
        notes, problems = attach_github(
            ctx, steps, required=applying, github=github, on_progress=printer
        )
    except GitHubUsageError as exc:
        print(f"{inert(str(exc))}\nNothing was sent to AWS or GitHub.", file=err)
        return EXIT_USAGE
    except GitHubError as exc:
        print(f"✗ GitHub: {inert(str(exc))}", file=err)
        return EXIT_FAILED
    if not json_output:
        for note in notes:
            print(f"! {note.severity}: {inert(note.text)}", file=err)
    for problem in problems:
        print(f"✗ GitHub token: {inert(problem.text)}", file=err)
    if problems and applying and set(numbers) & set(GITHUB_STEPS):
        print("Nothing was sent to GitHub: fix the token's access and run again.", file=err)
        return EXIT_FAILED
    if applying:
        refusal = dispatch_refusal(ctx, steps)
        if refusal:
            print(f"error: {inert(refusal)}\nNothing was sent to AWS or GitHub.", file=err)
            return EXIT_USAGE
    return None


def _confirm(question: str) -> bool:
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


# --- Progress of a run -----------------------------------------------------------------------


class ProgressPrinter:
    """Prints each new line of a run's state once, so a log reads as a history."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out
        self._seen: set[str] = set()

    def __call__(self, progress: RunProgress) -> None:
        from wizard.steps.workflow_run import progress_text

        out = self.out or sys.stdout
        # Run and step names come from GitHub (the workflow file's own words).
        for line in inert(progress_text(progress)).splitlines():
            if line not in self._seen:
                self._seen.add(line)
                print(line, file=out, flush=True)


# --- `workflow` --------------------------------------------------------------------------------


def add_github_commands(
    commands: Any, add_target_arguments: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add the `workflow` and `verify` subcommands to the CLI's subparsers."""
    text = (
        "write the GitHub Actions workflow that pushes to ECR (shows a diff first), or commit it "
        "to the repository through the GitHub API (--publish)"
    )
    workflow = commands.add_parser("workflow", help=text, description=text)
    add_target_arguments(workflow)
    add_github_arguments(workflow)
    workflow.add_argument(
        "--output",
        metavar="PATH|-",
        help="where to write it ('-' prints it; default: .github/workflows/FILE in this checkout)",
    )
    workflow.add_argument(
        "--yes", "-y", action="store_true", help="replace (or commit) without asking"
    )
    text = "list the pushed images, both tags and the Helm values"
    verify = commands.add_parser("verify", help=text, description=text)
    add_target_arguments(verify)
    add_github_arguments(verify)
    verify.add_argument("--json", action="store_true", help="machine-readable output")


Resolve = Callable[[argparse.Namespace], tuple[Settings, Any, Any]]


def github_handlers(resolve: Resolve) -> dict[str, Callable[[argparse.Namespace], int]]:
    """`workflow` and `verify` handlers for wizard.cli.main. `resolve` is the CLI's own
    (config file + flags -> (settings, remembered, path)); the GitHub flags go on top."""

    def settings_from(args: argparse.Namespace) -> tuple[Settings, dict[str, str]]:
        settings, remembered, _ = resolve(args)
        created = dict(getattr(remembered, "created", {}) or {})
        return settings.merged(github_overrides(args)), created

    def workflow(args: argparse.Namespace) -> int:
        settings, remembered, config = resolve(args)
        settings = settings.merged(github_overrides(args))
        created = dict(getattr(remembered, "created", {}) or {})
        if getattr(args, "publish", None):
            return publish_workflow_command(args, settings, created)

        def record(path: Path, text: str) -> None:
            from wizard.remember import remember_workflow_file

            if not config.parent.is_dir():
                return
            try:
                remember_workflow_file(config, remembered, path, text)
            except OSError as exc:
                print(f"! {config} could not record the file written: {exc}", file=sys.stderr)

        return write_workflow_command(
            settings,
            repository_uri=created.get("repository_uri", ""),
            output=getattr(args, "output", None),
            yes=bool(getattr(args, "yes", False)),
            on_written=record,
        )

    def verify(args: argparse.Namespace) -> int:
        settings, created = settings_from(args)
        return verify_command(
            settings,
            public_uri=created.get("repository_uri", ""),
            as_json=bool(getattr(args, "json", False)),
        )

    return {"workflow": workflow, "verify": verify}


def publish_workflow_command(
    args: argparse.Namespace, settings: Settings, created: dict[str, str]
) -> int:
    """`workflow --publish`: step 6's first half alone (plan, confirm, commit)."""
    from wizard.cli.common import print_lines, step_context
    from wizard.render import plan_text
    from wizard.runner import apply_run, plan_steps

    step = publish_step(args)
    ctx = step_context(settings)
    if created.get("repository_uri"):
        ctx.outputs["repository_uri"] = created["repository_uri"]
    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    stop = wire_github(ctx, [step], applying=True, github=seams.get("github"))
    if stop is not None:
        return stop
    run = plan_steps(ctx, [step])
    for plan in run.plans:
        print_lines(plan_text.plan_lines(plan))
    if run.failed is not None:
        print_lines(plan_text.failure_lines(run.failed, ""), stderr=True)
        return EXIT_FAILED
    if run.has_changes:
        if not getattr(args, "yes", False):
            if not sys.stdin.isatty():
                print_lines(
                    ["Not committed: standard input is not a terminal. Re-run with --yes."],
                    stderr=True,
                )
                return EXIT_USAGE
            if not _confirm("Commit these files to GitHub?"):
                return EXIT_OK
        apply_run(ctx, run)
    for result in run.results:
        if str(result.status) == "failed":
            print_lines(plan_text.failure_lines(result, ""), stderr=True)
            return EXIT_FAILED
        print_lines([plan_text.result_line(result)])
    url = ctx.outputs.get("pull_request_url") or (run.plans[0].outputs or {}).get(
        "pull_request_url", ""
    )
    if url:
        print_lines([f"Pull request: {url}"])
    return EXIT_OK


def write_workflow_command(
    settings: Settings,
    *,
    repository_uri: str = "",
    output: str | None = None,
    yes: bool = False,
    cwd: Path | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    confirm: Callable[[str], bool] | None = None,
    on_written: Callable[[Path, str], None] | None = None,
) -> int:
    """Write the workflow file; `on_written(path, text)` records what was written (the
    answers file keeps its sha256, so `destroy` removes it only while unchanged)."""
    from wizard.plan import Action
    from wizard.workflow import (
        Expectations,
        WorkflowFileChanged,
        check_workflow,
        commit_help,
        spec_errors,
        workflow_file,
        workflow_spec,
        write_workflow_file,
    )

    out = out or sys.stdout
    err = err or sys.stderr
    spec = workflow_spec(settings, repository_uri=repository_uri)
    errors = spec_errors(spec)
    if errors:
        print("\n".join(f"error: {e}" for e in errors), file=err)
        print("Nothing was written.", file=err)
        return EXIT_USAGE
    if output == "-":
        from wizard.workflow import render_workflow

        out.write(render_workflow(spec))
        return EXIT_OK
    planned = workflow_file(spec, output=Path(output) if output else None, cwd=cwd)
    if planned.current is not None:
        expect = Expectations(values_as=spec.values_as)
        findings = check_workflow(planned.current, expect)
        if findings:
            print(f"The existing {planned.shown_path} has known problems:", file=out)
            for finding in findings:
                print("! " + inert(finding.text()), file=out)
    if planned.action is Action.NOOP:
        print(f"= {planned.shown_path} is already as planned; nothing to write.", file=out)
        return EXIT_OK
    # The diff quotes the file on disk, which may hold escape sequences of its own.
    diff = inert(planned.diff)
    print(diff, file=out, end="" if diff.endswith("\n") else "\n")
    outside_ok = False
    if planned.real_outside is not None:
        where = strip_control(str(planned.real_outside))
        print(
            f"! {planned.shown_path} leads outside this checkout (a link on the way points "
            f"elsewhere): the file would be written to {where}",
            file=out,
        )
        if yes:
            outside_ok = True
        elif confirm is not None or sys.stdin.isatty():
            outside_ok = (confirm or _confirm)(f"Write the workflow to {where}?")
            if not outside_ok:
                print("Not written.", file=err)
                return EXIT_OK
        else:
            print(
                f"Not written: {planned.shown_path} leads to {where}, outside the checkout, and "
                "standard input is not a terminal. Re-run with --yes to write there, or "
                "--output another path.",
                file=err,
            )
            return EXIT_USAGE
    replace = False
    if planned.action is Action.UPDATE:
        if yes:
            replace = True
        elif confirm is not None or sys.stdin.isatty():
            ask = confirm or _confirm
            replace = ask(f"Replace {planned.shown_path} with the version above?")
            if not replace:
                print("Not written.", file=err)
                return EXIT_OK
        else:
            print(
                f"Not written: {planned.shown_path} exists and differs, and standard input is "
                "not a terminal. Re-run with --yes to replace it, or --output another path.",
                file=err,
            )
            return EXIT_USAGE
    try:
        path = write_workflow_file(planned, replace=replace, outside_ok=outside_ok)
    except WorkflowFileChanged as exc:
        print(str(exc), file=err)
        return EXIT_FAILED
    print(f"Wrote {path}.", file=out)
    if on_written is not None:
        on_written(path, planned.desired)
    from wizard.workflow import workflow_notes

    for note in workflow_notes(settings):
        print(f"! {note}", file=out)
    branch = settings.default_branch or "main"
    print(commit_help(planned.shown_path, branch), file=out)
    return EXIT_OK


# --- `verify` ----------------------------------------------------------------------------------


def verify_command(
    settings: Settings,
    *,
    aws: Any = None,
    public_uri: str = "",
    as_json: bool = False,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    from wizard.validate import ecr_repository, endpoint_url, region
    from wizard.verify import read_pushed, repository_uri, verification, verification_text

    out = out or sys.stdout
    err = err or sys.stderr
    errors = [
        *ecr_repository(settings.ecr_repository, public=settings.public),
        *region(settings.region),
        *endpoint_url(settings.endpoint_url),
    ]
    if errors:
        message = "\n".join(f"error: {e.message}" for e in errors)
        print(message, file=err)
        print("Nothing was sent to AWS.", file=err)
        if as_json:
            _verify_json(out, EXIT_USAGE, problem=json_error(message, fields=errors))
        return EXIT_USAGE
    if aws is None:
        from wizard.aws import Aws

        aws = Aws(
            profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url
        )
    try:
        identity = aws.identity()
        client = aws.ecr_public if settings.public else aws.ecr
        # None: the repository does not exist yet, which is "nothing pushed yet", not an error.
        images = read_pushed(client, settings.ecr_repository)
    except Exception as exc:
        code = _report_failure(exc, settings, err)
        if as_json:
            _verify_json(out, code, problem=json_error(str(exc), type="failed"))
        return code
    if settings.public and not public_uri and images is not None:
        # An ECR Public URI holds the registry alias (public.ecr.aws/ALIAS/NAME), which no
        # other value gives: read it, never fall back to a private registry's URI.
        public_uri = _public_uri(client, settings.ecr_repository)
        if not public_uri:
            unknown = (
                f"✗ The ECR Public URI of {settings.ecr_repository!r} (public.ecr.aws/ALIAS/"
                "NAME) is unknown: step 1 has not remembered it here and ecr-public "
                "describe-repositories did not give it. Run step 1 (apply --public --only 1), "
                "then verify again."
            )
            print(unknown, file=err)
            if as_json:
                _verify_json(out, EXIT_FAILED, problem=json_error(unknown, type="failed"))
            return EXIT_FAILED
    uri = repository_uri(
        settings.ecr_repository,
        account_id=identity.account_id,
        region=settings.region,
        partition=identity.partition,
        public_uri=public_uri if settings.public else "",
    )
    result = verification(uri, images)
    code = EXIT_OK if result.immutable is not None and result.latest is not None else EXIT_FAILED
    if as_json:
        _verify_json(out, code, result.to_json())
    else:
        print(verification_text(result), file=out, end="")
    return code


def _verify_json(
    out: IO[str],
    code: int,
    body: dict[str, Any] | None = None,
    *,
    problem: dict[str, Any] | None = None,
) -> None:
    from wizard.render.envelope import dumps, envelope

    print(dumps(envelope("verify", code, body, problem=problem)), file=out)


def _public_uri(client: Any, name: str) -> str:
    """The repositoryUri ecr-public reports; "" when it cannot be read."""
    try:
        answer = client.describe_repositories(repositoryNames=[name])
        return str(answer["repositories"][0].get("repositoryUri") or "")
    except Exception:  # the caller says the URI is unknown and how to get it
        return ""


def _report_failure(exc: BaseException, settings: Settings, err: IO[str]) -> int:
    print(f"✗ {inert(str(exc))}", file=err)
    try:
        from wizard.troubleshoot import classify
    except ImportError:
        return EXIT_FAILED
    values = {
        "region": settings.region,
        "ecr_repository": settings.ecr_repository,
        "github_repo": settings.github_repo,
        "role_name": settings.role_name,
    }
    for guidance in classify(exc, {k: v for k, v in values.items() if v}):
        text = f"  → {guidance.title}\n    Cause: {guidance.cause}\n    Fix: {guidance.fix}"
        print(inert(text), file=err)
        for command in guidance.commands:
            print(f"      $ {inert(command)}", file=err)
    return EXIT_FAILED
