"""The full-screen wizard: a small App that pushes one screen per step.

It parses nothing: the CLI resolves the answers and hands over a Session (screens/launch.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from screens.commands import WizardCommands
from screens.host import WIDE_FROM
from screens.session import Session
from wizard.steps import all_steps

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# Where each target's screen lives: "welcome", the steps "1".."6", "verify" and "summary".
SCREENS = {
    "welcome": ("screens.welcome", "WelcomeScreen"),
    "1": ("screens.step_ecr", "EcrRepositoryScreen"),
    "2": ("screens.step_provider", "OidcProviderScreen"),
    "3": ("screens.step_role", "RoleScreen"),
    "4": ("screens.step_policy", "PushPolicyScreen"),
    "5": ("screens.step_secrets", "GitHubSecretsScreen"),
    "6": ("screens.step_run", "WorkflowRunScreen"),
    "verify": ("screens.verify", "VerifyScreen"),
    "summary": ("screens.summary", "SummaryScreen"),
}


class WizardApp(App[int]):
    CSS_PATH = ASSETS / "wizard.tcss"
    TITLE = "ecr-oidc-wizard"
    COMMANDS = App.COMMANDS | {WizardCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]  # noqa: RUF012 (Textual declares it per instance)
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f7", "doctor", "Doctor"),
        # Not in the footer: it stays the same on every screen. The palette and help name it.
        Binding("f8", "undo", "Undo", show=False),
    ]

    def __init__(self, session: Session, *, start: str = "welcome", blink: bool = True) -> None:
        super().__init__()
        self.session = session
        self.start = start
        # Off in snapshot tests: a blinking cursor makes two screenshots of one screen differ.
        self.blink = blink
        self.steps = {step.number: step for step in all_steps()}
        # Work that must not delay the first frame (the sandbox's emulator starts here).
        self.after_first_frame: list[Callable[[], None]] = []
        self.step_titles = {n: s.title for n, s in sorted(self.steps.items())}

    def on_mount(self) -> None:
        if self.start == "undo":
            # Over the welcome screen, so that escape leads somewhere.
            self.push_screen(self.make_screen("welcome"))
            self.action_undo()
            return
        self.push_screen(self.make_screen(self.start))
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        for callback in self.after_first_frame:
            callback()

    def make_screen(self, target: str) -> Screen[Any]:
        """The screen for a target. Only its own module is imported: the first frame waits
        for the welcome screen alone, not for every step's screen."""
        if target == "repositories":
            from screens.repositories import RepositoriesScreen
            from wizard.manifest.engine import session_for

            manifest = self.session.manifest
            return RepositoriesScreen(manifest, lambda: session_for(manifest))
        module_name, class_name = SCREENS[target]
        cls = getattr(importlib.import_module(module_name), class_name)
        screen: Screen[Any] = cls(self.steps[int(target)]) if target.isdigit() else cls()
        return screen

    def open_target(self, target: str) -> None:
        """Open the welcome screen, a step ("1".."6"), verification or the summary, replacing
        the current one."""
        if getattr(self.screen, "busy", ""):
            self.notify(
                "This step is still running: esc cancels it, or wait for it to finish.",
                severity="warning",
            )
            return
        self.switch_screen(self.make_screen(target))

    def action_doctor(self) -> None:
        """The live setup check, over whatever screen is open; escape returns to it."""
        from screens.doctor import DoctorScreen, run_explainer_for, setup_check_for

        self.push_screen(
            DoctorScreen(
                run=setup_check_for(self.session), explain_run=run_explainer_for(self.session)
            )
        )

    def action_undo(self) -> None:
        """The destroy plan of what the wizard made, over whatever screen is open."""
        from screens.undo import UndoScreen

        if isinstance(self.screen, UndoScreen):
            return
        if getattr(self.screen, "busy", ""):
            self.notify("A step is still running: wait for it, then undo.", severity="warning")
            return
        self.push_screen(UndoScreen())

    def action_help(self) -> None:
        make_help = getattr(self.screen, "help_screen", None)
        if make_help is not None:
            self.push_screen(make_help())
