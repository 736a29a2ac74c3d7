"""What a step needs done before it: step 6 runs a workflow that uses everything steps 1-5 set
up, so applying it first finds out (read-only) which of them still have something to do.

Every face asks this before applying step 6 alone and offers the same two ways on: run the
missing steps first, or go on anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wizard.runner import plan_steps
from wizard.steps.base import Step, StepContext

# Why the run needs each earlier step: what fails in the workflow without it.
NEEDED_FOR_THE_RUN = {
    1: "docker push has no repository to push to",
    2: "AWS cannot check the workflow's GitHub token",
    3: "configure-aws-credentials has no role to assume",
    4: "the role may not push to the repository",
    5: "the workflow does not know the role or the region",
}


@dataclass(frozen=True)
class Missing:
    number: int
    title: str
    # The plan's own words for what remains (or why it could not be read).
    what: str


def missing_before(ctx: StepContext, step: int, steps: Sequence[Step[Any]]) -> list[Missing]:
    """The steps before `step` whose plan still has something to do, read-only. A step that
    cannot even be planned counts as missing, with the error as its reason."""
    from wizard.render.plan_text import change_line

    earlier = [s for s in steps if s.number < step]
    run = plan_steps(ctx, earlier)
    missing: list[Missing] = []
    for item in run.planned:
        if item.failure is not None:
            missing.append(Missing(item.step.number, item.step.title, item.failure.error))
        elif item.plan is not None and item.plan.has_changes:
            remaining = [change_line(c) for c in item.plan.changes if c.calls]
            missing.append(Missing(item.step.number, item.step.title, "; ".join(remaining)))
    planned = {item.step.number for item in run.planned}
    # Planning stops at the first step that cannot be read: the rest are unknown, so missing.
    for s in earlier:
        if s.number not in planned:
            missing.append(Missing(s.number, s.title, "not checked: an earlier step failed"))
    return missing


def numbers_text(numbers: Sequence[int]) -> str:
    """1 -> "step 1"; 2, 5 -> "steps 2 and 5"; 1, 2, 5 -> "steps 1, 2 and 5"."""
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"step {words[0]}"
    return f"steps {', '.join(words[:-1])} and {words[-1]}"


def missing_lines(missing: Sequence[Missing], step: int = 6) -> list[str]:
    """What every face shows: which steps are not done, why the run needs them."""
    numbers = [m.number for m in missing]
    lines = [
        f"{numbers_text(numbers).capitalize()} {'is' if len(numbers) == 1 else 'are'} not done "
        f"yet; step {step}'s run needs {'it' if len(numbers) == 1 else 'them'}:"
    ]
    for m in missing:
        why = NEEDED_FOR_THE_RUN.get(m.number, "")
        lines.append(f"  {m.number}. {m.title}: {m.what}")
        if why:
            lines.append(f"     without it, {why}.")
    return lines
