"""The verdict and its one-paragraph reason, from the evaluated statements.

Names the deciding condition: for an allow, a pitfall that let the token in if any, else the
`sub` check; for a denial by conditions, every failing condition of the closest Allow; for
``cannot tell``, each unknown condition the verdict depends on, with its statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from wizard.iam.results import ConditionResult, Decision, Outcome, StatementResult, Verdict

if TYPE_CHECKING:
    from wizard.iam.conditions import CondEval, EvaluatedStatement


def _pick(conds: tuple[CondEval, ...]) -> CondEval | None:
    """The condition to name for a statement that matched: a pitfall first, then sub."""
    for cond in conds:
        if cond.vacuous:
            return cond
    subs = [c for c in conds if c.is_sub]
    for cond in subs:
        if cond.result.operator != "Null":
            return cond
    if subs:
        return subs[0]
    return conds[0] if conds else None


def _where(result: StatementResult) -> str:
    where = f"statement {result.index}"
    return f"{where} ({result.sid})" if result.sid else where


def _unknown_words(e: EvaluatedStatement) -> list[str]:
    return [
        f"{_where(e.result)} ({e.result.effect}): condition {c.result.operator} on "
        f"{c.result.key} {c.detail}"
        for c in e.conds
        if c.outcome is Outcome.UNKNOWN
    ]


def _unknowns(items: Sequence[EvaluatedStatement]) -> tuple[ConditionResult, ...]:
    return tuple(c.result for e in items for c in e.conds if c.outcome is Outcome.UNKNOWN)


def decide(
    evaluated: list[EvaluatedStatement],
    action: str,
    provider_arn: str | None,
    problems: tuple[str, ...],
    hidden: tuple[str, ...],
) -> Decision:
    results = tuple(e.result for e in evaluated)
    suffix = ""
    if problems:
        suffix = " (the document is invalid, and IAM refuses it: " + "; ".join(problems) + ")"

    def answer(
        verdict: Verdict,
        reason: str,
        deciding: ConditionResult | None,
        undecided: tuple[ConditionResult, ...] = (),
    ) -> Decision:
        return Decision(verdict, reason + suffix, deciding, results, undecided, problems, hidden)

    def by(effect: str, outcome: Outcome) -> list[EvaluatedStatement]:
        return [e for e in evaluated if e.result.effect == effect and e.result.outcome is outcome]

    denies = by("Deny", Outcome.TRUE)
    if denies:
        e = denies[0]
        cond = _pick(e.conds)
        where = f"explicit Deny in {_where(e.result)}"
        if cond is None:
            return answer(
                Verdict.DENIED, f"denied: {where} applies to {action} without conditions", None
            )
        c = cond.result
        reason = f"denied: {where}: condition {c.operator} on {c.key} {cond.detail}"
        return answer(Verdict.DENIED, reason, c)

    allows = by("Allow", Outcome.TRUE)
    maybe_allows = by("Allow", Outcome.UNKNOWN)
    maybe_denies = by("Deny", Outcome.UNKNOWN)
    if (allows or maybe_allows) and maybe_denies:
        words = _unknown_words(maybe_denies[0])
        reason = "cannot tell: an explicit Deny may apply, depending on " + "; ".join(words)
        if allows:
            reason += f" (otherwise {_where(allows[0].result)} allows {action})"
        undecided = _unknowns(maybe_denies)
        return answer(Verdict.CANNOT_TELL, reason, undecided[0], undecided)

    if allows:
        e = allows[0]
        cond = _pick(e.conds)
        where = _where(e.result)
        if cond is None:
            return answer(
                Verdict.ALLOWED, f"allowed: {where} allows {action} without conditions", None
            )
        c = cond.result
        reason = (
            f"allowed: {where} allows {action}; condition {c.operator} on {c.key} {cond.detail}"
        )
        return answer(Verdict.ALLOWED, reason, c)

    if maybe_allows:
        words = [w for e in maybe_allows for w in _unknown_words(e)]
        reason = "cannot tell: no Allow surely applies; it depends on " + "; ".join(words)
        undecided = _unknowns(maybe_allows)
        return answer(Verdict.CANNOT_TELL, reason, undecided[0], undecided)

    candidates = [e for e in evaluated if e.result.effect == "Allow" and e.result.applies]
    if candidates:
        closest = min(candidates, key=lambda e: sum(c.outcome is Outcome.FALSE for c in e.conds))
        failing = [c for c in closest.conds if c.outcome is Outcome.FALSE]
        parts = [f"condition {c.result.operator} on {c.result.key} {c.detail}" for c in failing]
        reason = "denied: " + "; and ".join(parts)
        return answer(Verdict.DENIED, reason, failing[0].result)

    reason = f"denied: no Allow statement applies to {action}"
    if provider_arn is not None:
        reason += f" for {provider_arn}"
    if not results:
        reason += " (the policy has no statements)"
    else:
        first_allow = next((r for r in results if r.effect == "Allow"), results[0])
        reason += f" ({first_allow.reason})"
    return answer(Verdict.DENIED, reason, None)
