"""Step 5 run again through the CLI: the remembered fingerprints make a re-run send nothing.

A secret's value cannot be read back, so the config keeps a hash of what was sent with GitHub's
updated_at for that write; the next run compares both (tests/test_github_secrets.py covers the
step on its own).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MotoServer
from tests.fake_github import FakeGitHub, isolated_fake
from tests.helpers import GUIDE_ARGS
from wizard.aws import Identity
from wizard.cli import main
from wizard.sandbox.github_sim import SimulatedGitHub
from wizard.settings import Settings
from wizard.steps.base import Status, StepContext
from wizard.steps.github_secrets import GitHubSecretsStep, fingerprint_key

REPO = "UNGlobalPlatform/images-datascience"
TOKEN = "ghp_secretrerun0123456789abcdef"
ROLE_ARN = "arn:aws:iam::123456789012:role/GitHubActionsEOStatPush"
REGION = "us-east-1"
FINGERPRINT = re.compile(r"sha256:([0-9a-f]{64})@(\S+)")


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token=TOKEN, repos=[REPO]) as server:
        monkeypatch.setenv("GH_TOKEN", TOKEN)
        yield server


def step5(moto: MotoServer, github: FakeGitHub, command: str, *extra: str) -> list[str]:
    args = [command, *GUIDE_ARGS, "--endpoint-url", moto.url, "--github-api-url", github.url]
    return [*args, "--only", "5", *extra]


def writes(github: FakeGitHub, since: int = 0) -> list[str]:
    return [f"{r.method} {r.path}" for r in github.requests[since:] if r.method != "GET"]


def planned(
    moto: MotoServer, github: FakeGitHub, capsys: pytest.CaptureFixture[str], *extra: str
) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(step5(moto, github, "plan", "--json", *extra)) == 0
    document = json.loads(capsys.readouterr().out)
    changes: list[dict[str, Any]] = document["plan"][0]["changes"]
    return changes


def test_a_rerun_sends_no_github_writes_and_plans_no_change(
    moto: MotoServer, github: FakeGitHub, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(step5(moto, github, "apply", "--yes")) == 0
    assert len(writes(github)) == 2
    before = len(github.requests)
    assert main(step5(moto, github, "apply", "--yes")) == 0
    assert writes(github, before) == []
    changes = planned(moto, github, capsys)
    assert [c["action"] for c in changes] == ["no change", "no change"]
    assert "unchanged since" in changes[0]["summary"]


def test_fingerprints_in_the_config_are_hashes(
    moto: MotoServer, github: FakeGitHub, workdir: Path
) -> None:
    assert main(step5(moto, github, "apply", "--yes")) == 0
    config = tomllib.loads((workdir / "ecr-oidc-wizard.toml").read_text(encoding="utf-8"))
    created: dict[str, str] = config["created"]
    for name, value in (("AWS_ROLE_ARN", ROLE_ARN), ("AWS_REGION", REGION)):
        match = FINGERPRINT.fullmatch(created[fingerprint_key(name)])
        assert match is not None, created
        assert match.group(1) == hashlib.sha256(value.encode()).hexdigest()
        assert match.group(2) == github.repos[REPO.lower()].secret_dates[name]
        assert value not in created[fingerprint_key(name)]
    # The role ARN and region are answers, not secrets: the [answers] table may hold the region
    # and [created] the role ARN (after step 3), but nowhere else does either appear.
    answers = {k: v for k, v in config["answers"].items() if k != "region"}
    others = {k: v for k, v in created.items() if k != "role_arn"}
    for value in (ROLE_ARN, REGION):
        assert value not in json.dumps(answers) and value not in json.dumps(others)


def test_a_secret_changed_by_someone_else_is_an_update_with_the_date(
    moto: MotoServer, github: FakeGitHub, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(step5(moto, github, "apply", "--yes")) == 0
    when = github.set_secret(REPO, "AWS_REGION", "eu-west-3")
    changes = planned(moto, github, capsys)
    assert [c["action"] for c in changes] == ["no change", "update"]
    assert f"changed on {when[:10]}" in changes[1]["summary"]
    assert "cannot be read back" in changes[1]["summary"]
    before = len(github.requests)
    assert main(step5(moto, github, "apply", "--yes")) == 0
    assert len(writes(github, before)) == 1
    assert github.repos[REPO.lower()].secrets["AWS_REGION"] == REGION


def test_a_new_region_updates_only_the_region(
    moto: MotoServer, github: FakeGitHub, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(step5(moto, github, "apply", "--yes")) == 0
    changes = planned(moto, github, capsys, "--region", "eu-west-1")
    assert [c["action"] for c in changes] == ["no change", "update"]
    assert "value differs" in changes[1]["summary"]
    before = len(github.requests)
    assert main(step5(moto, github, "apply", "--yes", "--region", "eu-west-1")) == 0
    assert writes(github, before) == [f"PUT /repos/{REPO}/actions/secrets/AWS_REGION"]


def test_the_sandbox_remembers_its_own_writes_too() -> None:
    sim = SimulatedGitHub(aws_for_region=lambda region: None, workflow_text="", workflow_file="")

    class Aws:
        """Who and where: all step 5 asks of the AWS seam."""

        region = REGION
        known_identity = None

        def identity(self) -> Identity:
            return Identity("123456789012", "arn:aws:iam::123456789012:user/me", "aws")

    settings = Settings(github_repo=REPO, role_name="GitHubActionsEOStatPush", region=REGION)
    outputs: dict[str, str] = {}
    step = GitHubSecretsStep()
    for expected in (Status.DONE, Status.UNCHANGED):
        aws: Any = Aws()
        ctx = StepContext(settings=settings, aws=aws, github=sim, outputs=outputs)
        result = step.apply(ctx, step.plan(ctx, step.inspect(ctx)))
        assert result.status is expected
    assert sim.decrypt_secret("UNGlobalPlatform", "images-datascience", "AWS_REGION") == REGION
