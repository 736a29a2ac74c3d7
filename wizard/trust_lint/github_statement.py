"""The checks of one statement that lets a GitHub issuer's provider assume the role.

Keys are read with the statement's issuer (``NAME:sub``, ``NAME:aud``...), so a GitHub Enterprise
Server or enterprise-issuer statement is judged by its own keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.iam.issuer import CN_AUDIENCE, DEFAULT_AUDIENCE, Issuer
from wizard.iam.operators import Operator, glob_match
from wizard.trust_lint.findings import Finding, Level
from wizard.trust_lint.narrowing import (
    STRANGER_ID,
    STRANGER_OWNER,
    STRANGER_REPO,
    STRANGER_SUB,
    fill,
)
from wizard.trust_lint.subjects import (
    Cond,
    Sub,
    compare,
    conditions,
    names_a_repository,
    parse_sub,
    wild,
)

_REPOSITORY_PART = re.compile(r"(?:^|:)(repo|repository|repository_id):")

# Findings that say strangers get in: each is checked against the whole policy.
OPEN_CODES = frozenset(
    {
        "no-sub",
        "negated-sub",
        "wildcard-owner",
        "wildcard-repo",
        "wildcard-id",
        "sub-no-repo",
        "sub-variable",
    }
)

# A policy variable (``${KEY}``, ``${KEY, 'default'}``); ``${*}``, ``${?}``, ``${$}`` are the
# literal characters (IAM User Guide, "IAM policy elements: Variables and tags").
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPED = frozenset({"*", "?", "$"})
# What a stranger's own token holds for a claim a variable names (the probe's values).
_STRANGER_VALUES = {
    "sub": STRANGER_SUB,
    "repository": STRANGER_REPO,
    "repository_id": STRANGER_ID,
    "actor": STRANGER_OWNER,
    "actor_id": STRANGER_ID,
}


@dataclass
class StatementLinter:
    issuer: Issuer
    account_id: str | None
    canonical_repo: str | None
    immutable_subject: bool
    owner_id: str | None
    repo_id: str | None
    findings: list[Finding]
    # The sub value being judged: a finding that calls it open is checked with a stranger's
    # token shaped from it (see `wizard.trust_lint.narrowing`).
    value: str = ""
    # Whether ``${...}`` is a policy variable (Version 2012-10-17) rather than literal text.
    variables: bool = True

    @property
    def sub_key(self) -> str:
        return self.issuer.key("sub")

    @property
    def aud_key(self) -> str:
        return self.issuer.key("aud")

    @property
    def repository_id_key(self) -> str:
        return self.issuer.key("repository_id")

    def short(self, key: str) -> str:
        prefix = self.issuer.key_prefix
        return key[len(prefix) :] if key.startswith(prefix) else key

    def add(self, code: str, level: Level, message: str, fix: str, index: int) -> None:
        probe = None
        if code in OPEN_CODES:
            probe = STRANGER_SUB if code in ("no-sub", "negated-sub") else fill(self.value)
        finding = Finding(code, level, message, fix, index, probe=probe)
        if finding not in self.findings:
            self.findings.append(finding)

    def example_sub(self, hint: Sub | None = None, rest: str = "ref:refs/heads/main") -> str:
        """A sub value to show in a fix: the canonical repo, else what `hint` names."""
        owner, name = "OWNER", "REPO"
        owner_id = self.owner_id or "OWNER_ID"
        repo_id = self.repo_id or "REPO_ID"
        if self.canonical_repo:
            owner, _, name = self.canonical_repo.partition("/")
        if hint is not None and hint.owner and not wild(hint.owner):
            hint_repo = hint.repo if hint.repo and not wild(hint.repo) else None
            if not self.canonical_repo:
                owner, name = hint.owner, hint_repo or name
            same = f"{hint.owner}/{hint_repo}".casefold() == f"{owner}/{name}".casefold()
            if same and self.owner_id is None and hint.owner_id and not wild(hint.owner_id):
                owner_id = hint.owner_id
            if same and self.repo_id is None and hint.repo_id and not wild(hint.repo_id):
                repo_id = hint.repo_id
        if self.immutable_subject:
            return f"repo:{owner}@{owner_id}/{name}@{repo_id}:{rest}"
        return f"repo:{owner}/{name}:{rest}"

    # -- one statement ------------------------------------------------------------------------

    def statement(self, index: int, stmt: Mapping[str, Any], arns: list[str]) -> None:
        conds = conditions(stmt)
        self.provider(index, arns)
        for cond in conds:
            if cond.key in (self.sub_key, self.aud_key):
                self.set_and_exists(index, cond)
        self.sub(index, [c for c in conds if c.key == self.sub_key])
        self.subnames_a_repository(index, conds)
        cn = any(a.split(":")[1:2] == ["aws-cn"] for a in arns)
        self.aud(index, [c for c in conds if c.key == self.aud_key], cn)
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
            good = self.issuer.provider_arn(partition, self.account_id)
            seen = f"account {account!r}" if account else "no account"
            if account and not (account.isdigit() and len(account) == 12):
                seen += " (a placeholder?)"
            self.add(
                "other-account-provider",
                Level.HIGH,
                f"the trusted provider {arn} has {seen}, not this account {self.account_id}",
                f"trust {good} instead (create the OIDC provider for {self.issuer.url} in this "
                "account if needed)",
                index,
            )

    def set_and_exists(self, index: int, cond: Cond) -> None:
        op = cond.op
        if op is None:
            return
        name = self.short(cond.key)
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

    def sub(self, index: int, conds: list[Cond]) -> None:
        positive = [c for c in conds if c.positive]
        if not positive:
            negated = [c for c in conds if c.op is not None and c.op.negated]
            if negated:
                seen = "; ".join(f"{c.op_raw} {list(c.values)}" for c in negated)
                self.add(
                    "negated-sub",
                    Level.HIGH,
                    f"sub is only checked by {seen}: every other repository on GitHub matches",
                    f'allow what you mean instead: "StringEquals": {{"{self.sub_key}": '
                    f'"{self.example_sub()}"}}',
                    index,
                )
                return
            shared = self.issuer.kind == "github.com"
            why = (
                "IAM now refuses new policies like this for GitHub's shared provider, but "
                "existing roles were not re-checked"
                if shared
                else f"IAM accepts it: {self.issuer.words}'s provider is not one it checks for "
                "a sub condition"
            )
            self.add(
                "no-sub",
                Level.HIGH,
                f"no {self.sub_key} condition: any repository "
                f"{'on GitHub' if shared else 'that gets a token from ' + self.issuer.url} can "
                f"assume this role ({why})",
                f'add "StringEquals": {{"{self.sub_key}": "{self.example_sub()}"}}',
                index,
            )
            return
        for cond in positive:
            self.sub_condition(index, cond)
        self.sub_conflict(index, positive)

    def sub_condition(self, index: int, cond: Cond) -> None:
        op = cond.op
        assert op is not None
        if op.like and cond.values and not any(wild(v) for v in cond.values):
            shown = ", ".join(repr(v) for v in cond.values)
            as_json = json.dumps(cond.values[0] if len(cond.values) == 1 else list(cond.values))
            self.add(
                "stringlike-exact",
                Level.LOW,
                f"sub {shown} is under {cond.op_raw} but has no wildcard",
                f'use "StringEquals": {{"{self.sub_key}": {as_json}}} (exact, no surprises)',
                index,
            )
        if op.ignore_case:
            as_json = json.dumps(cond.values[0] if len(cond.values) == 1 else list(cond.values))
            self.add(
                "sub-ignorecase",
                Level.MEDIUM,
                f"sub is checked by {cond.op_raw}: git refs are case-sensitive, so a branch or "
                "tag named 'MAIN' (another ref than 'main') matches as if it were 'main'",
                f'use "StringEquals": {{"{self.sub_key}": {as_json}}} with the exact case',
                index,
            )
        for value in cond.values:
            self.sub_value(index, op, cond.op_raw, value)
            if op.like:
                self.wildcard_before_repository(index, cond.op_raw, value)

    def wildcard_before_repository(self, index: int, op_raw: str, value: str) -> None:
        """In a custom template, a wildcard ahead of the repository claim can swallow it."""
        found = _REPOSITORY_PART.search(value)
        if found is None or found.start() == 0 or not wild(value[: found.start()]):
            return
        self.add(
            "wildcard-before-repo",
            Level.MEDIUM,
            f"sub {value!r} ({op_raw}) has a wildcard before its repository claim "
            f"({found.group(1)}:...): text a workflow controls (an environment, a workflow "
            "name) can hold the repository claim, and the wildcard then admits another "
            "repository's token",
            "write every claim before the repository exactly, or put repo first in the "
            "subject template",
            index,
        )

    def sub_variable(self, index: int, op: Operator, op_raw: str, value: str) -> bool:
        """A variable of the caller's own claims where the repository goes matches any caller.

        ``repo:${ISSUER:repository}:*`` reads the repository from the very token it checks, so
        every repository's token passes. True when such a finding was made.
        """
        if not self.variables or op.negated or "${" not in value:
            return False
        names: list[str] = []

        def hole(found: re.Match[str]) -> str:
            inner = found.group(1).strip()
            if inner in _ESCAPED:
                return inner
            names.append(inner.partition(",")[0].strip())
            return "*"

        widened = _VARIABLE.sub(hole, value)
        own = [n for n in names if n.lower().startswith(self.issuer.key_prefix)]
        if not own:
            return False
        parsed = parse_sub(widened)
        if parsed is not None and not wild(parsed.owner) and not wild(parsed.repo):
            return False

        def stranger(found: re.Match[str]) -> str:
            inner = found.group(1).strip()
            if inner in _ESCAPED:
                return inner
            claim = inner.partition(",")[0].strip().lower().removeprefix(self.issuer.key_prefix)
            return _STRANGER_VALUES.get(claim, STRANGER_OWNER)

        self.value = _VARIABLE.sub(stranger, value)
        shown = ", ".join("${" + n + "}" for n in own)
        self.add(
            "sub-variable",
            Level.HIGH,
            f"sub {value!r} ({op_raw}) takes its repository from {shown}, a claim of the very "
            "token being checked: every repository's token matches itself",
            f'write the repository out: "StringEquals": {{"{self.sub_key}": '
            f'"{self.example_sub()}"}}',
            index,
        )
        return True

    def sub_value(self, index: int, op: Operator, op_raw: str, value: str) -> None:
        self.value = value
        if self.sub_variable(index, op, op_raw, value):
            return
        parsed = parse_sub(value)
        seen = f"sub {value!r} ({op_raw})"
        if not op.like:
            if wild(value) and not op.negated:
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
            owner_named = "@" not in parsed.owner_seg and not wild(parsed.owner_seg)
            repo_named = "@" not in parsed.repo_seg and not wild(parsed.repo_seg)
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

    def sub_wildcards(self, index: int, seen: str, value: str, parsed: Sub | None) -> bool:
        """Wildcard findings of one StringLike sub value; True when the owner is a wildcard."""
        fix_exact = f'use "StringEquals": {{"{self.sub_key}": "{self.example_sub(parsed)}"}}'
        if parsed is None or parsed.repo is None:
            if parsed is None:
                first = min((i for i in (value.find("*"), value.find("?")) if i != -1), default=-1)
                owner_wild = first != -1 and "repo:".startswith(value[:first])
            else:
                owner_wild = wild(parsed.owner_seg)
            if owner_wild:
                self.add(
                    "wildcard-owner",
                    Level.HIGH,
                    f"{seen} puts a wildcard in the owner part: repositories of any owner match",
                    fix_exact,
                    index,
                )
            return owner_wild
        if wild(parsed.owner):
            self.add(
                "wildcard-owner",
                Level.HIGH,
                f"{seen} puts a wildcard in the owner part: repositories of any owner match",
                fix_exact,
                index,
            )
            return True
        id_wild = wild(parsed.owner_id) or wild(parsed.repo_id)
        if id_wild:
            self.add(
                "wildcard-id",
                Level.HIGH,
                f"{seen} puts a wildcard in an @ID part: a deleted owner or repository "
                "re-created under the same name would match",
                f'write the exact ids: "{self.example_sub(parsed)}"',
                index,
            )
        if wild(parsed.repo):
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
                f'list what deploys: "StringEquals": {{"{self.sub_key}": ["{main}", "{prod}"]}}'
                " (patterns like ref:refs/heads/release/* go under StringLike)",
                index,
            )
        return False

    def sub_repo(self, index: int, op: Operator, seen: str, parsed: Sub) -> None:
        canonical = self.canonical_repo
        if canonical is None or parsed.repo is None or wild(parsed.owner):
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
            if got is None or want is None or wild(got):
                continue
            if not compare(op, want, got):
                self.add(
                    "other-repo",
                    Level.MEDIUM,
                    f"{seen} names {label} {got!r}, but {canonical!r} has {label} {want!r}",
                    f'use "{self.example_sub(parsed, rest)}"',
                    index,
                )

    def sub_conflict(self, index: int, positive: list[Cond]) -> None:
        """Several positive sub conditions are ANDed: some value must satisfy all of them."""
        if len(positive) < 2:
            return
        candidates = [v for c in positive if c.op is not None and not c.op.like for v in c.values]
        if not candidates:
            return

        def accepts(cond: Cond, value: str) -> bool:
            return cond.op is not None and any(compare(cond.op, value, p) for p in cond.values)

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

    def aud(self, index: int, conds: list[Cond], cn: bool) -> None:
        positive = [c for c in conds if c.positive]
        accepted = [DEFAULT_AUDIENCE, CN_AUDIENCE] if cn else [DEFAULT_AUDIENCE]
        expected = CN_AUDIENCE if cn else DEFAULT_AUDIENCE
        good = f'"StringEquals": {{"{self.aud_key}": "{expected}"}}'
        if not positive:
            extra = ""
            if conds:
                extra = " (only " + ", ".join(c.op_raw for c in conds) + ")"
            self.add(
                "no-aud",
                Level.MEDIUM,
                f"no positive {self.aud_key} condition{extra}: the "
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
                if not any(compare(op, a, value) for a in accepted):
                    self.add(
                        "aud-wrong",
                        Level.HIGH,
                        f"aud {value!r} ({cond.op_raw}) is not {expected!r}, the audience "
                        "configure-aws-credentials requests, so the token never matches "
                        "this value",
                        f"use {good}",
                        index,
                    )

    def subnames_a_repository(self, index: int, conds: list[Cond]) -> None:
        """A custom subject template can leave the repository out of `sub` altogether
        (`repository_owner:*:...`, `ref:...`): then any repository matches, unless a
        repository_id condition pins it."""
        values = [v for c in conds if c.key == self.sub_key and c.positive for v in c.values]
        pinned = any(
            c.key == self.repository_id_key and c.positive and c.op is not None and not c.op.like
            for c in conds
        )
        loose = [v for v in values if not names_a_repository(v)]
        if not loose or pinned:
            return
        self.value = loose[0]
        self.add(
            "sub-no-repo",
            Level.HIGH,
            f"sub {loose[0]!r} names no repository (a custom subject template?): a workflow in "
            "any repository on GitHub whose token carries those claims can assume this role",
            f'add "StringEquals": {{"{self.repository_id_key}": '
            f'"{self.repo_id or "REPO_ID"}"}}, or include repo in the repository\'s subject '
            "template",
            index,
        )

    def repository_id(self, index: int, conds: list[Cond]) -> None:
        sub_values = [v for c in conds if c.key == self.sub_key and c.positive for v in c.values]
        if not sub_values or self.immutable_subject:
            return  # an immutable sub (the fix name-based-sub proposes) already pins the ids
        named = [
            p
            for p in (parse_sub(v) for v in sub_values)
            if p is not None and p.repo_seg is not None and not wild(p.owner_seg + p.repo_seg)
        ]
        if not named:
            return  # no repository is named (wildcards, custom template): other findings say so
        if all(p.owner_id and p.repo_id for p in named):
            return  # the immutable sub already pins the ids
        repo_conds = [c for c in conds if c.key == self.repository_id_key and c.positive]
        want = self.repo_id or "REPO_ID"
        if not repo_conds:
            self.add(
                "no-repository-id",
                Level.LOW,
                "sub names the repository but there is no "
                f"{self.repository_id_key} condition beside it: a "
                "repository deleted and re-created under the same name would match",
                f'add "StringEquals": {{"{self.repository_id_key}": "{want}"}}',
                index,
            )
            return
        if self.repo_id is None:
            return
        for cond in repo_conds:
            op = cond.op
            assert op is not None
            if not any(compare(op, self.repo_id, v) for v in cond.values):
                self.add(
                    "other-repo",
                    Level.MEDIUM,
                    f"repository_id {list(cond.values)} ({cond.op_raw}) does not name this "
                    f"repository's id {self.repo_id!r}",
                    f'use "StringEquals": {{"{self.repository_id_key}": "{self.repo_id}"}}',
                    index,
                )
