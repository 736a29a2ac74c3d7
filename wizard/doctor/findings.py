"""What the doctor says: a finding's status and area, and the helpers every check shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

REAPPLY = "ecr-oidc-wizard apply --only {}"


class Status(StrEnum):
    OK = "ok"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    SKIPPED = "not checked"
    # The doctor could not read something it needs: it cannot call the setup healthy.
    ERROR = "error"


FAILING = frozenset({Status.HIGH, Status.ERROR})
_RANK = {Status.ERROR: 0, Status.HIGH: 1, Status.MEDIUM: 2, Status.LOW: 3, Status.SKIPPED: 4}
_RANK[Status.OK] = 5


class Area(StrEnum):
    ACCOUNT = "account"
    PROVIDER = "provider"
    ROLE = "role"
    TRUST = "trust-policy"
    PUSH = "push-policy"
    REPOSITORY = "repository"
    GITHUB = "github"


AREA_TITLES: dict[Area, str] = {
    Area.ACCOUNT: "AWS account",
    Area.PROVIDER: "OIDC provider",
    Area.ROLE: "IAM role",
    Area.TRUST: "Trust policy",
    Area.PUSH: "Push policy",
    Area.REPOSITORY: "ECR repository",
    Area.GITHUB: "GitHub",
}
ALL_AREAS: tuple[Area, ...] = tuple(a for a in Area if a is not Area.ACCOUNT)


@dataclass(frozen=True)
class Finding:
    area: Area
    code: str
    status: Status
    message: str
    fix: str = ""

    @property
    def failing(self) -> bool:
        return self.status in FAILING

    def to_json(self) -> dict[str, object]:
        return {
            "area": str(self.area),
            "code": self.code,
            "status": str(self.status),
            "message": self.message,
            "fix": self.fix,
        }


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    """Grouped by area in the setup's order, worst first inside an area (stable otherwise)."""
    order = {area: i for i, area in enumerate(Area)}
    return sorted(findings, key=lambda f: (order[f.area], _RANK[f.status]))


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {str(s): 0 for s in Status}
    for f in findings:
        counts[str(f.status)] += 1
    return counts


def worst(findings: Iterable[Finding]) -> Status | None:
    statuses = [f.status for f in findings]
    return min(statuses, key=_RANK.__getitem__) if statuses else None


def _ok(area: Area, code: str, message: str) -> Finding:
    return Finding(area, code, Status.OK, message)


def _error_summary(exc: BaseException) -> tuple[str, str]:
    """One line saying what failed, and the catalogue's fix for it when it knows one."""
    from wizard.troubleshoot import classify

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    found = classify(exc)
    return text, (found[0].fix if found else "")


def _read_error(area: Area, what: str, exc: BaseException) -> Finding:
    text, fix = _error_summary(exc)
    return Finding(area, "read-failed", Status.ERROR, f"could not read {what}: {text}", fix)
