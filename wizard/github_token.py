"""Finding the GitHub token, in a fixed order, without ever writing it down in clear.

Order: GH_TOKEN / GITHUB_TOKEN (GH_ENTERPRISE_TOKEN / GITHUB_ENTERPRISE_TOKEN first for a
GitHub Enterprise Server host, as the gh CLI does), the OS keyring (service `ecr-oidc-wizard`,
one entry per API host), `gh auth token` when gh is installed, and last the person is asked.
The token never goes to a config file, a log or the screen: `Token` hides it from repr.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wizard.github_api import DEFAULT_API_URL

KEYRING_SERVICE = "ecr-oidc-wizard"
ENV_NAMES = ("GH_TOKEN", "GITHUB_TOKEN")
ENTERPRISE_ENV_NAMES = ("GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN")

TOKEN_HELP = (
    "A GitHub token is needed for steps 5 and 6. Create a fine-grained token for the "
    "repository with the repository permissions Secrets (read and write), Variables (read and "
    "write), Actions (read and write) and Metadata (read), plus Contents, Workflows and Pull "
    "requests (read and write) for step 6 to commit the workflow, or a classic token with the "
    "`repo` and `workflow` scopes. Then, without it landing in your shell history:\n"
    "  read -rs GH_TOKEN && export GH_TOKEN\n"
    "(or run `gh auth login` once if you use the gh CLI)."
)

NO_KEYRING = (
    "No working OS keyring was found (on a headless Linux machine keyring has no backend), so "
    "the token cannot be kept between runs. Pass it in the environment instead:\n"
    "  read -rs GH_TOKEN && export GH_TOKEN\n"
    "The tool reads GH_TOKEN (or GITHUB_TOKEN) on every run and never stores it."
)


class KeyringUnavailable(Exception):
    """No keyring backend can store the token; `str()` explains the environment route."""


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    # Where it came from, for the person to read: never the value itself.
    source: str

    def __str__(self) -> str:
        return f"GitHub token from {self.source}"


def api_host(api_url: str) -> str:
    """The keyring entry name for an API base: api.github.com, or the GHES host."""
    return urllib.parse.urlsplit(api_url or DEFAULT_API_URL).netloc or "api.github.com"


def web_host(api_url: str) -> str:
    """The host name gh uses: github.com for api.github.com, the server for GHES."""
    host = api_host(api_url)
    return "github.com" if host == "api.github.com" else host


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0].strip("[]") if host.count(":") <= 1 else host.strip("[]")
    return name in ("localhost", "::1") or name.startswith("127.")


def token_from_env(api_url: str, env: Mapping[str, str] | None = None) -> Token | None:
    """GH_TOKEN / GITHUB_TOKEN are github.com credentials: another server (GitHub Enterprise
    Server) gets only GH_ENTERPRISE_TOKEN / GITHUB_ENTERPRISE_TOKEN, as with the gh CLI, so a
    stray --github-api-url never receives them. A server on this machine (a test double) may."""
    env = os.environ if env is None else env
    names: tuple[str, ...] = ENV_NAMES
    host = web_host(api_url)
    if host != "github.com":
        names = ENTERPRISE_ENV_NAMES + (ENV_NAMES if _is_loopback(host) else ())
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return Token(value, name)
    return None


def keyring_may_answer() -> bool:
    """False when no OS keyring can exist here, so the lookup (and keyring's backend discovery,
    about 0.2 s) is skipped: on Linux every secure backend talks over a D-Bus session."""
    if "keyring" in sys.modules or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True  # already set up by this process, or chosen explicitly
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    return os.path.exists(f"/run/user/{os.getuid()}/bus")


def token_from_keyring(api_url: str) -> Token | None:
    """The stored token, or None when there is none or no keyring works."""
    if not keyring_may_answer():
        return None
    try:
        import keyring
        import keyring.errors

        value = keyring.get_password(KEYRING_SERVICE, api_host(api_url))
    except Exception:  # any backend failure just means "not found here": try the next source
        return None
    return Token(value, "the OS keyring") if value else None


def token_from_gh(
    api_url: str,
    *,
    which: Callable[[str], str | None] | None = None,
    run: Callable[..., subprocess.CompletedProcess[str]] | None = None,
) -> Token | None:
    # Looked up at call time so tests (and a changed PATH) are honoured.
    which = which or shutil.which
    run = run or subprocess.run
    gh = which("gh")
    if gh is None:
        return None
    try:
        answer = run(
            [gh, "auth", "token", "--hostname", web_host(api_url)],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = answer.stdout.strip() if answer.returncode == 0 else ""
    return Token(value, "`gh auth token`") if value else None


def find_token(
    api_url: str = DEFAULT_API_URL,
    *,
    env: Mapping[str, str] | None = None,
    use_keyring: bool = True,
    use_gh: bool = True,
    which: Callable[[str], str | None] | None = None,
) -> Token | None:
    """The first token found without asking anyone."""
    found = token_from_env(api_url, env)
    if found is None and use_keyring:
        found = token_from_keyring(api_url)
    if found is None and use_gh:
        found = token_from_gh(api_url, which=which)
    return found


def keyring_problem() -> str:
    """Why the keyring cannot keep a token, or "" when it can."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return NO_KEYRING
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return NO_KEYRING
    return ""


def store_token(api_url: str, token: str) -> str:
    """Keep the token in the OS keyring; returns what to tell the person.

    Raises KeyringUnavailable (with the environment route) when no backend works.
    """
    try:
        import keyring
        import keyring.errors
    except ImportError as exc:
        raise KeyringUnavailable(NO_KEYRING) from exc
    try:
        keyring.set_password(KEYRING_SERVICE, api_host(api_url), token)
    except keyring.errors.NoKeyringError:
        raise KeyringUnavailable(NO_KEYRING) from None
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            f"The OS keyring refused to store the token ({type(exc).__name__}). " + NO_KEYRING
        ) from None
    return (
        f"The token is kept in the OS keyring (service {KEYRING_SERVICE!r}, entry "
        f"{api_host(api_url)!r}); remove it with: keyring del {KEYRING_SERVICE} "
        f"{api_host(api_url)}"
    )


def forget_token(api_url: str) -> bool:
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, api_host(api_url))
    except Exception:  # nothing stored, or no backend: either way nothing is kept
        return False
    return True


def ask_token(
    api_url: str,
    *,
    secret_prompt: Callable[[str], str],
    confirm: Callable[[str], bool],
    say: Callable[[str], None],
) -> Token | None:
    """Ask for a token (input hidden) and offer to keep it in the keyring."""
    say(TOKEN_HELP)
    value = secret_prompt(f"GitHub token for {web_host(api_url)} (input hidden): ").strip()
    if not value:
        return None
    problem = keyring_problem()
    if problem:
        say(problem)
    elif confirm("Keep the token in the OS keyring for later runs?"):
        try:
            say(store_token(api_url, value))
        except KeyringUnavailable as exc:
            say(str(exc))
    return Token(value, "the prompt")
