"""Lint an IAM role trust policy: who can assume the role, and is that what was meant?

Every statement is read. A statement that lets any caller in (``"*"``, ``{"AWS": "*"}``, a
wildcard Federated principal), or uses NotPrincipal with Allow, is a finding whatever its
provider. A statement that lets a GitHub issuer's provider (github.com, Enterprise Server, an
enterprise's unique issuer, GHE.com; see `wizard.iam.issuer`) call
`sts:AssumeRoleWithWebIdentity` is judged with that issuer's keys. Findings that say strangers
get in are checked against the whole policy (`narrowing`): an Allow that a Deny or another
condition narrows is not reported as wider than it is. Each `Finding` carries a stable `code`:

=========================  ======  ==========================================================
code                       level   meaning
=========================  ======  ==========================================================
wildcard-principal         high    `"*"`, `{"AWS": "*"}` or a wildcard Federated principal
notprincipal-allow         high    NotPrincipal with Allow (invalid in a trust policy)
no-sub                     high    no `sub` condition: any repository of the issuer can assume
wildcard-owner             high    wildcard in the owner part of `sub` (or `*`, `repo:*`)
wildcard-repo              high    wildcard in the repository part (`repo:org/*`)
wildcard-id                high    wildcard in an `@ID` part of an immutable `sub`
sub-no-repo                high    a custom-template sub that names no repository, unpinned
sub-variable               high    a policy variable of the token's own claims in the owner or
                                   repository part of `sub`: every caller matches itself
forallvalues               high    `ForAllValues:` on sub/aud: true when the key is absent
ifexists                   high    `...IfExists` on sub/aud: true when the key is absent
negated-sub                high    only StringNotEquals/StringNotLike checks on sub
aud-wrong                  high    aud is not `sts.amazonaws.com` (`.cn` accepted in aws-cn)
other-account-provider     high    the provider is in another account than `account_id`
name-based-sub             high    repo emits immutable subjects but `sub` uses names
wrong-issuer-key           high    another host's key under a negated/IfExists operator: the
                           medium  key is absent, so the check never applies (high) or nobody
                                   matches (medium)
any-ref                    medium  `repo:o/r:*`: every branch, tag, environment and PR
no-aud                     medium  no aud condition
aud-loose                  medium  aud under StringLike
sub-ignorecase             medium  `...IgnoreCase` on sub: git refs are case-sensitive
wildcard-before-repo       medium  a wildcard before the repository claim of a template sub
owner-case                 medium  OWNER/REPO differs from the canonical name only in case
other-repo                 medium  sub (or repository_id) names another repository
stringequals-wildcard      medium  `*`/`?` under StringEquals: compared literally, never matches
sub-conflict               medium  several sub operators are ANDed and no value satisfies all
no-repository-id           low     no `repository_id` condition beside a sub naming a repo
                                   (not raised when the repository emits immutable subjects)
stringlike-exact           low     StringLike without any wildcard: use StringEquals
=========================  ======  ==========================================================

Modules: `findings` (the Finding), `subjects` (reading conditions and sub values),
`principals` (wildcards, NotPrincipal, other hosts' keys), `github_statement` (one GitHub
statement's checks), `narrowing` (the stranger's-token check). Pure: no I/O, never raises on a
malformed (but JSON-shaped) document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.iam.document import ASSUME_ACTION, action_matches, document_problems, statements
from wizard.iam.issuer import GITHUB_COM_NAME
from wizard.iam.principals import github_providers, wildcard_principal
from wizard.trust_lint.findings import _RANK, Finding, Level, worst
from wizard.trust_lint.github_statement import StatementLinter
from wizard.trust_lint.narrowing import stranger_admitted
from wizard.trust_lint.principals import principal_findings, wrong_host_findings

__all__ = ["PROVIDER_SUFFIX", "Finding", "Level", "lint_trust_policy", "lintable", "worst"]

PROVIDER_SUFFIX = f"oidc-provider/{GITHUB_COM_NAME}"


def _assumes_with_web_identity(stmt: Mapping[str, Any]) -> bool:
    return stmt.get("Effect") == "Allow" and action_matches(stmt, ASSUME_ACTION)[0]


def lintable(policy: object) -> bool:
    """Whether any GitHub issuer's provider (of any account), or a wildcard principal, is named."""
    return any(
        isinstance(stmt, Mapping)
        and (
            bool(github_providers(stmt))
            or (stmt.get("Effect") == "Allow" and wildcard_principal(stmt) is not None)
        )
        for stmt in statements(policy)
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
    """Findings for every statement of the trust policy, high first.

    `canonical_repo` is the repository's `full_name` as GitHub returns it; `immutable_subject`
    says the repository emits ``repo:OWNER@OWNER_ID/REPO@REPO_ID:...`` subjects.
    """
    findings: list[Finding] = []
    # An invalid document cannot be read together (IAM refuses it): each statement is judged
    # on its own then.
    narrowable = not document_problems(policy)
    for index, stmt in enumerate(statements(policy)):
        if not isinstance(stmt, Mapping):
            continue
        findings += principal_findings(index, stmt)
        providers = github_providers(stmt)
        if not providers or not _assumes_with_web_identity(stmt):
            continue
        variables = isinstance(policy, Mapping) and policy.get("Version") == "2012-10-17"
        # A statement may trust several issuers' providers: each one's tokens are judged with
        # its own keys (a condition on one issuer's key does not hold back another's tokens).
        for issuer in dict.fromkeys(found for _, found in providers):
            arns = [a for a, found in providers if found == issuer]
            linter = StatementLinter(
                issuer,
                account_id,
                canonical_repo,
                immutable_subject,
                owner_id,
                repo_id,
                [],
                variables=variables,
            )
            linter.statement(index, stmt, arns)
            findings += wrong_host_findings(index, stmt, issuer)
            for finding in linter.findings:
                if (
                    narrowable
                    and finding.probe is not None
                    and not stranger_admitted(policy, stmt, arns[0], issuer, finding.probe)
                ):
                    continue  # something else in the policy keeps strangers out
                findings.append(finding)
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: _RANK[f.level])
