"""The Repositories screen: every repository of a manifest, its role and its state, live.

Planning and applying run in a thread worker through the manifest engine (wizard.manifest);
each repository's progress comes back as a message and updates its row, so the screen stays
responsive while a hundred repositories are worked on. The state is a symbol and a word
(wizard.render.manifest_text), never colour alone. Enter on a row shows what is planned for that
repository or, after a failure, the reason and the catalogue's guidance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import WorkerState

from screens.widgets.hanging_lines import HangingLines
from wizard.inert import inert
from wizard.manifest.engine import ManifestRun, Progress, apply_manifest, plan_manifest
from wizard.manifest.model import Manifest
from wizard.render import manifest_text
from wizard.render.plan_text import guidance_lines, plan_lines

WORKER_GROUP = "repositories"
COLUMNS = ("GitHub repository", "ECR repository", "role", "state", "writes")


class RepositoriesScreen(Screen[None]):
    DEFAULT_CSS = """
    RepositoriesScreen #repos-summary {
        padding: 0 1;
        height: auto;
    }
    RepositoriesScreen #repos-table {
        height: 2fr;
    }
    RepositoriesScreen #repos-detail {
        height: 1fr;
        border-top: solid $primary;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "plan", "Plan again"),
        Binding("a", "apply", "Apply"),
        Binding("escape", "close", "Back"),
    ]
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("plan", "Repositories: plan again", "inspect every repository again (p)"),
        ("apply", "Repositories: apply", "apply the plan to every repository (a)"),
    )

    class Moved(Message):
        """One repository (or the provider) reached a state in the worker."""

        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

    class Finished(Message):
        def __init__(self, run: ManifestRun, applied: bool) -> None:
            super().__init__()
            self.run = run
            self.applied = applied

    def __init__(self, manifest: Manifest, make_aws: Callable[[], Any]) -> None:
        super().__init__()
        self.manifest = manifest
        self.make_aws = make_aws
        self.run: ManifestRun | None = None
        # Non-empty while planning or applying; the app refuses to switch screens meanwhile.
        self.busy = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("", id="repos-summary")
            yield DataTable(id="repos-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="repos-detail"):
                yield Static("", id="repos-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Repositories ({len(self.manifest.entries)})"
        table = self.query_one(DataTable)
        # The state column fits its longest word from the start: rows change state in place.
        widest = max(len(f"{mark} {state}") for state, mark in manifest_text.STATE_MARK.items())
        for label in COLUMNS:
            table.add_column(label, key=label, width=widest if label == "state" else None)
        for entry in self.manifest.entries:
            s = entry.settings
            table.add_row(
                s.github_repo, s.ecr_repository, s.role_name, "· waiting", "", key=entry.key
            )
        self.action_plan()

    # --- actions ------------------------------------------------------------------------------

    def action_plan(self) -> None:
        if self.busy:
            return
        self._start("planning", f"Planning {len(self.manifest.entries)} repositories…")
        self._plan()

    def action_apply(self) -> None:
        run = self.run
        if self.busy or run is None or not run.has_changes:
            return
        from screens.confirm import ConfirmScreen

        question = (
            "This plan WIDENS access. Apply anyway?"
            if run.widens_access
            else "Apply these changes?"
        )
        confirm = ConfirmScreen(
            "Apply to the repositories",
            manifest_text.plan_lines(run),
            question,
            danger=run.widens_access,
        )

        def answered(yes: bool | None) -> None:
            if yes and self.run is not None:
                self._start("applying", "Applying…")
                self._apply(self.run)

        self.app.push_screen(confirm, answered)

    def action_close(self) -> None:
        if self.busy:
            self.notify("Still working: wait for it to finish.", severity="warning")
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit(1 if self.run is not None and self.run.failed else 0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "plan":
            return None if self.busy else True
        if action == "apply":
            ready = not self.busy and self.run is not None and self.run.has_changes
            return True if ready else None
        return True

    def why_not(self, action: str) -> str:
        if self.busy:
            return f"still {self.busy}"
        if action == "apply":
            return "nothing to apply: every repository already matches the plan"
        return ""

    # --- workers ------------------------------------------------------------------------------

    def _start(self, busy: str, text: str) -> None:
        self.busy = busy
        self.query_one("#repos-summary", Static).update(text)
        self.refresh_bindings()

    def _moved(self, progress: Progress) -> None:
        self.post_message(self.Moved(progress))

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def _plan(self) -> None:
        run = plan_manifest(self.manifest, self.make_aws(), on_progress=self._moved)
        self.post_message(self.Finished(run, applied=False))

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def _apply(self, run: ManifestRun) -> None:
        apply_manifest(run, on_progress=self._moved)
        self.post_message(self.Finished(run, applied=True))

    def on_repositories_screen_moved(self, message: RepositoriesScreen.Moved) -> None:
        progress = message.progress
        if not progress.key:
            return
        table = self.query_one(DataTable)
        state = manifest_text.STATE_MARK[str(progress.state)] + f" {progress.state}"
        table.update_cell(progress.key, "state", state)

    def on_repositories_screen_finished(self, message: RepositoriesScreen.Finished) -> None:
        self.run = message.run
        self.busy = ""
        table = self.query_one(DataTable)
        rows = manifest_text.table_rows(message.run)
        for entry, (_, _, _, state, writes) in zip(self.manifest.entries, rows, strict=True):
            table.update_cell(entry.key, "state", state)
            table.update_cell(entry.key, "writes", writes if message.applied else "")
        summary = (
            manifest_text.counts_line(message.run)
            if message.applied
            else manifest_text.summary_line(message.run)
        )
        if message.run.failed:
            summary += " Enter on a failed repository shows why and what to do."
        self.query_one("#repos-summary", Static).update(summary)
        self._show_detail()
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Any) -> None:
        worker = event.worker
        if worker.group != WORKER_GROUP or event.state is not WorkerState.ERROR:
            return
        from wizard.troubleshoot import explain_text

        self.busy = ""
        error = worker.error if worker.error is not None else RuntimeError("unknown error")
        self.query_one("#repos-detail-text", Static).update(
            HangingLines(["✗ The run could not go on.", "", *explain_text(error).splitlines()])
        )
        self.refresh_bindings()

    # --- detail -------------------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        if self.run is None:
            return
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        entry = next((e for e in self.manifest.entries if e.key == key), None)
        if entry is None:
            return
        outcome = self.run.outcome(entry)
        lines = [f"{entry.label}: {manifest_text.outcome_word(outcome)}"]
        if outcome.failure is not None:
            lines.append(f"✗ Step {outcome.failure.step} · {outcome.failure.title} failed:")
            lines.append(f"  {inert(outcome.failure.error)}")
            for guidance in outcome.failure.guidance:
                lines += guidance_lines(guidance)
        for plan in outcome.plans:
            lines += plan_lines(plan, documents=False)
        self.query_one("#repos-detail-text", Static).update(HangingLines(lines))
