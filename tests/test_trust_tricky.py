"""A table of tricky trust policies, one row per class of mistake, with the linter's findings and
the simulator's verdict (allowed, denied, cannot tell) for a job of the role's repository and
for a stranger's job. Semantics from the IAM User Guide ("Policy evaluation logic", "Condition
operators", "Principal"); the claims STS exposes from its list of GitHub condition keys.
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.claims import Verdict, evaluate
from wizard.iam.issuer import GITHUB_COM, Issuer
from wizard.trust_lint import lint_trust_policy

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
GHES = Issuer("ghe.example.com/_services/token", "ghes")
ARN = GITHUB_COM.provider_arn("aws", ACCOUNT)
GHES_ARN = GHES.provider_arn("aws", ACCOUNT)
SUB, AUD = GITHUB_COM.key("sub"), GITHUB_COM.key("aud")
MAIN = "repo:o/r:ref:refs/heads/main"
STRANGER = "repo:evil/x:ref:refs/heads/main"
STS = "sts.amazonaws.com"
ASSUME = "sts:AssumeRoleWithWebIdentity"
WIZARD = {
    "Effect": "Allow",
    "Principal": {"Federated": ARN},
    "Action": ASSUME,
    "Condition": {"StringEquals": {AUD: STS, SUB: MAIN, GITHUB_COM.key("repository_id"): "1"}},
}


def pol(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(condition: dict[str, Any] | None = None, principal: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal if principal is not None else {"Federated": ARN},
        "Action": ASSUME,
    }
    if condition is not None:
        out["Condition"] = condition
    return out


def deny(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": {"Federated": ARN},
        "Action": ASSUME,
        "Condition": condition,
    }


A, D, U = Verdict.ALLOWED, Verdict.DENIED, Verdict.CANNOT_TELL

# id, policy, provider ARN, findings that must be there, findings that must not,
# verdict for o/r's main job, verdict for a stranger's job
TABLE: list[tuple[str, dict[str, Any], str, set[str], set[str], Verdict, Verdict]] = [
    (
        "principal-star-beside-wizard",
        pol(WIZARD, allow(principal="*")),
        ARN,
        {"wildcard-principal"},
        set(),
        A,
        A,
    ),
    (
        "aws-star-beside-wizard",
        pol(WIZARD, allow(principal={"AWS": "*"})),
        ARN,
        {"wildcard-principal"},
        set(),
        A,
        A,
    ),
    (
        "wildcard-federated",
        pol(allow({"StringEquals": {AUD: STS}}, {"Federated": "*"})),
        ARN,
        {"wildcard-principal"},
        set(),
        A,
        A,
    ),
    (
        "ghes-provider-no-condition",
        pol(allow(principal={"Federated": GHES_ARN})),
        GHES_ARN,
        {"no-sub"},
        set(),
        A,
        A,
    ),
    (
        "notprincipal-allow",
        pol(WIZARD, {"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": ASSUME}),
        ARN,
        {"notprincipal-allow"},
        set(),
        A,
        D,
    ),
    # a condition the simulator cannot evaluate decides: it says so instead of guessing
    (
        "date-allow-without-sub",
        pol(allow({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})),
        ARN,
        {"no-sub"},
        set(),
        U,
        U,
    ),
    (
        "date-kill-switch-deny",
        pol(WIZARD, deny({"DateGreaterThan": {"aws:CurrentTime": "2026-06-01T00:00:00Z"}})),
        ARN,
        set(),
        {"no-sub"},
        U,
        D,
    ),
    (
        "source-ip-allow",
        pol(
            allow(
                {"StringEquals": {AUD: STS, SUB: MAIN}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
            )
        ),
        ARN,
        set(),
        set(),
        U,
        D,
    ),
    # read together: what another statement or condition narrows is not called open
    (
        "allow-without-sub-narrowed-by-deny",
        pol(allow({"StringEquals": {AUD: STS}}), deny({"StringNotLike": {SUB: "repo:o/r:*"}})),
        ARN,
        set(),
        {"no-sub"},
        A,
        D,
    ),
    (
        "owner-wildcard-narrowed-by-repository-id",
        pol(
            allow(
                {
                    "StringEquals": {AUD: STS, GITHUB_COM.key("repository_id"): "1"},
                    "StringLike": {SUB: "repo:o/*"},
                }
            )
        ),
        ARN,
        set(),
        {"wildcard-repo"},
        A,
        D,
    ),
    # principals that are not the token's provider
    (
        "other-account-provider",
        pol(
            allow(
                {"StringEquals": {AUD: STS, SUB: MAIN}},
                {"Federated": GITHUB_COM.provider_arn("aws", OTHER_ACCOUNT)},
            )
        ),
        ARN,
        {"other-account-provider"},
        set(),
        D,
        D,
    ),
    (
        "other-provider",
        pol(
            allow(
                {"StringEquals": {SUB: MAIN}},
                {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.example.com"},
            )
        ),
        ARN,
        set(),
        set(),
        D,
        D,
    ),
    # keys STS does not expose, or of another host: absent
    (
        "unexposed-claim",
        pol(allow({"StringEquals": {AUD: STS, SUB: MAIN, GITHUB_COM.key("event_name"): "push"}})),
        ARN,
        set(),
        set(),
        D,
        D,
    ),
    (
        "wrong-host-key",
        pol(allow({"StringEquals": {GHES.key("aud"): STS, SUB: MAIN}}, {"Federated": GHES_ARN})),
        GHES_ARN,
        {"wrong-issuer-key"},
        {"no-sub"},  # the absent key lets nobody in: not "anyone can assume"
        D,
        D,
    ),
    (
        "wrong-host-negated",
        pol(
            allow(
                {
                    "StringEquals": {GHES.key("aud"): STS, GHES.key("sub"): MAIN},
                    "StringNotEquals": {SUB: "repo:o/r:pull_request"},
                },
                {"Federated": GHES_ARN},
            )
        ),
        GHES_ARN,
        {"wrong-issuer-key"},
        set(),
        A,
        D,
    ),
    # comparisons
    (
        "ignorecase-on-sub",
        pol(
            allow(
                {
                    "StringEquals": {AUD: STS},
                    "StringEqualsIgnoreCase": {SUB: "REPO:O/R:REF:REFS/HEADS/MAIN"},
                }
            )
        ),
        ARN,
        {"sub-ignorecase"},
        set(),
        A,
        D,
    ),
    (
        "template-wildcard-before-repo",
        pol(
            allow(
                {
                    "StringEquals": {AUD: STS},
                    "StringLike": {SUB: "job_workflow_ref:*:repo:o/r:ref:refs/heads/main"},
                }
            )
        ),
        ARN,
        {"wildcard-before-repo"},
        set(),
        D,
        D,
    ),
]


def _job(sub: str, aud: str = STS, **extra: str) -> dict[str, str]:
    return {"sub": sub, "aud": aud, "repository_id": "1" if sub == MAIN else "2", **extra}


@pytest.mark.parametrize(
    ("policy", "provider", "present", "absent", "own", "stranger"),
    [pytest.param(*row[1:], id=row[0]) for row in TABLE],
)
def test_tricky_policy(
    policy: dict[str, Any],
    provider: str,
    present: set[str],
    absent: set[str],
    own: Verdict,
    stranger: Verdict,
) -> None:
    codes = {f.code for f in lint_trust_policy(policy, account_id=ACCOUNT)}
    assert present <= codes, codes
    assert not absent & codes, codes
    mine = evaluate(policy, _job(MAIN), provider_arn=provider)
    theirs = evaluate(policy, _job(STRANGER), provider_arn=provider)
    assert (mine.verdict, theirs.verdict) == (own, stranger), (mine.reason, theirs.reason)
    for decision in (mine, theirs):
        assert decision.reason.startswith(str(decision.verdict))
        if decision.verdict is Verdict.CANNOT_TELL:
            # the answer names the statement, the operator and the key
            assert decision.undecided
            cond = decision.undecided[0]
            assert cond.operator in decision.reason and cond.key in decision.reason
            assert "statement" in decision.reason


@pytest.mark.parametrize(
    ("policy", "context", "verdict"),
    [
        (TABLE[5][1], [("aws:CurrentTime", "2027-01-01T00:00:00Z")], A),
        (TABLE[5][1], [("aws:CurrentTime", "2031-01-01T00:00:00Z")], D),
        (TABLE[6][1], [("aws:CurrentTime", "2026-01-01T00:00:00Z")], A),
        (TABLE[6][1], [("aws:CurrentTime", "2026-07-01T00:00:00Z")], D),
        (TABLE[7][1], [("aws:SourceIp", "10.1.2.3")], A),
        (TABLE[7][1], [("aws:SourceIp", "192.0.2.1")], D),
    ],
)
def test_a_supplied_value_turns_cannot_tell_into_an_answer(
    policy: dict[str, Any], context: list[tuple[str, str]], verdict: Verdict
) -> None:
    decision = evaluate(policy, _job(MAIN), provider_arn=ARN, context=context)
    assert decision.verdict is verdict, decision.reason


@pytest.mark.parametrize(
    ("value", "sub", "allowed"),
    [
        ("repo:o/r:environment:straße", "repo:O/R:environment:STRASSE", False),
        ("repo:o/r:environment:straße", "repo:O/R:environment:STRAßE", True),
        ("repo:o/r:environment:İ", "repo:o/r:environment:i̇", False),
        ("repo:o/r:ref:refs/heads/a+b", "repo:o/r:ref:refs/heads/aab", False),
    ],
)
def test_ignorecase_compares_without_folding(value: str, sub: str, allowed: bool) -> None:
    op = "StringLike" if "+" in value else "StringEqualsIgnoreCase"
    policy = pol(allow({op: {SUB: value}}))
    assert evaluate(policy, {"sub": sub}, provider_arn=ARN).allowed is allowed


def test_unexposed_claims_are_named_and_never_seen() -> None:
    policy = TABLE[12][1]
    decision = evaluate(policy, _job(MAIN, event_name="push"), provider_arn=ARN)
    assert decision.verdict is D
    assert decision.hidden_claims == ("event_name",)
    assert "STS does not expose" in decision.reason


def test_an_invalid_document_is_reported_invalid() -> None:
    policy = pol(WIZARD, {"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": ASSUME})
    decision = evaluate(policy, _job(STRANGER), provider_arn=ARN)
    assert decision.problems and "NotPrincipal" in decision.problems[0]
    assert "invalid" in decision.reason
    assert decision.to_json()["invalid"] == list(decision.problems)


def test_every_failing_condition_is_named() -> None:
    policy = pol(
        allow(
            {
                "StringEquals": {
                    AUD: STS,
                    SUB: MAIN,
                    GITHUB_COM.key("repository_id"): "1",
                    GITHUB_COM.key("environment"): "prod",
                }
            }
        )
    )
    decision = evaluate(
        policy, {"sub": STRANGER, "aud": "x", "repository_id": "2"}, provider_arn=ARN
    )
    for key in (AUD, SUB, GITHUB_COM.key("repository_id"), GITHUB_COM.key("environment")):
        assert key in decision.reason
    assert "other condition" not in decision.reason


def test_a_claim_every_token_carries_but_not_given_cannot_be_told() -> None:
    policy = pol(
        allow(
            {
                "StringEquals": {AUD: STS, SUB: MAIN},
                "StringLike": {GITHUB_COM.key("job_workflow_ref"): "o/shared/.github/workflows/*"},
            }
        )
    )
    typed = evaluate(policy, {"sub": MAIN}, provider_arn=ARN, partial=True)
    assert typed.verdict is U
    assert "job_workflow_ref=VALUE" in typed.reason
    full = evaluate(
        policy,
        {"sub": MAIN, "job_workflow_ref": "o/shared/.github/workflows/push.yml@refs/heads/main"},
        provider_arn=ARN,
        partial=True,
    )
    assert full.verdict is A


def test_an_allow_pinned_only_by_a_reusable_workflow_stays_open() -> None:
    # A stranger may call a public reusable workflow: job_workflow_ref does not keep them out.
    policy = pol(
        allow(
            {
                "StringEquals": {AUD: STS},
                "StringLike": {GITHUB_COM.key("job_workflow_ref"): "o/shared/.github/workflows/*"},
            }
        )
    )
    assert "no-sub" in {f.code for f in lint_trust_policy(policy)}


def test_an_unknown_policy_variable_is_named_and_can_be_supplied() -> None:
    policy = pol(allow({"StringLike": {SUB: "repo:${aws:PrincipalTag/team}/*"}}))
    unknown = evaluate(policy, {"sub": MAIN}, provider_arn=ARN)
    assert unknown.verdict is U
    assert "--context aws:PrincipalTag/team=VALUE" in unknown.reason
    told = evaluate(
        policy, {"sub": MAIN}, provider_arn=ARN, context=[("aws:PrincipalTag/team", "o")]
    )
    assert told.verdict is A
    # whatever the variable holds, a literal part that cannot match decides
    never = pol(allow({"StringEquals": {SUB: "repo:${aws:PrincipalTag/team}/r:*"}}))
    assert evaluate(never, {"sub": MAIN}, provider_arn=ARN).verdict is D


@pytest.mark.parametrize("version", [None, "2008-10-17"])
def test_policy_variables_are_literal_text_before_version_2012(version: str | None) -> None:
    # IAM User Guide, "IAM JSON policy elements: Version": without Version 2012-10-17,
    # ${aws:username} is not a variable but literal text, so it cannot equal a real sub.
    templated = "repo:${" + GITHUB_COM.key("repository") + "}:ref:refs/heads/main"
    policy: dict[str, Any] = {"Statement": [allow({"StringEquals": {SUB: templated}})]}
    if version is not None:
        policy["Version"] = version
    assert evaluate(policy, _job(MAIN), provider_arn=ARN).verdict is D
    # a sub that is the literal text itself matches
    assert evaluate(policy, _job(templated), provider_arn=ARN).verdict is A
    owner_repo = MAIN.split(":")[1]
    assert (
        evaluate(
            pol(*policy["Statement"]), _job(MAIN, repository=owner_repo), provider_arn=ARN
        ).verdict
        is A
    )


GHES_ARN = "arn:aws:iam::111122223333:oidc-provider/ghe.example.com/_services/token"


def test_a_statement_trusting_two_issuers_is_judged_for_each() -> None:
    # github.com tokens pass the github.com aud check and nothing pins their repository; the
    # Enterprise Server provider listed first must not hide that.
    statement = allow({"StringEquals": {AUD: STS}}, principal={"Federated": [GHES_ARN, ARN]})
    findings = lint_trust_policy(pol(statement), account_id="111122223333")
    assert any(f.code == "no-sub" and SUB in f.message for f in findings)
    assert evaluate(pol(statement), _job(STRANGER), provider_arn=ARN).verdict is A


@pytest.mark.parametrize(
    "sub",
    [
        "repo:${" + GITHUB_COM.key("repository") + "}:*",
        "repo:${" + GITHUB_COM.key("repository") + "}:ref:refs/heads/main",
        "${" + GITHUB_COM.key("sub") + "}",
    ],
)
def test_a_variable_of_the_tokens_own_repository_in_sub_admits_everyone(sub: str) -> None:
    statement = allow({"StringEquals": {AUD: STS}, "StringLike": {SUB: sub}})
    claims = _job(STRANGER, repository="evil/x")
    assert evaluate(pol(statement), claims, provider_arn=ARN).verdict is A
    codes = {f.code: f.level for f in lint_trust_policy(pol(statement))}
    assert codes.get("sub-variable") == "high"
    # Before Version 2012-10-17 the same text is literal: nobody matches, nothing is open.
    literal = {"Statement": [statement]}
    assert evaluate(literal, claims, provider_arn=ARN).verdict is D
    assert "sub-variable" not in {f.code for f in lint_trust_policy(literal)}


def test_a_variable_of_a_claim_sts_does_not_expose_admits_nobody() -> None:
    # repository_owner is not a condition key: the variable has no value, so nothing matches.
    sub = "repo:${" + GITHUB_COM.key("repository_owner") + "}/*"
    statement = allow({"StringEquals": {AUD: STS}, "StringLike": {SUB: sub}})
    claims = _job(STRANGER, repository="evil/x")
    assert evaluate(pol(statement), claims, provider_arn=ARN).verdict is D
    assert "sub-variable" not in {f.code for f in lint_trust_policy(pol(statement))}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p.update(Version="2012-10-18"), "Version '2012-10-18'"),
        (
            lambda p: [s.update(Sid="Same") for s in p["Statement"]],
            "repeats the Sid 'Same' of statement 0",
        ),
    ],
)
def test_documents_iam_refuses_are_reported_invalid(change: Any, problem: str) -> None:
    policy = pol(WIZARD, deny({"StringEquals": {GITHUB_COM.key("environment"): "x"}}))
    change(policy)
    decision = evaluate(policy, _job(MAIN), provider_arn=ARN)
    assert any(problem in p for p in decision.problems)
    assert "invalid" in decision.reason


@pytest.mark.parametrize(
    "deny_condition",
    [
        # a stranger names an environment 'prod' in their own repository
        {"StringNotEquals": {GITHUB_COM.key("environment"): "prod"}},
        {"StringNotLike": {SUB: "*:environment:prod"}},
    ],
)
def test_a_deny_on_what_a_stranger_chooses_does_not_narrow(deny_condition: Any) -> None:
    policy = pol(allow({"StringEquals": {AUD: STS}, "StringLike": {SUB: "repo:*"}}))
    policy["Statement"].append(deny(deny_condition))
    stranger = {
        "sub": "repo:evil/x:environment:prod",
        "repository": "evil/x",
        "environment": "prod",
    }
    assert evaluate(policy, stranger, provider_arn=ARN).verdict is A
    assert "wildcard-owner" in {f.code for f in lint_trust_policy(policy)}
    # a Deny on what GitHub says (the repository id) does hold strangers back
    pinned = pol(
        policy["Statement"][0],
        deny({"StringNotEquals": {GITHUB_COM.key("repository_id"): "1"}}),
    )
    assert "wildcard-owner" not in {f.code for f in lint_trust_policy(pinned)}


@pytest.mark.parametrize(
    ("pattern", "sub", "verdict"),
    [
        # ${*} and ${?} stand for the characters themselves, never for wildcards
        ("repo:o/r:ref:refs/heads/${*}", MAIN, D),
        ("repo:o/r:ref:refs/heads/${*}", "repo:o/r:ref:refs/heads/*", A),
        ("repo:o/r:ref:refs/heads/ma${?}n", MAIN, D),
        ("repo:o/r:ref:refs/heads/ma${?}n", "repo:o/r:ref:refs/heads/ma?n", A),
        # a plain wildcard beside a variable still is one
        ("repo:${" + GITHUB_COM.key("repository") + "}:ref:refs/heads/*", MAIN, A),
    ],
)
def test_escaped_wildcards_are_literal_under_stringlike(
    pattern: str, sub: str, verdict: Verdict
) -> None:
    policy = pol(allow({"StringLike": {SUB: pattern}}))
    assert evaluate(policy, _job(sub, repository="o/r"), provider_arn=ARN).verdict is verdict
