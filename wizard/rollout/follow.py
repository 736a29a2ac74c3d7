"""Applying a roll-out plan and following each StackSets operation to its end.

Each call of the plan that starts an operation (CreateStackInstances, UpdateStackSet,
UpdateStackInstances) is followed with DescribeStackSetOperation and
ListStackSetOperationResults until the operation ends; every poll reports where each account and
region stands. A stack set runs one operation at a time, so the next call waits for the last to
end, and a failed or stopped operation stops the roll-out there. A failed instance is reported
with CloudFormation's reason (StatusReason, or the account gate's) and the catalogue's guidance.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.plan import Call
from wizard.rollout.plan import RolloutPlan
from wizard.steps.aws_errors import is_throttled

if TYPE_CHECKING:
    from wizard.aws import Aws
    from wizard.troubleshoot import Guidance

# DescribeStackSetOperation: RUNNING, SUCCEEDED, FAILED, STOPPING, STOPPED, QUEUED.
DONE = frozenset({"SUCCEEDED", "FAILED", "STOPPED"})
# ListStackSetOperationResults: PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED.
INSTANCE_FAILED = frozenset({"FAILED", "CANCELLED"})


@dataclass(frozen=True)
class InstanceProgress:
    account: str
    region: str
    status: str
    reason: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account,
            "region": self.region,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class OperationProgress:
    """One poll of one operation: the faces redraw from this."""

    operation: str
    operation_id: str
    status: str
    instances: tuple[InstanceProgress, ...]


@dataclass(frozen=True)
class InstanceFailure:
    account: str
    region: str
    reason: str
    guidance: tuple[Guidance, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "reason": self.reason,
            "guidance": [g.to_json() for g in self.guidance],
        }


@dataclass
class OperationReport:
    call: Call
    operation_id: str = ""
    status: str = ""
    reason: str = ""
    instances: tuple[InstanceProgress, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.call.operation,
            "operation_id": self.operation_id,
            "status": self.status,
            "reason": self.reason,
            "instances": [i.to_json() for i in self.instances],
        }


@dataclass
class RolloutResult:
    sent: list[Call] = field(default_factory=list)
    operations: list[OperationReport] = field(default_factory=list)
    failures: list[InstanceFailure] = field(default_factory=list)
    error: str = ""
    error_guidance: tuple[Guidance, ...] = ()
    still_running: str = ""

    @property
    def ok(self) -> bool:
        return (
            not self.failures
            and not self.error
            and not self.still_running
            and all(o.status in ("", "SUCCEEDED") for o in self.operations)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "calls": [c.to_json() for c in self.sent],
            "operations": [o.to_json() for o in self.operations],
            "failures": [f.to_json() for f in self.failures],
            "error": self.error,
            "error_guidance": [g.to_json() for g in self.error_guidance],
            "still_running": self.still_running,
        }


def apply_rollout(
    aws: Aws,
    plan: RolloutPlan,
    *,
    on_progress: Callable[[OperationProgress], None] | None = None,
    poll_seconds: float = 5.0,
    timeout_seconds: float = 3600.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RolloutResult:
    """Send the plan's calls in order and follow each operation; stops at the first failure."""
    from wizard.troubleshoot import classify

    result = RolloutResult()
    cfn = aws.client("cloudformation")
    for call in plan.calls:
        try:
            answer = getattr(cfn, call.operation)(**call.params)
        except Exception as exc:
            result.error = f"{call.operation}: {exc}"
            result.error_guidance = tuple(classify(exc, _values(aws, plan)))
            return result
        result.sent.append(call)
        operation_id = answer.get("OperationId", "")
        if not operation_id:
            continue  # CreateStackSet makes the set; instances come with the next call
        report = OperationReport(call, operation_id)
        result.operations.append(report)
        try:
            _follow(aws, plan, report, on_progress, poll_seconds, timeout_seconds, sleep, clock)
        except Exception as exc:
            # The operation was started and goes on in CloudFormation: say how to follow it.
            result.error = (
                f"following operation {operation_id} failed ({exc}); it goes on in "
                "CloudFormation: follow it with `aws cloudformation describe-stack-set-operation "
                f"--stack-set-name {plan.spec.stack_set_name} --operation-id {operation_id}` and "
                "re-run the roll-out when it ends."
            )
            result.error_guidance = tuple(classify(exc, _values(aws, plan)))
            return result
        if report.status != "SUCCEEDED":
            if not report.status:
                result.still_running = (
                    f"operation {operation_id} was still running after {timeout_seconds:.0f} s; "
                    "follow it with `aws cloudformation describe-stack-set-operation "
                    f"--stack-set-name {plan.spec.stack_set_name} --operation-id {operation_id}`"
                    " and re-run the roll-out when it ends."
                )
            result.failures += _failures(aws, plan, report)
            return result
        result.failures += _failures(aws, plan, report)
        if result.failures:
            return result
    return result


def _follow(
    aws: Aws,
    plan: RolloutPlan,
    report: OperationReport,
    on_progress: Callable[[OperationProgress], None] | None,
    poll_seconds: float,
    timeout_seconds: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    cfn = aws.cloudformation
    name = plan.spec.stack_set_name
    extra: Any = plan.spec.call_as
    deadline = clock() + timeout_seconds
    while True:
        try:
            operation = cfn.describe_stack_set_operation(
                StackSetName=name, OperationId=report.operation_id, **extra
            )["StackSetOperation"]
            instances = _results(aws, plan, report.operation_id)
        except Exception as exc:
            # Polling is reads only: a throttled poll is asked again at the next turn.
            if not is_throttled(exc) or clock() >= deadline:
                raise
            sleep(poll_seconds)
            continue
        status = operation.get("Status", "")
        report.reason = operation.get("StatusReason", "")
        report.instances = instances
        if on_progress is not None:
            on_progress(
                OperationProgress(
                    report.call.operation, report.operation_id, status, report.instances
                )
            )
        if status in DONE:
            report.status = status
            return
        if clock() >= deadline:
            return
        sleep(poll_seconds)


def _results(aws: Aws, plan: RolloutPlan, operation_id: str) -> tuple[InstanceProgress, ...]:
    extra: Any = plan.spec.call_as
    pages = aws.cloudformation.get_paginator("list_stack_set_operation_results").paginate(
        StackSetName=plan.spec.stack_set_name, OperationId=operation_id, **extra
    )
    out: list[InstanceProgress] = []
    for page in pages:
        for summary in page.get("Summaries", []):
            status = summary.get("Status", "")
            gate = summary.get("AccountGateResult", {})
            reason = summary.get("StatusReason", "")
            if not reason and gate.get("Status") == "FAILED":
                reason = gate.get("StatusReason", "")
            out.append(
                InstanceProgress(
                    summary.get("Account", ""), summary.get("Region", ""), status, reason
                )
            )
    return tuple(out)


def _failures(aws: Aws, plan: RolloutPlan, report: OperationReport) -> list[InstanceFailure]:
    from wizard.troubleshoot import classify

    out: list[InstanceFailure] = []
    for instance in report.instances:
        if instance.status not in INSTANCE_FAILED:
            continue
        values = {**_values(aws, plan), "account_id": instance.account, "region": instance.region}
        reason = instance.reason or report.reason or f"instance {instance.status.lower()}"
        out.append(
            InstanceFailure(
                instance.account, instance.region, reason, tuple(classify(reason, values))
            )
        )
    return out


def _values(aws: Aws, plan: RolloutPlan) -> dict[str, str]:
    identity = aws.known_identity
    values = {"region": plan.spec.regions[0] if plan.spec.regions else ""}
    if identity is not None:
        values["account_id"] = identity.account_id
    return {k: v for k, v in values.items() if v}
