"""Pilot tests of the full-screen wizard: its flows against a real moto server, and what a
person sees at 80×24 (a fake AWS)."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from pygments.token import Token
from rich.syntax import Syntax
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from screens.app import WizardApp
from screens.confirm import ConfirmScreen
from screens.help import HelpScreen
from screens.session import StepState
from screens.step_base import StepScreen
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.policy_preview import PolicyPreview
from tests.conftest import MotoServer
from tests.test_app_support import fake_app, moto_app, settle, text_of
from wizard import validate


def _client(moto: MotoServer, service: str):  # type: ignore[no-untyped-def]
    return boto3.client(service, endpoint_url=moto.url, region_name="us-east-1")


async def test_first_time_path_through_steps_1_to_4(moto: MotoServer, tmp_path: Path) -> None:
    config = tmp_path / "ecr-oidc-wizard.toml"
    app = moto_app(moto.url, config_path=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "+ create    ECR repository demo" in text_of(app, "#detected")
        await pilot.press("enter")  # the guided path
        for number in (1, 2, 3, 4):
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, StepScreen) and screen.number == number
            assert app.session.states[number] is StepState.PLANNED
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(pilot)
            assert app.session.states[number] is StepState.DONE, text_of(app, "#status")
            assert "no change" in text_of(app, "#plan")
            await pilot.press("ctrl+n")
    iam = _client(moto, "iam")
    assert _client(moto, "ecr").describe_repositories(repositoryNames=["demo"])["repositories"]
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    role = iam.get_role(RoleName="GitHubActionsDemoPush")["Role"]
    assert "repo:octo-org/app:ref:refs/heads/main" in str(role["AssumeRolePolicyDocument"])
    iam.get_role_policy(RoleName="GitHubActionsDemoPush", PolicyName="ECRPushPolicy")
    assert "role_arn" in config.read_text()


async def test_rerunning_one_step_changes_nothing(moto: MotoServer) -> None:
    app = moto_app(moto.url, start="1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g", "y")
        await settle(pilot)
    moto.start_recording()
    again = moto_app(moto.url, start="1")
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "No changes: everything already matches the plan." in text_of(again, "#plan")
        assert again.session.states[1] is StepState.DONE
        assert again.screen.query_one("#do-apply", Button).disabled
        await pilot.press("ctrl+g")  # nothing to apply: no confirmation appears
        await pilot.pause()
        assert not isinstance(again.screen, ConfirmScreen)
    writes = [c for c in moto.recorded() if "Create" in str(c) or "Put" in str(c)]
    assert writes == []


async def test_failure_shows_guidance_and_retries_in_place(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam = _client(moto, "iam")
    iam.create_user(UserName="limited")
    keys = iam.create_access_key(UserName="limited")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"])
    moto.auth(True)
    app = moto_app(moto.url, start="3")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        panel = screen.query_one(GuidancePanel)
        assert panel.shown
        assert app.session.states[3] is StepState.FAILED
        shown = text_of(app, "#guidance-text")
        assert "AccessDenied" in shown or "not authorized" in shown
        assert "Fix:" in shown
        if panel.commands:
            await pilot.press("ctrl+l")
            assert app.clipboard == "\n".join(panel.commands) + "\n"
        moto.auth(False)
        await pilot.press("ctrl+r")  # retry: plans again, then asks to apply
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.session.states[3] is StepState.DONE
        assert not screen.query_one(GuidancePanel).shown


async def test_invalid_input_blocks_apply_with_the_engine_message(moto: MotoServer) -> None:
    app = moto_app(moto.url, start="1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#field-ecr_repository", Input)
        box.value = ""
        box.focus()
        await pilot.press(*"Bad Name")
        await pilot.pause()
        expected = validate.ecr_repository("Bad Name")[0].message
        assert expected in text_of(app, "#error-ecr_repository")
        assert app.screen.query_one("#do-apply", Button).disabled
        assert app.screen.query_one("#do-plan", Button).disabled
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press(*["backspace"] * 8, *"good-name", "enter")
        await settle(pilot)
        assert text_of(app, "#error-ecr_repository") == ""
        assert "good-name" in text_of(app, "#plan")
        assert not app.screen.query_one("#do-apply", Button).disabled


async def test_edited_policy_invalid_json_is_kept_and_blocks(moto: MotoServer) -> None:
    app = moto_app(moto.url, start="4")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        preview = app.screen.query_one(PolicyPreview)
        assert preview.editing
        await pilot.press("end", "x")
        await pilot.pause()
        assert "Not valid JSON" in text_of(app, "#policy-problems")
        assert preview.text.startswith("{x")  # kept as typed
        assert app.screen.query_one("#do-apply", Button).disabled
        await pilot.press("backspace")
        await pilot.pause(1.0)  # the re-plan waits for typing to stop
        await settle(pilot)
        assert 4 in app.session.overrides
        assert not app.screen.query_one("#do-apply", Button).disabled


async def test_edited_trust_policy_without_sub_is_refused(moto: MotoServer) -> None:
    app = moto_app(moto.url, start="3")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        preview = app.screen.query_one(PolicyPreview)
        editor = app.screen.query_one("#policy-editor")
        text = preview.text
        start = text.index('"token.actions.githubusercontent.com:sub"')
        broken = text.replace(text[start : text.index("\n", start)], '"x:y": "z"')
        editor.load_text(broken)  # type: ignore[attr-defined]
        await pilot.pause()
        assert "high" in text_of(app, "#policy-problems") or "danger" in text_of(
            app, "#policy-problems"
        )
        assert 3 not in app.session.overrides
        assert app.screen.query_one("#do-apply", Button).disabled


async def test_help_and_palette(moto: MotoServer) -> None:
    app = moto_app(moto.url, start="2")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Step 4")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.number == 4


def _shown(app: WizardApp, widget: Widget) -> bool:
    """The widget's top row is inside the step's scrolled view (not below the fold)."""
    main = app.screen.query_one("#main")
    top = widget.region.y
    return widget.region.height > 0 and main.region.y <= top < main.region.bottom


async def test_at_80x24_inputs_are_one_row_and_the_plan_is_near() -> None:
    app = fake_app("1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-dense")
        assert all(box.compact for box in app.screen.query("#main Input").results(Input))
        assert _shown(app, app.screen.query_one("#plan"))
        # Without a border, the focused field is told by its label, underlined.
        app.screen.query_one("#field-region", Input).focus()
        await pilot.pause()
        labels = list(app.screen.query(".field-label").results(Label))
        underlined = [str(label.render()) for label in labels if label.styles.text_style.underline]
        assert underlined == ["AWS region"]
    roomy = fake_app("1")
    async with roomy.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not roomy.screen.has_class("-dense")
        assert not any(box.compact for box in roomy.screen.query("#main Input").results(Input))


async def test_plan_key_scrolls_the_status_and_plan_into_view() -> None:
    app = fake_app("3")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not _shown(app, app.screen.query_one("#plan"))  # the role's form is long
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert _shown(app, app.screen.query_one("#status"))
        assert _shown(app, app.screen.query_one("#plan"))


async def test_edit_json_focuses_the_editor_and_scrolls_it_into_view() -> None:
    app = fake_app("3")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.query_one("#policy-editor", TextArea)
        assert not _shown(app, app.screen.query_one(PolicyPreview))
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.screen.query_one(PolicyPreview).editing
        assert app.focused is editor
        assert _shown(app, editor)
        await pilot.press("ctrl+t")  # again: stop editing
        await pilot.pause()
        assert not app.screen.query_one(PolicyPreview).editing


async def test_theme_change_rehighlights_the_policy() -> None:
    app = fake_app("4")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one("#policy-view", Static)
        app.theme = "textual-dark"
        await pilot.pause()
        dark = view.content
        assert isinstance(dark, Syntax)
        app.theme = "textual-light"
        await pilot.pause()
        light = view.content
        assert isinstance(light, Syntax) and light is not dark
        expected = Syntax.get_theme("ansi_light")
        assert light._theme.get_style_for_token(Token.String) == expected.get_style_for_token(
            Token.String
        )
