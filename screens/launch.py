"""The one entry point the CLI calls (lazily, so `wizard` never imports Textual)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.settings import Remembered, Settings

SANDBOX_AWS = "the sandbox's emulated AWS account"


@dataclass(frozen=True)
class Started:
    """What a session started after the first frame (the sandbox) hands to the app."""

    settings: Settings
    config_path: Path
    remembered: Remembered
    github: Any
    github_source: str


def run_app(
    settings: Settings,
    *,
    config_path: Path | None,
    start_step: int | None = None,
    endpoint_url: str | None = None,
    remembered: Remembered | None = None,
    github: Any = None,
    github_source: str = "",
    banner: str = "",
    undo: bool = False,
    manifest: Any = None,
    start_later: Callable[[], Started] | None = None,
) -> int:
    """Open the full-screen wizard at the welcome screen, or at `start_step` (1-6).

    `github` is an injected GitHub seam (the sandbox's simulation), used instead of looking
    for a token; `banner` replaces the title (the sandbox says SANDBOX there). With a
    `manifest` (wizard.manifest.model.Manifest) it opens the list of its repositories.
    `start_later` makes the session (the sandbox's emulator and GitHub) right after the first
    frame, in a thread; until it returns, every worker that would call AWS or GitHub waits."""
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
        aws_fixed=SANDBOX_AWS if github is not None else "",
        sandbox=bool(banner),
    )
    session.manifest = manifest
    if manifest is not None:
        start = "repositories"
    else:
        start = "undo" if undo else str(start_step) if start_step else "welcome"
    app = WizardApp(session, start=start)
    if banner:
        app.title = banner
    if start_later is not None:
        session.ready.clear()
        session.aws_fixed = SANDBOX_AWS
        thread = threading.Thread(
            target=_start, args=(app, session, start_later), name="session-start", daemon=True
        )
        app.after_first_frame.append(thread.start)
    app.run()
    return int(app.return_code or 0)


def _start(app: Any, session: Any, start_later: Callable[[], Started]) -> None:
    try:
        started = start_later()
    except Exception as exc:  # e.g. moto missing: the app ends and says why
        session.unavailable = str(exc)
        session.ready.set()
        app.call_from_thread(app.exit, 2, str(exc))
        return
    session.settings = started.settings
    session.config_path = started.config_path
    session.remembered = started.remembered
    session.outputs.update(started.remembered.created)
    session.github = started.github
    session.token_source = started.github_source
    session.github_injected = True
    session.ready.set()
