"""Step 6: the workflow file, committed to the repository (screens/step_publish.py), then one
run by hand, followed live."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from screens.choice import Choice, ChoiceScreen
from screens.confirm import ConfirmScreen
from screens.session import STEP_NUMBERS, StepState
from screens.step_base import Field, StepCancelled, StepScreen
from screens.step_github import GitHubStepScreen
from screens.step_publish import PUBLISH_HINT, PublishMixin
from screens.widgets.plan_view import styled_lines
from wizard.render.plan_text import change_line
from wizard.steps.base import StepContext

# Control characters (ESC starts terminal sequences) never reach the screen from a path.
_NO_CONTROL = {c: "?" for c in [*range(0x20), *range(0x7F, 0xA0)]}


class WorkflowRunScreen(PublishMixin, GitHubStepScreen):
    number = 6
    fields = (
        Field("workflow_file", label="Workflow file in .github/workflows"),
        Field("workflow_name", label="Workflow name"),
        Field("image_version", label="Image version (or file:PATH)"),
        Field("dockerfile", label="Dockerfile"),
        Field("build_context", label="Docker build context"),
        Field("workflow_ref", label="Run on ref (empty: the default branch)"),
    )
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("f6", "write_workflow", "Write workflow"),
        Binding("f5", "publish", "Commit"),
        Binding("f9", "merge_pull_request", "Merge PR", show=False),
    ]
    PALETTE = (
        *StepScreen.PALETTE,
        ("write_workflow", "Write the workflow file", "f6: shows the diff and asks first"),
        ("publish", "Commit the workflow to GitHub", "f5: a new branch and a pull request"),
        (
            "publish_default",
            "Commit the workflow straight to a branch",
            "the 'Run on ref' branch, else the default branch; asks first",
        ),
        ("merge_pull_request", "Merge the workflow's pull request", "f9: asks first"),
    )

    class RunUpdate(Message):
        def __init__(self, generation: int, text: str, run_id: int = 0, done: bool = False) -> None:
            super().__init__()
            self.generation = generation
            self.text = text
            self.run_id = run_id
            self.done = done

    class RunCancelAnswered(Message):
        def __init__(self, text: str, failed: bool) -> None:
            super().__init__()
            self.text = text
            self.failed = failed

    class WorkflowFilePlanned(Message):
        def __init__(self, planned: Any, problems: list[str]) -> None:
            super().__init__()
            self.planned = planned
            self.problems = problems

    class PrerequisitesChecked(Message):
        def __init__(self, missing: list[Any]) -> None:
            super().__init__()
            self.missing = missing

    def __init__(self, step: Any) -> None:
        super().__init__(step)
        self.workflow_planned: Any = None
        # The run being followed (0: none) and whether it had finished at the last update.
        self.followed_run = 0
        self.followed_done = False

    def compose_extra(self) -> ComposeResult:
        yield from super().compose_extra()
        publish = Static(PUBLISH_HINT, id="publish-view")
        publish.border_title = "In the repository (f5 commits it through GitHub)"
        yield publish
        workflow = Static("… Reading the local workflow file.", id="workflow-file")
        workflow.border_title = "Workflow file (f6 writes it)"
        yield workflow
        run = Static("No run yet: ^g starts one after you confirm.", id="run-view")
        run.border_title = "Run"
        yield run

    def applying_view(self) -> Widget:
        # The run is followed live in its own box, above the status line.
        return self.query_one("#run-view")

    def prepare(self, ctx: StepContext, *, applying: bool) -> list[str]:
        if not applying:
            self._plan_workflow_file(ctx)
        return super().prepare(ctx, applying=applying)

    def _plan_workflow_file(self, ctx: StepContext) -> None:
        from wizard.workflow import spec_errors, workflow_file, workflow_spec

        spec = workflow_spec(ctx.settings, repository_uri=ctx.outputs.get("repository_uri", ""))
        problems = spec_errors(spec)
        planned = None if problems else workflow_file(spec)
        self.post_message(self.WorkflowFilePlanned(planned, problems))

    def on_workflow_run_screen_workflow_file_planned(self, message: WorkflowFilePlanned) -> None:
        self.workflow_planned = message.planned
        view = self.query_one("#workflow-file", Static)
        if self.session.sandbox and message.planned is not None:
            # A file written into the sandbox's folder would be gone at exit.
            self.workflow_planned = None
            view.border_title = "Workflow file"
            view.update(
                "In the sandbox, f5 commits the workflow to the simulated repository; a local "
                "file would be removed when the sandbox closes."
            )
            self.refresh_bindings()
            return
        if message.planned is None:
            view.update(styled_lines([f"✗ {p}" for p in message.problems]))
            return
        change = message.planned.change()
        lines = [change_line(change)]
        if change.diff:
            lines += change.diff.splitlines()
        view.update(styled_lines(lines))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write_workflow":
            from wizard.plan import Action

            planned = self.workflow_planned
            return None if planned is None or planned.action is Action.NOOP else True
        return super().check_action(action, parameters)

    def action_write_workflow(self) -> None:
        planned = self.workflow_planned
        if self.check_action("write_workflow", ()) is not True:
            self.app.bell()
            return
        change = planned.change()
        lines = [change_line(change), *change.diff.splitlines()]
        question = f"Write {planned.shown_path} on this disk? (nothing is committed or pushed)"
        if planned.real_outside is not None:
            # A link on the way (.github) leads out of the checkout: say where, ask for that.
            where = str(planned.real_outside).translate(_NO_CONTROL)
            lines.insert(0, f"!! {planned.shown_path} leads outside this checkout, to {where}")
            question = f"Write the workflow to {where}, outside this checkout?"
        self.app.push_screen(
            ConfirmScreen(f"Write {planned.shown_path}", lines, question),
            self._write_confirmed,
        )

    def _write_confirmed(self, answer: bool | None) -> None:
        from wizard.workflow import WorkflowFileChanged, commit_help, write_workflow_file

        planned = self.workflow_planned
        if not answer or planned is None:
            return
        try:
            # The confirmation named the real path when it leaves the checkout.
            path = write_workflow_file(planned, replace=True, outside_ok=True)
        except (WorkflowFileChanged, OSError) as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        problem = self.session.remember_workflow(path, planned.desired)
        if problem:
            self.notify(problem, severity="error", timeout=10)
        branch = self.session.settings.default_branch or "main"
        self.query_one("#workflow-file", Static).update(
            styled_lines(
                [
                    f"✓ Wrote {path}",
                    "",
                    *commit_help(planned.shown_path, branch, "f5 on this step").splitlines(),
                ]
            )
        )
        self.workflow_planned = None
        self.refresh_bindings()

    # --- steps 1-5 before the run ---------------------------------------------------------

    def action_apply(self) -> None:
        """The run uses everything steps 1-5 set up: unless they are all done in this
        session, find out (read-only) which are not, and say so before anything is sent."""
        earlier = [n for n in STEP_NUMBERS if n < self.number]
        if self.check_action("apply", ()) is not True or all(
            self.session.states.get(n) is StepState.DONE for n in earlier
        ):
            super().action_apply()
            return
        self.busy = "check"
        self.set_status("… Checking that steps 1–5 are done (read-only).", "$accent")
        self._sync()
        self.prerequisites_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prerequisites")
    def prerequisites_worker(self) -> None:
        from wizard.github_session import attach_github
        from wizard.prerequisites import missing_before

        earlier = [s for n, s in sorted(self.wizard.steps.items()) if n < self.number]
        try:
            ctx = self.session.context()
            # With GitHub's facts, as step 3's own screen plans (see screens.step_role).
            attach_github(
                ctx, earlier, required=False, github=self.session.github, interactive=False
            )
            missing = missing_before(ctx, self.number, earlier)
        except Exception as exc:  # shown as a step that could not be checked
            from wizard.prerequisites import Missing

            missing = [Missing(0, "steps 1–5", f"could not be checked: {exc}")]
        self.post_message(self.PrerequisitesChecked(missing))

    def on_workflow_run_screen_prerequisites_checked(self, message: PrerequisitesChecked) -> None:
        from wizard.prerequisites import missing_lines, numbers_text

        self.busy = ""
        missing = [m for m in message.missing if m.number]
        for n in STEP_NUMBERS:
            if n < self.number and n not in {m.number for m in message.missing}:
                self.session.states[n] = StepState.DONE
        self.set_state(self.session.states[self.number])
        self._sync()
        if not message.missing:
            super().action_apply()
            return
        first = missing[0].number if missing else 1
        self.app.push_screen(
            ChoiceScreen(
                f"Step {self.number} · {self.step.title}",
                missing_lines(message.missing, self.number),
                f"Run {numbers_text([m.number for m in missing]) or 'them'} first, or go on "
                "with the run anyway?",
                [
                    Choice("run", "r", f"Run them first (opens step {first})"),
                    Choice("go", "g", f"Go on with step {self.number}"),
                ],
            ),
            lambda answer: self._prerequisites_answered(answer or "", first),
        )

    def _prerequisites_answered(self, answer: str, first: int) -> None:
        if answer == "run":
            self.wizard.open_target(str(first))
        elif answer == "go":
            super().action_apply()
        else:
            self.set_status("Not applied: nothing was sent.", "$text-muted")

    def progress_callback(self) -> Any:
        from wizard.steps.workflow_run import RunProgress, progress_text

        generation = self._generation
        cancel = self._cancel

        def on_progress(progress: RunProgress) -> None:
            # Following a run is a loop of polls: cancel stops watching, the run goes on.
            if cancel.is_set():
                raise StepCancelled
            self.post_message(
                self.RunUpdate(generation, progress_text(progress), progress.run_id, progress.done)
            )

        return on_progress

    def on_workflow_run_screen_run_update(self, message: RunUpdate) -> None:
        self.followed_run = message.run_id
        self.followed_done = message.done
        self.query_one("#run-view", Static).update(styled_lines(message.text.splitlines()))

    # --- stopping a followed run -----------------------------------------------------------

    def on_step_screen_cancelled(self, message: StepScreen.Cancelled) -> None:
        """esc while a run is followed stops the following here, not the run: say so, and
        offer to cancel it on GitHub."""
        run_id, done = self.followed_run, self.followed_done
        current = message.generation == self._generation
        super().on_step_screen_cancelled(message)
        if not current or not run_id or done:
            return
        self._notice = f"Stopped following run {run_id} here; the run continues on GitHub."
        self.set_status(self._notice, "$warning")
        self.app.push_screen(
            ChoiceScreen(
                f"Run {run_id} continues on GitHub",
                [
                    f"Stopped following run {run_id} here. The run itself continues on "
                    "GitHub: it still builds and pushes the image unless it is cancelled there.",
                ],
                "Cancel the run on GitHub too?",
                [
                    Choice("cancel", "c", "Cancel it on GitHub"),
                    Choice("keep", "k", "Let it run"),
                ],
            ),
            lambda answer: self._cancel_on_github(run_id) if answer == "cancel" else None,
        )

    def _cancel_on_github(self, run_id: int) -> None:
        self.set_status(f"… Asking GitHub to cancel run {run_id}.", "$accent")
        self.cancel_run_worker(run_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cancel-run")
    def cancel_run_worker(self, run_id: int) -> None:
        s = self.session.settings
        try:
            said = str(self.session.github.cancel_run(s.owner, s.repo_name, run_id))
        except Exception as exc:  # GitHubError says why and which permission is missing
            self.post_message(
                self.RunCancelAnswered(f"✗ Run {run_id} was not cancelled: {exc}", True)
            )
            return
        self.post_message(self.RunCancelAnswered(said, False))

    def on_workflow_run_screen_run_cancel_answered(self, message: RunCancelAnswered) -> None:
        self._notice = message.text
        self.set_status(message.text, "$error" if message.failed else "$warning")
        self.notify(message.text, severity="error" if message.failed else "information")
