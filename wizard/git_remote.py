"""The GitHub repository of the current checkout, from its `origin` remote."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_REMOTE = re.compile(
    r"^(?:https?://[^/]+/|ssh://git@[^/]+/|git@[^:]+:)(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$"
)


def repo_from_remote(url: str) -> str:
    """OWNER/REPO from a GitHub remote URL (https, ssh or scp form), or ""."""
    match = _REMOTE.match(url.strip())
    return match.group("repo") if match else ""


def git_origin_repo(cwd: Path | None = None) -> str:
    try:
        answer = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return repo_from_remote(answer.stdout) if answer.returncode == 0 else ""
