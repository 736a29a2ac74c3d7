"""The full-screen wizard in sandbox mode, driven with Pilot from welcome to verification."""

from __future__ import annotations

from typing import Any

import pytest

from screens.app import WizardApp
from screens.confirm import ConfirmScreen
from screens.session import Session, StepState
from screens.step_base import StepScreen
from screens.verify import VerifyScreen
from tests.test_app_support import settle, text_of
from wizard.cli.sandbox import GITHUB_SOURCE
from wizard.sandbox import box as sandbox_box
from wizard.sandbox.box import open_sandbox


async def publish_through_a_pull_request(pilot: Any, app: WizardApp, box: Any) -> None:
    """The sandbox's repository starts without the workflow (issue 13): f5 commits it on a
    branch and opens a pull request, f9 merges it; each asks first."""
    owner, repo = box.settings().github_repo.split("/")
    path = f".github/workflows/{box.settings().workflow_file}"
    # No local file is offered in the sandbox: its folder is removed at exit.
    assert "f5 commits the workflow to the simulated repository" in text_of(app, "#workflow-file")
    assert box.github.file_text(owner, repo, path, "main") is None
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(app.screen, ConfirmScreen)
    assert "open a pull request" in text_of(app, "#confirm-lines")
    await pilot.press("y")
    await settle(pilot)
    shown = text_of(app, "#publish-view")
    assert "Pull request: https://github.invalid/octo-org/hello-ecr/pull/1" in shown, shown
    assert box.github.file_text(owner, repo, path, "main") is None
    await pilot.press("f9")
    await settle(pilot)
    assert isinstance(app.screen, ConfirmScreen)
    await pilot.press("y")
    await settle(pilot)
    assert "The workflow is on main" in text_of(app, "#publish-view")
    assert box.github.file_text(owner, repo, path, "main") is not None


async def test_sandbox_walk_from_welcome_to_verification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sandbox_box, "POLL_SECONDS", 0.1)
    with open_sandbox(run_seconds=0.6) as box:
        session = Session(
            box.settings(),
            config_path=box.config_path,
            github=box.github,
            token_source=GITHUB_SOURCE,
            sandbox=True,
        )
        app = WizardApp(session, blink=False)
        app.title = box.title
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert "SANDBOX" in app.title
            assert f"AWS endpoint: {box.url}" in text_of(app, "#detected")
            await pilot.press("enter")
            for number in range(1, 7):
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, StepScreen) and screen.number == number
                if number in (5, 6):
                    assert "simulated GitHub of the sandbox" in text_of(app, "#token-status")
                    # No token to type or keep in a keyring: neither is offered.
                    for hidden in ("#token-input", "#token-keep-row", "#token-help"):
                        assert not screen.query_one(hidden).display, hidden
                if number == 6:
                    await publish_through_a_pull_request(pilot, app, box)
                await pilot.press("ctrl+g")
                await pilot.pause()
                assert isinstance(app.screen, ConfirmScreen)
                await pilot.press("y")
                await settle(pilot)
                assert session.states[number] is StepState.DONE, text_of(app, "#status")
                await pilot.press("ctrl+n")
            assert "success" in session.outputs.get("run_conclusion", "")
            await settle(pilot)
            assert isinstance(app.screen, VerifyScreen)
            shown = text_of(app, "#verify-result")
            assert "latest and 0.1.0-" in shown and "are the same image" in shown
            helm = app.screen.helm
            assert "# Production (immutable)" in helm and "hello-ecr:latest" in helm
