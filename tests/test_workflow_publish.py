"""The workflow reaches the repository: committed through the GitHub API on a new branch with
a pull request, or straight to a named branch; a missing permission is named. Real HTTP
against the local GitHub fake (tests/fake_github.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.fake_github import FakeGitHub
from tests.helpers import StaticAws
from wizard.action_pins import DEFAULT_PINS, DEPENDABOT_FILE, Pin, dependabot_config, resolve_pins
from wizard.github_api import GitHub, GitHubError
from wizard.plan import Action
from wizard.runner import apply_run, plan_steps
from wizard.settings import Settings
from wizard.steps.base import Status, StepContext
from wizard.steps.workflow_publish import WorkflowPublishStep
from wizard.workflow import render_workflow, workflow_spec

REPO = "octo-org/app"
WORKFLOW = ".github/workflows/build-app.yml"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_repo(REPO)
    yield server
    server.stop()


def context(fake: FakeGitHub) -> StepContext:
    settings = Settings(github_repo=REPO, ecr_repository="app", role_name="R", region="us-east-1")
    return StepContext(
        settings=settings, aws=StaticAws(), github=GitHub(fake.token, fake.url, max_retries=0)
    )


def publish(fake: FakeGitHub, step: WorkflowPublishStep) -> tuple[StepContext, object]:
    ctx = context(fake)
    run = plan_steps(ctx, [step])
    assert run.failed is None, run.failed
    apply_run(ctx, run)
    return ctx, run


def test_a_pull_request_with_the_workflow_and_dependabot(fake: FakeGitHub) -> None:
    ctx, run = publish(fake, WorkflowPublishStep())
    [result] = run.results  # type: ignore[attr-defined]
    assert result.status is Status.DONE
    repo = fake.repos[REPO]
    branch = "ecr-oidc-wizard/build-app"
    expected = render_workflow(workflow_spec(ctx.settings))
    assert repo.files[(branch, WORKFLOW)] == expected
    assert repo.files[(branch, DEPENDABOT_FILE)] == dependabot_config()
    # Nothing on the default branch until the pull request is merged.
    assert ("main", WORKFLOW) not in repo.files
    [pull] = repo.pulls
    assert (pull["head"]["ref"], pull["base"]["ref"]) == (branch, "main")
    assert result.outputs["pull_request_url"] == pull["html_url"]
    # Every write went through the plan: branch, two commits, the pull request.
    assert [c.operation for c in result.calls] == [
        "create_branch",
        "put_file",
        "put_file",
        "open_pull_request",
    ]


def test_publishing_again_changes_nothing_and_merge_brings_it_to_main(fake: FakeGitHub) -> None:
    publish(fake, WorkflowPublishStep())
    before = len(fake.paths())
    ctx = context(fake)
    again = plan_steps(ctx, [WorkflowPublishStep()])
    assert not again.has_changes
    assert "pull request #1" in again.plans[0].changes[0].summary
    assert all(p.method == "GET" for p in fake.requests[before:])
    publish(fake, WorkflowPublishStep(mode="merge"))
    repo = fake.repos[REPO]
    assert ("main", WORKFLOW) in repo.files
    assert repo.pulls[0]["merged"] is True
    done = plan_steps(context(fake), [WorkflowPublishStep()])
    assert done.plans[0].changes[0].action is Action.NOOP
    assert "already on the default branch" in done.plans[0].changes[0].summary


def test_straight_to_a_named_branch_updates_what_is_there(fake: FakeGitHub) -> None:
    fake.put_file(REPO, WORKFLOW, "name: old\n", ref="main")
    ctx = context(fake)
    run = plan_steps(ctx, [WorkflowPublishStep(mode="branch", branch="main", dependabot=False)])
    [change] = run.plans[0].changes
    assert change.action is Action.UPDATE
    assert "-name: old" in change.diff
    apply_run(ctx, run)
    assert fake.repos[REPO].files[("main", WORKFLOW)].startswith("# Made by ecr-oidc-wizard")
    assert fake.repos[REPO].pulls == []


def test_the_repositorys_own_dependabot_config_is_left_alone(fake: FakeGitHub) -> None:
    own = 'version: 2\nupdates:\n  - package-ecosystem: "pip"\n'
    fake.put_file(REPO, DEPENDABOT_FILE, own, ref="main")
    _, run = publish(fake, WorkflowPublishStep())
    repo = fake.repos[REPO]
    assert repo.files[("ecr-oidc-wizard/build-app", DEPENDABOT_FILE)] == own
    notes = " ".join(n.text for n in run.plans[0].notes)  # type: ignore[attr-defined]
    assert "left as it is" in notes and "github-actions" in notes


def test_a_token_without_the_workflows_permission_is_named(fake: FakeGitHub) -> None:
    fake.deny["workflows"] = 403  # GitHub answers such a write with 404 (see fake_github)
    ctx = context(fake)
    run = plan_steps(ctx, [WorkflowPublishStep()])
    apply_run(ctx, run)
    [result] = run.results
    assert result.status is Status.FAILED
    assert "'Workflows'" in result.error and "`workflow` scope" in result.error


def test_a_token_without_pull_requests_permission_is_named(fake: FakeGitHub) -> None:
    fake.deny["pull_requests"] = 403
    ctx = context(fake)
    with pytest.raises(GitHubError, match="'Pull requests'"):
        ctx.github.open_pull_request("octo-org", "app", head="x", base="main", title="t", body="")


def test_pins_resolve_through_the_api_within_the_major_version(fake: FakeGitHub) -> None:
    newer = "1" * 40
    checkout = fake.add_repo("actions/checkout")
    checkout.latest_release = "v7.0.2"
    checkout.tags["v7.0.2"] = ("tag", "a" * 40)
    checkout.tag_objects["a" * 40] = newer
    login = fake.add_repo("aws-actions/amazon-ecr-login")
    login.latest_release = "v3.0.0"  # another major version: the table's v2 pin stays
    github = GitHub(fake.token, fake.url, max_retries=0)
    pins, note = resolve_pins(github)
    by_action = {p.action: p for p in pins}
    assert by_action["actions/checkout"] == Pin("actions/checkout", "v7.0.2", newer)
    assert by_action["aws-actions/amazon-ecr-login"] == DEFAULT_PINS[2]
    # No such repository on this GitHub: the table's pin, and a note that says so.
    assert by_action["aws-actions/configure-aws-credentials"] == DEFAULT_PINS[1]
    assert "configure-aws-credentials" in note


def test_resolved_pins_reach_the_committed_workflow(fake: FakeGitHub) -> None:
    ctx = context(fake)
    pinned = Pin("actions/checkout", "v7.9.9", "2" * 40)
    ctx.reads["action-pins"] = (pinned, *DEFAULT_PINS[1:])
    run = plan_steps(ctx, [WorkflowPublishStep(dependabot=False)])
    apply_run(ctx, run)
    text = fake.repos[REPO].files[("ecr-oidc-wizard/build-app", WORKFLOW)]
    assert re.search(r"uses: actions/checkout@2{40} # v7\.9\.9", text)


def test_a_pull_request_merged_in_the_same_run_lets_step_6_run(fake: FakeGitHub) -> None:
    from wizard.steps.workflow_run import WorkflowRunStep

    ctx = context(fake)
    ctx.settings.run_poll_seconds = 0.0
    run = plan_steps(ctx, [WorkflowPublishStep(merge=True), WorkflowRunStep(sleep=lambda s: None)])
    assert run.failed is None, run.failed
    publish_plan, run_plan = run.plans
    assert publish_plan.changes[-1].calls[0].operation == "merge_pull_request_from"
    notes = [n.text for n in run_plan.notes]
    assert any("committed to 'main' earlier in this run" in t for t in notes), notes
    apply_run(ctx, run)
    assert [r.status for r in run.results] == [Status.DONE, Status.DONE], run.results
    assert fake.repos[REPO].pulls[0]["merged"] is True


def test_step_6_says_a_pull_request_must_be_merged_first(fake: FakeGitHub) -> None:
    from wizard.steps.workflow_run import WorkflowRunStep

    run = plan_steps(context(fake), [WorkflowPublishStep(), WorkflowRunStep()])
    warnings = [n.text for n in run.plans[1].notes]
    assert any("when its pull request is merged" in t for t in warnings), warnings
    assert not any("git push" in t for t in warnings)


def test_the_sandbox_repository_starts_without_the_workflow_and_step_6_commits_it() -> None:
    from wizard.sandbox.box import open_sandbox
    from wizard.steps.workflow_run import WorkflowRunStep

    with open_sandbox(run_seconds=0.2, chdir=False) as box:
        settings = box.settings()
        owner, repo = settings.github_repo.split("/")
        path = f".github/workflows/{settings.workflow_file}"
        assert box.github.file_text(owner, repo, path, "main") is None
        ctx = StepContext(settings=settings, aws=box.aws(settings.region), github=box.github)
        run = plan_steps(ctx, [WorkflowPublishStep()])
        apply_run(ctx, run)
        [pull] = box.github._repo(owner, repo).pulls
        assert pull["state"] == "open" and pull["html_url"].endswith("/pull/1")
        assert box.github.file_text(owner, repo, path, "main") is None
        merge = plan_steps(ctx, [WorkflowPublishStep(mode="merge")])
        apply_run(ctx, merge)
        assert box.github.file_text(owner, repo, path, "main") is not None
        # With steps 1-5 done, the merged workflow runs and pushes.
        from wizard.steps import all_steps

        ctx.settings.run_poll_seconds = 0.05
        steps = [*list(all_steps())[:5], WorkflowRunStep()]
        ran = plan_steps(ctx, steps)
        apply_run(ctx, ran)
        assert [r.status for r in ran.results][-1] is Status.DONE, ran.results[-1].error


def test_the_workflow_command_commits_it_and_names_a_missing_scope(
    monkeypatch: pytest.MonkeyPatch, workdir: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fake_github import isolated_fake
    from wizard.cli import main

    with isolated_fake(monkeypatch, token="ghp_publish", repos=[REPO]) as server:
        monkeypatch.setenv("GH_TOKEN", "ghp_publish")
        argv = [
            "workflow",
            "--publish",
            "pull-request",
            "--yes",
            "--github-repo",
            REPO,
            "--ecr-repository",
            "app",
            "--region",
            "us-east-1",
            "--github-api-url",
            server.url,
        ]
        # A classic token without the `workflow` scope: refused before anything is sent.
        server.oauth_scopes = "repo"
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "`workflow` scope" in err
        assert not [r for r in server.requests if r.method != "GET"]
        server.oauth_scopes = "repo, workflow"
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "Pull request: https://github.example/octo-org/app/pull/1" in out
        assert ("ecr-oidc-wizard/build-app", WORKFLOW) in server.repos[REPO].files
