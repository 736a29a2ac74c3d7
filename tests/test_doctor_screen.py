"""The Doctor screen under Pilot: it shows the engine's report, the same lines the CLI prints."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Static

from screens.doctor import RUNNING, DoctorScreen, setup_check_for
from tests.conftest import MotoServer
from tests.helpers import GUIDE_ARGS, guide_settings
from wizard.aws import Aws
from wizard.cli import main
from wizard.doctor import Area, Finding, SetupReport, Status
from wizard.render.doctor_report import Report, report_lines

SIZE = (160, 50)

REPORT = SetupReport(
    account_id="123456789012",
    region="us-east-1",
    role_name="GitHubActionsEOStatPush",
    ecr_repository="onyxia-eostat",
    github_repo="o/r",
    findings=(
        Finding(Area.PROVIDER, "provider-ok", Status.OK, "provider exists"),
        Finding(Area.TRUST, "wildcard-repo", Status.HIGH, "sub 'repo:o/*' matches", "pin it"),
        Finding(Area.GITHUB, "github-not-checked", Status.SKIPPED, "no token", "export GH_TOKEN"),
    ),
)


class Host(App[None]):
    """The smallest app that shows one screen; the real app wires the screen the same way."""

    def __init__(self, screen: DoctorScreen) -> None:
        super().__init__()
        self.doctor = screen

    def on_mount(self) -> None:
        self.push_screen(self.doctor)


def shown(app: App[Any]) -> str:
    content = app.screen.query_one("#doctor-report", Static).content
    return str(getattr(content, "plain", content))


async def test_the_screen_shows_the_report_lines_and_nothing_else() -> None:
    app = Host(DoctorScreen(REPORT))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app) == "\n".join(report_lines(REPORT))
        assert "✗ high" in shown(app)
        assert "○ not checked" in shown(app)
        assert isinstance(app.screen, DoctorScreen)
        assert app.screen.lines == report_lines(REPORT)


async def test_a_given_report_cannot_be_rerun_and_escape_goes_back() -> None:
    app = Host(DoctorScreen(REPORT))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.check_action("rerun", ()) is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)


async def test_the_check_runs_in_a_worker_and_r_runs_it_again() -> None:
    calls: list[str] = []
    release = threading.Event()

    def run() -> Report:
        calls.append(threading.current_thread().name)
        release.wait(5)
        return REPORT

    app = Host(DoctorScreen(run=run))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # While the worker blocks, the screen says so and stays responsive.
        assert shown(app) == RUNNING
        assert app.screen.busy
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(app) == "\n".join(report_lines(REPORT))
        assert not app.screen.busy
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 2
        assert threading.main_thread().name not in calls


async def test_a_failing_check_is_explained_not_crashed() -> None:
    def run() -> Report:
        raise ConnectionError("Could not connect to the endpoint URL: http://127.0.0.1:9/")

    app = Host(DoctorScreen(run=run))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app)
        assert text.startswith("✗ The doctor could not run.")
        assert "[endpoint-unreachable]" in text
        assert not app.screen.busy


def test_a_screen_needs_a_report_or_a_check() -> None:
    with pytest.raises(ValueError):
        DoctorScreen()


class FakeSession:
    """What setup_check_for reads of the app's Session."""

    def __init__(self, url: str) -> None:
        self.settings = guide_settings(endpoint_url=url)
        self.github = None

    def aws(self) -> Aws:
        s = self.settings
        return Aws(region=s.region, endpoint_url=s.endpoint_url)


async def test_the_screen_shows_what_the_cli_prints_for_the_same_live_setup(
    moto: MotoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("wizard.doctor.find_github", lambda settings: (None, "no GitHub token"))
    for name in ("GH_TOKEN", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("wizard.github_token.token_from_gh", lambda *a, **k: None)
    monkeypatch.setattr("wizard.github_token.token_from_keyring", lambda *a, **k: None)
    assert main(["apply", *GUIDE_ARGS, "--endpoint-url", moto.url, "--yes"]) == 0
    # Break one thing so the report has a high finding, not only ✓ lines.
    import boto3

    boto3.client("ecr", endpoint_url=moto.url, region_name="us-east-1").put_image_tag_mutability(
        repositoryName="onyxia-eostat", imageTagMutability="IMMUTABLE"
    )
    capsys.readouterr()
    assert main(["doctor", *GUIDE_ARGS, "--endpoint-url", moto.url]) == 1
    cli_lines = capsys.readouterr().out.splitlines()

    app = Host(DoctorScreen(run=setup_check_for(FakeSession(moto.url))))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(app).splitlines() == cli_lines
        assert any("latest-immutable" in f.code for f in app.screen.report.findings)


async def test_f7_opens_the_doctor_over_the_current_step_and_escape_returns(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_app_support import moto_app, settle

    monkeypatch.setattr("wizard.doctor.find_github", lambda settings: (None, "no GitHub token"))
    app = moto_app(moto.url, start="3")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        step = app.screen
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen)
        # Nothing applied yet: the doctor says so with high findings, as the CLI would.
        assert "✗ high" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is step


LONG = SetupReport(
    account_id="123456789012",
    region="us-east-1",
    role_name="GitHubActionsEOStatPush",
    ecr_repository="onyxia-eostat",
    github_repo="o/r",
    findings=(
        Finding(
            Area.REPOSITORY,
            "repository-missing",
            Status.HIGH,
            "there is no repository onyxia-eostat in us-east-1 (account 123456789012): pushes "
            "fail with 'RepositoryNotFoundException' (docker: 'name unknown')",
            "create it (step 1): ecr-oidc-wizard apply --only 1 (or check --region: the "
            "repository may be in another region)",
        ),
        Finding(Area.GITHUB, "github-not-checked", Status.SKIPPED, "no token", "export GH_TOKEN"),
    ),
)


def test_long_lines_wrap_under_their_text_and_keep_every_word() -> None:
    from screens.widgets.hanging_lines import wrap_line

    for line in report_lines(LONG):
        pieces = wrap_line(line, 76)
        assert all(len(p) <= 76 for p in pieces)
        # Nothing cut: the words are the report's, in order.
        assert " ".join(pieces).split() == line.split()
        if len(pieces) > 1:
            # A continuation starts under the finding's text or under its fix, never at 0.
            head = pieces[0]
            if "fix: " in head:
                column = head.index("fix: ") + len("fix: ")
            elif "✗ high" not in head:
                column = 2  # a heading: two columns in
            else:
                column = head.index("high") + len("high")
                column += len(head[column:]) - len(head[column:].lstrip())
            assert all(p[:column].strip() == "" and p[column] != " " for p in pieces[1:])


async def test_at_80_columns_the_screen_wraps_and_carries_the_apps_title() -> None:
    app = Host(DoctorScreen(LONG))
    app.title = "SANDBOX (nothing leaves this machine)"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        report = app.screen.query_one("#doctor-report", Static)
        assert shown(app) == "\n".join(report_lines(LONG))  # the text as the engine gives it
        rows = report.render_lines(report.content_region.reset_offset)
        text = [row.text.rstrip() for row in rows]
        width = report.content_region.width
        assert width < 80 and all(len(row) <= width for row in text)
        assert any(row.strip().startswith("'RepositoryNotFoundException'") for row in text)
        assert any("region)" in row for row in text)  # the end of the fix, not cut off
        header = app.screen.query_one("HeaderTitle")
        title = str(header.render())
        assert "SANDBOX (nothing leaves this machine)" in title and "Doctor" in title
