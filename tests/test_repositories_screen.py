"""The app's Repositories screen: a manifest's repositories and their states, planned and
applied in a worker against the moto server, driven with Pilot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screens.app import WizardApp
from screens.session import Session
from tests.conftest import MotoServer
from tests.test_app_support import demo_settings, settle
from tests.test_manifest import manifest_data
from wizard.manifest.model import parse_manifest


def repositories_app(url: str, count: int = 3) -> WizardApp:
    data = manifest_data(count)
    session = Session(demo_settings(endpoint_url=url), config_path=Path("unused.toml"))
    # The endpoint is the run's (a flag), never the file's.
    session.manifest = parse_manifest(data, "repos.toml", {"endpoint_url": url})
    return WizardApp(session, start="repositories", blink=False)


def cells(app: WizardApp, column: str) -> list[str]:
    from textual.widgets import DataTable

    table: Any = app.screen.query_one(DataTable)
    return [str(table.get_cell(row, column)) for row in table.rows]


async def test_the_list_plans_on_opening_then_applies_after_yes(moto: MotoServer) -> None:
    app = repositories_app(moto.url)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert cells(app, "ECR repository") == ["acme/svc-0", "acme/svc-1", "acme/svc-2"]
        assert cells(app, "state") == ["~ changes planned"] * 3
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert cells(app, "state") == ["✓ done"] * 3
        # Each its repository, role and push policy; the shared provider is counted once, below.
        assert cells(app, "writes") == ["3", "3", "3"]
        summary: Any = app.screen.query_one("#repos-summary")
        assert "3 repositories: 3 done; 10 writes." in str(summary.render())
        # Planning again finds nothing to do, and apply is then not offered.
        await pilot.press("p")
        await settle(pilot)
        assert cells(app, "state") == ["= no change"] * 3
        assert app.screen.check_action("apply", ()) is None


async def test_a_failed_repository_shows_its_guidance_on_its_row(moto: MotoServer) -> None:
    import boto3

    iam = boto3.client("iam", endpoint_url=moto.url, region_name="us-east-1")
    empty = json.dumps({"Version": "2012-10-17", "Statement": []})
    iam.create_role(RoleName="GitHubActionsSvc1Push", AssumeRolePolicyDocument=empty)
    app = repositories_app(moto.url)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        assert cells(app, "state")[1] == "✗ failed"
        await pilot.press("down")
        await pilot.pause()
        detail: Any = app.screen.query_one("#repos-detail-text")
        text = str(detail.render())
        assert "was not created by ecr-oidc-wizard" in text
        assert "→ " in text  # the catalogue's guidance


def test_repositories_snapshot_after_planning(snap_compare: Any, moto: MotoServer) -> None:
    """Fixed size, fixed data (moto's account, three repositories), blink off."""
    app = repositories_app(moto.url)
    assert snap_compare(app, terminal_size=(100, 30), run_before=settle)
