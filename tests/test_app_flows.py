"""Pilot tests of the full-screen wizard: its flows against a real moto server, and what a
person sees at 80×24 (a fake AWS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from pygments.token import Token
from rich.syntax import Syntax
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from screens.app import WizardApp
from screens.clipboard import CopyTextScreen
from screens.confirm import ConfirmScreen
from screens.help import HelpScreen
from screens.session import StepState
from screens.step_base import StepScreen
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.policy_preview import CHECK_DELAY, PolicyPreview
from screens.wording import app_words
from tests.conftest import MotoServer
from tests.test_app_support import demo_settings, fake_app, moto_app, settle, text_of
from wizard import validate
from wizard.render import plan_text


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
        # The app's way to retry, not the CLI's ("run the same command again").
        assert plan_text.RETRY_APP in shown and plan_text.RETRY_CLI not in shown
        if panel.commands:
            await pilot.press("ctrl+l")
            assert app.clipboard == "\n".join(panel.commands) + "\n"
            # No clipboard program confirmed it here: the commands are shown to select.
            if isinstance(app.screen, CopyTextScreen):
                await pilot.press("escape")
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
        # The engine's message, in the app's words (the field itself, no CLI flag).
        expected = app_words(validate.ecr_repository("Bad Name")[0].message)
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
        # Typed, not checked yet: ^g already waits.
        assert app.screen.query_one("#do-apply", Button).disabled
        await pilot.pause(CHECK_DELAY + 0.2)  # checked once typing pauses
        assert "Not valid JSON" in text_of(app, "#policy-problems")
        assert preview.text.startswith("{x")  # kept as typed
        assert app.screen.query_one("#do-apply", Button).disabled
        await pilot.press("backspace")
        await pilot.pause(CHECK_DELAY + 0.2)  # the check and the re-plan wait for a pause
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
        await pilot.pause(CHECK_DELAY + 0.2)
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


# --- usability: words for state, debounced editor, focus, what to fix, the palette ----------


def _switch_label(app: WizardApp, name: str) -> str:
    return str(app.screen.query_one(f"#field-{name}").parent.query_one(Label).render())


async def test_switches_say_on_or_off_in_words() -> None:
    """Not colour or knob position alone: the label ends with the state (NO_COLOR reads it)."""
    app = fake_app("1", settings=demo_settings(scan_on_push=True, public=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert _switch_label(app, "scan_on_push").endswith(": on")
        assert _switch_label(app, "public").endswith(": off")
        app.screen.query_one("#field-scan_on_push").focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.session.settings.scan_on_push is False
        assert _switch_label(app, "scan_on_push") == "Scan images for vulnerabilities on push: off"


async def test_every_switch_of_every_step_says_its_state() -> None:
    from screens import step_ecr, step_role

    for screen_class in (step_ecr.EcrRepositoryScreen, step_role.RoleScreen):
        switches = [f for f in screen_class.fields if f.kind == "switch"]
        assert switches
        app = fake_app(str(screen_class.number))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            for field in switches:
                value = getattr(app.session.settings, field.name)
                label = _switch_label(app, field.name)
                assert label == f"{field.caption}: {'on' if value else 'off'}"


POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::123456789012:oidc-provider/"
                    "token.actions.githubusercontent.com"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": "repo:octo-org/app:ref:"
                        "refs/heads/main",
                    }
                },
            }
        ],
    }
)


async def test_typing_a_policy_checks_and_plans_once_typing_pauses() -> None:
    """370-odd keys typed quickly: not one check (parse, lint, problems, footer) and one plan
    per key, but one after the pause."""
    app = fake_app("3")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        preview = screen.query_one(PolicyPreview)
        linted: list[object] = []
        check = preview.check
        assert check is not None
        preview.check = lambda document: (linted.append(document), check(document))[1]
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen.query_one("#policy-editor", TextArea).clear()
        await pilot.pause(CHECK_DELAY + 0.2)
        checks, plans = preview.checks, screen.plans_started
        assert len(POLICY) > 350
        await pilot.press(*POLICY)
        # Typed, not yet checked: ^g waits for the check.
        assert screen.check_action("apply", ()) is None
        await pilot.pause(CHECK_DELAY + 0.2)
        await settle(pilot)
        assert preview.text == POLICY
        assert 1 <= preview.checks - checks <= 3
        assert len(linted) <= 3
        assert 1 <= screen.plans_started - plans <= 2
        assert app.session.overrides[3] == json.loads(POLICY)
        await pilot.press("ctrl+t")  # stop editing: the checked document is shown
        await pilot.pause()
        assert not preview.editing and preview.valid


async def test_a_step_opens_with_the_cursor_in_its_first_answer() -> None:
    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # welcome: the guided path, step 1
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.number == 1
        assert app.focused is app.screen.query_one("#field-ecr_repository", Input)
        await pilot.press(*"-x")  # added to the answer, which is not selected and replaced
        await pilot.pause()
        assert app.session.settings.ecr_repository == "demo-x"


async def test_while_an_answer_is_invalid_the_status_says_which_to_fix() -> None:
    app = fake_app("1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("end", "!")
        await pilot.pause()
        status = text_of(app, "#status")
        expected = app_words(validate.settings_errors(app.session.settings, steps=(1,))[0].message)
        assert "Answers changed" not in status
        assert "Fix this first" in status and expected in status
        await pilot.press("backspace")
        await pilot.pause()
        assert "Answers changed: ^r plans again" in text_of(app, "#status")


async def test_an_invalid_answer_on_opening_is_named_in_the_status() -> None:
    app = fake_app("3", settings=demo_settings(github_repo="not a repo"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        expected = app_words(validate.github_repo("not a repo")[0].message)
        assert expected in text_of(app, "#status")


async def _palette_rows(pilot: Pilot[Any], query: str) -> list[str]:
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.5)
    found = pilot.app.screen.query_one(CommandList)
    rows = [str(getattr(o.prompt, "plain", o.prompt)) for o in found.options]
    await pilot.press("escape")
    await pilot.pause()
    return rows


async def test_the_palette_offers_the_steps_actions_and_says_when_they_wait() -> None:
    app = fake_app("3")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = await _palette_rows(pilot, "plan")
        assert any(r.startswith("Plan this step") and "not now" not in r for r in rows)
        rows = await _palette_rows(pilot, "apply")
        assert any(r.startswith("Apply this step") and "not now" not in r for r in rows)
        # An invalid answer: ^r and ^g are greyed out in the footer, and the palette says why.
        app.screen.query_one("#field-role_name", Input).value = "bad name!"
        await pilot.pause()
        rows = await _palette_rows(pilot, "plan")
        waiting = [r for r in rows if r.startswith("Plan this step")]
        assert waiting and "not now" in waiting[0] and "IAM role name" in waiting[0]


def test_every_footer_action_of_a_screen_is_in_its_palette() -> None:
    from screens import step_ecr, step_policy, step_provider, step_role, step_run, step_secrets
    from screens.doctor import DoctorScreen
    from screens.summary import SummaryScreen
    from screens.verify import VerifyScreen
    from screens.welcome import WelcomeScreen

    screens = [
        SummaryScreen,
        step_ecr.EcrRepositoryScreen,
        step_provider.OidcProviderScreen,
        step_role.RoleScreen,
        step_policy.PushPolicyScreen,
        step_secrets.GitHubSecretsScreen,
        step_run.WorkflowRunScreen,
        VerifyScreen,
        WelcomeScreen,
        DoctorScreen,
    ]
    # Screen switching and closing have their own palette entries (Go to: ..., escape).
    elsewhere = {"close"}
    for screen_class in screens:
        shown = {
            b.action
            for klass in screen_class.__mro__
            for b in getattr(klass, "BINDINGS", [])
            if isinstance(b, Binding) and b.show and "(" not in b.action
        }
        offered = {action for action, _, _ in screen_class.PALETTE}
        assert shown - elsewhere <= offered, screen_class.__name__
