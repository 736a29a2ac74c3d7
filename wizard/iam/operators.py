"""IAM condition operators: what each one is, and how one value compares under it.

Covers every operator family of IAM's reference (docs.aws.amazon.com/IAM/latest/UserGuide/
reference_policies_elements_condition_operators.html): String*, Numeric*, Date*, Bool,
BinaryEquals, IpAddress/NotIpAddress, Arn*, Null, with the ``ForAnyValue:`` / ``ForAllValues:``
prefixes and the ``IfExists`` suffix. Comparison rules kept here:

* ``*`` and ``?`` are the only wildcards, and only under ...Like and Arn* operators.
* ``...IgnoreCase`` compares case-insensitively but never folds a character into several
  (``ß`` is not ``ss``): each character is lowered on its own when that keeps one character.
* Arn* operators compare the six colon-separated parts one by one, case-sensitively.

Pure: no I/O.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Family(StrEnum):
    STRING = "string"
    NUMERIC = "numeric"
    DATE = "date"
    BOOL = "bool"
    BINARY = "binary"
    IP = "ip"
    ARN = "arn"
    NULL = "null"


# base name -> (family, negated, comparison)
_BASES: dict[str, tuple[Family, bool, str]] = {
    "StringEquals": (Family.STRING, False, "eq"),
    "StringNotEquals": (Family.STRING, True, "eq"),
    "StringEqualsIgnoreCase": (Family.STRING, False, "eq-ci"),
    "StringNotEqualsIgnoreCase": (Family.STRING, True, "eq-ci"),
    "StringLike": (Family.STRING, False, "like"),
    "StringNotLike": (Family.STRING, True, "like"),
    "NumericEquals": (Family.NUMERIC, False, "eq"),
    "NumericNotEquals": (Family.NUMERIC, True, "eq"),
    "NumericLessThan": (Family.NUMERIC, False, "lt"),
    "NumericLessThanEquals": (Family.NUMERIC, False, "le"),
    "NumericGreaterThan": (Family.NUMERIC, False, "gt"),
    "NumericGreaterThanEquals": (Family.NUMERIC, False, "ge"),
    "DateEquals": (Family.DATE, False, "eq"),
    "DateNotEquals": (Family.DATE, True, "eq"),
    "DateLessThan": (Family.DATE, False, "lt"),
    "DateLessThanEquals": (Family.DATE, False, "le"),
    "DateGreaterThan": (Family.DATE, False, "gt"),
    "DateGreaterThanEquals": (Family.DATE, False, "ge"),
    "Bool": (Family.BOOL, False, "eq"),
    "BinaryEquals": (Family.BINARY, False, "eq"),
    "IpAddress": (Family.IP, False, "in"),
    "NotIpAddress": (Family.IP, True, "in"),
    "ArnEquals": (Family.ARN, False, "like"),
    "ArnLike": (Family.ARN, False, "like"),
    "ArnNotEquals": (Family.ARN, True, "like"),
    "ArnNotLike": (Family.ARN, True, "like"),
    "Null": (Family.NULL, False, "null"),
}
BASE_NAMES = frozenset(_BASES)
SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")


@dataclass(frozen=True)
class Operator:
    """A parsed condition operator such as ``ForAllValues:StringLikeIfExists``."""

    raw: str
    set_op: str | None  # "ForAnyValue", "ForAllValues" or None
    base: str  # "StringEquals", ..., "Null"
    if_exists: bool

    @property
    def family(self) -> Family:
        return _BASES[self.base][0]

    @property
    def negated(self) -> bool:
        return _BASES[self.base][1]

    @property
    def comparison(self) -> str:
        return _BASES[self.base][2]

    @property
    def ignore_case(self) -> bool:
        return self.comparison == "eq-ci"

    @property
    def like(self) -> bool:
        """Whether `*` and `?` are wildcards under this operator."""
        return self.comparison == "like"


def parse_operator(raw: object) -> Operator | None:
    """Parse an operator name; None when IAM has no such operator (IAM refuses the document)."""
    if not isinstance(raw, str):
        return None
    rest = raw
    set_op: str | None = None
    for prefix in SET_PREFIXES:
        if rest.startswith(prefix):
            set_op = prefix[:-1]
            rest = rest[len(prefix) :]
            break
    if_exists = rest.endswith("IfExists")
    if if_exists:
        rest = rest[: -len("IfExists")]
    if rest not in _BASES:
        return None
    if rest == "Null" and (if_exists or set_op is not None):
        return None
    return Operator(raw=raw, set_op=set_op, base=rest, if_exists=if_exists)


def suggest_operator(raw: str) -> str | None:
    """The operator `raw` differs from only in letter case, if any (``stringEquals``)."""
    base = raw
    for prefix in SET_PREFIXES:
        base = base.removeprefix(prefix)
    base = base.removesuffix("IfExists")
    lowered = {name.lower(): name for name in _BASES}
    hit = lowered.get(base.lower())
    return hit if hit is not None and hit != base else None


# --------------------------------------------------------------------------------------------
# Comparing one request value with one policy value


def iam_lower(text: str) -> str:
    """Lower case without length-changing folding: ``STRASSE`` -> ``strasse``, ``ß`` stays."""
    out = []
    for char in text:
        low = char.lower()
        out.append(low if len(low) == 1 else char)
    return "".join(out)


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcard match: `*` is any run of characters (`:` and `/` included), `?` one character.

    Iterative with single-star backtracking, so it is O(len(pattern) * len(text)) at worst.
    """
    if ignore_case:
        pattern, text = iam_lower(pattern), iam_lower(text)
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


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def parse_date(text: str) -> datetime | None:
    """An IAM date: ISO 8601 (``2026-01-01``, ``2026-01-01T00:00:00Z``) or epoch seconds."""
    stripped = text.strip()
    if re.fullmatch(r"-?\d+(?:\.\d+)?", stripped):
        try:
            return datetime.fromtimestamp(float(stripped), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(stripped.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _ordered(comparison: str, left: float | datetime, right: float | datetime) -> bool:
    if comparison == "eq":
        return left == right
    if comparison == "lt":
        return left < right  # type: ignore[operator]
    if comparison == "le":
        return left <= right  # type: ignore[operator]
    if comparison == "gt":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def _arn_like(pattern: str, arn: str) -> bool:
    want = pattern.split(":", 5)
    got = arn.split(":", 5)
    if len(want) != 6 or len(got) != 6:
        return glob_match(pattern, arn)
    return all(glob_match(w, g) for w, g in zip(want, got, strict=True))


def compare(op: Operator, request: str, policy: str) -> bool | None:
    """Whether `request` equals/matches `policy` under `op`, before negation.

    None when a value cannot be read as the operator's type (a number, a date, an address):
    IAM then does not match, and the caller says why.
    """
    family = op.family
    if family is Family.STRING:
        if op.like:
            return glob_match(policy, request)
        if op.ignore_case:
            return iam_lower(request) == iam_lower(policy)
        return request == policy
    if family is Family.NUMERIC:
        left, right = _number(request), _number(policy)
        if left is None or right is None:
            return None
        return _ordered(op.comparison, left, right)
    if family is Family.DATE:
        when, limit = parse_date(request), parse_date(policy)
        if when is None or limit is None:
            return None
        return _ordered(op.comparison, when, limit)
    if family is Family.BOOL:
        return request.lower() == policy.lower()
    if family is Family.BINARY:
        return request == policy
    if family is Family.IP:
        try:
            network = ipaddress.ip_network(policy.strip(), strict=False)
            address = ipaddress.ip_address(request.strip())
        except ValueError:
            return None
        return address.version == network.version and address in network
    if family is Family.ARN:
        return _arn_like(policy, request)
    return None
