"""Plain-text rendering of plans, results and guidance, shared by every face.

Every state is spelled out by a symbol and a word, never by colour alone; a face may add
colour on top.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from wizard.inert import inert
from wizard.plan import Action, Change, Severity, StepPlan

if TYPE_CHECKING:
    from wizard.steps.base import StepResult
    from wizard.troubleshoot import Guidance

SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-", Action.NOOP: "="}
NOTE_MARK = {Severity.INFO: "i", Severity.WARNING: "!", Severity.DANGER: "!!"}
STATUS_MARK = {"done": "✓", "unchanged": "=", "failed": "✗", "skipped": "-"}


def change_line(change: Change) -> str:
    return f"{SYMBOL[change.action]} {change.action:<9} {change.resource}: {change.summary}"


def plan_lines(plan: StepPlan, *, documents: bool = True) -> list[str]:
    lines = [f"Step {plan.step} · {plan.title}"]
    for change in plan.changes:
        lines.append("  " + change_line(change))
        if change.diff:
            lines += ["      " + line for line in change.diff.splitlines()]
        elif documents and change.document is not None and change.action is not Action.NOOP:
            lines.append(f"      {change.document_name}, exactly as it will be sent:")
            text = json.dumps(change.document, indent=2)
            lines += ["      " + line for line in text.splitlines()]
    for note in plan.notes:
        if note.severity is Severity.INFO and not plan.has_changes:
            continue  # explanations matter before a change, not on every re-run
        lines.append(f"  {NOTE_MARK[note.severity]:>2} {note.severity}: {note.text}")
    return lines


def summary_line(plans: Iterable[StepPlan]) -> str:
    counts = {action: 0 for action in Action}
    for plan in plans:
        for change in plan.changes:
            counts[change.action] += 1
    if not counts[Action.CREATE] and not counts[Action.UPDATE]:
        return "No changes: everything already matches the plan."
    return (
        f"Plan: {counts[Action.CREATE]} to create, {counts[Action.UPDATE]} to update, "
        f"{counts[Action.NOOP]} unchanged."
    )


def result_line(result: StepResult) -> str:
    status = str(result.status)
    calls = f" ({len(result.calls)} call{'s' if len(result.calls) != 1 else ''})"
    return f"{STATUS_MARK[status]} {status:<9} Step {result.step} · {result.title}{calls}"


def guidance_lines(guidance: Guidance) -> list[str]:
    lines = [f"  → {guidance.title}", f"    Cause: {guidance.cause}", f"    Fix: {guidance.fix}"]
    lines += [f"      $ {command}" for command in guidance.commands]
    return lines


# How each face lets a person try again once the cause is fixed.
RETRY_CLI = "Steps before this one are kept; run the same command again after the fix."
RETRY_APP = "Steps before this one are kept; ^r plans this step again once the cause is fixed."
RETRY_PROMPTS = "Steps before this one are kept; choose Try again once the cause is fixed."
# The sandbox keeps nothing: what it made is gone when the command ends.
RETRY_SANDBOX = "Nothing is kept: the sandbox, and all it made, are gone when this command ends."
INTERRUPTED = "Interrupted. Steps already done are kept; run the command again to finish."
INTERRUPTED_SANDBOX = "Interrupted. The sandbox, and all it made, are gone."


def failure_lines(result: StepResult, retry: str = RETRY_CLI) -> list[str]:
    lines = [f"✗ Step {result.step} · {result.title} failed: {result.error}"]
    if not result.guidance:
        lines.append(
            "  This error is not in the troubleshooting catalogue; "
            "`ecr-oidc-wizard doctor` checks the whole setup."
        )
    for guidance in result.guidance:
        lines += guidance_lines(guidance)
    if retry:
        lines.append(f"  {retry}")
    # The error can quote a log, AWS or GitHub: nothing in it may drive a terminal.
    return [inert(line) for line in lines]
