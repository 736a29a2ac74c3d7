"""The whole lifecycle through the CLI against the moto server, writes counted with moto's
recorder: `plan --out` then `apply FILE` sends exactly the saved calls; a stale, edited or
foreign plan sends nothing; `apply` then `destroy --yes` leaves the account as it was, and a
second `destroy` sends no write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import MotoServer, writes
from tests.helpers import GUIDE_ARGS
from wizard.cli import main

ROLE = "GitHubActionsEOStatPush"
RECORDED = {
    "create_repository": "CreateRepository",
    "create_open_id_connect_provider": "CreateOpenIDConnectProvider",
    "create_role": "CreateRole",
    "put_role_policy": "PutRolePolicy",
    "update_assume_role_policy": "UpdateAssumeRolePolicy",
}


def run(moto: MotoServer, command: str, *extra: str) -> int:
    return main([command, *GUIDE_ARGS, "--endpoint-url", moto.url, *extra])


def client(moto: MotoServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=moto.url, region_name="us-east-1")


def account(moto: MotoServer) -> dict[str, Any]:
    iam, ecr = client(moto, "iam"), client(moto, "ecr")
    return {
        "repositories": sorted(
            r["repositoryName"] for r in ecr.describe_repositories()["repositories"]
        ),
        "providers": [
            p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        ],
        "roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"]),
    }


def test_plan_out_then_apply_file_sends_exactly_the_planned_writes(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "plan", "--out", "p.json") == 0
    out = capsys.readouterr().out
    assert "Saved the plan to" in out and "apply" in out
    saved = json.loads((workdir / "p.json").read_text())
    planned = [c["operation"] for s in saved["steps"] for c in s["calls"]]
    moto.start_recording()
    assert main(["apply", str(workdir / "p.json"), "--endpoint-url", moto.url, "--yes"]) == 0
    assert writes(moto.recorded()) == [RECORDED[op] for op in planned]
    assert "role_arn" in (workdir / "ecr-oidc-wizard.toml").read_text()


def test_an_out_of_band_change_makes_apply_file_exit_1_with_the_diff_and_no_write(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "apply", "--yes") == 0
    assert run(moto, "plan", "--branch", "release", "--out", "p.json") == 0
    other = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/ops"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    client(moto, "iam").update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(other))
    capsys.readouterr()
    moto.start_recording()
    assert main(["apply", "p.json", "--endpoint-url", moto.url, "--yes"]) == 1
    assert writes(moto.recorded()) == []
    err = capsys.readouterr().err
    assert "is stale" in err and "Nothing was sent" in err
    assert any(line.lstrip().startswith("+") and "user/ops" in line for line in err.splitlines())


def test_apply_file_json_reports_the_drift(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "plan", "--out", "p.json") == 0
    client(moto, "ecr").create_repository(repositoryName="onyxia-eostat")
    capsys.readouterr()
    assert main(["apply", "p.json", "--endpoint-url", moto.url, "--yes", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["exit_code"] == 1
    assert [d["step"] for d in document["drift"]] == [1]
    assert document["results"] == []


def test_an_edited_plan_file_is_refused_with_exit_2_and_kept(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "plan", "--out", "p.json") == 0
    path = workdir / "p.json"
    text = path.read_text().replace('"onyxia-eostat"', '"other-repository"')
    path.write_text(text)
    capsys.readouterr()
    moto.start_recording()
    assert main(["apply", "p.json", "--endpoint-url", moto.url, "--yes"]) == 2
    assert writes(moto.recorded()) == []
    assert "integrity digest" in capsys.readouterr().err
    assert path.read_text() == text


def test_a_plan_for_another_region_is_refused_naming_both(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "plan", "--out", "p.json") == 0
    capsys.readouterr()
    code = main(["apply", "p.json", "--endpoint-url", moto.url, "--region", "eu-west-1", "--yes"])
    assert code == 2
    err = capsys.readouterr().err
    assert "us-east-1" in err and "eu-west-1" in err


def test_answers_cannot_change_a_saved_plan(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "plan", "--out", "p.json") == 0
    capsys.readouterr()
    assert main(["apply", "p.json", "--role-name", "Other", "--endpoint-url", moto.url]) == 2
    assert "--role-name" in capsys.readouterr().err


def test_apply_then_destroy_leaves_the_account_as_before_and_a_second_destroy_sends_nothing(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = account(moto)
    assert run(moto, "apply", "--yes") == 0
    moto.start_recording()
    assert run(moto, "destroy", "--yes") == 0
    assert writes(moto.recorded()) == [
        "DeleteRolePolicy",
        "DeleteRole",
        "DeleteRepository",
        "DeleteOpenIDConnectProvider",
    ]
    assert account(moto) == before
    remembered = (workdir / "ecr-oidc-wizard.toml").read_text()
    assert "role_arn" not in remembered and "provider_arn" not in remembered
    out = capsys.readouterr().out
    assert "- delete    IAM role GitHubActionsEOStatPush" in out
    moto.start_recording()
    assert run(moto, "destroy", "--yes") == 0
    assert writes(moto.recorded()) == []
    assert "Nothing to remove" in capsys.readouterr().out


def test_destroy_keeps_a_shared_provider_and_a_repository_with_images(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_verify import manifest

    assert run(moto, "apply", "--yes") == 0
    client(moto, "ecr").put_image(
        repositoryName="onyxia-eostat", imageManifest=manifest("a"), imageTag="latest"
    )
    provider = account(moto)["providers"][0]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
    client(moto, "iam").create_role(RoleName="Other", AssumeRolePolicyDocument=json.dumps(trust))
    capsys.readouterr()
    assert run(moto, "destroy", "--yes", "--json") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "ecr-oidc-wizard/destroy/v1"
    (refused,) = document["refused"]
    assert "holds 1 image" in refused
    assert account(moto) == {
        "repositories": ["onyxia-eostat"],
        "providers": [provider],
        "roles": ["Other"],
    }
    moto.start_recording()
    assert run(moto, "destroy", "--yes", "--delete-images") == 0
    assert writes(moto.recorded()) == ["DeleteRepository"]


def test_destroy_without_a_terminal_needs_yes_and_sends_nothing(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "apply", "--yes") == 0
    moto.start_recording()
    assert run(moto, "destroy") == 2
    assert writes(moto.recorded()) == []
    assert "--yes" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--role-name", "bad role"], "role"),
        (["--remove-unowned", "everything"], "--remove-unowned"),
        (["--only", "5"], "GitHub token"),
    ],
)
def test_destroy_refuses_bad_input_with_exit_2_and_nothing_sent(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    named: str,
) -> None:
    moto.start_recording()
    try:
        code = run(moto, "destroy", "--yes", *extra)
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 2
    assert named in capsys.readouterr().err
    assert writes(moto.recorded()) == []


def test_the_workflow_file_written_by_the_wizard_goes_with_destroy_unless_edited(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / ".git").mkdir()
    assert main(["workflow", *GUIDE_ARGS, "--yes"]) == 0
    # Named for the repository (issue 13): images-datascience, not the guide's build-eostat.yml.
    written = workdir / ".github" / "workflows" / "build-images-datascience.yml"
    assert written.exists()
    assert "workflow:" in (workdir / "ecr-oidc-wizard.toml").read_text()
    assert run(moto, "destroy", "--yes", "--only", "6") == 0
    assert not written.exists()
    assert "workflow:" not in (workdir / "ecr-oidc-wizard.toml").read_text()

    assert main(["workflow", *GUIDE_ARGS, "--yes"]) == 0
    written.write_text(written.read_text() + "# edited\n")
    capsys.readouterr()
    assert run(moto, "destroy", "--yes", "--only", "6") == 0
    assert written.exists()
    assert "changed after ecr-oidc-wizard wrote it" in capsys.readouterr().out


def test_an_adopted_role_loses_the_wizard_s_policy_but_stays_unless_named(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client(moto, "iam").create_role(RoleName=ROLE, AssumeRolePolicyDocument="{}")
    assert run(moto, "apply", "--yes", "--adopt-role") == 0
    capsys.readouterr()
    moto.start_recording()
    assert run(moto, "destroy", "--yes") == 0
    assert writes(moto.recorded()) == ["DeleteRolePolicy", "DeleteRepository"]
    out = capsys.readouterr().out
    assert "--remove-unowned role" in out
    # The role still trusts the provider, so the provider stays too, and says why.
    assert f"role(s) {ROLE} trust it" in out
    moto.start_recording()
    assert run(moto, "destroy", "--yes", "--remove-unowned", "role") == 0
    assert writes(moto.recorded()) == ["DeleteRole", "DeleteOpenIDConnectProvider"]


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--no-scan-on-push"], "--scan-on-push"),
        (["--no-public"], "--public"),
        (["--role-name", ""], "--role-name"),
    ],
    ids=["negated-flag", "negated-public", "empty-name"],
)
def test_a_false_or_empty_answer_cannot_change_a_saved_plan_either(
    flags: list[str],
    named: str,
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(moto, "plan", "--out", "p.json") == 0
    capsys.readouterr()
    moto.start_recording()
    assert main(["apply", "p.json", *flags, "--endpoint-url", moto.url, "--yes"]) == 2
    assert named in capsys.readouterr().err
    assert writes(moto.recorded()) == []


def test_a_plan_whose_answers_break_a_rule_is_refused_even_with_a_matching_digest(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The digest is no signature: a file rewritten with its digest recomputed (or written by a
    version with looser rules) still has to hold answers `plan` accepts."""
    from wizard.plan_file.document import integrity_of

    assert run(moto, "plan", "--out", "p.json") == 0
    path = workdir / "p.json"
    data = json.loads(path.read_text())
    data["settings"]["github_repo"] = "owner/repo/extra"
    data.pop("integrity")
    data["integrity"] = integrity_of(data)
    text = json.dumps(data)
    path.write_text(text)
    capsys.readouterr()
    moto.start_recording()
    assert main(["apply", "p.json", "--endpoint-url", moto.url, "--yes", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["type"] == "usage"
    assert "github_repo" in [f["field"] for f in out["error"]["fields"]]
    assert moto.recorded() == []
    assert path.read_text() == text


def test_plan_out_never_replaces_the_answers_file(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The answers file records what the wizard made; destroy goes by it."""
    assert run(moto, "apply", "--yes") == 0
    answers = workdir / "ecr-oidc-wizard.toml"
    text = answers.read_text()
    capsys.readouterr()
    assert run(moto, "plan", "--out", "ecr-oidc-wizard.toml") == 2
    assert "answers file" in capsys.readouterr().err
    assert answers.read_text() == text
