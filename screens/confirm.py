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
        max-height: 100%;
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
    ConfirmScreen #confirm-body {
        height: auto;
        max-height: 100%;
    }
    /* The question and the buttons stay at the bottom, in view at any size: only the plan
       above them scrolls. */
    ConfirmScreen #confirm-answer {
        dock: bottom;
        height: auto;
    }
    ConfirmScreen #confirm-buttons {
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
        # The focus stays on a button: these scroll the plan above it.
        Binding("up", "scroll_body('up')", "Scroll up", show=False),
        Binding("down", "scroll_body('down')", "Scroll down", show=False),
        Binding("pageup", "scroll_body('page_up')", "Page up", show=False),
        Binding("pagedown", "scroll_body('page_down')", "Page down", show=False),
    ]

    def __init__(
        self,
        title: str,
        lines: Sequence[str],
        question: str,
        *,
        danger: bool = False,
        yes: str = "Yes, apply",
    ) -> None:
        super().__init__(classes="-danger" if danger else "")
        self.title_text = title
        self.lines = list(lines)
        self.question = question
        self.danger = danger
        # What "yes" does, in words: "Yes, apply", "Yes, remove".
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.title_text
            with VerticalScroll(id="confirm-body"):
                yield Static(styled_lines(self.lines), id="confirm-lines")
            with Vertical(id="confirm-answer"):
                yield Static(self.question, id="confirm-question")
                with Horizontal(id="confirm-buttons"):
                    yield Button("No (n / esc)", id="confirm-no")
                    yield Button(
                        f"{self.yes} (y)",
                        id="confirm-yes",
                        variant="error" if self.danger else "primary",
                    )

    def on_mount(self) -> None:
        # Access that widens must be a deliberate choice: the safe answer is under the cursor.
        self.query_one("#confirm-no" if self.danger else "#confirm-yes", Button).focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_if_scrollable)

    def _say_if_scrollable(self) -> None:
        body = self.query_one("#confirm-body", VerticalScroll)
        box = self.query_one("#confirm-box", Vertical)
        box.border_subtitle = "↑ ↓ PgUp PgDn scroll the plan" if body.max_scroll_y > 0 else ""

    def action_scroll_body(self, how: str) -> None:
        body = self.query_one("#confirm-body", VerticalScroll)
        {
            "up": body.scroll_up,
            "down": body.scroll_down,
            "page_up": body.scroll_page_up,
            "page_down": body.scroll_page_down,
        }[how](animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
