"""The doctor's pure judgements, without AWS: push policies, tag mutability, claims, reports."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import guide_settings
from wizard.claims import evaluate
from wizard.doctor import (
    Area,
    Finding,
    SetupReport,
    Status,
    accepted_subjects,
    claims_from_text,
    expected_jobs,
    job_claims,
    provider_findings,
    push_policy_findings,
    scan_roles,
    simulate,
    tag_is_immutable,
    trusts_github,
)
from wizard.policies import PUSH_ACTIONS, push_policy, trust_policy
from wizard.render.doctor_report import MARK, finding_lines, report_lines, summary_line
from wizard.steps.oidc_provider import ProviderState

ACCOUNT = "123456789012"
ARN = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/onyxia-eostat"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SUB = "token.actions.githubusercontent.com:sub"


def guide_push() -> dict[str, Any]:
    return push_policy(guide_settings(), partition="aws", account_id=ACCOUNT)


def judged(*documents: dict[str, Any]) -> dict[str, Finding]:
    found = push_policy_findings(
        [(f"P{i}", d) for i, d in enumerate(documents)], role_name="R", repository=ARN
    )
    return {f.code: f for f in found}


# --- push policy ---------------------------------------------------------------------------


def test_the_wizard_s_push_policy_passes() -> None:
    found = judged(guide_push())
    assert list(found) == ["push-policy-ok"]
    assert found["push-policy-ok"].status is Status.OK


def test_actions_spread_over_two_policies_count_together() -> None:
    document = guide_push()
    login = {"Version": "2012-10-17", "Statement": [document["Statement"][0]]}
    push = {"Version": "2012-10-17", "Statement": [document["Statement"][1]]}
    assert list(judged(login, push)) == ["push-policy-ok"]


def test_wildcard_actions_on_the_repository_count() -> None:
    document = guide_push()
    document["Statement"][1]["Action"] = "ecr:*"
    assert list(judged(document)) == ["push-policy-ok"]


def test_a_statement_as_a_single_object_is_read() -> None:
    document = guide_push()
    statements = document["Statement"]
    document["Statement"] = {**statements[1], "Action": ["ecr:*"], "Resource": [ARN, "*"]}
    found = judged(document)
    assert "push-policy-ok" in found
    assert found["push-policy-wide"].status is Status.MEDIUM


@pytest.mark.parametrize(
    ("resource", "code", "words"),
    [
        (ARN.replace("us-east-1", "eu-west-1"), "push-arn-region", "region is 'eu-west-1'"),
        (ARN.replace(ACCOUNT, "000000000000"), "push-arn-account", "account is '000000000000'"),
        (
            ARN.replace("onyxia-eostat", "onyxia"),
            "push-arn-name",
            "resource is 'repository/onyxia'",
        ),
        (
            "arn:aws:ecr:REGION:ACCOUNT_ID:repository/onyxia-eostat",
            "push-arn-placeholder",
            "placeholder 'REGION'",
        ),
        (ARN.replace(":ecr:", ":ecr-public:"), "push-arn-other", "service is 'ecr-public'"),
    ],
)
def test_a_push_grant_on_another_arn_names_the_part_that_differs(
    resource: str, code: str, words: str
) -> None:
    document = guide_push()
    document["Statement"][1]["Resource"] = resource
    found = judged(document)
    assert found[code].status is Status.HIGH
    assert words in found[code].message
    assert "push-policy-ok" not in found


def test_a_pattern_covering_the_repository_is_fine() -> None:
    document = guide_push()
    document["Statement"][1]["Resource"] = f"arn:aws:ecr:*:{ACCOUNT}:repository/onyxia-*"
    # A prefix pattern is a choice, not "every repository": only the probe of another name counts.
    assert list(judged(document)) == ["push-policy-ok"]


def test_an_explicit_deny_is_named() -> None:
    document = guide_push()
    document["Statement"].append({"Effect": "Deny", "Action": "ecr:PutImage", "Resource": "*"})
    found = judged(document)
    assert found["push-denied"].status is Status.HIGH
    assert "ecr:PutImage" in found["push-denied"].message


def test_not_action_and_not_resource_are_understood() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::*"},
        ],
    }
    found = judged(document)
    assert "push-policy-ok" in found
    assert "push-policy-wide" in found


def test_missing_actions_are_listed() -> None:
    document = guide_push()
    document["Statement"][1]["Action"] = [a for a in PUSH_ACTIONS if "Layer" not in a]
    found = judged(document)
    message = found["push-missing-action"].message
    for action in ("ecr:UploadLayerPart", "ecr:InitiateLayerUpload", "ecr:CompleteLayerUpload"):
        assert action in message


def test_no_policy_at_all() -> None:
    found = push_policy_findings([], role_name="R", repository=ARN)
    assert [f.code for f in found] == ["push-policy-missing"]


# --- tag mutability ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutability", "exclusions", "latest_immutable", "version_immutable"),
    [
        ("MUTABLE", (), False, False),
        ("IMMUTABLE", (), True, True),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest",), False, True),
        ("IMMUTABLE_WITH_EXCLUSION", ("dev-*",), True, True),
        ("IMMUTABLE_WITH_EXCLUSION", ("*",), False, False),
        ("MUTABLE_WITH_EXCLUSION", ("latest",), True, False),
        ("MUTABLE_WITH_EXCLUSION", ("*-*-*",), False, True),
    ],
)
def test_which_tags_can_move(
    mutability: str, exclusions: tuple[str, ...], latest_immutable: bool, version_immutable: bool
) -> None:
    assert tag_is_immutable("latest", mutability, exclusions) is latest_immutable
    assert tag_is_immutable("0.1.0-20250101-0123abc", mutability, exclusions) is version_immutable


# --- provider ------------------------------------------------------------------------------


def test_a_provider_without_the_sts_audience_is_high() -> None:
    found = provider_findings(
        ProviderState(arn=PROVIDER, client_ids=("sigstore",)), account_id=ACCOUNT, partition="aws"
    )
    assert [(f.code, f.status) for f in found] == [("provider-audience", Status.HIGH)]
    assert "add-client-id-to-open-id-connect-provider" in found[0].fix


def test_aws_cn_expects_its_own_audience() -> None:
    state = ProviderState(arn=PROVIDER, client_ids=("sts.amazonaws.com.cn",))
    found = provider_findings(state, account_id=ACCOUNT, partition="aws-cn")
    assert found[0].status is Status.OK


# --- claims and jobs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "sub"),
    [
        ({}, "repo:o/r:ref:refs/heads/main"),
        ({"branch": "refs/heads/dev"}, "repo:o/r:ref:refs/heads/dev"),
        ({"tag": "v1"}, "repo:o/r:ref:refs/tags/v1"),
        ({"event": "tag", "tag": "refs/tags/v1"}, "repo:o/r:ref:refs/tags/v1"),
        ({"event": "pull_request", "branch": "dev"}, "repo:o/r:pull_request"),
        ({"environment": "prod", "event": "pull_request"}, "repo:o/r:environment:prod"),
        ({"environment": "prod", "branch": "dev"}, "repo:o/r:environment:prod"),
        (
            {"owner_id": "7", "immutable_repo_id": "9"},
            "repo:o@7/r@9:ref:refs/heads/main",
        ),
    ],
)
def test_job_claims_send_the_sub_github_would(parts: dict[str, str], sub: str) -> None:
    claims, words, _ = job_claims("o/r", **parts)
    assert claims["sub"] == sub
    assert claims["aud"] == "sts.amazonaws.com"
    assert claims["repository"] == "o/r"
    assert "o/r" in words


def test_an_environment_job_still_carries_its_ref() -> None:
    claims, _, notes = job_claims("o/r", environment="prod", branch="main")
    assert claims["ref"] == "refs/heads/main"
    assert claims["environment"] == "prod"
    assert any("environment:NAME" in n for n in notes)


@pytest.mark.parametrize(
    "parts",
    [
        {"event": "tag"},
        {"tag": "v1", "branch": "main"},
        {"tag": "v1", "event": "pull_request"},
        {"event": "schedule"},
    ],
)
def test_impossible_jobs_raise(parts: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        job_claims("o/r", **parts)


def test_claims_from_a_sub_are_completed_like_a_real_token() -> None:
    # Only the claims STS exposes as condition keys: repository_owner, ref_type, event_name
    # are in the token but never reach IAM.
    claims, notes = claims_from_text("repo:o@7/r@9:ref:refs/tags/v1")
    assert claims == {
        "sub": "repo:o@7/r@9:ref:refs/tags/v1",
        "aud": "sts.amazonaws.com",
        "repository": "o/r",
        "repository_id": "9",
        "ref": "refs/tags/v1",
    }
    assert len(notes) == 2


def test_claims_given_as_pairs_win_over_derived_ones() -> None:
    claims, notes = claims_from_text("sub=repo:o/r:pull_request,aud=x,repository=O/R")
    assert claims["aud"] == "x"
    assert claims["repository"] == "O/R"
    assert "event_name" not in claims  # STS does not expose it
    assert not any(n.startswith("aud") for n in notes)


def test_expected_jobs_follow_the_configured_scope() -> None:
    s = guide_settings(branches=["main", "release/*"], environments=["prod"], pull_requests=True)
    jobs, why = expected_jobs(s)
    assert why == ""
    assert [c["sub"] for _, c in jobs] == [
        "repo:UNGlobalPlatform/images-datascience:ref:refs/heads/main",
        "repo:UNGlobalPlatform/images-datascience:environment:prod",
        "repo:UNGlobalPlatform/images-datascience:pull_request",
    ]
    # The wizard's own trust policy admits every job it expects.
    policy = trust_policy(s, partition="aws", account_id=ACCOUNT)
    assert all(evaluate(policy, c, provider_arn=PROVIDER).allowed for _, c in jobs)


def test_expected_jobs_cannot_guess_a_custom_template() -> None:
    jobs, why = expected_jobs(
        guide_settings(sub_claim_keys=["repo", "context", "job_workflow_ref"])
    )
    assert jobs == [] and "custom sub template" in why


def test_accepted_subjects_list_every_sub_value_with_its_operator() -> None:
    policy = trust_policy(guide_settings(any_ref=True), partition="aws", account_id=ACCOUNT)
    assert accepted_subjects(policy) == ("StringLike 'repo:UNGlobalPlatform/images-datascience:*'",)


def test_simulate_names_the_deciding_condition() -> None:
    policy = trust_policy(guide_settings(), partition="aws", account_id=ACCOUNT)
    claims, _ = claims_from_text("repo:UNGlobalPlatform/images-datascience:environment:prod")
    sim = simulate(policy, claims, role="R", provider=PROVIDER)
    assert not sim.allowed
    assert sim.exit_code == 1
    assert sim.decision.deciding is not None and sim.decision.deciding.key == SUB


# --- scan ----------------------------------------------------------------------------------


def test_scan_keeps_only_roles_that_trust_github() -> None:
    github = trust_policy(guide_settings(), partition="aws", account_id=ACCOUNT)
    other = {"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}}
    roles = [
        {"RoleName": "gh", "Arn": "a", "AssumeRolePolicyDocument": github},
        {"RoleName": "ec2", "Arn": "b", "AssumeRolePolicyDocument": other},
        {"RoleName": "broken", "Arn": "c", "AssumeRolePolicyDocument": "not json"},
    ]
    assert [r.role_name for r in scan_roles(roles, account_id=ACCOUNT)] == ["gh"]
    assert trusts_github(github) and not trusts_github(other) and not trusts_github(None)


# --- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_every_line_carries_a_symbol_and_a_word(status: Status) -> None:
    line = finding_lines(Finding(Area.ROLE, "x", status, "message", "do this"))[0]
    assert line.lstrip().startswith(f"{MARK[status]} {status}")


def test_the_summary_says_healthy_or_not_in_words() -> None:
    low = Finding(Area.TRUST, "x", Status.LOW, "m", "f")
    high = Finding(Area.TRUST, "y", Status.HIGH, "m", "f")
    assert summary_line([low]) == "✓ Healthy: no high-severity problem (1 low)."
    assert summary_line([low, high]).startswith("✗ Problems found: 1 high, 1 low.")
    report = SetupReport(ACCOUNT, "us-east-1", "R", "repo", "o/r", (high,))
    lines = report_lines(report)
    assert lines[0] == f"Doctor · account {ACCOUNT} · us-east-1 · role R · repository repo · o/r"
    assert "                fix: f" in lines
