"""The shape every step has: inspect what exists -> plan the changes -> apply the plan.

Steps never talk to AWS or GitHub except through the context, and `apply` sends exactly the
calls the plan holds, so a preview is a promise.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from wizard.plan import Action, Call, StepPlan
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.aws import Aws
    from wizard.troubleshoot import Guidance

Observed = TypeVar("Observed")


class Status(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class StepContext:
    settings: Settings
    aws: Aws
    # The GitHub seam (wizard.github_api.GitHub) when a token is available.
    github: Any = None
    # Values earlier steps produced (repository URI, role ARN, ...).
    outputs: dict[str, str] = field(default_factory=dict)
    # Every write call sent, in order; lets faces and tests see exactly what happened.
    sent: list[Call] = field(default_factory=list)
    # Called before each write (for progress display and cancellation).
    on_call: Callable[[Call], None] | None = None
    # Documents a person edited by hand, by step number; used instead of the built ones.
    document_overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Reads shared by the steps of one run (steps 3 and 4 both need the role's policy names).
    reads: dict[str, Any] = field(default_factory=dict)
    # The repositories one role serves when several share it (a manifest); empty means just
    # `settings`. Steps 3 and 4 then admit and allow each of them exactly.
    members: tuple[Settings, ...] = ()

    @property
    def role_members(self) -> tuple[Settings, ...]:
        return self.members or (self.settings,)

    # The plans made so far in this run, by step number: a later step can tell that an
    # earlier one creates what it needs (step 3 needs step 2's provider) before warning.
    planned: dict[int, StepPlan] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        return self.aws.identity().account_id

    @property
    def partition(self) -> str:
        return self.aws.identity().partition

    @property
    def region(self) -> str:
        return self.settings.region or self.aws.region

    def read_once(self, key: str, fetch: Callable[[], Any]) -> Any:
        """A read made once per context: each step inspects, but no call is made twice."""
        if key not in self.reads:
            self.reads[key] = fetch()
        return self.reads[key]

    def creates_in_this_run(self, step: int) -> bool:
        """Whether `step` was planned in this run and its plan creates something."""
        plan = self.planned.get(step)
        return plan is not None and any(c.action is Action.CREATE for c in plan.changes)

    def send(self, call: Call) -> Any:
        if self.on_call is not None:
            self.on_call(call)
        if call.service == "github":
            if self.github is None:
                raise RuntimeError("this step needs a GitHub token")
            answer = getattr(self.github, call.operation)(**call.params)
        else:
            answer = getattr(self.aws.client(call.service), call.operation)(**call.params)
        self.sent.append(call)
        return answer


@dataclass
class StepResult:
    step: int
    key: str
    title: str
    status: Status
    calls: list[Call] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    error: str = ""
    guidance: list[Guidance] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "key": self.key,
            "title": self.title,
            "status": str(self.status),
            "calls": [c.to_json() for c in self.calls],
            "outputs": self.outputs,
            "error": self.error,
            "guidance": [g.to_json() for g in self.guidance],
        }


class Step(ABC, Generic[Observed]):
    number: ClassVar[int]
    key: ClassVar[str]
    # The guide's title for the step.
    title: ClassVar[str]
    # One sentence a newcomer can read: what the step makes and why.
    purpose: ClassVar[str]
    # What undoing the step takes and costs, with the command.
    undo: ClassVar[str]

    @abstractmethod
    def inspect(self, ctx: StepContext) -> Observed:
        """Read what exists. Read-only calls only."""

    @abstractmethod
    def plan(self, ctx: StepContext, observed: Observed) -> StepPlan:
        """Decide the changes: pure given the observation."""

    def apply(self, ctx: StepContext, plan: StepPlan) -> StepResult:
        """Send the plan's calls in order; the first failure raises and stops the step."""
        start = len(ctx.sent)
        for call in plan.calls:
            self.after_call(ctx, call, ctx.send(call))
        sent = ctx.sent[start:]
        ctx.outputs.update(plan.outputs)
        status = Status.DONE if sent else Status.UNCHANGED
        return StepResult(
            self.number, self.key, self.title, status, calls=sent, outputs=dict(plan.outputs)
        )

    def after_call(self, ctx: StepContext, call: Call, answer: Any) -> None:
        """Hook for a step that learns something from an answer (e.g. a URI)."""

    def new_plan(self, **kwargs: Any) -> StepPlan:
        return StepPlan(step=self.number, key=self.key, title=self.title, **kwargs)


def user_values(ctx: StepContext) -> dict[str, str]:
    """The user's values that fill the catalogue's commands; never a secret."""
    s = ctx.settings
    values = {
        "region": ctx.region,
        "ecr_repository": s.ecr_repository,
        "role_name": s.role_name,
        "policy_name": s.policy_name,
        "github_repo": s.github_repo,
    }
    with contextlib.suppress(ValueError):  # an invalid issuer is refused before any step
        values["issuer"] = s.oidc_issuer.name
    from wizard.policies import registry_host, role_arn

    identity = ctx.aws.known_identity  # guidance must not call AWS
    if identity is not None:
        values["account_id"] = identity.account_id
        values["partition"] = identity.partition
        values["registry"] = registry_host(identity.account_id, ctx.region, identity.partition)
        values["role_arn"] = role_arn(identity.partition, identity.account_id, s.role_name)
    return {k: v for k, v in values.items() if v}
