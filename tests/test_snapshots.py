"""Snapshots of every screen: fixed sizes, a fake AWS with fixed answers, cursor blink off.

Update with `pytest tests/test_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.test_app_support import FakeAws, FakeError, demo_settings, fake_app, settle

Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def fixed_world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr("wizard.github_token.find_token", lambda *a, **k: None)
    keyring.set_keyring(fail.Keyring())
    # Step 6 shows the workflow file path relative to the checkout it finds.
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if pressed:
            await pilot.press(*pressed)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_welcome(snap_compare: Snap, size: tuple[int, int]) -> None:
    assert snap_compare(fake_app(), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("step", ["1", "2", "3", "4", "5", "6"])
def test_step(snap_compare: Snap, step: str) -> None:
    assert snap_compare(fake_app(step), terminal_size=(100, 30), run_before=keys())


def test_role_at_80x24(snap_compare: Snap) -> None:
    assert snap_compare(fake_app("3"), terminal_size=(80, 24), run_before=keys())


def test_role_planned_at_80x24(snap_compare: Snap) -> None:
    """After ^r the status line and the plan are in view, with the buttons below them."""
    assert snap_compare(fake_app("3"), terminal_size=(80, 24), run_before=keys("ctrl+r"))


def test_github_step_needs_token_at_80x24(snap_compare: Snap) -> None:
    assert snap_compare(fake_app("5"), terminal_size=(80, 24), run_before=keys())


def test_verify(snap_compare: Snap) -> None:
    assert snap_compare(fake_app("verify"), terminal_size=(100, 30), run_before=keys())


def test_confirm(snap_compare: Snap) -> None:
    assert snap_compare(fake_app("1"), terminal_size=(100, 30), run_before=keys("ctrl+g"))


def test_confirm_widening_access(snap_compare: Snap) -> None:
    app = fake_app("3", settings=demo_settings(any_ref=True))
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys("ctrl+g"))


def test_help(snap_compare: Snap) -> None:
    assert snap_compare(fake_app("1"), terminal_size=(100, 30), run_before=keys("f1"))


def test_failure_with_guidance(snap_compare: Snap) -> None:
    aws = FakeAws()
    aws.answers["get_role"] = FakeError(
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        "iam:GetRole on resource: role GitHubActionsDemoPush",
    )
    assert snap_compare(fake_app("3", aws=aws), terminal_size=(100, 30), run_before=keys())


def test_invalid_input(snap_compare: Snap) -> None:
    app = fake_app("1", settings=demo_settings(ecr_repository="Bad Name"))
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys())


def test_editing_policy(snap_compare: Snap) -> None:
    assert snap_compare(fake_app("4"), terminal_size=(100, 30), run_before=keys("ctrl+t", "x"))


def test_confirm_at_80x24(snap_compare: Snap) -> None:
    """The plan scrolls; the question and both buttons stay in view."""
    assert snap_compare(fake_app("3"), terminal_size=(80, 24), run_before=keys("ctrl+g"))


def test_switches_without_colour(snap_compare: Snap, monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR each switch's label still says on or off."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = fake_app("1", settings=demo_settings(scan_on_push=True))
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("tab", "tab", "tab", "tab"))


def test_doctor_at_80x24(snap_compare: Snap) -> None:
    """Long findings and fixes wrap under their own text; the header keeps the app's title."""
    from screens.doctor import DoctorScreen
    from tests.test_doctor_screen import LONG

    app = fake_app("1")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(DoctorScreen(LONG))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_undo(snap_compare: Snap, moto: Any) -> None:
    """The destroy plan of what steps 1-4 made (moto: fixed account, names and ARNs)."""
    from tests.test_app_support import moto_app
    from tests.test_app_undo import build

    build(moto)
    app = moto_app(moto.url, start="undo")
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys())


def test_undo_confirm_at_80x24(snap_compare: Snap, moto: Any) -> None:
    from tests.test_app_support import moto_app
    from tests.test_app_undo import build

    build(moto)
    app = moto_app(moto.url, start="undo")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("ctrl+g"))


def test_summary(snap_compare: Snap) -> None:
    """What exists (here the repository), how to undo it, what next."""
    aws = FakeAws()
    aws.existing_repository(mutability="IMMUTABLE_WITH_EXCLUSION", scan=True)
    aws.answers["describe_repositories"]["repositories"][0][
        "imageTagMutabilityExclusionFilters"
    ] = [{"filterType": "WILDCARD", "filter": "latest"}]
    assert snap_compare(fake_app("summary", aws=aws), terminal_size=(100, 30), run_before=keys())


def test_verify_before_anything_exists(snap_compare: Snap) -> None:
    aws = FakeAws()
    aws.answers["describe_images"] = FakeError(
        "RepositoryNotFoundException", "The repository with name 'demo' does not exist"
    )
    assert snap_compare(fake_app("verify", aws=aws), terminal_size=(100, 30), run_before=keys())


def test_apply_refused_after_the_answers_changed(snap_compare: Snap) -> None:
    """^g after an edit says why it waits, on the status line."""
    assert snap_compare(
        fake_app("1"), terminal_size=(100, 30), run_before=keys("end", "x", "ctrl+g")
    )
