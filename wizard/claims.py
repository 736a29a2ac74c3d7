"""Claim simulator: would this GitHub OIDC token be allowed to assume this role?

`evaluate` checks an IAM role trust policy (a parsed JSON document, as boto3 returns it) against
the claims of a GitHub Actions OIDC token with IAM's semantics, and says in one sentence which
condition decided. It never raises on a malformed document: what it cannot read does not match,
and the reason says so.

Semantics (IAM):

* `Statement` is an object or a list; `Action`/`NotAction` a string or list with `*`/`?`
  wildcards, matched case-insensitively; `Principal` `"*"` or `{"Federated": arn | [arns]}`.
* An explicit Deny wins; otherwise the call is allowed if some Allow statement matches; else it
  is implicitly denied.
* Several values for one key are ORed; several keys and several operators are ANDed.
* A key absent from the token makes a plain condition false, but `...IfExists` and
  `ForAllValues:` conditions true (a classic trust-policy pitfall), and negated operators true.

Claims are given by their short names (`sub`, `aud`, `repository_id`, ...) and stand for the
condition keys `token.actions.githubusercontent.com:<name>`. Policy variables (`${...}`) are not
supported: they are compared literally and the reason says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ISSUER = "token.actions.githubusercontent.com"
KEY_PREFIX = f"{ISSUER}:"
DEFAULT_AUDIENCE = "sts.amazonaws.com"
ASSUME_ACTION = "sts:AssumeRoleWithWebIdentity"

__all__ = [
    "ASSUME_ACTION",
    "DEFAULT_AUDIENCE",
    "ISSUER",
    "KEY_PREFIX",
    "ConditionResult",
    "Decision",
    "Operator",
    "StatementResult",
    "action_matches",
    "build_sub",
    "evaluate",
    "glob_match",
    "parse_claim",
    "parse_operator",
]


# --------------------------------------------------------------------------------------------
# Building and parsing claims


def build_sub(
    repo: str,
    *,
    branch: str | None = None,
    tag: str | None = None,
    environment: str | None = None,
    pull_request: bool = False,
    owner_id: str | None = None,
    repo_id: str | None = None,
) -> str:
    """The `sub` claim GitHub puts in a token for a job of `repo` (``OWNER/REPO``).

    Exactly one of `branch`, `tag`, `environment` and `pull_request` must be given. With both
    `owner_id` and `repo_id` the immutable form ``repo:OWNER@OWNER_ID/REPO@REPO_ID:...`` is built.
    Raises ValueError on bad input.
    """
    owner, sep, name = repo.partition("/")
    if (
        not sep
        or not owner
        or not name
        or "/" in name
        or any(c in repo for c in ":@")
        or any(c.isspace() for c in repo)
    ):
        raise ValueError(f"repository must be OWNER/REPO, got {repo!r}")
    chosen = sum(x is not None for x in (branch, tag, environment)) + int(pull_request)
    if chosen != 1:
        raise ValueError("give exactly one of branch, tag, environment or pull_request")
    if (owner_id is None) != (repo_id is None):
        raise ValueError("give both owner_id and repo_id for the immutable form, or neither")
    if owner_id is not None and repo_id is not None:
        for label, value in (("owner_id", owner_id), ("repo_id", repo_id)):
            if not value.isdigit():
                raise ValueError(f"{label} must be a number, got {value!r}")
        prefix = f"repo:{owner}@{owner_id}/{name}@{repo_id}"
    else:
        prefix = f"repo:{owner}/{name}"
    if pull_request:
        return f"{prefix}:pull_request"
    if branch is not None:
        short = branch.removeprefix("refs/heads/")
        if not short:
            raise ValueError("branch must not be empty")
        return f"{prefix}:ref:refs/heads/{short}"
    if tag is not None:
        short = tag.removeprefix("refs/tags/")
        if not short:
            raise ValueError("tag must not be empty")
        return f"{prefix}:ref:refs/tags/{short}"
    assert environment is not None
    if not environment:
        raise ValueError("environment must not be empty")
    return f"{prefix}:environment:{environment}"


_KEY_RE = r"\s*(?:token\.actions\.githubusercontent\.com:)?[A-Za-z_][A-Za-z0-9_]*\s*="
_KV_START = re.compile(_KEY_RE, re.IGNORECASE)
_KV_SPLIT = re.compile(rf",(?={_KEY_RE})", re.IGNORECASE)


def parse_claim(text: str) -> dict[str, str]:
    """Parse claims typed by a person.

    ``repo:o/r:ref:refs/heads/main`` (or any text that does not start with ``name=``) is a `sub`;
    ``sub=repo:o/r:pull_request,aud=sts.amazonaws.com,repository_id=123`` gives several claims.
    A comma only separates claims when ``name=`` follows it, so values may contain commas.
    Claim names are lower-cased and the ``token.actions.githubusercontent.com:`` prefix is
    dropped. Raises ValueError on empty text, an empty value or a repeated name.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("no claim given")
    if not _KV_START.match(stripped):
        return {"sub": stripped}
    out: dict[str, str] = {}
    for part in _KV_SPLIT.split(stripped):
        raw_key, _, raw_value = part.partition("=")
        key = raw_key.strip().lower().removeprefix(KEY_PREFIX)
        value = raw_value.strip()
        if not value:
            raise ValueError(f"claim {key!r} has no value")
        if key in out:
            raise ValueError(f"claim {key!r} is given twice")
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# Matching helpers (shared with trust_lint)


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcard match: `*` is any run of characters (`:` and `/` included), `?` one character.

    Iterative with single-star backtracking, so it is O(len(pattern) * len(text)) at worst.
    """
    if ignore_case:
        pattern, text = pattern.casefold(), text.casefold()
    p = t = 0
    star = -1
    mark = 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif star != -1:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _str_list(value: object) -> list[str]:
    """A string or a list of strings as a list; anything else gives the strings it holds."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def action_matches(statement: Mapping[str, Any], action: str) -> tuple[bool, str]:
    """Whether `statement`'s Action/NotAction covers `action`, and why not when it does not."""
    if "Action" in statement:
        patterns = _str_list(statement["Action"])
        if any(glob_match(p, action, ignore_case=True) for p in patterns):
            return True, ""
        return False, f"its Action ({_quote_all(patterns) or 'none'}) does not include {action}"
    if "NotAction" in statement:
        patterns = _str_list(statement["NotAction"])
        if any(glob_match(p, action, ignore_case=True) for p in patterns):
            return False, f"its NotAction ({_quote_all(patterns)}) excludes {action}"
        return True, ""
    return False, "it has neither Action nor NotAction"


@dataclass(frozen=True)
class Operator:
    """A parsed condition operator such as ``ForAllValues:StringLikeIfExists``."""

    raw: str
    set_op: str | None  # "ForAnyValue", "ForAllValues" or None
    base: str  # "StringEquals", ..., "Null"
    if_exists: bool

    @property
    def negated(self) -> bool:
        return self.base.startswith("StringNot")

    @property
    def ignore_case(self) -> bool:
        return self.base.endswith("IgnoreCase")

    @property
    def like(self) -> bool:
        return self.base in ("StringLike", "StringNotLike")


_STRING_OPS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    }
)
_SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")


def parse_operator(raw: str) -> Operator | None:
    """Parse an operator name; None when this simulator does not understand it."""
    if not isinstance(raw, str):
        return None
    rest = raw
    set_op: str | None = None
    for prefix in _SET_PREFIXES:
        if rest.startswith(prefix):
            set_op = prefix[:-1]
            rest = rest[len(prefix) :]
            break
    if_exists = rest.endswith("IfExists")
    if if_exists:
        rest = rest[: -len("IfExists")]
    if rest in _STRING_OPS or (rest == "Null" and not if_exists and set_op is None):
        return Operator(raw=raw, set_op=set_op, base=rest, if_exists=if_exists)
    return None


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ConditionResult:
    """One (operator, key) pair of a statement's Condition block and its outcome."""

    operator: str
    key: str
    values: tuple[str, ...]
    matched: bool
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "operator": self.operator,
            "key": self.key,
            "values": list(self.values),
            "matched": self.matched,
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

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "applies": self.applies,
            "matched": self.matched,
            "conditions": [c.to_json() for c in self.conditions],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    deciding: ConditionResult | None
    statements: tuple[StatementResult, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "deciding": None if self.deciding is None else self.deciding.to_json(),
            "statements": [s.to_json() for s in self.statements],
        }


# --------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class _Cond:
    result: ConditionResult
    # Phrase that completes "condition OP on KEY ...", for the decision's reason.
    detail: str
    # True when the condition matched only because the key was absent (the pitfall).
    vacuous: bool = False
    is_sub: bool = False


@dataclass(frozen=True)
class _Stmt:
    result: StatementResult
    conds: tuple[_Cond, ...]


def _quote(value: str) -> str:
    return f"'{value}'"


def _quote_all(values: Iterable[str]) -> str:
    return ", ".join(_quote(v) for v in values)


def _accepts(values: tuple[str, ...]) -> str:
    if not values:
        return "no value"
    if len(values) == 1:
        return _quote(values[0])
    return f"any of {_quote_all(values)}"


def _shown(values: tuple[str, ...]) -> str:
    return _quote(values[0]) if len(values) == 1 else f"[{_quote_all(values)}]"


def _short(key: str) -> str:
    return key[len(KEY_PREFIX) :] if key.lower().startswith(KEY_PREFIX) else key


def scalar_value(value: object) -> str | None:
    """A JSON scalar as IAM reads it in a string condition; None for objects, lists and null."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def _condition_values(raw: object) -> tuple[str, ...] | None:
    if isinstance(raw, list | tuple):
        out = [scalar_value(v) for v in raw]
        return None if any(v is None for v in out) else tuple(v for v in out if v is not None)
    one = scalar_value(raw)
    return None if one is None else (one,)


def _compare(op: Operator, request: str, policy: str) -> bool:
    if op.like:
        return glob_match(policy, request)
    if op.ignore_case:
        return request.casefold() == policy.casefold()
    return request == policy


def _variable_note(values: tuple[str, ...]) -> str:
    if any("${" in v for v in values):
        return (
            " (policy variables like '${...}' are not supported by this simulator"
            " and were compared literally)"
        )
    return ""


def _eval_condition(
    op_raw: str, key: str, raw_values: object, claims: Mapping[str, tuple[str, ...]]
) -> _Cond:
    name = _short(key)
    is_sub = key.lower() == f"{KEY_PREFIX}sub"
    values = _condition_values(raw_values)
    shown_values = values if values is not None else ()
    op = parse_operator(op_raw)

    def done(matched: bool, reason: str, detail: str, vacuous: bool = False) -> _Cond:
        note = _variable_note(shown_values)
        return _Cond(
            ConditionResult(op_raw, key, shown_values, matched, reason + note),
            detail + note,
            vacuous,
            is_sub,
        )

    if op is None:
        hint = ""
        lowered = {o.lower(): o for o in _STRING_OPS | {"Null"}}
        base = op_raw
        for prefix in _SET_PREFIXES:
            base = base.removeprefix(prefix)
        base = base.removesuffix("IfExists")
        if base.lower() in lowered and base not in lowered.values():
            hint = f" (did you mean {lowered[base.lower()]}?)"
        return done(
            False,
            f"operator '{op_raw}' is not understood by this simulator, so the condition on "
            f"{name} does not match{hint}",
            f"is not understood (unknown operator), so it does not match{hint}",
        )
    if values is None:
        return done(
            False,
            f"{op_raw} on {name} has values that are not strings, so it does not match",
            "has values that are not strings, so it does not match",
        )
    request = claims.get(key.lower())

    if op.base == "Null":
        absent = request is None or len(request) == 0
        state = "absent" if absent else "present"
        ok = any(v.lower() == ("true" if absent else "false") for v in values)
        if ok:
            return done(
                True,
                f"{name} is {state}, as Null {_accepts(values)} requires",
                f"holds: the key is {state}",
            )
        return done(
            False,
            f"{name} is {state}, which Null {_accepts(values)} refuses",
            f"does not match: the key is {state}",
        )

    if request is None or len(request) == 0:
        missing = f"{name} is absent from the token's claims"
        if op.set_op == "ForAllValues":
            return done(
                True,
                f"{missing}, and {op_raw} is true when the key is absent (pitfall: ForAllValues:"
                " matches a token that lacks the key; use a plain operator)",
                "is true because the key is absent from the token (pitfall: ForAllValues: "
                "matches a missing key)",
                vacuous=True,
            )
        if op.set_op == "ForAnyValue":
            return done(
                False,
                f"{missing}, so {op_raw} does not match",
                "does not match: the key is absent from the token's claims",
            )
        if op.if_exists:
            return done(
                True,
                f"{missing}, and {op_raw} is true when the key is absent (pitfall: ...IfExists "
                "skips the check for a token that lacks the key)",
                "is true because the key is absent from the token (pitfall: ...IfExists skips "
                "a missing key)",
                vacuous=True,
            )
        if op.negated:
            # IAM evaluates a negated operator (StringNot*) on a key missing from the request as
            # true: there is no value that equals one of the refused values.
            return done(
                True,
                f"{missing}, and IAM evaluates the negated {op_raw} as true for an absent key",
                "is true because the key is absent and the operator is negated",
                vacuous=True,
            )
        return done(
            False,
            f"{missing}, so {op_raw} does not match",
            "does not match: the key is absent from the token's claims",
        )

    def value_ok(v: str) -> bool:
        hit = any(_compare(op, v, p) for p in values)
        return not hit if op.negated else hit

    per = [value_ok(v) for v in request]
    matched = all(per) if op.set_op == "ForAllValues" else any(per)
    seen = _shown(request)
    if op.negated:
        refused = [v for v in request if not value_ok(v)]
        if matched:
            return done(
                True,
                f"{name} {seen} is not among the values refused by {op_raw} ({_accepts(values)})",
                f"holds: {seen} is not refused",
            )
        bad = refused[0]
        hit = next(p for p in values if _compare(op, bad, p))
        return done(
            False,
            f"{name} {_quote(bad)} is refused by {op_raw} {_quote(hit)}",
            f"refuses {_quote(bad)} (refused: {_accepts(values)})",
        )
    if matched:
        good = next(v for v in request if value_ok(v))
        hit = next(p for p in values if _compare(op, good, p))
        return done(
            True,
            f"{name} {_quote(good)} matches {op_raw} {_quote(hit)}",
            f"matches {_quote(good)}"
            if hit == good
            else f"matches {_quote(good)} via {_quote(hit)}",
        )
    bad_values = tuple(v for v in request if not value_ok(v)) or request
    bad_seen = _shown(bad_values)
    return done(
        False,
        f"{name} {bad_seen} does not match {op_raw} {_accepts(values)}",
        f"does not match {bad_seen} (accepts {_accepts(values)})",
    )


def _principal_applies(stmt: Mapping[str, Any], provider_arn: str | None) -> tuple[bool, str]:
    if "Principal" in stmt:
        principal = stmt["Principal"]
        if principal == "*":
            return True, ""
        if not isinstance(principal, Mapping):
            return False, "its Principal is neither '*' nor an object"
        if "*" in _str_list(principal.get("AWS")):
            return True, ""
        federated = _str_list(principal.get("Federated"))
        if not federated:
            return False, "its Principal names no Federated (web identity) provider"
        if provider_arn is None or provider_arn in federated or "*" in federated:
            return True, ""
        return False, f"its Principal ({_quote_all(federated)}) does not include {provider_arn}"
    if "NotPrincipal" in stmt:
        not_principal = stmt["NotPrincipal"]
        listed: list[str] = []
        if isinstance(not_principal, Mapping):
            listed = _str_list(not_principal.get("Federated"))
        if provider_arn is not None and provider_arn in listed:
            return False, f"its NotPrincipal excludes {provider_arn}"
        return True, ""
    return False, "it has no Principal"


def _eval_statement(
    index: int,
    stmt: object,
    claims: Mapping[str, tuple[str, ...]],
    action: str,
    provider: str | None,
) -> _Stmt:
    label = f"statement {index}"
    if not isinstance(stmt, Mapping):
        return _Stmt(
            StatementResult(
                index, None, "", False, False, (), f"{label} is not an object; ignored"
            ),
            (),
        )
    sid = stmt.get("Sid") if isinstance(stmt.get("Sid"), str) else None
    if sid is not None:
        label = f"{label} ({sid})"
    raw_effect = stmt.get("Effect")
    effect = raw_effect if isinstance(raw_effect, str) else ""
    if effect not in ("Allow", "Deny"):
        reason = f"{label} has Effect {_quote(effect)}, which is neither Allow nor Deny; ignored"
        return _Stmt(StatementResult(index, sid, effect, False, False, (), reason), ())
    ok, why = _principal_applies(stmt, provider)
    if ok:
        ok, why = action_matches(stmt, action)
    if not ok:
        reason = f"{label} ({effect}) does not apply: {why}"
        return _Stmt(StatementResult(index, sid, effect, False, False, (), reason), ())

    conds: list[_Cond] = []
    block = stmt.get("Condition")
    if block is not None:
        if not isinstance(block, Mapping):
            result = ConditionResult(
                "Condition", "", (), False, "the Condition block is not an object"
            )
            conds.append(_Cond(result, "is not an object, so it does not match"))
        else:
            for op_raw, keys in block.items():
                op_name = str(op_raw)
                if not isinstance(keys, Mapping):
                    result = ConditionResult(
                        op_name, "", (), False, f"{op_name} does not hold an object of keys"
                    )
                    conds.append(_Cond(result, "does not hold an object of keys"))
                    continue
                for key, raw_values in keys.items():
                    conds.append(_eval_condition(op_name, str(key), raw_values, claims))
    failing = [c for c in conds if not c.result.matched]
    matched = not failing
    if not conds:
        reason = f"{label} ({effect}) applies and has no conditions"
    elif matched:
        reason = f"{label} ({effect}) applies and all {len(conds)} condition(s) match"
    else:
        first = failing[0].result
        reason = f"{label} ({effect}) applies but {first.reason}"
    stmt_result = StatementResult(
        index, sid, effect, True, matched, tuple(c.result for c in conds), reason
    )
    return _Stmt(stmt_result, tuple(conds))


def _claim_values(value: object) -> tuple[str, ...] | None:
    """A claim's values; a list claim is multi-valued, null or an object is treated as absent."""
    if isinstance(value, list | tuple):
        return tuple(s for s in (scalar_value(v) for v in value) if s is not None)
    one = scalar_value(value)
    return None if one is None else (one,)


def _normalise_claims(claims: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    if isinstance(claims, Mapping):
        for key, value in claims.items():
            if not isinstance(key, str):
                continue
            values = _claim_values(value)
            if values is None:
                continue
            full = key if ":" in key else KEY_PREFIX + key
            out[full.lower()] = values
    out.setdefault(f"{KEY_PREFIX}aud", (DEFAULT_AUDIENCE,))
    return out


def _pick(conds: tuple[_Cond, ...]) -> _Cond | None:
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


def _statements(policy: Mapping[str, Any]) -> list[object]:
    if not isinstance(policy, Mapping):
        return []
    raw = policy.get("Statement")
    if isinstance(raw, list):
        return list(raw)
    if raw is None:
        return []
    return [raw]


def evaluate(
    policy: Mapping[str, Any],
    claims: Mapping[str, str],
    *,
    provider_arn: str | None = None,
    action: str = ASSUME_ACTION,
) -> Decision:
    """Would a token with `claims` be allowed `action` by the trust `policy`?

    When `provider_arn` is given, only statements whose Principal names it (or is `"*"`) apply;
    otherwise every statement with a Federated (or `"*"`) principal applies. Never raises.
    """
    request = _normalise_claims(claims)
    evaluated = [
        _eval_statement(i, s, request, action, provider_arn)
        for i, s in enumerate(_statements(policy))
    ]
    results = tuple(e.result for e in evaluated)

    for e in evaluated:
        if e.result.effect == "Deny" and e.result.matched:
            cond = _pick(e.conds)
            where = f"explicit Deny in statement {e.result.index}"
            if e.result.sid:
                where += f" ({e.result.sid})"
            if cond is None:
                reason = f"denied: {where} applies to {action} without conditions"
            else:
                c = cond.result
                reason = f"denied: {where}: condition {c.operator} on {c.key} {cond.detail}"
            return Decision(False, reason, None if cond is None else cond.result, results)

    for e in evaluated:
        if e.result.effect == "Allow" and e.result.matched:
            cond = _pick(e.conds)
            where = f"statement {e.result.index}"
            if e.result.sid:
                where += f" ({e.result.sid})"
            if cond is None:
                reason = f"allowed: {where} allows {action} without conditions"
            else:
                c = cond.result
                reason = (
                    f"allowed: {where} allows {action}; condition {c.operator} on {c.key} "
                    f"{cond.detail}"
                )
            return Decision(True, reason, None if cond is None else cond.result, results)

    candidates = [e for e in evaluated if e.result.effect == "Allow" and e.result.applies]
    if candidates:
        closest = min(candidates, key=lambda e: sum(not c.result.matched for c in e.conds))
        failing = [c for c in closest.conds if not c.result.matched]
        cond = failing[0]
        c = cond.result
        reason = f"denied: condition {c.operator} on {c.key} {cond.detail}"
        others = len(failing) - 1
        if others == 1:
            reason += ", and 1 other condition fails too"
        elif others > 1:
            reason += f", and {others} other conditions fail too"
        return Decision(False, reason, c, results)

    reason = f"denied: no Allow statement applies to {action}"
    if provider_arn is not None:
        reason += f" for {provider_arn}"
    if not results:
        reason += " (the policy has no statements)"
    else:
        first_allow = next((r for r in results if r.effect == "Allow"), results[0])
        reason += f" ({first_allow.reason})"
    return Decision(False, reason, None, results)
