"""Step 3: the role, and the trust policy that says which workflows may assume it."""

from __future__ import annotations

from typing import Any

from screens.step_base import Field, StepScreen
from wizard.plan import Severity
from wizard.plan_text import NOTE_MARK
from wizard.trust_lint import Level, lint_trust_policy

# The same mapping the engine uses when it turns findings into plan notes.
_SEVERITY = {Level.HIGH: Severity.DANGER, Level.MEDIUM: Severity.WARNING, Level.LOW: Severity.INFO}


class RoleScreen(StepScreen):
    number = 3
    has_document = True
    fields = (
        Field("github_repo", placeholder="OWNER/REPO"),
        Field("role_name", placeholder="e.g. GitHubActionsEOStatPush"),
        Field("branches", kind="list", placeholder="empty: the default branch only"),
        Field("tags", kind="list", placeholder="e.g. v*"),
        Field("environments", kind="list", placeholder="e.g. production"),
        Field("pull_requests", kind="switch", label="Admit pull-request workflows"),
        Field("any_ref", kind="switch", label="WIDE: any branch, tag, environment or PR"),
        Field("default_branch", placeholder="main"),
        Field("subject_format", kind="choice", choices=("default", "immutable")),
        Field("owner_id", placeholder="only for the immutable subject format"),
        Field("repo_id", placeholder="only for the immutable subject format"),
    )

    def document_name(self) -> str:
        return "trust policy"

    def check_document(self, document: dict[str, Any]) -> tuple[list[str], bool]:
        s = self.session.settings
        identity = self.session.aws().known_identity
        findings = lint_trust_policy(
            document,
            account_id=identity.account_id if identity else None,
            canonical_repo=s.github_repo or None,
            immutable_subject=s.subject_format == "immutable",
            owner_id=s.owner_id or None,
            repo_id=s.repo_id or None,
        )
        lines = [
            f"{NOTE_MARK[_SEVERITY[f.level]]} {_SEVERITY[f.level]}: {f.message} Fix: {f.fix}"
            for f in findings
        ]
        blocking = any(f.level is Level.HIGH for f in findings)
        if blocking:
            lines.append(
                f"{NOTE_MARK[Severity.DANGER]} This edit is not used while a high finding "
                "remains: fix it, or f4 to reset."
            )
        return lines, blocking
