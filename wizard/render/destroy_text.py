"""Words every face uses around a destroy plan (the plan lines themselves are the usual ones)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wizard.plan import Action, StepPlan
from wizard.teardown.base import refusals

# How each face lets a person go on after a failed removal.
RETRY_DESTROY_CLI = (
    "What was removed before this stays removed; run the same command again after the fix."
)
RETRY_DESTROY_APP = (
    "What was removed before this stays removed; ^r plans again once the cause is fixed."
)
RETRY_DESTROY_PROMPTS = (
    "What was removed before this stays removed; choose Try again once the cause is fixed."
)


def deletions(plans: Iterable[StepPlan]) -> int:
    return sum(1 for p in plans for ch in p.changes if ch.action is Action.DELETE)


def destroy_summary_line(plans: Sequence[StepPlan]) -> str:
    count = deletions(plans)
    kept = sum(1 for p in plans for ch in p.changes if ch.action is Action.NOOP)
    refused = len(refusals(plans))
    why = f" ({refused} kept on purpose: see the warnings above)" if refused else ""
    if not count:
        return f"Nothing to remove{why or ': nothing the wizard made is left'}."
    return f"Destroy plan: {count} to delete, {kept} left as they are{why}."


def destroy_question(plans: Sequence[StepPlan]) -> str:
    count = deletions(plans)
    return f"Remove these {count} resource(s)? This cannot be undone."
