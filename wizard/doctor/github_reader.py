"""The read-only GitHub client the doctor takes, and how it finds one without asking anyone."""

from __future__ import annotations

from typing import Any, Protocol

from wizard.settings import Settings


class GitHubReader(Protocol):
    """The read-only part of `wizard.github_api.GitHub` the doctor uses."""

    def repository(self, owner: str, repo: str) -> dict[str, Any]: ...

    def oidc_sub_customization(self, owner: str, repo: str) -> dict[str, Any]: ...

    def list_secrets(self, owner: str, repo: str) -> list[str]: ...

    def list_variables(self, owner: str, repo: str) -> dict[str, str]: ...

    def file_text(self, owner: str, repo: str, path: str, ref: str = "") -> str | None: ...


def find_github(settings: Settings) -> tuple[GitHubReader | None, str]:
    """A GitHub client when a token is found without asking anyone, else why there is none."""
    try:
        from wizard.github_api import GitHub, api_url_from
        from wizard.github_token import find_token
    except ImportError:  # the GitHub side is optional: the doctor works without it
        return None, "the GitHub side of the tool is not installed"
    url = api_url_from(settings.github_api_url)
    try:
        token = find_token(url)
    except Exception as exc:  # a broken keyring or gh must not stop the AWS checks
        return None, f"no GitHub token ({exc})"
    if token is None:
        return None, "no GitHub token"
    return GitHub(token.value, url), ""
