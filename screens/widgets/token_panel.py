"""GitHub token entry: masked, never shown again, optionally kept in the OS keyring."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, Switch

from screens.widgets.state_switch import StateSwitch

KEEP = "Keep it in the OS keyring for later runs"


class TokenPanel(Vertical):
    DEFAULT_CSS = """
    TokenPanel {
        height: auto;
        border: round $secondary;
        border-title-color: $secondary;
        padding: 0 1;
    }
    TokenPanel.-missing {
        border: round $warning;
    }
    TokenPanel.-injected > #token-input, TokenPanel.-injected > #token-keep-row {
        display: none;
    }
    TokenPanel #token-keep-label {
        width: 1fr;
        padding: 1 1;
    }
    TokenPanel #token-help {
        color: $text-muted;
    }
    """

    class Submitted(Message):
        def __init__(self, value: str, keep: bool) -> None:
            super().__init__()
            self.value = value
            self.keep = keep

    def __init__(self, *, blink: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blink = blink
        self.border_title = "GitHub token"

    def compose(self) -> ComposeResult:
        yield Static("… Looking for a token (GH_TOKEN, OS keyring, gh).", id="token-status")
        box = Input(
            password=True,
            placeholder="paste a token, then enter (hidden)",
            id="token-input",
        )
        box.cursor_blink = self.blink
        yield box
        yield StateSwitch(
            KEEP,
            False,
            switch_id="token-keep",
            label_id="token-keep-label",
            label_classes="",
            id="token-keep-row",
        )
        yield Static("", id="token-help")

    def show(
        self,
        status: str,
        *,
        found: bool,
        help_text: str = "",
        keyring: str = "",
        injected: bool = False,
    ) -> None:
        """`injected`: the GitHub in use was given to the app (the sandbox's simulation), so
        there is no token to type or keep: only the status line is shown."""
        self.query_one("#token-status", Static).update(status)
        self.set_class(not found, "-missing")
        self.set_class(injected, "-injected")
        help_box = self.query_one("#token-help", Static)
        help_box.update(help_text if not found else "")
        help_box.display = not found and bool(help_text)
        keep = self.query_one("#token-keep", Switch)
        keep.disabled = bool(keyring)
        if keyring:
            keep.value = False
            self.query_one(StateSwitch).set_caption(
                "Keep it in the OS keyring (unavailable here: use GH_TOKEN, see f1)"
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "token-input":
            return
        event.stop()
        value = event.value.strip()
        event.input.value = ""  # the token is not kept in the widget
        if value:
            self.post_message(self.Submitted(value, self.query_one("#token-keep", Switch).value))
