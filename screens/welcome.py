"""Welcome: what the wizard will do, what it found, and where to start."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from screens.help import HelpScreen
from screens.host import HostedScreen
from screens.session import Session, StepState
from screens.widgets.navigator import StepNavigator
from screens.widgets.plan_view import styled_lines
from wizard import validate
from wizard.git_remote import git_origin_repo
from wizard.render import plan_text
from wizard.runner import describe_error, plan_steps
from wizard.steps import AWS_STEPS
from wizard.steps.base import StepContext, user_values

INTRO = (
    "This wizard takes you from an AWS account and a GitHub repository to a GitHub Actions "
    "workflow that pushes images to Amazon ECR with OpenID Connect: no long-lived AWS keys "
    "stored in GitHub. Each step shows what it will create and why, and sends nothing until "
    "you confirm. Your answers are kept in the config file for the next run."
)


# The Select value for "no profile": the standard credential chain decides.
DEFAULT_CHAIN = "(default credential chain)"


@dataclass
class Detection:
    lines: list[str] = field(default_factory=list)
    repo: str = ""
    states: dict[int, StepState] = field(default_factory=dict)
    # Profile names from the AWS config files (None: not read, e.g. in the sandbox).
    profiles: list[str] | None = None


class WelcomeScreen(HostedScreen, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("enter", "guided", "Guided path"),
        *[Binding(str(n), f"open('{n}')", f"Step {n}", show=False) for n in range(1, 7)],
        Binding("v", "open('verify')", "Verification"),
        Binding("ctrl+r", "detect", "Detect again", priority=True),
    ]
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("guided", "Start the guided path", "enter: the first step not done yet"),
        ("detect", "Detect again", "^r: identity, region, repository, what exists"),
    )

    class Detected(Message):
        def __init__(self, detection: Detection) -> None:
            super().__init__()
            self.detection = detection

    busy = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield StepNavigator(
                self.wizard.step_titles, self.session.states, "welcome", id="navigator"
            )
            with VerticalScroll(id="main"):
                yield Static("Welcome", classes="step-title")
                yield Static(INTRO, classes="step-purpose")
                with Horizontal(id="actions"):
                    yield Button("Start the guided path (enter)", id="guided", variant="primary")
                    yield Static("or press 1–6 to open a step", classes="hint")
                # The AWS session, what was detected and the six steps follow the first frame.
                yield Vertical(id="welcome-rest")
        yield Footer()

    def aws_session_box(self) -> Vertical:
        """Which AWS profile and region the steps use, changed here (never keys: the profile
        names come from the AWS config files, the credentials stay where they are)."""
        s = self.session.settings
        if self.session.aws_fixed:
            note = Static(f"Profile and region: fixed, {self.session.aws_fixed}.")
            return Vertical(note, id="aws-session")
        profile = s.profile or DEFAULT_CHAIN
        picker: Select[str] = Select(
            [(profile, profile)], value=profile, allow_blank=False, id="aws-profile", compact=True
        )
        region = Input(s.region, placeholder="e.g. us-east-1", id="aws-region", compact=True)
        region.cursor_blink = self.wizard.blink
        error = Static("", id="aws-region-error", classes="field-error")
        error.display = False
        return Vertical(
            Horizontal(Label("Profile", classes="aws-label"), picker, classes="aws-row"),
            Horizontal(Label("Region", classes="aws-label"), region, classes="aws-row"),
            error,
            id="aws-session",
        )

    def _steps_text(self) -> Content:
        lines = ["The six steps"]
        for number, step in sorted(self.wizard.steps.items()):
            lines += [f"  {number}. {step.title}", f"     {step.purpose}"]
        return Content("\n").join(
            Content.styled(line, "bold" if i == 0 else "") for i, line in enumerate(lines)
        )

    def on_mount(self) -> None:
        self.sub_title = "Welcome"
        self.query_one("#guided", Button).focus()
        # The first frame shows the welcome and the way in; the rest is mounted right after
        # it, and detection (which imports boto3 in its thread) starts after that.
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        session = self.aws_session_box()
        session.border_title = "AWS session"
        detected = Static(
            "… Detecting: AWS identity, region, repository, what exists.", id="detected"
        )
        detected.border_title = "Detected"
        await self.query_one("#welcome-rest").mount_all(
            [session, detected, Static(self._steps_text(), id="overview")]
        )
        self.action_detect()

    @property
    def _has_picker(self) -> bool:
        return not self.session.aws_fixed

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "aws-profile" or event.value is Select.NULL:
            return
        profile = "" if event.value == DEFAULT_CHAIN else str(event.value)
        if profile != self.session.settings.profile:
            self.session.update(profile=profile)
            self.action_detect()

    def on_input_changed(self, event: Input.Changed) -> None:
        # The box reports its first value too: that one is the session's, checked already
        # (and checking reads botocore's endpoint data, which the first frame must not wait for).
        if event.input.id == "aws-region" and event.value != self.session.settings.region:
            errors = validate.region(event.value.strip())
            error = self.query_one("#aws-region-error", Static)
            error.update(Content.styled(f"✗ {errors[0].message}", "$error") if errors else "")
            error.display = bool(errors)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        region = event.value.strip()
        if event.input.id != "aws-region" or validate.region(region):
            return
        if region != self.session.settings.region:
            self.session.update(region=region)
        self.action_detect()

    def action_detect(self) -> None:
        if not self.query("#detected"):
            return  # not mounted yet: it starts once it is
        self.query_one("#detected", Static).update(
            "… Detecting: AWS identity, region, repository, what exists."
        )
        self.detect_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="detect")
    def detect_worker(self) -> None:
        self.post_message(self.Detected(detect(self.session)))

    def on_welcome_screen_detected(self, message: Detected) -> None:
        found = message.detection
        if found.profiles is not None and self._has_picker:
            current = self.session.settings.profile or DEFAULT_CHAIN
            names = [DEFAULT_CHAIN, *found.profiles]
            if current not in names:
                names.append(current)
            picker = self.query_one("#aws-profile", Select)
            with picker.prevent(Select.Changed):
                picker.set_options([(name, name) for name in names])
                picker.value = current
        if found.repo and not self.session.settings.github_repo:
            self.session.update(github_repo=found.repo)
        self.session.states.update(found.states)
        self.query_one(StepNavigator).update_states(self.session.states)
        self.query_one("#detected", Static).update(styled_lines(found.lines))

    def action_guided(self) -> None:
        for number in sorted(self.wizard.steps):
            if self.session.states.get(number) is not StepState.DONE:
                self.wizard.open_target(str(number))
                return
        self.wizard.open_target("verify")

    def action_open(self, target: str) -> None:
        self.wizard.open_target(target)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "guided":
            self.action_guided()

    def on_step_navigator_selected(self, message: StepNavigator.Selected) -> None:
        self.wizard.open_target(message.target)

    def help_screen(self) -> HelpScreen:
        return HelpScreen(
            "Welcome",
            [
                ("What the wizard does", INTRO),
                (
                    "Two ways through",
                    "The guided path opens the first step not done yet; ^n moves to the next "
                    "one. Or open any step on its own (1–6, the navigator, or ^p) to re-run it: "
                    "every step reads what exists first, so a re-run changes only what differs.",
                ),
            ],
            [
                ("enter", "start the guided path"),
                ("1 … 6", "open that step"),
                ("v", "verification: images, tags, Helm values"),
                ("^r", "detect again"),
                ("^p", "command palette"),
                ("f1 or ?", "this help"),
                ("^q", "quit"),
            ],
        )


def detect(session: Session) -> Detection:
    """Runs in a worker thread: reads only, and never changes the session."""
    session.ready.wait()
    found = Detection()
    settings = session.settings
    repo = settings.github_repo
    if repo:
        found.lines.append(f"GitHub repository: {repo} (from your answers)")
    else:
        found.repo = repo = git_origin_repo()
        found.lines.append(
            f"GitHub repository: {repo} (from `git remote get-url origin`)"
            if repo
            else "GitHub repository: not found (no GitHub `origin` remote here); asked in step 3"
        )
        settings = dataclasses.replace(settings, github_repo=repo)
    region_errors = validate.region(settings.region)
    found.lines.append(
        f"AWS region: {settings.region}" if not region_errors else f"✗ {region_errors[0].message}"
    )
    if settings.endpoint_url:
        found.lines.append(f"AWS endpoint: {settings.endpoint_url}")
    if not session.aws_fixed:
        from wizard.aws import available_profiles

        try:
            found.profiles = available_profiles()
        except Exception as exc:  # a broken config file: said, and the chain still works
            found.lines.append(f"✗ AWS profiles could not be read: {describe_error(exc)}")
    if settings.profile:
        found.lines.append(f"AWS profile: {settings.profile}")
    aws = session.aws()
    try:
        identity = aws.identity()
    except Exception as exc:  # shown with the catalogue's guidance, like a failed step
        from wizard.troubleshoot import classify

        found.lines.append(f"✗ AWS identity: {describe_error(exc)}")
        ctx = StepContext(settings=settings, aws=aws)
        for guidance in classify(exc, user_values(ctx)):
            found.lines += plan_text.guidance_lines(guidance)
        return found
    found.lines.append(f"AWS account: {identity.account_id}   caller: {identity.arn}")
    found.lines.append("")
    found.lines.append("What exists (read-only check):")
    ctx = StepContext(settings=settings, aws=aws, document_overrides=dict(session.overrides))
    for step in AWS_STEPS:
        errors = validate.settings_errors(settings, steps=[step.number])
        if errors:
            found.lines.append(f"  · Step {step.number}: not checked, {errors[0].message}")
            continue
        run = plan_steps(ctx, [step])
        if run.failed is not None:
            found.lines.append(f"  ✗ Step {step.number}: {run.failed.error}")
            continue
        for plan in run.plans:
            found.lines += ["  " + plan_text.change_line(change) for change in plan.changes]
            if not plan.has_changes:
                found.states[step.number] = StepState.DONE
    return found
