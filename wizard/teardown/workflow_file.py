"""Removing the workflow file the wizard wrote into the local checkout.

Only a file the answers file records the wizard writing (its path and the sha256 of what was
written) and that still has exactly that content goes. An edited file is someone's work: it is
left with a note. The removal is local; committing it is the person's `git rm` and push.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.remember import WORKFLOW_RECORD_PREFIX
from wizard.steps.base import Status, Step, StepContext, StepResult
from wizard.teardown.base import DECISION, DELETE, FORGET, GONE, KEEP, TeardownOptions


class WorkflowFileChangedSincePlan(Exception):
    """The file changed between the plan and the removal: it is left as it is."""


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes; "" when it is not a regular file (a link is never read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@dataclass(frozen=True)
class RecordedFile:
    path: str
    written: str  # sha256 recorded when the wizard wrote it
    current: str  # sha256 now; "" when the file is not there


@dataclass(frozen=True)
class WorkflowFilesGone:
    files: tuple[RecordedFile, ...] = ()


class RemoveWorkflowFile(Step[WorkflowFilesGone]):
    number = 6
    key = "remove-workflow-file"
    title = "Remove the workflow file"
    purpose = "The workflow file the wizard wrote, if nobody changed it since."
    undo = "Run `ecr-oidc-wizard workflow` to write it again."

    def __init__(self, options: TeardownOptions | None = None) -> None:
        self.options = options or TeardownOptions()

    def inspect(self, ctx: StepContext) -> WorkflowFilesGone:
        files = []
        for key, digest in sorted(ctx.outputs.items()):
            if key.startswith(WORKFLOW_RECORD_PREFIX) and digest:
                path = key[len(WORKFLOW_RECORD_PREFIX) :]
                files.append(RecordedFile(path, digest, file_digest(Path(path))))
        return WorkflowFilesGone(tuple(files))

    def plan(self, ctx: StepContext, observed: WorkflowFilesGone) -> StepPlan:
        key = DECISION.format(self.number)
        changes: list[Change] = []
        notes: list[Note] = []
        for item in observed.files:
            resource = f"workflow file {item.path}"
            if not item.current:
                continue
            if item.current == item.written or self.options.names(self.number):
                changes.append(
                    Change(
                        Action.DELETE,
                        resource,
                        "delete it from this checkout (unchanged since the wizard wrote it)",
                        calls=(
                            Call("file", "delete", {"path": item.path, "sha256": item.current}),
                        ),
                    )
                )
                notes.append(
                    Note(
                        Severity.INFO,
                        f"If {Path(item.path).name} was committed, commit its removal too: "
                        f"`git rm {item.path}`, commit and push.",
                    )
                )
            else:
                changes.append(
                    Change(Action.NOOP, resource, "left alone: changed since the wizard wrote it")
                )
                notes.append(
                    Note(
                        Severity.WARNING,
                        f"{item.path} was changed after ecr-oidc-wizard wrote it, so it is left "
                        "as it is (remove it yourself, or --remove-unowned workflow-file).",
                    )
                )
        if not changes:
            change = Change(
                Action.NOOP,
                "workflow file",
                "none that the wizard wrote is there; nothing to remove",
            )
            return self.new_plan(changes=(change,), outputs={key: GONE})
        forget = [
            f"{WORKFLOW_RECORD_PREFIX}{c.calls[0].params['path']}"
            for c in changes
            if c.action is Action.DELETE
        ]
        outputs = {key: DELETE, FORGET: " ".join(forget)} if forget else {key: KEEP}
        return self.new_plan(changes=tuple(changes), notes=tuple(notes), outputs=outputs)

    def apply(self, ctx: StepContext, plan: StepPlan) -> StepResult:
        """A local removal, not an API call: checked again right before, then recorded in
        `ctx.sent` like any write."""
        start = len(ctx.sent)
        for call in plan.calls:
            path = Path(str(call.params["path"]))
            if ctx.on_call is not None:
                ctx.on_call(call)
            if file_digest(path) != call.params["sha256"]:
                raise WorkflowFileChangedSincePlan(
                    f"{path} changed since the plan was made; it was left as it is."
                )
            path.unlink()
            ctx.sent.append(call)
        sent = ctx.sent[start:]
        return StepResult(
            self.number,
            self.key,
            self.title,
            Status.DONE if sent else Status.UNCHANGED,
            calls=sent,
            outputs=dict(plan.outputs),
        )
