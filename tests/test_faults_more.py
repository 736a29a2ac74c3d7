"""More faults: GitHub failing in the middle of step 5, and config files from older versions.

(tests/test_faults.py covers AWS going away, throttling, 5xx and Ctrl-C; test_github_api.py
covers GitHub's rate limits and 4xx one request at a time.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MotoServer
from tests.fake_github import FakeGitHub, isolated_fake
from tests.helpers import GUIDE_ARGS
from wizard.cli import main
from wizard.github_api import GitHub
from wizard.settings import load

REPO = "UNGlobalPlatform/images-datascience"
TOKEN = "ghp_faultsmore0123456789abcdef"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with isolated_fake(monkeypatch, token=TOKEN, repos=[REPO]) as server:
        monkeypatch.setenv("GH_TOKEN", TOKEN)
        yield server


# --- GitHub 5xx in the middle of step 5 ---------------------------------------------------------


def test_github_5xx_mid_step_5_then_a_rerun_completes(
    moto: MotoServer,
    github: FakeGitHub,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    waits: list[float] = []
    # The client waits 2 s between retries of a 5xx: record the waits instead of sleeping.
    defaults = GitHub.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "sleep", waits.append)
    original = github._route
    failing = {"on": True, "puts": 0}

    def second_secret_fails(
        method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if method == "PUT" and "/actions/secrets/" in path:
            failing["puts"] += 1
            if failing["on"] and failing["puts"] >= 2:
                return 502, {"message": "Server Error"}, {}
        return original(method, path, query, body)

    monkeypatch.setattr(github, "_route", second_secret_fails)
    args = ["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", moto.url]
    args += ["--github-api-url", github.url]
    assert main([*args, "--only", "1,2,3,4"]) == 0
    capsys.readouterr()

    assert main([*args, "--only", "5"]) == 1
    err = capsys.readouterr().err
    secrets = github.repos[REPO.lower()].secrets
    assert len(secrets) == 1  # the first secret went through, the second did not
    assert "502" in err
    assert "run the same command again" in err.lower() or "re-run" in err.lower()
    assert 1 <= len(waits) <= 5  # retried, within bounds, not for ever

    failing["on"] = False
    assert main([*args, "--only", "5"]) == 0
    assert set(secrets) == {"AWS_ROLE_ARN", "AWS_REGION"}
    assert secrets["AWS_REGION"] == "us-east-1"
    assert secrets["AWS_ROLE_ARN"] == "arn:aws:iam::123456789012:role/GitHubActionsEOStatPush"
    # And nothing is left to do for AWS after the GitHub failure.
    moto.start_recording()
    assert main([*args, "--only", "1,2,3,4"]) == 0
    from tests.conftest import writes

    assert writes(moto.recorded()) == []


# --- config files from older versions -----------------------------------------------------------

OLD_ANSWERS = """\
[answers]
github_repo = "UNGlobalPlatform/images-datascience"
ecr_repository = "onyxia-eostat"
role_name = "GitHubActionsEOStatPush"
region = "us-east-1"
branches = ["release"]

[created]
repository_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/onyxia-eostat"
"""


@pytest.mark.parametrize("header", ["", "version = 0\n"], ids=["no-version", "version-0"])
def test_an_older_config_is_read(header: str, workdir: Path) -> None:
    path = workdir / "ecr-oidc-wizard.toml"
    path.write_text(header + OLD_ANSWERS, encoding="utf-8")
    remembered = load(path)
    assert remembered.settings.ecr_repository == "onyxia-eostat"
    assert remembered.settings.branches == ["release"]
    assert remembered.created["repository_uri"].endswith("/onyxia-eostat")


@pytest.mark.parametrize("header", ["", "version = 0\n"], ids=["no-version", "version-0"])
def test_plan_with_an_older_config_uses_it_and_leaves_it_alone(
    header: str, moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "ecr-oidc-wizard.toml"
    path.write_text(header + OLD_ANSWERS, encoding="utf-8")
    before = path.read_bytes()
    assert main(["plan", "--endpoint-url", moto.url]) == 0
    out = capsys.readouterr().out
    assert "onyxia-eostat" in out
    assert "repo:UNGlobalPlatform/images-datascience:ref:refs/heads/release" in out
    assert path.read_bytes() == before


@pytest.mark.parametrize("header", ["", "version = 0\n"], ids=["no-version", "version-0"])
def test_apply_with_an_older_config_keeps_every_answer(
    header: str, moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "ecr-oidc-wizard.toml"
    path.write_text(header + OLD_ANSWERS, encoding="utf-8")
    assert main(["apply", "--yes", "--endpoint-url", moto.url]) == 0
    remembered = load(path)
    assert remembered.settings.branches == ["release"]
    assert remembered.settings.ecr_repository == "onyxia-eostat"
    assert remembered.created["repository_uri"].endswith("/onyxia-eostat")
    assert "role_arn" in remembered.created


@pytest.mark.parametrize("header", ["", "version = 0\n"], ids=["no-version", "version-0"])
def test_apply_says_when_it_rewrites_an_older_config(
    header: str, moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "ecr-oidc-wizard.toml"
    path.write_text(header + OLD_ANSWERS, encoding="utf-8")
    assert main(["apply", "--yes", "--endpoint-url", moto.url]) == 0
    out, err = capsys.readouterr()
    assert "version = 1" in path.read_text()
    assert "ecr-oidc-wizard.toml" in out + err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # A setting an older version had under another name.
        ('version = 0\n[answers]\nrepository = "onyxia-eostat"\n', "unknown setting"),
        ('[answers]\nrepository_name = "onyxia-eostat"\n', "unknown setting"),
        # An older layout without tables.
        ('version = 0\nanswers = "onyxia-eostat"\n', "must be tables"),
        ('version = "0.1"\n[answers]\n', "version"),
    ],
    ids=["renamed-key-v0", "renamed-key-no-version", "flat-layout", "text-version"],
)
def test_an_unreadable_older_config_is_refused_and_left_untouched(
    text: str,
    fragment: str,
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = workdir / "ecr-oidc-wizard.toml"
    path.write_text(text, encoding="utf-8")
    moto.start_recording()
    code = main(["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", moto.url])
    err = capsys.readouterr().err
    assert code == 2
    assert str(path.name) in err and fragment in err
    assert "left as it is" in err
    assert path.read_text(encoding="utf-8") == text
    assert moto.recorded() == []
    assert [p.name for p in workdir.iterdir()] == ["ecr-oidc-wizard.toml"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        # A list written as one value would be read letter by letter: branches m, a, i, n.
        ('version = 1\n[answers]\nbranches = "main"\n', "'branches'"),
        ("version = 1\n[answers]\nregion = 5\n", "'region'"),
        # Any non-empty text is true: "false" would turn scanning on.
        ('version = 1\n[answers]\nscan_on_push = "false"\n', "'scan_on_push'"),
        ("version = 1\n[answers]\nmutability_exclusions = [1]\n", "'mutability_exclusions'"),
        ('version = 1\n[answers]\nrun_poll_seconds = "soon"\n', "'run_poll_seconds'"),
    ],
    ids=["text-for-list", "number-for-text", "text-for-bool", "numbers-in-list", "text-for-number"],
)
def test_an_answer_of_the_wrong_type_is_refused_naming_it(
    text: str,
    field: str,
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = workdir / "ecr-oidc-wizard.toml"
    path.write_text(text, encoding="utf-8")
    moto.start_recording()
    code = main(["plan", "--endpoint-url", moto.url])
    err = capsys.readouterr().err
    assert code == 2
    assert field in err and "must be" in err and "left as it is" in err
    assert path.read_text(encoding="utf-8") == text
    assert moto.recorded() == []
