"""The doctor's answers: a setup check, an account scan, a simulation, a live view for explain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wizard.claims import Decision, Verdict
from wizard.doctor.findings import Finding, Status, _counts, worst


@dataclass(frozen=True)
class SetupReport:
    """The setup check of one configured repository, region and role."""

    account_id: str
    region: str
    role_name: str
    ecr_repository: str
    github_repo: str
    findings: tuple[Finding, ...]
    kind: str = "setup"

    @property
    def healthy(self) -> bool:
        return not any(f.failing for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    @property
    def worst(self) -> Status | None:
        return worst(self.findings)

    def counts(self) -> dict[str, int]:
        return _counts(self.findings)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "account_id": self.account_id,
            "region": self.region,
            "role_name": self.role_name,
            "ecr_repository": self.ecr_repository,
            "github_repo": self.github_repo,
            "healthy": self.healthy,
            "counts": self.counts(),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class RoleScan:
    role_name: str
    arn: str
    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Status:
        return worst(self.findings) or Status.OK

    def to_json(self) -> dict[str, object]:
        return {
            "role_name": self.role_name,
            "arn": self.arn,
            "worst": str(self.worst),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class ScanReport:
    """Every role of the account whose trust policy names GitHub's OIDC provider."""

    account_id: str
    roles_seen: int
    roles: tuple[RoleScan, ...]
    error: Finding | None = None
    kind: str = "scan"

    @property
    def findings(self) -> tuple[Finding, ...]:
        found = tuple(f for r in self.roles for f in r.findings)
        return (self.error, *found) if self.error is not None else found

    @property
    def healthy(self) -> bool:
        return not any(f.failing for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "account_id": self.account_id,
            "roles_seen": self.roles_seen,
            "healthy": self.healthy,
            "read_error": None if self.error is None else self.error.to_json(),
            "roles": [r.to_json() for r in self.roles],
        }


@dataclass(frozen=True)
class Simulation:
    """Whether a token with `claims` may assume `role`, and the condition that decided."""

    role: str
    claims: Mapping[str, str]
    decision: Decision
    # The sub values the policy accepts, each with its operator ("StringLike 'repo:o/r:*'").
    accepted: tuple[str, ...]
    notes: tuple[str, ...] = ()
    # What the job is, in words ("a push to branch main of o/r"), when it was built from parts.
    job: str = ""
    kind: str = "simulation"

    @property
    def allowed(self) -> bool:
        return self.decision.allowed

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict

    @property
    def exit_code(self) -> int:
        """0 allowed, 1 denied, 3 cannot tell (a condition depends on a value only AWS knows at
        the time of the call: give it with --context KEY=VALUE)."""
        return {Verdict.ALLOWED: 0, Verdict.DENIED: 1, Verdict.CANNOT_TELL: 3}[self.verdict]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "role": self.role,
            "job": self.job,
            "claims": dict(self.claims),
            "verdict": str(self.verdict),
            "allowed": self.allowed,
            "reason": self.decision.reason,
            "undecided": [c.to_json() for c in self.decision.undecided],
            "invalid": list(self.decision.problems),
            "hidden_claims": list(self.decision.hidden_claims),
            "deciding": None
            if self.decision.deciding is None
            else self.decision.deciding.to_json(),
            "accepted_sub": list(self.accepted),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class LiveView:
    """What the live setup says about an error `explain` recognised."""

    cases: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    simulations: tuple[Simulation, ...] = ()
    # Why nothing (or not everything) could be checked; empty when the view is complete.
    unavailable: str = ""
    kind: str = "live"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "cases": list(self.cases),
            "unavailable": self.unavailable,
            "findings": [f.to_json() for f in self.findings],
            "simulations": [s.to_json() for s in self.simulations],
        }
