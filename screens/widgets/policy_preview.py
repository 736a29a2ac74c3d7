"""A JSON policy: highlighted while read, editable on request, checked as it is typed.

Invalid text is kept as typed and the reason shown; the screen decides what to do with a
document that parses (it becomes the step's override and the engine re-plans).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.message import Message
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Static, TextArea

from screens.widgets.json_wrap import reflow

# A checker returns (problem lines, blocking): blocking problems keep the edit from being used.
Checker = Callable[[dict[str, Any]], tuple[list[str], bool]]
# The text is checked (parsed, linted, and the screen told) once typing pauses this long, not
# on every key: checking and what follows it (re-drawing the problems, the buttons, the footer,
# a new plan) took long enough that fast typing froze the editor.
CHECK_DELAY = 0.3


class PolicyPreview(Vertical):
    DEFAULT_CSS = """
    PolicyPreview {
        height: auto;
        border: round $secondary;
        border-title-color: $secondary;
        padding: 0 1;
    }
    PolicyPreview.-editing {
        border: round $accent;
    }
    PolicyPreview.-invalid {
        border: heavy $error;
    }
    PolicyPreview > #policy-scroll {
        height: auto;
        overflow-x: auto;
        overflow-y: hidden;
    }
    PolicyPreview #policy-view {
        height: auto;
        width: auto;
    }
    PolicyPreview > TextArea {
        height: 16;
        display: none;
    }
    PolicyPreview.-editing > TextArea {
        display: block;
    }
    PolicyPreview.-editing > #policy-scroll {
        display: none;
    }
    PolicyPreview > #policy-problems {
        height: auto;
        color: $error;
    }
    """

    class Changing(Message):
        """Typing started: the text differs from what was last checked (once per burst)."""

    class Edited(Message):
        """The text was checked after typing paused: `document` is set when it parses and
        nothing blocks it."""

        def __init__(self, document: dict[str, Any] | None) -> None:
            super().__init__()
            self.document = document

    def __init__(
        self,
        name: str,
        *,
        check: Checker | None = None,
        blink: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.document_name = name
        self.check = check
        self.blink = blink
        self.text = ""
        self.edited = False
        self.valid = True
        # What the last check found in the edited text (shown under the editor).
        self.problems: list[str] = []
        self.border_title = name
        self._check_timer: Timer | None = None
        # How many times the text was checked: a burst of typing is checked once.
        self.checks = 0

    def compose(self) -> ComposeResult:
        # Lines are fitted to the width between tokens (screens.widgets.json_wrap); a single
        # token wider than the view scrolls sideways rather than being cut.
        with ScrollableContainer(id="policy-scroll"):
            yield Static("", id="policy-view")
        editor = TextArea("", id="policy-editor", soft_wrap=True, tab_behavior="indent")
        editor.cursor_blink = self.blink
        yield editor
        yield Static("", id="policy-problems")

    def on_mount(self) -> None:
        # The highlighting follows the theme's light or dark: re-render when it changes.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        if self.text and self.valid:
            self._highlight()

    @property
    def editing(self) -> bool:
        return self.has_class("-editing")

    def show_document(self, document: Any, *, edited: bool) -> None:
        """Show what the plan will send, unless the person is in the middle of editing."""
        if self.editing or (self.edited and not self.valid):
            return
        self.edited = edited
        self.text = json.dumps(document, indent=2)
        self._render_view()

    def _render_view(self) -> None:
        self._highlight()
        state = "edited by hand" if self.edited else "built from your answers"
        self.border_title = f"{self.document_name} ({state}), exactly as it will be sent"

    def on_resize(self) -> None:
        if self.text and self.valid and not self.editing:
            self._highlight()

    def _highlight(self) -> None:
        dark = self.app.current_theme.dark if self.app.current_theme else True
        width = self.content_size.width
        text = reflow(self.text, width) if width > 0 else self.text
        syntax = Syntax(
            text,
            "json",
            theme="ansi_dark" if dark else "ansi_light",
            background_color="default",
            word_wrap=False,
        )
        self.query_one("#policy-view", Static).update(syntax)

    def start_editing(self) -> None:
        editor = self.query_one(TextArea)
        if not self.editing:
            editor.load_text(self.text)
        self.add_class("-editing")
        self.border_title = f"{self.document_name}: editing (^t to stop, f4 to reset)"
        editor.focus()

    @property
    def pending(self) -> bool:
        """Typed but not checked yet."""
        return self._check_timer is not None

    def stop_editing(self) -> None:
        if self.pending:
            self.check_now()
        self.remove_class("-editing")
        if self.valid:
            self._render_view()
        else:
            self.border_title = f"{self.document_name}: invalid, not used (^t to edit)"

    def reset(self) -> None:
        self._cancel_check()
        self.edited = False
        self.valid = True
        self.problems = []
        self.remove_class("-invalid")
        self.remove_class("-editing")
        self.query_one("#policy-problems", Static).update("")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        # Loading the document into the editor is not an edit.
        if not self.editing or (not self.edited and event.text_area.text == self.text):
            return
        self.text = event.text_area.text
        self.edited = True
        if self._check_timer is None:
            self.post_message(self.Changing())
        else:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_DELAY, self.check_now)

    def _cancel_check(self) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
            self._check_timer = None

    def check_now(self) -> None:
        """Parse and check the text as typed, show its problems, and tell the screen."""
        self._cancel_check()
        self.checks += 1
        document, problems, blocking = self._parse(self.text)
        self.valid = document is not None and not blocking
        self.problems = problems
        self.set_class(not self.valid, "-invalid")
        shown = Content("\n").join(
            Content.styled(p, "$error" if blocking or document is None else "$warning")
            for p in problems
        )
        self.query_one("#policy-problems", Static).update(shown)
        self.post_message(self.Edited(document if self.valid else None))

    def _parse(self, text: str) -> tuple[dict[str, Any] | None, list[str], bool]:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            return (
                None,
                [f"✗ Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"],
                True,
            )
        if not isinstance(document, dict):
            return (
                None,
                ["✗ Not valid as a policy: the document must be a JSON object { ... }"],
                True,
            )
        if self.check is None:
            return document, [], False
        problems, blocking = self.check(document)
        return document, problems, blocking
