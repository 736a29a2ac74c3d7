"""Step 3: the role, and the trust policy that says which workflows may assume it."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from screens.step_base import Field, StepScreen
from wizard.plan import Note, Severity
from wizard.render.plan_text import NOTE_MARK
from wizard.repo_facts import unchecked_note
from wizard.steps.base import StepContext
from wizard.trust_lint import Level, lint_trust_policy

# The same mapping the engine uses when it turns findings into plan notes.
_SEVERITY = {Level.HIGH: Severity.DANGER, Level.MEDIUM: Severity.WARNING, Level.LOW: Severity.INFO}


class RoleScreen(StepScreen):
    """The `sub` claim is compared case-sensitively and its format is the repository's, so
    with a token at hand (the session's, or one found without asking) the plan is made from
    GitHub's facts: the canonical OWNER/REPO, its ids, default branch and subject format."""

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
        Field(
            "adopt_role",
            kind="switch",
            label="Take over an existing role the wizard did not create",
        ),
    )

    class GitHubFound(Message):
        def __init__(self, github: Any, source: str) -> None:
            super().__init__()
            self.github = github
            self.source = source

    def __init__(self, step: Any) -> None:
        super().__init__(step)
        # Looked for once per screen: env, keyring, gh. Never asks (steps 5 and 6 do).
        self._looked_for_token = False

    def prepare(self, ctx: StepContext, *, applying: bool) -> list[str]:
        from wizard.github_api import GitHubError
        from wizard.github_session import attach_github

        github = self.session.github
        if github is None:
            github = self._find_github(ctx)
        checked = False
        try:
            notes, _ = attach_github(
                ctx, [self.step], required=False, github=github, interactive=False
            )
            checked = ctx.github is not None
        except GitHubError as exc:
            # Step 3 can go without GitHub: say why it was not asked, plan from the answers.
            notes = [
                Note(Severity.WARNING, f"GitHub could not be asked about the repository: {exc}"),
                unchecked_note(ctx.settings),
            ]
        lines = [f"  {NOTE_MARK[n.severity]:>2} {n.severity}: {n.text}" for n in notes]
        if checked:
            s = ctx.settings
            form = "immutable" if s.subject_format == "immutable" else "default"
            lines.insert(
                0,
                f"  ✓ Checked with GitHub: {s.github_repo} (repository id {s.repo_id}, owner id "
                f"{s.owner_id}), default branch {s.default_branch}, {form} subject format.",
            )
        return lines

    def _find_github(self, ctx: StepContext) -> Any:
        if self._looked_for_token:
            return None
        self._looked_for_token = True
        from wizard.github_api import GitHub, api_url_from
        from wizard.github_token import find_token

        url = api_url_from(ctx.settings.github_api_url)
        token = find_token(url)
        if token is None:
            return None
        github = GitHub(token.value, url)
        self.post_message(self.GitHubFound(github, str(token)))
        return github

    def on_role_screen_git_hub_found(self, message: GitHubFound) -> None:
        # Steps 5 and 6 use it too, and say where it came from.
        if self.session.github is None:
            self.session.github = message.github
            self.session.token_source = message.source

    def document_name(self) -> str:
        return "trust policy"

    def check_document(self, document: dict[str, Any]) -> tuple[list[str], bool]:
        # GitHub's facts when the plan had them: the policy is built from those.
        s = self.planned_settings or self.session.settings
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
