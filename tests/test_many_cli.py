"""The CLI faces of the manifest and the roll-out, through `main` against the moto server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MotoServer, writes
from tests.helpers import GUIDE_ARGS
from wizard.cli import main

ACCOUNTS = "111111111111,222222222222"


def manifest_file(directory: Path, count: int, **shared: Any) -> Path:
    lines = ["version = 1", "[answers]", 'region = "us-east-1"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in shared.items()]
    for n in range(count):
        lines += [
            "[[repositories]]",
            f'github_repo = "acme/svc-{n}"',
            f'ecr_repository = "acme/svc-{n}"',
            f'role_name = "GitHubActionsSvc{n}Push"',
        ]
    path = directory / "repositories.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_apply_manifest_prints_progress_and_a_table_then_reruns_with_no_write(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = manifest_file(workdir, 3)
    argv = ["apply", "--manifest", str(path), "--endpoint-url", moto.url, "--yes"]
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "acme/svc-2 -> acme/svc-2 (role GitHubActionsSvc2Push): + ECR repository" in out
    assert "Results" in out
    assert "✓ done" in out
    assert "3 repositories: 3 done; 10 writes." in out
    moto.start_recording()
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert writes(moto.recorded()) == []
    assert "No changes: all 3 repositories already match the plan." in out


def test_an_answers_file_with_repositories_is_a_manifest(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = manifest_file(workdir, 2)
    code, out, _ = run(
        ["plan", "--config", str(path), "--endpoint-url", moto.url, "--json"], capsys
    )
    document = json.loads(out)
    assert code == 0
    assert document["schema"] == "ecr-oidc-wizard/manifest/v1"
    assert [r["state"] for r in document["repositories"]] == ["changes planned"] * 2


def test_a_failed_repository_is_listed_with_guidance_and_exit_1(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    iam = boto3.client("iam", endpoint_url=moto.url, region_name="us-east-1")
    iam.create_role(RoleName="GitHubActionsSvc0Push", AssumeRolePolicyDocument="{}")
    path = manifest_file(workdir, 2)
    argv = ["apply", "--manifest", str(path), "--endpoint-url", moto.url, "--yes"]
    code, out, err = run(argv, capsys)
    assert code == 1
    assert "✗ failed" in out and "✓ done" in out
    assert "✗ acme/svc-0 -> acme/svc-0: step 3" in err
    assert "→ " in err  # the catalogue's guidance
    assert "only what is missing is sent" in err


def test_a_bad_manifest_is_exit_2_and_sends_nothing(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = manifest_file(workdir, 2)
    text = path.read_text().replace(
        'ecr_repository = "acme/svc-1"', 'ecr_repository = "acme/svc-0"'
    )
    path.write_text(text, encoding="utf-8")
    moto.start_recording()
    code, _, err = run(["plan", "--manifest", str(path), "--endpoint-url", moto.url], capsys)
    assert code == 2
    assert "repositories[2]: ECR repository 'acme/svc-0' is already repositories[1]'s" in err
    assert moto.recorded() == []


def test_rollout_plan_apply_and_rerun_from_the_command_line(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = [*GUIDE_ARGS, "--endpoint-url", moto.url, "--accounts", ACCOUNTS]
    common += ["--regions", "us-east-1", "--poll-seconds", "0"]
    code, out, _ = run(["rollout", "plan", *common], capsys)
    assert code == 0
    assert "+ create    instance 111111111111 us-east-1" in out
    assert "failure tolerance 0 account(s) per region, at most 1 account(s) at once" in out
    code, out, _ = run(["rollout", "apply", *common, "--yes"], capsys)
    assert code == 0
    assert "✓ SUCCEEDED 222222222222 us-east-1" in out
    assert "✓ Roll-out done: 1 operation(s) succeeded." in out
    moto.start_recording()
    code, out, _ = run(["rollout", "apply", *common, "--yes", "--json"], capsys)
    document = json.loads(out)
    assert code == 0
    assert document["result"] is None
    assert document["plan"]["calls"] == []
    assert writes(moto.recorded()) == []


class Answers:
    """The plain prompts' questions, answered from a list; records what was asked."""

    def __init__(self, *confirms: bool) -> None:
        self.confirms = list(confirms)
        self.asked: list[str] = []

    def confirm(self, message: str, default: bool) -> bool:
        self.asked.append(message)
        return self.confirms.pop(0)


def test_plain_prompts_ask_once_then_print_a_line_per_repository_and_the_table(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.cli.manifest import load, run_plain_manifest

    path = manifest_file(workdir, 2)
    args = type("Args", (), {"profile": None, "region": None, "endpoint_url": moto.url})()
    asker = Answers(True)
    assert run_plain_manifest(load(args, path), asker=asker) == 0
    out, err = capsys.readouterr()
    assert asker.asked == ["Apply these changes to 2 repositories?"]
    assert "apply [2/2] ✓ done" in err
    assert "GitHub repository  ECR repository  role" in out
    assert "acme/svc-1         acme/svc-1      GitHubActionsSvc1Push  ✓ done" in out
    no = Answers(False)
    moto.reset()
    assert run_plain_manifest(load(args, path), asker=no) == 0
    assert "Nothing was applied." in capsys.readouterr().out


def test_a_manifest_applies_in_the_sandbox_without_a_workflow_to_verify(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "repositories.toml"
    code, out, _ = run(["apply", "--sandbox", "--manifest", str(example), "--yes"], capsys)
    assert code == 0
    assert "4 repositories: 4 done" in out
    assert "Verification" not in out


def test_a_manifest_without_a_region_takes_aws_region_and_checks_it(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = manifest_file(workdir, 2)
    path.write_text(path.read_text().replace('region = "us-east-1"\n', ""), encoding="utf-8")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    code, out, _ = run(["plan", "--manifest", str(path), "--endpoint-url", moto.url], capsys)
    assert code == 0
    assert "eu-west-3" in out

    monkeypatch.setenv("AWS_REGION", "not a region")
    moto.start_recording()
    code, _, err = run(["plan", "--manifest", str(path), "--endpoint-url", moto.url], capsys)
    assert code == 2
    assert "'not a region'" in err
    assert moto.recorded() == []


def test_one_github_repository_spelled_in_two_cases_is_refused(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GitHub's sub claim carries the repository's own spelling and IAM compares it case by
    # case: one of the two spellings would never match.
    path = manifest_file(workdir, 2)
    path.write_text(
        path.read_text().replace('github_repo = "acme/svc-1"', 'github_repo = "Acme/SVC-0"'),
        encoding="utf-8",
    )
    moto.start_recording()
    code, _, err = run(["plan", "--manifest", str(path), "--endpoint-url", moto.url], capsys)
    assert code == 2
    assert "repositories[2]" in err and "'Acme/SVC-0'" in err and "'acme/svc-0'" in err
    assert moto.recorded() == []


def test_destroy_with_a_manifest_answers_file_says_it_takes_one_repository(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = manifest_file(workdir, 2)
    moto.start_recording()
    argv = ["destroy", "--config", str(path), "--endpoint-url", moto.url, "--yes"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "lists 2 repositories" in err
    assert "--ecr-repository" in err and "--role-name" in err
    assert moto.recorded() == []
