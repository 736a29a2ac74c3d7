"""The doctor's GitHub checks: moto for AWS, the local fake GitHub for the repository.

The token comes from GH_TOKEN, as for a person, so the whole path (find the token, read the
repository's facts, secrets, variables and workflow file) is exercised.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT_ID, REGION, MotoServer
from tests.fake_github import FakeGitHub
from tests.helpers import GUIDE_ARGS
from wizard.cli import main
from wizard.settings import Settings
from wizard.workflow import render_workflow, workflow_spec

GITHUB_REPO = "UNGlobalPlatform/images-datascience"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/GitHubActionsEOStatPush"
# The file the wizard names for the guide's repository (derived from its name).
WORKFLOW = ".github/workflows/build-images-datascience.yml"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("wizard.github_token.token_from_gh", lambda *a, **k: None)
    monkeypatch.setattr("wizard.github_token.token_from_keyring", lambda *a, **k: None)
    yield server
    server.stop()


def workflow_text(**changes: Any) -> str:
    settings = Settings(github_repo=GITHUB_REPO, ecr_repository="onyxia-eostat", **changes)
    return render_workflow(workflow_spec(settings))


def setup(
    moto: MotoServer,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    *,
    typed_repo: str = GITHUB_REPO,
    secrets: bool = True,
    workflow: str | None = None,
    **repo: Any,
) -> FakeGitHub:
    """`apply` made without a token (as a person might), then a token appears."""
    args = [*GUIDE_ARGS, "--github-repo", typed_repo, "--endpoint-url", moto.url, "--yes"]
    assert main(["apply", *args]) == 0
    fake.add_repo(GITHUB_REPO, **repo)
    if secrets:
        fake.repos[GITHUB_REPO.lower()].secrets.update(
            {"AWS_ROLE_ARN": ROLE_ARN, "AWS_REGION": REGION}
        )
    fake.put_file(GITHUB_REPO, WORKFLOW, workflow if workflow is not None else workflow_text())
    monkeypatch.setenv("GH_TOKEN", fake.token)
    return fake


def doctor(
    moto: MotoServer, fake: FakeGitHub, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, str], Any]:
    capsys.readouterr()
    code = main(
        [
            "doctor",
            "--endpoint-url",
            moto.url,
            "--github-api-url",
            fake.url,
            "--json",
            *extra,
        ]
    )
    document = json.loads(capsys.readouterr().out)
    return code, {f["code"]: f["status"] for f in document["findings"]}, document


def test_with_a_token_the_github_side_is_checked_and_healthy(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(moto, fake, monkeypatch)
    code, found, document = doctor(moto, fake, capsys)
    assert code == 0, document
    assert found["repo-facts"] == "ok"
    assert found["github-value-ok"] == "ok"
    assert found["workflow-ok"] == "ok"
    assert "github-not-checked" not in found
    # Reads only: the doctor never writes to GitHub.
    assert {r.method for r in fake.requests} == {"GET"}


def test_a_missing_secret_is_high(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(moto, fake, monkeypatch)
    del fake.repos[GITHUB_REPO.lower()].secrets["AWS_REGION"]
    code, found, document = doctor(moto, fake, capsys)
    assert code == 1
    assert found["github-value-missing"] == "high"
    missing = next(f for f in document["findings"] if f["code"] == "github-value-missing")
    assert "AWS_REGION" in missing["message"]
    assert "Input required and not supplied: aws-region" in missing["message"]


def test_values_kept_as_secrets_while_the_workflow_reads_variables(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(moto, fake, monkeypatch)
    code, _, document = doctor(moto, fake, capsys, "--as-variables")
    assert code == 1
    messages = [f["message"] for f in document["findings"] if f["code"] == "github-value-missing"]
    assert len(messages) == 2
    assert all("it exists as a secret" in m for m in messages)
    # The workflow reads secrets.*, not vars.*: the workflow check says so too.
    codes = [f["code"] for f in document["findings"]]
    assert "workflow-role-to-assume-unwired" in codes


def test_a_variable_with_a_stale_value_is_high(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(
        moto, fake, monkeypatch, secrets=False, workflow=workflow_text(github_values_as="variables")
    )
    fake.repos[GITHUB_REPO.lower()].variables.update(
        {"AWS_ROLE_ARN": ROLE_ARN.replace("Push", "Old"), "AWS_REGION": REGION}
    )
    code, found, _ = doctor(moto, fake, capsys, "--as-variables")
    assert code == 1
    assert found["github-value-wrong"] == "high"
    assert found["workflow-ok"] == "ok"


def test_a_workflow_without_id_token_permission_is_high(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = workflow_text().replace("      id-token: write", "      actions: read")
    setup(moto, fake, monkeypatch, workflow=text)
    code, found, _ = doctor(moto, fake, capsys)
    assert code == 1
    assert found["workflow-no-id-token"] == "high"


def test_a_missing_workflow_file_is_medium(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(moto, fake, monkeypatch)
    code, found, _ = doctor(moto, fake, capsys, "--workflow-file", "other.yml")
    assert code == 0
    assert found["workflow-missing"] == "medium"


def test_a_name_typed_in_the_wrong_case_is_caught_by_github_s_canonical_name(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Applied without a token, so the trust policy carries the typed (wrong-case) name.
    setup(moto, fake, monkeypatch, typed_repo="unglobalplatform/images-datascience")
    code, found, _ = doctor(moto, fake, capsys)
    assert code == 1
    assert found["repo-name-differs"] == "medium"
    assert found["owner-case"] == "medium"
    # A real token carries GitHub's name, so the configured job is refused: that is the high.
    assert found["scope-refused"] == "high"


def test_a_repository_with_immutable_subjects_refuses_a_name_based_policy(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(
        moto,
        fake,
        monkeypatch,
        customization={"use_default": True, "use_immutable_subject": True},
    )
    code, found, document = doctor(moto, fake, capsys)
    assert code == 1
    assert found["name-based-sub"] == "high"
    refused = next(f for f in document["findings"] if f["code"] == "scope-refused")
    assert "@" in refused["message"]


def test_a_token_without_secrets_access_is_not_checked_rather_than_failed(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(moto, fake, monkeypatch)
    fake.deny = {"secrets": 403}
    code, found, _ = doctor(moto, fake, capsys)
    assert code == 0
    assert found["github-unread"] == "not checked"
    assert found["workflow-ok"] == "ok"


def test_no_github_skips_the_github_side_even_with_a_token(
    moto: MotoServer,
    workdir: Path,
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(moto, fake, monkeypatch)
    code, found, document = doctor(moto, fake, capsys, "--no-github")
    assert code == 0
    assert found["github-not-checked"] == "not checked"
    skipped = next(f for f in document["findings"] if f["code"] == "github-not-checked")
    assert "--no-github" in skipped["message"]
    assert fake.requests == []
