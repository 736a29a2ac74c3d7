"""The plan of one step as the engine words it (wizard.plan_text), with colour on top."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import Static

from screens.wording import app_words
from wizard.inert import inert
from wizard.plan import StepPlan
from wizard.render import plan_text
from wizard.steps.base import StepResult

# The line already carries its symbol and word; the style only reinforces it.
_PREFIX_STYLE = (
    ("✗", "$error bold"),
    ("!!", "$error bold"),
    ("!", "$warning"),
    ("i ", "$text-muted"),
    ("+ ", "$success"),
    ("~ ", "$warning"),
    ("- ", "$error"),
    ("= ", "$text-muted"),
    ("✓", "$success"),
    ("→", "bold"),
    ("Step ", "bold"),
    ("@@", "$accent"),
)


def line_style(line: str) -> str:
    """The style a line gets from its first symbol, or "" for none."""
    stripped = line.lstrip()
    for prefix, style in _PREFIX_STYLE:
        if stripped.startswith(prefix):
            return style
    return ""


def styled_line(line: str) -> Content:
    line = app_words(line)
    style = line_style(line)
    return Content.styled(line, style) if style else Content(line)


def styled_lines(lines: Iterable[str]) -> Content:
    # Lines can quote a log, AWS or GitHub: shown inert, whatever they hold.
    return Content("\n").join(styled_line(inert(line)) for line in lines)


class PlanView(Static):
    """Shows a plan (created, updated, left alone, with diffs and notes) and any results."""

    DEFAULT_CSS = """
    PlanView {
        height: auto;
        padding: 0 1;
        border: round $primary 50%;
        border-title-color: $primary;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.border_title = "Plan"

    def show_message(self, text: str) -> None:
        self.update(Content(text))

    def show_plan(
        self,
        plan: StepPlan,
        results: Iterable[StepResult] = (),
        *,
        documents: bool = True,
        before: Iterable[str] = (),
    ) -> None:
        lines = [*before]
        lines += [plan_text.result_line(r) for r in results if str(r.status) != "failed"]
        if lines:
            lines.append("")
        lines += plan_text.plan_lines(plan, documents=documents)
        lines += ["", plan_text.summary_line([plan])]
        self.update(styled_lines(lines))
