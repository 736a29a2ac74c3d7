"""What the simulator answers: a verdict among three, with every condition's outcome.

A condition, and so a statement, is true, false, or unknown (it depends on a value the
simulator cannot know). Unknown combines as in three-valued logic: false AND unknown is false,
true AND unknown is unknown. The verdict is ``allowed``, ``denied`` or ``cannot tell``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    CANNOT_TELL = "cannot tell"


def all_of(outcomes: list[Outcome]) -> Outcome:
    if Outcome.FALSE in outcomes:
        return Outcome.FALSE
    return Outcome.UNKNOWN if Outcome.UNKNOWN in outcomes else Outcome.TRUE


def any_of(outcomes: list[Outcome]) -> Outcome:
    if Outcome.TRUE in outcomes:
        return Outcome.TRUE
    return Outcome.UNKNOWN if Outcome.UNKNOWN in outcomes else Outcome.FALSE


def negate(outcome: Outcome) -> Outcome:
    if outcome is Outcome.UNKNOWN:
        return outcome
    return Outcome.FALSE if outcome is Outcome.TRUE else Outcome.TRUE


@dataclass(frozen=True)
class ConditionResult:
    """One (operator, key) pair of a statement's Condition block and its outcome."""

    operator: str
    key: str
    values: tuple[str, ...]
    matched: bool
    reason: str
    unknown: bool = False  # the outcome depends on a value the simulator cannot know

    @property
    def outcome(self) -> Outcome:
        if self.unknown:
            return Outcome.UNKNOWN
        return Outcome.TRUE if self.matched else Outcome.FALSE

    def to_json(self) -> dict[str, object]:
        return {
            "operator": self.operator,
            "key": self.key,
            "values": list(self.values),
            "matched": self.matched,
            "outcome": str(self.outcome),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StatementResult:
    index: int
    sid: str | None
    effect: str
    applies: bool  # principal and action cover the call
    matched: bool  # applies and every condition matches
    conditions: tuple[ConditionResult, ...]
    reason: str
    unknown: bool = False  # applies, no condition fails, and one cannot be told

    @property
    def outcome(self) -> Outcome:
        if self.unknown:
            return Outcome.UNKNOWN
        return Outcome.TRUE if self.matched else Outcome.FALSE

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "applies": self.applies,
            "matched": self.matched,
            "outcome": str(self.outcome),
            "conditions": [c.to_json() for c in self.conditions],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str
    deciding: ConditionResult | None
    statements: tuple[StatementResult, ...]
    # Conditions whose outcome could not be told and on which the verdict depends.
    undecided: tuple[ConditionResult, ...] = ()
    # What IAM would refuse in the document (an invalid document admits no one).
    problems: tuple[str, ...] = ()
    # Claims given that STS does not expose, so no condition sees them.
    hidden_claims: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOWED

    def to_json(self) -> dict[str, object]:
        return {
            "verdict": str(self.verdict),
            "allowed": self.allowed,
            "reason": self.reason,
            "deciding": None if self.deciding is None else self.deciding.to_json(),
            "undecided": [c.to_json() for c in self.undecided],
            "invalid": list(self.problems),
            "hidden_claims": list(self.hidden_claims),
            "statements": [s.to_json() for s in self.statements],
        }
