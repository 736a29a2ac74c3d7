"""Step 5 against the local fake GitHub: what GitHub ends up holding, decrypted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fake_github import FakeGitHub
from tests.helpers import StaticAws
from wizard.github_api import GitHub, GitHubError
from wizard.plan import Action, Severity, StepPlan
from wizard.settings import Settings
from wizard.steps.base import Status, StepContext, StepResult
from wizard.steps.github_secrets import (
    GitHubSecretsStep,
    fingerprint,
    fingerprint_key,
    secret_name_errors,
)

REPO = "octo-org/app"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/GitHubActionsEOStatPush"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_repo(REPO)
    yield server
    server.stop()


def context(gh: GitHub | None, **overrides: object) -> StepContext:
    settings = Settings(
        github_repo=REPO,
        ecr_repository="onyxia-eostat",
        role_name="GitHubActionsEOStatPush",
        region="eu-west-1",
    )
    for key, value in overrides.items():
        setattr(settings, key, value)
    return StepContext(settings=settings, aws=StaticAws("eu-west-1"), github=gh)  # type: ignore[arg-type]


def run(ctx: StepContext) -> tuple[StepPlan, StepResult]:
    step = GitHubSecretsStep()
    plan = step.plan(ctx, step.inspect(ctx))
    return plan, step.apply(ctx, plan)


@pytest.mark.parametrize("ghes", [False, True], ids=["github.com", "ghes"])
def test_apply_leaves_two_secrets_that_decrypt_to_the_arn_and_region(
    fake: FakeGitHub, ghes: bool
) -> None:
    gh = GitHub(fake.token, fake.ghes_url if ghes else fake.url)
    ctx = context(gh)
    _, result = run(ctx)
    assert fake.repos[REPO].secrets == {"AWS_ROLE_ARN": ROLE_ARN, "AWS_REGION": "eu-west-1"}
    assert result.status is Status.DONE
    assert [c.operation for c in ctx.sent] == ["put_secret", "put_secret"]
    if ghes:
        assert all(p.startswith("/api/v3/") for p in fake.paths())


def test_plan_holds_the_plaintext_but_never_shows_it(fake: FakeGitHub) -> None:
    ctx = context(GitHub(fake.token, fake.url))
    step = GitHubSecretsStep()
    plan = step.plan(ctx, step.inspect(ctx))
    call = plan.calls[0]
    assert call.params["value"] == ROLE_ARN
    assert call.redact == ("value",)
    assert call.to_json()["params"]["value"] == "***"


def test_nothing_plaintext_goes_over_the_wire(fake: FakeGitHub) -> None:
    ctx = context(GitHub(fake.token, fake.url))
    run(ctx)
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert len(puts) == 2
    assert all(b"eu-west-1" not in r.body and b"arn:aws" not in r.body for r in puts)


def test_existing_secrets_are_updates_with_a_note_they_cannot_be_read(fake: FakeGitHub) -> None:
    fake.repos[REPO].secrets = {"AWS_ROLE_ARN": "old", "AWS_REGION": "us-east-1"}
    ctx = context(GitHub(fake.token, fake.url))
    plan, _ = run(ctx)
    assert [c.action for c in plan.changes] == [Action.UPDATE, Action.UPDATE]
    assert "cannot be read back" in plan.changes[0].summary
    assert fake.repos[REPO].secrets["AWS_REGION"] == "eu-west-1"


def test_variables_are_created_then_left_alone_then_updated(fake: FakeGitHub) -> None:
    gh = GitHub(fake.token, fake.url)
    plan, _ = run(context(gh, github_values_as="variables"))
    assert fake.repos[REPO].variables == {"AWS_ROLE_ARN": ROLE_ARN, "AWS_REGION": "eu-west-1"}
    assert fake.repos[REPO].secrets == {}
    assert [c.action for c in plan.changes] == [Action.CREATE, Action.CREATE]

    plan, result = run(context(gh, github_values_as="variables"))
    assert [c.action for c in plan.changes] == [Action.NOOP, Action.NOOP]
    assert result.status is Status.UNCHANGED

    plan, _ = run(context(gh, github_values_as="variables", region="us-west-2"))
    region_change = plan.changes[1]
    assert region_change.action is Action.UPDATE
    assert "- AWS_REGION: eu-west-1" in region_change.diff
    assert fake.repos[REPO].variables["AWS_REGION"] == "us-west-2"


def test_same_name_as_secret_and_variable_is_called_out(fake: FakeGitHub) -> None:
    fake.repos[REPO].secrets = {"AWS_REGION": "x", "AWS_ACCESS_KEY_ID": "AKIA..."}
    ctx = context(GitHub(fake.token, fake.url), github_values_as="variables")
    step = GitHubSecretsStep()
    plan = step.plan(ctx, step.inspect(ctx))
    texts = " ".join(n.text for n in plan.notes)
    assert "AWS_REGION also exists as a secret" in texts
    assert "AWS_ACCESS_KEY_ID" in texts and "long-lived" in texts


def test_without_a_token_the_plan_says_nothing_was_checked() -> None:
    ctx = context(None)
    step = GitHubSecretsStep()
    plan = step.plan(ctx, step.inspect(ctx))
    assert [c.action for c in plan.changes] == [Action.CREATE, Action.CREATE]
    assert any(
        n.severity is Severity.WARNING and "Not checked with GitHub" in n.text for n in plan.notes
    )


def test_public_repository_uses_us_east_1(fake: FakeGitHub) -> None:
    ctx = context(GitHub(fake.token, fake.url), public=True)
    run(ctx)
    assert fake.repos[REPO].secrets["AWS_REGION"] == "us-east-1"


def test_missing_secrets_permission_is_named_before_anything_is_sent(fake: FakeGitHub) -> None:
    fake.deny["secrets"] = 403
    ctx = context(GitHub(fake.token, fake.url))
    with pytest.raises(GitHubError) as caught:
        GitHubSecretsStep().inspect(ctx)
    assert "'Secrets'" in str(caught.value)
    assert ctx.sent == []


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("AWS_ROLE_ARN", True),
        ("aws_region_2", True),
        ("GITHUB_TOKEN", False),
        ("github_x", False),
        ("2FAST", False),
        ("AWS-REGION", False),
        ("", False),
    ],
)
def test_secret_names(name: str, ok: bool) -> None:
    assert (secret_name_errors(name) == []) is ok


def test_a_variables_only_token_is_enough_for_variables(fake: FakeGitHub) -> None:
    fake.deny["secrets"] = 403
    ctx = context(GitHub(fake.token, fake.url), github_values_as="variables")
    run(ctx)
    assert set(fake.repos[REPO].variables) == {"AWS_ROLE_ARN", "AWS_REGION"}


# --- re-running: fingerprints instead of values -----------------------------------------------


def puts(fake: FakeGitHub) -> list[str]:
    return [r.path for r in fake.requests if r.method != "GET"]


def test_a_first_apply_records_a_fingerprint_per_secret(fake: FakeGitHub) -> None:
    ctx = context(GitHub(fake.token, fake.url))
    _, result = run(ctx)
    assert len(puts(fake)) == 2
    assert result.status is Status.DONE
    for name, value in (("AWS_ROLE_ARN", ROLE_ARN), ("AWS_REGION", "eu-west-1")):
        recorded = ctx.outputs[fingerprint_key(name)]
        # GitHub's date for the write, read back right after it.
        assert recorded == fingerprint(value, fake.repos[REPO].secret_dates[name])
        assert recorded.startswith("sha256:" + hashlib.sha256(value.encode()).hexdigest() + "@")
        assert value not in recorded


def test_a_second_apply_sends_nothing(fake: FakeGitHub) -> None:
    gh = GitHub(fake.token, fake.url)
    first = context(gh)
    run(first)
    before = len(puts(fake))
    again = context(gh)
    again.outputs.update(first.outputs)
    plan, result = run(again)
    assert [c.action for c in plan.changes] == [Action.NOOP, Action.NOOP]
    assert "set by ecr-oidc-wizard on" in plan.changes[0].summary
    assert "unchanged since" in plan.changes[0].summary
    assert result.status is Status.UNCHANGED
    assert puts(fake)[before:] == [] and again.sent == []
    # The fingerprints stay in this run's outputs, so remembering them again keeps them.
    key = fingerprint_key("AWS_REGION")
    assert plan.outputs[key] == first.outputs[key]


def test_a_secret_someone_else_set_again_is_sent_again(fake: FakeGitHub) -> None:
    gh = GitHub(fake.token, fake.url)
    first = context(gh)
    run(first)
    when = fake.set_secret(REPO, "AWS_ROLE_ARN", "arn:aws:iam::999999999999:role/Other")
    again = context(gh)
    again.outputs.update(first.outputs)
    plan, _ = run(again)
    assert [c.action for c in plan.changes] == [Action.UPDATE, Action.NOOP]
    summary = plan.changes[0].summary
    assert f"changed on {when[:10]}" in summary and "cannot be read back" in summary
    assert fake.repos[REPO].secrets["AWS_ROLE_ARN"] == ROLE_ARN
    # The new write has a new fingerprint; the next run is quiet again.
    third = context(gh)
    third.outputs.update(again.outputs)
    plan, _ = run(third)
    assert [c.action for c in plan.changes] == [Action.NOOP, Action.NOOP]


def test_a_new_region_updates_the_region_secret_only(fake: FakeGitHub) -> None:
    gh = GitHub(fake.token, fake.url)
    first = context(gh)
    run(first)
    before = len(puts(fake))
    again = context(gh, region="us-west-2")
    again.outputs.update(first.outputs)
    plan, _ = run(again)
    assert [c.action for c in plan.changes] == [Action.NOOP, Action.UPDATE]
    assert "value differs" in plan.changes[1].summary
    assert len(puts(fake)) == before + 1
    assert fake.repos[REPO].secrets["AWS_REGION"] == "us-west-2"


def test_a_secret_without_a_fingerprint_is_sent_again(fake: FakeGitHub) -> None:
    fake.repos[REPO].secrets = {"AWS_ROLE_ARN": ROLE_ARN, "AWS_REGION": "eu-west-1"}
    ctx = context(GitHub(fake.token, fake.url))
    step = GitHubSecretsStep()
    plan = step.plan(ctx, step.inspect(ctx))
    assert [c.action for c in plan.changes] == [Action.UPDATE, Action.UPDATE]
    assert "no record of setting it" in plan.changes[0].summary


def test_a_failed_date_read_keeps_the_write_and_drops_the_fingerprint(fake: FakeGitHub) -> None:
    gh = GitHub(fake.token, fake.url)
    ctx = context(gh)
    ctx.outputs[fingerprint_key("AWS_REGION")] = "sha256:00@2024-01-02T03:04:05Z"
    step = GitHubSecretsStep()
    plan = step.plan(ctx, step.inspect(ctx))
    original = fake._route

    def no_secret_reads(
        method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path.endswith(("/AWS_ROLE_ARN", "/AWS_REGION")):
            return 404, {"message": "Not Found"}, {}
        return original(method, path, query, body)

    fake._route = no_secret_reads  # type: ignore[method-assign]
    result = step.apply(ctx, plan)
    assert result.status is Status.DONE
    assert fake.repos[REPO].secrets["AWS_REGION"] == "eu-west-1"
    assert not [k for k in ctx.outputs if k.startswith("secret:")]
