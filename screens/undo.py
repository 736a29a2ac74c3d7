"""Undo: the destroy plan of what the wizard made, a confirmation, and the removals.

The same engine as `ecr-oidc-wizard destroy` (wizard.teardown): reads plan first in a thread
worker, nothing is removed before the person says yes in the confirmation, and a failed removal
shows its guidance inline (what was removed before it stays removed). Escape goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Switch

from screens.help import HelpScreen
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.hanging_lines import HangingLines
from screens.widgets.state_switch import StateSwitch
from wizard.render import plan_text
from wizard.render.destroy_text import (
    RETRY_DESTROY_APP,
    deletions,
    destroy_question,
    destroy_summary_line,
)

if TYPE_CHECKING:
    from screens.host import WizardHost
    from screens.session import Session
    from wizard.runner import Run
    from wizard.steps.base import StepContext, StepResult

WORKER_GROUP = "undo"
PLANNING = "… Reading what the wizard made (read-only)."
ORDER = (
    "Removes what ecr-oidc-wizard made, in this order: the push policy, the role, the ECR "
    "repository, the GitHub secrets or variables, the workflow file, and GitHub's OIDC provider "
    "last. Anything it did not make is left alone and named; a provider another role trusts "
    "stays."
)


class UndoScreen(Screen[None]):
    DEFAULT_CSS = """
    UndoScreen #undo-plan {
        height: auto;
        border: round $error 60%;
        border-title-color: $error;
        padding: 0 1;
        margin-top: 1;
    }
    UndoScreen #undo-result {
        height: auto;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("ctrl+r", "plan", "Plan again", priority=True),
        Binding("ctrl+g", "remove", "Remove…", priority=True),
        Binding("ctrl+l", "copy_commands", "Copy fix", priority=True),
    ]
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("plan", "Undo: plan again", "^r: read what the wizard made again"),
        ("remove", "Undo: remove what the wizard made", "^g: asks first"),
        ("copy_commands", "Undo: copy the fix commands", "^l"),
    )

    class Planned(Message):
        def __init__(self, run: Run, ctx: StepContext) -> None:
            super().__init__()
            self.run = run
            self.ctx = ctx

    class Removed(Message):
        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    class Progress(Message):
        def __init__(self, result: StepResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self.run: Run | None = None
        self.ctx: StepContext | None = None
        self.busy = ""
        self.done: list[str] = []

    @property
    def session(self) -> Session:
        return cast("WizardHost", self.app).session

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="main"):
            yield Static("Undo · remove what the wizard made", classes="step-title")
            yield Static(ORDER, classes="step-purpose")
            yield StateSwitch(
                "Delete the repository's images with it (--delete-images)",
                False,
                switch_id="delete-images",
            )
            plan = Static(PLANNING, id="undo-plan")
            plan.border_title = "Destroy plan"
            yield plan
            yield GuidancePanel(id="guidance")
            yield Static("", id="undo-result")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Undo"
        # The one answer here: space flips it (and plans again).
        self.query_one("#delete-images", Switch).focus()
        self.action_plan()

    # --- planning --------------------------------------------------------------------------

    def options(self) -> Any:
        from wizard.teardown import TeardownOptions

        return TeardownOptions(delete_images=self.query_one("#delete-images", Switch).value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.switch.id == "delete-images":
            self.action_plan()

    def action_plan(self) -> None:
        if self.busy == "remove":
            return
        self.busy = "plan"
        self.run = None
        self.query_one("#undo-plan", Static).update(PLANNING)
        self.refresh_bindings()
        self.plan_worker(self.options())

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def plan_worker(self, options: Any) -> None:
        from wizard.runner import plan_steps
        from wizard.teardown import teardown_steps

        ctx = self.session.teardown_context()
        if ctx.github is None and ctx.settings.github_repo:
            # Step 5's secrets need a token; one found without asking anyone (none: the plan
            # says what stays in GitHub).
            from wizard.github_session import github_for

            try:
                ctx.github = github_for(ctx.settings, interactive=False)
            except Exception:  # a broken keyring or gh: planned as "no token", said so
                ctx.github = None
        self.post_message(self.Planned(plan_steps(ctx, teardown_steps(options)), ctx))

    def on_undo_screen_planned(self, message: Planned) -> None:
        self.busy = ""
        self.run, self.ctx = message.run, message.ctx
        # What was removed is at the top of the plan now.
        self.query_one("#undo-result", Static).update("")
        guidance = self.query_one(GuidancePanel)
        guidance.clear()
        lines = [*self.done, *([""] if self.done else [])]
        for plan in message.run.plans:
            lines += plan_text.plan_lines(plan)
        if message.run.failed is not None:
            guidance.show_failure(message.run.failed, RETRY_DESTROY_APP)
        else:
            lines += ["", destroy_summary_line(message.run.plans)]
        self.query_one("#undo-plan", Static).update(HangingLines(lines))
        self.refresh_bindings()

    # --- removing --------------------------------------------------------------------------

    def action_remove(self) -> None:
        run = self.run
        if run is None or self.busy or run.failed is not None or not deletions(run.plans):
            return
        from screens.confirm import ConfirmScreen

        lines = [line for plan in run.plans for line in plan_text.plan_lines(plan)]
        self.app.push_screen(
            ConfirmScreen(
                "Remove what the wizard made",
                lines,
                destroy_question(run.plans),
                danger=True,
                yes="Yes, remove",
            ),
            self._confirmed,
        )

    def _confirmed(self, answer: bool | None) -> None:
        if not answer or self.run is None or self.ctx is None:
            return
        self.busy = "remove"
        self.refresh_bindings()
        self.remove_worker(self.run, self.ctx)

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def remove_worker(self, run: Run, ctx: StepContext) -> None:
        from wizard.runner import apply_run

        def progress(result: StepResult) -> None:
            self.post_message(self.Progress(result))

        apply_run(ctx, run, on_result=progress)
        self.post_message(self.Removed(run))

    def on_undo_screen_progress(self, message: Progress) -> None:
        if str(message.result.status) != "failed":
            self.done.append(plan_text.result_line(message.result))
            self.query_one("#undo-result", Static).update(HangingLines(self.done))

    def on_undo_screen_removed(self, message: Removed) -> None:
        from wizard.teardown import records_removed

        self.busy = ""
        results = message.run.results
        undone = [r.step for r in results if str(r.status) == "done"]
        problem = self.session.forget(records_removed(results), undone)
        if problem:
            self.notify(problem, severity="error")
        failed = message.run.failed
        if failed is not None:
            self.query_one(GuidancePanel).show_failure(failed, RETRY_DESTROY_APP)
        else:
            self.notify(f"Removed: {len(undone)} step(s) undone.")
            # What is left now: nothing, or what was kept and why.
            self.action_plan()
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Any) -> None:
        """A worker that failed outside the runner (which words its own failures)."""
        from textual.worker import WorkerState

        worker = event.worker
        if worker.group != WORKER_GROUP or event.state is not WorkerState.ERROR:
            return
        from wizard.troubleshoot import explain_text

        self.busy = ""
        error = worker.error if worker.error is not None else RuntimeError("unknown error")
        self.query_one("#undo-plan", Static).update(
            HangingLines(
                ["✗ Undo could not read or remove.", "", *explain_text(error).splitlines()]
            )
        )
        self.refresh_bindings()

    # --- the rest ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            run = self.run
            ready = (
                run is not None
                and not self.busy
                and run.failed is None
                and bool(deletions(run.plans))
                and not run.results
            )
            return True if ready else None
        if action == "plan":
            return True if self.busy != "remove" else None
        if action == "copy_commands":
            return True if self.query_one(GuidancePanel).commands else None
        return True

    def why_not(self, action: str) -> str:
        if action == "remove":
            if self.busy:
                return "the plan is being read"
            return "nothing to remove (plan again with ^r after a change)"
        return ""

    def action_copy_commands(self) -> None:
        if self.query_one(GuidancePanel).copy_commands():
            self.notify("Copied the fix commands to the clipboard.")

    def on_guidance_panel_retry(self, message: GuidancePanel.Retry) -> None:
        self.action_plan()

    def action_close(self) -> None:
        if self.busy == "remove":
            self.notify("Removing: wait for it to finish.", severity="warning")
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
            # The screen below drew its navigator before the removals: show the states now.
            from screens.widgets.navigator import StepNavigator

            for navigator in self.app.screen.query(StepNavigator):
                navigator.update_states(self.session.states)
            detect_again = getattr(self.app.screen, "action_detect", None)
            if callable(detect_again):
                detect_again()

    def help_screen(self) -> HelpScreen:
        return HelpScreen(
            "Undo",
            [
                ("What this removes", ORDER),
                (
                    "Safety",
                    "A role that holds policies the wizard did not add, and a repository that "
                    "holds images (unless the switch is on), are kept and the plan says why. "
                    "Nothing is removed before you confirm.",
                ),
            ],
            [("^r", "plan again"), ("^g", "remove, after confirming"), ("esc", "back")],
        )
