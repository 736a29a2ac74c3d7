"""Tests of the trust-policy linter (wizard.trust_lint) on a corpus of good and bad policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.claims import ISSUER, build_sub, evaluate
from wizard.trust_lint import Finding, Level, lint_trust_policy, worst

ACCOUNT = "123456789012"
ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
CN_ARN = f"arn:aws-cn:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SUB = f"{ISSUER}:sub"
AUD = f"{ISSUER}:aud"
REPO_ID = f"{ISSUER}:repository_id"
REPO = "UNGlobalPlatform/images-datascience"
MAIN = f"repo:{REPO}:ref:refs/heads/main"
STS = "sts.amazonaws.com"

KNOWN_CODES = {
    "no-sub",
    "sub-no-repo",
    "wildcard-owner",
    "wildcard-repo",
    "any-ref",
    "no-aud",
    "aud-loose",
    "aud-wrong",
    "forallvalues",
    "ifexists",
    "negated-sub",
    "other-account-provider",
    "owner-case",
    "other-repo",
    "name-based-sub",
    "wildcard-id",
    "no-repository-id",
    "stringlike-exact",
    "stringequals-wildcard",
    "sub-conflict",
    "wildcard-principal",
    "notprincipal-allow",
    "wrong-issuer-key",
    "sub-ignorecase",
    "wildcard-before-repo",
}


def stmt(
    condition: dict[str, Any] | None = None,
    *,
    effect: str = "Allow",
    federated: Any = ARN,
    action: Any = "sts:AssumeRoleWithWebIdentity",
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Effect": effect,
        "Principal": {"Federated": federated},
        "Action": action,
    }
    if condition is not None:
        out["Condition"] = condition
    return out


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def eq(sub: Any, aud: Any = STS, **extra: Any) -> dict[str, Any]:
    """aud and sub under StringEquals, as the wizard generates them."""
    return policy(stmt({"StringEquals": {AUD: aud, SUB: sub, **extra}}))


def like(sub: Any, aud: Any = STS) -> dict[str, Any]:
    """aud under StringEquals, sub under StringLike, as the guide writes them."""
    return policy(stmt({"StringEquals": {AUD: aud}, "StringLike": {SUB: sub}}))


# The wizard's own output.
GENERATED = json.loads(
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":'
    '"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},'
    '"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{'
    '"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",'
    '"token.actions.githubusercontent.com:sub":'
    '"repo:UNGlobalPlatform/images-datascience:ref:refs/heads/main"}}}]}'
)
# The guide's policy (step 3), with its ACCOUNT_ID placeholder filled in.
GUIDE = like(f"repo:{REPO}:*")

NR = "no-repository-id"

CORPUS: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    # id, policy, lint kwargs, expected codes (sorted)
    ("generated", GENERATED, {}, [NR]),
    ("generated-with-context", GENERATED, {"account_id": ACCOUNT, "canonical_repo": REPO}, [NR]),
    ("generated-with-repository-id", eq(MAIN, **{REPO_ID: "42"}), {"repo_id": "42"}, []),
    (
        "generated-list-and-patterns",
        policy(
            stmt(
                {
                    "StringEquals": {AUD: STS},
                    "StringLike": {SUB: [MAIN, f"repo:{REPO}:ref:refs/heads/release/*"]},
                }
            )
        ),
        {"canonical_repo": REPO},
        [NR],
    ),
    (
        "generated-immutable",
        eq(build_sub(REPO, branch="main", owner_id="7", repo_id="9")),
        {"immutable_subject": True, "owner_id": "7", "repo_id": "9", "canonical_repo": REPO},
        [],
    ),
    ("guide", GUIDE, {}, ["any-ref", NR]),
    ("guide-with-context", GUIDE, {"account_id": ACCOUNT, "canonical_repo": REPO}, ["any-ref", NR]),
    # no sub / no aud
    ("no-conditions", policy(stmt()), {}, ["no-aud", "no-sub"]),
    ("aud-only", policy(stmt({"StringEquals": {AUD: STS}})), {}, ["no-sub"]),
    ("sub-only", policy(stmt({"StringEquals": {SUB: MAIN}})), {}, ["no-aud", NR]),
    (
        "aud-only-negated",
        policy(stmt({"StringNotEquals": {AUD: "x"}, "StringEquals": {SUB: MAIN}})),
        {},
        ["no-aud", NR],
    ),
    (
        "sub-unknown-operator",
        policy(stmt({"StringEquals": {AUD: STS}, "StringMatches": {SUB: MAIN}})),
        {},
        ["no-sub"],
    ),
    # wildcards in sub
    ("star", like("*"), {}, ["wildcard-owner"]),
    ("repo-star", like("repo:*"), {}, ["wildcard-owner"]),
    ("owner-star", like("repo:*/images-datascience:*"), {}, ["wildcard-owner"]),
    (
        "owner-prefix",
        like("repo:UNGlobal*/images-datascience:ref:refs/heads/main"),
        {},
        ["wildcard-owner"],
    ),
    ("owner-question", like("repo:?rg/r:ref:refs/heads/main"), {}, ["wildcard-owner"]),
    ("star-prefix", like("*:ref:refs/heads/main"), {}, ["wildcard-owner"]),
    ("re-star", like("re*"), {}, ["wildcard-owner"]),
    ("org-star", like("repo:UNGlobalPlatform/*"), {}, ["wildcard-repo"]),
    (
        "org-star-canonical",
        like("repo:UNGlobalPlatform/*"),
        {"canonical_repo": REPO},
        ["wildcard-repo"],
    ),
    (
        "repo-prefix",
        like("repo:UNGlobalPlatform/images-*:ref:refs/heads/main"),
        {},
        ["wildcard-repo"],
    ),
    ("any-ref-double-star", like(f"repo:{REPO}:**"), {}, ["any-ref", NR]),
    ("branch-pattern", like(f"repo:{REPO}:ref:refs/heads/release/*"), {}, [NR]),
    ("environment-pattern", like(f"repo:{REPO}:environment:*"), {}, [NR]),
    (
        "list-with-one-bad-value",
        like([MAIN, "repo:*"]),
        {"canonical_repo": REPO},
        ["wildcard-owner", NR],
    ),
    # A custom subject template that leaves the repository out admits any repository ...
    ("custom-template", like("repository_owner:UNGlobalPlatform:*"), {}, ["sub-no-repo"]),
    ("template-context-only", eq("ref:refs/heads/main"), {}, ["sub-no-repo"]),
    # ... unless the claims name it, or a repository_id condition pins it.
    ("template-repository", eq("repository:o/r:ref:refs/heads/main"), {}, []),
    ("template-repository-id", eq("repository_id:123:ref:refs/heads/main"), {}, []),
    # StringLike without wildcard / StringEquals with one
    ("stringlike-exact", like(MAIN), {}, [NR, "stringlike-exact"]),
    (
        "stringlike-exact-list",
        like([MAIN, f"repo:{REPO}:pull_request"]),
        {},
        [NR, "stringlike-exact"],
    ),
    ("stringequals-star", eq(f"repo:{REPO}:*"), {}, [NR, "stringequals-wildcard"]),
    # aud
    (
        "aud-under-stringlike",
        policy(stmt({"StringLike": {AUD: STS}, "StringEquals": {SUB: MAIN}})),
        {},
        ["aud-loose", NR],
    ),
    (
        "aud-like-star",
        policy(stmt({"StringLike": {AUD: "*", SUB: f"repo:{REPO}:ref:refs/heads/*"}})),
        {},
        ["aud-loose", NR],
    ),
    (
        "aud-like-wrong",
        policy(stmt({"StringLike": {AUD: "sigstore*"}, "StringEquals": {SUB: MAIN}})),
        {},
        ["aud-loose", "aud-wrong", NR],
    ),
    ("aud-wrong", eq(MAIN, aud="sigstore"), {}, ["aud-wrong", NR]),
    ("aud-https", eq(MAIN, aud="https://github.com/UNGlobalPlatform"), {}, ["aud-wrong", NR]),
    (
        "aud-one-of-two-wrong",
        eq(MAIN, aud=[STS, "api://AzureADTokenExchange"]),
        {},
        ["aud-wrong", NR],
    ),
    ("aud-cn-in-aws", eq(MAIN, aud="sts.amazonaws.com.cn"), {}, ["aud-wrong", NR]),
    (
        "aud-cn-in-aws-cn",
        policy(stmt({"StringEquals": {AUD: "sts.amazonaws.com.cn", SUB: MAIN}}, federated=CN_ARN)),
        {},
        [NR],
    ),
    (
        "aud-global-in-aws-cn",
        policy(stmt({"StringEquals": {AUD: STS, SUB: MAIN}}, federated=CN_ARN)),
        {},
        [NR],
    ),
    (
        "aud-ignore-case",
        policy(stmt({"StringEqualsIgnoreCase": {AUD: "STS.amazonaws.com", SUB: MAIN}})),
        {},
        # git refs are case-sensitive: IgnoreCase on sub lets 'MAIN' pass for 'main'
        [NR, "sub-ignorecase"],
    ),
    # set operators and IfExists
    (
        "forallvalues-sub",
        policy(stmt({"StringEquals": {AUD: STS}, "ForAllValues:StringEquals": {SUB: MAIN}})),
        {},
        ["forallvalues", NR],
    ),
    (
        "forallvalues-sub-pattern",
        policy(
            stmt({"StringEquals": {AUD: STS}, "ForAllValues:StringLike": {SUB: f"repo:{REPO}:*"}})
        ),
        {},
        ["any-ref", "forallvalues", NR],
    ),
    (
        "forallvalues-aud",
        policy(stmt({"ForAllValues:StringEquals": {AUD: STS}, "StringEquals": {SUB: MAIN}})),
        {},
        ["forallvalues", NR],
    ),
    (
        "foranyvalue-sub-is-fine",
        policy(stmt({"StringEquals": {AUD: STS}, "ForAnyValue:StringEquals": {SUB: MAIN}})),
        {},
        [NR],
    ),
    (
        "ifexists-sub",
        policy(stmt({"StringEquals": {AUD: STS}, "StringEqualsIfExists": {SUB: MAIN}})),
        {},
        ["ifexists", NR],
    ),
    (
        "ifexists-aud",
        policy(stmt({"StringEqualsIfExists": {AUD: STS}, "StringEquals": {SUB: MAIN}})),
        {},
        ["ifexists", NR],
    ),
    (
        "forallvalues-ifexists-sub",
        policy(stmt({"StringEquals": {AUD: STS}, "ForAllValues:StringLikeIfExists": {SUB: MAIN}})),
        {},
        ["forallvalues", "ifexists", NR, "stringlike-exact"],
    ),
    # negated sub
    (
        "negated-only",
        policy(
            stmt({"StringEquals": {AUD: STS}, "StringNotEquals": {SUB: "repo:evil/x:pull_request"}})
        ),
        {},
        ["negated-sub"],
    ),
    (
        "not-like-only",
        policy(stmt({"StringEquals": {AUD: STS}, "StringNotLike": {SUB: "repo:evil/*"}})),
        {},
        ["negated-sub"],
    ),
    (
        "negated-beside-positive",
        policy(
            stmt(
                {
                    "StringEquals": {AUD: STS},
                    "StringLike": {SUB: f"repo:{REPO}:ref:refs/heads/*"},
                    "StringNotLike": {SUB: f"repo:{REPO}:ref:refs/heads/dependabot/*"},
                }
            )
        ),
        {},
        [NR],
    ),
    # provider account
    ("other-account", GENERATED, {"account_id": "210987654321"}, ["other-account-provider", NR]),
    (
        "placeholder-account",
        policy(
            stmt(
                {"StringEquals": {AUD: STS, SUB: MAIN}},
                federated=ARN.replace(ACCOUNT, "ACCOUNT_ID"),
            )
        ),
        {"account_id": ACCOUNT},
        ["other-account-provider", NR],
    ),
    # repository names
    (
        "owner-case",
        eq("repo:unglobalplatform/images-datascience:ref:refs/heads/main"),
        {"canonical_repo": REPO},
        ["owner-case", NR],
    ),
    (
        "owner-case-like",
        like("repo:unglobalplatform/images-datascience:*"),
        {"canonical_repo": REPO},
        ["any-ref", "owner-case", NR],
    ),
    (
        "owner-case-ignorecase-operator",
        policy(
            stmt(
                {
                    "StringEquals": {AUD: STS},
                    "StringEqualsIgnoreCase": {
                        SUB: "repo:unglobalplatform/images-datascience:ref:refs/heads/main"
                    },
                }
            )
        ),
        {"canonical_repo": REPO},
        [NR, "sub-ignorecase"],
    ),
    (
        "other-repo",
        eq("repo:someone/else:ref:refs/heads/main"),
        {"canonical_repo": REPO},
        ["other-repo", NR],
    ),
    (
        "other-repo-in-list",
        eq([MAIN, "repo:someone/else:ref:refs/heads/main"]),
        {"canonical_repo": REPO},
        [NR, "other-repo"],
    ),
    ("other-repo-unknown-canonical", eq("repo:someone/else:ref:refs/heads/main"), {}, [NR]),
    (
        "repository-id-mismatch",
        eq(MAIN, **{REPO_ID: "41"}),
        {"repo_id": "42"},
        ["other-repo"],
    ),
    ("repository-id-numeric", eq(MAIN, **{REPO_ID: 42}), {"repo_id": "42"}, []),
    # immutable subjects
    ("name-based", GENERATED, {"immutable_subject": True}, ["name-based-sub"]),
    ("name-based-guide", GUIDE, {"immutable_subject": True}, ["any-ref", "name-based-sub"]),
    (
        "immutable-wildcard-id",
        like("repo:UNGlobalPlatform@*/images-datascience@*:ref:refs/heads/main"),
        {"immutable_subject": True},
        ["wildcard-id"],
    ),
    (
        "immutable-wildcard-repo-id",
        like("repo:UNGlobalPlatform@7/images-datascience@*:*"),
        {"immutable_subject": True},
        ["wildcard-id"],
    ),
    (
        "immutable-any-ref",
        like("repo:UNGlobalPlatform@7/images-datascience@9:*"),
        {"immutable_subject": True},
        ["any-ref"],
    ),
    (
        "immutable-wrong-id",
        eq("repo:UNGlobalPlatform@7/images-datascience@8:ref:refs/heads/main"),
        {"immutable_subject": True, "owner_id": "7", "repo_id": "9", "canonical_repo": REPO},
        ["other-repo"],
    ),
    (
        "immutable-half-named",
        eq("repo:UNGlobalPlatform@7/images-datascience:ref:refs/heads/main"),
        {"immutable_subject": True},
        ["name-based-sub"],
    ),
    # several operators on sub are ANDed
    (
        "sub-conflict",
        policy(
            stmt(
                {
                    "StringEquals": {AUD: STS, SUB: MAIN},
                    "StringLike": {SUB: f"repo:{REPO}:environment:*"},
                }
            )
        ),
        {},
        [NR, "sub-conflict"],
    ),
    (
        "sub-and-consistent",
        policy(
            stmt(
                {
                    "StringEquals": {AUD: STS, SUB: MAIN},
                    "StringLike": {SUB: f"repo:{REPO}:ref:refs/heads/*"},
                }
            )
        ),
        {},
        [NR],
    ),
    # statements that are not linted
    ("deny-statement", policy(stmt(effect="Deny")), {}, []),
    ("other-action", policy(stmt(action="sts:AssumeRole")), {}, []),
    (
        "aws-principal",
        policy({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}),
        {},
        [],
    ),
    ("cognito", policy(stmt(federated="cognito-identity.amazonaws.com")), {}, []),
    ("gitlab", policy(stmt(federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.com")), {}, []),
    ("empty", {}, {}, []),
    # statements that are linted in other shapes
    ("statement-object", {"Version": "2012-10-17", "Statement": stmt()}, {}, ["no-aud", "no-sub"]),
    ("action-wildcard", policy(stmt(action=["sts:*"])), {}, ["no-aud", "no-sub"]),
    ("action-case", policy(stmt(action="STS:AssumeRoleWithWebIdentity")), {}, ["no-aud", "no-sub"]),
    (
        "federated-list",
        policy(stmt(federated=["cognito-identity.amazonaws.com", ARN])),
        {},
        ["no-aud", "no-sub"],
    ),
    (
        "key-case-insensitive",
        policy(
            stmt(
                {
                    "StringEquals": {
                        "Token.Actions.GitHubUserContent.com:Aud": STS,
                        "token.actions.githubusercontent.com:SUB": MAIN,
                    }
                }
            )
        ),
        {},
        [NR],
    ),
    (
        "two-statements",
        policy(
            stmt({"StringEquals": {AUD: STS, SUB: MAIN}}), stmt({"StringLike": {SUB: "repo:*"}})
        ),
        {},
        ["no-aud", NR, "wildcard-owner"],
    ),
]


@pytest.mark.parametrize(
    ("pol", "kwargs", "codes"),
    [pytest.param(*case[1:], id=case[0]) for case in CORPUS],
)
def test_corpus(pol: dict[str, Any], kwargs: dict[str, Any], codes: list[str]) -> None:
    findings = lint_trust_policy(pol, **kwargs)
    assert sorted(f.code for f in findings) == sorted(codes), [f.message for f in findings]
    for finding in findings:
        assert finding.code in KNOWN_CODES
        assert finding.message
        assert finding.fix
        assert "\n" not in finding.message
        assert "\n" not in finding.fix
        assert finding.statement is not None


def test_guide_policy_yields_exactly_any_ref() -> None:
    findings = lint_trust_policy(GUIDE, account_id=ACCOUNT, canonical_repo=REPO)
    assert [(f.code, f.level) for f in findings] == [
        ("any-ref", Level.MEDIUM),
        ("no-repository-id", Level.LOW),
    ]
    any_ref = findings[0]
    assert f"repo:{REPO}:*" in any_ref.message
    assert MAIN in any_ref.fix
    assert any_ref.statement == 0


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("no-sub", Level.HIGH),
        ("wildcard-owner", Level.HIGH),
        ("wildcard-repo", Level.HIGH),
        ("any-ref", Level.MEDIUM),
        ("no-aud", Level.MEDIUM),
        ("aud-loose", Level.MEDIUM),
        ("aud-wrong", Level.HIGH),
        ("forallvalues", Level.HIGH),
        ("ifexists", Level.HIGH),
        ("negated-sub", Level.HIGH),
        ("other-account-provider", Level.HIGH),
        ("owner-case", Level.MEDIUM),
        ("other-repo", Level.MEDIUM),
        ("name-based-sub", Level.HIGH),
        ("wildcard-id", Level.HIGH),
        ("no-repository-id", Level.LOW),
        ("stringlike-exact", Level.LOW),
        ("stringequals-wildcard", Level.MEDIUM),
        ("sub-conflict", Level.MEDIUM),
    ],
)
def test_levels(code: str, level: Level) -> None:
    seen = {
        f.code: f.level for _, pol, kwargs, _ in CORPUS for f in lint_trust_policy(pol, **kwargs)
    }
    assert seen[code] is level


def test_findings_sorted_high_first() -> None:
    pol = policy(
        stmt({"StringLike": {AUD: STS, SUB: MAIN}}),
        stmt({"StringLike": {SUB: "repo:o/*"}}),
        stmt(),
    )
    findings = lint_trust_policy(pol, account_id="210987654321")
    ranks = [{"high": 0, "medium": 1, "low": 2}[f.level] for f in findings]
    assert ranks == sorted(ranks)
    assert {f.statement for f in findings} == {0, 1, 2}
    assert worst(findings) is Level.HIGH


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([], None),
        ([Level.LOW], Level.LOW),
        ([Level.LOW, Level.MEDIUM], Level.MEDIUM),
        ([Level.MEDIUM, Level.HIGH, Level.LOW], Level.HIGH),
    ],
)
def test_worst(levels: list[Level], expected: Level | None) -> None:
    assert worst(Finding("x", lv, "m", "f") for lv in levels) is expected


def test_finding_to_json() -> None:
    finding = Finding("any-ref", Level.MEDIUM, "message", "fix", 0)
    assert json.loads(json.dumps(finding.to_json())) == {
        "code": "any-ref",
        "level": "medium",
        "message": "message",
        "fix": "fix",
        "statement": 0,
    }


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "repo:OWNER@OWNER_ID/REPO@REPO_ID:ref:refs/heads/main"),
        (
            {"owner_id": "7", "repo_id": "9"},
            "repo:UNGlobalPlatform@7/images-datascience@9:ref:refs/heads/main",
        ),
    ],
)
def test_name_based_fix_shows_immutable_form(kwargs: dict[str, Any], expected: str) -> None:
    findings = lint_trust_policy(GENERATED, immutable_subject=True, **kwargs)
    (finding,) = findings
    assert finding.code == "name-based-sub"
    if kwargs:
        assert expected in finding.fix
    else:
        assert (
            "repo:UNGlobalPlatform@OWNER_ID/images-datascience@REPO_ID:ref:refs/heads/main"
            in finding.fix
        )


def test_messages_name_the_value_seen() -> None:
    (finding,) = lint_trust_policy(eq(MAIN, aud="sigstore"), repo_id="1")[:1]
    assert "'sigstore'" in finding.message
    assert '"sts.amazonaws.com"' in finding.fix
    no_sub = lint_trust_policy(policy(stmt({"StringEquals": {AUD: STS}})))[0]
    assert "any repository" in no_sub.message
    assert "IAM now refuses" in no_sub.message
    other = lint_trust_policy(GENERATED, account_id="210987654321")[0]
    assert ACCOUNT in other.message
    assert (
        "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com" in other.fix
    )


@pytest.mark.parametrize(
    ("pol", "code", "intruder"),
    [
        (policy(stmt({"StringEquals": {AUD: STS}})), "no-sub", "repo:evil/x:ref:refs/heads/main"),
        (like("repo:*"), "wildcard-owner", "repo:evil/x:ref:refs/heads/main"),
        (
            like("repo:UNGlobalPlatform/*"),
            "wildcard-repo",
            "repo:UNGlobalPlatform/other:pull_request",
        ),
        (GUIDE, "any-ref", f"repo:{REPO}:pull_request"),
        (
            policy(stmt({"StringEquals": {AUD: STS}, "ForAllValues:StringEquals": {SUB: MAIN}})),
            "forallvalues",
            None,
        ),
        (
            policy(stmt({"StringEquals": {AUD: STS}, "StringEqualsIfExists": {SUB: MAIN}})),
            "ifexists",
            None,
        ),
        (
            policy(
                stmt(
                    {"StringEquals": {AUD: STS}, "StringNotEquals": {SUB: "repo:a/b:pull_request"}}
                )
            ),
            "negated-sub",
            "repo:evil/x:ref:refs/heads/main",
        ),
    ],
)
def test_linted_holes_are_real(pol: dict[str, Any], code: str, intruder: str | None) -> None:
    """Cross-check with the simulator: what the linter calls open really admits the intruder."""
    assert code in {f.code for f in lint_trust_policy(pol)}
    claims = {} if intruder is None else {"sub": intruder}
    assert evaluate(pol, claims).allowed


@pytest.mark.parametrize(
    ("pol", "kwargs", "code", "token_sub"),
    [
        (
            eq("repo:unglobalplatform/images-datascience:ref:refs/heads/main"),
            {"canonical_repo": REPO},
            "owner-case",
            MAIN,
        ),
        (
            GENERATED,
            {"immutable_subject": True},
            "name-based-sub",
            build_sub(REPO, branch="main", owner_id="7", repo_id="9"),
        ),
        (eq(f"repo:{REPO}:*"), {}, "stringequals-wildcard", MAIN),
    ],
)
def test_linted_dead_policies_never_match(
    pol: dict[str, Any], kwargs: dict[str, Any], code: str, token_sub: str
) -> None:
    """Cross-check with the simulator: what the linter calls dead refuses the real token."""
    assert code in {f.code for f in lint_trust_policy(pol, **kwargs)}
    assert not evaluate(pol, {"sub": token_sub}).allowed


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
keys = st.sampled_from([SUB, AUD, REPO_ID, "TOKEN.actions.githubusercontent.com:Sub"])
operators = st.sampled_from(
    [
        "StringEquals",
        "StringLike",
        "StringNotEquals",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "ForAllValues:StringLike",
        "ForAnyValue:StringEquals",
        "StringEqualsIfExists",
        "StringLikeIfExists",
        "Null",
    ]
) | st.text(max_size=12)
value_text = st.sampled_from(
    [
        MAIN,
        "repo:*",
        "*",
        "repo:o/*",
        "repo:o/r:*",
        "repo:o@*/r@1:*",
        "repo:o@1/r",
        "repo:",
        "repo:/",
        "repo:o:x",
        STS,
        "sts.*",
        "?",
        "",
    ]
) | st.text(alphabet="repo:/@*?ab", max_size=16)
condition_values = value_text | st.lists(value_text, max_size=3) | json_values
conditions = (
    st.dictionaries(
        operators,
        st.dictionaries(keys | st.text(max_size=8), condition_values, max_size=3),
        max_size=3,
    )
    | json_values
)
principals = (
    st.sampled_from(
        [
            {"Federated": ARN},
            {"Federated": [CN_ARN]},
            {"Federated": "x/" + "oidc-provider/" + ISSUER},
        ]
    )
    | json_values
)
statements = (
    st.fixed_dictionaries(
        {},
        optional={
            "Effect": st.just("Allow") | json_values,
            "Principal": principals,
            "Action": st.sampled_from(["sts:AssumeRoleWithWebIdentity", "sts:*"]) | json_values,
            "NotAction": json_values,
            "Condition": conditions,
        },
    )
    | json_values
)
policies = st.fixed_dictionaries(
    {}, optional={"Statement": statements | st.lists(statements, max_size=3)}
) | st.dictionaries(st.text(max_size=8), json_values, max_size=3)
optional_text = st.none() | st.text(max_size=12) | st.sampled_from([ACCOUNT, REPO, "7"])


@settings(max_examples=300, deadline=None)
@given(policies, optional_text, optional_text, st.booleans(), optional_text, optional_text)
def test_lint_never_raises(
    pol: dict[str, Any],
    account_id: str | None,
    canonical_repo: str | None,
    immutable_subject: bool,
    owner_id: str | None,
    repo_id: str | None,
) -> None:
    findings = lint_trust_policy(
        pol,
        account_id=account_id,
        canonical_repo=canonical_repo,
        immutable_subject=immutable_subject,
        owner_id=owner_id,
        repo_id=repo_id,
    )
    ranks = [{"high": 0, "medium": 1, "low": 2}[f.level] for f in findings]
    assert ranks == sorted(ranks)
    for finding in findings:
        assert finding.code in KNOWN_CODES
        json.dumps(finding.to_json())


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_lint_never_raises_on_any_json(pol: Any) -> None:
    lint_trust_policy(pol)


@pytest.mark.parametrize(
    ("pol", "kwargs", "code", "in_fix"),
    [
        pytest.param(
            like("repo:UNGlobalPlatform@7/images-datascience@9:*"),
            {"immutable_subject": True},
            "any-ref",
            '["repo:UNGlobalPlatform@7/images-datascience@9:ref:refs/heads/main", ',
            id="immutable-any-ref-keeps-ids",
        ),
        pytest.param(
            eq("repo:someone@5/else@6:ref:refs/heads/main"),
            {"immutable_subject": True, "canonical_repo": REPO},
            "other-repo",
            '"repo:UNGlobalPlatform@OWNER_ID/images-datascience@REPO_ID:ref:refs/heads/main"',
            id="other-repo-does-not-borrow-ids",
        ),
        pytest.param(
            like("repo:UNGlobalPlatform/*"),
            {},
            "wildcard-repo",
            '"repo:UNGlobalPlatform/REPO:ref:refs/heads/main"',
            id="wildcard-repo-keeps-owner",
        ),
        pytest.param(
            like("repo:*"),
            {"canonical_repo": REPO},
            "wildcard-owner",
            f'"{MAIN}"',
            id="wildcard-owner-uses-canonical",
        ),
        pytest.param(
            like([MAIN, f"repo:{REPO}:pull_request"]),
            {},
            "stringlike-exact",
            f'{{"{SUB}": ["{MAIN}", "repo:{REPO}:pull_request"]}}',
            id="stringlike-exact-fix-is-json",
        ),
        pytest.param(
            policy(
                stmt({"StringEquals": {AUD: "sts.amazonaws.com.x", SUB: MAIN}}, federated=CN_ARN)
            ),
            {},
            "aud-wrong",
            '"sts.amazonaws.com.cn"',
            id="aud-wrong-cn-fix",
        ),
        pytest.param(
            GENERATED,
            {"repo_id": "42"},
            "no-repository-id",
            f'{{"{REPO_ID}": "42"}}',
            id="no-repository-id-uses-id",
        ),
    ],
)
def test_fixes(pol: dict[str, Any], kwargs: dict[str, Any], code: str, in_fix: str) -> None:
    fixes = [f.fix for f in lint_trust_policy(pol, **kwargs) if f.code == code]
    assert fixes, code
    assert any(in_fix in fix for fix in fixes), fixes
