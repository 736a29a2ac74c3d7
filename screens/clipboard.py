"""Copying text so the person can paste it, saying "copied" only when it is known to be.

A terminal app has two ways to a clipboard: a clipboard program of the desktop (wl-copy,
xclip, xsel, pbcopy, clip.exe), whose exit status says whether it worked, and the OSC 52
escape sequence (Textual's `copy_to_clipboard`), which many terminals ignore (tmux without
`set-clipboard on`, macOS Terminal) and none acknowledges. So the app says "Copied" only after
a clipboard program succeeded; otherwise it still sends OSC 52 and shows the text in a window
where it can be selected with the mouse or the keyboard.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

# (program and arguments, the environment variable its display needs, or "" for none)
_PROGRAMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("wl-copy",), "WAYLAND_DISPLAY"),
    (("xclip", "-selection", "clipboard"), "DISPLAY"),
    (("xsel", "--clipboard", "--input"), "DISPLAY"),
    (("pbcopy",), "" if sys.platform == "darwin" else "-"),
    (("clip.exe",), ""),
)


def copy_with_program(text: str) -> bool:
    """True when a clipboard program of this desktop took the text (and said so)."""
    for command, display in _PROGRAMS:
        if display == "-" or (display and not os.environ.get(display)):
            continue
        path = shutil.which(command[0])
        if path is None:
            continue
        try:
            done = subprocess.run(
                [path, *command[1:]],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=3,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return True
    return False


def copy_text(app: App[object], text: str, what: str) -> bool:
    """Copy `text`; True when known copied (then a notice says so), else it is shown to
    select. `what` names it in the messages ("3 command(s)", "the Helm values")."""
    if copy_with_program(text):
        app.copy_to_clipboard(text)
        app.notify(f"Copied {what} to the clipboard.")
        return True
    # The terminal may take it (OSC 52); nothing says whether it did.
    app.copy_to_clipboard(text)
    app.push_screen(CopyTextScreen(text, what))
    return False


class CopyTextScreen(ModalScreen[None]):
    """The text to copy, selectable, when the clipboard cannot be known to have it."""

    DEFAULT_CSS = """
    CopyTextScreen {
        align: center middle;
    }
    CopyTextScreen > Vertical {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CopyTextScreen TextArea {
        height: auto;
        max-height: 20;
    }
    """

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "dismiss_screen", "Close"),
    ]

    def __init__(self, text: str, what: str) -> None:
        super().__init__()
        self.text = text
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Copy {self.what}"
            yield Static(
                "No clipboard program confirmed the copy (the terminal may or may not have "
                "taken it). Select the text below (shift+arrows, or the mouse; in tmux hold "
                "shift while dragging), then copy it with your terminal. esc closes.",
                id="copy-help",
            )
            yield TextArea(self.text, read_only=True, id="copy-text")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.select_all()

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
