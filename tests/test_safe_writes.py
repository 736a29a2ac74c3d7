"""Answers that must not persist don't, and writes never follow links."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tests.conftest import REGION, MotoServer
from tests.helpers import GUIDE_ARGS, guide_settings
from wizard import safe_write
from wizard.cli import main
from wizard.settings import CONFIG_NAME, load
from wizard.workflow import WorkflowFileChanged, workflow_file, workflow_spec, write_workflow_file

ROLE = "GitHubActionsEOStatPush"


def test_one_run_answers_are_never_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / CONFIG_NAME
    path.write_text(
        'version = 1\n[answers]\nrole_name = "R"\nadopt_role = true\n'
        'endpoint_url = "http://127.0.0.1:9"\n'
    )
    remembered = load(path)
    assert remembered.settings.role_name == "R"
    assert remembered.settings.adopt_role is False
    assert remembered.settings.endpoint_url == ""
    assert remembered.ignored == ("adopt_role", "endpoint_url")


def test_a_planted_answers_file_cannot_take_over_a_role(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = boto3.client(
        "iam", endpoint_url=moto.url, region_name=REGION, config=Config(retries={"max_attempts": 1})
    )
    theirs = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(theirs))
    (workdir / CONFIG_NAME).write_text("version = 1\n[answers]\nadopt_role = true\n")
    code = main(["apply", *GUIDE_ARGS, "--endpoint-url", moto.url, "--yes", "--only", "3"])
    assert code == 1
    err = capsys.readouterr().err
    assert "adopt_role" in err and "one run only" in err
    kept = iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    assert kept == theirs


def test_a_link_planted_at_a_temporary_name_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "out" / "doc.json"
    target.parent.mkdir()
    monkeypatch.setattr(safe_write.secrets, "token_hex", lambda n: "guessed")
    (target.parent / ".doc.json.guessed.tmp").symlink_to(victim)
    with pytest.raises(FileExistsError):
        safe_write.write_new_then_rename(target, "{}")
    assert victim.read_text() == "keep me"
    assert not target.exists()


def test_a_link_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "doc.json"
    target.symlink_to(victim)
    safe_write.write_new_then_rename(target, "{}", mode=0o600)
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_text() == "{}"
    assert target.stat().st_mode & 0o777 == 0o600


def _checkout(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    return checkout


def test_the_workflow_is_never_written_through_a_linked_temporary_file(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    workflows = checkout / ".github" / "workflows"
    workflows.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    spec = workflow_spec(guide_settings())
    # the name a fixed-name writer would use next to the file
    (workflows / f".{spec.file}.tmp").symlink_to(victim)
    planned = workflow_file(spec, cwd=checkout)
    written = write_workflow_file(planned)
    assert victim.read_text() == "keep me"
    assert written.read_text().startswith("# Made by ecr-oidc-wizard")


def test_a_github_folder_linked_outside_the_checkout_needs_confirmation(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "workflows").mkdir(parents=True)
    (checkout / ".github").symlink_to(elsewhere)
    spec = workflow_spec(guide_settings())
    planned = workflow_file(spec, cwd=checkout)
    assert planned.real_outside == (elsewhere / "workflows" / spec.file).resolve()
    assert planned.shown_path == f".github/workflows/{spec.file}"
    with pytest.raises(WorkflowFileChanged, match=str(elsewhere)):
        write_workflow_file(planned)
    assert not (elsewhere / "workflows" / spec.file).exists()
    write_workflow_file(planned, outside_ok=True)
    assert (elsewhere / "workflows" / spec.file).exists()


def test_the_workflow_command_shows_the_real_path_and_asks(tmp_path: Path) -> None:
    import io

    from wizard.cli.github import write_workflow_command

    checkout = _checkout(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "workflows").mkdir(parents=True)
    (checkout / ".github").symlink_to(elsewhere)
    asked: list[str] = []

    def refuse(question: str) -> bool:
        asked.append(question)
        return False

    out, err = io.StringIO(), io.StringIO()
    code = write_workflow_command(guide_settings(), cwd=checkout, out=out, err=err, confirm=refuse)
    assert code == 0
    assert str(elsewhere.resolve()) in out.getvalue()
    assert asked and str(elsewhere.resolve()) in asked[0]
    assert not any((elsewhere / "workflows").iterdir())
