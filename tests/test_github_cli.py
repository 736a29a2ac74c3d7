"""The GitHub side through the command line: moto for AWS, the local fake for GitHub."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ACCOUNT_ID, REGION, MotoServer
from tests.fake_github import FakeGitHub, isolated_fake
from tests.test_verify import manifest
from wizard.cli.github import add_github_arguments, github_overrides
from wizard.github_session import github_errors
from wizard.settings import Settings
from wizard.workflow import render_workflow, workflow_spec

CANARY = "ghp_CANARYcli0123456789CANARY"
REPO = "octo-org/app"
ROLE = "GitHubActionsEOStatPush"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token=CANARY, repos=[REPO]) as server:
        yield server


def cli(*args: str) -> int:
    from wizard.cli import main

    return main(list(args))


def common(moto: MotoServer, fake: FakeGitHub, config: Path, *, ghes: bool = False) -> list[str]:
    # `plan` reads the answers: a --config it is given must exist (issue 13), empty or not.
    config.touch(exist_ok=True)
    return [
        "--config",
        str(config),
        "--endpoint-url",
        moto.url,
        "--region",
        REGION,
        "--github-repo",
        REPO,
        "--role-name",
        ROLE,
        "--ecr-repository",
        "onyxia-eostat",
        "--github-api-url",
        fake.ghes_url if ghes else fake.url,
    ]


@pytest.mark.parametrize("ghes", [False, True], ids=["github.com", "ghes"])
def test_apply_step_5_through_the_cli(
    moto: MotoServer,
    fake: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ghes: bool,
) -> None:
    monkeypatch.setenv("GH_TOKEN", CANARY)
    config = tmp_path / "ecr-oidc-wizard.toml"
    code = cli("apply", "--only", "5", "--yes", *common(moto, fake, config, ghes=ghes))
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert fake.repos[REPO].secrets == {
        "AWS_ROLE_ARN": f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE}",
        "AWS_REGION": REGION,
    }
    assert CANARY not in out + err
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_text(encoding="utf-8", errors="replace")


def test_apply_step_6_failure_prints_the_guidance(
    moto: MotoServer,
    fake: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GH_TOKEN", CANARY)
    spec = workflow_spec(Settings(github_repo=REPO, ecr_repository="onyxia-eostat"))
    fake.put_file(REPO, f".github/workflows/{spec.file}", render_workflow(spec))
    fake.next_conclusion = "failure"
    fake.next_log = "Error: Not authorized to perform sts:AssumeRoleWithWebIdentity\n"
    config = tmp_path / "ecr-oidc-wizard.toml"
    # Fast polls: the fake moves one state per poll.
    config.write_text(
        "version = 1\n[answers]\nrun_poll_seconds = 0.01\nrun_timeout_seconds = 30.0\n",
        encoding="utf-8",
    )
    code = cli("apply", "--only", "6", "--yes", *common(moto, fake, config))
    out, err = capsys.readouterr()
    assert code == 1
    assert "Run " in out and "[FAILURE]" in out, err
    assert "Not authorized to perform sts:AssumeRoleWithWebIdentity" in err
    assert "Cause:" in err
    assert CANARY not in out + err


def test_apply_without_a_token_is_exit_2_and_sends_nothing(
    moto: MotoServer,
    fake: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "ecr-oidc-wizard.toml"
    code = cli("apply", "--only", "5", "--yes", *common(moto, fake, config))
    err = capsys.readouterr().err
    assert code == 2
    assert "GH_TOKEN" in err
    assert fake.requests == []


def test_plan_without_a_token_says_not_checked(
    moto: MotoServer, fake: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "ecr-oidc-wizard.toml"
    code = cli("plan", "--only", "5", *common(moto, fake, config))
    out, err = capsys.readouterr()
    assert code == 0
    assert "Not checked with GitHub" in out + err


def test_missing_permission_stops_apply_before_sending(
    moto: MotoServer,
    fake: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GH_TOKEN", CANARY)
    fake.deny["secrets"] = 403
    config = tmp_path / "ecr-oidc-wizard.toml"
    code = cli("apply", "--only", "5", "--yes", *common(moto, fake, config))
    err = capsys.readouterr().err
    assert code == 1
    assert "'Secrets'" in err
    assert fake.paths("PUT") == []


def test_plan_step_3_uses_githubs_canonical_name(
    moto: MotoServer,
    fake: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GH_TOKEN", CANARY)
    fake.repos[REPO].full_name = "Octo-Org/App"
    config = tmp_path / "ecr-oidc-wizard.toml"
    code = cli("plan", "--only", "3", *common(moto, fake, config))
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "case-sensitively" in err
    assert "repo:Octo-Org/App:ref:refs/heads/main" in out


def test_workflow_command_prints_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.touch()  # a --config that `workflow` reads must exist (issue 13)
    code = cli(
        "workflow", "--config", str(config), "--ecr-repository", "onyxia-eostat", "--output", "-"
    )
    assert code == 0
    # Pinned to the commit of v2.1.7, the version in a comment (issue 13).
    assert "aws-actions/amazon-ecr-login@03f1aad4c6c7ffd436567f42f9384779290529bd # v2.1.7" in (
        capsys.readouterr().out
    )


def test_verify_command_through_the_cli(
    moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.aws import Aws

    ecr = Aws(region=REGION, endpoint_url=moto.url).ecr
    ecr.create_repository(repositoryName="onyxia-eostat")
    for tag in ("0.1.0-20251130-8c5f394", "latest"):
        ecr.put_image(repositoryName="onyxia-eostat", imageManifest=manifest("a"), imageTag=tag)
    (tmp_path / "c.toml").touch()  # a --config that `verify` reads must exist (issue 13)
    code = cli(
        "verify",
        "--config",
        str(tmp_path / "c.toml"),
        "--endpoint-url",
        moto.url,
        "--region",
        REGION,
        "--ecr-repository",
        "onyxia-eostat",
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "latest and 0.1.0-20251130-8c5f394 are the same image" in out


def test_flags_map_to_settings() -> None:
    parser = argparse.ArgumentParser()
    add_github_arguments(parser)
    args = parser.parse_args(
        ["--as-variables", "--workflow-file", "x.yml", "--ref", "dev", "--image-version", "2.0"]
    )
    overrides = github_overrides(args)
    assert overrides["github_values_as"] == "variables"
    assert overrides["workflow_file"] == "x.yml"
    assert overrides["workflow_ref"] == "dev"
    assert overrides["image_version"] == "2.0"
    assert github_overrides(parser.parse_args([]))["github_values_as"] is None
    assert github_overrides(parser.parse_args(["--no-as-variables"]))["github_values_as"] == (
        "secrets"
    )


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"github_repo": ""}, "--github-repo"),
        ({"github_api_url": "ghe.example.com"}, "--github-api-url"),
        ({"github_values_as": "env"}, "secrets' or 'variables"),
        ({"workflow_file": "a/b.yml"}, "--workflow-file"),
        ({"role_name": ""}, "--role-name"),
    ],
)
def test_github_input_errors(overrides: dict[str, str], fragment: str) -> None:
    settings = Settings(github_repo=REPO, role_name=ROLE)
    for key, value in overrides.items():
        setattr(settings, key, value)
    assert fragment in " ".join(github_errors(settings, (5, 6)))
