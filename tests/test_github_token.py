"""Where the GitHub token comes from, and that it never lands anywhere in clear."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from tests.fake_github import FakeGitHub
from wizard import github_token
from wizard.cli.github import ProgressPrinter, write_workflow_command
from wizard.github_session import attach_github, github_for
from wizard.github_token import (
    KEYRING_SERVICE,
    KeyringUnavailable,
    Token,
    ask_token,
    find_token,
    keyring_problem,
    store_token,
    token_from_gh,
)
from wizard.settings import Settings
from wizard.steps.base import StepContext
from wizard.steps.github_secrets import GitHubSecretsStep
from wizard.steps.workflow_run import WorkflowRunStep
from wizard.workflow import render_workflow, workflow_spec

CANARY = "ghp_CANARY0123456789abcdefCANARY"
GHES = "https://ghe.example.com/api/v3"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict, so tests never touch the machine's keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username))


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def failing_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def no_gh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(github_token.shutil, "which", lambda name: None)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*github_token.ENV_NAMES, *github_token.ENTERPRISE_ENV_NAMES, "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)


def test_environment_comes_first(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(KEYRING_SERVICE, "api.github.com", "from-keyring")
    env = {"GITHUB_TOKEN": "from-github-token", "GH_TOKEN": "from-gh-token"}
    found = find_token(env=env, use_gh=False)
    assert found is not None and found.value == "from-gh-token"
    assert found.source == "GH_TOKEN"


def test_enterprise_variables_for_a_ghes_host() -> None:
    env = {"GH_TOKEN": "dotcom", "GH_ENTERPRISE_TOKEN": "ghes"}
    ghes = find_token(GHES, env=env, use_keyring=False, use_gh=False)
    dotcom = find_token(env=env, use_keyring=False, use_gh=False)
    assert ghes is not None and (ghes.value, ghes.source) == ("ghes", "GH_ENTERPRISE_TOKEN")
    assert dotcom is not None and (dotcom.value, dotcom.source) == ("dotcom", "GH_TOKEN")


def test_keyring_has_one_entry_per_api_host(memory_keyring: MemoryKeyring) -> None:
    store_token("https://api.github.com", "dotcom-token")
    store_token(GHES, "ghes-token")
    assert memory_keyring.entries == {
        (KEYRING_SERVICE, "api.github.com"): "dotcom-token",
        (KEYRING_SERVICE, "ghe.example.com"): "ghes-token",
    }
    found = find_token(GHES, env={}, use_gh=False)
    assert found is not None and found.value == "ghes-token"
    assert found.source == "the OS keyring"


def test_gh_cli_is_asked_for_the_right_host() -> None:
    seen: list[list[str]] = []

    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(args)
        return subprocess.CompletedProcess(args, 0, stdout="gho_from_gh\n", stderr="")

    found = token_from_gh(GHES, which=lambda _: "/usr/bin/gh", run=run)
    assert found is not None and found.value == "gho_from_gh"
    assert seen == [["/usr/bin/gh", "auth", "token", "--hostname", "ghe.example.com"]]
    assert token_from_gh(GHES, which=lambda _: None) is None


def test_gh_cli_failure_is_not_a_token() -> None:
    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 1, stdout="", stderr="not logged in")

    assert token_from_gh("", which=lambda _: "/usr/bin/gh", run=run) is None


def test_the_token_is_not_in_its_repr() -> None:
    token = Token(CANARY, "GH_TOKEN")
    assert CANARY not in repr(token)
    assert CANARY not in str(token)


def test_without_a_keyring_backend_the_env_route_is_explained(failing_keyring: None) -> None:
    assert "GH_TOKEN" in keyring_problem()
    with pytest.raises(KeyringUnavailable) as caught:
        store_token("https://api.github.com", CANARY)
    message = str(caught.value)
    assert "No working OS keyring" in message
    assert "export GH_TOKEN" in message
    assert CANARY not in message
    # Reading simply finds nothing: the next source is tried.
    assert find_token(env={}, use_gh=False) is None


def test_asked_token_is_offered_to_the_keyring(memory_keyring: MemoryKeyring) -> None:
    said: list[str] = []
    token = ask_token(
        "https://api.github.com",
        secret_prompt=lambda _: CANARY,
        confirm=lambda _: True,
        say=said.append,
    )
    assert token is not None and token.source == "the prompt"
    assert memory_keyring.entries[(KEYRING_SERVICE, "api.github.com")] == CANARY
    assert not any(CANARY in line for line in said)


def test_asked_token_without_keyring_says_so(failing_keyring: None) -> None:
    said: list[str] = []
    asked: list[str] = []
    ask_token(
        "https://api.github.com",
        secret_prompt=lambda _: CANARY,
        confirm=lambda q: asked.append(q) or True,
        say=said.append,
    )
    assert asked == []  # no point offering to keep it
    assert any("No working OS keyring" in line for line in said)


def test_github_for_asks_on_a_terminal_only(
    memory_keyring: MemoryKeyring, clean_env: None, no_gh: None
) -> None:
    settings = Settings(github_repo="octo-org/app")
    assert github_for(settings, interactive=False) is None
    gh = github_for(
        settings,
        interactive=True,
        secret_prompt=lambda _: CANARY,
        confirm=lambda _: False,
        say=lambda _: None,
    )
    assert gh is not None
    assert memory_keyring.entries == {}


# --- The canary: the token appears nowhere ------------------------------------------------------


class FakeAws:
    region = "us-east-1"
    known_identity = None

    def identity(self) -> Any:
        from wizard.aws import Identity

        return Identity("123456789012", "arn:aws:iam::123456789012:user/me", "aws")


def test_canary_token_never_reaches_output_or_files(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    clean_env: None,
) -> None:
    fake = FakeGitHub(token=CANARY).start()
    try:
        fake.add_repo("octo-org/app")
        monkeypatch.setenv("GH_TOKEN", CANARY)
        settings = Settings(
            github_repo="OCTO-org/app",
            ecr_repository="onyxia-eostat",
            role_name="GitHubActionsEOStatPush",
            region="us-east-1",
            github_api_url=fake.url,
            workflow_file="build.yml",
        )
        spec = workflow_spec(settings)
        fake.put_file("octo-org/app", ".github/workflows/build.yml", render_workflow(spec))
        fake.next_conclusion = "failure"
        fake.next_log = "Error: Could not load credentials from any providers\n"
        ctx = StepContext(settings=settings, aws=FakeAws())  # type: ignore[arg-type]
        steps = [GitHubSecretsStep(), WorkflowRunStep(sleep=lambda _: None, poll_interval=0)]
        notes, problems = attach_github(ctx, steps, required=True, on_progress=ProgressPrinter())
        results = []
        for step in steps:
            plan = step.plan(ctx, step.inspect(ctx))
            print(plan.to_json())
            result = step.apply(ctx, plan)
            print(json.dumps(result.to_json(), default=str))
            results.append(result)
        print(notes, problems, ctx.github, ctx.sent)
        (tmp_path / ".git").mkdir()
        assert write_workflow_command(ctx.settings, cwd=tmp_path) == 0
        # A refused token's message names no token either.
        fake.token = "another"
        from wizard.github_api import GitHubError

        with pytest.raises(GitHubError) as caught:
            ctx.github.repository("octo-org", "app")
        print(caught.value)
    finally:
        fake.stop()
    out, err = capsys.readouterr()
    assert results[0].status.value == "done"
    assert results[1].status.value == "failed"
    assert "Run " in out and "Could not load credentials" in out
    assert CANARY not in out and CANARY not in err
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written, "the workflow file was written"
    for path in written:
        assert CANARY not in path.read_text(encoding="utf-8", errors="replace")
    assert memory_keyring.entries == {}


def test_keyring_lookup_is_skipped_where_no_keyring_can_exist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from wizard import github_token

    monkeypatch.delitem(sys.modules, "keyring", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(github_token.os.path, "exists", lambda path: False)
    assert github_token.keyring_may_answer() is False
    assert github_token.token_from_keyring("https://api.github.com") is None
    assert "keyring" not in sys.modules
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/0/bus")
    assert github_token.keyring_may_answer() is True
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    assert github_token.keyring_may_answer() is True


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("https://api.github.com", "dotcom"),
        ("https://ghes.example.com/api/v3", None),  # a github.com token never goes elsewhere
        ("http://127.0.0.1:8080/api/v3", "dotcom"),  # a test double on this machine may have it
        ("http://localhost:9/api/v3", "dotcom"),
    ],
)
def test_github_com_tokens_stay_with_github_com(api_url: str, expected: str | None) -> None:
    found = github_token.token_from_env(api_url, {"GH_TOKEN": "dotcom"})
    assert (found.value if found else None) == expected
