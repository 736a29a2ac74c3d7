"""The `doctor` subcommand, and the live view `explain --live` adds.

wizard/cli.py registers it (`add_doctor_parser`) and calls `cmd_doctor`. Exit codes as
everywhere: 0 healthy (or the simulated token is allowed), 1 a high-severity problem (or
denied), 2 invalid input (nothing sent).

The claim simulator answers allowed (0), denied (1) or cannot tell (3): a condition it cannot
evaluate (a date, an address, `aws:CurrentTime`...) decides, and `--context KEY=VALUE` gives it.

`--branch`, `--environment` and `--tag` here describe the job to simulate, not the scope to
create, which is why the doctor takes its own subset of the target flags.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.doctor import GitHubReader, LiveView, Simulation
    from wizard.troubleshoot import Guidance

EVENTS = ("push", "pull_request", "tag")
SIMULATION_FLAGS = ("claim", "sim_repo", "sim_branch", "sim_environment", "sim_event", "sim_tag")

DESCRIPTION = (
    "Audit the live setup (provider, role, trust and push policies, repository, and with a "
    "GitHub token the secrets and workflow file); --scan every GitHub role of the account; or "
    "simulate whether a workflow's token may assume the role (--claim, or --repo/--branch/"
    "--environment/--event/--tag). Exit 0 healthy or allowed, 1 a high-severity problem or "
    "denied, 2 invalid input, 3 the simulator cannot tell (supply the value with --context)."
)


def add_doctor_parser(subparsers: Any) -> argparse.ArgumentParser:
    text = "audit the setup, scan the account's GitHub roles, or simulate a workflow's token"
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor", help=text, description=DESCRIPTION
    )
    from wizard.cli.arguments import add_session_arguments

    aws = parser.add_argument_group("what to check (flags override ./ecr-oidc-wizard.toml)")
    add_session_arguments(aws)
    aws.add_argument("--github-repo", help="OWNER/REPO whose workflows assume the role")
    aws.add_argument("--default-branch", help="the repository's default branch (default: main)")
    aws.add_argument("--subject-format", choices=("default", "immutable"))
    aws.add_argument("--owner-id", help="GitHub owner ID (immutable subject form)")
    aws.add_argument("--repo-id", help="GitHub repository ID")
    gh = parser.add_argument_group("GitHub checks (need GH_TOKEN, the keyring or gh)")
    gh.add_argument("--github-api-url", help="GitHub API base (GHES: https://HOST/api/v3)")
    gh.add_argument(
        "--issuer",
        help="the OIDC issuer of the workflow's tokens when the API URL does not say it "
        "(an enterprise's unique issuer: https://token.actions.githubusercontent.com/SLUG)",
    )
    gh.add_argument(
        "--as-variables",
        action="store_true",
        default=None,
        help="AWS_ROLE_ARN and AWS_REGION are Actions variables, not secrets",
    )
    gh.add_argument("--workflow-file", help="workflow file in .github/workflows to check")
    gh.add_argument(
        "--no-github", action="store_true", help="skip the GitHub checks even with a token"
    )
    mode = parser.add_argument_group("modes")
    mode.add_argument(
        "--scan",
        action="store_true",
        help="list every role of the account that trusts GitHub's provider, with its findings",
    )
    mode.add_argument("--json", action="store_true", help="machine-readable output")
    sim = parser.add_argument_group("claim simulator (would this job be let in?)")
    sim.add_argument(
        "--claim",
        metavar="TEXT",
        help="a sub (repo:o/r:ref:refs/heads/main) or key=value pairs "
        "(sub=...,aud=...,repository_id=...)",
    )
    sim.add_argument("--repo", dest="sim_repo", metavar="OWNER/REPO", help="the job's repository")
    sim.add_argument("--branch", dest="sim_branch", metavar="NAME", help="the job's branch")
    sim.add_argument(
        "--environment", dest="sim_environment", metavar="NAME", help="the job's environment"
    )
    sim.add_argument("--event", dest="sim_event", choices=EVENTS, help="the job's event")
    sim.add_argument("--tag", dest="sim_tag", metavar="NAME", help="the pushed tag")
    sim.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a value the simulator cannot know, for a condition that tests it "
        "(aws:CurrentTime=2026-01-01T00:00:00Z, aws:SourceIp=203.0.113.7); repeatable",
    )
    sim.add_argument(
        "--trust-policy-file",
        type=Path,
        metavar="PATH",
        help="simulate against this trust policy JSON instead of the live role's",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from wizard.cli.common import resolve

    settings, _, _ = resolve(args)
    overrides: dict[str, Any] = {
        "github_api_url": args.github_api_url,
        "issuer": args.issuer,
        "github_values_as": "variables" if args.as_variables else None,
        "workflow_file": args.workflow_file,
    }
    return settings.merged(overrides)


def _check_input(settings: Settings, *, needs: Sequence[str]) -> None:
    from wizard import validate
    from wizard.cli.common import UsageError

    errors = validate.region(settings.region) + validate.endpoint_url(settings.endpoint_url)
    errors += validate.issuer(settings)
    checks = {
        "role_name": validate.role_name,
        "ecr_repository": validate.ecr_repository,
        "policy_name": validate.policy_name,
        "github_repo": validate.github_repo,
    }
    for name, check in checks.items():
        value = getattr(settings, name)
        if name in needs or value:
            errors += check(value)
    if errors:
        raise UsageError("\n".join(f"error: {e.message}" for e in errors))


def _aws(settings: Settings) -> Any:
    from wizard.aws import Aws

    return Aws(profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url)


def github_for_doctor(
    settings: Settings, *, skip: bool = False, injected: GitHubReader | None = None
) -> tuple[GitHubReader | None, str]:
    """The GitHub reader: an injected one (the sandbox's simulation) or a token found."""
    if skip:
        return None, "skipped (--no-github)"
    if injected is not None:
        return injected, ""
    if not settings.github_repo:
        return None, "no GitHub repository is configured"
    from wizard.doctor import find_github

    return find_github(settings)


def _emit(args: argparse.Namespace, report: Any) -> int:
    from wizard.cli.common import emit_json, json_kind, print_lines
    from wizard.render.doctor_report import report_lines

    code: int = report.exit_code
    if args.json:
        emit_json(json_kind(args), code, report.to_json())
    else:
        print_lines(report_lines(report))
    return code


def cmd_doctor(args: argparse.Namespace) -> int:
    """The `doctor` handler; a simulator that cannot read the role prints why and exits 1."""
    try:
        return _doctor(args)
    except _Failed as exc:
        from wizard.cli.common import emit_json, json_kind, print_lines
        from wizard.render.envelope import error

        print_lines(str(exc).splitlines(), stderr=True)
        if args.json:
            return emit_json(json_kind(args), 1, problem=error(str(exc), type="failed"))
        return 1


def _doctor(args: argparse.Namespace) -> int:
    from wizard.cli.common import UsageError

    simulating = any(getattr(args, name) for name in SIMULATION_FLAGS)
    if args.context and not simulating:
        raise UsageError(
            "error: --context gives a value to the claim simulator: add --claim, or "
            "--repo/--branch/--environment/--event/--tag."
        )
    if args.scan and (simulating or args.trust_policy_file):
        raise UsageError("error: --scan lists every role; it cannot be combined with a claim.")
    if args.trust_policy_file and not simulating:
        raise UsageError(
            "error: --trust-policy-file needs a job to simulate: --claim, or --repo/--branch/"
            "--environment/--event/--tag."
        )
    settings = _settings(args)
    if args.scan:
        from wizard.doctor import scan_account

        _check_input(settings, needs=())
        return _emit(args, scan_account(_aws(settings)))
    if simulating:
        return _emit(args, _simulation(args, settings))
    from wizard.doctor import check_setup

    _check_input(settings, needs=("role_name", "ecr_repository", "policy_name"))
    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    github, why = github_for_doctor(settings, skip=args.no_github, injected=seams.get("github"))
    return _emit(args, check_setup(_aws(settings), settings, github=github, github_unavailable=why))


def _simulation(args: argparse.Namespace, settings: Settings) -> Simulation:
    from wizard.cli.common import UsageError
    from wizard.doctor import claims_from_text, job_claims, simulate, simulate_role
    from wizard.iam.request import parse_context
    from wizard.policies import audience

    parts = (args.sim_branch, args.sim_environment, args.sim_event, args.sim_tag, args.sim_repo)
    if args.claim and any(parts):
        raise UsageError(
            "error: give --claim, or the parts (--repo, --branch, --environment, --event, "
            "--tag), not both."
        )
    aud = audience("aws-cn" if settings.region.startswith("cn-") else "aws")
    job = ""
    try:
        context = parse_context(args.context)
        issuer = settings.oidc_issuer
        if args.claim:
            claims, notes = claims_from_text(args.claim, aud=aud)
            same = claims.get("repository", "").lower() == settings.github_repo.lower()
            if same and settings.repo_id and "repository_id" not in claims:
                # A token from the configured repository carries its id: the trust policy
                # checks it beside sub.
                claims["repository_id"] = settings.repo_id
                notes.append(f"repository_id {settings.repo_id}: the configured repository's id")
        else:
            repo = args.sim_repo or settings.github_repo
            if not repo:
                raise UsageError("error: name the job's repository: --repo OWNER/REPO.")
            immutable = settings.subject_format == "immutable" and repo == settings.github_repo
            claims, job, notes = job_claims(
                repo,
                # A job with no branch named runs on the default branch, as a push would.
                branch=args.sim_branch or (None if args.sim_tag else settings.default_branch),
                tag=args.sim_tag,
                environment=args.sim_environment,
                event=args.sim_event,
                aud=aud,
                repository_id=settings.repo_id if repo == settings.github_repo else "",
                owner_id=settings.owner_id if immutable else "",
                immutable_repo_id=settings.repo_id if immutable else "",
            )
    except ValueError as exc:
        raise UsageError(f"error: {exc}") from exc
    if args.trust_policy_file:
        path: Path = args.trust_policy_file
        try:
            policy = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"error: --trust-policy-file {path}: {exc}") from exc
        if not isinstance(policy, dict):
            raise UsageError(f"error: --trust-policy-file {path}: not a JSON policy document")
        return simulate(
            policy,
            claims,
            role=str(path),
            notes=notes,
            job=job,
            issuer=issuer,
            context=context,
        )
    _check_input(settings, needs=("role_name",))
    aws = _aws(settings)
    try:
        return simulate_role(
            aws,
            settings.role_name,
            claims,
            notes=notes,
            job=job,
            issuer=issuer,
            context=context,
        )
    except Exception as exc:
        from wizard.troubleshoot import explain_text

        # Reading the role failed (no such role, no credentials): say why and what to do.
        raise _Failed(explain_text(exc, {"role_name": settings.role_name})) from exc


class _Failed(Exception):
    """The doctor could not run: its text is printed and the exit code is 1."""


# --- explain --live ---------------------------------------------------------------------------


def live_view(text: str, found: Sequence[Guidance], settings: Settings) -> LiveView:
    """The doctor's view of the live setup for what `explain` recognised; never raises."""
    from wizard.doctor import LiveView, explain_live

    cases = tuple(g.case for g in found)
    if not found:
        return LiveView(cases, unavailable="the message was not recognised")
    try:
        from wizard.validate import endpoint_url, region

        problems = region(settings.region) + endpoint_url(settings.endpoint_url)
        if problems:
            return LiveView(cases, unavailable=problems[0].message)
        github, why = github_for_doctor(settings)
        return explain_live(
            text, cases, settings, _aws(settings), github=github, github_unavailable=why
        )
    except Exception as exc:  # the live view is a bonus: `explain` must still answer
        return LiveView(cases, unavailable=f"the live setup could not be read: {exc}")
