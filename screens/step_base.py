"""The shape every step screen shares: inputs, the document, the plan, apply, and failures.

The screen decides nothing about AWS: messages come from wizard.validate, plan lines from
wizard.plan_text, failures and their guidance from the runner. Reads and writes run in thread
workers whose results come back as messages, so the screen keeps answering keys.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
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
from textual.worker import get_current_worker

from screens.confirm import ConfirmScreen
from screens.help import HelpScreen
from screens.session import Session, StepState
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.navigator import StepNavigator
from screens.widgets.plan_view import PlanView, styled_lines
from screens.widgets.policy_preview import PolicyPreview
from wizard import plan_text, validate
from wizard.plan import Call, StepPlan
from wizard.runner import Run, apply_run, describe_error, plan_steps
from wizard.steps.base import Status, Step, StepContext, StepResult

if TYPE_CHECKING:
    from screens.app import WizardApp


@dataclass(frozen=True)
class Field:
    """One input on a step screen, bound to a Settings attribute."""

    name: str
    kind: str = "text"  # text | list | choice | switch
    choices: tuple[str, ...] = ()
    # Only for settings wizard.validate has no label for (the on/off ones).
    label: str = ""
    placeholder: str = ""

    @property
    def caption(self) -> str:
        spec = validate.FIELDS.get(self.name)
        text = spec.label if spec else self.label
        text = text[:1].upper() + text[1:]
        return f"{text}, comma-separated" if self.kind == "list" else text


class StepCancelled(BaseException):
    """Raised between calls when cancel was asked; BaseException so the runner's
    `except Exception` (which turns errors into guidance) lets it through."""


class StepScreen(Screen[None]):
    number: ClassVar[int]
    fields: ClassVar[tuple[Field, ...]] = ()
    # Steps 3 and 4 show (and let a person edit) the JSON document they send.
    has_document: ClassVar[bool] = False

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+r", "plan", "Plan", priority=True),
        Binding("ctrl+g", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel run"),
        Binding("ctrl+t", "edit_policy", "Edit JSON", priority=True),
        Binding("f4", "reset_policy", "Reset JSON"),
        Binding("ctrl+l", "copy_commands", "Copy fix", priority=True),
        Binding("ctrl+n", "next_step", "Next step", priority=True),
    ]

    # Actions offered in the command palette: (action, label, help).
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("plan", "Plan this step", "^r: read what exists and show what would change"),
        ("apply", "Apply this step", "^g: send the plan's calls, after you confirm"),
        ("cancel", "Cancel the running step", "esc: stops before the next call"),
        ("retry", "Retry this step", "plan again, then apply what remains"),
        ("edit_policy", "Edit the JSON document", "^t"),
        ("reset_policy", "Reset the JSON document", "f4: back to the one built from your answers"),
        ("copy_commands", "Copy the fix commands", "^l: to the clipboard"),
        ("next_step", "Next step", "^n"),
    )

    class Planned(Message):
        def __init__(self, generation: int, run: Run, extra: list[str]) -> None:
            super().__init__()
            self.generation = generation
            self.run = run
            # Lines the screen's `prepare` produced (e.g. what GitHub said about the repo).
            self.extra = extra

    class Progress(Message):
        def __init__(self, generation: int, call: Call) -> None:
            super().__init__()
            self.generation = generation
            self.call = call

    class Applied(Message):
        def __init__(self, generation: int, results: list[StepResult]) -> None:
            super().__init__()
            self.generation = generation
            self.results = results

    class Cancelled(Message):
        def __init__(self, generation: int, sent: int) -> None:
            super().__init__()
            self.generation = generation
            self.sent = sent

    class Crashed(Message):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    def __init__(self, step: Step[Any]) -> None:
        super().__init__()
        self.step = step
        self.run: Run | None = None
        self.results: list[StepResult] = []
        self.errors: list[validate.FieldError] = []
        self.busy = ""  # "", "plan" or "apply"
        self.stale = True
        self.policy_invalid = False
        self.calls_done = 0
        self._generation = 0
        self._cancel = threading.Event()
        self._apply_after_plan = False
        self._replan_timer: Timer | None = None
        # Said once more after the next plan (which otherwise replaces the status line).
        self._notice = ""

    # --- shape ----------------------------------------------------------------------------

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    @property
    def session(self) -> Session:
        return self.wizard.session

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
                with Horizontal(classes="switch-row"):
                    yield Switch(bool(value), id=widget_id)
                    yield Label(field.caption, classes="switch-label")
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
                    box = Input(text, placeholder=field.placeholder, id=widget_id)
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

    # --- lifecycle ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = f"Step {self.number} · {self.step.title}"
        self.query_one(ProgressBar).display = False
        self.revalidate()
        if not self.errors:
            self.action_plan()
        else:
            self.query_one(PlanView).show_message(
                "Fill in the fields above; the plan appears once every value is valid."
            )
        self._sync()

    def set_state(self, state: StepState) -> None:
        self.session.states[self.number] = state
        self.query_one(StepNavigator).update_states(self.session.states)

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Content.styled(text, style))

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

    # --- inputs ---------------------------------------------------------------------------

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
            mine = [e.message for e in self.errors if e.field == field.name]
            self.query_one(f"#error-{field.name}", Static).update(
                Content("\n").join(Content.styled(f"✗ {m}", "$error") for m in mine)
            )
            self.query_one(f"#field-{field.name}").set_class(bool(mine), "-invalid")
        others = [e.message for e in self.errors if e.field not in shown]
        self.query_one("#other-errors", Static).update(
            Content("\n").join(
                Content.styled(f"✗ {m} (asked on another step)", "$error") for m in others
            )
        )
        self._sync()

    def mark_stale(self) -> None:
        self.stale = True
        self.results = []  # the answers changed: what was applied no longer describes them
        if self.run is not None and not self.busy:
            self.set_status("Answers changed: ^r plans again with the new values.", "$warning")
        self._sync()

    # --- the document (steps 3, 4) --------------------------------------------------------

    def on_policy_preview_edited(self, event: PolicyPreview.Edited) -> None:
        self.policy_invalid = event.document is None
        if event.document is not None:
            self.session.overrides[self.number] = event.document
            self.mark_stale()
            # Re-plan shortly after typing stops so the plan shows what the edit changes.
            if self._replan_timer is not None:
                self._replan_timer.stop()
            self._replan_timer = self.set_timer(0.8, self._replan_after_edit)
        self._sync()

    def _replan_after_edit(self) -> None:
        if not self.errors and not self.busy:
            self.action_plan()

    def action_edit_policy(self) -> None:
        preview = self.query_one(PolicyPreview)
        if preview.editing:
            preview.stop_editing()
            self.query_one("#do-apply", Button).focus()
        else:
            preview.start_editing()

    def action_reset_policy(self) -> None:
        self.session.overrides.pop(self.number, None)
        self.policy_invalid = False
        self.query_one(PolicyPreview).reset()
        self.mark_stale()
        self.action_plan()

    # --- planning -------------------------------------------------------------------------

    def action_plan(self) -> None:
        if self.check_action("plan", ()) is not True:
            self.app.bell()
            return
        if self.query_one(GuidancePanel).shown:
            # After a failure, planning again is a retry: ask to apply what remains.
            self._apply_after_plan = True
        self.busy = "plan"
        self._generation += 1
        self._cancel.clear()
        self.query_one(GuidancePanel).clear()
        self.set_status("… Reading what exists (read-only calls). esc cancels.", "$accent")
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.set_state(StepState.RUNNING)
        self._sync()
        self.plan_worker(self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="step")
    def plan_worker(self, generation: int) -> None:
        ctx = self.session.context()
        try:
            extra = self.prepare(ctx, applying=False)
            run = plan_steps(ctx, [self.step])
        except Exception as exc:  # the engine turns AWS errors into results; this is a bug
            self.post_message(self.Crashed(generation, describe_error(exc)))
            return
        self.post_message(self.Planned(generation, run, extra))

    def on_step_screen_planned(self, message: Planned) -> None:
        if message.generation != self._generation:
            return
        self._finish_busy()
        self.run = message.run
        self.stale = False
        failed = message.run.failed
        if failed is not None:
            self._show_failure(failed, "Could not read what exists; nothing was changed.")
            return
        plan = self.plan
        assert plan is not None
        self.query_one(PlanView).show_plan(
            plan, self.results, documents=not self.has_document, before=message.extra
        )
        if self.has_document:
            for change in plan.changes:
                if change.document is not None:
                    self.query_one(PolicyPreview).show_document(
                        change.document, edited=self.number in self.session.overrides
                    )
        notice, self._notice = self._notice, ""
        if notice:
            self.set_state(StepState.PLANNED if plan.has_changes else StepState.DONE)
            self.set_status(notice, "$warning")
        elif plan.has_changes and self.results:
            # Some steps always have something to send again (a secret cannot be read back,
            # a test run is new each time): what was applied stays done.
            self.set_state(StepState.DONE)
            done = [plan_text.result_line(r) for r in self.results]
            self.set_status(" ".join([*done, "^g would send the plan below again."]), "$success")
        elif plan.has_changes:
            self.set_state(StepState.PLANNED)
            self.set_status("Planned. Review it, then ^g applies (you confirm first).", "$accent")
        else:
            self.set_state(StepState.DONE)
            done = [plan_text.result_line(r) for r in self.results]
            self.set_status(
                " ".join([*done, "Nothing (more) to change: this step matches the plan."]),
                "$success",
            )
            self._remember()
        self._sync()
        if self._apply_after_plan:
            self._apply_after_plan = False
            if plan.has_changes:
                self.action_apply()

    # --- applying -------------------------------------------------------------------------

    def action_apply(self) -> None:
        plan = self.plan
        if self.check_action("apply", ()) is not True or plan is None:
            self.app.bell()
            return
        lines = [*plan_text.plan_lines(plan, documents=True), "", plan_text.summary_line([plan])]
        if plan.widens_access:
            question = "This plan WIDENS access (see the notes marked !!). Apply anyway?"
        else:
            question = f"Send these {len(plan.calls)} call(s) to AWS?"
            if self.number >= 5:
                question = f"Send these {len(plan.calls)} call(s) to GitHub?"
        self.app.push_screen(
            ConfirmScreen(
                f"Step {self.number} · {self.step.title}",
                lines,
                question,
                danger=plan.widens_access,
            ),
            self._confirmed,
        )

    def _confirmed(self, answer: bool | None) -> None:
        if not answer or self.run is None or self.plan is None:
            self.set_status("Not applied: nothing was sent.", "$text-muted")
            return
        self.busy = "apply"
        self._generation += 1
        self._cancel.clear()
        self.calls_done = 0
        self.query_one(GuidancePanel).clear()
        bar = self.query_one(ProgressBar)
        bar.update(total=max(len(self.plan.calls), 1), progress=0)
        bar.display = True
        self.set_state(StepState.RUNNING)
        self.set_status("… Applying. esc cancels before the next call.", "$accent")
        self._sync()
        self.apply_worker(self._generation, self.run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="step")
    def apply_worker(self, generation: int, run: Run) -> None:
        worker = get_current_worker()

        def on_call(call: Call) -> None:
            if self._cancel.is_set() or worker.is_cancelled:
                raise StepCancelled
            self.post_message(self.Progress(generation, call))

        ctx = self.session.context(on_call=on_call)
        try:
            self.prepare(ctx, applying=True)
            results = apply_run(ctx, run)
        except StepCancelled:
            self.post_message(self.Cancelled(generation, len(ctx.sent)))
            return
        except Exception as exc:  # the runner turns step errors into results; this is a bug
            self.post_message(self.Crashed(generation, describe_error(exc)))
            return
        self.post_message(self.Applied(generation, results))

    def on_step_screen_progress(self, message: Progress) -> None:
        if message.generation != self._generation:
            return
        self.calls_done += 1
        total = len(self.plan.calls) if self.plan else 1
        call = message.call
        self.query_one(ProgressBar).update(progress=self.calls_done - 1)
        self.set_status(
            f"… Call {self.calls_done} of {total}: {call.service} {call.operation}. "
            "esc cancels before the next call.",
            "$accent",
        )

    def on_step_screen_applied(self, message: Applied) -> None:
        if message.generation != self._generation:
            return
        self._finish_busy()
        result = message.results[0] if message.results else None
        if result is None:
            return
        if result.status is Status.FAILED:
            self._show_failure(result, "")
            self._remember()
            return
        self.results = [result]
        self.set_state(StepState.DONE)
        self.set_status(plan_text.result_line(result), "$success")
        self._remember()
        self.notify(plan_text.result_line(result), title="Step applied")
        # Plan again so the screen shows what now exists (a second run changes nothing).
        self.stale = True
        self.action_plan()

    def action_cancel(self) -> None:
        if self.busy == "plan":
            self._generation += 1  # its answer will be ignored: reads change nothing
            for worker in self.workers:
                worker.cancel()
            self._finish_busy()
            self.set_state(StepState.NOT_STARTED if self.run is None else StepState.PLANNED)
            self.set_status("Planning cancelled. ^r plans again.", "$warning")
            self._sync()
        elif self.busy == "apply":
            self._cancel.set()
            for worker in self.workers:
                worker.cancel()
            self.set_status(
                "Cancelling: the call in progress finishes, nothing after it is sent.", "$warning"
            )

    def on_step_screen_cancelled(self, message: Cancelled) -> None:
        if message.generation != self._generation:
            return
        self._finish_busy()
        self.set_status(
            f"Cancelled after {message.sent} call(s); what was sent is kept. "
            "Planning again shows what remains.",
            "$warning",
        )
        self.stale = True
        self._notice = (
            f"Cancelled after {message.sent} call(s); what was sent is kept. "
            "The plan below shows what remains."
        )
        self.action_plan()

    def on_step_screen_crashed(self, message: Crashed) -> None:
        if message.generation != self._generation:
            return
        self._finish_busy()
        self.set_state(StepState.FAILED)
        self.set_status(f"✗ {message.text}", "$error bold")
        self._sync()

    def _finish_busy(self) -> None:
        self.busy = ""
        self.query_one(ProgressBar).display = False

    def _show_failure(self, result: StepResult, status: str) -> None:
        self.set_state(StepState.FAILED)
        panel = self.query_one(GuidancePanel)
        panel.show_failure(result)
        self.set_status(status or f"✗ Step {self.number} failed; see below.", "$error bold")
        self._sync()
        self.call_after_refresh(self.query_one("#main", VerticalScroll).scroll_to_widget, panel)

    def _remember(self) -> None:
        problem = self.session.remember([self.plan] if self.plan is not None else [])
        if problem:
            self.notify(problem, severity="warning")

    # --- other actions --------------------------------------------------------------------

    def on_guidance_panel_retry(self, message: GuidancePanel.Retry) -> None:
        self.action_retry()

    def action_retry(self) -> None:
        """Plan again (the cause may be fixed by now), then ask to apply what remains."""
        self.action_plan()

    def action_copy_commands(self) -> None:
        panel = self.query_one(GuidancePanel)
        if panel.copy_commands():
            self.notify(f"Copied {len(panel.commands)} command(s) to the clipboard.")

    def action_next_step(self) -> None:
        self.wizard.open_target(str(self.number + 1) if self.number < 6 else "verify")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "do-plan": self.action_plan,
            "do-apply": self.action_apply,
            "do-next": self.action_next_step,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def on_step_navigator_selected(self, message: StepNavigator.Selected) -> None:
        self.wizard.open_target(message.target)

    def help_screen(self) -> HelpScreen:
        sections = [("What this step does", self.step.purpose)]
        plan = self.plan
        if plan is not None:
            sections.append(("What it will do now", styled_lines(plan_text.plan_lines(plan)).plain))
        undo = getattr(self.step, "undo", "")
        if undo:
            sections.append(("How to undo it", str(undo)))
        sections.append(
            (
                "How this screen works",
                "Change the answers: each is checked as you type, and the engine's message "
                "appears under the field. ^r reads what exists and plans; ^g applies after you "
                "confirm. Nothing is sent before you confirm. A failure shows its cause, fix "
                "and commands here; ^r retries.",
            )
        )
        return HelpScreen(f"Step {self.number} · {self.step.title}", sections, self.key_list())

    def key_list(self) -> list[tuple[str, str]]:
        keys = [
            ("tab / shift+tab", "move between fields and buttons"),
            ("^r", "plan: read what exists, show what would change"),
            ("^g", "apply the plan (asks first)"),
            ("esc", "cancel a running step (between calls)"),
            ("^l", "copy a failure's fix commands"),
            ("^n", "next step"),
            ("^p", "command palette: jump to any step or action"),
            ("f1 or ?", "this help"),
            ("^q", "quit (answers are kept in the config file)"),
        ]
        if self.has_document:
            keys.insert(3, ("^t", "edit the JSON document (again to stop)"))
            keys.insert(4, ("f4", "reset the document to the one built from your answers"))
        return keys
