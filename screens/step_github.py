"""What steps 5 and 6 share: the GitHub token and GitHub's facts about the repository."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.message import Message

from screens.session import StepState
from screens.step_base import StepScreen
from screens.widgets.token_panel import TokenPanel
from wizard.render.plan_text import NOTE_MARK
from wizard.steps.base import StepContext


class GitHubStepScreen(StepScreen):
    class TokenFound(Message):
        def __init__(self, github: Any, source: str, said: str) -> None:
            super().__init__()
            self.github = github
            self.source = source
            self.said = said

    def compose_extra(self) -> ComposeResult:
        yield TokenPanel(blink=self.wizard.blink, id="token")

    def on_mount(self) -> None:
        # No super().on_mount(): Textual calls StepScreen's own handler after this one, and
        # calling it here too started a second plan that cancelled the first.
        if self.session.github is None:
            self.find_token_worker()
        else:
            self._show_token(self.session.token_source, "")

    def extra_errors(self) -> list[str]:
        from wizard.github_session import github_errors

        return github_errors(self.session.settings, steps=[self.number])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answer = super().check_action(action, parameters)
        if action == "apply" and answer is True and self.session.github is None:
            return None
        return answer

    def why_not(self, action: str) -> str:
        why = super().why_not(action)
        if not why and action == "apply" and self.session.github is None:
            return "needs a GitHub token: paste one in the GitHub token box (enter)"
        return why

    def planned_state(self) -> StepState:
        # Without a token the plan is only what would be sent: apply cannot run yet.
        return StepState.PLANNED if self.session.github is not None else StepState.NEEDS_TOKEN

    def planned_status(self) -> tuple[str, str]:
        if self.session.github is not None:
            return super().planned_status()
        return (
            "! Needs a GitHub token before ^g can apply: paste one in the GitHub token box "
            "(enter), or set GH_TOKEN and open this step again.",
            "$warning",
        )

    def _api_url(self) -> str:
        from wizard.github_api import api_url_from

        return api_url_from(self.session.settings.github_api_url)

    @work(thread=True, exclusive=True, exit_on_error=False, group="token")
    def find_token_worker(self) -> None:
        from wizard.github_api import GitHub
        from wizard.github_token import find_token

        # The sandbox's simulated GitHub may still be on its way: never search this machine's
        # tokens while it is.
        self.session.ready.wait()
        if self.session.unavailable:
            return
        if self.session.github is not None:
            self.post_message(self.TokenFound(self.session.github, self.session.token_source, ""))
            return
        url = self._api_url()
        token = find_token(url)
        github = GitHub(token.value, url) if token is not None else None
        self.post_message(self.TokenFound(github, str(token) if token else "", ""))

    @work(thread=True, exclusive=True, exit_on_error=False, group="token")
    def keep_token_worker(self, value: str, keep: bool) -> None:
        from wizard.github_api import GitHub
        from wizard.github_token import KeyringUnavailable, store_token

        url = self._api_url()
        said = ""
        if keep:
            try:
                said = store_token(url, value)
            except KeyringUnavailable as exc:
                said = str(exc)
        self.post_message(self.TokenFound(GitHub(value, url), "GitHub token from the app", said))

    def on_git_hub_step_screen_token_found(self, message: TokenFound) -> None:
        if message.github is not None:
            self.session.github = message.github
            self.session.token_source = message.source
        if message.said:
            self.notify(message.said, timeout=10)
        self._show_token(message.source, message.said)
        if message.github is not None and not self.errors and not self.busy:
            self.plan_again()
        self._sync()

    def _show_token(self, source: str, said: str) -> None:
        from wizard.github_token import TOKEN_HELP, keyring_problem

        found = self.session.github is not None
        status = f"✓ Using the {source}." if found else "✗ No GitHub token found."
        injected = found and self.session.github_injected
        self.query_one(TokenPanel).show(
            status,
            found=found,
            help_text=TOKEN_HELP,
            # The keyring is not asked about when there is no token to keep in it.
            keyring="" if injected else keyring_problem(),
            injected=injected,
        )

    def on_token_panel_submitted(self, message: TokenPanel.Submitted) -> None:
        self.keep_token_worker(message.value, message.keep)

    def prepare(self, ctx: StepContext, *, applying: bool) -> list[str]:
        from wizard.github_session import attach_github

        notes, problems = attach_github(
            ctx,
            [self.step],
            required=applying,
            github=self.session.github,
            interactive=False,
            on_progress=self.progress_callback(),
        )
        lines = [f"  {NOTE_MARK[n.severity]:>2} {n.severity}: {n.text}" for n in notes]
        lines += [f"  ✗ {p.text}" for p in problems]
        return lines

    def progress_callback(self) -> Any:
        return None
