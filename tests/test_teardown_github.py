"""`destroy` of step 5's work through the GitHub seam against the local fake: only the
secrets and variables the wizard set, and unchanged since, are deleted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fake_github import FakeGitHub, isolated_fake
from tests.helpers import StaticAws, guide_settings
from wizard.github_api import GitHub
from wizard.plan import Action
from wizard.runner import apply_run, plan_steps
from wizard.steps.base import StepContext
from wizard.steps.github_secrets import GitHubSecretsStep
from wizard.teardown import TeardownOptions, teardown_steps

REPO = "UNGlobalPlatform/images-datascience"
TOKEN = "ghp_teardown0123456789abcdef"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token=TOKEN, repos=[REPO]) as server:
        yield server


def context(
    github: FakeGitHub, outputs: dict[str, str] | None = None, **changes: Any
) -> StepContext:
    ctx = StepContext(settings=guide_settings(**changes), aws=StaticAws())  # type: ignore[arg-type]
    ctx.github = GitHub(TOKEN, github.url)
    ctx.outputs.update(outputs or {})
    return ctx


def github_writes(github: FakeGitHub, since: int = 0) -> list[str]:
    return [f"{r.method} {r.path}" for r in github.requests[since:] if r.method != "GET"]


def set_values(github: FakeGitHub, **changes: Any) -> dict[str, str]:
    ctx = context(github, **changes)
    apply_run(ctx, plan_steps(ctx, [GitHubSecretsStep()]))
    return dict(ctx.outputs)


def remove_values(
    github: FakeGitHub,
    outputs: dict[str, str],
    options: TeardownOptions | None = None,
    **changes: Any,
) -> Any:
    ctx = context(github, outputs, **changes)
    step = next(s for s in teardown_steps(options) if s.number == 5)
    run = plan_steps(ctx, [step])
    apply_run(ctx, run)
    return run


def test_secrets_the_wizard_set_are_deleted_and_a_second_destroy_sends_nothing(
    github: FakeGitHub,
) -> None:
    outputs = set_values(github)
    before = len(github.requests)
    remove_values(github, outputs)
    base = f"/repos/{REPO}/actions/secrets"
    assert github_writes(github, before) == [
        f"DELETE {base}/AWS_ROLE_ARN",
        f"DELETE {base}/AWS_REGION",
    ]
    assert github.repos[REPO.lower()].secrets == {}
    before = len(github.requests)
    run = remove_values(github, outputs)
    assert github_writes(github, before) == []
    assert all(ch.action is Action.NOOP for ch in run.plans[0].changes)


def test_a_secret_changed_since_or_never_set_by_the_wizard_is_left(github: FakeGitHub) -> None:
    outputs = set_values(github)
    github.set_secret(REPO, "AWS_REGION", "eu-west-3")
    github.set_secret(REPO, "AWS_ACCESS_KEY_ID", "AKIA...")
    before = len(github.requests)
    run = remove_values(github, outputs)
    assert github_writes(github, before) == [f"DELETE /repos/{REPO}/actions/secrets/AWS_ROLE_ARN"]
    summaries = [ch.summary for ch in run.plans[0].changes]
    assert "left alone: it was changed after ecr-oidc-wizard set it" in summaries
    assert set(github.repos[REPO.lower()].secrets) == {"AWS_REGION", "AWS_ACCESS_KEY_ID"}

    before = len(github.requests)
    remove_values(github, {}, TeardownOptions(named=frozenset({"github-values"})))
    assert github_writes(github, before) == [f"DELETE /repos/{REPO}/actions/secrets/AWS_REGION"]


def test_variables_go_only_while_they_hold_what_the_wizard_set(github: FakeGitHub) -> None:
    outputs = set_values(github, github_values_as="variables")
    assert outputs["variable:AWS_REGION"].startswith("sha256:")
    github.repos[REPO.lower()].variables["AWS_REGION"] = "eu-west-3"
    before = len(github.requests)
    remove_values(github, outputs, github_values_as="variables")
    assert github_writes(github, before) == [f"DELETE /repos/{REPO}/actions/variables/AWS_ROLE_ARN"]
    assert github.repos[REPO.lower()].variables == {"AWS_REGION": "eu-west-3"}


def test_without_a_token_nothing_is_read_and_the_plan_says_what_stays(github: FakeGitHub) -> None:
    outputs = set_values(github)
    ctx = StepContext(settings=guide_settings(), aws=StaticAws())  # type: ignore[arg-type]
    ctx.outputs.update(outputs)
    step = next(s for s in teardown_steps() if s.number == 5)
    before = len(github.requests)
    run = plan_steps(ctx, [step])
    assert len(github.requests) == before
    (note,) = run.plans[0].notes
    assert "AWS_REGION, AWS_ROLE_ARN set by ecr-oidc-wizard stay" in note.text


def test_only_the_records_of_what_goes_are_forgotten(github: FakeGitHub) -> None:
    from wizard.teardown import records_removed

    outputs = set_values(github)
    github.set_secret(REPO, "AWS_REGION", "eu-west-3")
    run = remove_values(github, outputs)
    assert records_removed(run.results) == ["secret:AWS_ROLE_ARN"]
