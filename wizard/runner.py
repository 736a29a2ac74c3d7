"""Running steps: plan them all (reads only), then apply in order, stopping at a failure.

A failure becomes a result with the catalogue's guidance; steps done before it stay done, and
running again picks up where it stopped because every step inspects before it plans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from wizard.plan import StepPlan
from wizard.steps.base import Status, Step, StepContext, StepResult, user_values

T = TypeVar("T")
# How one step's inspect-and-plan is attempted: once, or again after a throttling error.
Attempt = Callable[[Callable[[], StepPlan]], StepPlan]
# How one step's plan is applied (a run of many repositories retries a throttled step).
ApplyStep = Callable[[Step[Any], StepContext, StepPlan], StepResult]


def _once(work: Callable[[], T]) -> T:
    return work()


def _apply(step: Step[Any], ctx: StepContext, plan: StepPlan) -> StepResult:
    return step.apply(ctx, plan)


@dataclass
class Planned:
    step: Step[Any]
    plan: StepPlan | None = None
    failure: StepResult | None = None
    # What inspect read: a saved plan keeps its fingerprint, to tell later whether it changed.
    observed: Any = None


@dataclass
class Run:
    planned: list[Planned] = field(default_factory=list)
    results: list[StepResult] = field(default_factory=list)

    @property
    def plans(self) -> list[StepPlan]:
        return [p.plan for p in self.planned if p.plan is not None]

    @property
    def failed(self) -> StepResult | None:
        for item in [*(p.failure for p in self.planned), *self.results]:
            if item is not None and item.status is Status.FAILED:
                return item
        return None

    @property
    def has_changes(self) -> bool:
        return any(p.has_changes for p in self.plans)

    def applied_plans(self) -> list[StepPlan]:
        """The plans that now hold: applied (done or unchanged), or, when nothing was applied
        because nothing had to change, every plan of a run that did not fail. A step that
        failed, was skipped or was never reached holds nothing to remember."""
        if not self.results:
            return [] if self.failed is not None or self.has_changes else self.plans
        held = {r.step for r in self.results if r.status in (Status.DONE, Status.UNCHANGED)}
        return [p for p in self.plans if p.step in held]

    def unapplied_output_keys(self) -> set[str]:
        """Outputs only a plan promised (an ARN of a role that was never created)."""
        held = {p.step for p in self.applied_plans()}
        promised = {k for p in self.plans if p.step not in held for k in p.outputs}
        kept = {k for p in self.plans if p.step in held for k in p.outputs}
        return promised - kept

    def applied_outputs(self, outputs: Mapping[str, str]) -> dict[str, str]:
        """`outputs` (a context's) without the values of steps that did not happen."""
        dropped = self.unapplied_output_keys()
        return {k: v for k, v in outputs.items() if k not in dropped}


def failure(step: Step[Any], ctx: StepContext, exc: BaseException, sent_from: int) -> StepResult:
    from wizard.troubleshoot import classify

    return StepResult(
        step.number,
        step.key,
        step.title,
        Status.FAILED,
        calls=ctx.sent[sent_from:],
        error=describe_error(exc),
        guidance=classify(exc, user_values(ctx)),
    )


def describe_error(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 2000 else text[:2000] + " ..."


def plan_steps(ctx: StepContext, steps: Iterable[Step[Any]], attempt: Attempt | None = None) -> Run:
    """Inspect and plan each step; stops at the first that cannot be inspected."""
    run = Run()
    tries: Attempt = attempt or _once
    for step in steps:
        try:
            # Both, together, under one attempt: a retry inspects again before it plans.
            seen: list[Any] = []

            def inspect_and_plan(step: Step[Any] = step, seen: list[Any] = seen) -> StepPlan:
                seen[:] = [step.inspect(ctx)]
                return step.plan(ctx, seen[0])

            plan = tries(inspect_and_plan)
            observed = seen[0]
        except Exception as exc:
            run.planned.append(Planned(step, failure=failure(step, ctx, exc, len(ctx.sent))))
            break
        ctx.outputs.update(plan.outputs)
        ctx.planned[step.number] = plan
        run.planned.append(Planned(step, plan=plan, observed=observed))
    return run


def apply_run(
    ctx: StepContext,
    run: Run,
    on_result: Callable[[StepResult], None] | None = None,
    apply_step: ApplyStep = _apply,
) -> list[StepResult]:
    """Apply every planned step in order; the first failure stops the rest (they are skipped)."""
    stopped = False
    for item in run.planned:
        if item.plan is None:
            break
        if stopped:
            result = StepResult(item.step.number, item.step.key, item.step.title, Status.SKIPPED)
        else:
            start = len(ctx.sent)
            try:
                result = apply_step(item.step, ctx, item.plan)
            except Exception as exc:
                result = failure(item.step, ctx, exc, start)
            # A step may also report failure without raising (a workflow run that failed).
            stopped = result.status is Status.FAILED
        run.results.append(result)
        if on_result is not None:
            on_result(result)
    return run.results


def select_steps(steps: Sequence[Step[Any]], only: Iterable[int] | None) -> list[Step[Any]]:
    if not only:
        return list(steps)
    wanted = set(only)
    return [s for s in steps if s.number in wanted]
