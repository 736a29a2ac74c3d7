"""Step 6 against the local fake GitHub: dispatch, follow, and explain a failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_github import FAILING_STEP, FakeGitHub
from tests.helpers import StaticAws
from wizard.cli.github import ProgressPrinter
from wizard.github_api import GitHub, GitHubError
from wizard.plan import Action
from wizard.settings import Settings
from wizard.steps.base import Status, StepContext, StepResult
from wizard.steps.workflow_run import (
    RunProgress,
    WorkflowRunStep,
    log_tail,
    progress_text,
)
from wizard.workflow import render_workflow, workflow_spec

REPO = "octo-org/app"
WORKFLOW_PATH = ".github/workflows/build-eostat.yml"


class Clock:
    """Time that moves only when the step sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_repo(REPO)
    yield server
    server.stop()


def settings(**overrides: object) -> Settings:
    s = Settings(
        github_repo=REPO,
        ecr_repository="onyxia-eostat",
        role_name="GitHubActionsEOStatPush",
        region="us-east-1",
        workflow_file="build-eostat.yml",
    )
    for key, value in overrides.items():
        setattr(s, key, value)
    return s


def run_step(
    fake: FakeGitHub, *, timeout: float = 600, **overrides: object
) -> tuple[StepResult, list[RunProgress], Clock, StepContext]:
    s = settings(**overrides)
    ctx = StepContext(settings=s, aws=StaticAws(), github=GitHub(fake.token, fake.url))  # type: ignore[arg-type]
    seen: list[RunProgress] = []
    clock = Clock()
    step = WorkflowRunStep(
        on_progress=seen.append, sleep=clock.sleep, clock=clock, poll_interval=5, timeout=timeout
    )
    plan = step.plan(ctx, step.inspect(ctx))
    return step.apply(ctx, plan), seen, clock, ctx


def put_workflow(fake: FakeGitHub, **overrides: object) -> None:
    fake.put_file(REPO, WORKFLOW_PATH, render_workflow(workflow_spec(settings(**overrides))))


def test_a_successful_run_is_followed_to_the_end(fake: FakeGitHub) -> None:
    put_workflow(fake)
    result, seen, clock, ctx = run_step(fake)
    assert result.status is Status.DONE
    assert [c.operation for c in result.calls] == ["dispatch_workflow"]
    statuses = [p.status for p in seen]
    assert statuses[0] == "queued"
    assert "in_progress" in statuses
    assert statuses[-1] == "completed"
    assert seen[-1].conclusion == "success"
    run = fake.repos[REPO].runs[-1]
    assert result.outputs["run_url"] == f"https://github.example/{REPO}/actions/runs/{run.id}"
    assert ctx.outputs["run_conclusion"] == "success"
    assert all(s == 5 for s in clock.sleeps)
    # The in-progress state shows the job's steps.
    assert any(job.steps for p in seen for job in p.jobs if p.status == "in_progress")


def test_the_run_is_found_from_run_details_when_github_gives_them(fake: FakeGitHub) -> None:
    fake.return_run_details = True
    put_workflow(fake)
    result, _, _, _ = run_step(fake)
    assert result.status is Status.DONE
    assert not any("/actions/runs?" in p for p in fake.paths()[2:])


def test_an_older_run_is_not_mistaken_for_the_new_one(fake: FakeGitHub) -> None:
    put_workflow(fake)
    GitHub(fake.token, fake.url).dispatch_workflow("octo-org", "app", "build-eostat.yml", "main")
    older = fake.repos[REPO].runs[-1].id
    result, seen, _, _ = run_step(fake)
    assert seen[-1].run_id != older
    assert result.outputs["run_id"] == str(fake.repos[REPO].runs[-1].id)


def test_a_failed_run_is_explained_with_the_catalogues_guidance(fake: FakeGitHub) -> None:
    put_workflow(fake)
    fake.next_conclusion = "failure"
    fake.next_log = (
        "2025-11-30T10:00:01.0000000Z ##[group]Run aws-actions/configure-aws-credentials@v4\n"
        "2025-11-30T10:00:02.0000000Z ##[error]Could not load credentials from any providers\n"
    )
    result, seen, _, _ = run_step(fake)
    assert result.status is Status.FAILED
    assert seen[-1].conclusion == "failure"
    assert f"at step {FAILING_STEP!r}" in result.error
    assert "##[error]Could not load credentials from any providers" in result.error
    assert "2025-11-30T10" not in result.error  # log timestamps are dropped from the tail
    pytest.importorskip("wizard.troubleshoot")
    cases = [g.case for g in result.guidance]
    assert "credentials-not-loaded" in cases
    guidance = result.guidance[cases.index("credentials-not-loaded")]
    assert "id-token" in guidance.cause + guidance.fix


def test_assume_role_denied_is_explained(fake: FakeGitHub) -> None:
    put_workflow(fake)
    fake.next_conclusion = "failure"
    fake.next_log = "Error: Not authorized to perform sts:AssumeRoleWithWebIdentity\n"
    result, _, _, _ = run_step(fake)
    pytest.importorskip("wizard.troubleshoot")
    assert "assume-role-denied" in [g.case for g in result.guidance]


def test_a_run_that_outlasts_the_timeout_says_where_to_watch(fake: FakeGitHub) -> None:
    put_workflow(fake)
    result, seen, clock, _ = run_step(fake, timeout=4)
    assert result.status is Status.FAILED
    assert "still" in result.error
    assert "gh run watch" in result.error
    assert seen[-1].status != "completed"
    assert clock.now <= 10


def test_plan_warns_when_the_file_is_not_on_the_ref(fake: FakeGitHub) -> None:
    s = settings(workflow_ref="feature")
    ctx = StepContext(settings=s, aws=StaticAws(), github=GitHub(fake.token, fake.url))  # type: ignore[arg-type]
    step = WorkflowRunStep()
    plan = step.plan(ctx, step.inspect(ctx))
    assert plan.changes[0].action is Action.CREATE
    assert plan.calls[0].params["ref"] == "feature"
    text = " ".join(n.text for n in plan.notes)
    assert "not on 'feature'" in text
    assert "git push origin feature" in text


def test_plan_reports_the_known_mistakes_of_the_committed_file(fake: FakeGitHub) -> None:
    text = render_workflow(workflow_spec(settings())).replace("secrets.AWS_REGION", "vars.REGION")
    fake.put_file(REPO, WORKFLOW_PATH, text)
    ctx = StepContext(settings=settings(), aws=StaticAws(), github=GitHub(fake.token, fake.url))  # type: ignore[arg-type]
    step = WorkflowRunStep()
    plan = step.plan(ctx, step.inspect(ctx))
    assert any("aws-region" in n.text and "Fix:" in n.text for n in plan.notes)


def test_no_workflow_dispatch_trigger_is_a_clear_refusal(fake: FakeGitHub) -> None:
    fake.put_file(REPO, WORKFLOW_PATH, "on: push\njobs: {}\n")
    s = settings()
    ctx = StepContext(settings=s, aws=StaticAws(), github=GitHub(fake.token, fake.url))  # type: ignore[arg-type]
    step = WorkflowRunStep(sleep=lambda _: None)
    plan = step.plan(ctx, step.inspect(ctx))
    assert any("workflow_dispatch" in n.text for n in plan.notes)
    with pytest.raises(GitHubError) as caught:
        step.apply(ctx, plan)
    assert "Workflow does not have 'workflow_dispatch' trigger" in str(caught.value)
    assert "on: workflow_dispatch" in str(caught.value)


def test_without_a_token_the_plan_says_so() -> None:
    ctx = StepContext(settings=settings(), aws=StaticAws())  # type: ignore[arg-type]
    step = WorkflowRunStep()
    plan = step.plan(ctx, step.inspect(ctx))
    assert "Not checked with GitHub" in plan.notes[0].text


def test_progress_text_and_printer(fake: FakeGitHub) -> None:
    put_workflow(fake)
    fake.next_conclusion = "failure"
    _, seen, _, _ = run_step(fake)
    text = progress_text(seen[-1])
    assert text.startswith(f"Run {seen[-1].run_id}: failure")
    assert f"[FAILURE] {FAILING_STEP}" in text
    assert "[ok] Set up job" in text
    assert "[skipped] Log in to Amazon ECR" in text

    import io

    out = io.StringIO()
    printer = ProgressPrinter(out)
    for progress in seen:
        printer(progress)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(set(lines))


def test_log_tail_drops_timestamps() -> None:
    log = "2025-11-30T10:00:01.1234567Z one\n2025-11-30T10:00:02.1234567Z two\n"
    assert log_tail(log) == "one\ntwo"
