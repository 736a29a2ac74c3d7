"""What a screen may ask of the app that hosts it, and the layout breakpoints they share.

Screens depend on this protocol, not on `screens.app.WizardApp`: the app imports the screens it
opens, so a screen importing the app back would make a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from screens.session import Session
    from wizard.steps.base import Step

# From this many columns the layout is "-wide" (below it "-narrow": a slimmer navigator).
WIDE_FROM = 90
# Step screens narrower than WIDE_FROM or shorter than this are dense (screens.step_form).
TALL_FROM = 32


class WizardHost(Protocol):
    """The app as its screens see it (screens.app.WizardApp is the one implementation)."""

    session: Session
    blink: bool
    steps: dict[int, Step[Any]]
    step_titles: dict[int, str]

    def open_target(self, target: str) -> None:
        """Open the welcome screen, a step ("1".."6") or verification, replacing the current."""


class HostedScreen:
    """For a Screen of this app: `wizard` is the app as its host, `session` the run's answers."""

    app: Any

    @property
    def wizard(self) -> WizardHost:
        host: WizardHost = self.app
        return host

    @property
    def session(self) -> Session:
        return self.wizard.session
