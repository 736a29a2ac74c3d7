"""Child of `bench/run.py --startup`: the real `ecr-oidc-wizard` start-up, headless, to first paint.

Runs the CLI's own path (`wizard.cli.main` with the given arguments: parse, read the config,
resolve the region, `screens.launch.run_app`) with standard input and output on a pseudo
terminal the parent opened, so the CLI takes its full-screen branch. The only change is that
`WizardApp.run` is made headless with an auto-pilot, and `WizardApp._display` (which Textual
calls with every frame, headless or not) is watched. At the first frame of the welcome screen
it writes one JSON line to standard error and exits:

  first_paint_s      seconds from this interpreter's first line to that frame;
  boto3_at_paint     whether `boto3` was in sys.modules at that frame;
  boto3_import_s     when `boto3` was first imported (None: never), and by which thread;
  botocore_at_paint  the same for botocore (the region lookup and validation use it).

The parent measures the wall time from its own `Popen` to the moment it reads that line.

`first_screen.py --bare-textual` measures the floor the same way: a bare Textual app with a
header, one line and a footer, nothing of the wizard imported. Any other arguments are the
CLI's (`--sandbox` included: the sandbox's first frame).
"""

from __future__ import annotations

import time

START = time.perf_counter()

import importlib.abc  # noqa: E402 (after the clock: the imports are what is measured)
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Any  # noqa: E402

FIRST_IMPORT: dict[str, tuple[float, str]] = {}


class ImportWatch(importlib.abc.MetaPathFinder):
    """Notes when (and in which thread) a watched package is first imported; finds nothing."""

    WATCHED = frozenset({"boto3", "botocore", "textual", "rich"})

    def find_spec(self, name: str, path: Sequence[str] | None, target: Any = None) -> None:
        if name in self.WATCHED and name not in FIRST_IMPORT:
            FIRST_IMPORT[name] = (time.perf_counter() - START, threading.current_thread().name)
        return None


def bare_textual() -> int:
    """The floor: a bare Textual app (a header, one line, a footer), measured the same way."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[int]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("one line")
            yield Footer()

    painted: dict[str, Any] = {}
    original_display = Bare._display

    def watched_display(self: Any, screen: Any, renderable: Any) -> None:
        if not painted and renderable is not None:
            painted["first_paint_s"] = time.perf_counter() - START
            painted["boto3_at_paint"] = "boto3" in sys.modules
            painted["botocore_at_paint"] = "botocore" in sys.modules
        original_display(self, screen, renderable)

    async def auto_pilot(pilot: Any) -> None:
        while not painted:
            await pilot.pause(0.001)
        report = {**painted, "imports": {}}
        sys.stderr.write("FIRST-SCREEN " + json.dumps(report) + "\n")
        sys.stderr.flush()
        pilot.app.exit(0)

    Bare._display = watched_display  # type: ignore[method-assign]
    Bare().run(headless=True, auto_pilot=auto_pilot, size=(100, 30))
    return 0


def main(argv: list[str]) -> int:
    sys.meta_path.insert(0, ImportWatch())
    if argv[:1] == ["--bare-textual"]:
        return bare_textual()
    from screens.app import WizardApp
    from screens.welcome import WelcomeScreen
    from wizard.cli import main as cli_main

    painted: dict[str, Any] = {}
    original_display = WizardApp._display
    original_run = WizardApp.run

    def watched_display(self: Any, screen: Any, renderable: Any) -> None:
        if not painted and isinstance(screen, WelcomeScreen) and renderable is not None:
            painted["first_paint_s"] = time.perf_counter() - START
            painted["boto3_at_paint"] = "boto3" in sys.modules
            painted["botocore_at_paint"] = "botocore" in sys.modules
        original_display(self, screen, renderable)

    async def auto_pilot(pilot: Any) -> None:
        while not painted:
            await pilot.pause(0.001)
        report = {
            **painted,
            "imports": {k: {"at_s": v[0], "thread": v[1]} for k, v in FIRST_IMPORT.items()},
        }
        sys.stderr.write("FIRST-SCREEN " + json.dumps(report) + "\n")
        sys.stderr.flush()
        pilot.app.exit(0)

    def headless_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, auto_pilot=auto_pilot, size=(100, 30))
        return original_run(self, *args, **kwargs)

    WizardApp._display = watched_display  # type: ignore[method-assign]
    WizardApp.run = headless_run  # type: ignore[method-assign]
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
