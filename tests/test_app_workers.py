"""Workers: slow AWS answers keep keys flowing; a running step can be cancelled; GitHub steps."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Button, Input

from screens.confirm import ConfirmScreen
from screens.help import HelpScreen
from screens.session import Session, StepState
from screens.step_base import StepScreen
from screens.verify import VerifyScreen
from tests.conftest import MotoServer
from tests.fake_github import FakeGitHub
from tests.test_app_support import FakeAws, demo_settings, fake_app, settle, text_of


async def test_slow_aws_does_not_block_keys() -> None:
    aws = FakeAws()
    gate = aws.gates["describe_repositories"] = threading.Event()
    app = fake_app("1", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await asyncio.to_thread(aws.waiting.wait, 10)
        screen = app.screen
        assert isinstance(screen, StepScreen) and screen.busy == "plan"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)  # handled while AWS has not answered
        await pilot.press("escape")
        await pilot.pause()
        box = screen.query_one("#field-ecr_repository", Input)
        box.focus()
        await pilot.press("end", *"-x")
        await pilot.pause()
        assert box.value == "demo-x"
        assert screen.busy == "plan"  # the slow call is still out
        gate.set()
        await settle(pilot)
        assert screen.busy == ""


async def test_cancel_stops_before_the_next_call() -> None:
    aws = FakeAws()
    aws.existing_repository(mutability="MUTABLE", scan=False)  # two updates planned
    gate = aws.gates["put_image_tag_mutability"] = threading.Event()
    app = fake_app("1", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Plan: 0 to create, 2 to update" in text_of(app, "#plan")
        await pilot.press("ctrl+g", "y")
        assert await asyncio.to_thread(aws.waiting.wait, 10)
        await pilot.press("escape")
        await pilot.pause()
        assert "Cancelling" in text_of(app, "#status")
        gate.set()
        await settle(pilot)
        assert "Cancelled after 1 call" in text_of(app, "#status")
    sent = [op for _, op in aws.calls if op.startswith("put_")]
    assert sent == ["put_image_tag_mutability"]


async def test_cancel_while_planning_keeps_the_screen_usable() -> None:
    aws = FakeAws()
    gate = aws.gates["get_role"] = threading.Event()
    app = fake_app("3", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await asyncio.to_thread(aws.waiting.wait, 10)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.busy == ""  # type: ignore[attr-defined]
        assert "Planning cancelled" in text_of(app, "#status")
        gate.set()
        await settle(pilot)
        assert "Planning cancelled" in text_of(app, "#status")  # the late answer is ignored


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_repo("octo-org/app")
    yield server
    server.stop()


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("wizard.github_token.find_token", lambda *a, **k: None)
    keyring.set_keyring(fail.Keyring())


async def test_github_steps_without_token_say_so(no_token: None) -> None:
    app = fake_app("5")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "No GitHub token found" in text_of(app, "#token-status")
        assert "Not checked with GitHub" in text_of(app, "#plan")
        assert app.screen.query_one("#do-apply", Button).disabled


async def test_steps_5_and_6_with_a_typed_token(
    no_token: None,
    github: FakeGitHub,
    moto: MotoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    settings = demo_settings(
        endpoint_url=moto.url, github_api_url=github.url, run_poll_seconds=0.05
    )
    from screens.app import WizardApp

    app = WizardApp(Session(settings), start="5", blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#token-input", Input)
        box.focus()
        await pilot.press(*github.token, "enter")
        await settle(pilot)
        assert box.value == ""  # the token does not stay in the widget
        assert "Using the GitHub token from the app" in text_of(app, "#token-status")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.session.states[5] is StepState.DONE, text_of(app, "#status")
        repo = github.repos["octo-org/app"]
        assert repo.secrets["AWS_REGION"] == "us-east-1"
        await pilot.press("ctrl+n")
        await settle(pilot)
        # The workflow is written locally first (f6), then put on the fake's default branch.
        await pilot.press("f6", "y")
        await pilot.pause()
        written = tmp_path / ".github" / "workflows" / "build-eostat.yml"
        assert written.exists()
        github.put_file("octo-org/app", ".github/workflows/build-eostat.yml", written.read_text())
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+g", "y")
        await settle(pilot)
        assert app.session.states[6] is StepState.DONE, text_of(app, "#status")
        assert "success" in text_of(app, "#run-view")


async def test_verification_shows_both_tags_and_helm_values() -> None:
    app = fake_app("verify")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, VerifyScreen)
        helm = text_of(app, "#helm")
        assert "demo:0.1.0-20251130-8c5f394" in helm and "demo:latest" in helm
        await pilot.press("ctrl+l")
        assert "version:" in (app.clipboard or "")
