"""`explain --run`: a failed run read through the GitHub client from the local GitHub fake,
its failing step found in the job's real-shaped log and explained; the log's terminal escapes
never reach the output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_github import FakeGitHub, isolated_fake
from wizard.cli.entry import main
from wizard.github_api import GitHub, GitHubError
from wizard.run_explain import RunRefError, explain_run, latest_failed_run, parse_run_ref
from wizard.run_logs import failing_section

TOKEN = "ghp_explain_run_token"
REPO = "octo-org/hello-ecr"
# What a terminal would act on: a title change, a clipboard write (OSC 52), cursor moves that
# paint a fake success line over the real output, and an 8-bit CSI.
HOSTILE = (
    "\x1b]0;owned\x07\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\x1b[2A\x1b[2K"
    "\u2713 Step 6 \u00b7 run succeeded\x9b31m"
)
ASSUME_LOG = "\n".join(
    [
        "2026-11-30T10:00:00.0000000Z ##[group]Run actions/checkout@v4",
        "2026-11-30T10:00:01.0000000Z Syncing repository: octo-org/hello-ecr",
        "2026-11-30T10:00:02.0000000Z ##[endgroup]",
        "2026-11-30T10:00:03.0000000Z ##[group]Run aws-actions/configure-aws-credentials@v4",
        "2026-11-30T10:00:03.1000000Z with:",
        "2026-11-30T10:00:03.1000000Z   role-to-assume: arn:aws:iam::123456789012:role/Push",
        "2026-11-30T10:00:03.1000000Z   aws-region: us-east-1",
        "2026-11-30T10:00:03.2000000Z ##[endgroup]",
        f"2026-11-30T10:00:03.3000000Z Assuming role with OIDC {HOSTILE}",
        "2026-11-30T10:00:04.0000000Z ##[error]Could not assume role with OIDC: Not authorized "
        "to perform sts:AssumeRoleWithWebIdentity",
        "2026-11-30T10:00:05.0000000Z ##[group]Run docker build -t x .",
        "2026-11-30T10:00:05.1000000Z ##[endgroup]",
    ]
)
PUSH_LOG = "\n".join(
    [
        "2026-11-30T10:00:00.0000000Z ##[group]Run docker push "
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-ecr:latest",
        "2026-11-30T10:00:01.0000000Z The push refers to repository "
        "[123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-ecr]",
        "2026-11-30T10:00:02.0000000Z no basic auth credentials",
        "2026-11-30T10:00:02.1000000Z ##[error]Process completed with exit code 1.",
    ]
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token=TOKEN, repos=[REPO]) as server:
        yield server


def _client(fake: FakeGitHub) -> GitHub:
    return GitHub(TOKEN, fake.url)


def test_a_failed_runs_failing_step_is_found_and_explained(fake: FakeGitHub) -> None:
    run = fake.add_finished_run(
        REPO,
        [
            ("lint", "success", "", "all good\n"),
            ("Build and push", "failure", "Configure AWS credentials", ASSUME_LOG),
        ],
        ref="dev",
    )
    explained = explain_run(_client(fake), parse_run_ref(str(run.id), REPO))
    assert explained.conclusion == "failure" and explained.ref == "dev"
    (job,) = explained.jobs
    assert job.name == "Build and push" and job.step == "Configure AWS credentials"
    assert job.failed is not None
    assert job.failed.run_line == "aws-actions/configure-aws-credentials@v4"
    assert job.guidance[0].case == "assume-role-denied"
    # The run's own ref fills the commands: the doctor is asked about the branch that failed.
    assert "refs/heads/dev" in "\n".join(job.guidance[0].commands)
    # What the next step printed is not part of the failing step's section.
    assert "docker build" not in job.failed.section
    assert "\x1b" not in job.failed.section and "\x9b" not in job.failed.section


def test_several_failed_jobs_are_each_explained(fake: FakeGitHub) -> None:
    run = fake.add_finished_run(
        REPO,
        [
            ("credentials", "failure", "Configure AWS credentials", ASSUME_LOG),
            ("push", "failure", "Push", PUSH_LOG),
        ],
    )
    explained = explain_run(_client(fake), parse_run_ref(str(run.id), REPO))
    assert [j.guidance[0].case for j in explained.jobs] == ["assume-role-denied", "no-basic-auth"]
    assert explained.recognised


def test_a_job_url_narrows_to_that_job(fake: FakeGitHub) -> None:
    run = fake.add_finished_run(
        REPO,
        [
            ("credentials", "failure", "Configure AWS credentials", ASSUME_LOG),
            ("push", "failure", "Push", PUSH_LOG),
        ],
    )
    url = f"https://github.com/{REPO}/actions/runs/{run.id}/job/{run.id * 100 + 1}"
    explained = explain_run(_client(fake), parse_run_ref(url))
    assert [j.name for j in explained.jobs] == ["push"]


def test_latest_is_the_most_recent_failed_run(fake: FakeGitHub) -> None:
    fake.add_finished_run(REPO, [("a", "failure", "x", ASSUME_LOG)])
    newer = fake.add_finished_run(REPO, [("b", "failure", "Push", PUSH_LOG)])
    fake.add_finished_run(REPO, [("c", "success", "", "")])
    assert latest_failed_run(_client(fake), REPO).run_id == newer.id


@pytest.mark.parametrize(
    ("value", "repo", "expected"),
    [
        ("123", REPO, ("octo-org", "hello-ecr", 123, None)),
        (f"https://github.com/{REPO}/actions/runs/9", "", ("octo-org", "hello-ecr", 9, None)),
        (f"https://github.com/{REPO}/actions/runs/9/job/77", "", ("octo-org", "hello-ecr", 9, 77)),
        (
            f"https://ghe.example/{REPO}/actions/runs/9/attempts/2",
            "",
            ("octo-org", "hello-ecr", 9, None),
        ),
    ],
)
def test_run_references(value: str, repo: str, expected: tuple[object, ...]) -> None:
    ref = parse_run_ref(value, repo)
    assert (ref.owner, ref.repo, ref.run_id, ref.job_id) == expected


@pytest.mark.parametrize(
    ("value", "repo"), [("123", ""), ("run 12", REPO), ("https://github.com/o/r/pulls/3", REPO)]
)
def test_bad_run_references_name_the_field(value: str, repo: str) -> None:
    with pytest.raises(RunRefError, match="--run"):
        parse_run_ref(value, repo)


def test_a_log_that_cannot_be_read_is_said_on_its_job(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = fake.add_finished_run(REPO, [("push", "failure", "Push", PUSH_LOG)])
    client = _client(fake)

    def refused(owner: str, repo: str, job_id: int) -> str:
        raise GitHubError(410, "GET", f"/repos/{owner}/{repo}/actions/jobs/{job_id}/logs", "Gone")

    monkeypatch.setattr(client, "job_logs", refused)
    (job,) = explain_run(client, parse_run_ref(str(run.id), REPO)).jobs
    assert job.step == "Push" and job.guidance == ()
    assert "the log could not be read" in job.log_unread


def test_a_log_without_markers_is_classified_whole() -> None:
    step = failing_section("Error: Request ARN is invalid\n")
    assert step.run_line == "" and step.errors == ("Request ARN is invalid",)


def test_cli_explains_the_run_and_shows_the_log_inert(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    run = fake.add_finished_run(REPO, [("build", "failure", "Configure", ASSUME_LOG)])
    url = f"https://github.com/{REPO}/actions/runs/{run.id}"
    code = main(["explain", "--run", url, "--github-api-url", fake.url])
    out, err = capsys.readouterr()
    assert code == 0
    assert "[assume-role-denied]" in out and "Configure" in out
    for control in ("\x1b", "\x9b", "\x07"):
        assert control not in out and control not in err


def test_cli_json_is_the_explain_run_envelope(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    run = fake.add_finished_run(REPO, [("build", "failure", "Push", PUSH_LOG)])
    code = main(
        [
            "explain",
            "--run",
            str(run.id),
            "--github-repo",
            REPO,
            "--github-api-url",
            fake.url,
            "--json",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["schema"] == "ecr-oidc-wizard/explain-run/v1"
    assert document["run"]["jobs"][0]["guidance"][0]["case"] == "no-basic-auth"


def test_cli_bad_run_is_exit_2_and_nothing_is_sent(
    fake: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "--run", "yesterday's run"]) == 2
    assert "--run" in capsys.readouterr().err
    assert fake.requests == []


def test_sandbox_sub_mismatch_scenario_leaves_a_run_explain_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["explain", "--sandbox", "--scenario", "sub-mismatch", "--run", "latest"])
    out = capsys.readouterr().out
    assert code == 0
    assert "[assume-role-denied]" in out
    assert "on branch 'dev'" in out or "ref dev" in out


def test_cli_ranks_a_runs_causes_by_an_answers_file(
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    (tmp_path / "answers.toml").write_text('[setup]\nsub_format = "immutable"\n')
    run = fake.add_finished_run(REPO, [("build", "failure", "Configure", ASSUME_LOG)])
    argv = ["explain", "--run", str(run.id), "--github-repo", REPO, "--github-api-url", fake.url]
    code = main([*argv, "--answers", str(tmp_path / "answers.toml")])
    out = capsys.readouterr().out
    assert code == 0
    assert "1. [verified] The repository emits immutable subjects" in out
    assert "Verified: The repository emits immutable subjects" in out


def test_an_error_before_any_step_is_the_jobs_own() -> None:
    step = failing_section(
        "##[error]The job was not started because of a billing issue\n##[group]Run build\nok\n"
    )
    assert step.run_line == ""
    assert step.errors == ("The job was not started because of a billing issue",)
    assert "Run build" not in step.section


def test_without_an_error_the_last_step_is_read() -> None:
    step = failing_section("##[group]Run a\none\n##[group]Run b\ntwo\n")
    assert step.run_line == "b" and "two" in step.section and "one" not in step.section
