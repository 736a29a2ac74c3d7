"""The documents the wizard sends: trust admits exactly the chosen scope; push is one repo."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import guide_settings
from wizard import policies, validate
from wizard.plan import Severity
from wizard.settings import Settings

ACCOUNT = "123456789012"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"


settings = guide_settings


def condition(s: Settings, partition: str = "aws") -> dict[str, Any]:
    document = policies.trust_policy(s, partition=partition, account_id=ACCOUNT)
    statement = document["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    provider = f"arn:{partition}:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    assert statement["Principal"] == {"Federated": provider}
    result: dict[str, Any] = statement["Condition"]
    return result


REPO = "repo:UNGlobalPlatform/images-datascience"


@pytest.mark.parametrize(
    ("changes", "operator", "sub"),
    [
        ({}, "StringEquals", f"{REPO}:ref:refs/heads/main"),
        ({"default_branch": "trunk"}, "StringEquals", f"{REPO}:ref:refs/heads/trunk"),
        ({"branches": ["release"]}, "StringEquals", f"{REPO}:ref:refs/heads/release"),
        ({"environments": ["prod"]}, "StringEquals", f"{REPO}:environment:prod"),
        ({"pull_requests": True}, "StringEquals", f"{REPO}:pull_request"),
        ({"tags": ["v*"]}, "StringLike", f"{REPO}:ref:refs/tags/v*"),
        ({"any_ref": True}, "StringLike", f"{REPO}:*"),
        ({"any_repo_of_owner": True}, "StringLike", "repo:UNGlobalPlatform/*"),
        (
            {"branches": ["main"], "environments": ["prod"]},
            "StringEquals",
            [f"{REPO}:ref:refs/heads/main", f"{REPO}:environment:prod"],
        ),
        (
            {"subject_format": "immutable", "owner_id": "111", "repo_id": "222"},
            "StringEquals",
            "repo:UNGlobalPlatform@111/images-datascience@222:ref:refs/heads/main",
        ),
    ],
)
def test_trust_scopes(changes: dict[str, Any], operator: str, sub: Any) -> None:
    cond = condition(settings(**changes))
    assert cond["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert cond[operator]["token.actions.githubusercontent.com:sub"] == sub
    # aud and sub together: StringLike only when a pattern needs it, and sub is never in both.
    subs = [op for op in cond if "token.actions.githubusercontent.com:sub" in cond[op]]
    assert subs == [operator]


def test_mixed_exact_and_pattern_share_stringlike() -> None:
    # Two operators would be ANDed: an exact branch and a tag pattern must be ORed in one.
    cond = condition(settings(branches=["main"], tags=["v*"]))
    assert cond["StringLike"]["token.actions.githubusercontent.com:sub"] == [
        f"{REPO}:ref:refs/heads/main",
        f"{REPO}:ref:refs/tags/v*",
    ]
    assert "token.actions.githubusercontent.com:sub" not in cond["StringEquals"]


def test_china_partition_audience() -> None:
    cond = condition(settings(), partition="aws-cn")
    assert cond["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com.cn"


def test_repository_id_condition() -> None:
    cond = condition(settings(require_repository_id=True, repo_id="987"))
    assert cond["StringEquals"]["token.actions.githubusercontent.com:repository_id"] == "987"


def test_custom_claim_template_is_called_out() -> None:
    s = settings(sub_claim_keys=["repo", "context", "job_workflow_ref"])
    assert [x.value for x in policies.subjects(s)] == [
        f"{REPO}:ref:refs/heads/main:job_workflow_ref:*"
    ]
    assert any("custom subject template" in n.text for n in policies.scope_notes(s))


@pytest.mark.parametrize(
    ("changes", "severity", "fragment"),
    [
        ({"any_ref": True}, Severity.DANGER, "every branch, tag, environment and pull request"),
        ({"any_repo_of_owner": True}, Severity.DANGER, "every repository of UNGlobalPlatform"),
        ({"pull_requests": True}, Severity.WARNING, "Pull-request workflows"),
        # a pattern admits branches created later: WIDE, so it asks for confirmation
        ({"branches": ["release/*"]}, Severity.DANGER, "WIDE: branch release/*"),
        ({"tags": ["v*"]}, Severity.DANGER, "WIDE: tag v*"),
        ({"default_branch": "ma?n"}, Severity.DANGER, "WIDE: branch ma?n"),
    ],
)
def test_wide_scopes_are_called_out(
    changes: dict[str, Any], severity: Severity, fragment: str
) -> None:
    notes = policies.scope_notes(settings(**changes))
    assert any(n.severity is severity and fragment in n.text for n in notes)


def test_default_scope_has_no_warning() -> None:
    assert [n for n in policies.scope_notes(settings()) if n.severity is not Severity.INFO] == []


def test_push_policy_exact_repository() -> None:
    document = policies.push_policy(settings(), partition="aws", account_id=ACCOUNT)
    login, push = document["Statement"]
    assert login["Action"] == ["ecr:GetAuthorizationToken"]
    assert login["Resource"] == "*"
    assert push["Resource"] == f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/onyxia-eostat"
    assert set(push["Action"]) == set(policies.PUSH_ACTIONS)
    assert "ecr:GetAuthorizationToken" not in push["Action"]
    text = str(document)
    assert "ACCOUNT_ID" not in text and "REGION" not in text


def test_push_policy_partition_and_region() -> None:
    document = policies.push_policy(
        settings(region="cn-north-1"), partition="aws-cn", account_id=ACCOUNT
    )
    assert (
        document["Statement"][1]["Resource"]
        == f"arn:aws-cn:ecr:cn-north-1:{ACCOUNT}:repository/onyxia-eostat"
    )


def test_public_push_policy() -> None:
    document = policies.push_policy(settings(public=True), partition="aws", account_id=ACCOUNT)
    login, push = document["Statement"]
    assert set(login["Action"]) == {"ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"}
    assert push["Resource"] == f"arn:aws:ecr-public::{ACCOUNT}:repository/onyxia-eostat"


def test_trust_policy_size_limit() -> None:
    many = [f"release/{i:04d}-long-branch-name" for i in range(60)]
    with pytest.raises(policies.PolicyTooLarge, match="IAM allows 2048"):
        policies.trust_policy(settings(branches=many), partition="aws", account_id=ACCOUNT)


def test_size_counts_no_whitespace() -> None:
    assert policies.policy_size({"a": [1, 2]}) == len('{"a":[1,2]}')


def test_registry_host() -> None:
    assert (
        policies.registry_host(ACCOUNT, "eu-west-1") == f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"
    )
    assert policies.registry_host(ACCOUNT, "cn-north-1", "aws-cn").endswith("amazonaws.com.cn")


@pytest.mark.parametrize(
    ("keys", "sub"),
    [
        (["repository_owner", "context"], "repository_owner:UNGlobalPlatform:ref:refs/heads/main"),
        (["repository_id", "context"], "repository_id:987:ref:refs/heads/main"),
        (
            ["repository", "ref"],
            "repository:UNGlobalPlatform/images-datascience:ref:refs/heads/main",
        ),
        (["context"], "ref:refs/heads/main"),
    ],
)
def test_custom_templates_fill_known_claims_and_pin_the_repository(
    keys: list[str], sub: str
) -> None:
    s = settings(sub_claim_keys=keys, repo_id="987")
    cond = condition(s)
    subs = [*cond.get("StringEquals", {}).values(), *cond.get("StringLike", {}).values()]
    assert sub in subs
    if not set(keys) & {"repo", "repository", "repository_id"}:
        # The subject does not name the repository: its id is pinned beside it.
        assert cond["StringEquals"]["token.actions.githubusercontent.com:repository_id"] == "987"
    document = policies.trust_policy(s, partition="aws", account_id=ACCOUNT)
    from wizard.trust_lint import lint_trust_policy

    assert "sub-no-repo" not in {f.code for f in lint_trust_policy(document)}


def test_template_without_repository_and_unknown_id_is_refused() -> None:
    s = settings(sub_claim_keys=["repository_owner", "context"])
    errors = validate.settings_errors(s)
    assert [e.field for e in errors] == ["repo_id"]
    assert "does not name the repository" in errors[0].message
    with pytest.raises(policies.PolicyError, match="--repo-id"):
        policies.trust_policy(s, partition="aws", account_id=ACCOUNT)


def test_template_without_context_is_wide() -> None:
    notes = policies.scope_notes(settings(sub_claim_keys=["repo"]))
    assert any(n.severity is Severity.DANGER and "no context" in n.text for n in notes)


# --- The builders never widen ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "scope", "missing"),
    [
        (["repo", "ref"], {"environments": ["prod"]}, "'context' or 'environment'"),
        (["repo", "environment"], {"branches": ["main"]}, "'context' or 'ref'"),
        (["repo", "ref"], {"pull_requests": True}, "'context' or 'event_name'"),
        (["repo", "job_workflow_ref"], {}, "'context' or 'ref'"),
    ],
)
def test_a_scope_the_template_cannot_say_is_refused_naming_the_claim(
    keys: list[str], scope: dict[str, Any], missing: str
) -> None:
    s = settings(sub_claim_keys=keys, **scope)
    errors = validate.settings_errors(s)
    assert [e.field for e in errors] == ["sub_claim_keys"]
    assert missing in errors[0].message and "never filled with '*'" in errors[0].message
    with pytest.raises(policies.PolicyError, match="cannot express"):
        policies.trust_policy(s, partition="aws", account_id=ACCOUNT)


@pytest.mark.parametrize(
    ("keys", "scope", "sub"),
    [
        (
            ["repo", "ref"],
            {"tags": ["v1"]},
            "repo:UNGlobalPlatform/images-datascience:ref:refs/tags/v1",
        ),
        (
            ["repo", "environment"],
            {"environments": ["prod"]},
            "repo:UNGlobalPlatform/images-datascience:environment:prod",
        ),
        (
            ["repo", "ref", "event_name"],
            {"pull_requests": True, "branches": ["main"]},
            "repo:UNGlobalPlatform/images-datascience:ref:*:event_name:pull_request",
        ),
    ],
)
def test_each_chosen_scope_is_written_exactly(
    keys: list[str], scope: dict[str, Any], sub: str
) -> None:
    s = settings(sub_claim_keys=keys, repo_id="987", **scope)
    assert sub in [x.value for x in policies.subjects(s)]


def test_scope_values_with_a_policy_variable_are_refused() -> None:
    for field, value in (
        ("branches", ["a${aws:username}"]),
        ("environments", ["p${x}"]),
        ("tags", ["${*}"]),
    ):
        errors = validate.settings_errors(settings(**{field: value}))
        assert errors and "'${'" in errors[0].message, (field, errors)


def test_the_cli_refuses_an_inexpressible_scope_with_exit_2(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ecr-oidc-wizard.toml").write_text(
        'version = 1\n[answers]\nsub_claim_keys = ["repo", "ref"]\nrepo_id = "1"\n'
    )
    code = main(
        [
            "plan",
            "--github-repo",
            "o/r",
            "--ecr-repository",
            "app",
            "--role-name",
            "R",
            "--region",
            "us-east-1",
            "--environment",
            "prod",
        ]
    )
    assert code == 2
    assert "'context' or 'environment'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("keys", "scope"),
    [
        (["actor", "repo", "context"], {}),
        (["ref", "repo", "context"], {"environments": ["prod"]}),
        (["workflow", "repository", "context"], {}),
        # the owner's id unknown is written as '*'
        (["repository_owner_id", "repo", "context"], {}),
    ],
)
def test_a_wildcard_claim_before_the_repository_needs_the_repository_id(
    keys: list[str], scope: dict[str, Any]
) -> None:
    # `actor:*:repo:o/r:...`: the `*` also matches ':', so another repository's token whose
    # environment is named ':repo:o/r:...' would match; only the numeric id pins the repository.
    s = settings(sub_claim_keys=keys, **scope)
    errors = validate.settings_errors(s)
    assert [e.field for e in errors] == ["repo_id"]
    with pytest.raises(policies.PolicyError, match="--repo-id"):
        policies.trust_policy(s, partition="aws", account_id=ACCOUNT)
    pinned = condition(settings(sub_claim_keys=keys, repo_id="987", **scope))
    assert pinned["StringEquals"]["token.actions.githubusercontent.com:repository_id"] == "987"


def test_known_owner_claims_before_the_repository_still_pin_it() -> None:
    s = settings(sub_claim_keys=["repository_owner", "repo", "context"])
    assert validate.settings_errors(s) == []
    assert condition(s)["StringEquals"]["token.actions.githubusercontent.com:sub"] == (
        f"repository_owner:UNGlobalPlatform:{REPO}:ref:refs/heads/main"
    )


def test_a_known_owner_id_before_the_repository_pins_it() -> None:
    s = settings(sub_claim_keys=["repository_owner_id", "repo", "context"], owner_id="42")
    assert validate.settings_errors(s) == []
    sub = condition(s)["StringEquals"]["token.actions.githubusercontent.com:sub"]
    assert sub == f"repository_owner_id:42:{REPO}:ref:refs/heads/main"


@pytest.mark.parametrize("field", ["owner_id", "repo_id"])
def test_a_given_id_must_be_a_number(field: str) -> None:
    s = settings(sub_claim_keys=["repository_owner_id", "repo", "context"], **{field: "*"})
    assert field in [e.field for e in validate.settings_errors(s)]
