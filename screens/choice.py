"""A question with named answers, each on a key and a button; escape answers "" (do nothing).

For the forks where yes/no is not enough: step 6 before steps 1-5 are done (run them first,
or go on), a followed run stopped here (leave it running on GitHub, or cancel it there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.widgets.plan_view import styled_lines


@dataclass(frozen=True)
class Choice:
    answer: str
    key: str
    label: str


class ChoiceScreen(ModalScreen[str]):
    DEFAULT_CSS = """
    ChoiceScreen {
        align: center middle;
    }
    ChoiceScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ChoiceScreen #choice-body {
        height: auto;
        max-height: 100%;
    }
    ChoiceScreen #choice-answer {
        dock: bottom;
        height: auto;
    }
    ChoiceScreen #choice-question {
        text-style: bold;
        padding: 1 0 0 0;
    }
    ChoiceScreen #choice-buttons {
        height: auto;
        align-horizontal: right;
    }
    ChoiceScreen Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "answer('')", "Back"),
    ]

    def __init__(
        self, title: str, lines: Sequence[str], question: str, choices: Sequence[Choice]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.question = question
        self.choices = list(choices)
        self._first: Button | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box") as box:
            box.border_title = self.title_text
            with VerticalScroll(id="choice-body"):
                yield Static(styled_lines(self.lines), id="choice-lines")
            with Vertical(id="choice-answer"):
                yield Static(self.question, id="choice-question")
                with Horizontal(id="choice-buttons"):
                    yield Button("Back (esc)", id="choice-")
                    for n, choice in enumerate(self.choices):
                        button = Button(
                            f"{choice.label} ({choice.key})",
                            id=f"choice-{choice.answer}",
                            variant="primary" if n == 0 else "default",
                        )
                        if n == 0:
                            self._first = button
                        yield button

    def on_mount(self) -> None:
        for choice in self.choices:
            self._bindings.bind(choice.key, f"answer({choice.answer!r})", choice.label)
        self.refresh_bindings()
        if self._first is not None:
            self._first.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id or "choice-").removeprefix("choice-"))

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
