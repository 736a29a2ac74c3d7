"""Step 6's first half: put the workflow (and a Dependabot config for its actions) into the
repository through the GitHub API, instead of leaving `git push` to the person.

Two ways, as the person chooses:
- `pull-request` (the default): a new branch from the default branch, one commit per file on
  it, and a pull request into the default branch. GitHub runs `workflow_dispatch` only for a
  workflow on the default branch, so the run waits for the merge (`merge_plan` offers it).
- `branch`: commit straight to a branch the person names (created from the default branch if
  it does not exist).
- `merge`: merge the pull request the first way opened (squash), once it has been reviewed.

Committing under .github/workflows needs the token's 'Workflows' write permission (classic
token: the `workflow` scope) besides 'Contents' write; a pull request needs 'Pull requests'
write. A refusal names the missing one (wizard.github_api).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any

from wizard.action_pins import DEPENDABOT_FILE, dependabot_config, resolve_pins
from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.steps.base import Step, StepContext, StepResult
from wizard.workflow import WORKFLOWS_DIR, render_workflow, workflow_spec

PUBLISH_MODES = ("pull-request", "branch", "merge")
DEFAULT_BRANCH_PREFIX = "ecr-oidc-wizard/"
COMMIT_MESSAGE = "Build and push the image to Amazon ECR with OIDC"


@dataclass(frozen=True)
class FileState:
    path: str
    desired: str
    # On the branch the commit goes to (None: not there), and its blob sha.
    current: str | None = None
    sha: str = ""
    # Already so on the default branch: nothing to commit anywhere.
    on_default: bool = False


@dataclass(frozen=True)
class PublishState:
    default_branch: str
    base_sha: str
    branch: str
    branch_exists: bool
    files: tuple[FileState, ...]
    pull_request: dict[str, Any] | None = None
    # Files the repository already has in its own version, left alone.
    kept: tuple[str, ...] = ()


def publish_branch(ctx: StepContext, mode: str, branch: str) -> str:
    if mode == "branch":
        return branch or ctx.settings.default_branch or "main"
    stem = ctx.settings.workflow_file.rsplit(".", 1)[0]
    return branch or f"{DEFAULT_BRANCH_PREFIX}{stem}"


class WorkflowPublishStep(Step[PublishState]):
    number = 6
    key = "workflow-publish"
    title = "Commit the Workflow"
    purpose = (
        "Commits the workflow to the repository through the GitHub API, on a new branch with a "
        "pull request or straight to a branch you name, so GitHub can run it."
    )
    undo = (
        "Close the pull request and delete its branch, or revert the commit "
        "(`git revert SHA`); nothing on AWS changes."
    )

    def __init__(
        self,
        *,
        mode: str = "pull-request",
        branch: str = "",
        dependabot: bool = True,
        merge: bool = False,
    ) -> None:
        if mode not in PUBLISH_MODES:
            raise ValueError(f"publish mode {mode!r}: one of {', '.join(PUBLISH_MODES)}")
        self.mode = mode
        self.branch = branch
        self.dependabot = dependabot
        # Merge the pull request in the same run (a repository whose owner is the reviewer,
        # or the sandbox); otherwise a person merges it after review.
        self.merge = merge
        # What resolving the actions' pins through GitHub had to say ("" nothing).
        self._last_pins_note = ""

    def wanted_files(self, ctx: StepContext) -> list[tuple[str, str]]:
        spec = workflow_spec(ctx.settings, repository_uri=ctx.outputs.get("repository_uri", ""))
        pins = ctx.reads.get("action-pins")
        if pins:
            spec = replace(spec, pins=pins)
        files = [(f"{WORKFLOWS_DIR}/{spec.file}", render_workflow(spec))]
        if self.dependabot:
            files.append((DEPENDABOT_FILE, dependabot_config()))
        return files

    def inspect(self, ctx: StepContext) -> PublishState:
        github = ctx.github
        if github is None:
            raise RuntimeError(
                "committing the workflow needs a GitHub token: set GH_TOKEN (or run "
                "gh auth login), or commit it yourself with git"
            )
        s = ctx.settings
        if "action-pins" not in ctx.reads:
            # Each action's latest release of its major version, through the API (reads only).
            ctx.reads["action-pins"], ctx.reads["action-pins-note"] = resolve_pins(github)
        default = s.default_branch or "main"
        base_sha = github.branch_head(s.owner, s.repo_name, default)
        if base_sha is None:
            raise RuntimeError(
                f"{s.github_repo} has no branch {default!r} (the default branch): pass "
                "--default-branch with the right one."
            )
        branch = publish_branch(ctx, self.mode, self.branch)
        head = base_sha if branch == default else github.branch_head(s.owner, s.repo_name, branch)
        files: list[FileState] = []
        foreign: list[str] = []
        for path, desired in self.wanted_files(ctx):
            on_default = github.file_entry(s.owner, s.repo_name, path, default)
            # A new branch starts as the default branch: its files are the default's.
            entry = (
                on_default
                if head is None or branch == default
                else github.file_entry(s.owner, s.repo_name, path, branch)
            )
            if path == DEPENDABOT_FILE and on_default is not None and on_default[0] != desired:
                # The repository's own Dependabot config is never replaced.
                foreign.append(path)
                continue
            current, sha = entry if entry is not None else (None, "")
            done = on_default is not None and on_default[0] == desired
            files.append(FileState(path, desired, current, sha, done))
        pull = None
        if self.mode != "branch" and head is not None and branch != default:
            pull = github.find_pull_request(s.owner, s.repo_name, head=branch, base=default)
        return PublishState(
            default, base_sha, branch, head is not None, tuple(files), pull, tuple(foreign)
        )

    def plan(self, ctx: StepContext, observed: PublishState) -> StepPlan:
        self._last_pins_note = str(ctx.reads.get("action-pins-note") or "")
        s = ctx.settings
        owner, repo = s.owner, s.repo_name
        branch = observed.branch
        workflow = f"{WORKFLOWS_DIR}/{s.workflow_file}"
        if all(f.on_default for f in observed.files):
            where = f"already on the default branch ({observed.default_branch})"
            return self.new_plan(changes=(Change(Action.NOOP, workflow, where),))
        to_commit = [f for f in observed.files if not f.on_default and f.current != f.desired]
        if self.mode == "merge" or (self.merge and not to_commit and observed.pull_request):
            return self._merge_plan(ctx, observed)
        if not to_commit and (self.mode == "branch" or observed.pull_request is not None):
            where = branch if self.mode == "branch" else self._pull_text(observed)
            return self.new_plan(
                changes=(Change(Action.NOOP, workflow, f"already on {where}"),),
                notes=tuple(self._notes(observed)),
                outputs=self._outputs(observed),
            )
        changes: list[Change] = []
        if not observed.branch_exists:
            changes.append(
                Change(
                    Action.CREATE,
                    f"branch {branch}",
                    f"a branch {branch} from {observed.default_branch}",
                    calls=(
                        Call(
                            "github",
                            "create_branch",
                            {
                                "owner": owner,
                                "repo": repo,
                                "branch": branch,
                                "sha": observed.base_sha,
                            },
                        ),
                    ),
                )
            )
        for f in to_commit:
            action = Action.CREATE if f.current is None else Action.UPDATE
            changes.append(
                Change(
                    action,
                    f"{f.path} on {branch}",
                    f"commit {f.path} to {branch}",
                    calls=(
                        Call(
                            "github",
                            "put_file",
                            {
                                "owner": owner,
                                "repo": repo,
                                "path": f.path,
                                "text": f.desired,
                                "message": f"{COMMIT_MESSAGE} ({f.path})",
                                "branch": branch,
                                "sha": f.sha,
                            },
                        ),
                    ),
                    diff=_diff(f),
                )
            )
        if self.mode == "pull-request" and observed.pull_request is None:
            changes.append(
                Change(
                    Action.CREATE,
                    f"pull request {branch} -> {observed.default_branch}",
                    f"open a pull request from {branch} into {observed.default_branch}",
                    calls=(
                        Call(
                            "github",
                            "open_pull_request",
                            {
                                "owner": owner,
                                "repo": repo,
                                "head": branch,
                                "base": observed.default_branch,
                                "title": COMMIT_MESSAGE,
                                "body": _pull_request_body(s.workflow_file),
                            },
                        ),
                    ),
                )
            )
        if self.mode == "pull-request" and self.merge:
            changes.append(self._merge_change(ctx, observed))
        return self.new_plan(
            changes=tuple(changes),
            notes=tuple(self._notes(observed)),
            outputs=self._outputs(observed),
        )

    @property
    def _pins_note(self) -> str:
        return self._last_pins_note

    def _notes(self, observed: PublishState) -> list[Note]:
        needs = "'Contents' write"
        if self.mode == "pull-request":
            needs += " and 'Pull requests' write"
        notes = [
            Note(
                Severity.INFO,
                "Committing a workflow file needs the token's 'Workflows' write permission "
                f"(classic token: the `workflow` scope) besides {needs}.",
            )
        ]
        if self.mode == "pull-request" and not self.merge:
            notes.append(
                Note(
                    Severity.INFO,
                    "GitHub runs a workflow by hand (workflow_dispatch) only once it is on the "
                    f"default branch ({observed.default_branch}): merge the pull request, then "
                    "run it.",
                )
            )
        if self._pins_note:
            notes.append(Note(Severity.INFO, self._pins_note))
        for path in observed.kept:
            notes.append(
                Note(
                    Severity.INFO,
                    f"{path} exists with the repository's own settings and is left as it is; "
                    "to keep the pinned actions up to date, add an update with "
                    '`package-ecosystem: "github-actions"` to it.',
                )
            )
        return notes

    def _outputs(self, observed: PublishState) -> dict[str, str]:
        outputs = {"workflow_branch": observed.branch}
        # Where the workflow is once this step is applied: step 6's run needs it on its ref.
        if self.mode == "branch":
            outputs["workflow_published_to"] = observed.branch
        elif self.mode == "merge" or self.merge:
            outputs["workflow_published_to"] = observed.default_branch
        else:
            # In a pull request: on the default branch once someone merges it.
            outputs["workflow_in_pull_request"] = observed.default_branch
        if observed.pull_request is not None:
            outputs["pull_request_url"] = str(observed.pull_request.get("html_url") or "")
            outputs["pull_request_number"] = str(observed.pull_request.get("number") or "")
        return outputs

    def _pull_text(self, observed: PublishState) -> str:
        pull = observed.pull_request or {}
        return f"{observed.branch}, in pull request #{pull.get('number')} ({pull.get('html_url')})"

    def _merge_change(self, ctx: StepContext, observed: PublishState) -> Change:
        s = ctx.settings
        pull = observed.pull_request or {}
        which = f"#{pull['number']} ({pull.get('html_url')})" if pull else f"from {observed.branch}"
        call = Call(
            "github",
            "merge_pull_request_from",
            {
                "owner": s.owner,
                "repo": s.repo_name,
                "head": observed.branch,
                "base": observed.default_branch,
            },
        )
        return Change(
            Action.UPDATE,
            f"pull request {observed.branch} -> {observed.default_branch}",
            f"merge the pull request {which} into {observed.default_branch} (squash)",
            calls=(call,),
        )

    def _merge_plan(self, ctx: StepContext, observed: PublishState) -> StepPlan:
        if observed.pull_request is None:
            raise RuntimeError(
                f"No open pull request from {observed.branch} into {observed.default_branch} "
                "to merge: open one first (the pull-request way)."
            )
        notes = (
            Note(
                Severity.INFO,
                "Merging needs the token's 'Contents' write permission; a branch protection "
                "rule that asks for reviews refuses it until they are given.",
            ),
        )
        change = self._merge_change(ctx, observed)
        return self.new_plan(changes=(change,), notes=notes, outputs=self._outputs(observed))

    def after_call(self, ctx: StepContext, call: Call, answer: Any) -> None:
        if call.operation == "open_pull_request" and isinstance(answer, dict):
            ctx.outputs["pull_request_url"] = str(answer.get("html_url") or "")
            ctx.outputs["pull_request_number"] = str(answer.get("number") or "")

    def apply(self, ctx: StepContext, plan: StepPlan) -> StepResult:
        result = super().apply(ctx, plan)
        for key in ("pull_request_url", "pull_request_number"):
            if ctx.outputs.get(key):
                result.outputs[key] = ctx.outputs[key]
        return result


def _diff(f: FileState) -> str:
    before = (f.current or "").splitlines(keepends=True)
    after = f.desired.splitlines(keepends=True)
    source = f"a/{f.path}" if f.current is not None else "/dev/null"
    return "".join(difflib.unified_diff(before, after, source, f"b/{f.path}"))


def _pull_request_body(workflow_file: str) -> str:
    return (
        f"Adds `.github/workflows/{workflow_file}`, which builds the image and pushes it to "
        "Amazon ECR with OIDC (no long-lived AWS keys in GitHub), and a Dependabot config that "
        "keeps its pinned actions up to date.\n\n"
        "Every action is pinned to a full commit SHA, its version in a comment.\n\n"
        "Made by ecr-oidc-wizard."
    )
