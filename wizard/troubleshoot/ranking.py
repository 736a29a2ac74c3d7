"""Ranking a case's known causes: what the message itself shows first, and, when live facts or
an answers file are at hand, the cause they verified first and the ones they ruled out last.

Pure: a fact is `key -> (holds, evidence)`, where `key` is a `Cause.key` and `evidence` says in
words what was read ("the provider lists no sts.amazonaws.com audience"). Who gathers facts
(the doctor's live view, an answers file) is not this module's business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from wizard.troubleshoot.case import Cause

VERIFIED = "verified"
RULED_OUT = "ruled out"
IN_MESSAGE = "shown in the message"
# The order statuses are listed in: what a fact verified, what the message shows, the usual
# order, and last what a fact ruled out.
_ORDER = {VERIFIED: 0, IN_MESSAGE: 1, "": 2, RULED_OUT: 3}

Facts = Mapping[str, tuple[bool, str]]


@dataclass(frozen=True)
class RankedCause:
    """One cause of a recognised failure as shown: filled text, and what decided its place."""

    key: str
    text: str
    check: str
    fix: str = ""
    status: str = ""  # VERIFIED, RULED_OUT, IN_MESSAGE or "" (the catalogue's usual order)
    evidence: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "text": self.text,
            "check": self.check,
            "fix": self.fix,
            "status": self.status,
            "evidence": self.evidence,
        }


@lru_cache(maxsize=512)
def hint_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def in_message(cause: Cause, text: str) -> bool:
    return bool(cause.hint) and hint_pattern(cause.hint).search(text) is not None


def order(causes: Sequence[RankedCause]) -> tuple[RankedCause, ...]:
    """Stable: causes of equal status keep the catalogue's order."""
    return tuple(sorted(causes, key=lambda c: _ORDER.get(c.status, 2)))


def with_facts(causes: Sequence[RankedCause], facts: Facts) -> tuple[RankedCause, ...]:
    """`causes` re-ranked by `facts`: a verified cause first, a ruled-out one last."""
    marked: list[RankedCause] = []
    for cause in causes:
        fact = facts.get(cause.key)
        if fact is None:
            marked.append(cause)
            continue
        holds, evidence = fact
        marked.append(replace(cause, status=VERIFIED if holds else RULED_OUT, evidence=evidence))
    return order(marked)
