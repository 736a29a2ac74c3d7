"""What the linter reports: a finding with a stable code, a level, a message and a fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_RANK = {Level.HIGH: 0, Level.MEDIUM: 1, Level.LOW: 2}


@dataclass(frozen=True)
class Finding:
    code: str
    level: Level
    message: str
    fix: str
    statement: int | None = None
    # For a finding that says strangers get in: the sub of a stranger's token that shows it.
    probe: str | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "level": str(self.level),
            "message": self.message,
            "fix": self.fix,
            "statement": self.statement,
        }


def worst(findings: Iterable[Finding]) -> Level | None:
    """The most severe level among `findings`, None when there are none."""
    levels = [f.level for f in findings]
    return min(levels, key=_RANK.__getitem__) if levels else None
