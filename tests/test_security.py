"""Security checks across the whole tool: the token never leaks, account data is private, no
code path asks for AWS keys, and trust policies never admit more than the chosen scope.

(Not repeated here: the per-command canary tests in test_github_cli.py and test_github_token.py,
the 0600 check after one apply in test_cli.py, the default-format trust property in
test_properties.py. This file widens each of them.)
"""

from __future__ import annotations

import ast
import base64
import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import MotoServer
from tests.fake_github import FakeGitHub, isolated_fake
from tests.helpers import GUIDE_ARGS
from wizard import policies
from wizard.claims import evaluate
from wizard.cli import build_parser, main
from wizard.settings import Settings
from wizard.workflow import render_workflow, workflow_spec

ROOT = Path(__file__).resolve().parent.parent
CANARY = "ghp_CANARYsecurity0123456789CANARY"
REPO = "UNGlobalPlatform/images-datascience"
ACCOUNT = "123456789012"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
PRIVATE_FILES = ("ecr-oidc-wizard.toml", "github-actions-trust-policy.json", "ecr-push-policy.json")


class Everything(logging.Handler):
    """Keeps every record, formatted with its arguments, as a log file would hold it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@pytest.fixture
def debug_logs() -> Iterator[Everything]:
    """DEBUG on the root logger and every logger already made (botocore, urllib3, werkzeug)."""
    handler = Everything()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    old_root = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in levels:
        logging.getLogger(name).setLevel(logging.NOTSET)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_root)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token=CANARY, repos=[REPO]) as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory and a HOME of its own, so every file the tool writes is found."""
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    return tmp_path


def all_steps_args(moto: MotoServer, github: FakeGitHub) -> list[str]:
    return [
        *GUIDE_ARGS,
        "--endpoint-url",
        moto.url,
        "--github-api-url",
        github.url,
        "--only",
        "1,2,3,4,5,6",
    ]


def leaked_forms(token: str) -> list[str]:
    """The token as text, and as it would look in a Basic header or base64 blob."""
    forms = [token, base64.b64encode(token.encode()).decode()]
    forms.append(base64.b64encode(f"x-access-token:{token}".encode()).decode())
    return forms


def test_canary_token_is_nowhere_after_applying_all_six_steps(
    moto: MotoServer,
    github: FakeGitHub,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    debug_logs: Everything,
) -> None:
    monkeypatch.setenv("GH_TOKEN", CANARY)
    spec = workflow_spec(Settings(github_repo=REPO, ecr_repository="onyxia-eostat"))
    github.put_file(REPO, f".github/workflows/{spec.file}", render_workflow(spec))
    (home / "work" / "ecr-oidc-wizard.toml").write_text(
        "version = 1\n[answers]\nrun_poll_seconds = 0.01\nrun_timeout_seconds = 30.0\n",
        encoding="utf-8",
    )
    code = main(["apply", "--yes", *all_steps_args(moto, github)])
    again = main(["apply", "--yes", "--json", *all_steps_args(moto, github)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert again == 0, out + err
    # The token was really used: GitHub got it, and the secrets arrived.
    assert github.repos[REPO.lower()].secrets["AWS_REGION"] == "us-east-1"
    assert any(r.headers.get("authorization") == f"Bearer {CANARY}" for r in github.requests)
    # The logs were really captured (botocore logs every request at DEBUG).
    assert any(line.startswith("botocore") for line in debug_logs.lines)
    written = [p for p in home.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert {p.name for p in written} >= set(PRIVATE_FILES)
    for form in leaked_forms(CANARY):
        assert form not in out and form not in err
        assert not [line for line in debug_logs.lines if form in line]
        for path in written:
            assert form not in path.read_text(encoding="utf-8", errors="replace"), path
    # Nor did the token travel to AWS (moto would have logged it above), or into a secret.
    assert CANARY not in str(github.repos[REPO.lower()].secrets)


# --- files with account data are private ---------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_account_files_are_0600_even_with_umask_0(
    moto: MotoServer, home: Path, open_umask: None, capsys: pytest.CaptureFixture[str]
) -> None:
    work = home / "work"
    # A file that exists with a permissive mode is replaced by a private one.
    (work / "ecr-oidc-wizard.toml").write_text("version = 1\n", encoding="utf-8")
    (work / "ecr-oidc-wizard.toml").chmod(0o644)
    assert main(["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", moto.url]) == 0
    for name in PRIVATE_FILES:
        assert _mode(work / name) == 0o600, name
    assert ACCOUNT in (work / "ecr-oidc-wizard.toml").read_text()
    # Nothing else holding the account ID was left behind (no temp file, no other copy).
    for path in work.rglob("*"):
        if path.is_file() and ACCOUNT in path.read_text(errors="replace"):
            assert path.name in PRIVATE_FILES, path
            assert _mode(path) == 0o600, path
    # A re-run with only one step keeps the files private.
    assert main(["apply", "--yes", "--only", "3", "--endpoint-url", moto.url]) == 0
    for name in PRIVATE_FILES:
        assert _mode(work / name) == 0o600, name


def test_files_written_by_the_full_screen_app_are_0600_too(
    moto: MotoServer, tmp_path: Path, open_umask: None
) -> None:
    from screens.session import Session
    from tests.helpers import context
    from wizard.runner import apply_run, plan_steps
    from wizard.steps import AWS_STEPS

    config = tmp_path / "ecr-oidc-wizard.toml"
    session = Session(Settings(), config_path=config)
    ctx = context(moto.url)
    run = plan_steps(ctx, AWS_STEPS)
    apply_run(ctx, run)
    session.settings = ctx.settings
    session.outputs.update(ctx.outputs)
    assert session.remember(run.plans) == ""
    for name in PRIVATE_FILES:
        assert _mode(tmp_path / name) == 0o600, name


# --- no code path asks for AWS access keys --------------------------------------------------------

KEY_WORDS = re.compile(
    r"access[ _-]?key|secret[ _-]?(access[ _-]?)?key|aws_access_key_id|aws_secret_access_key"
    r"|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY",
    re.IGNORECASE,
)
# Calls that put a question to the user, in any face.
ASKING = {"input", "getpass", "Input", "ask", "prompt", "secret_prompt", "confirm", "text_prompt"}
KEY_KEYWORDS = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}
# The sandbox makes throw-away keys for an IAM user inside its own emulator (never asked of
# anyone, never real AWS): it is checked for prompts, not for handing keys to a credentials file.
EMULATOR_ONLY = ROOT / "wizard" / "sandbox"


def _sources() -> list[Path]:
    return sorted([*(ROOT / "wizard").rglob("*.py"), *(ROOT / "screens").rglob("*.py")])


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_no_prompt_or_input_asks_for_aws_keys() -> None:
    found: list[str] = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ASKING:
                for text in _strings(node):
                    if KEY_WORDS.search(text):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    assert found == []


def test_no_aws_keys_are_handed_to_boto3() -> None:
    found: list[str] = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg in KEY_KEYWORDS:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {keyword.arg}=")
            if isinstance(node, ast.Dict) and EMULATOR_ONLY not in path.parents:
                for key in node.keys:
                    if isinstance(key, ast.Constant) and key.value in KEY_KEYWORDS:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {key.value!r}")
    assert found == []


def test_the_one_aws_seam_uses_the_standard_chain() -> None:
    """wizard/aws.py is the only place that makes boto3 sessions, and passes no credentials."""
    makers = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if re.search(r"boto3\.(session\.)?Session\(|boto3\.client\(", text):
            makers.append(path.relative_to(ROOT).as_posix())
    assert [m for m in makers if not m.startswith("wizard/sandbox/")] == ["wizard/aws.py"]
    seam = (ROOT / "wizard" / "aws.py").read_text(encoding="utf-8")
    assert not KEY_WORDS.search(seam.split('"""', 2)[2])  # the docstring may say it never asks


def _options(parser: Any) -> Iterator[tuple[str, str]]:
    for action in parser._actions:
        for option in action.option_strings:
            yield option, action.help or ""
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            for name, sub in choices.items():
                for option, text in _options(sub):
                    yield f"{name} {option}", text


def test_no_command_offers_a_key_flag(capsys: pytest.CaptureFixture[str]) -> None:
    offered = [(o, h) for o, h in _options(build_parser()) if KEY_WORDS.search(o + " " + h)]
    assert offered == []
    with pytest.raises(SystemExit):
        main(["--help"])
    with pytest.raises(SystemExit):
        main(["apply", "--help"])
    text = capsys.readouterr().out
    assert "--access-key" not in text and "--secret" not in text
    assert "standard chain" in text


# --- trust never admits more than the chosen scope: immutable subjects and wide scopes ----------

ID = st.integers(min_value=1, max_value=10**10).map(str)
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=10).filter(
    lambda s: s not in (".", "..") and not s.endswith(".lock") and ".." not in s
)


def _sub(prefix: str, kind: str, value: str) -> str:
    return {
        "branch": f"{prefix}:ref:refs/heads/{value}",
        "tag": f"{prefix}:ref:refs/tags/{value}",
        "environment": f"{prefix}:environment:{value}",
        "pull_request": f"{prefix}:pull_request",
    }[kind]


KIND = st.sampled_from(["branch", "tag", "environment", "pull_request"])


def token(sub: str, repo_id: str) -> dict[str, str]:
    """The claims a real token carries: its sub and its repository's id (taken from an
    immutable sub's `REPO@ID`, else the repository's own id)."""
    repo_part = sub.split(":")[1].split("/", 1)[-1]
    return {"sub": sub, "repository_id": repo_part.partition("@")[2] or repo_id}


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    owner_id=ID,
    repo_id=ID,
    other_id=ID,
    branches=st.lists(NAME, max_size=3),
    kind=KIND,
    name=NAME,
)
def test_immutable_subjects_admit_only_the_chosen_ids_and_refs(
    owner_id: str, repo_id: str, other_id: str, branches: list[str], kind: str, name: str
) -> None:
    s = Settings(
        github_repo="o/r",
        subject_format="immutable",
        owner_id=owner_id,
        repo_id=repo_id,
        branches=branches,
    )
    document: Any = policies.trust_policy(s, partition="aws", account_id=ACCOUNT)
    mine = f"repo:o@{owner_id}/r@{repo_id}"
    chosen = {_sub(mine, "branch", b) for b in branches or ["main"]}
    for value in chosen:
        assert evaluate(document, token(value, repo_id), provider_arn=PROVIDER).allowed, value
    candidates = {
        _sub(mine, kind, name),
        # The name-only form of the same repository: what an old-format policy would match.
        _sub("repo:o/r", kind, name),
        # Another repository id under the same name (deleted and re-created), and another owner.
        _sub(f"repo:o@{owner_id}/r@{other_id}", kind, name),
        _sub(f"repo:o@{other_id}/r@{repo_id}", kind, name),
        _sub(f"repo:o@{owner_id}/r2@{repo_id}", kind, name),
        _sub(f"repo:o@{owner_id}/r@{repo_id}0", kind, name),
    }
    for value in candidates:
        decision = evaluate(document, token(value, repo_id), provider_arn=PROVIDER)
        assert decision.allowed == (value in chosen), (value, decision.reason)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    immutable=st.booleans(),
    owner_id=ID,
    repo_id=ID,
    kind=KIND,
    name=NAME,
    repo=st.sampled_from(["r", "r2", "r-fork", "other"]),
    owner=st.sampled_from(["o", "O", "o2", "evil", "o-x"]),
)
def test_any_ref_admits_one_repository_and_owner_wide_admits_one_owner(
    immutable: bool, owner_id: str, repo_id: str, kind: str, name: str, repo: str, owner: str
) -> None:
    common: dict[str, Any] = {"github_repo": "o/r"}
    if immutable:
        common.update(subject_format="immutable", owner_id=owner_id, repo_id=repo_id)
    any_ref: Any = policies.trust_policy(
        Settings(**common, any_ref=True), partition="aws", account_id=ACCOUNT
    )
    owner_wide: Any = policies.trust_policy(
        Settings(**common, any_repo_of_owner=True), partition="aws", account_id=ACCOUNT
    )
    if immutable:
        owner_part = f"{owner}@{owner_id}"
        claim = _sub(f"repo:{owner_part}/{repo}@{repo_id}", kind, name)
        same_repo = owner == "o" and repo == "r"
    else:
        claim = _sub(f"repo:{owner}/{repo}", kind, name)
        same_repo = owner == "o" and repo == "r"
    same_owner = owner == "o"
    claims = token(claim, repo_id)
    assert evaluate(any_ref, claims, provider_arn=PROVIDER).allowed == same_repo, claim
    assert evaluate(owner_wide, claims, provider_arn=PROVIDER).allowed == same_owner, claim
    # The audience is checked whatever the scope.
    for document in (any_ref, owner_wide):
        wrong = {**claims, "aud": "sts.amazonaws.com.evil"}
        assert not evaluate(document, wrong, provider_arn=PROVIDER).allowed
    if immutable:
        # Another owner id with the same owner name is another owner.
        other = _sub(f"repo:o@{owner_id}1/r@{repo_id}", kind, name)
        assert not evaluate(owner_wide, token(other, repo_id), provider_arn=PROVIDER).allowed
        assert not evaluate(any_ref, token(other, repo_id), provider_arn=PROVIDER).allowed
