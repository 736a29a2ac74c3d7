"""`explain`: pasted error text (or a failed run) to its known causes and fixes.

`explain TEXT` (or `-` for standard input) classifies the text; `explain --run RUN_ID|RUN_URL`
reads a failed run's jobs and logs through GitHub and explains each failed job. With `--live`
(the live setup) or `--answers FILE` (what the person knows), the causes are re-ranked: the
one those facts verify comes first, and the explanation says which it verified.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json, print_lines, resolve

if TYPE_CHECKING:
    from wizard.doctor import LiveView
    from wizard.run_logs import RunExplanation
    from wizard.settings import Settings
    from wizard.troubleshoot import Guidance


def _field(name: str, rule: str = "value") -> tuple[Any, ...]:
    from wizard.validate import FieldError

    return (FieldError(name, rule, name),)


def add_explain_parser(commands: Any, add_target_arguments: Any) -> None:
    explain = commands.add_parser(
        "explain",
        help="explain an error message or a failed workflow run (aws CLI, docker, Actions log)",
        description=(
            "Classify pasted error text, or a failed GitHub Actions run, into its known causes "
            "(ranked, each with the check that tells it apart), the fix and the commands."
        ),
    )
    explain.add_argument(
        "text", nargs="?", help="the error text, or - to read it from standard input"
    )
    explain.add_argument(
        "--run",
        metavar="RUN_ID|RUN_URL|latest",
        help="explain a failed workflow run: its id (with --github-repo), its URL, or 'latest' "
        "(the repository's most recent failed run)",
    )
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.add_argument(
        "--live",
        action="store_true",
        help="also check the live setup (role, trust policy, repository) for what bears on the "
        "error, and rank the causes by it; AWS being unreachable never fails the explanation",
    )
    explain.add_argument(
        "--answers",
        metavar="FILE",
        type=Path,
        help="a TOML file of facts about the failed job and the setup (see README) that rank "
        "the causes when the live setup cannot be read",
    )
    explain.add_argument(
        "--github-api-url",
        metavar="URL",
        help="GitHub Enterprise Server's API (https://HOST/api/v3) for --run; a run URL on "
        "another host than github.com implies it",
    )
    add_target_arguments(explain)


def _values(settings: Settings) -> dict[str, str]:
    values = {
        "region": settings.region,
        "ecr_repository": settings.ecr_repository,
        "role_name": settings.role_name,
        "policy_name": settings.policy_name,
        "github_repo": settings.github_repo,
    }
    with contextlib.suppress(ValueError):
        values["issuer"] = settings.oidc_issuer.name
    return {k: v for k, v in values.items() if v}


def cmd_explain(args: argparse.Namespace) -> int:
    if args.run and args.text:
        raise UsageError("explain: give the error text or --run, not both", fields=_field("--run"))
    if not args.run and args.text is None:
        raise UsageError(
            "explain: the error text is missing: pass it, - to read standard input, or --run",
            fields=_field("text"),
        )
    settings, _, _ = resolve(args)
    answers = _answers(args)
    if args.run:
        return _explain_run(args, settings, answers)
    text = sys.stdin.read() if args.text == "-" else str(args.text)
    found, live = _ranked(text, _values(settings), settings, args.live, answers)
    if args.json:
        document: dict[str, Any] = {
            "recognised": bool(found),
            "guidance": [g.to_json() for g in found],
        }
        if live is not None:
            document["live"] = live.to_json()
        emit_json("explain", EXIT_OK if found else EXIT_FAILED, document)
    else:
        _print_guidance(found, text, live)
    return EXIT_OK if found else EXIT_FAILED


def _answers(args: argparse.Namespace) -> Any:
    if not getattr(args, "answers", None):
        return None
    from wizard.doctor.cause_facts import AnswersError, read_answers

    try:
        return read_answers(args.answers)
    except AnswersError as exc:
        raise UsageError(str(exc), fields=_field("--answers")) from exc


def _ranked(
    text: str, values: dict[str, str], settings: Settings, live: bool, answers: Any
) -> tuple[list[Guidance], LiveView | None]:
    """Classify, then re-rank each guidance's causes by the live facts and the answers."""
    from wizard.troubleshoot import classify

    found = classify(text, values)
    return _with_facts(found, text, settings, live, answers)


def _with_facts(
    found: Sequence[Guidance], text: str, settings: Settings, live: bool, answers: Any
) -> tuple[list[Guidance], LiveView | None]:
    """`found` with each guidance's causes ranked by what the live setup (read for `text`) and
    the answers file verify or rule out; the live view too, when one was read."""
    view = None
    if live:
        from wizard.cli.doctor import live_view

        view = live_view(text, found, settings)
    if not found or (view is None and answers is None):
        return list(found), view
    from dataclasses import replace

    from wizard.doctor.cause_facts import facts_from_answers, facts_from_live, merge
    from wizard.troubleshoot import with_facts

    facts = merge(
        facts_from_live(view, text) if view is not None else {},
        facts_from_answers(answers, github_repo=settings.github_repo, role=settings.role_name)
        if answers is not None
        else {},
    )
    return [replace(g, causes=with_facts(g.causes, facts)) for g in found], view


def _print_guidance(found: Sequence[Guidance], text: str, live: LiveView | None) -> None:
    from wizard.troubleshoot import guidance_text

    print(guidance_text(found, text))
    _print_verified(found)
    if live is not None:
        from wizard.render.doctor_report import live_lines

        print_lines(["", *live_lines(live)])


def _explain_run(args: argparse.Namespace, settings: Settings, answers: Any) -> int:
    from wizard.github_api import GitHubError
    from wizard.run_explain import RunRefError, explain_run, latest_failed_run, parse_run_ref
    from wizard.troubleshoot import explain_text

    seams: dict[str, Any] = getattr(args, "seams", None) or {}
    latest = str(args.run).strip() == "latest"
    try:
        ref = None if latest else parse_run_ref(str(args.run), settings.github_repo)
    except RunRefError as exc:
        raise UsageError(str(exc), fields=_field("--run")) from exc
    api_url = getattr(args, "github_api_url", None) or _api_url_of(str(args.run))
    if api_url:
        settings = settings.merged({"github_api_url": api_url})
    github = seams.get("github") or _github(settings)
    try:
        if ref is None:
            ref = latest_failed_run(github, settings.github_repo)
        explanation = explain_run(github, ref, _values(settings))
    except RunRefError as exc:
        raise UsageError(str(exc), fields=_field("--run")) from exc
    except (GitHubError, OSError) as exc:
        print_lines([f"The run could not be read: {exc}", "", explain_text(exc)], stderr=True)
        if args.json:
            emit_json("explain-run", EXIT_FAILED, {"recognised": False, "run": None})
        return EXIT_FAILED
    explanation = _rank_run(explanation, settings, args.live, answers)
    code = EXIT_OK if explanation.recognised else EXIT_FAILED
    if args.json:
        emit_json(
            "explain-run",
            code,
            {"recognised": explanation.recognised, "run": explanation.to_json()},
        )
    else:
        _print_run(explanation)
    return code


def _rank_run(
    explanation: RunExplanation, settings: Settings, live: bool, answers: Any
) -> RunExplanation:
    if not live and answers is None:
        return explanation
    from dataclasses import replace

    jobs = []
    for job in explanation.jobs:
        failed = job.failed
        text = "\n".join([*failed.errors, failed.section]) if failed else ""
        ranked, _ = _with_facts(job.guidance, text, settings, live, answers)
        jobs.append(replace(job, guidance=tuple(ranked)))
    return replace(explanation, jobs=tuple(jobs))


def _print_run(explanation: RunExplanation) -> None:
    from wizard.run_explain import run_lines
    from wizard.troubleshoot import guidance_text

    print_lines(run_lines(explanation))
    for job in explanation.jobs:
        if job.guidance:
            print_lines(["", f"Job {job.name!r}:"])
            print(guidance_text(job.guidance, ""))
            _print_verified(job.guidance)
        elif job.failed is not None:
            print_lines(["", f"Job {job.name!r}: its failure is not in the catalogue."])


def _print_verified(found: Sequence[Guidance]) -> None:
    for guidance in found:
        cause = guidance.verified
        if cause is not None:
            print_lines(["", f"Verified: {cause.text} ({cause.evidence})"])


def _api_url_of(run: str) -> str:
    """A run URL on GitHub Enterprise Server names the API's host too."""
    from urllib.parse import urlsplit

    host = urlsplit(run.strip()).hostname or ""
    if not host or host in ("github.com", "www.github.com"):
        return ""
    return f"https://{host}/api/v3"


def _github(settings: Settings) -> Any:
    from wizard.github_session import github_for

    github = github_for(settings)
    if github is None:
        raise UsageError(
            "explain --run needs a GitHub token: set GH_TOKEN, or run gh auth login",
            fields=_field("--run"),
        )
    return github
