"""Planning and applying a step in thread workers whose answers come back as messages, so the
screen keeps answering keys.

Every run has a generation number: the answer of a run that was cancelled or replaced is
ignored. Cancelling an apply stops before the next call (`StepCancelled`), never inside one.
"""

from __future__ import annotations

import threading
from typing import Any

from textual import events, work
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from screens.confirm import ConfirmScreen
from screens.session import StepState
from screens.step_form import StepForm
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.plan_view import PlanView
from screens.widgets.policy_preview import PolicyPreview
from wizard.plan import Call
from wizard.render import plan_text
from wizard.runner import Run, apply_run, describe_error, plan_steps
from wizard.settings import Settings
from wizard.steps.base import Status, Step, StepResult


class StepCancelled(BaseException):
    """Raised between calls when cancel was asked; BaseException so the runner's
    `except Exception` (which turns errors into guidance) lets it through."""


class StepWorkers(StepForm):
    # The messages are StepScreen's to the rest of the app: `namespace` keeps their handler
    # names (on_step_screen_planned, ...) what they were when they were declared there.
    class Planned(Message, namespace="step_screen"):
        def __init__(
            self, generation: int, run: Run, extra: list[str], settings: Settings | None = None
        ) -> None:
            super().__init__()
            self.generation = generation
            self.run = run
            # Lines the screen's `prepare` produced (e.g. what GitHub said about the repo).
            self.extra = extra
            # The answers the plan was made from: `prepare` may have put GitHub's facts
            # (canonical name, ids, subject format) in place of what was typed.
            self.settings = settings

    class Progress(Message, namespace="step_screen"):
        def __init__(self, generation: int, call: Call) -> None:
            super().__init__()
            self.generation = generation
            self.call = call

    class Applied(Message, namespace="step_screen"):
        def __init__(self, generation: int, results: list[StepResult]) -> None:
            super().__init__()
            self.generation = generation
            self.results = results

    class Cancelled(Message, namespace="step_screen"):
        def __init__(self, generation: int, sent: int) -> None:
            super().__init__()
            self.generation = generation
            self.sent = sent

    class Crashed(Message, namespace="step_screen"):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    def __init__(self, step: Step[Any]) -> None:
        super().__init__(step)
        self.calls_done = 0
        self._generation = 0
        self._cancel = threading.Event()
        self._apply_after_plan = False
        # Said once more after the next plan (which otherwise replaces the status line).
        self._notice = ""
        self._reveal_plan = False
        self.planned_settings: Settings | None = None
        # How many plans were started (tests count them: typing must not start one per key).
        self.plans_started = 0

    # --- planning -------------------------------------------------------------------------

    def action_plan(self) -> None:
        """Plan because the person asked (^r, the button, enter in a field, retry): the status
        line and the plan are scrolled into view, which at 80×24 sit below the form."""
        if self.check_action("plan", ()) is not True:
            self.app.bell()
            return
        self._reveal_plan = True
        self.plan_again()
        self.reveal_plan()

    def plan_again(self) -> None:
        """Plan without moving the view (on opening, after an edit, an apply or a token)."""
        if self.check_action("plan", ()) is not True:
            self.app.bell()
            return
        if self.query_one(GuidancePanel).shown:
            # After a failure, planning again is a retry: ask to apply what remains.
            self._apply_after_plan = True
        self.busy = "plan"
        self.plans_started += 1
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
        self.post_message(self.Planned(generation, run, extra, ctx.settings))

    def on_step_screen_planned(self, message: Planned) -> None:
        if message.generation != self._generation:
            return
        self._finish_busy()
        self.run = message.run
        self.planned_settings = message.settings
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
            self.set_state(self.planned_state() if plan.has_changes else StepState.DONE)
            self.set_status(notice, "$warning")
        elif plan.has_changes and self.results:
            # Some steps always have something to send again (a secret cannot be read back,
            # a test run is new each time): what was applied stays done.
            self.set_state(StepState.DONE)
            done = [plan_text.result_line(r) for r in self.results]
            self.set_status(" ".join([*done, "^g would send the plan below again."]), "$success")
        elif plan.has_changes:
            self.set_state(self.planned_state())
            self.set_status(*self.planned_status())
        else:
            self.set_state(StepState.DONE)
            done = [plan_text.result_line(r) for r in self.results]
            self.set_status(
                " ".join([*done, "Nothing (more) to change: this step matches the plan."]),
                "$success",
            )
            self._remember()
        self._sync()
        if self._reveal_plan:
            self._reveal_plan = False
            self.reveal_plan()
        if self._apply_after_plan:
            self._apply_after_plan = False
            if plan.has_changes:
                self.action_apply()

    # --- applying -------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # A disabled ^g reaches the screen as a plain key: answer it with the reason.
        if event.key == "ctrl+g" and self.check_action("apply", ()) is not True:
            event.stop()
            event.prevent_default()
            self.action_apply()

    def why_not(self, action: str) -> str:
        """Why `action` waits, in words that name what to do about it."""
        if action == "apply":
            if self.busy == "plan":
                return "a plan is in progress; ^g works once it is shown (esc cancels it)"
            if self.busy == "apply":
                return "this step is being applied; esc cancels it before the next call"
            if self.busy:
                return "wait until the check in progress ends"
            preview = self.query(PolicyPreview)
            if self.policy_invalid and preview:
                problems = preview.first().problems
                said = problems[0].removeprefix("✗ ") if problems else "it cannot be used"
                return f"the JSON in the editor is not valid: {said}. Fix it, or f4 resets it"
            if not self.errors and self.run is not None and self.stale:
                return "the answers changed since the plan; ^r plans again with them"
        return super().why_not(action)

    def action_apply(self) -> None:
        plan = self.plan
        if self.check_action("apply", ()) is not True or plan is None:
            self.app.bell()
            why = self.why_not("apply") or "there is no plan to apply yet; ^r plans"
            self.set_status(f"^g waits: {why}.", "$warning")
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
        self.reveal_plan(self.applying_view())
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
            # The answers are kept; nothing of the failed step is claimed.
            self._remember(failed=True)
            return
        self.results = [result]
        self.set_state(StepState.DONE)
        self.set_status(plan_text.result_line(result), "$success")
        self._remember()
        self.notify(plan_text.result_line(result), title="Step applied")
        # Plan again so the screen shows what now exists (a second run changes nothing).
        self.stale = True
        self.plan_again()

    def drop_plan(self) -> None:
        self._generation += 1  # its answer will be ignored: reads change nothing
        for worker in self.workers:
            worker.cancel()
        self._finish_busy()

    def action_cancel(self) -> None:
        if self.busy == "plan":
            self.drop_plan()
            self.set_state(StepState.NOT_STARTED if self.run is None else self.planned_state())
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
        self.plan_again()

    def on_step_screen_crashed(self, message: Crashed) -> None:
        if message.generation != self._generation:
            return
        self._finish_busy()
        self.set_state(StepState.FAILED)
        self.set_status(f"✗ {message.text}", "$error bold")
        self._sync()

    def planned_state(self) -> StepState:
        """The state of a step whose plan has something to send."""
        return StepState.PLANNED

    def planned_status(self) -> tuple[str, str]:
        """The status line (text, style) for that state."""
        return "Planned. Review it, then ^g applies (you confirm first).", "$accent"

    def applying_view(self) -> Widget:
        """What to bring into view while applying: the status line and progress bar."""
        return self.query_one("#status")

    def reveal_plan(self, widget: Widget | None = None) -> None:
        """Scroll so the status line (or `widget`) and what follows start at the top."""
        main = self.query_one("#main", VerticalScroll)
        target = widget or self.query_one("#status")
        self.call_after_refresh(main.scroll_to_widget, target, top=True, animate=False)

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

    def _remember(self, *, failed: bool = False) -> None:
        if failed:
            problem = self.session.remember([], failed=self.plan)
        else:
            problem = self.session.remember([self.plan] if self.plan is not None else [])
        if problem:
            self.notify(problem, severity="warning")
