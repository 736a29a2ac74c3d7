"""Plain-text rendering of a StackSets roll-out: the plan, each operation's progress per account
and region, and failed instances with CloudFormation's reason and the catalogue's guidance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.inert import inert
from wizard.render.plan_text import NOTE_MARK, SYMBOL, guidance_lines

if TYPE_CHECKING:
    from wizard.rollout.follow import InstanceProgress, OperationProgress, RolloutResult
    from wizard.rollout.plan import RolloutPlan

INSTANCE_MARK = {"create": "+", "update": "~", "no change": "=", "leave": "·"}
# ListStackSetOperationResults statuses, with a symbol each (never colour alone).
STATUS_MARK = {
    "PENDING": "·",
    "RUNNING": "…",
    "SUCCEEDED": "✓",
    "FAILED": "✗",
    "CANCELLED": "-",
}


def plan_lines(plan: RolloutPlan) -> list[str]:
    spec = plan.spec
    targets = (
        f"accounts {', '.join(spec.accounts)}"
        if spec.accounts
        else f"organizational units {', '.join(spec.organizational_units)}"
    )
    lines = [
        f"Stack set {spec.stack_set_name} ({spec.permission_model}) over {targets}; "
        f"regions {', '.join(spec.regions)}",
        f"  {SYMBOL[plan.stack_set_action]} {plan.stack_set_action:<9} {plan.stack_set_summary}",
    ]
    if plan.template_diff:
        lines += ["      " + line for line in plan.template_diff.splitlines()]
    for change in plan.instances:
        mark = INSTANCE_MARK.get(change.action, "?")
        lines.append(
            f"  {mark} {change.action:<9} instance {change.account} {change.region}: "
            f"{inert(change.why)}"
        )
    for note in plan.notes:
        lines.append(f"  {NOTE_MARK[note.severity]:>2} {note.severity}: {note.text}")
    lines.append(summary_line(plan))
    return lines


def summary_line(plan: RolloutPlan) -> str:
    if not plan.has_changes:
        return "No changes: the stack set and its instances already match; no operation starts."
    counts = {a: sum(1 for c in plan.instances if c.action == a) for a in INSTANCE_MARK}
    operations = sum(1 for c in plan.calls if c.operation != "create_stack_set")
    return (
        f"Plan: {counts['create']} instance(s) to create, {counts['update']} to update, "
        f"{counts['no change']} current, {counts['leave']} left as they are; "
        f"{operations} operation(s)."
    )


def instance_line(instance: InstanceProgress) -> str:
    mark = STATUS_MARK.get(instance.status, "?")
    reason = f": {inert(instance.reason)}" if instance.reason else ""
    return f"    {mark} {instance.status:<9} {instance.account} {instance.region}{reason}"


class ProgressLines:
    """Turns each poll into lines: the operation's status when it changes, and each instance
    when its status changes. Plain lines, so logs and screen readers follow it too."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], str] = {}
        self._operations: dict[str, str] = {}

    def lines(self, progress: OperationProgress) -> list[str]:
        out: list[str] = []
        if self._operations.get(progress.operation_id) != progress.status:
            self._operations[progress.operation_id] = progress.status
            out.append(f"  {progress.operation} {progress.operation_id}: {progress.status}")
        for instance in progress.instances:
            key = (progress.operation_id, instance.account, instance.region)
            if self._seen.get(key) != instance.status:
                self._seen[key] = instance.status
                out.append(instance_line(instance))
        return out


def result_lines(result: RolloutResult) -> list[str]:
    lines: list[str] = []
    for failure in result.failures:
        lines.append(
            f"✗ instance {failure.account} {failure.region} failed: {inert(failure.reason)}"
        )
        if not failure.guidance:
            lines.append("  This reason is not in the troubleshooting catalogue.")
        for guidance in failure.guidance:
            lines += guidance_lines(guidance)
    if result.error:
        lines.append(f"✗ {inert(result.error)}")
        for guidance in result.error_guidance:
            lines += guidance_lines(guidance)
    if result.still_running:
        lines.append(f"! {result.still_running}")
    if result.ok:
        count = len(result.operations)
        lines.append(f"✓ Roll-out done: {count} operation(s) succeeded.")
    elif result.failures or result.error:
        lines.append(
            "  Instances already CURRENT are kept; run the same command again after the fix: "
            "only missing or outdated instances are sent."
        )
    return lines
