"""Tests of the claim simulator (wizard.claims): IAM trust-policy semantics for GitHub tokens."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.claims import (
    ASSUME_ACTION,
    ISSUER,
    ConditionResult,
    Decision,
    build_sub,
    evaluate,
    glob_match,
    parse_claim,
    parse_operator,
)

ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
OTHER_ARN = "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"
SUB = f"{ISSUER}:sub"
AUD = f"{ISSUER}:aud"
REPO_ID = f"{ISSUER}:repository_id"
MAIN = "repo:o/r:ref:refs/heads/main"
PROD = "repo:o/r:environment:prod"
PR = "repo:o/r:pull_request"


def stmt(
    condition: dict[str, Any] | None = None,
    *,
    effect: str = "Allow",
    principal: Any = None,
    action: Any = ASSUME_ACTION,
    sid: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Effect": effect,
        "Principal": {"Federated": ARN} if principal is None else principal,
        "Action": action,
    }
    if sid is not None:
        out["Sid"] = sid
    if condition is not None:
        out["Condition"] = condition
    return out


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def exact(sub: Any, aud: Any = "sts.amazonaws.com") -> dict[str, Any]:
    return policy(stmt({"StringEquals": {AUD: aud, SUB: sub}}))


GUIDE = policy(
    stmt(
        {
            "StringEquals": {AUD: "sts.amazonaws.com"},
            "StringLike": {SUB: "repo:UNGlobalPlatform/images-datascience:*"},
        }
    )
)
GUIDE_REPO = "UNGlobalPlatform/images-datascience"


# --------------------------------------------------------------------------------------------
# build_sub


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"branch": "main"}, "repo:o/r:ref:refs/heads/main"),
        ({"branch": "refs/heads/main"}, "repo:o/r:ref:refs/heads/main"),
        ({"branch": "feature/x"}, "repo:o/r:ref:refs/heads/feature/x"),
        ({"tag": "v1.2.3"}, "repo:o/r:ref:refs/tags/v1.2.3"),
        ({"tag": "refs/tags/v1"}, "repo:o/r:ref:refs/tags/v1"),
        ({"environment": "prod"}, "repo:o/r:environment:prod"),
        ({"pull_request": True}, "repo:o/r:pull_request"),
        (
            {"branch": "main", "owner_id": "11", "repo_id": "22"},
            "repo:o@11/r@22:ref:refs/heads/main",
        ),
        ({"environment": "prod", "owner_id": "1", "repo_id": "2"}, "repo:o@1/r@2:environment:prod"),
        ({"pull_request": True, "owner_id": "1", "repo_id": "2"}, "repo:o@1/r@2:pull_request"),
    ],
)
def test_build_sub(kwargs: dict[str, Any], expected: str) -> None:
    assert build_sub("o/r", **kwargs) == expected


@pytest.mark.parametrize(
    ("repo", "kwargs"),
    [
        ("o/r", {}),
        ("o/r", {"branch": "main", "tag": "v1"}),
        ("o/r", {"branch": "main", "pull_request": True}),
        ("o/r", {"environment": "prod", "tag": "v1"}),
        ("o/r", {"branch": ""}),
        ("o/r", {"branch": "refs/heads/"}),
        ("o/r", {"tag": ""}),
        ("o/r", {"environment": ""}),
        ("o/r", {"branch": "main", "owner_id": "1"}),
        ("o/r", {"branch": "main", "repo_id": "2"}),
        ("o/r", {"branch": "main", "owner_id": "x", "repo_id": "2"}),
        ("or", {"branch": "main"}),
        ("o/r/x", {"branch": "main"}),
        ("/r", {"branch": "main"}),
        ("o/", {"branch": "main"}),
        ("o:x/r", {"branch": "main"}),
        ("o@1/r", {"branch": "main"}),
        ("o /r", {"branch": "main"}),
    ],
)
def test_build_sub_rejects(repo: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        build_sub(repo, **kwargs)


# --------------------------------------------------------------------------------------------
# parse_claim


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MAIN, {"sub": MAIN}),
        (f"  {PROD}  ", {"sub": PROD}),
        ("repository_owner:o:environment:prod", {"sub": "repository_owner:o:environment:prod"}),
        (f"sub={PR}", {"sub": PR}),
        (
            f"sub={MAIN},aud=sts.amazonaws.com,repository_id=123",
            {"sub": MAIN, "aud": "sts.amazonaws.com", "repository_id": "123"},
        ),
        (f"sub = {MAIN} , environment = prod", {"sub": MAIN, "environment": "prod"}),
        (f"{ISSUER}:sub={MAIN}", {"sub": MAIN}),
        (f"SUB={MAIN}", {"sub": MAIN}),
        (
            "job_workflow_ref=o/r/.github/workflows/b.yml@refs/heads/main,ref=refs/heads/main",
            {
                "job_workflow_ref": "o/r/.github/workflows/b.yml@refs/heads/main",
                "ref": "refs/heads/main",
            },
        ),
        # A comma not followed by name= stays in the value.
        (
            "sub=repo:o/r:ref:refs/heads/a,b,aud=x",
            {"sub": "repo:o/r:ref:refs/heads/a,b", "aud": "x"},
        ),
    ],
)
def test_parse_claim(text: str, expected: dict[str, str]) -> None:
    assert parse_claim(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "sub=", "sub=a,aud=", f"sub={MAIN},sub={PR}"])
def test_parse_claim_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_claim(text)


def test_parse_claim_feeds_evaluate() -> None:
    claims = parse_claim(f"sub={PROD},aud=sts.amazonaws.com")
    assert evaluate(exact(PROD), claims).allowed


# --------------------------------------------------------------------------------------------
# glob_match and parse_operator


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("*", "", True),
        ("*", "repo:o/r:ref:refs/heads/main", True),
        ("repo:o/r:*", "repo:o/r:pull_request", True),
        ("repo:o/*", "repo:o/other:ref:refs/heads/x", True),
        ("repo:o/r:*", "repo:o/rx:pull_request", False),
        ("repo:o/r:ref:refs/heads/v?", "repo:o/r:ref:refs/heads/v1", True),
        ("repo:o/r:ref:refs/heads/v?", "repo:o/r:ref:refs/heads/v10", False),
        ("repo:o/r:ref:refs/heads/v?", "repo:o/r:ref:refs/heads/v", False),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "aXXbYY", False),
        ("REPO:*", "repo:x", False),
        ("", "", True),
        ("", "a", False),
        ("**", "abc", True),
        ("?*?", "a", False),
    ],
)
def test_glob_match(pattern: str, text: str, expected: bool) -> None:
    assert glob_match(pattern, text) is expected


def _glob_oracle(pattern: str, text: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


@given(st.text(alphabet="ab*?:/", max_size=8), st.text(alphabet="ab:/", max_size=10))
def test_glob_match_agrees_with_regex(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) is _glob_oracle(pattern, text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("StringEquals", (None, "StringEquals", False)),
        ("StringLikeIfExists", (None, "StringLike", True)),
        ("ForAllValues:StringLike", ("ForAllValues", "StringLike", False)),
        ("ForAnyValue:StringNotEqualsIfExists", ("ForAnyValue", "StringNotEquals", True)),
        ("Null", (None, "Null", False)),
        ("NullIfExists", None),
        ("stringequals", None),
        ("NumericEquals", (None, "NumericEquals", False)),
        ("DateLessThanIfExists", (None, "DateLessThan", True)),
        ("Numericequals", None),
        ("ForAllValues:", None),
        ("", None),
    ],
)
def test_parse_operator(raw: str, expected: tuple[str | None, str, bool] | None) -> None:
    op = parse_operator(raw)
    got = None if op is None else (op.set_op, op.base, op.if_exists)
    assert got == expected


# --------------------------------------------------------------------------------------------
# evaluate: the table


D = tuple[str, str] | None  # (operator, key) of the deciding condition


CASES: list[tuple[str, dict[str, Any], dict[str, str], bool, D, str]] = [
    # id, policy, claims, allowed, deciding (operator, key), substring of the reason
    (
        "main-only-vs-environment",
        exact(MAIN),
        {"sub": PROD},
        False,
        ("StringEquals", SUB),
        f"denied: condition StringEquals on {SUB} does not match '{PROD}' (accepts '{MAIN}')",
    ),
    ("main-only-vs-main", exact(MAIN), {"sub": MAIN}, True, ("StringEquals", SUB), "allowed"),
    (
        "main-only-vs-pull-request",
        exact(MAIN),
        {"sub": PR},
        False,
        ("StringEquals", SUB),
        f"does not match '{PR}'",
    ),
    (
        "guide-admits-pull-request",
        GUIDE,
        {"sub": f"repo:{GUIDE_REPO}:pull_request"},
        True,
        ("StringLike", SUB),
        "via 'repo:UNGlobalPlatform/images-datascience:*'",
    ),
    (
        "guide-admits-environment",
        GUIDE,
        {"sub": f"repo:{GUIDE_REPO}:environment:anything"},
        True,
        ("StringLike", SUB),
        "allowed",
    ),
    (
        "guide-refuses-other-repo",
        GUIDE,
        {"sub": "repo:UNGlobalPlatform/other:ref:refs/heads/main"},
        False,
        ("StringLike", SUB),
        "accepts 'repo:UNGlobalPlatform/images-datascience:*'",
    ),
    (
        "guide-refuses-owner-case",
        GUIDE,
        {"sub": "repo:unglobalplatform/images-datascience:ref:refs/heads/main"},
        False,
        ("StringLike", SUB),
        "does not match",
    ),
    (
        "aud-defaults-to-sts",
        exact(MAIN),
        {"sub": MAIN},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    (
        "wrong-aud",
        exact(MAIN),
        {"sub": MAIN, "aud": "sigstore"},
        False,
        ("StringEquals", AUD),
        "does not match 'sigstore' (accepts 'sts.amazonaws.com')",
    ),
    (
        "sub-absent",
        exact(MAIN),
        {},
        False,
        ("StringEquals", SUB),
        "the key is absent from the token's claims",
    ),
    # ForAllValues: the pitfall
    (
        "forallvalues-absent-key-allows",
        policy(stmt({"ForAllValues:StringEquals": {SUB: MAIN}})),
        {},
        True,
        ("ForAllValues:StringEquals", SUB),
        "pitfall",
    ),
    (
        "forallvalues-present-mismatch",
        policy(stmt({"ForAllValues:StringEquals": {SUB: MAIN}})),
        {"sub": PROD},
        False,
        ("ForAllValues:StringEquals", SUB),
        f"does not match '{PROD}'",
    ),
    (
        "forallvalues-present-match",
        policy(stmt({"ForAllValues:StringLike": {SUB: "repo:o/r:*"}})),
        {"sub": PROD},
        True,
        ("ForAllValues:StringLike", SUB),
        "allowed",
    ),
    (
        "foranyvalue-absent-key-denies",
        policy(stmt({"ForAnyValue:StringEquals": {SUB: MAIN}})),
        {},
        False,
        ("ForAnyValue:StringEquals", SUB),
        "absent",
    ),
    (
        "foranyvalue-match",
        policy(stmt({"ForAnyValue:StringEquals": {SUB: [MAIN, PROD]}})),
        {"sub": PROD},
        True,
        ("ForAnyValue:StringEquals", SUB),
        "allowed",
    ),
    # IfExists
    (
        "ifexists-absent-key-allows",
        policy(stmt({"StringEqualsIfExists": {SUB: MAIN}})),
        {},
        True,
        ("StringEqualsIfExists", SUB),
        "pitfall",
    ),
    (
        "ifexists-present-mismatch",
        policy(stmt({"StringEqualsIfExists": {SUB: MAIN}})),
        {"sub": PROD},
        False,
        ("StringEqualsIfExists", SUB),
        f"does not match '{PROD}'",
    ),
    (
        "ifexists-like-present-match",
        policy(stmt({"StringLikeIfExists": {SUB: "repo:o/r:*"}})),
        {"sub": PROD},
        True,
        ("StringLikeIfExists", SUB),
        "allowed",
    ),
    # explicit Deny
    (
        "explicit-deny-wins",
        policy(
            stmt({"StringLike": {SUB: "repo:o/r:*"}}),
            stmt({"StringEquals": {SUB: PR}}, effect="Deny", sid="NoPRs"),
        ),
        {"sub": PR},
        False,
        ("StringEquals", SUB),
        "denied: explicit Deny in statement 1 (NoPRs)",
    ),
    (
        "explicit-deny-not-matching",
        policy(
            stmt({"StringLike": {SUB: "repo:o/r:*"}}),
            stmt({"StringEquals": {SUB: PR}}, effect="Deny"),
        ),
        {"sub": MAIN},
        True,
        ("StringLike", SUB),
        "allowed: statement 0",
    ),
    (
        "explicit-deny-before-allow",
        policy(stmt(effect="Deny"), stmt({"StringEquals": {SUB: MAIN}})),
        {"sub": MAIN},
        False,
        None,
        "without conditions",
    ),
    (
        "deny-on-other-action-ignored",
        policy(stmt({"StringEquals": {SUB: MAIN}}), stmt(effect="Deny", action="sts:TagSession")),
        {"sub": MAIN},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    # StringLike ?
    (
        "like-question-one-char",
        policy(stmt({"StringLike": {SUB: "repo:o/r:ref:refs/heads/v?"}})),
        {"sub": "repo:o/r:ref:refs/heads/v1"},
        True,
        ("StringLike", SUB),
        "allowed",
    ),
    (
        "like-question-not-two-chars",
        policy(stmt({"StringLike": {SUB: "repo:o/r:ref:refs/heads/v?"}})),
        {"sub": "repo:o/r:ref:refs/heads/v10"},
        False,
        ("StringLike", SUB),
        "does not match",
    ),
    (
        "like-star-crosses-slash-and-colon",
        policy(stmt({"StringLike": {SUB: "repo:o/*"}})),
        {"sub": "repo:o/x:ref:refs/heads/a/b"},
        True,
        ("StringLike", SUB),
        "allowed",
    ),
    # case sensitivity
    (
        "equals-is-case-sensitive",
        exact("repo:O/R:ref:refs/heads/main"),
        {"sub": MAIN},
        False,
        ("StringEquals", SUB),
        "does not match",
    ),
    (
        "like-is-case-sensitive",
        policy(stmt({"StringLike": {SUB: "repo:O/R:*"}})),
        {"sub": MAIN},
        False,
        ("StringLike", SUB),
        "does not match",
    ),
    (
        "equals-ignore-case",
        policy(stmt({"StringEqualsIgnoreCase": {SUB: "repo:O/R:ref:refs/heads/main"}})),
        {"sub": MAIN},
        True,
        ("StringEqualsIgnoreCase", SUB),
        "allowed",
    ),
    (
        "not-equals-ignore-case-refuses",
        policy(
            stmt(
                {
                    "StringLike": {SUB: "repo:o/r:*"},
                    "StringNotEqualsIgnoreCase": {SUB: "REPO:O/R:PULL_REQUEST"},
                }
            )
        ),
        {"sub": PR},
        False,
        ("StringNotEqualsIgnoreCase", SUB),
        "refuses",
    ),
    (
        "condition-key-name-case-insensitive",
        policy(stmt({"StringEquals": {"Token.Actions.GitHubUserContent.com:Sub": MAIN}})),
        {"sub": MAIN},
        True,
        ("StringEquals", "Token.Actions.GitHubUserContent.com:Sub"),
        "allowed",
    ),
    # OR of values
    (
        "or-of-values-second",
        exact([MAIN, PROD]),
        {"sub": PROD},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    (
        "or-of-values-none",
        exact([MAIN, PROD]),
        {"sub": "repo:o/r:environment:dev"},
        False,
        ("StringEquals", SUB),
        f"accepts any of '{MAIN}', '{PROD}'",
    ),
    # AND of keys and of operators
    (
        "and-of-operators-aud-fails",
        GUIDE,
        {"sub": f"repo:{GUIDE_REPO}:pull_request", "aud": "other"},
        False,
        ("StringEquals", AUD),
        "does not match 'other'",
    ),
    (
        "and-of-operators-both-fail",
        GUIDE,
        {"sub": "repo:x/y:pull_request", "aud": "other"},
        False,
        ("StringEquals", AUD),
        # every failing condition is named, not counted
        f"does not match 'other' (accepts 'sts.amazonaws.com'); and condition StringLike on "
        f"{SUB} does not match 'repo:x/y:pull_request'",
    ),
    (
        "and-of-keys-repository-id-absent",
        policy(stmt({"StringEquals": {SUB: MAIN, REPO_ID: "123"}})),
        {"sub": MAIN},
        False,
        ("StringEquals", REPO_ID),
        "absent",
    ),
    (
        "and-of-keys-repository-id-present",
        policy(stmt({"StringEquals": {SUB: MAIN, REPO_ID: "123"}})),
        {"sub": MAIN, "repository_id": "123"},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    (
        "numeric-condition-value",
        policy(stmt({"StringEquals": {SUB: MAIN, REPO_ID: 123}})),
        {"sub": MAIN, "repository_id": "123"},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    (
        "and-of-operators-not-like",
        policy(
            stmt({"StringLike": {SUB: "repo:o/r:*"}, "StringNotLike": {SUB: "repo:o/r:pull_*"}})
        ),
        {"sub": PR},
        False,
        ("StringNotLike", SUB),
        f"refuses '{PR}'",
    ),
    # negated operators
    (
        "negated-absent-key-is-true",
        policy(stmt({"StringNotEquals": {SUB: PR}})),
        {},
        True,
        ("StringNotEquals", SUB),
        "negated",
    ),
    (
        "negated-present-other-value",
        policy(stmt({"StringNotEquals": {SUB: PR}})),
        {"sub": "repo:evil/x:pull_request"},
        True,
        ("StringNotEquals", SUB),
        "allowed",
    ),
    # other operator families, unknown operators, odd values, Null, variables
    (
        "numeric-operator-evaluated",
        policy(stmt({"NumericEquals": {REPO_ID: "1"}, "StringEquals": {SUB: MAIN}})),
        {"sub": MAIN, "repository_id": "01"},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    (
        "unknown-operator",
        policy(stmt({"NumberEquals": {REPO_ID: "1"}, "StringEquals": {SUB: MAIN}})),
        {"sub": MAIN, "repository_id": "1"},
        False,
        ("NumberEquals", REPO_ID),
        "not understood",
    ),
    (
        "operator-wrong-case",
        policy(stmt({"stringEquals": {SUB: MAIN}})),
        {"sub": MAIN},
        False,
        ("stringEquals", SUB),
        "did you mean StringEquals?",
    ),
    (
        "object-condition-value",
        policy(stmt({"StringEquals": {SUB: {"a": 1}}})),
        {"sub": MAIN},
        False,
        ("StringEquals", SUB),
        "not strings",
    ),
    (
        "null-false-requires-key",
        policy(stmt({"Null": {SUB: "false"}, "StringLike": {SUB: "*"}})),
        {},
        False,
        ("Null", SUB),
        "absent",
    ),
    (
        "null-false-key-present",
        policy(stmt({"Null": {SUB: "false"}, "ForAllValues:StringLike": {SUB: "repo:o/r:*"}})),
        {"sub": MAIN},
        True,
        ("ForAllValues:StringLike", SUB),
        "allowed",
    ),
    (
        "policy-variable-literal",
        policy(stmt({"StringEquals": {SUB: "repo:${aws:username}/r:*"}})),
        {"sub": MAIN},
        False,
        ("StringEquals", SUB),
        "policy variables",
    ),
    # statements that do not apply
    (
        "statement-as-object",
        {"Version": "2012-10-17", "Statement": stmt({"StringEquals": {SUB: MAIN}})},
        {"sub": MAIN},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    ("no-statements", {"Version": "2012-10-17"}, {"sub": MAIN}, False, None, "no statements"),
    (
        "other-action",
        policy(stmt({"StringEquals": {SUB: MAIN}}, action="sts:AssumeRole")),
        {"sub": MAIN},
        False,
        None,
        "does not include sts:AssumeRoleWithWebIdentity",
    ),
    (
        "action-wildcard-and-case",
        policy(stmt({"StringEquals": {SUB: MAIN}}, action=["s3:*", "STS:assumeRole*"])),
        {"sub": MAIN},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
    (
        "action-question-mark",
        policy(stmt(None, action="sts:AssumeRoleWithWebIdentit?")),
        {"sub": MAIN},
        True,
        None,
        "without conditions",
    ),
    (
        "not-action-excludes",
        policy({"Effect": "Allow", "Principal": {"Federated": ARN}, "NotAction": "sts:Assume*"}),
        {"sub": MAIN},
        False,
        None,
        "NotAction",
    ),
    (
        "not-action-includes",
        policy({"Effect": "Allow", "Principal": {"Federated": ARN}, "NotAction": "s3:*"}),
        {"sub": MAIN},
        True,
        None,
        "without conditions",
    ),
    (
        "aws-principal-only",
        policy(stmt(principal={"AWS": "arn:aws:iam::123456789012:root"})),
        {"sub": MAIN},
        False,
        None,
        "no Federated",
    ),
    (
        "effect-lowercase-ignored",
        policy(stmt({"StringEquals": {SUB: MAIN}}, effect="allow")),
        {"sub": MAIN},
        False,
        None,
        "neither Allow nor Deny",
    ),
    (
        "second-allow-matches",
        policy(stmt({"StringEquals": {SUB: MAIN}}), stmt({"StringEquals": {SUB: PROD}})),
        {"sub": PROD},
        True,
        ("StringEquals", SUB),
        "statement 1",
    ),
    (
        "closest-allow-is-named",
        policy(
            stmt({"StringEquals": {SUB: "repo:x/y:pull_request", AUD: "nope"}}),
            stmt({"StringEquals": {SUB: MAIN, AUD: "sts.amazonaws.com"}}),
        ),
        {"sub": PROD},
        False,
        ("StringEquals", SUB),
        f"accepts '{MAIN}'",
    ),
    (
        "full-key-claims",
        exact(MAIN),
        {SUB: MAIN},
        True,
        ("StringEquals", SUB),
        "allowed",
    ),
]


@pytest.mark.parametrize(
    ("pol", "claims", "allowed", "deciding", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_evaluate(
    pol: dict[str, Any], claims: dict[str, str], allowed: bool, deciding: D, reason: str
) -> None:
    decision = evaluate(pol, claims)
    assert decision.allowed is allowed, decision.reason
    got = None if decision.deciding is None else (decision.deciding.operator, decision.deciding.key)
    assert got == deciding, decision.reason
    assert reason in decision.reason
    assert decision.reason.startswith("allowed" if allowed else "denied")
    assert "\n" not in decision.reason
    json.dumps(decision.to_json())


def test_deciding_condition_reason_is_a_sentence() -> None:
    decision = evaluate(exact(MAIN), {"sub": PROD})
    assert decision.deciding == ConditionResult(
        operator="StringEquals",
        key=SUB,
        values=(MAIN,),
        matched=False,
        reason=f"sub '{PROD}' does not match StringEquals '{MAIN}'",
    )


def test_statement_results() -> None:
    decision = evaluate(
        policy(stmt({"StringEquals": {SUB: MAIN}}, sid="Main"), stmt(action="s3:GetObject")),
        {"sub": PROD},
    )
    first, second = decision.statements
    assert (first.index, first.sid, first.effect, first.applies, first.matched) == (
        0,
        "Main",
        "Allow",
        True,
        False,
    )
    assert len(first.conditions) == 1
    assert "does not match" in first.reason
    assert (second.applies, second.matched, second.conditions) == (False, False, ())
    assert "s3:GetObject" in second.reason


def test_reasons_name_the_pitfalls() -> None:
    forall = evaluate(policy(stmt({"ForAllValues:StringLike": {SUB: "repo:o/r:*"}})), {})
    assert forall.allowed
    assert forall.deciding is not None
    assert "absent" in forall.deciding.reason
    assert "pitfall" in forall.deciding.reason
    ifexists = evaluate(policy(stmt({"StringLikeIfExists": {SUB: "repo:o/r:*"}})), {})
    assert ifexists.allowed
    assert "IfExists" in ifexists.reason


@pytest.mark.parametrize(
    ("provider", "principal", "allowed"),
    [
        (ARN, {"Federated": ARN}, True),
        (OTHER_ARN, {"Federated": ARN}, False),
        (OTHER_ARN, {"Federated": [ARN, OTHER_ARN]}, True),
        (OTHER_ARN, "*", True),
        (OTHER_ARN, {"AWS": "*"}, True),
        (None, {"Federated": OTHER_ARN}, True),
        (None, {"Service": "ec2.amazonaws.com"}, False),
        (None, "nonsense", False),
    ],
)
def test_provider_arn(provider: str | None, principal: Any, allowed: bool) -> None:
    pol = policy(stmt({"StringEquals": {SUB: MAIN}}, principal=principal))
    decision = evaluate(pol, {"sub": MAIN}, provider_arn=provider)
    assert decision.allowed is allowed, decision.reason
    if not allowed:
        assert decision.deciding is None


def test_missing_principal_does_not_apply() -> None:
    pol = {"Statement": [{"Effect": "Allow", "Action": ASSUME_ACTION}]}
    decision = evaluate(pol, {"sub": MAIN})
    assert not decision.allowed
    assert "no Principal" in decision.reason


def test_not_principal_deny() -> None:
    deny_others = {"Effect": "Deny", "NotPrincipal": {"Federated": ARN}, "Action": "sts:*"}
    pol = policy(stmt({"StringEquals": {SUB: MAIN}}), deny_others)
    assert evaluate(pol, {"sub": MAIN}, provider_arn=ARN).allowed
    assert not evaluate(pol, {"sub": MAIN}, provider_arn=OTHER_ARN).allowed


def test_action_parameter() -> None:
    pol = policy(stmt(action=["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]))
    assert evaluate(pol, {"sub": MAIN}, action="sts:TagSession").allowed
    denied = evaluate(pol, {"sub": MAIN}, action="sts:AssumeRole")
    assert not denied.allowed
    assert "sts:AssumeRole" in denied.reason


def test_explicit_aud_is_not_replaced_by_default() -> None:
    assert not evaluate(exact(MAIN), {"sub": MAIN, "aud": ""}).allowed


def test_to_json_shape() -> None:
    decision = evaluate(GUIDE, {"sub": f"repo:{GUIDE_REPO}:pull_request"})
    data = json.loads(json.dumps(decision.to_json()))
    assert data["allowed"] is True
    assert data["deciding"]["key"] == SUB
    assert data["statements"][0]["conditions"][1]["operator"] == "StringLike"
    empty = evaluate({}, {}).to_json()
    assert empty["deciding"] is None
    assert empty["statements"] == []


# --------------------------------------------------------------------------------------------
# Never raises

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from([SUB, AUD, REPO_ID, "Token.Actions.GithubUserContent.com:SUB", "aws:x"])
operators = st.sampled_from(
    [
        "StringEquals",
        "StringLike",
        "StringNotEquals",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "ForAllValues:StringLike",
        "ForAnyValue:StringEquals",
        "StringEqualsIfExists",
        "Null",
        "Bool",
    ]
) | st.text(max_size=12)
value_text = st.sampled_from(
    [MAIN, PROD, PR, "repo:o/r:*", "*", "?", "sts.amazonaws.com"]
) | st.text(max_size=12)
condition_values = value_text | st.lists(value_text, max_size=3) | json_values
conditions = (
    st.dictionaries(
        operators,
        st.dictionaries(keys | st.text(max_size=8), condition_values, max_size=3),
        max_size=3,
    )
    | json_values
)
statements = (
    st.fixed_dictionaries(
        {},
        optional={
            "Effect": st.sampled_from(["Allow", "Deny"]) | json_values,
            "Principal": st.sampled_from(
                ["*", {"Federated": ARN}, {"Federated": [ARN]}, {"AWS": "*"}]
            )
            | json_values,
            "Action": st.sampled_from([ASSUME_ACTION, "sts:*", ["*"]]) | json_values,
            "NotAction": json_values,
            "Sid": json_values,
            "Condition": conditions,
        },
    )
    | json_values
)
policies = st.fixed_dictionaries(
    {},
    optional={"Version": json_values, "Statement": statements | st.lists(statements, max_size=3)},
) | st.dictionaries(st.text(max_size=8), json_values, max_size=3)
claim_sets = st.dictionaries(
    st.sampled_from(["sub", "aud", "repository_id", SUB]) | st.text(max_size=8),
    value_text,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(policies, claim_sets, st.none() | st.just(ARN))
def test_evaluate_never_raises(
    pol: dict[str, Any], claims: dict[str, str], arn: str | None
) -> None:
    decision = evaluate(pol, claims, provider_arn=arn)
    assert isinstance(decision, Decision)
    assert decision.reason.startswith(str(decision.verdict))
    json.dumps(decision.to_json())
    if decision.allowed:
        assert any(s.effect == "Allow" and s.matched for s in decision.statements)
        assert not any(s.effect == "Deny" and s.matched for s in decision.statements)


@settings(max_examples=100, deadline=None)
@given(json_values, json_values)
def test_evaluate_never_raises_on_any_json(pol: Any, claims: Any) -> None:
    decision = evaluate(pol, claims)
    json.dumps(decision.to_json())
