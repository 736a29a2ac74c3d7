"""A failed step's error and the catalogue's guidance, with retry and copyable commands."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from screens.widgets.plan_view import styled_lines
from wizard.render import plan_text
from wizard.steps.base import StepResult


class GuidancePanel(Vertical):
    """Hidden until `show_failure`; posts `Retry` when asked to run the step again."""

    DEFAULT_CSS = """
    GuidancePanel {
        height: auto;
        display: none;
        border: heavy $error;
        border-title-color: $error;
        border-title-style: bold;
        padding: 0 1;
    }
    GuidancePanel.-shown {
        display: block;
    }
    GuidancePanel > Horizontal {
        height: auto;
    }
    GuidancePanel Button {
        margin-right: 1;
    }
    """

    class Retry(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "✗ Failed: what happened and how to fix it"
        self.commands: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="guidance-text")
        with Horizontal():
            yield Button("Retry (^r)", id="guidance-retry", variant="primary")
            yield Button("Copy commands (^l)", id="guidance-copy")

    def show_failure(self, result: StepResult, retry: str = plan_text.RETRY_APP) -> None:
        self.commands = [c for g in result.guidance for c in g.commands]
        self.query_one("#guidance-text", Static).update(
            styled_lines(plan_text.failure_lines(result, retry))
        )
        self.query_one("#guidance-copy", Button).display = bool(self.commands)
        self.add_class("-shown")

    def clear(self) -> None:
        self.commands = []
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def copy_commands(self) -> bool:
        """Copy the commands (or show them to select); False when there are none."""
        if not self.commands:
            return False
        from screens.clipboard import copy_text

        copy_text(self.app, "\n".join(self.commands) + "\n", f"{len(self.commands)} command(s)")
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "guidance-retry":
            self.post_message(self.Retry())
        elif event.button.id == "guidance-copy":
            self.copy_commands()
