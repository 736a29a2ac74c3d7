"""Command palette: every step to jump to, and the actions of the screen in front."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


class WizardCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: Any = self.app
        screen: Any = self.screen
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (
                "Go to: Welcome",
                "what the wizard does and what it found",
                partial(app.open_target, "welcome"),
            )
        ]
        for number, title in app.step_titles.items():
            commands.append(
                (
                    f"Go to: Step {number} · {title}",
                    "open this step",
                    partial(app.open_target, str(number)),
                )
            )
        commands.append(
            (
                "Go to: Verification",
                "images, tags and Helm values",
                partial(app.open_target, "verify"),
            )
        )
        commands.append(
            (
                "Go to: Summary",
                "what exists, how to undo it, what next",
                partial(app.open_target, "summary"),
            )
        )
        commands.append(
            (
                "Doctor: check the live setup (f7)",
                "provider, role, policies, repository, GitHub",
                app.action_doctor,
            )
        )
        commands.append(
            (
                "Undo: remove what the wizard made (f8)",
                "the destroy plan first, then removal after you confirm",
                app.action_undo,
            )
        )
        why_not = getattr(screen, "why_not", None)
        for action, label, help_text in getattr(screen, "PALETTE", ()):
            allowed = screen.check_action(action, ())
            if allowed is True:
                commands.append((label, help_text, partial(screen.run_action, action)))
            elif allowed is None:
                # Greyed out in the footer: listed here too, saying why it waits.
                why = (why_not(action) if why_not is not None else "") or "not available now"
                commands.append(
                    (label, f"not now — {why}", partial(app.notify, why, severity="warning"))
                )
        commands.append(("Help for this screen", "f1", app.action_help))
        return commands

    async def discover(self) -> Hits:
        for label, help_text, callback in self._commands():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
