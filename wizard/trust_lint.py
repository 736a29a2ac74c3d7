"""Lint an IAM role trust policy for GitHub Actions OIDC.

Only statements that Allow `sts:AssumeRoleWithWebIdentity` to GitHub's provider (a Federated
principal ending in ``oidc-provider/token.actions.githubusercontent.com``) are linted. Each
`Finding` carries a stable `code` that other parts of the wizard rely on:

=========================  ======  ==========================================================
code                       level   meaning
=========================  ======  ==========================================================
no-sub                     high    no `sub` condition: any repository on GitHub can assume
wildcard-owner             high    wildcard in the owner part of `sub` (or `*`, `repo:*`)
wildcard-repo              high    wildcard in the repository part (`repo:org/*`)
wildcard-id                high    wildcard in an `@ID` part of an immutable `sub`
forallvalues               high    `ForAllValues:` on sub/aud: true when the key is absent
ifexists                   high    `...IfExists` on sub/aud: true when the key is absent
negated-sub                high    only StringNotEquals/StringNotLike checks on sub
aud-wrong                  high    aud is not `sts.amazonaws.com` (`.cn` accepted in aws-cn)
other-account-provider     high    the provider is in another account than `account_id`
name-based-sub             high    repo emits immutable subjects but `sub` uses names
any-ref                    medium  `repo:o/r:*`: every branch, tag, environment and PR
no-aud                     medium  no aud condition
aud-loose                  medium  aud under StringLike
owner-case                 medium  OWNER/REPO differs from the canonical name only in case
other-repo                 medium  sub (or repository_id) names another repository
stringequals-wildcard      medium  `*`/`?` under StringEquals: compared literally, never matches
sub-conflict               medium  several sub operators are ANDed and no value satisfies all
no-repository-id           low     no `repository_id` condition beside a sub naming a repo
                                   (not raised when the repository emits immutable subjects)
stringlike-exact           low     StringLike without any wildcard: use StringEquals
=========================  ======  ==========================================================

Pure: no I/O, never raises on a malformed (but JSON-shaped) document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from wizard.claims import (
    ASSUME_ACTION,
    DEFAULT_AUDIENCE,
    ISSUER,
    KEY_PREFIX,
    Operator,
    action_matches,
    glob_match,
    parse_operator,
    scalar_value,
)

__all__ = ["PROVIDER_SUFFIX", "Finding", "Level", "lint_trust_policy", "worst"]

PROVIDER_SUFFIX = f"oidc-provider/{ISSUER}"
CN_AUDIENCE = "sts.amazonaws.com.cn"
SUB_KEY = f"{KEY_PREFIX}sub"
AUD_KEY = f"{KEY_PREFIX}aud"
REPOSITORY_ID_KEY = f"{KEY_PREFIX}repository_id"


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


# --------------------------------------------------------------------------------------------
# Reading the document


@dataclass(frozen=True)
class _Cond:
    op_raw: str
    op: Operator | None
    key: str  # lower-cased
    values: tuple[str, ...]

    @property
    def positive(self) -> bool:
        return self.op is not None and self.op.base != "Null" and not self.op.negated


@dataclass(frozen=True)
class _Sub:
    """A `sub` value of the form repo:OWNER[@ID]/REPO[@ID]:REST, split into its parts."""

    owner: str
    owner_id: str | None
    repo: str | None
    repo_id: str | None
    rest: str | None
    owner_seg: str
    repo_seg: str | None


def _wild(text: str | None) -> bool:
    return text is not None and ("*" in text or "?" in text)


def _str_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _values(raw: object) -> tuple[str, ...]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    return tuple(s for s in (scalar_value(v) for v in items) if s is not None)


def _conditions(stmt: Mapping[str, Any]) -> list[_Cond]:
    block = stmt.get("Condition")
    if not isinstance(block, Mapping):
        return []
    out: list[_Cond] = []
    for op_raw, keys in block.items():
        if not isinstance(keys, Mapping):
            continue
        op = parse_operator(op_raw) if isinstance(op_raw, str) else None
        for key, raw in keys.items():
            out.append(_Cond(str(op_raw), op, str(key).lower(), _values(raw)))
    return out


def _github_arns(stmt: Mapping[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [a for a in _str_list(principal.get("Federated")) if a.endswith(PROVIDER_SUFFIX)]


def _statements(policy: Mapping[str, Any]) -> list[object]:
    if not isinstance(policy, Mapping):
        return []
    raw = policy.get("Statement")
    if isinstance(raw, list):
        return list(raw)
    return [] if raw is None else [raw]


def _split_id(segment: str) -> tuple[str, str | None]:
    name, at, ident = segment.partition("@")
    return name, (ident if at else None)


def _parse_sub(value: str) -> _Sub | None:
    if not value.startswith("repo:"):
        return None
    body = value[len("repo:") :]
    slash = body.find("/")
    colon = body.find(":")
    if slash == -1 or (colon != -1 and colon < slash):
        owner_seg = body if colon == -1 else body[:colon]
        rest = None if colon == -1 else body[colon + 1 :]
        owner, owner_id = _split_id(owner_seg)
        return _Sub(owner, owner_id, None, None, rest, owner_seg, None)
    owner_seg = body[:slash]
    after = body[slash + 1 :]
    colon = after.find(":")
    repo_seg = after if colon == -1 else after[:colon]
    rest = None if colon == -1 else after[colon + 1 :]
    owner, owner_id = _split_id(owner_seg)
    repo, repo_id = _split_id(repo_seg)
    return _Sub(owner, owner_id, repo, repo_id, rest, owner_seg, repo_seg)


_REPOSITORY_CLAIM = re.compile(r"(?:^|:)(?:repository:[^:*?/]+/[^:*?]+|repository_id:\d+)(?::|$)")


def _names_a_repository(value: str) -> bool:
    """True when the `sub` value pins one repository by itself. `repo:` forms, and patterns
    that may match them, are judged by the wildcard rules; a custom template by its claims."""
    if value.startswith("repo:") or _wild(value[: len("repo:")]):
        return True
    return bool(_REPOSITORY_CLAIM.search(value))


def _compare(op: Operator, request: str, policy: str) -> bool:
    if op.like:
        return glob_match(policy, request)
    if op.ignore_case:
        return request.casefold() == policy.casefold()
    return request == policy


def _short(key: str) -> str:
    return key[len(KEY_PREFIX) :] if key.startswith(KEY_PREFIX) else key


# --------------------------------------------------------------------------------------------
# Linting


@dataclass
class _Linter:
    account_id: str | None
    canonical_repo: str | None
    immutable_subject: bool
    owner_id: str | None
    repo_id: str | None
    findings: list[Finding]

    def add(self, code: str, level: Level, message: str, fix: str, index: int) -> None:
        finding = Finding(code, level, message, fix, index)
        if finding not in self.findings:
            self.findings.append(finding)

    def example_sub(self, hint: _Sub | None = None, rest: str = "ref:refs/heads/main") -> str:
        """A sub value to show in a fix: the canonical repo, else what `hint` names."""
        owner, name = "OWNER", "REPO"
        owner_id = self.owner_id or "OWNER_ID"
        repo_id = self.repo_id or "REPO_ID"
        if self.canonical_repo:
            owner, _, name = self.canonical_repo.partition("/")
        if hint is not None and hint.owner and not _wild(hint.owner):
            hint_repo = hint.repo if hint.repo and not _wild(hint.repo) else None
            if not self.canonical_repo:
                owner, name = hint.owner, hint_repo or name
            same = f"{hint.owner}/{hint_repo}".casefold() == f"{owner}/{name}".casefold()
            if same and self.owner_id is None and hint.owner_id and not _wild(hint.owner_id):
                owner_id = hint.owner_id
            if same and self.repo_id is None and hint.repo_id and not _wild(hint.repo_id):
                repo_id = hint.repo_id
        if self.immutable_subject:
            return f"repo:{owner}@{owner_id}/{name}@{repo_id}:{rest}"
        return f"repo:{owner}/{name}:{rest}"

    # -- one statement ------------------------------------------------------------------------

    def statement(self, index: int, stmt: Mapping[str, Any]) -> None:
        arns = _github_arns(stmt)
        conds = _conditions(stmt)
        self.provider(index, arns)
        for cond in conds:
            if cond.key in (SUB_KEY, AUD_KEY):
                self.set_and_exists(index, cond)
        self.sub(index, [c for c in conds if c.key == SUB_KEY])
        self.sub_names_a_repository(index, conds)
        cn = any(a.split(":")[1:2] == ["aws-cn"] for a in arns)
        self.aud(index, [c for c in conds if c.key == AUD_KEY], cn)
        self.repository_id(index, conds)

    def provider(self, index: int, arns: list[str]) -> None:
        if self.account_id is None:
            return
        for arn in arns:
            parts = arn.split(":")
            account = parts[4] if len(parts) >= 6 else ""
            if account == self.account_id:
                continue
            partition = parts[1] if len(parts) >= 2 and parts[1] else "aws"
            good = f"arn:{partition}:iam::{self.account_id}:{PROVIDER_SUFFIX}"
            seen = f"account {account!r}" if account else "no account"
            if account and not (account.isdigit() and len(account) == 12):
                seen += " (a placeholder?)"
            self.add(
                "other-account-provider",
                Level.HIGH,
                f"the trusted provider {arn} has {seen}, not this account {self.account_id}",
                f"trust {good} instead (create GitHub's OIDC provider in this account if needed)",
                index,
            )

    def set_and_exists(self, index: int, cond: _Cond) -> None:
        op = cond.op
        if op is None:
            return
        name = _short(cond.key)
        plain = op.base
        if op.set_op == "ForAllValues":
            self.add(
                "forallvalues",
                Level.HIGH,
                f"{cond.op_raw} on {name} is true when the token has no {name} claim, "
                "so the check can be skipped entirely",
                f'use the plain operator: "{plain}": {{"{cond.key}": ...}} (ForAllValues: '
                "is meant for multi-valued keys)",
                index,
            )
        if op.if_exists:
            self.add(
                "ifexists",
                Level.HIGH,
                f"{cond.op_raw} on {name} is true when the token has no {name} claim, "
                "so the check can be skipped entirely",
                f'drop IfExists: "{plain}": {{"{cond.key}": ...}}',
                index,
            )

    def sub(self, index: int, conds: list[_Cond]) -> None:
        positive = [c for c in conds if c.positive]
        if not positive:
            negated = [c for c in conds if c.op is not None and c.op.negated]
            if negated:
                seen = "; ".join(f"{c.op_raw} {list(c.values)}" for c in negated)
                self.add(
                    "negated-sub",
                    Level.HIGH,
                    f"sub is only checked by {seen}: every other repository on GitHub matches",
                    f'allow what you mean instead: "StringEquals": {{"{SUB_KEY}": '
                    f'"{self.example_sub()}"}}',
                    index,
                )
                return
            self.add(
                "no-sub",
                Level.HIGH,
                "no token.actions.githubusercontent.com:sub condition: any repository on GitHub "
                "can assume this role (IAM now refuses new policies like this for GitHub's "
                "shared provider, but existing roles were not re-checked)",
                f'add "StringEquals": {{"{SUB_KEY}": "{self.example_sub()}"}}',
                index,
            )
            return
        for cond in positive:
            self.sub_condition(index, cond)
        self.sub_conflict(index, positive)

    def sub_condition(self, index: int, cond: _Cond) -> None:
        op = cond.op
        assert op is not None
        if op.like and cond.values and not any(_wild(v) for v in cond.values):
            shown = ", ".join(repr(v) for v in cond.values)
            as_json = json.dumps(cond.values[0] if len(cond.values) == 1 else list(cond.values))
            self.add(
                "stringlike-exact",
                Level.LOW,
                f"sub {shown} is under {cond.op_raw} but has no wildcard",
                f'use "StringEquals": {{"{SUB_KEY}": {as_json}}} (exact, no surprises)',
                index,
            )
        for value in cond.values:
            self.sub_value(index, op, cond.op_raw, value)

    def sub_value(self, index: int, op: Operator, op_raw: str, value: str) -> None:
        parsed = _parse_sub(value)
        seen = f"sub {value!r} ({op_raw})"
        if not op.like:
            if _wild(value) and not op.negated:
                self.add(
                    "stringequals-wildcard",
                    Level.MEDIUM,
                    f"{seen} compares '*' and '?' literally, so no token ever matches it",
                    f'list the exact values under StringEquals, e.g. "{self.example_sub(parsed)}"'
                    " (or, if a pattern is really meant, move it under StringLike)",
                    index,
                )
        elif self.sub_wildcards(index, seen, value, parsed):
            return
        if parsed is None:
            return
        self.sub_repo(index, op, seen, parsed)
        if self.immutable_subject and parsed.repo_seg is not None:
            owner_named = "@" not in parsed.owner_seg and not _wild(parsed.owner_seg)
            repo_named = "@" not in parsed.repo_seg and not _wild(parsed.repo_seg)
            if owner_named or repo_named:
                owner = parsed.owner_seg.partition("@")[0]
                repo = parsed.repo_seg.partition("@")[0]
                owner_id = self.owner_id or "OWNER_ID"
                repo_id = self.repo_id or "REPO_ID"
                rest = f":{parsed.rest}" if parsed.rest is not None else ""
                good = f"repo:{owner}@{owner_id}/{repo}@{repo_id}{rest}"
                self.add(
                    "name-based-sub",
                    Level.HIGH,
                    f"{seen} uses names, but this repository emits immutable subjects "
                    "(repo:OWNER@ID/REPO@ID:...), so the token never matches",
                    f'use "{good}"',
                    index,
                )

    def sub_wildcards(self, index: int, seen: str, value: str, parsed: _Sub | None) -> bool:
        """Wildcard findings of one StringLike sub value; True when the owner is a wildcard."""
        fix_exact = f'use "StringEquals": {{"{SUB_KEY}": "{self.example_sub(parsed)}"}}'
        if parsed is None or parsed.repo is None:
            if parsed is None:
                first = min((i for i in (value.find("*"), value.find("?")) if i != -1), default=-1)
                owner_wild = first != -1 and "repo:".startswith(value[:first])
            else:
                owner_wild = _wild(parsed.owner_seg)
            if owner_wild:
                self.add(
                    "wildcard-owner",
                    Level.HIGH,
                    f"{seen} puts a wildcard in the owner part: repositories of any owner match",
                    fix_exact,
                    index,
                )
            return owner_wild
        if _wild(parsed.owner):
            self.add(
                "wildcard-owner",
                Level.HIGH,
                f"{seen} puts a wildcard in the owner part: repositories of any owner match",
                fix_exact,
                index,
            )
            return True
        id_wild = _wild(parsed.owner_id) or _wild(parsed.repo_id)
        if id_wild:
            self.add(
                "wildcard-id",
                Level.HIGH,
                f"{seen} puts a wildcard in an @ID part: a deleted owner or repository "
                "re-created under the same name would match",
                f'write the exact ids: "{self.example_sub(parsed)}"',
                index,
            )
        if _wild(parsed.repo):
            self.add(
                "wildcard-repo",
                Level.HIGH,
                f"{seen} puts a wildcard in the repository part: other repositories of "
                f"{parsed.owner!r} match",
                fix_exact,
                index,
            )
        elif not id_wild and parsed.rest and set(parsed.rest) == {"*"}:
            main = self.example_sub(parsed)
            prod = self.example_sub(parsed, "environment:prod")
            self.add(
                "any-ref",
                Level.MEDIUM,
                f"{seen} admits every branch, tag, environment and pull_request of the "
                "repository, including workflows run from pull requests",
                f'list what deploys: "StringEquals": {{"{SUB_KEY}": ["{main}", "{prod}"]}}'
                " (patterns like ref:refs/heads/release/* go under StringLike)",
                index,
            )
        return False

    def sub_repo(self, index: int, op: Operator, seen: str, parsed: _Sub) -> None:
        canonical = self.canonical_repo
        if canonical is None or parsed.repo is None or _wild(parsed.owner):
            return
        pattern = f"{parsed.owner}/{parsed.repo}"
        if op.like:
            exact = glob_match(pattern, canonical)
            folded = glob_match(pattern, canonical, ignore_case=True)
        elif op.ignore_case:
            exact = folded = pattern.casefold() == canonical.casefold()
        else:
            exact, folded = pattern == canonical, pattern.casefold() == canonical.casefold()
        rest = parsed.rest if parsed.rest is not None else "ref:refs/heads/main"
        if not exact and folded:
            self.add(
                "owner-case",
                Level.MEDIUM,
                f"{seen} names {pattern!r}, but the repository is {canonical!r}: sub is compared "
                "case-sensitively, so the token never matches",
                f'use the canonical name: "{self.example_sub(parsed, rest)}"',
                index,
            )
        elif not exact:
            self.add(
                "other-repo",
                Level.MEDIUM,
                f"{seen} names {pattern!r}, not the repository {canonical!r}",
                f'use "{self.example_sub(parsed, rest)}" (or drop the value if that repository '
                "should not assume this role)",
                index,
            )
            return
        for label, got, want in (
            ("owner id", parsed.owner_id, self.owner_id),
            ("repository id", parsed.repo_id, self.repo_id),
        ):
            if got is None or want is None or _wild(got):
                continue
            if not _compare(op, want, got):
                self.add(
                    "other-repo",
                    Level.MEDIUM,
                    f"{seen} names {label} {got!r}, but {canonical!r} has {label} {want!r}",
                    f'use "{self.example_sub(parsed, rest)}"',
                    index,
                )

    def sub_conflict(self, index: int, positive: list[_Cond]) -> None:
        """Several positive sub conditions are ANDed: some value must satisfy all of them."""
        if len(positive) < 2:
            return
        candidates = [v for c in positive if c.op is not None and not c.op.like for v in c.values]
        if not candidates:
            return

        def accepts(cond: _Cond, value: str) -> bool:
            return cond.op is not None and any(_compare(cond.op, value, p) for p in cond.values)

        if any(all(accepts(c, v) for c in positive) for v in candidates):
            return
        ops = " and ".join(c.op_raw for c in positive)
        self.add(
            "sub-conflict",
            Level.MEDIUM,
            f"sub is checked by {ops}, which IAM ANDs together, and no listed value satisfies "
            "them all, so no token matches",
            "put every accepted sub value in one list under one operator (StringLike if any "
            "is a pattern)",
            index,
        )

    def aud(self, index: int, conds: list[_Cond], cn: bool) -> None:
        positive = [c for c in conds if c.positive]
        accepted = [DEFAULT_AUDIENCE, CN_AUDIENCE] if cn else [DEFAULT_AUDIENCE]
        expected = CN_AUDIENCE if cn else DEFAULT_AUDIENCE
        good = f'"StringEquals": {{"{AUD_KEY}": "{expected}"}}'
        if not positive:
            extra = ""
            if conds:
                extra = " (only " + ", ".join(c.op_raw for c in conds) + ")"
            self.add(
                "no-aud",
                Level.MEDIUM,
                f"no positive token.actions.githubusercontent.com:aud condition{extra}: the "
                "audience is checked only by the provider's client-ID list",
                f"add {good}",
                index,
            )
            return
        for cond in positive:
            op = cond.op
            assert op is not None
            if op.like:
                self.add(
                    "aud-loose",
                    Level.MEDIUM,
                    f"aud {list(cond.values)} is under {cond.op_raw}; a pattern is never needed",
                    f"use {good}",
                    index,
                )
            for value in cond.values:
                if not any(_compare(op, a, value) for a in accepted):
                    self.add(
                        "aud-wrong",
                        Level.HIGH,
                        f"aud {value!r} ({cond.op_raw}) is not {expected!r}, the audience "
                        "configure-aws-credentials requests, so the token never matches "
                        "this value",
                        f"use {good}",
                        index,
                    )

    def sub_names_a_repository(self, index: int, conds: list[_Cond]) -> None:
        """A custom subject template can leave the repository out of `sub` altogether
        (`repository_owner:*:...`, `ref:...`): then any repository matches, unless a
        repository_id condition pins it."""
        values = [v for c in conds if c.key == SUB_KEY and c.positive for v in c.values]
        pinned = any(
            c.key == REPOSITORY_ID_KEY and c.positive and c.op is not None and not c.op.like
            for c in conds
        )
        loose = [v for v in values if not _names_a_repository(v)]
        if not loose or pinned:
            return
        self.add(
            "sub-no-repo",
            Level.HIGH,
            f"sub {loose[0]!r} names no repository (a custom subject template?): a workflow in "
            "any repository on GitHub whose token carries those claims can assume this role",
            f'add "StringEquals": {{"{REPOSITORY_ID_KEY}": "{self.repo_id or "REPO_ID"}"}}, or '
            "include repo in the repository's subject template",
            index,
        )

    def repository_id(self, index: int, conds: list[_Cond]) -> None:
        sub_values = [v for c in conds if c.key == SUB_KEY and c.positive for v in c.values]
        if not sub_values or self.immutable_subject:
            return  # an immutable sub (the fix name-based-sub proposes) already pins the ids
        named = [
            p
            for p in (_parse_sub(v) for v in sub_values)
            if p is not None and p.repo_seg is not None and not _wild(p.owner_seg + p.repo_seg)
        ]
        if not named:
            return  # no repository is named (wildcards, custom template): other findings say so
        if all(p.owner_id and p.repo_id for p in named):
            return  # the immutable sub already pins the ids
        repo_conds = [c for c in conds if c.key == REPOSITORY_ID_KEY and c.positive]
        want = self.repo_id or "REPO_ID"
        if not repo_conds:
            self.add(
                "no-repository-id",
                Level.LOW,
                "sub names the repository but there is no "
                "token.actions.githubusercontent.com:repository_id condition beside it: a "
                "repository deleted and re-created under the same name would match",
                f'add "StringEquals": {{"{REPOSITORY_ID_KEY}": "{want}"}}',
                index,
            )
            return
        if self.repo_id is None:
            return
        for cond in repo_conds:
            op = cond.op
            assert op is not None
            if not any(_compare(op, self.repo_id, v) for v in cond.values):
                self.add(
                    "other-repo",
                    Level.MEDIUM,
                    f"repository_id {list(cond.values)} ({cond.op_raw}) does not name this "
                    f"repository's id {self.repo_id!r}",
                    f'use "StringEquals": {{"{REPOSITORY_ID_KEY}": "{self.repo_id}"}}',
                    index,
                )


def _trusts_github(stmt: Mapping[str, Any]) -> bool:
    return (
        stmt.get("Effect") == "Allow"
        and bool(_github_arns(stmt))
        and action_matches(stmt, ASSUME_ACTION)[0]
    )


def lint_trust_policy(
    policy: Mapping[str, Any],
    *,
    account_id: str | None = None,
    canonical_repo: str | None = None,
    immutable_subject: bool = False,
    owner_id: str | None = None,
    repo_id: str | None = None,
) -> list[Finding]:
    """Findings for every statement that lets GitHub's provider assume the role, high first.

    `canonical_repo` is the repository's `full_name` as GitHub returns it; `immutable_subject`
    says the repository emits ``repo:OWNER@OWNER_ID/REPO@REPO_ID:...`` subjects.
    """
    linter = _Linter(account_id, canonical_repo, immutable_subject, owner_id, repo_id, [])
    for index, stmt in enumerate(_statements(policy)):
        if isinstance(stmt, Mapping) and _trusts_github(stmt):
            linter.statement(index, stmt)
    return sorted(linter.findings, key=lambda f: _RANK[f.level])
