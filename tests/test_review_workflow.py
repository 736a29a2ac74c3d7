"""Review findings on the GitHub side: the run step 6 starts must be one the role admits
(environment, branches, tags), every build gets a new immutable tag, every flag is checked
before anything is sent, GitHub's answers are checked too, POSTs are never repeated after a
5xx, the token never travels over plain http beyond loopback, and the sandbox refuses --public.
"""

from __future__ import annotations

import email.message
import io
import time
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from wizard.cli import main
from wizard.cli.github import verify_command, wire_github
from wizard.cli.sandbox import seed
from wizard.github_api import GitHub, GitHubError, api_url_problem
from wizard.github_session import GitHubUsageError, attach_github, github_errors
from wizard.sandbox import box as sandbox_box
from wizard.sandbox import guard
from wizard.sandbox.box import open_sandbox
from wizard.settings import Settings
from wizard.steps.base import Status, StepContext
from wizard.steps.workflow_run import WorkflowRunStep, WorkflowState, dispatch_sub
from wizard.verify import Image, verification
from wizard.workflow import (
    IMMUTABLE_TAG,
    job_environment,
    render_workflow,
    workflow_notes,
    workflow_spec,
)

REPO = "octo-org/hello-ecr"


@pytest.fixture
def quick_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sandbox_box, "RUN_SECONDS", 0.6)
    monkeypatch.setattr(sandbox_box, "POLL_SECONDS", 0.1)
    yield
    assert not guard.active(), "a sandbox was left open"


def settings(**overrides: Any) -> Settings:
    base = Settings(
        github_repo=REPO,
        ecr_repository="hello-ecr",
        role_name="GitHubActionsHelloEcr",
        region="us-east-1",
    )
    return replace(base, **overrides)


def rendered(s: Settings) -> dict[Any, Any]:
    document = yaml.safe_load(render_workflow(workflow_spec(s)))
    assert isinstance(document, dict)
    return document


# --- M4: the workflow follows the scope; step 6 checks the run's token ------------------------


def test_one_environment_is_rendered_on_the_job() -> None:
    document = rendered(settings(environments=["prod"]))
    assert document["jobs"]["build-and-push"]["environment"] == "prod"
    assert job_environment(render_workflow(workflow_spec(settings(environments=["prod"])))) == (
        "prod"
    )
    assert "environment" not in rendered(settings())["jobs"]["build-and-push"]


def test_several_environments_use_the_first_and_say_so() -> None:
    s = settings(environments=["staging", "prod"])
    assert rendered(s)["jobs"]["build-and-push"]["environment"] == "staging"
    notes = " ".join(workflow_notes(s))
    assert "'staging'" in notes and "'prod'" in notes and "--environment" in notes


def test_push_triggers_follow_the_branches_and_tags() -> None:
    assert rendered(settings())[True]["push"] == {"branches": ["main"]}
    on = rendered(settings(branches=["dev", "release/*"], tags=["v*"]))[True]
    # GitHub's `**` is what IAM's `*` means (it crosses '/').
    assert on["push"] == {"branches": ["dev", "release/**"], "tags": ["v**"]}
    assert rendered(settings(tags=["v*"]))[True]["push"] == {"tags": ["v**"]}
    assert rendered(settings(default_branch="trunk"))[True]["push"] == {"branches": ["trunk"]}
    # any_ref admits everything: building on the default branch is enough.
    assert rendered(settings(any_ref=True, branches=["x"]))[True]["push"] == {"branches": ["main"]}


def test_job_environment_reads_names_and_refuses_expressions() -> None:
    text = render_workflow(workflow_spec(settings()))
    assert job_environment(text) == ""
    with_map = text.replace("    runs-on:", "    environment:\n      name: prod\n    runs-on:")
    assert job_environment(with_map) == "prod"
    expr = text.replace("    runs-on:", "    environment: ${{ inputs.env }}\n    runs-on:")
    assert job_environment(expr) is None


def test_dispatch_sub_follows_the_repositorys_format() -> None:
    assert dispatch_sub(settings(), "main", "") == f"repo:{REPO}:ref:refs/heads/main"
    assert dispatch_sub(settings(), "main", "prod") == f"repo:{REPO}:environment:prod"
    assert dispatch_sub(settings(tags=["v*"]), "v1", "") == f"repo:{REPO}:ref:refs/tags/v1"
    assert dispatch_sub(settings(), "refs/tags/v1", "") == f"repo:{REPO}:ref:refs/tags/v1"
    immutable = settings(subject_format="immutable", owner_id="11", repo_id="22")
    assert dispatch_sub(immutable, "main", "") == (
        "repo:octo-org@11/hello-ecr@22:ref:refs/heads/main"
    )
    reordered = settings(sub_claim_keys=["context", "repo"])
    assert dispatch_sub(reordered, "main", "") == f"ref:refs/heads/main:repo:{REPO}"
    # Claims the wizard cannot know before the run: no verdict rather than a wrong one.
    assert dispatch_sub(settings(sub_claim_keys=["repo", "job_workflow_ref"]), "main", "") is None


@dataclass(frozen=True)
class _Identity:
    account_id: str = "123456789012"
    arn: str = "arn:aws:iam::123456789012:user/me"
    partition: str = "aws"


class _NoRoleAws:
    """An AWS whose role cannot be read: the check uses the policy step 3 would set."""

    region = "us-east-1"

    def identity(self) -> _Identity:
        return _Identity()


def _plan(s: Settings, observed: WorkflowState, *, refuse: bool = False) -> Any:
    ctx = StepContext(settings=s, aws=_NoRoleAws())  # type: ignore[arg-type]
    step = WorkflowRunStep()
    step.refuse_denied = refuse
    return step.plan(ctx, observed)


def test_plan_warns_with_danger_when_the_role_would_refuse_the_run() -> None:
    observed = WorkflowState(checked=True, ref="main", on_ref=True, environment="")
    plan = _plan(settings(environments=["prod"]), observed)
    # The committed file has no environment: its token says ref:refs/heads/main.
    danger = [n.text for n in plan.notes if n.severity == "danger"]
    assert danger and "refs/heads/main" in danger[0] and "`environment: prod`" in danger[0]
    ok = WorkflowState(checked=True, ref="main", on_ref=True, environment="prod")
    assert not [
        n for n in _plan(settings(environments=["prod"]), ok).notes if n.severity == "danger"
    ]


def test_plan_under_apply_refuses_instead_of_warning() -> None:
    from wizard.steps.workflow_run import DispatchRefused

    observed = WorkflowState(checked=True, ref="dev", on_ref=True, environment="")
    with pytest.raises(DispatchRefused, match="--ref"):
        _plan(settings(), observed, refuse=True)


def test_scope_on_other_branches_runs_step_6_there() -> None:
    ctx = StepContext(settings=settings(branches=["dev"]), aws=_NoRoleAws())  # type: ignore[arg-type]
    assert WorkflowRunStep().ref(ctx) == "dev"
    ctx.settings = settings(branches=["main", "dev"])
    assert WorkflowRunStep().ref(ctx) == "main"
    ctx.settings = settings(branches=["dev"], workflow_ref="feature")
    assert WorkflowRunStep().ref(ctx) == "feature"


def test_sandbox_environment_run_succeeds(
    quick_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before the fix: the job had no environment, so the role (environment:prod) refused it.
    assert main(["apply", "--sandbox", "--environment", "prod", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "✓ done      Step 6 · " in out and ": success" in out


def test_sandbox_branch_scope_runs_on_that_branch(
    quick_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--sandbox", "--branch", "dev", "--yes"]) == 0
    assert "✓ done      Step 6 · " in capsys.readouterr().out


def test_sandbox_tag_scope_refuses_a_dispatch_on_the_default_branch(
    quick_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--sandbox", "--tag", "v1", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "refs/heads/main" in err and "--ref" in err and "Nothing was sent" in err


def test_the_simulated_runner_still_refuses_a_token_the_role_does_not_admit(
    quick_runs: None,
) -> None:
    with open_sandbox() as box:
        s = box.settings()
        seed(box, s)
        # The simulated repository starts without the workflow and step 6 merges it into main
        # only: put it on dev as well, as a person would before running it there.
        box.commit_workflow(s)
        found = box.github.dispatch_workflow("octo-org", "hello-ecr", s.workflow_file, "dev")
        run_id = int(found["workflow_run_id"])
        deadline = time.monotonic() + 10
        while box.github.run("octo-org", "hello-ecr", run_id)["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        log = box.github.job_logs("octo-org", "hello-ecr", run_id + 1)
    assert "Not authorized to perform sts:AssumeRoleWithWebIdentity" in log
    assert "refs/heads/dev" in log


# --- M5: a new immutable tag per build ------------------------------------------------------


def test_step_6_can_run_again_the_same_day(quick_runs: None) -> None:
    with open_sandbox() as box:
        s = box.settings()
        seed(box, s)  # steps 1-6: one build
        ctx = StepContext(settings=s, aws=box.aws(s.region), github=box.github)
        step = WorkflowRunStep(poll_interval=0.05, timeout=30)
        result = step.apply(ctx, step.plan(ctx, step.inspect(ctx)))
        assert result.status is Status.DONE, result.error
        images = box.aws(s.region).ecr.describe_images(repositoryName=s.ecr_repository)
    tags = sorted(t for i in images["imageDetails"] for t in i.get("imageTags", []))
    immutable = [t for t in tags if t != "latest"]
    assert len(immutable) == 2 and all(IMMUTABLE_TAG.match(t) for t in immutable)
    assert {IMMUTABLE_TAG.match(t).group("run") for t in immutable} == {"1", "2"}  # type: ignore[union-attr]


def test_verify_knows_the_new_tag_and_picks_the_newest_run() -> None:
    day = datetime(2025, 11, 30, tzinfo=UTC)
    first = Image("sha256:a", ("0.1.0-20251130-8c5f394-r1",), day)
    second = Image("sha256:b", ("0.1.0-20251130-8c5f394-r2", "latest"), day)
    result = verification("r", [first, second])
    assert result.immutable_tag == "0.1.0-20251130-8c5f394-r2" and result.same_digest
    match = IMMUTABLE_TAG.match("1.2-20251130-8c5f394-r12.3")
    assert match and match.group("run") == "12" and match.group("attempt") == "3"
    old = IMMUTABLE_TAG.match("0.1.0-20251130-8c5f394")  # the guide's shape, older workflows
    assert old and old.group("version") == "0.1.0" and old.group("run") is None


def test_workflow_tag_has_the_run_number_and_a_length_check() -> None:
    script = rendered(settings())["jobs"]["build-and-push"]["steps"][3]["run"]
    assert "-r${GITHUB_RUN_NUMBER}" in script and "GITHUB_RUN_ATTEMPT" in script
    assert '"${#TAG}" -gt 128' in script


# --- SF2: every flag of the workflow and --ref, before anything is sent ------------------------


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--image-version", ".bad"], "--image-version"),
        (["--ref", "a b"], "--ref"),
        (["--ref", "main..x"], "--ref"),
        (["--dockerfile", "a b"], "--dockerfile"),
        (["--build-context", "$(x)"], "--build-context"),
        # Surrounding spaces are stripped (issue 13), so " " means the default name; a name of
        # two lines is still refused.
        (["--workflow-name", "a\nb"], "--workflow-name"),
    ],
)
def test_plan_and_apply_refuse_bad_workflow_flags(
    flags: list[str], named: str, quick_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("plan", "apply"):
        assert main([command, "--sandbox", "--only", "6", *flags]) == 2
        err = capsys.readouterr().err
        assert named in err and "Nothing was sent" in err


def test_github_errors_accept_good_refs_and_name_workflow_ref() -> None:
    assert github_errors(settings(workflow_ref="release/1.2"), [6]) == []
    assert github_errors(settings(workflow_ref="refs/tags/v1"), [6]) == []
    (error,) = github_errors(settings(workflow_ref="a b"), [6])
    assert "workflow_ref" in error  # the plain wizard matches answers by field name


# --- SF4: GitHub's answers are checked like typed input ----------------------------------------


class _LyingGitHub:
    def __init__(self, **repo: Any) -> None:
        self.answer = {"id": 7, "full_name": REPO, "owner": {"id": 9}, "default_branch": "main"}
        self.answer.update(repo)

    def repository(self, owner: str, repo: str) -> dict[str, Any]:
        return dict(self.answer)

    def oidc_sub_customization(self, owner: str, repo: str) -> dict[str, Any]:
        return {"use_default": True}

    def check_access(self, *args: Any) -> list[Any]:
        return []


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"default_branch": "bad..branch"}, "branch"),
        ({"default_branch": "has space"}, "branch"),
        ({"id": "x1"}, "repo_id"),
        ({"full_name": "octo-org/bad name"}, "repository name"),
    ],
)
def test_an_invalid_answer_from_github_stops_with_exit_2(
    answer: dict[str, Any], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = StepContext(settings=settings(), aws=_NoRoleAws())  # type: ignore[arg-type]
    steps = [WorkflowRunStep()]
    with pytest.raises(GitHubUsageError, match="GitHub"):
        attach_github(ctx, steps, required=True, github=_LyingGitHub(**answer))
    assert ctx.settings.default_branch == "main"  # the answer was not applied
    code = wire_github(ctx, steps, applying=True, github=_LyingGitHub(**answer))
    assert code == 2
    err = capsys.readouterr().err
    assert "error: GitHub:" in err and field in err


# --- SF7: no POST is sent twice after a 5xx ----------------------------------------------------


class _Failing:
    def __init__(self, status: int) -> None:
        self.status = status
        self.sent: list[str] = []

    def __call__(self, request: Any, timeout: float) -> Any:
        self.sent.append(request.get_method())
        headers = email.message.Message()
        body = io.BytesIO(b'{"message": "Server Error"}')
        raise urllib.error.HTTPError(request.full_url, self.status, "err", headers, body)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_on_a_post_is_not_retried(status: int) -> None:
    opener = _Failing(status)
    gh = GitHub("t", "https://api.github.com", sleep=lambda _: None, opener=opener)
    with pytest.raises(GitHubError, match="not sent again"):
        gh.dispatch_workflow("o", "r", "build.yml", "main")
    assert opener.sent == ["POST"]
    opener.sent.clear()
    with pytest.raises(GitHubError):
        gh.create_variable("o", "r", "AWS_REGION", "us-east-1")
    assert opener.sent == ["POST"]


def test_a_5xx_on_a_get_is_still_retried() -> None:
    opener = _Failing(502)
    gh = GitHub("t", "https://api.github.com", sleep=lambda _: None, opener=opener)
    with pytest.raises(GitHubError):
        gh.repository("o", "r")
    assert opener.sent == ["GET"] * 4


# --- M3: plain http only on loopback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.example.com/api/v3", True),
        ("http://127.0.0.1:8080", True),
        ("http://127.3.4.5", True),
        ("http://localhost:9/api/v3", True),
        ("http://[::1]:9", True),
        ("http://github.example.com/api/v3", False),
        ("http://10.0.0.1", False),
        ("ftp://github.example.com", False),
        ("https://", False),
    ],
)
def test_http_is_for_loopback_only(url: str, ok: bool) -> None:
    assert (api_url_problem(url) == "") is ok
    errors = github_errors(settings(github_api_url=url), [5, 6])
    assert (not [e for e in errors if "--github-api-url" in e]) is ok


def test_the_environments_api_url_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "http://github.example.com/api/v3")
    errors = github_errors(settings(), [6])
    assert any("GITHUB_API_URL" in e and "unencrypted" in e for e in errors)


def test_the_client_never_sends_the_token_over_plain_http() -> None:
    sent: list[Any] = []
    gh = GitHub("t", "http://github.example.com/api/v3", opener=lambda r, t: sent.append(r))
    with pytest.raises(GitHubError, match="unencrypted"):
        gh.repository("o", "r")
    assert sent == []


# --- SF9: the sandbox and --public -------------------------------------------------------------


def test_sandbox_refuses_public_with_exit_2(
    quick_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--sandbox", "--public", "--yes"]) == 2
    captured = capsys.readouterr()
    assert "--public" in captured.err and "ecr-public" in captured.err
    assert "Traceback" not in captured.err + captured.out


class _PublicAws:
    def __init__(self, uri: str | None) -> None:
        self.uri = uri

    def identity(self) -> _Identity:
        return _Identity()

    @property
    def ecr_public(self) -> Any:
        outer = self

        class Client:
            def describe_images(self, **kwargs: Any) -> dict[str, Any]:
                return {"imageDetails": []}

            def describe_repositories(self, **kwargs: Any) -> dict[str, Any]:
                if outer.uri is None:
                    raise RuntimeError("RepositoryNotFoundException")
                return {"repositories": [{"repositoryUri": outer.uri}]}

        return Client()


def test_verify_public_without_a_remembered_uri_reads_it_or_says_it_is_unknown() -> None:
    s = settings(public=True)
    out, err = io.StringIO(), io.StringIO()
    uri = "public.ecr.aws/a1b2c3d4/hello-ecr"
    verify_command(s, aws=_PublicAws(uri), out=out, err=err)
    # No image there yet: said as such, with the public URI that was read.
    assert f"Nothing pushed yet to {uri}." in out.getvalue()
    assert "dkr.ecr" not in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert verify_command(s, aws=_PublicAws(None), out=out, err=err) == 1
    assert "unknown" in err.getvalue() and "step 1" in err.getvalue()
    assert "dkr.ecr" not in out.getvalue() + err.getvalue()
