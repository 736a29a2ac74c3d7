"""The Doctor screen: the doctor's report, line for line as `ecr-oidc-wizard doctor` prints it.

The screen writes no finding of its own: it shows `wizard.doctor_report.report_lines(report)`
with colour on top of symbols that already say everything, each line wrapped to the screen's
width with a hanging indent (screens.widgets.hanging_lines), never cut. Given a callable
instead of a report, it runs the check in a thread worker (the live reads block) and can run
it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import WorkerState

from screens.widgets.hanging_lines import HangingLines
from wizard.render.doctor_report import Report, report_lines

RUNNING = "Running the doctor: reading the live setup…"
WORKER_GROUP = "doctor"


class DoctorScreen(Screen[None]):
    """Shows one doctor report (setup check, account scan or simulation)."""

    DEFAULT_CSS = """
    DoctorScreen #doctor-body {
        padding: 0 1;
        scrollbar-gutter: stable;
    }
    DoctorScreen #doctor-report {
        width: 1fr;
    }
    DoctorScreen #doctor-run {
        margin: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("r", "rerun", "Run again"),
        Binding("o", "open_run", "Explain a run"),
    ]
    # Read by the command palette (screens/commands.py): (action, label, help).
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("rerun", "Doctor: run the checks again", "reads the live setup again (r)"),
        (
            "open_run",
            "Doctor: explain a failed workflow run",
            "a run id, its URL, or latest; its failing step explained (o)",
        ),
    )

    class Checked(Message):
        """A check finished in the worker; the report travels back to the screen."""

        def __init__(self, report: Report) -> None:
            super().__init__()
            self.report = report

    class RunExplained(Message):
        """A workflow run was read and explained in the worker: the lines to show."""

        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    def __init__(
        self,
        report: Report | None = None,
        *,
        run: Callable[[], Report] | None = None,
        explain_run: Callable[[str], list[str]] | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        if report is None and run is None:
            raise ValueError("DoctorScreen needs a report or a callable that makes one")
        super().__init__(name=name, id=id)
        self.report = report
        self._run = run
        self._explain_run = explain_run
        # Non-empty while a check runs; the app refuses to switch screens meanwhile.
        self.busy = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="doctor-body"):
            yield Static("", id="doctor-report")
        yield Footer()

    def on_mount(self) -> None:
        # The title stays the app's (the sandbox says SANDBOX there), as on every screen.
        self.sub_title = "Doctor"
        if self.report is not None:
            self.show_report(self.report)
        else:
            self.action_rerun()

    @property
    def lines(self) -> list[str]:
        """What the screen shows, as plain lines (the CLI prints the same)."""
        return report_lines(self.report) if self.report is not None else []

    def show_report(self, report: Report) -> None:
        self.report = report
        self.busy = ""
        self.query_one("#doctor-report", Static).update(HangingLines(report_lines(report)))
        self.refresh_bindings()

    def action_rerun(self) -> None:
        if self._run is None or self.busy:
            return
        self.busy = WORKER_GROUP
        self.query_one("#doctor-report", Static).update(Content(RUNNING))
        self.refresh_bindings()
        self._check()

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def _check(self) -> None:
        assert self._run is not None
        self.post_message(self.Checked(self._run()))

    def on_doctor_screen_checked(self, message: DoctorScreen.Checked) -> None:
        self.show_report(message.report)

    def on_worker_state_changed(self, event: Any) -> None:
        worker = event.worker
        if worker.group != WORKER_GROUP or event.state is not WorkerState.ERROR:
            return
        from wizard.troubleshoot import explain_text

        self.busy = ""
        error = worker.error if worker.error is not None else RuntimeError("unknown error")
        self.query_one("#doctor-report", Static).update(
            HangingLines(["✗ The doctor could not run.", "", *explain_text(error).splitlines()])
        )
        self.refresh_bindings()

    def action_open_run(self) -> None:
        if self._explain_run is None or self.busy:
            return
        # Mounted on demand: a hidden input would take the focus and the screen's keys with it.
        found = self.query("#doctor-run")
        if found:
            found.first(Input).focus()
            return
        field = Input(placeholder="Run id, run URL or latest; enter explains it", id="doctor-run")
        self.mount(field, before=self.query_one("#doctor-body"))
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "doctor-run" or self._explain_run is None or self.busy:
            return
        event.stop()
        value = event.value.strip()
        if not value:
            return
        self.busy = WORKER_GROUP
        self.query_one("#doctor-report", Static).update(Content(f"Reading run {value}…"))
        self.refresh_bindings()
        self._explain(value)

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def _explain(self, value: str) -> None:
        assert self._explain_run is not None
        self.post_message(self.RunExplained(self._explain_run(value)))

    def on_doctor_screen_run_explained(self, message: DoctorScreen.RunExplained) -> None:
        self.busy = ""
        self.query_one("#doctor-report", Static).update(HangingLines(message.lines))
        for field in self.query("#doctor-run"):
            field.remove()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_run":
            return True if self._explain_run is not None and not self.busy else None
        if action == "rerun":
            # None greys the key out in the footer instead of hiding it.
            return True if self._run is not None and not self.busy else None
        return True

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def setup_check_for(session: Any) -> Callable[[], Report]:
    """The setup check of an app session (screens/session.py): its settings, its AWS seam and
    its GitHub client, read when the check runs so that changed answers are honoured."""

    def run() -> Report:
        from wizard.doctor import check_setup, find_github

        github, why = session.github, ""
        if github is None:
            github, why = find_github(session.settings)
        return check_setup(session.aws(), session.settings, github=github, github_unavailable=why)

    return run


def run_explainer_for(session: Any) -> Callable[[str], list[str]]:
    """Explain a failed workflow run with the session's GitHub client (or a token found);
    returns lines and never raises: what went wrong is explained too."""

    def explain(value: str) -> list[str]:
        from wizard.doctor import find_github
        from wizard.run_explain import (
            RunRefError,
            explain_run,
            explanation_lines,
            latest_failed_run,
            parse_run_ref,
        )
        from wizard.troubleshoot import explain_text

        repo = session.settings.github_repo
        try:
            github, why = session.github, ""
            if github is None:
                github, why = find_github(session.settings)
            if github is None:
                return [f"✗ No GitHub access to read the run: {why}."]
            ref = (
                latest_failed_run(github, repo) if value == "latest" else parse_run_ref(value, repo)
            )
            return explanation_lines(explain_run(github, ref, {"github_repo": repo}))
        except RunRefError as exc:
            return [f"✗ {exc}"]
        except Exception as exc:  # shown as guidance: the screen must not fail
            return ["✗ The run could not be read.", "", *explain_text(exc).splitlines()]

    return explain
