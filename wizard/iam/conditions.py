"""One condition (operator, key, values) evaluated against the request, in three values.

IAM's rules kept here (IAM User Guide, "Condition operators" and "Single-valued vs.
multivalued context keys"): several values of one key are ORed; a key absent from the request
makes a plain condition false, but ``...IfExists``, ``ForAllValues:`` and negated operators
true, and ``ForAnyValue:`` false. ``Null`` asks whether the key is absent. A policy variable
(``${KEY}``, with an optional default ``${KEY, 'x'}``; ``${*}``, ``${?}``, ``${$}`` stand for the
literal characters) takes the request's value of KEY.

A key the request does not know (see `wizard.iam.request`), or a policy variable naming one,
makes the condition unknown unless the outcome is the same whatever its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from wizard.iam.document import condition_values, quote_all
from wizard.iam.operators import Family, Operator, compare, parse_operator, suggest_operator
from wizard.iam.request import UNKNOWN, RequestContext
from wizard.iam.results import (
    ConditionResult,
    Outcome,
    StatementResult,
    all_of,
    any_of,
    negate,
)


@dataclass(frozen=True)
class CondEval:
    result: ConditionResult
    # Phrase that completes "condition OP on KEY ...", for the decision's reason.
    detail: str
    # True when the condition matched only because the key was absent (the pitfall).
    vacuous: bool = False
    is_sub: bool = False

    @property
    def outcome(self) -> Outcome:
        return self.result.outcome


def _quote(value: str) -> str:
    return f"'{value}'"


def _accepts(values: tuple[str, ...]) -> str:
    if not values:
        return "no value"
    if len(values) == 1:
        return _quote(values[0])
    return f"any of {quote_all(values)}"


def _shown(values: tuple[str, ...]) -> str:
    return _quote(values[0]) if len(values) == 1 else f"[{quote_all(values)}]"


@dataclass(frozen=True)
class EvaluatedStatement:
    """A statement's result with its conditions as evaluated (the explanation reads both)."""

    result: StatementResult
    conds: tuple[CondEval, ...]


# --------------------------------------------------------------------------------------------
# Policy variables

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True)
class _Resolved:
    """A policy value after its variables were replaced: literal text and unknown holes."""

    parts: tuple[str | None, ...]  # None is a hole: a variable whose value is unknown
    absent: bool = False  # a variable names a key absent from the request, without default
    variables: tuple[str, ...] = ()
    # Per part: True when it came from a variable (``${*}`` included), so its `*` and `?` are
    # the characters themselves, never wildcards (IAM User Guide, "Policy variables", special
    # characters: ``${*}`` stands for a literal asterisk where ``*`` would be a wildcard).
    literal: tuple[bool, ...] = ()

    @property
    def has_literal_wildcard(self) -> bool:
        return any(
            lit and part is not None and ("*" in part or "?" in part)
            for part, lit in zip(self.parts, self.literal, strict=False)
        )

    @property
    def text(self) -> str | None:
        if any(p is None for p in self.parts):
            return None
        return "".join(p for p in self.parts if p is not None)


def _resolve(value: str, ctx: RequestContext) -> _Resolved:
    if "${" not in value or not ctx.variables:
        return _Resolved((value,))
    parts: list[str | None] = []
    literal: list[bool] = []
    names: list[str] = []
    absent = False
    pos = 0
    for found in _VARIABLE.finditer(value):
        parts.append(value[pos : found.start()])
        literal.append(False)
        pos = found.end()
        inner = found.group(1).strip()
        literal.append(True)
        if inner in _ESCAPES:
            parts.append(_ESCAPES[inner])
            continue
        key, comma, default = inner.partition(",")
        key = key.strip()
        default = default.strip()
        names.append(key)
        looked = ctx.lookup(key)
        if looked is UNKNOWN:
            parts.append(None)
        elif isinstance(looked, tuple) and looked:
            parts.append(looked[0])
        elif comma and len(default) >= 2 and default[0] == default[-1] == "'":
            parts.append(default[1:-1])
        else:
            absent = True
            parts.append("")
    parts.append(value[pos:])
    literal.append(False)
    return _Resolved(tuple(parts), absent, tuple(names), tuple(literal))


def _could_match(op: Operator, resolved: _Resolved, request: str) -> bool:
    """Whether some value of the unknown variables makes `request` match (string operators)."""
    pattern = []
    literal = resolved.literal or (False,) * len(resolved.parts)
    for part, lit in zip(resolved.parts, literal, strict=True):
        if part is None:
            pattern.append(".*")
        elif op.like and not lit:
            pattern.append(
                "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in part)
            )
        else:
            pattern.append(re.escape(part))
    flags = re.DOTALL | (re.IGNORECASE if op.ignore_case else 0)
    return re.fullmatch("".join(pattern), request, flags) is not None


def _hit(op: Operator, request: str, resolved: _Resolved) -> Outcome:
    """Whether the request value equals/matches one policy value (before negation)."""
    if resolved.absent:
        return Outcome.FALSE
    text = resolved.text
    if (
        text is not None
        and op.family is Family.STRING
        and op.like
        and resolved.has_literal_wildcard
    ):
        return Outcome.TRUE if _could_match(op, resolved, request) else Outcome.FALSE
    if text is not None:
        return Outcome.TRUE if compare(op, request, text) else Outcome.FALSE
    if op.family is Family.STRING and not _could_match(op, resolved, request):
        return Outcome.FALSE
    return Outcome.UNKNOWN


# --------------------------------------------------------------------------------------------
# One condition


def evaluate_condition(op_raw: str, key: str, raw_values: object, ctx: RequestContext) -> CondEval:
    issuer = ctx.issuer
    name = key[len(issuer.key_prefix) :] if key.lower().startswith(issuer.key_prefix) else key
    is_sub = key.lower() == issuer.key("sub")
    values = condition_values(raw_values)
    shown_values = values if values is not None else ()
    op = parse_operator(op_raw)

    def done(
        outcome: Outcome, reason: str, detail: str, vacuous: bool = False, note: str = ""
    ) -> CondEval:
        result = ConditionResult(
            op_raw,
            key,
            shown_values,
            outcome is Outcome.TRUE,
            reason + note,
            unknown=outcome is Outcome.UNKNOWN,
        )
        return CondEval(result, detail + note, vacuous, is_sub)

    if op is None:
        hint = suggest_operator(op_raw)
        extra = f" (did you mean {hint}?)" if hint else ""
        return done(
            Outcome.FALSE,
            f"operator '{op_raw}' is not an IAM operator (IAM refuses the document), so the "
            f"condition on {name} does not match{extra}",
            f"is not understood (unknown operator), so it does not match{extra}",
        )
    if values is None:
        return done(
            Outcome.FALSE,
            f"{op_raw} on {name} has values that are not strings, so it does not match",
            "has values that are not strings, so it does not match",
        )
    request = ctx.lookup(key)
    supply = f" (supply it with --context {key}=VALUE)"
    claim = name != key  # a claim of the token's issuer

    if request is UNKNOWN and claim:
        given = f" (every token carries it: add {name}=VALUE to --claim)"
        return done(
            Outcome.UNKNOWN,
            f"{name} was not given, so {op_raw} on it cannot be told{given}",
            f"cannot be told: the token's {name} was not given{given}",
        )
    if request is UNKNOWN:
        return done(
            Outcome.UNKNOWN,
            f"{name} is not known to this simulator, so {op_raw} on it cannot be told{supply}",
            f"cannot be told: {key} is a value only AWS knows at the time of the call{supply}",
        )

    if op.family is Family.NULL:
        absent = not isinstance(request, tuple) or len(request) == 0
        state = "absent" if absent else "present"
        ok = any(v.lower() == ("true" if absent else "false") for v in values)
        if ok:
            return done(
                Outcome.TRUE,
                f"{name} is {state}, as Null {_accepts(values)} requires",
                f"holds: the key is {state}",
            )
        return done(
            Outcome.FALSE,
            f"{name} is {state}, which Null {_accepts(values)} refuses",
            f"does not match: the key is {state}",
        )

    if not isinstance(request, tuple) or len(request) == 0:
        missing = f"{name} is absent from the token's claims"
        hidden = ""
        if name in ctx.hidden:
            hidden = " (the token carries it, but STS does not expose it as a condition key)"
            missing += hidden
        if op.set_op == "ForAllValues":
            return done(
                Outcome.TRUE,
                f"{missing}, and {op_raw} is true when the key is absent (pitfall: ForAllValues:"
                " matches a token that lacks the key; use a plain operator)",
                "is true because the key is absent from the token (pitfall: ForAllValues: "
                "matches a missing key)",
                vacuous=True,
            )
        if op.set_op == "ForAnyValue":
            return done(
                Outcome.FALSE,
                f"{missing}, so {op_raw} does not match",
                "does not match: the key is absent from the token's claims",
            )
        if op.if_exists:
            return done(
                Outcome.TRUE,
                f"{missing}, and {op_raw} is true when the key is absent (pitfall: ...IfExists "
                "skips the check for a token that lacks the key)",
                "is true because the key is absent from the token (pitfall: ...IfExists skips "
                "a missing key)",
                vacuous=True,
            )
        if op.negated:
            # IAM evaluates a negated operator on a key missing from the request as true:
            # there is no value that equals one of the refused values.
            return done(
                Outcome.TRUE,
                f"{missing}, and IAM evaluates the negated {op_raw} as true for an absent key",
                "is true because the key is absent and the operator is negated",
                vacuous=True,
            )
        return done(
            Outcome.FALSE,
            f"{missing}, so {op_raw} does not match",
            f"does not match: the key is absent from the token's claims{hidden}",
        )

    resolved = [_resolve(v, ctx) for v in values]
    variables = sorted({n for r in resolved for n in r.variables})
    note = ""
    if variables:
        note = (
            f" (policy variables {', '.join('${' + n + '}' for n in variables)} resolved "
            "from the request where known)"
        )

    def value_ok(v: str) -> Outcome:
        hit = any_of([_hit(op, v, r) for r in resolved])
        return negate(hit) if op.negated else hit

    per = [value_ok(v) for v in request]
    combine: Callable[[list[Outcome]], Outcome] = all_of if op.set_op == "ForAllValues" else any_of
    outcome = combine(per)
    seen = _shown(request)
    if outcome is Outcome.UNKNOWN:
        # The request's value is known here: only a policy variable can be unknown.
        unknown = next((n for n in variables if ctx.lookup(n) is UNKNOWN), key)
        hint = f" (supply it with --context {unknown}=VALUE)"
        return done(
            Outcome.UNKNOWN,
            f"{name} {seen} under {op_raw} {_accepts(values)} depends on the policy variable "
            f"${{{unknown}}}, which this simulator does not know{hint}",
            f"cannot be told: it depends on ${{{unknown}}}{hint}",
            note=note,
        )
    if op.negated:
        if outcome is Outcome.TRUE:
            return done(
                Outcome.TRUE,
                f"{name} {seen} is not among the values refused by {op_raw} ({_accepts(values)})",
                f"holds: {seen} is not refused",
                note=note,
            )
        bad = next(v for v, o in zip(request, per, strict=True) if o is Outcome.FALSE)
        hit = next(
            p for p, r in zip(values, resolved, strict=True) if _hit(op, bad, r) is Outcome.TRUE
        )
        return done(
            Outcome.FALSE,
            f"{name} {_quote(bad)} is refused by {op_raw} {_quote(hit)}",
            f"refuses {_quote(bad)} (refused: {_accepts(values)})",
            note=note,
        )
    if outcome is Outcome.TRUE:
        good = next(v for v, o in zip(request, per, strict=True) if o is Outcome.TRUE)
        hit = next(
            p for p, r in zip(values, resolved, strict=True) if _hit(op, good, r) is Outcome.TRUE
        )
        return done(
            Outcome.TRUE,
            f"{name} {_quote(good)} matches {op_raw} {_quote(hit)}",
            f"matches {_quote(good)}"
            if hit == good
            else f"matches {_quote(good)} via {_quote(hit)}",
            note=note,
        )
    bad_values = tuple(v for v, o in zip(request, per, strict=True) if o is not Outcome.TRUE)
    bad_seen = _shown(bad_values or request)
    return done(
        Outcome.FALSE,
        f"{name} {bad_seen} does not match {op_raw} {_accepts(values)}",
        f"does not match {bad_seen} (accepts {_accepts(values)})",
        note=note,
    )
