"""Help for the screen underneath: what the step does, why, how to undo it, and its keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen .help-heading {
        text-style: bold;
        color: $primary;
        margin-top: 1;
    }
    HelpScreen #help-close {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q,f1,question_mark", "close", "Close help")
    ]

    def __init__(
        self, title: str, sections: Sequence[tuple[str, str]], keys: Sequence[tuple[str, str]]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.sections = list(sections)
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Help · {self.title_text}"
            with VerticalScroll():
                for heading, text in self.sections:
                    yield Static(heading, classes="help-heading")
                    yield Static(text)
                yield Static("Keys", classes="help-heading")
                width = max((len(k) for k, _ in self.keys), default=0)
                yield Static("\n".join(f"{k:<{width}}  {d}" for k, d in self.keys), markup=False)
            yield Static("esc, q or f1 closes this help", id="help-close")

    def action_close(self) -> None:
        self.dismiss(None)
