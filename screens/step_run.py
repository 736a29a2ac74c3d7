"""Step 6: the workflow file, then one run by hand, followed live."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from screens.confirm import ConfirmScreen
from screens.step_base import Field, StepCancelled, StepScreen
from screens.step_github import GitHubStepScreen
from screens.widgets.plan_view import styled_lines
from wizard.render.plan_text import change_line
from wizard.steps.base import StepContext


class WorkflowRunScreen(GitHubStepScreen):
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
    ]
    PALETTE = (
        *StepScreen.PALETTE,
        ("write_workflow", "Write the workflow file", "f6: shows the diff and asks first"),
    )

    class RunUpdate(Message):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    class WorkflowFilePlanned(Message):
        def __init__(self, planned: Any, problems: list[str]) -> None:
            super().__init__()
            self.planned = planned
            self.problems = problems

    def __init__(self, step: Any) -> None:
        super().__init__(step)
        self.workflow_planned: Any = None

    def compose_extra(self) -> ComposeResult:
        yield from super().compose_extra()
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
        self.app.push_screen(
            ConfirmScreen(
                f"Write {planned.shown_path}",
                [change_line(change), *change.diff.splitlines()],
                f"Write {planned.shown_path} on this disk? (nothing is committed or pushed)",
            ),
            self._write_confirmed,
        )

    def _write_confirmed(self, answer: bool | None) -> None:
        from wizard.workflow import WorkflowFileChanged, commit_help, write_workflow_file

        planned = self.workflow_planned
        if not answer or planned is None:
            return
        try:
            path = write_workflow_file(planned, replace=True)
        except (WorkflowFileChanged, OSError) as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        problem = self.session.remember_workflow(path, planned.desired)
        if problem:
            self.notify(problem, severity="error", timeout=10)
        branch = self.session.settings.default_branch or "main"
        self.query_one("#workflow-file", Static).update(
            styled_lines(
                [f"✓ Wrote {path}", "", *commit_help(planned.shown_path, branch).splitlines()]
            )
        )
        self.workflow_planned = None
        self.refresh_bindings()

    def progress_callback(self) -> Any:
        from wizard.steps.workflow_run import RunProgress, progress_text

        generation = self._generation
        cancel = self._cancel

        def on_progress(progress: RunProgress) -> None:
            # Following a run is a loop of polls: cancel stops watching, the run goes on.
            if cancel.is_set():
                raise StepCancelled
            self.post_message(self.RunUpdate(generation, progress_text(progress)))

        return on_progress

    def on_workflow_run_screen_run_update(self, message: RunUpdate) -> None:
        self.query_one("#run-view", Static).update(styled_lines(message.text.splitlines()))
