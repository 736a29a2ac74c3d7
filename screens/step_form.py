"""A step screen's form: its layout, the inputs bound to Settings, the JSON document (steps 3
and 4), and the status line and buttons that say what can be done now.

Planning and applying are the next layer (`screens.step_workers`); `screens.step_base` adds the
keys, the other actions and the help.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
    Switch,
)

from screens.host import HostedScreen
from screens.session import StepState
from screens.step_field import Field
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.navigator import StepNavigator
from screens.widgets.plan_view import PlanView
from screens.widgets.policy_preview import PolicyPreview
from screens.widgets.state_switch import StateSwitch
from screens.wording import app_words
from wizard import validate
from wizard.plan import StepPlan
from wizard.runner import Run
from wizard.steps.base import Step, StepContext, StepResult


class StepForm(HostedScreen, Screen[None]):
    number: ClassVar[int]
    fields: ClassVar[tuple[Field, ...]] = ()
    # Steps 3 and 4 show (and let a person edit) the JSON document they send.
    has_document: ClassVar[bool] = False

    def __init__(self, step: Step[Any]) -> None:
        super().__init__()
        self.step = step
        self.run: Run | None = None
        self.results: list[StepResult] = []
        self.errors: list[validate.FieldError] = []
        self.busy = ""  # "", "plan" or "apply"
        self.stale = True
        self.policy_invalid = False
        # The document was typed in but not checked yet (screens.widgets.policy_preview).
        self._policy_pending = False

    # --- shape ----------------------------------------------------------------------------

    @property
    def plan(self) -> StepPlan | None:
        return self.run.plans[0] if self.run is not None and self.run.plans else None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield StepNavigator(
                self.wizard.step_titles, self.session.states, str(self.number), id="navigator"
            )
            with VerticalScroll(id="main"):
                yield Static(f"Step {self.number} of 6 · {self.step.title}", classes="step-title")
                yield Static(self.step.purpose, classes="step-purpose")
                with Vertical(id="form"):
                    for field in self.fields:
                        yield from self.compose_field(field)
                yield Static("", id="other-errors")
                yield from self.compose_extra()
                if self.has_document:
                    yield PolicyPreview(
                        self.document_name(),
                        check=self.check_document,
                        blink=self.wizard.blink,
                        id="policy",
                    )
                yield Static("", id="status")
                yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
                yield GuidancePanel(id="guidance")
                yield PlanView(id="plan")
                with Horizontal(id="actions"):
                    yield Button("Plan (^r)", id="do-plan")
                    yield Button("Apply (^g)", id="do-apply", variant="primary")
                    yield Button("Next step (^n)", id="do-next")
        yield Footer()

    def compose_field(self, field: Field) -> ComposeResult:
        value = getattr(self.session.settings, field.name)
        widget_id = f"field-{field.name}"
        with Vertical(classes="field"):
            if field.kind == "switch":
                yield StateSwitch(field.caption, bool(value), switch_id=widget_id)
            else:
                yield Label(field.caption, classes="field-label")
                if field.kind == "choice":
                    yield Select(
                        [(c, c) for c in field.choices],
                        value=value if value in field.choices else Select.NULL,
                        allow_blank=value not in field.choices,
                        id=widget_id,
                    )
                else:
                    text = ", ".join(value) if field.kind == "list" else str(value)
                    # A key pressed in a field adds to the answer, never replaces all of it
                    # at once (Textual's default selects the text on focus).
                    box = Input(
                        text,
                        placeholder=self._suggested(field.name) or field.placeholder,
                        id=widget_id,
                        select_on_focus=False,
                    )
                    box.cursor_blink = self.wizard.blink
                    yield box
            yield Static("", id=f"error-{field.name}", classes="field-error")

    def compose_extra(self) -> ComposeResult:
        """Step-specific widgets between the inputs and the document."""
        yield from ()

    def document_name(self) -> str:
        return ""

    def check_document(self, document: dict[str, Any]) -> tuple[list[str], bool]:
        return [], False

    def validate_steps(self) -> tuple[int, ...]:
        return (self.number,)

    def extra_errors(self) -> list[str]:
        """Input problems the engine reports outside wizard.validate (GitHub side)."""
        return []

    def prepare(self, ctx: StepContext, *, applying: bool) -> list[str]:
        """Runs in the worker before planning or applying; returns lines to show."""
        return []

    # --- density --------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.apply_density()

    def apply_density(self) -> None:
        """Below 90 columns or 32 rows, one row per input: at 80×24 the plan and the buttons
        are then a few lines below the form, not screens away. Called on resize and on mount:
        a screen opened later may see its resize before its widgets exist, and its breakpoint
        classes after its mount, so the app's size decides."""
        from screens.host import TALL_FROM, WIDE_FROM

        width, height = self.app.size
        dense = width < WIDE_FROM or height < TALL_FROM
        self.set_class(dense, "-dense")
        for widget in self.query("#main Input, #main Select, #main Button"):
            cast("Input | Select[Any] | Button", widget).compact = dense

    # --- status and what can be done now --------------------------------------------------

    def set_state(self, state: StepState) -> None:
        self.session.states[self.number] = state
        self.query_one(StepNavigator).update_states(self.session.states)

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Content.styled(app_words(text), style))

    def _sync(self) -> None:
        self.query_one("#do-plan", Button).disabled = self.check_action("plan", ()) is not True
        self.query_one("#do-apply", Button).disabled = self.check_action("apply", ()) is not True
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "plan":
            return None if self.busy or self.errors else True
        if action == "apply":
            plan = self.plan
            ready = (
                not self.busy
                and not self.errors
                and not self.stale
                and not self.policy_invalid
                and not self._policy_pending
                and plan is not None
                and plan.has_changes
            )
            return True if ready else None
        if action == "cancel":
            return bool(self.busy)
        if action in ("edit_policy", "reset_policy"):
            return self.has_document
        if action == "retry":
            return self.query_one(GuidancePanel).shown and not self.busy
        if action == "copy_commands":
            return bool(self.query_one(GuidancePanel).commands)
        return True

    def why_not(self, action: str) -> str:
        """Why `action` waits (check_action said None): shown by the command palette."""
        if self.busy:
            return "this step is running; esc cancels it"
        error = self.first_error()
        if error is not None and action in ("plan", "apply"):
            return f"fix this first: {error.message}"
        if action != "apply":
            return ""
        plan = self.plan
        if self.policy_invalid:
            return "the edited JSON document is not used as it is; fix it, or f4 resets it"
        if self._policy_pending:
            return "the edited JSON document is being checked"
        if plan is None or self.stale:
            return "plan first (^r) with the current answers"
        if not plan.has_changes:
            return "nothing to change: this step matches the plan"
        return ""

    # --- inputs ---------------------------------------------------------------------------

    def _suggested(self, name: str) -> str:
        """A name derived from the GitHub repository, shown while the field is empty."""
        from wizard.defaults import derived_names

        names = derived_names(self.session.settings.github_repo)
        value = getattr(names, name, "") if names is not None else ""
        return f"e.g. {value} (from {self.session.settings.github_repo})" if value else ""

    def _field(self, widget_id: str | None) -> Field | None:
        for field in self.fields:
            if widget_id == f"field-{field.name}":
                return field
        return None

    def _set_field(self, widget_id: str | None, raw: Any) -> None:
        field = self._field(widget_id)
        if field is None:
            return
        if field.kind == "list":
            value: Any = [part.strip() for part in str(raw).split(",") if part.strip()]
        elif field.kind == "switch":
            value = bool(raw)
        else:
            value = str(raw).strip() if raw is not Select.NULL else ""
        if getattr(self.session.settings, field.name) == value:
            return
        self.session.update(**{field.name: value})
        self.revalidate()
        self.mark_stale()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._set_field(event.input.id, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._set_field(event.select.id, event.value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self._set_field(event.switch.id, event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._field(event.input.id) is not None and not self.errors:
            self.action_plan()

    def revalidate(self) -> None:
        self.errors = validate.settings_errors(self.session.settings, steps=self.validate_steps())
        self.errors += [validate.FieldError("", "engine", e) for e in self.extra_errors()]
        shown = {f.name for f in self.fields}
        for field in self.fields:
            mine = [app_words(e.message) for e in self.errors if e.field == field.name]
            error = self.query_one(f"#error-{field.name}", Static)
            error.update(Content("\n").join(Content.styled(f"✗ {m}", "$error") for m in mine))
            # An empty message would still take a row under every field.
            error.display = bool(mine)
            self.query_one(f"#field-{field.name}").set_class(bool(mine), "-invalid")
        others = [app_words(e.message) for e in self.errors if e.field not in shown]
        other_errors = self.query_one("#other-errors", Static)
        other_errors.update(
            Content("\n").join(
                Content.styled(f"✗ {m} (asked on another step)", "$error") for m in others
            )
        )
        other_errors.display = bool(others)
        self._sync()

    def first_error(self) -> validate.FieldError | None:
        """The problem to fix first: the highest field on this screen, else any other."""
        order = {f.name: i for i, f in enumerate(self.fields)}
        if not self.errors:
            return None
        return min(self.errors, key=lambda e: order.get(e.field, len(order)))

    def say_what_to_fix(self) -> None:
        """While an answer is invalid ^r and ^g wait: the status line says what to fix, in
        the engine's words."""
        error = self.first_error()
        if error is not None:
            self.set_status(f"✗ Fix this first (^r and ^g wait for it): {error.message}", "$error")

    def mark_stale(self) -> None:
        self.stale = True
        self.results = []  # the answers changed: what was applied no longer describes them
        if not self.busy:
            if self.errors:
                self.say_what_to_fix()
            elif self.run is not None:
                self.set_status("Answers changed: ^r plans again with the new values.", "$warning")
            else:
                self.set_status("Every answer is valid: ^r plans.", "$accent")
        self._sync()

    # --- the document (steps 3, 4) --------------------------------------------------------

    def on_policy_preview_changing(self, event: PolicyPreview.Changing) -> None:
        # Once per burst of typing: ^g waits until the text is checked.
        self._policy_pending = True
        self._sync()

    def on_policy_preview_edited(self, event: PolicyPreview.Edited) -> None:
        # Posted once typing pauses, not per key: so at most one plan per pause.
        self._policy_pending = False
        self.policy_invalid = event.document is None
        if event.document is not None:
            self.session.overrides[self.number] = event.document
            self.mark_stale()
            self._replan_after_edit()
        self._sync()

    def _replan_after_edit(self) -> None:
        """Plan again so the plan shows what the edit changes. A plan of the text before
        the edit is dropped (its answer is ignored); an apply re-plans when it ends."""
        if self.errors or self.busy == "apply":
            return
        if self.busy == "plan":
            self.drop_plan()
        self.plan_again()

    def action_edit_policy(self) -> None:
        preview = self.query_one(PolicyPreview)
        if preview.editing:
            preview.stop_editing()
            self.query_one("#do-apply", Button).focus()
        else:
            preview.start_editing()
            # The editor appears where the preview was, often below the fold: bring it up
            # once it is laid out, with its top (and the border title's keys) in view.
            main = self.query_one("#main", VerticalScroll)
            self.call_after_refresh(main.scroll_to_widget, preview, top=True, animate=False)

    def action_reset_policy(self) -> None:
        self.session.overrides.pop(self.number, None)
        self.policy_invalid = False
        self.query_one(PolicyPreview).reset()
        self.mark_stale()
        self.plan_again()

    def action_plan(self) -> None:
        """Read what exists and show the plan, scrolled into view. Declared here because a
        submitted field plans; `StepWorkers` does the planning, in a thread worker."""
        raise NotImplementedError

    def plan_again(self) -> None:
        """Plan without moving the view (after an edit or a reset)."""
        raise NotImplementedError

    def drop_plan(self) -> None:
        """Forget a running plan: its answer is ignored."""
        raise NotImplementedError
