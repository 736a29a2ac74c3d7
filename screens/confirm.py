"""Yes or no before anything changes in AWS or GitHub; escape always means no."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.widgets.plan_view import styled_lines


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ConfirmScreen.-danger > Vertical {
        border: thick $error;
    }
    ConfirmScreen #confirm-question {
        text-style: bold;
        padding: 1 0 0 0;
    }
    ConfirmScreen VerticalScroll {
        height: auto;
        max-height: 16;
    }
    ConfirmScreen Horizontal {
        height: auto;
        align-horizontal: right;
    }
    ConfirmScreen Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,n", "answer(False)", "No, keep as is"),
        Binding("y", "answer(True)", "Yes, apply"),
    ]

    def __init__(
        self, title: str, lines: Sequence[str], question: str, *, danger: bool = False
    ) -> None:
        super().__init__(classes="-danger" if danger else "")
        self.title_text = title
        self.lines = list(lines)
        self.question = question
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(styled_lines(self.lines), id="confirm-lines")
            yield Static(self.question, id="confirm-question")
            with Horizontal():
                yield Button("No (n / esc)", id="confirm-no")
                yield Button(
                    "Yes, apply (y)",
                    id="confirm-yes",
                    variant="error" if self.danger else "primary",
                )

    def on_mount(self) -> None:
        # Access that widens must be a deliberate choice: the safe answer is under the cursor.
        self.query_one("#confirm-no" if self.danger else "#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
