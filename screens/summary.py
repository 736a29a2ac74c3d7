"""The closing summary: what exists now (ARNs, URIs, secrets or variables, the workflow), how to
undo each piece, and what to do next. The words come from wizard.summary; this screen finds out
which steps are done (read-only, steps 1-5) and renders them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from screens.help import HelpScreen
from screens.host import HostedScreen
from screens.session import STEP_NUMBERS, StepState
from screens.widgets.hanging_lines import HangingLines
from screens.widgets.navigator import StepNavigator
from screens.wording import app_words


class SummaryScreen(HostedScreen, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+r", "check", "Check again", priority=True),
        Binding("ctrl+l", "copy_undo", "Copy undo commands", priority=True),
        Binding("v", "verify", "Verification"),
    ]
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("check", "Check what exists again", "^r: steps 1–5, read-only"),
        ("copy_undo", "Copy the undo commands", "^l"),
        ("verify", "Verification", "v: images, tags and Helm values"),
    )

    class Checked(Message):
        def __init__(self, done: set[int], problem: str) -> None:
            super().__init__()
            self.done = done
            self.problem = problem

    busy = ""

    def __init__(self) -> None:
        super().__init__()
        self.undo_commands: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield StepNavigator(
                self.wizard.step_titles, self.session.states, "summary", id="navigator"
            )
            with VerticalScroll(id="main"):
                yield Static("Summary", classes="step-title")
                yield Static(
                    "What the wizard set up, how to undo each piece, and what comes next.",
                    classes="step-purpose",
                )
                yield Static("", id="summary-status")
                yield Static("", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Summary"
        self.query_one("#summary").border_title = "Setup"
        self._show(self._done_in_session(), "… Checking steps 1–5 (read-only).")
        self.action_check()

    def _done_in_session(self) -> set[int]:
        return {n for n in STEP_NUMBERS if self.session.states.get(n) is StepState.DONE}

    def _show(self, done: set[int], status: str) -> None:
        from wizard.summary import items, summary_lines

        s, outputs = self.session.settings, self.session.outputs
        self.undo_commands = [c for item in items(s, outputs, done) for c in item.undo]
        # Long ARNs and commands wrap under their own text, not at the left edge.
        self.query_one("#summary", Static).update(
            HangingLines(app_words(line) for line in summary_lines(s, outputs, done, app=True))
        )
        status_line = self.query_one("#summary-status", Static)
        status_line.update(status)
        status_line.display = bool(status)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_undo":
            return bool(self.undo_commands)
        if action == "check":
            return None if self.busy else True
        return True

    def action_check(self) -> None:
        self.busy = "check"
        self.refresh_bindings()
        self.check_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="summary")
    def check_worker(self) -> None:
        from wizard.github_session import attach_github
        from wizard.prerequisites import missing_before

        steps: list[Any] = [s for n, s in sorted(self.wizard.steps.items()) if n < 6]
        try:
            ctx = self.session.context()
            # GitHub's facts (canonical name, ids) make the trust policy step 3 plans: without
            # them a role that matches would look changed.
            attach_github(ctx, steps, required=False, github=self.session.github, interactive=False)
            missing = missing_before(ctx, 6, steps)
        except Exception as exc:  # shown; the session's own record is kept
            self.post_message(self.Checked(self._done_in_session(), f"✗ Not checked: {exc}"))
            return
        done = {n for n in range(1, 6)} - {m.number for m in missing}
        self.post_message(self.Checked(done, ""))

    def on_summary_screen_checked(self, message: Checked) -> None:
        self.busy = ""
        done = set(message.done)
        # A run cannot be read back as "done": step 6 counts when it succeeded here.
        if self.session.states.get(6) is StepState.DONE:
            done.add(6)
        for n in done:
            self.session.states[n] = StepState.DONE
        self.query_one(StepNavigator).update_states(self.session.states)
        self._show(done, message.problem)

    def action_copy_undo(self) -> None:
        text = "\n".join(self.undo_commands) + "\n"
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Sent {len(self.undo_commands)} undo command(s) to the terminal's clipboard "
            "(if it accepts that); they are also shown above to select.",
        )

    def action_verify(self) -> None:
        self.wizard.open_target("verify")

    def on_step_navigator_selected(self, message: StepNavigator.Selected) -> None:
        self.wizard.open_target(message.target)

    def help_screen(self) -> HelpScreen:
        return HelpScreen(
            "Summary",
            [
                (
                    "What this shows",
                    "Each piece the steps set up, with its ARN, URI or name; the exact commands "
                    "that undo it and what that costs (f8, Undo, does them all after showing "
                    "its plan); and what to do next.",
                )
            ],
            [
                ("^r", "check steps 1–5 again (read-only)"),
                ("^l", "copy the undo commands"),
                ("v", "verification"),
                ("^p", "command palette"),
            ],
        )
