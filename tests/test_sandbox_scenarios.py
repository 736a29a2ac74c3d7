"""The sandbox scenarios give the Doctor screen real findings: the guide followed literally,
and a run refused on its sub, opened from the Doctor screen."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from screens.app import WizardApp
from screens.doctor import DoctorScreen
from screens.session import Session
from tests.test_app_support import settle
from wizard.cli.sandbox import GITHUB_SOURCE, seed
from wizard.sandbox.box import open_sandbox
from wizard.sandbox.scenarios import GUIDE_THUMBPRINT, guide_settings
from wizard.settings import Settings


def _report(app: WizardApp) -> str:
    content = app.screen.query_one("#doctor-report", Static).content
    return str(getattr(content, "plain", content))


async def _doctor(app: WizardApp, pilot: object) -> DoctorScreen:
    await pilot.press("f7")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await app.workers.wait_for_complete()
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, DoctorScreen)
    return screen


async def test_the_guide_scenario_shows_findings_on_the_doctor_screen() -> None:
    with open_sandbox(run_seconds=0.6) as box:
        seed(box, box.settings(), scenario="guide")
        session = Session(
            box.settings(),
            config_path=box.config_path,
            github=box.github,
            token_source=GITHUB_SOURCE,
        )
        app = WizardApp(session, blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await _doctor(app, pilot)
            shown = _report(app)
            assert "hello-ecr is MUTABLE" in shown
            assert "repo:octo-org/hello-ecr:*" in shown


async def test_the_sub_mismatch_run_is_explained_from_the_doctor_screen(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with open_sandbox(run_seconds=0.6) as box:
        assert seed(box, box.settings(), scenario="sub-mismatch") is not None
        session = Session(
            box.settings(),
            config_path=box.config_path,
            github=box.github,
            token_source=GITHUB_SOURCE,
        )
        app = WizardApp(session, blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = await _doctor(app, pilot)
            await pilot.press("o")
            field = screen.query_one("#doctor-run", Input)
            field.value = "latest"
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await settle(pilot)
            shown = _report(app)
            assert "[assume-role-denied]" in shown
            assert "ref dev" in shown


def test_guide_settings_are_the_guides_choices() -> None:
    guide = guide_settings(Settings(github_repo="o/r"))
    assert guide.tag_mutability == "MUTABLE" and guide.any_ref
    assert guide.thumbprints == [GUIDE_THUMBPRINT]
    assert guide.github_values_as == "secrets"
