"""The step navigator: the six steps by the guide's titles, each with a symbol and a word."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.session import STATE_MARK, StepState

STATE_STYLE = {
    StepState.NOT_STARTED: "$text-muted",
    StepState.PLANNED: "$accent",
    StepState.NEEDS_TOKEN: "$warning",
    StepState.RUNNING: "$warning",
    StepState.DONE: "$success",
    StepState.FAILED: "$error bold",
    StepState.SKIPPED: "$text-muted",
}


class StepNavigator(Vertical):
    """Lists welcome, steps 1-6, verification and the summary; selecting one posts `Selected`."""

    DEFAULT_CSS = """
    StepNavigator {
        width: 30;
        height: 1fr;
        border-right: vkey $primary;
        padding: 0;
    }
    StepNavigator > .navigator-title {
        text-style: bold;
        color: $primary;
        padding: 0 1;
    }
    StepNavigator > OptionList {
        height: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        border: none;
        padding: 0;
        background: transparent;
    }
    StepNavigator > OptionList:focus {
        border: none;
    }
    """

    class Selected(Message):
        def __init__(self, target: str) -> None:
            super().__init__()
            # "welcome", "1".."6", "verify" or "summary"
            self.target = target

    def __init__(
        self,
        titles: Mapping[int, str],
        states: Mapping[int, StepState],
        current: str,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.titles = dict(titles)
        self.states = dict(states)
        self.current = current

    def compose(self) -> ComposeResult:
        yield Static("Steps", classes="navigator-title")
        yield OptionList(*self._options(), id="navigator-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        index = options.get_option_index(self.current)
        options.highlighted = index

    def _options(self) -> list[Option]:
        options = [Option(self._line("welcome", "Welcome", None), id="welcome")]
        for number, title in self.titles.items():
            state = self.states.get(number, StepState.NOT_STARTED)
            options.append(
                Option(self._line(str(number), f"{number}. {title}", state), id=str(number))
            )
        options.append(Option(self._line("verify", "Verification", None), id="verify"))
        options.append(Option(self._line("summary", "Summary", None), id="summary"))
        return options

    def _line(self, target: str, title: str, state: StepState | None) -> Content:
        here = "▶ " if target == self.current else "  "
        head = Content.styled(here + title, "bold" if target == self.current else "")
        if state is None:
            return head
        word = Content.styled(f"    {STATE_MARK[state]} {state}", STATE_STYLE[state])
        return Content("\n").join([head, word])

    def update_states(self, states: Mapping[int, StepState]) -> None:
        self.states = dict(states)
        options = self.query_one(OptionList)
        for number in self.titles:
            state = self.states.get(number, StepState.NOT_STARTED)
            options.replace_option_prompt(
                str(number), self._line(str(number), f"{number}. {self.titles[number]}", state)
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(event.option.id))
