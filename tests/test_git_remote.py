"""The repository of the current checkout, from its origin remote."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from wizard.git_remote import git_origin_repo, repo_from_remote


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/octo-org/app.git", "octo-org/app"),
        ("https://github.com/octo-org/app", "octo-org/app"),
        ("git@github.com:octo-org/app.git", "octo-org/app"),
        ("ssh://git@github.com/octo-org/app.git\n", "octo-org/app"),
        ("https://ghe.example.com/team/svc/", "team/svc"),
        ("not a url", ""),
        ("https://github.com/only-owner", ""),
    ],
)
def test_repo_from_remote(url: str, repo: str) -> None:
    assert repo_from_remote(url) == repo


def test_git_origin_repo(tmp_path: Path) -> None:
    assert git_origin_repo(tmp_path) == ""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:octo-org/app.git"],
        cwd=tmp_path,
        check=True,
    )
    assert git_origin_repo(tmp_path) == "octo-org/app"
