"""The app covers the whole journey and says why it waits: refusals on the status line,
verification before anything exists, the closing summary, the AWS session picked in the app."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from screens.app import WizardApp
from screens.choice import ChoiceScreen
from screens.confirm import ConfirmScreen
from screens.session import Session, StepState
from screens.verify import VerifyScreen
from screens.widgets.policy_preview import PolicyPreview
from tests.conftest import MotoServer
from tests.fake_github import FakeGitHub, isolated_fake
from tests.test_app_support import (
    FakeAws,
    FakeError,
    demo_settings,
    fake_app,
    settle,
    text_of,
)
from wizard.settings import Settings


def _footer_keys(app: object) -> list[str]:
    from textual.widgets._footer import FooterKey

    screen = app.screen  # type: ignore[attr-defined]
    return [str(key.key_display) for key in screen.query(FooterKey)]


async def test_verification_before_anything_exists_says_nothing_pushed_yet() -> None:
    aws = FakeAws()
    aws.answers["describe_images"] = FakeError(
        "RepositoryNotFoundException", "The repository with name 'demo' does not exist"
    )
    app = fake_app("verify", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, VerifyScreen)
        shown = text_of(app, "#verify-result")
        assert "Nothing pushed yet" in shown
        assert "RepositoryNotFoundException" not in shown
        # No Helm values, so neither their box nor the key that copies them.
        assert not app.screen.query_one("#helm").display
        assert app.screen.check_action("copy_helm", ()) is False


async def test_verification_of_an_empty_repository_says_nothing_pushed_yet() -> None:
    aws = FakeAws()
    aws.answers["describe_images"] = {"imageDetails": []}
    app = fake_app("verify", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Nothing pushed yet" in text_of(app, "#verify-result")
        assert app.screen.check_action("copy_helm", ()) is False


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token="ghp_journey_token", repos=["octo-org/app"]) as server:
        yield server


def _step_6_app(
    moto: MotoServer, github: FakeGitHub, workdir: Path, run_poll_seconds: float = 0.05
) -> WizardApp:
    from wizard.github_api import GitHub
    from wizard.workflow import render_workflow, workflow_spec

    settings = demo_settings(
        endpoint_url=moto.url, github_api_url=github.url, run_poll_seconds=run_poll_seconds
    )
    text = render_workflow(workflow_spec(settings))
    github.put_file("octo-org/app", f".github/workflows/{settings.workflow_file}", text)
    session = Session(settings, github=GitHub(github.token, github.url), token_source="test token")
    return WizardApp(session, start="6", blink=False)


async def test_step_6_before_steps_1_to_5_names_them_and_offers_both_ways(
    moto: MotoServer, github: FakeGitHub, workdir: Path
) -> None:
    app = _step_6_app(moto, github, workdir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen), text_of(app, "#status")
        shown = text_of(app, "#choice-lines")
        assert "Steps 1, 2, 3, 4 and 5 are not done yet" in shown
        assert "Create ECR Repository" in shown
        # Going on anyway leads to the usual confirmation of step 6's own plan.
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+g")
        await settle(pilot)
        # Running them first opens the first missing step.
        await pilot.press("r")
        await settle(pilot)
        assert getattr(app.screen, "number", None) == 1
        assert not github.repos["octo-org/app"].runs


async def test_stopping_a_followed_run_says_it_continues_and_cancels_it_on_github(
    moto: MotoServer, github: FakeGitHub, workdir: Path
) -> None:
    app = _step_6_app(moto, github, workdir, run_poll_seconds=0.5)
    app.session.states.update(dict.fromkeys(range(1, 6), StepState.DONE))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g", "y")
        screen = app.screen
        for _ in range(200):  # until the run is being followed
            await pilot.pause(0.02)
            if getattr(screen, "followed_run", 0):
                break
        assert screen.followed_run, text_of(app, "#status")
        await pilot.press("escape")
        for _ in range(200):
            await pilot.pause(0.02)
            # Pushed, and composed (its question is on screen).
            if isinstance(app.screen, ChoiceScreen) and app.screen.query("#choice-lines"):
                break
        assert isinstance(app.screen, ChoiceScreen)
        assert "continues on GitHub" in text_of(app, "#choice-lines")
        await pilot.press("c")
        await settle(pilot)
        run = github.repos["octo-org/app"].runs[0]
        assert run.conclusion_when_done == "cancelled"
        assert any(p.endswith(f"/actions/runs/{run.id}/cancel") for p in github.paths("POST"))
        assert "cancelling run" in text_of(app, "#status")


async def test_summary_lists_what_exists_how_to_undo_and_what_next() -> None:
    from screens.summary import SummaryScreen

    aws = FakeAws()  # nothing exists in this account
    app = fake_app("verify", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # from verification, the summary comes next
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = text_of(app, "#summary")
        assert "nothing yet" in shown and "not done: step 1, 2, 3, 4, 5, 6" in shown
        assert app.screen.check_action("copy_undo", ()) is False
        # Once the repository exists, it is listed with its URI and its undo command.
        aws.existing_repository(mutability="IMMUTABLE_WITH_EXCLUSION", scan=True)
        aws.answers["describe_repositories"]["repositories"][0][
            "imageTagMutabilityExclusionFilters"
        ] = [{"filterType": "WILDCARD", "filter": "latest"}]
        await pilot.press("ctrl+r")
        await settle(pilot)
        shown = text_of(app, "#summary")
        assert "✓ 1. ECR repository: 123456789012.dkr.ecr.us-east-1.amazonaws.com/demo" in shown
        assert (
            "aws ecr delete-repository --repository-name demo --force --region us-east-1" in shown
        )
        assert "What next:" in shown and "f7 opens the doctor" in shown
        assert app.screen.check_action("copy_undo", ()) is True


def _footer_overflow(app: WizardApp) -> tuple[int, list[str]]:
    """How many columns the footer's keys need, and their labels."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    need = sum(k.outer_size.width for k in keys)
    return need, [f"{k.key_display} {k.description}".strip() for k in keys]


@pytest.mark.parametrize("start", ["welcome", "1", "2", "3", "4", "5", "6", "verify"])
async def test_the_footer_fits_at_100_columns(start: str) -> None:
    app = fake_app(start)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        need, labels = _footer_overflow(app)
        assert need <= 100, labels


async def test_the_footer_fits_at_100_columns_while_a_step_runs() -> None:
    aws = FakeAws()
    gate = aws.gates["get_role"] = threading.Event()
    app = fake_app("3", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await asyncio.to_thread(aws.waiting.wait, 10)
        await pilot.pause()
        need, labels = _footer_overflow(app)
        gate.set()
        await settle(pilot)
        assert need <= 100, labels


async def test_ctrl_g_after_the_answers_changed_says_so() -> None:
    app = fake_app("1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#field-ecr_repository", Input)
        box.focus()
        await pilot.press("end", "x")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "answers changed since the plan" in text_of(app, "#status")


async def test_ctrl_g_while_a_plan_is_in_progress_says_so() -> None:
    aws = FakeAws()
    gate = aws.gates["describe_repositories"] = threading.Event()
    app = fake_app("1", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await asyncio.to_thread(aws.waiting.wait, 10)
        await pilot.press("ctrl+g")
        await pilot.pause()
        shown = text_of(app, "#status")
        gate.set()
        await settle(pilot)
        assert "a plan is in progress" in shown


async def test_ctrl_g_with_invalid_json_in_the_editor_says_why() -> None:
    app = fake_app("4")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        editor = app.screen.query_one("#policy-editor", TextArea)
        editor.focus()
        await pilot.press("end", "{")
        preview = app.screen.query_one("#policy", PolicyPreview)
        preview.check_now()
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        shown = text_of(app, "#status")
        assert "JSON in the editor is not valid" in shown and "Not valid JSON" in shown


async def test_the_welcome_screen_picks_the_aws_profile_and_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Select

    config = tmp_path / "aws-config"
    config.write_text("[profile dev]\nregion = eu-west-1\n[profile prod-admin]\n", "utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    made: list[tuple[str, str]] = []
    aws = FakeAws()

    def make_aws(settings: Settings) -> FakeAws:
        made.append((settings.profile, settings.region))
        return aws

    app = WizardApp(Session(demo_settings(), make_aws=make_aws), blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        picker = app.screen.query_one("#aws-profile", Select)
        names = [str(prompt) for prompt, _ in picker._options]
        assert names == ["(default credential chain)", "dev", "prod-admin"]
        # The identity STS returns is shown.
        assert "caller: arn:aws:iam::123456789012:user/alice" in text_of(app, "#detected")
        picker.value = "dev"
        await settle(pilot)
        assert app.session.settings.profile == "dev"
        region = app.screen.query_one("#aws-region", Input)
        region.focus()
        region.value = "eu-wst-1"
        await pilot.pause()
        assert "not a region where Amazon ECR is available" in text_of(app, "#aws-region-error")
        region.value = "eu-west-3"
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.settings.region == "eu-west-3"
        assert made[-1] == ("dev", "eu-west-3")
        assert "AWS profile: dev" in text_of(app, "#detected")


async def test_a_session_started_after_the_first_frame_is_waited_for(tmp_path: Path) -> None:
    """The sandbox's emulator starts after the first frame: nothing calls AWS before it is
    there, and then everything uses it."""
    import threading as th

    from screens.launch import Started, _start
    from wizard.settings import Remembered

    aws = FakeAws()
    events: list[str] = []
    session = Session(demo_settings(), make_aws=lambda s: events.append(s.endpoint_url) or aws)
    session.ready.clear()
    app = WizardApp(session, blink=False)
    original = app._display

    def display(screen: object, renderable: object) -> None:
        if renderable is not None and "first frame" not in events:
            events.append("first frame")
        original(screen, renderable)  # type: ignore[arg-type]

    app._display = display  # type: ignore[method-assign]

    def start_later() -> Started:
        events.append("started")
        ready = demo_settings(endpoint_url="http://127.0.0.1:5999")
        return Started(ready, tmp_path / "answers.toml", Remembered(), None, "")

    thread = th.Thread(target=_start, args=(app, session, start_later), daemon=True)
    app.after_first_frame.append(thread.start)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(100):
            if "Detecting" not in text_of(app, "#detected"):
                break
            await pilot.pause(0.05)
        assert events[:3] == ["first frame", "started", "http://127.0.0.1:5999"], events
        assert "AWS endpoint: http://127.0.0.1:5999" in text_of(app, "#detected")
        assert app.session.config_path == tmp_path / "answers.toml"
