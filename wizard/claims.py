"""Claims of a GitHub Actions OIDC token: building the `sub` a job sends, reading claims typed by
a person, and (re-exported from `wizard.iam`) the simulator that says whether a trust policy
admits them.

The simulator itself lives in the `wizard.iam` package, one job per module (issuer, operators,
document, request, principals, conditions, evaluate, explain); these names stay importable here.
"""

from __future__ import annotations

import re

from wizard.iam.document import ASSUME_ACTION, action_matches, scalar_value
from wizard.iam.evaluate import evaluate
from wizard.iam.issuer import DEFAULT_AUDIENCE, GITHUB_COM, issuer_from_name
from wizard.iam.operators import Operator, glob_match, iam_lower, parse_operator
from wizard.iam.results import ConditionResult, Decision, StatementResult, Verdict

ISSUER = GITHUB_COM.name
KEY_PREFIX = GITHUB_COM.key_prefix

__all__ = [
    "ASSUME_ACTION",
    "DEFAULT_AUDIENCE",
    "ISSUER",
    "KEY_PREFIX",
    "ConditionResult",
    "Decision",
    "Operator",
    "StatementResult",
    "Verdict",
    "action_matches",
    "build_sub",
    "evaluate",
    "glob_match",
    "iam_lower",
    "parse_claim",
    "parse_operator",
    "scalar_value",
]


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


# An optional issuer prefix (``HOST[/PATH]:``), then the claim name, then ``=``.
_KEY_RE = r"\s*(?:[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._-]+)*:)?[A-Za-z_][A-Za-z0-9_]*\s*="
_KV_START = re.compile(_KEY_RE, re.IGNORECASE)
_KV_SPLIT = re.compile(rf",(?={_KEY_RE})", re.IGNORECASE)


def parse_claim(text: str) -> dict[str, str]:
    """Parse claims typed by a person.

    ``repo:o/r:ref:refs/heads/main`` (or any text that does not start with ``name=``) is a `sub`;
    ``sub=repo:o/r:pull_request,aud=sts.amazonaws.com,repository_id=123`` gives several claims.
    A comma only separates claims when ``name=`` follows it, so values may contain commas.
    Claim names are lower-cased and a GitHub issuer's prefix
    (``token.actions.githubusercontent.com:``, ``HOST/_services/token:``...) is dropped.
    Raises ValueError on empty text, an empty value or a repeated name.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("no claim given")
    if not _KV_START.match(stripped):
        return {"sub": stripped}
    out: dict[str, str] = {}
    for part in _KV_SPLIT.split(stripped):
        raw_key, _, raw_value = part.partition("=")
        key = raw_key.strip().lower()
        prefix, colon, name = key.rpartition(":")
        if colon and issuer_from_name(prefix) is not None:
            key = name
        value = raw_value.strip()
        if not value:
            raise ValueError(f"claim {key!r} has no value")
        if key in out:
            raise ValueError(f"claim {key!r} is given twice")
        out[key] = value
    return out
