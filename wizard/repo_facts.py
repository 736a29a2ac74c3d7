"""What GitHub says about the repository, for the trust policy of step 3.

The token's `sub` claim is compared case-sensitively and its format depends on the repository
(default, a custom claim template, or the immutable `repo:OWNER@ID/REPO@ID` form), so the
policy is built from GitHub's answers, not from what was typed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

from wizard.plan import Note, Severity
from wizard.settings import Settings


class RepoReader(Protocol):
    def repository(self, owner: str, repo: str) -> dict[str, Any]: ...

    def oidc_sub_customization(self, owner: str, repo: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RepoFacts:
    typed: str
    full_name: str
    repo_id: str
    owner_id: str
    default_branch: str
    subject_format: str  # "default" | "immutable"
    # Empty: GitHub's default template (repo, context).
    sub_claim_keys: tuple[str, ...] = ()
    sub_claim_prefix: str = ""
    # Set when the customization endpoint could not be read (the default is then assumed).
    customization_unread: str = ""

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def repo_name(self) -> str:
        return self.full_name.split("/", 1)[-1]

    def notes(self) -> list[Note]:
        notes: list[Note] = []
        if self.typed != self.full_name:
            if self.typed.lower() == self.full_name.lower():
                notes.append(
                    Note(
                        Severity.WARNING,
                        f"You typed {self.typed!r}; GitHub's name is {self.full_name!r}. GitHub "
                        "names ignore case but the token's `sub` claim is compared "
                        f"case-sensitively, so the wizard uses {self.full_name!r}.",
                    )
                )
            else:
                notes.append(
                    Note(
                        Severity.WARNING,
                        f"{self.typed!r} now answers as {self.full_name!r} (renamed or "
                        "transferred); tokens carry the new name, so the wizard uses it.",
                    )
                )
        if self.subject_format == "immutable":
            notes.append(
                Note(
                    Severity.INFO,
                    f"{self.full_name} emits immutable subject claims "
                    f"(`repo:{self.owner}@{self.owner_id}/{self.repo_name}@{self.repo_id}:...`); "
                    "the trust policy uses that form. A policy built from names alone would fail "
                    "with 'Not authorized to perform sts:AssumeRoleWithWebIdentity'.",
                )
            )
        if self.sub_claim_keys:
            notes.append(
                Note(
                    Severity.INFO,
                    f"{self.full_name} uses a custom subject template "
                    f"({', '.join(self.sub_claim_keys)}); the trust policy follows it.",
                )
            )
        if self.customization_unread:
            notes.append(
                Note(
                    Severity.WARNING,
                    "The subject format could not be read from GitHub "
                    f"({self.customization_unread}); GitHub's default is assumed. If the "
                    "repository uses a custom or immutable subject, the role will refuse it.",
                )
            )
        return notes


def fetch_repo_facts(github: RepoReader, github_repo: str) -> RepoFacts:
    """Read the canonical name, ids, default branch and `sub` format (read-only calls)."""
    owner, _, name = github_repo.partition("/")
    repo = github.repository(owner, name)
    full_name = str(repo["full_name"])
    canonical_owner, _, canonical_name = full_name.partition("/")
    unread = ""
    try:
        custom = github.oidc_sub_customization(canonical_owner, canonical_name)
    except Exception as exc:  # a token without 'actions' read: assume the default, say so
        custom = {"use_default": True}
        unread = str(exc).split(". ")[0]
    keys: tuple[str, ...] = ()
    if not custom.get("use_default", True):
        keys = tuple(str(k) for k in custom.get("include_claim_keys") or ())
    prefix = str(custom.get("sub_claim_prefix") or "")
    immutable = bool(custom.get("use_immutable_subject")) or "@" in prefix
    return RepoFacts(
        typed=github_repo,
        full_name=full_name,
        repo_id=str(repo["id"]),
        owner_id=str(repo["owner"]["id"]),
        default_branch=str(repo.get("default_branch") or "main"),
        subject_format="immutable" if immutable else "default",
        sub_claim_keys=keys,
        sub_claim_prefix=prefix,
        customization_unread=unread,
    )


def apply_repo_facts(settings: Settings, facts: RepoFacts) -> Settings:
    """A copy of the settings with GitHub's facts in place of what was typed."""
    return dataclasses.replace(
        settings,
        github_repo=facts.full_name,
        owner_id=facts.owner_id,
        repo_id=facts.repo_id,
        default_branch=facts.default_branch,
        subject_format=facts.subject_format,
        sub_claim_keys=list(facts.sub_claim_keys),
    )


def unchecked_note(settings: Settings) -> Note:
    """For a plan made without a token: what was stated, and that GitHub was not asked."""
    form = (
        f"immutable subject (owner id {settings.owner_id}, repo id {settings.repo_id})"
        if settings.subject_format == "immutable"
        else "default subject format"
    )
    return Note(
        Severity.WARNING,
        f"Not checked with GitHub (no token): the repository name {settings.github_repo!r}, its "
        f"exact case, its default branch {settings.default_branch!r} and the {form} are as you "
        "stated them. A wrong case or subject format makes the role refuse the workflow.",
    )
