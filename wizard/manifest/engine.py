"""Planning and applying a manifest: the same steps as one repository, over many at once.

Work is cut into units, each with its own step context: GitHub's OIDC provider (once: one per
account), each repository's ECR repository (step 1), and each role with its push policy (steps
3 and 4; one unit per role, however many repositories share it). Units run in a bounded pool of
threads over one AWS session; a unit's failure is its own: the others go on, and the failure is
reported per repository with the catalogue's guidance. Nothing here knows how progress is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wizard.manifest.backoff import Backoff
from wizard.manifest.model import Entry, Manifest
from wizard.plan import StepPlan
from wizard.runner import Run, apply_run, plan_steps
from wizard.steps.base import Status, Step, StepContext, StepResult
from wizard.steps.ecr_repository import EcrRepositoryStep
from wizard.steps.oidc_provider import OidcProviderStep
from wizard.steps.push_policy import PushPolicyStep
from wizard.steps.role import RoleStep

if TYPE_CHECKING:
    from wizard.aws import Aws

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 32


class State(StrEnum):
    """Where one repository stands; the words every face shows."""

    WAITING = "waiting"
    INSPECTING = "inspecting"
    PLANNED = "changes planned"
    NO_CHANGE = "no change"
    APPLYING = "applying"
    RETRYING = "throttled, retrying"
    DONE = "done"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Progress:
    """One repository (or the provider, key "") moved to `state` at `step`. `final` marks the
    repository's outcome for this phase: all of its units (its own and its role's) are done."""

    key: str
    step: int
    state: State
    detail: str = ""
    final: bool = False


ProgressFn = Callable[[Progress], None]
PROVIDER_KEY = ""


class PlanChanged(Exception):
    """A step retried after throttling found more to do than the plan that was approved."""


@dataclass
class Unit:
    """Steps that run together, in order, with one context."""

    name: str
    ctx: StepContext
    steps: tuple[Step[Any], ...]
    keys: tuple[str, ...]
    run: Run = field(default_factory=Run)
    applied: bool = False

    @property
    def failed(self) -> StepResult | None:
        return self.run.failed


@dataclass(frozen=True)
class Outcome:
    """What happened to one repository: its own unit's and its role's."""

    entry: Entry
    state: State
    plans: tuple[StepPlan, ...]
    results: tuple[StepResult, ...]
    failure: StepResult | None
    writes: int

    def to_json(self) -> dict[str, Any]:
        s = self.entry.settings
        return {
            "index": self.entry.index,
            "github_repo": s.github_repo,
            "ecr_repository": s.ecr_repository,
            "role_name": s.role_name,
            "state": str(self.state),
            "writes": self.writes,
            "plan": [p.to_json() for p in self.plans],
            "results": [r.to_json() for r in self.results],
            "failed": self.failure.to_json() if self.failure is not None else None,
        }


@dataclass
class ManifestRun:
    manifest: Manifest
    provider: Unit
    repositories: dict[str, Unit]
    roles: dict[str, Unit]

    @property
    def units(self) -> list[Unit]:
        return [self.provider, *self.repositories.values(), *self.roles.values()]

    @property
    def has_changes(self) -> bool:
        return any(u.run.has_changes for u in self.units)

    @property
    def widens_access(self) -> bool:
        return any(p.widens_access for u in self.units for p in u.run.plans)

    @property
    def sent(self) -> int:
        return sum(len(u.ctx.sent) for u in self.units)

    def role_unit(self, entry: Entry) -> Unit:
        return self.roles[entry.settings.role_name.lower()]

    def outcome(self, entry: Entry) -> Outcome:
        own = self.repositories[entry.key]
        role = self.role_unit(entry)
        units = (own, role)
        failure = next(
            (u.failed for u in (self.provider, *units) if u.failed is not None),
            None,
        )
        plans = tuple(p for u in units for p in u.run.plans)
        results = tuple(r for u in units for r in u.run.results)
        writes = sum(len(u.ctx.sent) for u in units)
        return Outcome(
            entry, _state(units, failure, plans, results), plans, results, failure, writes
        )

    def outcomes(self) -> list[Outcome]:
        return [self.outcome(e) for e in self.manifest.entries]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes() if o.state is State.FAILED]

    def to_json(self) -> dict[str, Any]:
        outcomes = self.outcomes()
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[str(outcome.state)] = counts.get(str(outcome.state), 0) + 1
        provider = self.provider.run
        return {
            "manifest": self.manifest.source,
            "provider": {
                "plan": [p.to_json() for p in provider.plans],
                "results": [r.to_json() for r in provider.results],
                "failed": provider.failed.to_json() if provider.failed is not None else None,
            },
            "repositories": [o.to_json() for o in outcomes],
            "counts": counts,
            "writes": self.sent,
        }


def _state(
    units: Sequence[Unit],
    failure: StepResult | None,
    plans: Sequence[StepPlan],
    results: Sequence[StepResult],
) -> State:
    if failure is not None:
        return State.FAILED
    if not any(u.applied for u in units):
        return State.PLANNED if any(p.has_changes for p in plans) else State.NO_CHANGE
    if any(r.status is Status.SKIPPED for r in results):
        return State.SKIPPED
    if any(r.status is Status.DONE for r in results):
        return State.DONE
    return State.UNCHANGED


def _context(settings: Any, aws: Aws, members: tuple[Any, ...] = ()) -> StepContext:
    return StepContext(settings=settings, aws=aws, members=members if len(members) > 1 else ())


def session_for(manifest: Manifest, concurrency: int = DEFAULT_CONCURRENCY) -> Aws:
    """One AWS session for the run, shared by its threads: botocore's adaptive retries slow the
    client down when AWS throttles, and each thread gets its own connection."""
    from wizard.aws import Aws

    s = manifest.shared
    return Aws(
        profile=s.profile,
        region=s.region,
        endpoint_url=s.endpoint_url,
        retry_mode="adaptive",
        max_pool_connections=concurrency + 2,
    )


def build_run(manifest: Manifest, aws: Aws) -> ManifestRun:
    first = manifest.entries[0].settings
    provider = Unit("OIDC provider", _context(first, aws), (OidcProviderStep(),), (PROVIDER_KEY,))
    repositories = {
        e.key: Unit(e.label, _context(e.settings, aws), (EcrRepositoryStep(),), (e.key,))
        for e in manifest.entries
    }
    roles = {
        g.role_name.lower(): Unit(
            f"role {g.role_name}",
            _context(g.entries[0].settings, aws, g.members),
            (RoleStep(), PushPolicyStep()),
            tuple(e.key for e in g.entries),
        )
        for g in manifest.groups
    }
    return ManifestRun(manifest, provider, repositories, roles)


class _Reporter:
    """Progress callbacks come from many threads; faces get them one at a time. It also tells
    when a repository's last unit is done, with the repository's outcome."""

    def __init__(self, on_progress: ProgressFn | None, run: ManifestRun) -> None:
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._run = run
        self._entries = {e.key: e for e in run.manifest.entries}
        self._left: dict[str, int] = {PROVIDER_KEY: 1}
        for entry in run.manifest.entries:
            self._left[entry.key] = 2  # its repository unit and its role's unit

    def __call__(self, unit: Unit, step: int, state: State, detail: str = "") -> None:
        if self._on_progress is None:
            return
        with self._lock:
            for key in unit.keys:
                self._on_progress(Progress(key, step, state, detail))

    def finished(self, unit: Unit) -> None:
        """`unit` is done for this phase: announce each repository it completes."""
        with self._lock:
            for key in unit.keys:
                self._left[key] -= 1
                if self._left[key] or self._on_progress is None:
                    continue
                if key == PROVIDER_KEY:
                    failed = unit.failed
                    state = State.FAILED if failed else _unit_state(unit)
                    self._on_progress(Progress(key, 2, state, failed.error if failed else "", True))
                    continue
                outcome = self._run.outcome(self._entries[key])
                detail = outcome.failure.error if outcome.failure is not None else ""
                self._on_progress(Progress(key, 0, outcome.state, detail, True))


def _unit_state(unit: Unit) -> State:
    if not unit.applied:
        return State.PLANNED if unit.run.has_changes else State.NO_CHANGE
    return State.DONE if any(r.status is Status.DONE for r in unit.run.results) else State.UNCHANGED


def plan_manifest(
    manifest: Manifest,
    aws: Aws,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressFn | None = None,
    backoff: Backoff | None = None,
) -> ManifestRun:
    """Inspect and plan every unit (reads only), `concurrency` at a time."""
    run = build_run(manifest, aws)
    report = _Reporter(on_progress, run)
    retry = backoff or Backoff()
    # Every unit needs the account; ask once before the threads start.
    aws.identity()

    def plan_unit(unit: Unit) -> None:
        report(unit, unit.steps[0].number, State.INSPECTING)

        def attempt(work: Callable[[], StepPlan]) -> StepPlan:
            return retry.run(
                work, lambda n, exc: report(unit, 0, State.RETRYING, f"attempt {n + 1}")
            )

        unit.run = plan_steps(unit.ctx, unit.steps, attempt=attempt)
        last = unit.run.planned[-1] if unit.run.planned else None
        if unit.failed is not None:
            report(unit, unit.failed.step, State.FAILED, unit.failed.error)
        else:
            state = State.PLANNED if unit.run.has_changes else State.NO_CHANGE
            report(unit, last.step.number if last else 0, state)
        report.finished(unit)

    _each(plan_unit, run.units, concurrency)
    return run


def apply_manifest(
    run: ManifestRun,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressFn | None = None,
    backoff: Backoff | None = None,
) -> ManifestRun:
    """Apply the planned units: the provider first (every role trusts it), then repositories and
    roles together, `concurrency` at a time. A failed unit stops only its own later steps."""
    report = _Reporter(on_progress, run)
    retry = backoff or Backoff()

    def apply_unit(unit: Unit) -> None:
        try:
            _apply_unit(unit)
        finally:
            report.finished(unit)

    def _apply_unit(unit: Unit) -> None:
        if unit.failed is not None:
            return  # could not be planned: reported already, nothing to send
        report(unit, unit.steps[0].number, State.APPLYING)

        def apply_step(step: Step[Any], ctx: StepContext, plan: StepPlan) -> StepResult:
            return _apply_with_backoff(step, ctx, plan, retry, unit, report)

        apply_run(unit.ctx, unit.run, apply_step=apply_step)
        unit.applied = True
        failed = unit.failed
        if failed is not None:
            report(unit, failed.step, State.FAILED, failed.error)
        else:
            done = any(r.status is Status.DONE for r in unit.run.results)
            report(unit, unit.steps[-1].number, State.DONE if done else State.UNCHANGED)

    apply_unit(run.provider)
    blocked = run.provider.failed
    if blocked is not None:
        for unit in run.roles.values():
            _skip(unit, f"not applied: the OIDC provider step failed ({blocked.error})")
            report(unit, 3, State.SKIPPED, "the OIDC provider step failed")
    pending = [*run.repositories.values()]
    pending += [u for u in run.roles.values() if blocked is None]
    if blocked is not None:
        for unit in run.roles.values():
            report.finished(unit)
    _each(apply_unit, pending, concurrency)
    return run


def _skip(unit: Unit, reason: str) -> None:
    unit.applied = True
    for item in unit.run.planned:
        unit.run.results.append(
            StepResult(
                item.step.number, item.step.key, item.step.title, Status.SKIPPED, error=reason
            )
        )
    unit.run.planned = []


def _apply_with_backoff(
    step: Step[Any],
    ctx: StepContext,
    plan: StepPlan,
    retry: Backoff,
    unit: Unit,
    report: _Reporter,
) -> StepResult:
    """Apply; when throttled, wait, inspect again and send only what is still missing, which
    must be part of what was approved."""
    approved = list(plan.calls)
    to_send = plan
    retried = False

    def attempt() -> StepResult:
        nonlocal to_send
        if retried:
            fresh = step.plan(ctx, step.inspect(ctx))
            extra = [c for c in fresh.calls if c not in approved]
            if extra:
                raise PlanChanged(
                    f"{step.title}: after AWS throttled the run, inspecting again found changes "
                    f"that were not in the approved plan ({extra[0].operation}); nothing more "
                    "was sent. Plan again to review them."
                )
            to_send = fresh
        return step.apply(ctx, to_send)

    def on_retry(number: int, exc: BaseException) -> None:
        nonlocal retried
        retried = True  # every later attempt inspects first
        report(unit, step.number, State.RETRYING, f"attempt {number + 1}")

    return retry.run(attempt, on_retry)


def _each(work: Callable[[Unit], None], units: Sequence[Unit], concurrency: int) -> None:
    workers = max(1, min(concurrency, MAX_CONCURRENCY, len(units) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="manifest") as pool:
        for future in [pool.submit(work, u) for u in units]:
            future.result()
