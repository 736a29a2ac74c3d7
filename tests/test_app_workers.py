"""Workers: slow AWS answers keep keys flowing; a running step can be cancelled; GitHub steps."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList

from screens.app import WizardApp
from screens.choice import ChoiceScreen
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
        # A token found by nobody: it can be typed in, and kept (or not) in words too.
        assert app.screen.query_one("#token-input").display
        assert text_of(app, "#token-keep-label").endswith(": off")
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
        # Named for the repository (octo-org/app), not the guide's build-eostat.yml.
        written = tmp_path / ".github" / "workflows" / "build-app.yml"
        assert written.exists()
        github.put_file("octo-org/app", ".github/workflows/build-app.yml", written.read_text())
        await pilot.press("ctrl+r")
        await settle(pilot)
        # Steps 1-4 were never done in this account: step 6 names them first, and going on
        # anyway leads to its usual confirmation.
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("y")
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


def _navigator_line(app: WizardApp, number: int) -> str:
    prompt = app.screen.query_one("#navigator-list", OptionList).get_option(str(number)).prompt
    return str(getattr(prompt, "plain", prompt))


async def test_github_step_without_token_says_it_needs_one(
    no_token: None, github: FakeGitHub
) -> None:
    app = fake_app("5", settings=demo_settings(github_api_url=github.url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Not "planned": apply cannot run. Symbol and word, not colour alone.
        assert app.session.states[5] is StepState.NEEDS_TOKEN
        assert "! needs token" in _navigator_line(app, 5)
        assert "Needs a GitHub token" in text_of(app, "#status")
        assert app.screen.query_one("#do-apply", Button).disabled
        box = app.screen.query_one("#token-input", Input)
        box.focus()
        await pilot.press(*github.token, "enter")
        await settle(pilot)
        assert app.session.states[5] is StepState.PLANNED
        assert "○ planned" in _navigator_line(app, 5)
        assert not app.screen.query_one("#do-apply", Button).disabled


async def test_role_without_token_is_planned_from_the_answers(no_token: None) -> None:
    app = fake_app("3")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.session.states[3] is StepState.PLANNED
        assert "Not checked with GitHub (no token)" in text_of(app, "#plan")
        assert app.session.github is None


async def test_role_uses_githubs_repository_facts(no_token: None, github: FakeGitHub) -> None:
    from wizard.github_api import GitHub

    repo = github.repos["octo-org/app"]
    repo.customization = {"use_default": True, "use_immutable_subject": True}
    settings = demo_settings(github_repo="Octo-Org/App", github_api_url=github.url)
    session = Session(
        settings,
        make_aws=lambda s: FakeAws(),
        github=GitHub(github.token, github.url),
        token_source="GitHub token from a test",
    )
    app = WizardApp(session, start="3", blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = text_of(app, "#plan")
        assert "Not checked with GitHub" not in shown
        assert f"✓ Checked with GitHub: octo-org/app (repository id {repo.id}" in shown
        assert "GitHub's name is 'octo-org/app'" in shown  # the case the token carries
        assert "immutable subject claims" in shown
        screen = app.screen
        assert isinstance(screen, StepScreen) and screen.plan is not None
        document = json.dumps([c.document for c in screen.plan.changes])
        assert f"repo:octo-org@{repo.owner_id}/app@{repo.id}:" in document
        assert "Octo-Org" not in document


async def test_role_finds_a_token_without_asking(
    no_token: None, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.github_token import Token

    monkeypatch.setattr(
        "wizard.github_token.find_token", lambda *a, **k: Token(github.token, "GH_TOKEN")
    )
    app = fake_app("3", settings=demo_settings(github_api_url=github.url))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "✓ Checked with GitHub: octo-org/app" in text_of(app, "#plan")
        # Kept for steps 5 and 6, which say where it came from.
        assert app.session.github is not None
        assert app.session.token_source == "GitHub token from GH_TOKEN"


async def test_role_plans_from_the_answers_when_github_refuses(
    no_token: None, github: FakeGitHub
) -> None:
    from wizard.github_api import GitHub

    settings = demo_settings(github_repo="octo-org/missing", github_api_url=github.url)
    session = Session(
        settings, make_aws=lambda s: FakeAws(), github=GitHub(github.token, github.url)
    )
    app = WizardApp(session, start="3", blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = text_of(app, "#plan")
        assert "GitHub could not be asked about the repository" in shown
        assert "Not checked with GitHub" in shown and "✓ Checked with GitHub" not in shown
        assert app.session.states[3] is StepState.PLANNED
