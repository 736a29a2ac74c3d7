"""The request IAM evaluates a trust policy against: the token's claims as STS exposes them,
plus any value a person supplies (``--context KEY=VALUE``).

Every condition key is in one of three states here:

* a value (or several): a claim STS exposes, or a supplied value;
* absent: a claim of this issuer STS does not expose, a claim the token lacks, or a key of
  another identity provider (another host's ``HOST:sub`` is never in a GitHub request);
* unknown: anything else (``aws:CurrentTime``, ``aws:SourceIp``, ``aws:RequestedRegion``...),
  which the simulator cannot know. A condition that depends on it cannot be told.

STS exposes ``sub`` and ``aud`` for every OIDC provider, and since January 2026 a documented set
of GitHub claims (aws.amazon.com/about-aws/whats-new/2026/01/
aws-sts-supports-validation-identity-provider-claims/, and the IAM User Guide's "Available keys
for AWS OIDC federation"): actor, actor_id, job_workflow_ref, repository, repository_id,
workflow, ref, environment, enterprise_id. Other claims of the token (repository_owner,
event_name, ref_type, ...) are not condition keys: a condition on them finds no value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from wizard.iam.document import scalar_value
from wizard.iam.issuer import DEFAULT_AUDIENCE, GITHUB_COM, Issuer

STS_GITHUB_CLAIMS: Final = frozenset(
    {
        "sub",
        "aud",
        "actor",
        "actor_id",
        "job_workflow_ref",
        "repository",
        "repository_id",
        "workflow",
        "ref",
        "environment",
        "enterprise_id",
    }
)


# Claims every real token carries. When a person types a few claims (`--claim SUB`), one of
# these left out is not absent from the real token: a condition on it cannot be told.
ALWAYS_CARRIED: Final = frozenset(
    {"repository", "repository_id", "actor", "actor_id", "workflow", "job_workflow_ref", "ref"}
)


# The policy language version that has policy variables.
POLICY_VARIABLES_VERSION: Final = "2012-10-17"


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
Lookup = tuple[str, ...] | None | _Unknown  # values, absent, or unknown

# `HOST[:PORT][/PATH]:claim`: a key of some OIDC provider (a dotted host names one).
_PROVIDER_KEY = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:/[^:]*)?:[^:]+$")


@dataclass(frozen=True)
class RequestContext:
    issuer: Issuer = GITHUB_COM
    # lower-cased full key -> values
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # claims given that STS does not expose (named in the explanation)
    hidden: tuple[str, ...] = ()
    # keys a person supplied with --context
    supplied: tuple[str, ...] = ()
    # The claims are what a person typed, not a whole token (see ALWAYS_CARRIED).
    partial: bool = False
    # Whether ``${...}`` in the policy's values is a policy variable: only under Version
    # 2012-10-17. Without a Version (it defaults to 2008-10-17), or with 2008-10-17, IAM reads
    # ``${aws:username}`` as literal text (IAM User Guide, "IAM JSON policy elements: Version").
    variables: bool = True
    # Claims the caller picks freely (any value, or none) and the request does not set: a
    # condition on one of them cannot be told.
    free: frozenset[str] = frozenset()

    def lookup(self, key: str) -> Lookup:
        lowered = key.lower()
        if lowered in self.values:
            return self.values[lowered]
        if lowered.startswith(self.issuer.key_prefix):
            name = lowered[len(self.issuer.key_prefix) :]
            if name in self.free or (self.partial and name in ALWAYS_CARRIED):
                return UNKNOWN
            return None
        if _PROVIDER_KEY.match(lowered):
            return None
        return UNKNOWN

    def claim(self, name: str) -> tuple[str, ...] | None:
        found = self.values.get(self.issuer.key(name).lower())
        return found


def _values(value: object) -> tuple[str, ...] | None:
    """A claim's values; a list claim is multi-valued, null or an object is absent."""
    if isinstance(value, list | tuple):
        return tuple(s for s in (scalar_value(v) for v in value) if s is not None)
    one = scalar_value(value)
    return None if one is None else (one,)


def build_context(
    claims: Mapping[str, Any],
    *,
    issuer: Issuer = GITHUB_COM,
    supplied: Iterable[tuple[str, str]] = (),
    partial: bool = False,
    variables: bool = True,
    free: Iterable[str] = (),
) -> RequestContext:
    """The request for a token with `claims` (short names or full keys) from `issuer`.

    `aud` defaults to sts.amazonaws.com when not given (what configure-aws-credentials asks
    for). Claims STS does not expose are left out and listed in `hidden`.
    """
    values: dict[str, tuple[str, ...]] = {}
    hidden: list[str] = []
    if isinstance(claims, Mapping):
        for key, value in claims.items():
            if not isinstance(key, str):
                continue
            found = _values(value)
            if found is None:
                continue
            full = (key if ":" in key else issuer.key(key)).lower()
            if full.startswith(issuer.key_prefix):
                name = full[len(issuer.key_prefix) :]
                if name not in STS_GITHUB_CLAIMS:
                    hidden.append(name)
                    continue
            values[full] = found
    values.setdefault(issuer.key("aud").lower(), (DEFAULT_AUDIENCE,))
    given: dict[str, list[str]] = {}
    for key, value in supplied:
        given.setdefault(key.strip().lower(), []).append(value)
    for key, many in given.items():
        values[key] = tuple(many)
    return RequestContext(
        issuer,
        values,
        tuple(sorted(set(hidden))),
        tuple(given),
        partial,
        variables,
        frozenset(n.lower() for n in free),
    )


def parse_context(items: Iterable[str]) -> list[tuple[str, str]]:
    """``KEY=VALUE`` pairs typed by a person. Raises ValueError naming the bad one."""
    out: list[tuple[str, str]] = []
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or ":" not in key:
            raise ValueError(
                f"--context takes KEY=VALUE with a full condition key such as "
                f"aws:CurrentTime=2026-01-01T00:00:00Z, got {item!r}"
            )
        out.append((key, value.strip()))
    return out
