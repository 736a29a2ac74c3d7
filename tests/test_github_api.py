"""The GitHub seam against the local fake: headers, GHES base, rate limits, refusals."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.fake_github import FakeGitHub, rate_limited
from wizard.github_api import (
    API_VERSION,
    GitHub,
    GitHubError,
    api_url_from,
    permission_for,
    web_url_from,
)

REPO = "octo-org/app"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_repo(REPO)
    yield server
    server.stop()


def client(fake: FakeGitHub, *, ghes: bool = False, sleeps: list[float] | None = None) -> GitHub:
    record = sleeps if sleeps is not None else []
    return GitHub(fake.token, fake.ghes_url if ghes else fake.url, sleep=record.append)


@pytest.mark.parametrize("ghes", [False, True])
def test_every_request_sends_the_api_headers(fake: FakeGitHub, ghes: bool) -> None:
    gh = client(fake, ghes=ghes)
    assert gh.repository("octo-org", "app")["full_name"] == REPO
    sent = fake.requests[-1]
    assert sent.headers["accept"] == "application/vnd.github+json"
    assert sent.headers["x-github-api-version"] == API_VERSION == "2022-11-28"
    assert sent.path.startswith("/api/v3/repos/" if ghes else "/repos/")


def test_api_url_comes_from_the_flag_then_the_environment() -> None:
    env = {"GITHUB_API_URL": "https://ghe.example.com/api/v3/"}
    assert api_url_from("", env) == "https://ghe.example.com/api/v3"
    assert api_url_from("https://other/api/v3", env) == "https://other/api/v3"
    assert api_url_from("", {}) == "https://api.github.com"
    assert web_url_from("https://api.github.com") == "https://github.com"
    assert web_url_from("https://ghe.example.com/api/v3") == "https://ghe.example.com"


def test_rate_limit_is_waited_out_then_retried(fake: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh = client(fake, sleeps=sleeps)
    fake.queued_answers += [rate_limited(5), (429, {"retry-after": "2"}, {"message": "slow"})]
    assert gh.repository("octo-org", "app")["id"]
    assert len(sleeps) == 2
    assert 1 <= sleeps[0] <= 7
    assert sleeps[1] == 2


def test_rate_limit_retries_are_bounded(fake: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh = client(fake, sleeps=sleeps)
    fake.queued_answers += [(429, {"retry-after": "1"}, {"message": "slow down"})] * 10
    with pytest.raises(GitHubError) as caught:
        gh.repository("octo-org", "app")
    assert len(sleeps) == gh.max_retries == 3
    assert "rate limit" in str(caught.value)


def test_a_long_reset_is_not_slept_through(fake: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh = client(fake, sleeps=sleeps)
    fake.queued_answers.append(rate_limited(3600))
    with pytest.raises(GitHubError) as caught:
        gh.repository("octo-org", "app")
    assert sleeps == []
    assert "resets in about 60 minute" in str(caught.value)


def test_bad_token_is_a_clear_401(fake: FakeGitHub) -> None:
    gh = GitHub("wrong-token", fake.url, sleep=lambda _: None)
    with pytest.raises(GitHubError) as caught:
        gh.repository("octo-org", "app")
    assert caught.value.status == 401
    assert "expired or revoked" in str(caught.value)
    assert "wrong-token" not in str(caught.value)


@pytest.mark.parametrize(
    ("denied", "call", "label"),
    [
        ("secrets", lambda gh: gh.secret_public_key("octo-org", "app"), "'Secrets'"),
        ("variables", lambda gh: gh.list_variables("octo-org", "app"), "'Variables'"),
        ("actions", lambda gh: gh.list_runs("octo-org", "app"), "'Actions'"),
        (
            "secrets",
            lambda gh: gh.put_secret("octo-org", "app", "AWS_REGION", "x"),
            "'Secrets'",
        ),
    ],
)
def test_403_names_the_missing_permission(fake: FakeGitHub, denied: str, call, label) -> None:  # type: ignore[no-untyped-def]
    fake.deny[denied] = 403
    with pytest.raises(GitHubError) as caught:
        call(client(fake))
    assert caught.value.status == 403
    assert caught.value.permission == denied
    assert label in str(caught.value)


def test_write_refusal_asks_for_read_and_write(fake: FakeGitHub) -> None:
    gh = client(fake)
    gh.secret_public_key("octo-org", "app")  # key cached: the PUT itself is refused
    fake.deny["secrets"] = 403
    with pytest.raises(GitHubError) as caught:
        gh.put_secret("octo-org", "app", "AWS_REGION", "eu-west-1")
    assert "write access to 'secrets'" in str(caught.value)
    assert "Read and write" in str(caught.value)


def test_404_explains_private_repositories(fake: FakeGitHub) -> None:
    with pytest.raises(GitHubError) as caught:
        client(fake).repository("octo-org", "missing")
    assert caught.value.status == 404
    assert "cannot see it" in str(caught.value)


def test_422_keeps_githubs_message(fake: FakeGitHub) -> None:
    fake.put_file(REPO, ".github/workflows/build.yml", "on: push\n")
    with pytest.raises(GitHubError) as caught:
        client(fake).dispatch_workflow("octo-org", "app", "build.yml", "main")
    assert caught.value.status == 422
    assert "Workflow does not have 'workflow_dispatch' trigger" in str(caught.value)
    assert "workflow_dispatch" in str(caught.value)


def test_unreachable_host_mentions_ghes() -> None:
    gh = GitHub("t", "http://127.0.0.1:9/api/v3", timeout=2)
    with pytest.raises(GitHubError) as caught:
        gh.repository("o", "r")
    assert caught.value.status == 0
    assert "--github-api-url" in str(caught.value)


def test_job_log_redirect_does_not_carry_the_token(fake: FakeGitHub) -> None:
    repo = fake.repos[REPO]
    fake.put_file(REPO, ".github/workflows/b.yml", "on: workflow_dispatch\n")
    fake.next_log = "line one\nline two\n"
    gh = client(fake)
    gh.dispatch_workflow("octo-org", "app", "b.yml", "main")
    run_id = repo.runs[-1].id
    assert gh.job_logs("octo-org", "app", run_id + 1) == "line one\nline two\n"
    assert fake.blob_requests and "authorization" not in fake.blob_requests[-1]


def test_variables_are_read_across_pages(fake: FakeGitHub) -> None:
    fake.repos[REPO].variables = {f"V{i:02}": str(i) for i in range(45)}
    values = client(fake).list_variables("octo-org", "app")
    assert len(values) == 45
    assert values["V44"] == "44"


def test_dispatch_reports_githubs_time(fake: FakeGitHub) -> None:
    fake.put_file(REPO, ".github/workflows/b.yml", "on: workflow_dispatch\n")
    details = client(fake).dispatch_workflow("octo-org", "app", "b.yml", "main")
    assert abs(details["dispatched_at"] - time.time()) < 5
    fake.return_run_details = True
    details = client(fake).dispatch_workflow("octo-org", "app", "b.yml", "main")
    assert details["workflow_run_id"] == fake.repos[REPO].runs[-1].id


def test_check_access_names_each_missing_permission(fake: FakeGitHub) -> None:
    fake.deny["secrets"] = 403
    fake.deny["actions"] = 403
    problems = client(fake).check_access("octo-org", "app", ["secrets", "variables", "actions"])
    assert [p.permission for p in problems] == ["secrets", "actions"]


def test_check_access_reads_classic_scopes(fake: FakeGitHub) -> None:
    fake.oauth_scopes = "read:org"
    problems = client(fake).check_access("octo-org", "app", ["secrets", "workflows"])
    texts = " ".join(p.text for p in problems)
    assert "`repo` scope" in texts
    assert "`workflow` scope" in texts


def test_check_access_without_write_rights(fake: FakeGitHub) -> None:
    fake.repos[REPO].permissions = {"admin": False, "push": False, "pull": True}
    problems = client(fake).check_access("octo-org", "app", ["secrets"])
    assert "cannot write" in problems[0].text


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", "/repos/o/r/actions/secrets/X", ("secrets", "write")),
        ("GET", "/repos/o/r/actions/variables", ("variables", "read")),
        ("POST", "/repos/o/r/actions/workflows/b.yml/dispatches", ("actions", "write")),
        ("PUT", "/repos/o/r/contents/.github/workflows/b.yml", ("workflows", "write")),
        ("GET", "/repos/o/r/contents/README.md", ("contents", "read")),
        ("GET", "/repos/o/r", ("metadata", "read")),
    ],
)
def test_permission_for(method: str, path: str, expected: tuple[str, str]) -> None:
    assert permission_for(method, path) == expected


def test_repr_hides_the_token() -> None:
    gh = GitHub("ghp_secret_value", "https://api.github.com")
    assert "ghp_secret_value" not in repr(gh)
    assert "ghp_secret_value" not in str(vars(gh).get("api_url"))
