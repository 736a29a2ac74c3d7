"""`--sandbox-fail`: IAM action names are case-insensitive, and an action the wizard never
calls is refused (exit 2) with the list of those it does call. A recorded sandbox run proves
the list holds every action the wizard sends as the person's IAM user."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.conftest import action_of
from wizard.cli import main
from wizard.github_session import attach_github
from wizard.runner import apply_run, plan_steps
from wizard.sandbox.box import SandboxUnavailable, open_sandbox
from wizard.sandbox.permissions import WIZARD_ACTIONS, canonical, permission_errors
from wizard.steps import all_steps
from wizard.steps.base import Status, StepContext


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("iam:createrole", "iam:CreateRole"),
        ("IAM:CreateRole", "iam:CreateRole"),
        (" ecr:CREATEREPOSITORY ", "ecr:CreateRepository"),
        ("iam:PutRolePolicy", "iam:PutRolePolicy"),
        ("iam:create*", "iam:create*"),
    ],
)
def test_actions_are_case_insensitive(typed: str, meant: str) -> None:
    assert permission_errors(typed) == []
    assert canonical(typed) == meant


@pytest.mark.parametrize("typed", ["s3:GetObject", "iam:DeleteRole", "ec2:*", "iam:Nothing*"])
def test_an_action_the_wizard_never_calls_is_refused_with_the_list(typed: str) -> None:
    [error] = permission_errors(typed)
    assert "never calls" in error
    assert "iam:CreateRole" in error and "ecr:CreateRepository" in error


def test_the_cli_refuses_it_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--sandbox-fail", "s3:GetObject"]) == 2
    err = capsys.readouterr().err
    assert "never calls" in err and "iam:PutRolePolicy" in err


def test_a_lower_case_action_fails_the_step_that_needs_it() -> None:
    with open_sandbox(fail="iam:createrole", run_seconds=0.2, chdir=False) as box:
        assert box.fail == "iam:CreateRole"
        settings = box.settings()
        ctx = StepContext(settings=settings, aws=box.aws(settings.region))
        steps = list(all_steps())[:4]
        run = plan_steps(ctx, steps)
        apply_run(ctx, run)
        failed = [r for r in run.results if r.status is Status.FAILED]
        assert [r.step for r in failed] == [3]
        assert "CreateRole" in failed[0].error


def _post(url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=b"", method="POST")
    with opener.open(request, timeout=10) as answer:
        return bytes(answer.read())


def test_every_action_a_sandbox_run_sends_is_listed() -> None:
    import os

    # Withhold an action no step needs, so the person's user is the only one with its keys.
    with open_sandbox(fail="iam:GetPolicyVersion", run_seconds=0.2, chdir=False) as box:
        key = os.environ["AWS_ACCESS_KEY_ID"]
        _post(box.url + "/moto-api/recorder/reset-recording")
        _post(box.url + "/moto-api/recorder/start-recording")
        settings = box.settings()
        ctx = StepContext(settings=settings, aws=box.aws(settings.region))
        steps = list(all_steps())
        attach_github(ctx, steps, required=True, github=box.github)
        run = plan_steps(ctx, steps)
        apply_run(ctx, run)
        _post(box.url + "/moto-api/recorder/stop-recording")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(box.url + "/moto-api/recorder/download-recording") as answer:
            records = [json.loads(x) for x in answer.read().decode().splitlines() if x.strip()]
    mine = [
        r for r in records if f"Credential={key}/" in r.get("headers", {}).get("Authorization", "")
    ]
    sent = {action_of(r) for r in mine} - {""}
    assert sent, "the recording holds the person's calls"
    listed = {re.sub(r"^[a-z-]+:", "", a) for a in WIZARD_ACTIONS}
    assert sent <= listed, sorted(sent - listed)


def test_a_bad_value_starts_nothing() -> None:
    with pytest.raises(SandboxUnavailable, match="service:Action"), open_sandbox(fail="Create"):
        pass
