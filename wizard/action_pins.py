"""The actions the workflow uses, pinned to full commit SHAs with the version in a comment.

A tag such as `@v4` can be moved by whoever controls the action's repository (or whoever
compromises it, as happened to tj-actions/changed-files in March 2025); a 40-hex commit SHA
cannot. GitHub's "Security hardening for GitHub Actions" guide: "Pinning an action to a full
length commit SHA is currently the only way to use an action as an immutable release."
Dependabot updates such pins, and the comment, when `github-actions` updates are on.

The table below is what the package knows: each tag's commit, read from the action's own
repository (refs/tags/<version>, the commit an annotated tag points at). With a GitHub token,
`resolve_pins()` asks GitHub for each action's latest release within the same major version,
so a newer patch is used without a new release of this tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SHA = re.compile(r"[0-9a-f]{40}")
_VERSION = re.compile(r"v(\d+)(?:\.\d+){0,2}")


@dataclass(frozen=True)
class Pin:
    action: str
    version: str
    sha: str

    @property
    def major(self) -> str:
        match = _VERSION.fullmatch(self.version)
        return match.group(1) if match else ""

    @property
    def uses(self) -> str:
        """The `uses:` value with its version comment (the form Dependabot keeps up to date)."""
        return f"{self.action}@{self.sha} # {self.version}"


CHECKOUT = "actions/checkout"
CREDENTIALS = "aws-actions/configure-aws-credentials"
ECR_LOGIN = "aws-actions/amazon-ecr-login"

# github.com/actions/checkout tag v7.0.1; github.com/aws-actions/configure-aws-credentials tag
# v6.2.3; github.com/aws-actions/amazon-ecr-login tag v2.1.7 (annotated; the commit it tags).
DEFAULT_PINS: tuple[Pin, ...] = (
    Pin(CHECKOUT, "v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1"),
    Pin(CREDENTIALS, "v6.2.3", "e6de054238d6b7531b4efff3b6587d9aade6a06c"),
    Pin(ECR_LOGIN, "v2.1.7", "03f1aad4c6c7ffd436567f42f9384779290529bd"),
)


def pin_for(pins: tuple[Pin, ...], action: str) -> Pin:
    for pin in pins:
        if pin.action == action:
            return pin
    for pin in DEFAULT_PINS:
        if pin.action == action:
            return pin
    raise KeyError(action)


def resolve_pins(github: Any, pins: tuple[Pin, ...] = DEFAULT_PINS) -> tuple[tuple[Pin, ...], str]:
    """Each action's latest release of the same major version, resolved to its commit through
    the GitHub API; the table's pin wherever GitHub cannot say. Returns (pins, a note)."""
    resolved: list[Pin] = []
    kept: list[str] = []
    newer: list[str] = []
    for pin in pins:
        owner, repo = pin.action.split("/", 1)
        try:
            tag = github.latest_release_tag(owner, repo)
            match = _VERSION.fullmatch(tag or "")
            sha = (
                github.tag_commit(owner, repo, tag) if match and match.group(1) == pin.major else ""
            )
        except Exception:  # any refusal or outage: the table's pin is a known-good answer
            tag, match, sha = None, None, ""
        if match is not None and match.group(1) != pin.major:
            # A new major version may change inputs the workflow passes: kept for a person.
            newer.append(f"{pin.action} {tag}")
            resolved.append(pin)
        elif tag and _SHA.fullmatch(sha):
            resolved.append(Pin(pin.action, tag, sha))
        else:
            kept.append(pin.action)
            resolved.append(pin)
    notes: list[str] = []
    if kept:
        notes.append(
            f"GitHub did not say the latest release of {', '.join(kept)}; the workflow pins "
            "the version this tool knows."
        )
    if newer:
        notes.append(
            f"A new major version is out ({', '.join(newer)}); the workflow keeps the major "
            "version it was written for. Dependabot proposes the upgrade as a pull request."
        )
    return tuple(resolved), " ".join(notes)


DEPENDABOT_FILE = ".github/dependabot.yml"


def dependabot_config() -> str:
    """Dependabot keeps the pinned actions (SHA and version comment) up to date. A cooldown
    lets a release age a week before it is proposed, so a hijacked release is usually found
    and pulled first (Dependabot options reference: `cooldown`)."""
    return """\
# Made by ecr-oidc-wizard: keeps the workflow's pinned actions up to date (the commit SHA
# and its version comment), one pull request a week at most.
version: 2
updates:
  - package-ecosystem: "github-actions"
    directory: "/"
    schedule:
      interval: "weekly"
    cooldown:
      default-days: 7
"""
