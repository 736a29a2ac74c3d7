"""Would this web identity be allowed to assume the role? IAM's evaluation of a trust policy.

An explicit Deny that matches wins; otherwise some matching Allow allows; otherwise the call is
implicitly denied. With unknown conditions (see `wizard.iam.results`), a Deny that may match
beside an Allow that matches, or an Allow that may match when none surely does, gives
``cannot tell``. Never raises: what cannot be read does not match, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wizard.iam.conditions import CondEval, EvaluatedStatement, evaluate_condition
from wizard.iam.document import ASSUME_ACTION, action_matches, document_problems, statements
from wizard.iam.explain import decide
from wizard.iam.issuer import GITHUB_COM, Issuer, issuer_of_provider_arn
from wizard.iam.principals import Caller, principal_applies
from wizard.iam.request import POLICY_VARIABLES_VERSION, RequestContext, build_context
from wizard.iam.results import ConditionResult, Decision, Outcome, StatementResult, all_of


def _conditions(stmt: Mapping[str, Any], ctx: RequestContext) -> list[CondEval]:
    block = stmt.get("Condition")
    if block is None:
        return []
    if not isinstance(block, Mapping):
        result = ConditionResult("Condition", "", (), False, "the Condition block is not an object")
        return [CondEval(result, "is not an object, so it does not match")]
    out: list[CondEval] = []
    for op_raw, keys in block.items():
        op_name = str(op_raw)
        if not isinstance(keys, Mapping):
            result = ConditionResult(
                op_name, "", (), False, f"{op_name} does not hold an object of keys"
            )
            out.append(CondEval(result, "does not hold an object of keys"))
            continue
        for key, raw_values in keys.items():
            out.append(evaluate_condition(op_name, str(key), raw_values, ctx))
    return out


def evaluate_statement(
    index: int, stmt: object, ctx: RequestContext, action: str, caller: Caller
) -> EvaluatedStatement:
    label = f"statement {index}"
    if not isinstance(stmt, Mapping):
        reason = f"{label} is not an object; ignored"
        return EvaluatedStatement(StatementResult(index, None, "", False, False, (), reason), ())
    sid = stmt.get("Sid") if isinstance(stmt.get("Sid"), str) else None
    if sid is not None:
        label = f"{label} ({sid})"
    raw_effect = stmt.get("Effect")
    effect = raw_effect if isinstance(raw_effect, str) else ""
    if effect not in ("Allow", "Deny"):
        reason = f"{label} has Effect '{effect}', which is neither Allow nor Deny; ignored"
        return EvaluatedStatement(StatementResult(index, sid, effect, False, False, (), reason), ())
    if effect == "Allow" and "NotPrincipal" in stmt and "Principal" not in stmt:
        reason = f"{label} (Allow) uses NotPrincipal, which IAM refuses in a trust policy; ignored"
        return EvaluatedStatement(StatementResult(index, sid, effect, False, False, (), reason), ())
    ok, why = principal_applies(stmt, caller)
    if ok:
        ok, why = action_matches(stmt, action)
    if not ok:
        reason = f"{label} ({effect}) does not apply: {why}"
        return EvaluatedStatement(StatementResult(index, sid, effect, False, False, (), reason), ())

    conds = _conditions(stmt, ctx)
    outcome = all_of([c.outcome for c in conds])
    if not conds:
        reason = f"{label} ({effect}) applies and has no conditions"
    elif outcome is Outcome.TRUE:
        reason = f"{label} ({effect}) applies and all {len(conds)} condition(s) match"
    elif outcome is Outcome.UNKNOWN:
        unknown = [c.result for c in conds if c.outcome is Outcome.UNKNOWN]
        reason = f"{label} ({effect}) applies, but {unknown[0].reason}"
    else:
        failing = [c.result for c in conds if c.outcome is Outcome.FALSE]
        reason = f"{label} ({effect}) applies but " + "; and ".join(f.reason for f in failing)
    result = StatementResult(
        index,
        sid,
        effect,
        True,
        outcome is Outcome.TRUE,
        tuple(c.result for c in conds),
        reason,
        unknown=outcome is Outcome.UNKNOWN,
    )
    return EvaluatedStatement(result, tuple(conds))


def evaluate(
    policy: Mapping[str, Any],
    claims: Mapping[str, Any],
    *,
    provider_arn: str | None = None,
    action: str = ASSUME_ACTION,
    issuer: Issuer | None = None,
    context: Iterable[tuple[str, str]] = (),
    partial: bool = False,
    free: Iterable[str] = (),
) -> Decision:
    """Would a token with `claims` from `issuer` be allowed `action` by the trust `policy`?

    `provider_arn` is the token's provider in the role's account; without it a Federated
    principal for the issuer's provider matches whatever its account. The issuer defaults to
    the one `provider_arn` names, else github.com. `context` supplies values of keys the
    simulator cannot know (``("aws:CurrentTime", "2026-01-01T00:00:00Z")``). `partial` says the
    claims are a few a person typed: a claim every token carries but not given cannot be told.
    `free` names claims the caller chooses (any value, or none): when not given, a condition
    on one of them cannot be told.
    Never raises.
    """
    chosen = issuer or (issuer_of_provider_arn(provider_arn) if provider_arn else None)
    chosen = chosen or GITHUB_COM
    version = policy.get("Version") if isinstance(policy, Mapping) else None
    ctx = build_context(
        claims,
        issuer=chosen,
        supplied=context,
        partial=partial,
        variables=version == POLICY_VARIABLES_VERSION,
        free=free,
    )
    caller = Caller(chosen, provider_arn)
    evaluated = [
        evaluate_statement(i, s, ctx, action, caller) for i, s in enumerate(statements(policy))
    ]
    problems = tuple(document_problems(policy))
    return decide(evaluated, action, provider_arn, problems, ctx.hidden)
