"""Verification: what the workflow pushed, both tags, and the Helm values that use them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from screens.help import HelpScreen
from screens.session import Session
from screens.widgets.navigator import StepNavigator
from screens.widgets.plan_view import styled_lines
from wizard import validate
from wizard.render import plan_text
from wizard.runner import describe_error
from wizard.steps.base import StepContext, user_values

if TYPE_CHECKING:
    from screens.host import WizardHost


class VerifyScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+r", "verify", "Check again", priority=True),
        Binding("ctrl+l", "copy_helm", "Copy Helm values", priority=True),
        Binding("ctrl+n", "summary", "Summary", priority=True),
    ]
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("verify", "Check the images again", "^r"),
        ("copy_helm", "Copy the Helm values", "^l"),
        ("summary", "Summary", "^n: what exists, how to undo it, what next"),
    )

    class Verified(Message):
        def __init__(self, lines: list[str], helm: str) -> None:
            super().__init__()
            self.lines = lines
            self.helm = helm

    busy = ""

    def __init__(self) -> None:
        super().__init__()
        self.helm = ""

    @property
    def session(self) -> Session:
        return cast("WizardHost", self.app).session

    def compose(self) -> ComposeResult:
        app = cast("WizardHost", self.app)
        yield Header()
        with Horizontal(id="body"):
            yield StepNavigator(app.step_titles, self.session.states, "verify", id="navigator")
            with VerticalScroll(id="main"):
                yield Static("Verification", classes="step-title")
                yield Static(
                    "What the workflow pushed to ECR: the immutable VERSION-DATE-SHA tag, "
                    "`latest`, and the Helm values for each.",
                    classes="step-purpose",
                )
                yield Static("… Reading the images (read-only).", id="verify-result")
                helm = Static("", id="helm")
                helm.border_title = "Helm values (^l copies)"
                helm.display = False  # shown once there are values to copy
                yield helm
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Verification"
        self.action_verify()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing pushed: no Helm values, so no key for copying them either.
        if action == "copy_helm":
            return bool(self.helm)
        return True

    def action_verify(self) -> None:
        self.query_one("#verify-result", Static).update("… Reading the images (read-only).")
        self.verify_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="verify")
    def verify_worker(self) -> None:
        from wizard.verify import (
            LATEST,
            helm_values,
            read_pushed,
            repository_uri,
            verification,
            verification_text,
        )

        s = self.session.settings
        errors = [
            *validate.ecr_repository(s.ecr_repository, public=s.public),
            *validate.region(s.region),
            *validate.endpoint_url(s.endpoint_url),
        ]
        if errors:
            self.post_message(self.Verified([f"✗ {e.message}" for e in errors], ""))
            return
        aws = self.session.aws()
        try:
            identity = aws.identity()
            images = read_pushed(aws.ecr_public if s.public else aws.ecr, s.ecr_repository)
        except Exception as exc:  # shown with the catalogue's guidance
            from wizard.troubleshoot import classify

            lines = [f"✗ {describe_error(exc)}"]
            for guidance in classify(exc, user_values(StepContext(settings=s, aws=aws))):
                lines += plan_text.guidance_lines(guidance)
            self.post_message(self.Verified(lines, ""))
            return
        uri = repository_uri(
            s.ecr_repository,
            account_id=identity.account_id,
            region=s.region,
            partition=identity.partition,
            public_uri=self.session.outputs.get("repository_uri", "") if s.public else "",
        )
        found = verification(uri, images)
        helm = ""
        if found.immutable_tag:
            helm += "# Production (immutable)\n" + helm_values(uri, found.immutable_tag)
        if found.latest is not None:
            helm += "\n# Development (latest)\n" + helm_values(uri, LATEST)
        self.post_message(self.Verified(verification_text(found).splitlines(), helm))

    def on_verify_screen_verified(self, message: Verified) -> None:
        self.query_one("#verify-result", Static).update(styled_lines(message.lines))
        self.helm = message.helm.strip()
        helm = self.query_one("#helm", Static)
        helm.update(self.helm)
        helm.display = bool(self.helm)
        self.refresh_bindings()

    def action_copy_helm(self) -> None:
        if self.helm:
            from screens.clipboard import copy_text

            copy_text(self.app, self.helm + "\n", "the Helm values")

    def action_summary(self) -> None:
        cast("WizardHost", self.app).open_target("summary")

    def on_step_navigator_selected(self, message: StepNavigator.Selected) -> None:
        cast("WizardHost", self.app).open_target(message.target)

    def help_screen(self) -> HelpScreen:
        return HelpScreen(
            "Verification",
            [
                (
                    "What this checks",
                    "Lists the images in the ECR repository, finds the newest "
                    "VERSION-YYYYMMDD-SHA tag and `latest`, and gives the Helm values for each.",
                )
            ],
            [
                ("^r", "check again"),
                ("^l", "copy the Helm values"),
                ("^n", "the summary: what exists, how to undo it, what next"),
                ("^p", "command palette"),
            ],
        )
