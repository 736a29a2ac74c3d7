"""Applying a saved plan: the same account and region, the same world, the same calls.

`replay_saved_plan` re-inspects every step before anything is sent. A step whose observed
state no longer has the saved fingerprint is drift: the plan was made for a world that is gone,
so nothing is applied and the diff of what changed is shown. When every fingerprint matches,
the steps plan again (planning is pure given what was observed) and the calls must come out
exactly as saved; only then does the caller apply them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.plan_file.document import SavedPlan, saved_call
from wizard.plan_file.state import fingerprint, plain, state_diff
from wizard.runner import Planned, Run, failure
from wizard.steps.base import Step, StepContext


class TargetMismatch(Exception):
    """The plan was made for another account, partition or region: nothing is sent."""


@dataclass(frozen=True)
class Drift:
    """One step whose world changed since the plan was saved."""

    step: int
    title: str
    reason: str
    diff: str

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "title": self.title, "reason": self.reason, "diff": self.diff}

    def lines(self) -> list[str]:
        head = f"Step {self.step} · {self.title}" if self.step else self.title
        out = [f"✗ {head}: {self.reason}"]
        out += ["      " + line for line in self.diff.splitlines()]
        return out


@dataclass
class Replay:
    run: Run
    drift: list[Drift] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.drift)


def check_target(ctx: StepContext, saved: SavedPlan) -> None:
    identity = ctx.aws.identity()
    planned = f"account {saved.account_id} ({saved.partition}) in {saved.region}"
    session = f"account {identity.account_id} ({identity.partition}) in {ctx.region}"
    if (saved.account_id, saved.partition, saved.region) != (
        identity.account_id,
        identity.partition,
        ctx.region,
    ):
        raise TargetMismatch(
            f"This plan is for {planned}, but this session is {session}. Nothing was sent. "
            "Use the credentials (--profile) and --region the plan was made with, or make a "
            "new plan for this account and region."
        )


def replay_saved_plan(ctx: StepContext, saved: SavedPlan, steps: Sequence[Step[Any]]) -> Replay:
    """Re-inspect and re-plan every saved step; reads only. The caller applies `run` only
    when `stale` is False."""
    check_target(ctx, saved)
    by_number = {s.number: s for s in steps}
    replay = Replay(Run())
    for kept in saved.steps:
        step = by_number[kept.step]
        try:
            observed = step.inspect(ctx)
            plan = step.plan(ctx, observed)
        except Exception as exc:
            replay.run.planned.append(Planned(step, failure=failure(step, ctx, exc, len(ctx.sent))))
            break
        ctx.outputs.update(plan.outputs)
        replay.run.planned.append(Planned(step, plan=plan, observed=observed))
        if fingerprint(observed) != kept.fingerprint:
            replay.drift.append(
                Drift(
                    kept.step,
                    kept.title,
                    "what this step is based on changed since the plan was saved",
                    state_diff(kept.observed, plain(observed), f"step {kept.step}"),
                )
            )
            continue
        fresh = [saved_call(c) for c in plan.calls]
        if fresh != list(kept.calls):
            replay.drift.append(
                Drift(
                    kept.step,
                    kept.title,
                    "the same state now plans other calls (answers file or tool version changed)",
                    _calls_diff(list(kept.calls), fresh),
                )
            )
    return replay


def _calls_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    old = json.dumps(before, indent=2, sort_keys=True).splitlines()
    new = json.dumps(after, indent=2, sort_keys=True).splitlines()
    return "\n".join(difflib.unified_diff(old, new, "calls (saved)", "calls (now)", lineterm=""))
