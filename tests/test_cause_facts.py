"""Ranked causes with live facts or an answers file: the verified cause first, said so; the
sandbox scenarios that give the doctor and explain real findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.doctor.cause_facts import AnswersError, facts_from_answers, read_answers
from wizard.troubleshoot import classify, with_facts

REPO = "octo-org/hello-ecr"
DENIED = (
    "Error: Could not assume role with OIDC: Not authorized to perform "
    "sts:AssumeRoleWithWebIdentity"
)
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "Federated": (
                    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
                )
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": f"repo:{REPO}:ref:refs/heads/main",
                }
            },
        }
    ],
}


def _answers(tmp_path: Path, text: str) -> Path:
    (tmp_path / "trust.json").write_text(json.dumps(TRUST))
    path = tmp_path / "answers.toml"
    path.write_text(text)
    return path


def _ranked(message: str, path: Path) -> list[tuple[str, str]]:
    facts = facts_from_answers(read_answers(path), github_repo=REPO)
    guidance = classify(message)[0]
    return [(c.key, c.status) for c in with_facts(guidance.causes, facts)]


@pytest.mark.parametrize(
    ("job", "verified"),
    [
        ('environment = "production"', "environment"),
        ('event = "pull_request"', "pull-request"),
        ('ref = "refs/heads/dev"', "branch-or-tag"),
        ('ref = "refs/tags/v1"', "branch-or-tag"),
    ],
)
def test_the_job_the_trust_policy_refuses_is_the_verified_cause(
    tmp_path: Path, job: str, verified: str
) -> None:
    path = _answers(tmp_path, f'[job]\n{job}\n[setup]\ntrust_policy = "trust.json"\n')
    assert _ranked(DENIED, path)[0] == (verified, "verified")


def test_an_admitted_job_rules_the_sub_causes_out(tmp_path: Path) -> None:
    path = _answers(
        tmp_path, '[job]\nref = "refs/heads/main"\n[setup]\ntrust_policy = "trust.json"\n'
    )
    ranked = _ranked(DENIED, path)
    assert ranked[-3:] == [
        ("environment", "ruled out"),
        ("pull-request", "ruled out"),
        ("branch-or-tag", "ruled out"),
    ]


@pytest.mark.parametrize(
    ("setup", "message", "verified"),
    [
        (
            'audiences = ["https://github.com/octo-org"]',
            "Incorrect token audience",
            "provider-audience",
        ),
        (
            'partition = "aws-cn"\naudiences = ["sts.amazonaws.com"]',
            "Incorrect token audience",
            "provider-audience",
        ),
        ('sub_format = "immutable"', DENIED, "immutable-subject"),
        ('sub_format = "custom"', DENIED, "custom-template"),
        ('secrets = ["AWS_REGION"]', "Request ARN is invalid", "secret-missing"),
    ],
)
def test_setup_facts_verify_their_cause(
    tmp_path: Path, setup: str, message: str, verified: str
) -> None:
    path = _answers(tmp_path, f"[setup]\n{setup}\n")
    assert _ranked(message, path)[0] == (verified, "verified")


def test_china_verifies_the_china_audience_too(tmp_path: Path) -> None:
    path = _answers(tmp_path, '[setup]\npartition = "aws-cn"\naudiences = ["sts.amazonaws.com"]\n')
    assert ("china-audience", "verified") in _ranked("Incorrect token audience", path)


def test_a_present_secret_is_ruled_out(tmp_path: Path) -> None:
    path = _answers(tmp_path, '[setup]\nsecrets = ["AWS_ROLE_ARN", "AWS_REGION"]\n')
    assert _ranked("Request ARN is invalid", path)[-1] == ("secret-missing", "ruled out")


def test_cli_says_which_cause_it_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _answers(tmp_path, '[job]\nenvironment = "prod"\n[setup]\ntrust_policy = "trust.json"\n')
    config = str(tmp_path / "none.toml")
    argv = ["explain", "--config", config, "--github-repo", REPO, "--answers", str(path), DENIED]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1. [verified] The job uses an environment" in out
    assert "Verified: The job uses an environment" in out and "refuses sub repo:" in out
    assert main([*argv[:1], "--json", *argv[1:]]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["guidance"][0]["verified"] == "environment"


@pytest.mark.parametrize(
    "text", ["not toml [", "[job]\nenvironment = 'x'\n[setup]\nsub_format = 'odd'\n"]
)
def test_a_bad_answers_file_is_exit_2_naming_it(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _answers(tmp_path, text)
    with pytest.raises(AnswersError):
        read_answers(path)
    assert main(["explain", "--answers", str(path), DENIED]) == 2
    assert "--answers" in capsys.readouterr().err


def test_live_facts_in_the_sandbox_verify_the_sub_in_the_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = f"{DENIED} (sub repo:{REPO}:environment:production)"
    assert main(["explain", "--sandbox", "--live", message]) == 0
    out = capsys.readouterr().out
    assert "1. [verified] The job uses an environment" in out


def test_the_guide_scenario_gives_the_doctor_real_findings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["doctor", "--sandbox", "--scenario", "guide", "--json"])
    document = json.loads(capsys.readouterr().out)
    codes = {f["code"] for f in document["findings"]}
    assert code == 0  # medium findings only: the guide's setup works, it is just wide
    assert "version-tag-mutable" in codes
    messages = " ".join(f["message"] for f in document["findings"])
    assert f"repo:{REPO}:*" in messages


def test_live_findings_become_facts() -> None:
    from wizard.doctor import Area, Finding, Status
    from wizard.doctor.cause_facts import facts_from_live
    from wizard.doctor.reports import LiveView

    view = LiveView(
        ("assume-role-denied",),
        findings=(
            Finding(
                Area.GITHUB,
                "repo-facts",
                Status.OK,
                "o/r: id 1, default branch main, sub format immutable (repo:o@1/r@2:...)",
            ),
            Finding(Area.PROVIDER, "provider-audience", Status.HIGH, "lacks sts.amazonaws.com.cn"),
            Finding(Area.GITHUB, "github-value-ok", Status.OK, "secret AWS_ROLE_ARN exists"),
        ),
    )
    facts = facts_from_live(view)
    assert facts["immutable-subject"][0] and not facts["custom-template"][0]
    assert facts["china-audience"][0] and facts["provider-audience"][0]
    assert facts["secret-missing"] == (False, "secret AWS_ROLE_ARN exists")


def test_a_refused_run_read_live_verifies_its_branch(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", "--sandbox", "--scenario", "sub-mismatch", "--run", "latest", "--live"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1. [verified] The run is on a branch or tag the policy does not list" in out
    assert "refuses sub repo:octo-org/hello-ecr:ref:refs/heads/dev" in out
