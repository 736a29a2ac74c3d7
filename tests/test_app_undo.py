"""The app's Undo screen through Pilot against the moto server: the same destroy plan as the
CLI, a confirmation before anything goes, the removals, and guidance inline on a failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from screens.confirm import ConfirmScreen
from screens.session import StepState
from screens.undo import UndoScreen
from screens.welcome import WelcomeScreen
from screens.widgets.guidance_panel import GuidancePanel
from tests.conftest import MotoServer, writes
from tests.helpers import context
from tests.test_app_support import demo_settings, moto_app, settle, text_of
from wizard.render.destroy_text import RETRY_DESTROY_APP
from wizard.runner import apply_run, plan_steps
from wizard.steps import AWS_STEPS


def build(moto: MotoServer) -> dict[str, str]:
    """Steps 1-4 for the demo answers; returns what they produced (the app remembers it)."""
    ctx = context(moto.url, demo_settings())
    apply_run(ctx, plan_steps(ctx, AWS_STEPS))
    return dict(ctx.outputs)


def client(moto: MotoServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=moto.url, region_name="us-east-1")


async def test_undo_plans_asks_then_removes_what_the_wizard_made(
    moto: MotoServer, tmp_path: Path
) -> None:
    build(moto)
    app = moto_app(moto.url, start="undo", config_path=tmp_path / "ecr-oidc-wizard.toml")
    app.session.states[3] = StepState.DONE
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, UndoScreen)
        shown = text_of(app, "#undo-plan")
        assert "- delete    IAM role GitHubActionsDemoPush" in shown
        assert "Destroy plan: 4 to delete, 2 left as they are." in shown
        moto.start_recording()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no: nothing goes
        await settle(pilot)
        assert writes(moto.recorded()) == []
        moto.start_recording()
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert writes(moto.recorded()) == [
            "DeleteRolePolicy",
            "DeleteRole",
            "DeleteRepository",
            "DeleteOpenIDConnectProvider",
        ]
        assert "Nothing to remove" in text_of(app, "#undo-plan")
        assert app.session.states[3] is StepState.NOT_STARTED
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
    assert client(moto, "iam").list_roles()["Roles"] == []


async def test_f8_opens_undo_and_nothing_made_means_nothing_to_remove(moto: MotoServer) -> None:
    app = moto_app(moto.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, UndoScreen)
        assert "Nothing to remove: nothing the wizard made is left." in text_of(app, "#undo-plan")
        moto.start_recording()
        await pilot.press("ctrl+g")  # nothing to remove: no confirmation
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert writes(moto.recorded()) == []


async def test_a_denied_removal_shows_guidance_inline_and_earlier_removals_stay(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(moto)
    iam = client(moto, "iam")
    iam.create_user(UserName="dev")
    allowed = ["sts:GetCallerIdentity", "ecr:*", "iam:Get*", "iam:List*", "iam:DeleteRolePolicy"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}],
    }
    iam.put_user_policy(UserName="dev", PolicyName="limited", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    moto.auth(True)
    app = moto_app(moto.url, start="undo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        panel = app.screen.query_one(GuidancePanel)
        assert panel.shown
        shown = text_of(app, "#guidance-text")
        assert "iam:DeleteRole" in shown and RETRY_DESTROY_APP in shown
        assert "✓ done      Step 4 · Remove the ECR push policy" in text_of(app, "#undo-result")
    moto.auth(False)
    assert iam.list_role_policies(RoleName="GitHubActionsDemoPush")["PolicyNames"] == []
