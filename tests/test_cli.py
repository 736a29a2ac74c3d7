"""The CLI end to end: `python -m wizard`'s main() against a moto server over HTTP."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import MotoServer, actions, writes
from tests.helpers import GUIDE_ARGS
from wizard.cli import main


def run(moto: MotoServer, command: str, *extra: str) -> int:
    return main([command, *GUIDE_ARGS, "--endpoint-url", moto.url, *extra])


def test_apply_then_plan_shows_no_change_and_reapply_sends_no_write(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moto.start_recording()
    assert run(moto, "apply", "--yes") == 0
    first = moto.recorded()
    assert sorted(writes(first)) == sorted(
        ["CreateRepository", "CreateOpenIDConnectProvider", "CreateRole", "PutRolePolicy"]
    )
    assert actions(first).count("GetCallerIdentity") == 1
    out = capsys.readouterr().out
    assert "Plan: 4 to create, 0 to update, 0 unchanged." in out
    assert "✓ done      Step 4 · Attach ECR Permissions to Role" in out

    assert run(moto, "plan") == 0
    assert "No changes: everything already matches the plan." in capsys.readouterr().out

    moto.start_recording()
    assert run(moto, "apply", "--yes") == 0
    assert writes(moto.recorded()) == []


def test_plan_shows_the_exact_documents_and_writes_nothing(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moto.start_recording()
    assert run(moto, "plan", "--json") == 0
    assert writes(moto.recorded()) == []
    document = json.loads(capsys.readouterr().out)
    role_change = document["plan"][2]["changes"][0]
    assert role_change["action"] == "create"
    sent = json.loads(role_change["calls"][0]["params"]["AssumeRolePolicyDocument"])
    assert sent == role_change["document"]
    assert list(workdir.iterdir()) == []


def test_apply_remembers_answers_and_writes_the_documents(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "apply", "--yes") == 0
    for name in (
        "ecr-oidc-wizard.toml",
        "github-actions-trust-policy.json",
        "ecr-push-policy.json",
    ):
        mode = stat.S_IMODE((workdir / name).stat().st_mode)
        assert mode == 0o600, name
    trust = json.loads((workdir / "github-actions-trust-policy.json").read_text())
    assert trust["Statement"][0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    text = (workdir / "ecr-oidc-wizard.toml").read_text()
    assert 'role_arn = "arn:aws:iam::123456789012:role/GitHubActionsEOStatPush"' in text
    capsys.readouterr()
    # A later run needs no retyping: the file supplies every answer.
    moto.start_recording()
    assert main(["apply", "--yes", "--only", "3,4", "--endpoint-url", moto.url]) == 0
    assert writes(moto.recorded()) == []


def test_a_changed_scope_is_planned_as_an_update_with_a_diff(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(moto, "apply", "--yes") == 0
    capsys.readouterr()
    assert run(moto, "plan", "--only", "3", "--any-ref") == 0
    out = capsys.readouterr().out
    assert "~ update    IAM role GitHubActionsEOStatPush" in out
    assert any(
        line.lstrip().startswith("+") and '"repo:UNGlobalPlatform/images-datascience:*"' in line
        for line in out.splitlines()
    )
    assert "!! danger: WIDE" in out


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        (
            "--ecr-repository",
            "Onyxia-EOStat",
            "ECR repository name (--ecr-repository) 'Onyxia-EOStat'",
        ),
        ("--role-name", "x" * 65, "IAM role name (--role-name)"),
        ("--policy-name", "bad name", "inline policy name (--policy-name) 'bad name'"),
        ("--region", "us-east-9", "AWS region (--region) 'us-east-9'"),
        ("--github-repo", "not-a-repo", "GitHub repository (--github-repo) 'not-a-repo'"),
        ("--branch", "a..b", "branch (--branch) 'a..b'"),
        ("--tag-mutability", "sometimes", "tag mutability (--tag-mutability) 'sometimes'"),
        ("--thumbprint", "abc", "thumbprint (--thumbprint) 'abc'"),
    ],
)
def test_invalid_input_exits_2_names_the_field_and_sends_nothing(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    fragment: str,
) -> None:
    moto.start_recording()
    assert run(moto, "apply", "--yes", flag, value) == 2
    assert moto.recorded() == []
    err = capsys.readouterr().err
    assert fragment in err
    assert "Nothing was sent to AWS or GitHub." in err
    assert list(workdir.iterdir()) == []


def test_usage_errors_exit_2(moto: MotoServer, workdir: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["apply", "--only", "9"])
    assert exc.value.code == 2


def test_apply_without_terminal_refuses_without_yes(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    moto.start_recording()
    assert run(moto, "apply") == 2
    assert writes(moto.recorded()) == []
    assert "Re-run with --yes" in capsys.readouterr().err


def test_apply_on_a_terminal_asks_first(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    moto.start_recording()
    assert run(moto, "apply") == 0
    assert writes(moto.recorded()) == []
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    moto.start_recording()
    assert run(moto, "apply") == 0
    assert len(writes(moto.recorded())) == 4


def limited_user(moto: MotoServer, allowed: list[str]) -> dict[str, str]:
    """An IAM user in moto allowed only `allowed`; returns its keys."""
    iam = boto3.client(
        "iam",
        endpoint_url=moto.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.create_user(UserName="dev")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}],
    }
    iam.put_user_policy(UserName="dev", PolicyName="limited", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }


def test_access_denied_exits_1_with_guidance_and_a_rerun_after_the_fix_completes(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    allowed = [
        "sts:GetCallerIdentity",
        "ecr:*",
        "iam:Get*",
        "iam:List*",
        "iam:CreateOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
    ]
    for name, value in limited_user(moto, allowed).items():
        monkeypatch.setenv(name, value)
    moto.auth(True)
    assert run(moto, "apply", "--yes") == 1
    err = capsys.readouterr().err
    assert "Step 3 · Create IAM Role for GitHub Actions failed" in err
    assert "iam:CreateRole" in err
    assert "Steps before this one are kept" in err

    # The fix: an administrator grants the missing actions to the same user.
    moto.auth(False)
    iam = boto3.client(
        "iam",
        endpoint_url=moto.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateRole", "iam:TagRole", "iam:PutRolePolicy"],
                "Resource": "*",
            }
        ],
    }
    iam.put_user_policy(UserName="dev", PolicyName="fix", PolicyDocument=json.dumps(policy))
    moto.auth(True)
    moto.start_recording()
    assert run(moto, "apply", "--yes") == 0
    assert sorted(writes(moto.recorded())) == ["CreateRole", "PutRolePolicy"]


def test_json_results(moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(moto, "apply", "--yes", "--json") == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in document["results"]] == ["done"] * 4
    assert document["failed"] is None


def test_corrupt_config_is_reported_and_left_alone(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workdir / "ecr-oidc-wizard.toml"
    config.write_text("this is [not toml")
    assert run(moto, "apply", "--yes") == 2
    assert "cannot be read" in capsys.readouterr().err
    assert config.read_text() == "this is [not toml"


def test_config_from_a_newer_version_is_refused(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workdir / "ecr-oidc-wizard.toml"
    config.write_text("version = 99\n[answers]\n")
    assert run(moto, "plan") == 2
    assert "newer ecr-oidc-wizard" in capsys.readouterr().err


def test_no_credentials_is_explained(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["plan", *GUIDE_ARGS, "--endpoint-url", "http://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert "Step 1 · Create ECR Repository failed" in err
    assert "aws sso login" in err or "credential" in err.lower()


def test_explain_recognises_and_says_when_it_does_not(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    text = (
        "Error: Could not assume role with OIDC: "
        "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    )
    assert main(["explain", text, "--github-repo", "o/r", "--region", "us-east-1"]) == 0
    assert "doctor --claim repo:o/r" in capsys.readouterr().out
    assert main(["explain", "the weather is nice", "--region", "us-east-1"]) == 1
    assert "not recognised" in capsys.readouterr().out.lower()


def test_profile_and_endpoint_from_the_environment(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS_PROFILE picks credentials and region; AWS_ENDPOINT_URL picks the endpoint."""
    (workdir / "config").write_text("[profile wiz]\nregion = eu-west-1\n")
    (workdir / "credentials").write_text(
        "[wiz]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(workdir / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(workdir / "credentials"))
    monkeypatch.setenv("AWS_PROFILE", "wiz")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)
    args = ["--github-repo", "o/r", "--ecr-repository", "app", "--role-name", "R"]
    assert main(["apply", "--yes", *args, "--config", str(workdir / "w.toml")]) == 0
    assert (
        "arn:aws:ecr:eu-west-1:123456789012:repository/app"
        in (workdir / "ecr-push-policy.json").read_text()
    )


def test_a_document_the_person_wrote_is_never_overwritten(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = workdir / "github-actions-trust-policy.json"
    own.write_text('{"my": "own file"}\n')
    assert run(moto, "apply", "--yes") == 0
    assert own.read_text() == '{"my": "own file"}\n'
    applied = json.loads((workdir / "github-actions-trust-policy.applied.json").read_text())
    assert applied["Statement"][0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    out = capsys.readouterr().out
    assert "holds a document the wizard did not write" in out
    # The wizard's own earlier file is updated in place when the document changes.
    assert run(moto, "apply", "--yes", "--only", "3", "--any-ref") == 0
    push = workdir / "ecr-push-policy.json"
    assert run(moto, "apply", "--yes", "--only", "4", "--policy-name", "Other") == 0
    assert json.loads(push.read_text())["Statement"][1]["Sid"] == "PushToOneRepository"
    assert not (workdir / "ecr-push-policy.applied.json").exists()


def test_a_config_folder_that_does_not_exist_is_refused_before_anything_is_sent(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moto.start_recording()
    code = run(moto, "apply", "--yes", "--config", str(workdir / "missing" / "w.toml"))
    assert code == 2
    assert moto.recorded() == []
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_options_count_before_or_after_the_command(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str], before: bool
) -> None:
    options = ["--region", "eu-west-1", "--ecr-repository", "placed", *GUIDE_ARGS[:2]]
    options += ["--role-name", "R", "--endpoint-url", moto.url]
    argv = [*options, "plan"] if before else ["plan", *options]
    assert main(argv) == 0
    assert "ECR repository placed (eu-west-1)" in capsys.readouterr().out


def test_apply_without_a_github_token_ends_with_the_command_for_steps_5_and_6(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workdir / "answers" / "mine.toml"
    config.parent.mkdir()
    assert run(moto, "apply", "--yes", "--config", str(config)) == 0
    out = capsys.readouterr().out.rstrip().splitlines()
    command = f"$ ecr-oidc-wizard apply --only 5,6 --config {config} --endpoint-url {moto.url}"
    assert command in [line.strip() for line in out[-3:]]
    assert "need a GitHub token" in "\n".join(out[-4:])
