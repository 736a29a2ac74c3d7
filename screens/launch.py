"""The one entry point the CLI calls (lazily, so `wizard` never imports Textual)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from wizard.settings import Remembered, Settings


def run_app(
    settings: Settings,
    *,
    config_path: Path,
    start_step: int | None = None,
    endpoint_url: str | None = None,
    remembered: Remembered | None = None,
    github: Any = None,
    github_source: str = "",
    banner: str = "",
    undo: bool = False,
    manifest: Any = None,
) -> int:
    """Open the full-screen wizard at the welcome screen, or at `start_step` (1-6).

    `github` is an injected GitHub seam (the sandbox's simulation), used instead of looking
    for a token; `banner` replaces the title (the sandbox says SANDBOX there). With a
    `manifest` (wizard.manifest.model.Manifest) it opens the list of its repositories."""
    from screens.app import WizardApp
    from screens.session import Session

    if endpoint_url:
        settings = dataclasses.replace(settings, endpoint_url=endpoint_url)
    session = Session(
        settings,
        config_path=config_path,
        remembered=remembered or Remembered(),
        github=github,
        token_source=github_source if github is not None else "",
        # Only the sandbox injects a GitHub; its AWS is an emulated account with dummy keys.
        aws_fixed="the sandbox's emulated AWS account" if github is not None else "",
    )
    session.manifest = manifest
    if manifest is not None:
        start = "repositories"
    else:
        start = "undo" if undo else str(start_step) if start_step else "welcome"
    app = WizardApp(session, start=start)
    if banner:
        app.title = banner
    app.run()
    return int(app.return_code or 0)
