"""Step 6's screen, first half: commit the workflow to the repository through the GitHub API.

f5 plans a new branch with the workflow (and .github/dependabot.yml) and a pull request, shows
the plan and asks; f9 merges that pull request once it is open (GitHub runs a workflow by hand
only from the default branch). The palette also offers a commit straight to the default
branch. The engine does the work (wizard.steps.workflow_publish); this file draws and asks.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.message import Message
from textual.widgets import Static

from screens.confirm import ConfirmScreen
from screens.widgets.plan_view import styled_lines
from wizard.render import plan_text

PUBLISH_HINT = (
    "Not committed by the wizard yet. f5 commits it on a new branch and opens a pull request "
    "(needs the token's Contents, Workflows and Pull requests write); the palette (^p) can "
    "commit it straight to a branch (the 'Run on ref' field, else the default branch)."
)


class PublishMixin:
    """For WorkflowRunScreen: the publishing actions, workers and their messages."""

    class PublishPlanned(Message):
        def __init__(self, ctx: Any, step: Any, run: Any, problem: str) -> None:
            super().__init__()
            self.ctx = ctx
            self.step = step
            self.run = run
            self.problem = problem

    class PublishApplied(Message):
        def __init__(self, results: list[Any], outputs: dict[str, str], problem: str) -> None:
            super().__init__()
            self.results = results
            self.outputs = outputs
            self.problem = problem

    # --- actions --------------------------------------------------------------------------

    def action_publish(self, mode: str = "pull-request") -> None:
        screen: Any = self
        if screen.session.github is None:
            screen.app.bell()
            screen.set_status(
                "! Committing the workflow needs a GitHub token: paste one in the GitHub token "
                "box (enter).",
                "$warning",
            )
            return
        self._publish_view().update("… Reading the repository (read-only calls).")
        self.publish_plan_worker(mode)

    def action_publish_default(self) -> None:
        self.action_publish("branch")

    def publish_branch(self) -> str:
        """The branch a straight commit goes to: the run's ref when one is given."""
        screen: Any = self
        s = screen.session.settings
        return str(s.workflow_ref or s.default_branch or "main").removeprefix("refs/heads/")

    def action_merge_pull_request(self) -> None:
        self.action_publish("merge")

    # --- workers --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="publish")
    def publish_plan_worker(self, mode: str) -> None:
        from wizard.github_session import attach_github
        from wizard.runner import plan_steps
        from wizard.steps.workflow_publish import WorkflowPublishStep

        screen: Any = self
        step = WorkflowPublishStep(
            mode=mode, branch=self.publish_branch() if mode == "branch" else ""
        )
        ctx = screen.session.context()
        try:
            _, problems = attach_github(
                ctx, [step], required=True, github=screen.session.github, interactive=False
            )
            if problems:
                raise RuntimeError(" ".join(p.text for p in problems))
            run = plan_steps(ctx, [step])
        except Exception as exc:  # a refusal from GitHub: said in the box, nothing sent
            screen.post_message(self.PublishPlanned(ctx, step, None, str(exc)))
            return
        screen.post_message(self.PublishPlanned(ctx, step, run, ""))

    @work(thread=True, exclusive=True, exit_on_error=False, group="publish")
    def publish_apply_worker(self, ctx: Any, run: Any) -> None:
        from wizard.runner import apply_run

        screen: Any = self
        try:
            results = apply_run(ctx, run)
        except Exception as exc:
            screen.post_message(self.PublishApplied([], {}, str(exc)))
            return
        screen.post_message(self.PublishApplied(results, dict(ctx.outputs), ""))

    # --- messages -------------------------------------------------------------------------

    def on_publish_mixin_publish_planned(self, message: PublishPlanned) -> None:
        screen: Any = self
        run = message.run
        if message.problem or run is None or run.failed is not None:
            why = message.problem or (run.failed.error if run is not None else "")
            self._show([f"✗ {why}", "Nothing was sent to GitHub."])
            return
        lines = [line for plan in run.plans for line in plan_text.plan_lines(plan)]
        if not run.has_changes:
            self._show(lines)
            self._keep_outputs(run.plans[0].outputs)
            return
        what = "Merge the pull request" if message.step.mode == "merge" else "Commit to GitHub"
        screen.app.push_screen(
            ConfirmScreen(
                f"Step 6 · {what}",
                [*lines, "", plan_text.summary_line(run.plans)],
                f"Send these {len(run.plans[0].calls)} call(s) to GitHub?",
            ),
            lambda answer: self._publish_confirmed(answer, message),
        )

    def _publish_confirmed(self, answer: bool | None, planned: PublishPlanned) -> None:
        if not answer:
            self._publish_view().update(
                styled_lines(["- Not committed; nothing was sent.", PUBLISH_HINT])
            )
            return
        self._publish_view().update("… Committing through the GitHub API.")
        self.publish_apply_worker(planned.ctx, planned.run)

    def on_publish_mixin_publish_applied(self, message: PublishApplied) -> None:
        screen: Any = self
        failed = [r for r in message.results if str(r.status) == "failed"]
        if message.problem or failed:
            lines = [f"✗ {message.problem}"] if message.problem else []
            for result in failed:
                lines += plan_text.failure_lines(result, "")
            self._show(lines)
            return
        self._keep_outputs(message.outputs)
        lines = [plan_text.result_line(r) for r in message.results]
        url = message.outputs.get("pull_request_url", "")
        merged = message.outputs.get("workflow_published_to")
        if merged:
            lines.append(f"The workflow is on {merged}: ^g runs it.")
        elif url:
            lines += [
                f"Pull request: {url}",
                "GitHub runs the workflow once it is on the default branch: merge the pull "
                "request after review (f9 merges it now).",
            ]
        self._show(lines)
        from wizard.inert import inert as terminal_safe

        said = lines[-1] if not url else f"Pull request opened: {url}"
        screen.notify(terminal_safe(said), title="Step 6")
        screen.refresh_bindings()
        # The run's plan depends on where the workflow now is.
        screen.stale = True
        screen.plan_again()

    # --- helpers --------------------------------------------------------------------------

    def _keep_outputs(self, outputs: Any) -> None:
        screen: Any = self
        keys = (
            "pull_request_url",
            "pull_request_number",
            "workflow_published_to",
            "workflow_in_pull_request",
        )
        for key in keys:
            value = (outputs or {}).get(key)
            if value:
                screen.session.outputs[key] = value

    def _show(self, lines: Any) -> None:
        """Lines into the box; text from GitHub (URLs, messages) without control sequences."""
        from wizard.inert import inert as terminal_safe

        self._publish_view().update(styled_lines([terminal_safe(str(line)) for line in lines]))

    def _publish_view(self) -> Static:
        screen: Any = self
        view: Static = screen.query_one("#publish-view", Static)
        return view
