"""`doctor --claim` answers allowed (exit 0), denied (1) or cannot tell (3), naming every
condition that decided; `--context KEY=VALUE` supplies what only AWS knows at call time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.cli import main

KEY = "token.actions.githubusercontent.com"
MAIN = "repo:o/r:ref:refs/heads/main"
ARN = f"arn:aws:iam::123456789012:oidc-provider/{KEY}"


def write_policy(
    tmp_path: Path, condition: dict[str, Any], deny: dict[str, Any] | None = None
) -> Path:
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Principal": {"Federated": ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    ]
    if deny is not None:
        statements.append(
            {
                "Effect": "Deny",
                "Principal": {"Federated": ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": deny,
            }
        )
    path = tmp_path / "trust.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    return path


def claim(path: Path, *extra: str) -> list[str]:
    return [
        "doctor",
        "--trust-policy-file",
        str(path),
        "--claim",
        MAIN,
        "--region",
        "us-east-1",
        *extra,
    ]


@pytest.fixture
def kill_switch(tmp_path: Path) -> Path:
    return write_policy(
        tmp_path,
        {"StringEquals": {f"{KEY}:aud": "sts.amazonaws.com", f"{KEY}:sub": MAIN}},
        deny={"DateGreaterThan": {"aws:CurrentTime": "2026-06-01T00:00:00Z"}},
    )


def test_cannot_tell_names_the_condition_and_exits_3(
    kill_switch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(claim(kill_switch)) == 3
    out = capsys.readouterr().out
    assert "CANNOT TELL" in out
    assert "DateGreaterThan on aws:CurrentTime" in out
    assert "statement 1" in out
    assert "--context aws:CurrentTime=VALUE" in out


@pytest.mark.parametrize(
    ("when", "code", "word"),
    [
        ("2026-01-01T00:00:00Z", 0, "ALLOWED"),
        ("2026-07-01T00:00:00Z", 1, "DENIED"),
    ],
)
def test_context_supplies_the_value(
    kill_switch: Path, capsys: pytest.CaptureFixture[str], when: str, code: int, word: str
) -> None:
    assert main(claim(kill_switch, "--context", f"aws:CurrentTime={when}")) == code
    assert word in capsys.readouterr().out


def test_json_carries_the_three_answers(
    kill_switch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*claim(kill_switch), "--json"]) == 3
    document = json.loads(capsys.readouterr().out)
    assert document["exit_code"] == 3
    assert document["verdict"] == "cannot tell"
    assert document["allowed"] is False
    assert [(c["operator"], c["key"], c["outcome"]) for c in document["undecided"]] == [
        ("DateGreaterThan", "aws:CurrentTime", "unknown")
    ]


def test_every_failing_condition_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_policy(
        tmp_path,
        {
            "StringEquals": {
                f"{KEY}:aud": "sts.amazonaws.com",
                f"{KEY}:sub": "repo:o/r:environment:prod",
                f"{KEY}:repository_id": "42",
            }
        },
    )
    argv = claim(path)
    argv[argv.index(MAIN)] = f"sub={MAIN},repository_id=7"
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert f"{KEY}:sub" in out and f"{KEY}:repository_id" in out
    assert "other condition" not in out


@pytest.mark.parametrize("bad", ["aws:CurrentTime", "=x", "CurrentTime=2026-01-01"])
def test_bad_context_is_refused_with_exit_2(
    kill_switch: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    assert main(claim(kill_switch, "--context", bad)) == 2
    assert "--context" in capsys.readouterr().err


def test_context_without_a_claim_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--context", "aws:SourceIp=10.0.0.1", "--region", "us-east-1"]) == 2
    assert "--context" in capsys.readouterr().err
