"""A switch whose label says its state in words: "…: on" / "…: off".

A Switch tells on from off by colour and by where its knob sits; with NO_COLOR, or to a
screen reader, the two look alike. Every on/off answer in the app uses this widget.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Switch

ON, OFF = "on", "off"


def state_label(caption: str, value: bool) -> str:
    return f"{caption}: {ON if value else OFF}"


class StateSwitch(Horizontal):
    """A Switch (id `switch_id`, whose `Switch.Changed` bubbles on to the screen) and its
    label, which ends with the state word."""

    DEFAULT_CSS = """
    StateSwitch {
        height: auto;
    }
    """

    def __init__(
        self,
        caption: str,
        value: bool,
        *,
        switch_id: str,
        label_id: str | None = None,
        label_classes: str = "switch-label",
        classes: str = "switch-row",
        id: str | None = None,
    ) -> None:
        super().__init__(classes=classes, id=id)
        self.caption = caption
        self._value = value
        self._switch_id = switch_id
        self._label_id = label_id
        self._label_classes = label_classes

    def compose(self) -> ComposeResult:
        yield Switch(self._value, id=self._switch_id)
        yield Label(
            state_label(self.caption, self._value),
            id=self._label_id,
            classes=self._label_classes,
        )

    @property
    def switch(self) -> Switch:
        return self.query_one(Switch)

    @property
    def label(self) -> Label:
        return self.query_one(Label)

    def set_caption(self, caption: str) -> None:
        self.caption = caption
        self._show()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        # Not stopped: the screen binds the value to its setting.
        self._show()

    def _show(self) -> None:
        self.label.update(state_label(self.caption, self.switch.value))
