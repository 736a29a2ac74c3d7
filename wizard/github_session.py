"""The GitHub side of a run, for every face: input checks, the token, GitHub's facts.

`attach_github` gives a step context a GitHub client (an injected one, such as the sandbox's
simulation, or one with a token from the environment, the keyring, gh or the person) and
GitHub's facts about the repository, which then feed the trust policy (step 3) and the
dispatch (step 6). Faces render what these return; none of them prints.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from wizard.plan import Note
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.github_api import AccessProblem, GitHub
    from wizard.steps.base import Step, StepContext
    from wizard.steps.workflow_run import RunProgress

GITHUB_STEPS = (5, 6)


class GitHubUsageError(Exception):
    """Invalid input or no token where one is required: exit 2, nothing sent."""


def github_errors(settings: Settings, steps: Iterable[int] = GITHUB_STEPS) -> list[str]:
    """Input errors for the GitHub side; an empty list means it is safe to call GitHub."""
    from wizard.github_api import api_url_from, api_url_problem
    from wizard.validate import github_repo, role_name
    from wizard.workflow import input_errors, ref_errors, workflow_file_errors

    wanted = set(steps)
    errors: list[str] = []
    if not wanted & set(GITHUB_STEPS):
        return errors
    errors += [e.message for e in github_repo(settings.github_repo)]
    if 5 in wanted:
        errors += [e.message for e in role_name(settings.role_name)]
    # The URL the token goes to, wherever it came from (the flag, else GITHUB_API_URL).
    url = api_url_from(settings.github_api_url)
    problem = api_url_problem(url)
    if problem:
        source = "--github-api-url" if settings.github_api_url else "GITHUB_API_URL"
        errors.append(f"GitHub API URL ({source}) {url!r}: {problem}.")
    if settings.github_values_as not in ("secrets", "variables"):
        errors.append(
            f"github_values_as {settings.github_values_as!r}: must be 'secrets' or 'variables'."
        )
    if 6 in wanted:
        errors += workflow_file_errors(settings.workflow_file)
        # What the workflow is made of: the sandbox commits it, and the `workflow` command
        # checks the same, so plan/apply never accept what `workflow` refuses.
        errors += input_errors(
            name=settings.workflow_name,
            version=settings.image_version,
            dockerfile=settings.dockerfile,
            build_context=settings.build_context,
            environment=settings.environments[0] if settings.environments else "",
        )
        if settings.workflow_ref:
            errors += ref_errors(settings.workflow_ref)
        if settings.run_poll_seconds <= 0 or settings.run_timeout_seconds <= 0:
            errors.append("run_poll_seconds and run_timeout_seconds must be positive.")
    return errors


def github_answer_errors(before: Settings, after: Settings, steps: Iterable[int]) -> list[str]:
    """The settings after GitHub's answers replaced what was typed, checked again: the
    names, ids, default branch and subject template come from GitHub and go into the trust
    policy and the dispatch, so an answer the rules refuse stops everything. Only what the
    answers broke is reported (what was typed was checked before GitHub was asked)."""
    import re

    from wizard.validate import branch, github_repo, settings_errors

    found = [e.message for e in github_repo(after.github_repo)]
    found += [e.message for e in branch(after.default_branch)]
    for label, value in (("owner_id", after.owner_id), ("repo_id", after.repo_id)):
        if value and not re.fullmatch(r"[1-9]\d{0,19}", value):
            found.append(f"{label} {value!r}: must be a number (GitHub's numeric ID).")
    for key in after.sub_claim_keys:
        if not re.fullmatch(r"[A-Za-z0-9_]{1,100}", key):
            found.append(
                f"sub_claim_keys {key!r}: a claim name of letters, digits and '_' (it goes "
                "into the trust policy's sub condition)."
            )
    aws_steps = [n for n in steps if n in (1, 2, 3, 4)]
    if aws_steps:
        typed = {e.message for e in settings_errors(before, steps=aws_steps)}
        found += [e.message for e in settings_errors(after, steps=aws_steps)]
        found = [e for e in found if e not in typed]
    return list(dict.fromkeys(found))


# --- The token -------------------------------------------------------------------------------


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _confirm(question: str) -> bool:
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def github_for(
    settings: Settings,
    api_url: str = "",
    *,
    interactive: bool | None = None,
    say: Callable[[str], None] = _say,
    secret_prompt: Callable[[str], str] = getpass.getpass,
    confirm: Callable[[str], bool] = _confirm,
) -> GitHub | None:
    """The GitHub client, with a token from the environment, the keyring, gh, or (on a
    terminal) the person; None when there is none."""
    from wizard.github_api import GitHub, api_url_from
    from wizard.github_token import ask_token, find_token

    url = api_url_from(api_url or settings.github_api_url)
    token = find_token(url)
    if token is None:
        if interactive is None:
            interactive = sys.stdin.isatty()
        if interactive:
            token = ask_token(url, secret_prompt=secret_prompt, confirm=confirm, say=say)
    if token is None:
        return None
    return GitHub(token.value, url)


def access_needs(settings: Settings, steps: Iterable[int]) -> list[str]:
    wanted = set(steps)
    needs: list[str] = []
    if 5 in wanted:
        needs.append("variables" if settings.github_values_as == "variables" else "secrets")
    if 6 in wanted:
        needs.append("actions")
    return list(dict.fromkeys(needs))


def publish_needs(steps: Iterable[Step[Any]]) -> list[str]:
    """Committing the workflow: contents, and workflows for a file under .github/workflows."""
    from wizard.steps.workflow_publish import WorkflowPublishStep

    if any(isinstance(s, WorkflowPublishStep) for s in steps):
        return ["contents", "workflows"]
    return []


def attach_github(
    ctx: StepContext,
    steps: Sequence[Step[Any]],
    *,
    required: bool,
    # A GitHub, or a stand-in with its methods (the sandbox's simulation).
    github: GitHub | Any = None,
    api_url: str = "",
    interactive: bool | None = None,
    on_progress: Callable[[RunProgress], None] | None = None,
) -> tuple[list[Note], list[AccessProblem]]:
    """Give the context a GitHub client and GitHub's facts about the repository.

    Returns notes to show (repository facts, or that nothing was checked) and access
    problems (a missing permission, named). Raises GitHubUsageError when a token is
    `required` (apply of step 5 or 6) and none is found.
    """
    from wizard.github_token import TOKEN_HELP
    from wizard.repo_facts import apply_repo_facts, fetch_repo_facts, unchecked_note
    from wizard.steps.workflow_run import WorkflowRunStep

    numbers = {s.number for s in steps}
    needs_github = bool(numbers & {3, 5, 6})
    if not needs_github:
        return [], []
    if github is None:
        # Only steps 5 and 6 cannot go without a token; step 3 uses one when it is at hand.
        ask = interactive if numbers & set(GITHUB_STEPS) else False
        github = github_for(ctx.settings, api_url, interactive=ask)
    for step in steps:
        if isinstance(step, WorkflowRunStep) and on_progress is not None:
            step.on_progress = on_progress
    if github is None:
        if required and numbers & set(GITHUB_STEPS):
            raise GitHubUsageError(TOKEN_HELP)
        return [unchecked_note(ctx.settings)], []
    ctx.github = github
    facts = fetch_repo_facts(github, ctx.settings.github_repo)
    answered = apply_repo_facts(ctx.settings, facts)
    invalid = github_answer_errors(ctx.settings, answered, numbers)
    if invalid:
        raise GitHubUsageError(
            f"GitHub's answer about {ctx.settings.github_repo} breaks the wizard's rules, so "
            "it was not used:\n" + "\n".join(f"error: GitHub: {e}" for e in invalid)
        )
    ctx.settings = answered
    problems = github.check_access(
        facts.owner, facts.repo_name, access_needs(ctx.settings, numbers) + publish_needs(steps)
    )
    return facts.notes(), problems


def dispatch_refusal(ctx: StepContext, steps: Sequence[Step[Any]]) -> str:
    """Applying step 6: why the role would refuse the run it dispatches ("" when it would
    not, or cannot be known). Checked before anything is sent, since that run could only fail
    with 'Not authorized to perform sts:AssumeRoleWithWebIdentity'."""
    from wizard.github_api import GitHubError
    from wizard.steps.workflow_run import WorkflowRunStep

    numbers = {s.number for s in steps}
    for step in steps:
        if not isinstance(step, WorkflowRunStep) or ctx.github is None:
            continue
        # The plan refuses too, should the role change between this check and the plan.
        step.refuse_denied = True
        try:
            observed = step.inspect(ctx)
        except GitHubError:  # the plan reads it again and reports what went wrong
            return ""
        checked = step.check(ctx, observed, step3=3 in numbers)
        if checked is not None and not checked.allowed:
            return checked.refusal(ctx.settings, observed.ref)
    return ""
