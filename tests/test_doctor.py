"""The doctor end to end: `ecr-oidc-wizard doctor` against a real moto server over HTTP.

The setup that `apply` creates must come out healthy; each thing broken afterwards, one at a
time, must be reported by its code with exit 1 (or 0 for a medium finding).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.conftest import ACCOUNT_ID, REGION, MotoServer, writes
from tests.helpers import GUIDE_ARGS
from wizard.cli import main

ROLE = "GitHubActionsEOStatPush"
REPO = "onyxia-eostat"
GITHUB_REPO = "UNGlobalPlatform/images-datascience"
PROVIDER = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
SUB = "token.actions.githubusercontent.com:sub"
AUD = "token.actions.githubusercontent.com:aud"


@pytest.fixture(autouse=True)
def no_github(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test here may find a real GitHub token (env, keyring or gh) on this machine."""
    monkeypatch.setattr("wizard.doctor.find_github", lambda settings: (None, "no GitHub token"))
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("wizard.github_token.token_from_gh", lambda *a, **k: None)
    monkeypatch.setattr("wizard.github_token.token_from_keyring", lambda *a, **k: None)
    yield


def client(moto: MotoServer, service: str, region: str = REGION) -> Any:
    return boto3.client(
        service,
        endpoint_url=moto.url,
        region_name=region,
        config=Config(retries={"max_attempts": 1}),
    )


def doctor(moto: MotoServer, *extra: str) -> int:
    return main(["doctor", *GUIDE_ARGS, "--endpoint-url", moto.url, *extra])


def doctor_json(moto: MotoServer, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    code = doctor(moto, "--json", *extra)
    document = json.loads(capsys.readouterr().out)
    document["_code"] = code
    return document


def codes(document: Any) -> dict[str, str]:
    return {f["code"]: f["status"] for f in document["findings"]}


@pytest.fixture
def applied(moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]) -> MotoServer:
    assert main(["apply", *GUIDE_ARGS, "--endpoint-url", moto.url, "--yes"]) == 0
    capsys.readouterr()
    return moto


def push_policy(**changes: Any) -> dict[str, Any]:
    region = changes.get("region", REGION)
    account = changes.get("account", ACCOUNT_ID)
    actions = changes.get(
        "actions",
        [
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:GetRepositoryPolicy",
            "ecr:DescribeRepositories",
            "ecr:ListImages",
            "ecr:DescribeImages",
            "ecr:BatchGetImage",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
        ],
    )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": actions,
                "Resource": f"arn:aws:ecr:{region}:{account}:repository/{REPO}",
            },
        ],
    }


def put_push_policy(moto: MotoServer, document: dict[str, Any]) -> None:
    client(moto, "iam").put_role_policy(
        RoleName=ROLE, PolicyName="ECRPushPolicy", PolicyDocument=json.dumps(document)
    )


# --- the healthy setup -------------------------------------------------------------------------


def test_the_setup_apply_creates_is_healthy_and_the_doctor_writes_nothing(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    applied.start_recording()
    assert doctor(applied) == 0
    assert writes(applied.recorded()) == []
    out = capsys.readouterr().out
    assert "✓ Healthy: no high-severity problem" in out
    assert "✗" not in out
    # One line per finding, each with a symbol and a severity word.
    assert f"  ✓ ok          {PROVIDER} exists with the audience sts.amazonaws.com" in out
    assert "a push to branch main of UNGlobalPlatform/images-datascience" in out
    assert "  ○ not checked" in out and "no GitHub token" in out


def test_healthy_json_lists_every_area(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    document = doctor_json(applied, capsys)
    assert document["_code"] == 0
    assert document["healthy"] is True
    assert document["exit_code"] == 0
    assert document["account_id"] == ACCOUNT_ID
    found = codes(document)
    for code in ("provider-ok", "role-ok", "push-policy-ok", "repository-ok"):
        assert found[code] == "ok"
    # The wizard's own policy pins main but has no repository_id condition: a suggestion only.
    assert found["no-repository-id"] == "low"
    assert found["github-not-checked"] == "not checked"


def test_the_doctor_reads_the_config_file_that_apply_wrote(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # No target flags at all: ./ecr-oidc-wizard.toml supplies them, as for plan and apply.
    assert main(["doctor", "--endpoint-url", applied.url]) == 0
    assert f"role {ROLE}" in capsys.readouterr().out


# --- broken one thing at a time ------------------------------------------------------------


def wrong_region(moto: MotoServer) -> None:
    put_push_policy(moto, push_policy(region="us-west-2"))


def wrong_account(moto: MotoServer) -> None:
    put_push_policy(moto, push_policy(account="210987654321"))


def placeholder_account(moto: MotoServer) -> None:
    put_push_policy(moto, push_policy(region="REGION", account="ACCOUNT_ID"))


def missing_action(moto: MotoServer) -> None:
    document = push_policy()
    document["Statement"][1]["Action"].remove("ecr:PutImage")
    put_push_policy(moto, document)


def login_on_repository(moto: MotoServer) -> None:
    document = push_policy()
    document["Statement"][0]["Resource"] = document["Statement"][1]["Resource"]
    put_push_policy(moto, document)


def no_push_policy(moto: MotoServer) -> None:
    client(moto, "iam").delete_role_policy(RoleName=ROLE, PolicyName="ECRPushPolicy")


def immutable(moto: MotoServer) -> None:
    client(moto, "ecr").put_image_tag_mutability(
        repositoryName=REPO, imageTagMutability="IMMUTABLE"
    )


def exclusion_without_latest(moto: MotoServer) -> None:
    client(moto, "ecr").put_image_tag_mutability(
        repositoryName=REPO,
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "dev-*"}],
    )


def provider_missing(moto: MotoServer) -> None:
    client(moto, "iam").delete_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER)


def repository_missing(moto: MotoServer) -> None:
    client(moto, "ecr").delete_repository(repositoryName=REPO, force=True)


def trust_other_branch(moto: MotoServer) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        AUD: "sts.amazonaws.com",
                        SUB: f"repo:{GITHUB_REPO}:ref:refs/heads/develop",
                    }
                },
            }
        ],
    }
    client(moto, "iam").update_assume_role_policy(
        RoleName=ROLE, PolicyDocument=json.dumps(document)
    )


def trust_other_account(moto: MotoServer) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::210987654321:oidc-provider/"
                    "token.actions.githubusercontent.com"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {AUD: "sts.amazonaws.com", SUB: f"repo:{GITHUB_REPO}:*"}
                },
            }
        ],
    }
    client(moto, "iam").update_assume_role_policy(
        RoleName=ROLE, PolicyDocument=json.dumps(document)
    )


def org_wide_trust(moto: MotoServer) -> None:
    client(moto, "iam").update_assume_role_policy(RoleName=ROLE, PolicyDocument=ORG_WIDE)


def no_sub_trust(moto: MotoServer) -> None:
    client(moto, "iam").update_assume_role_policy(RoleName=ROLE, PolicyDocument=NO_SUB)


def role_missing(moto: MotoServer) -> None:
    iam = client(moto, "iam")
    iam.delete_role_policy(RoleName=ROLE, PolicyName="ECRPushPolicy")
    iam.delete_role(RoleName=ROLE)


@pytest.mark.parametrize(
    ("breaker", "code", "fragment"),
    [
        (wrong_region, "push-arn-region", "its region is 'us-west-2', not 'us-east-1'"),
        (wrong_account, "push-arn-account", "its account is '210987654321'"),
        (placeholder_account, "push-arn-placeholder", "placeholder 'REGION'"),
        (missing_action, "push-missing-action", "allows ecr:PutImage"),
        (login_on_repository, "login-not-star", "ecr:GetAuthorizationToken is allowed only on"),
        (no_push_policy, "push-policy-missing", f"role {ROLE} has no policy"),
        (immutable, "latest-immutable", "is IMMUTABLE: `latest` cannot move"),
        (exclusion_without_latest, "latest-immutable", "IMMUTABLE_WITH_EXCLUSION (except dev-*)"),
        (provider_missing, "provider-missing", "has no OIDC provider"),
        (repository_missing, "repository-missing", f"there is no repository {REPO} in us-east-1"),
        (trust_other_branch, "scope-refused", "a push to branch main"),
        (trust_other_account, "role-not-trusting-provider", "210987654321"),
        (trust_other_account, "other-account-provider", "not this account"),
        (role_missing, "role-missing", f"there is no role {ROLE}"),
        (org_wide_trust, "wildcard-repo", "repo:SOMEORG/*"),
        (no_sub_trust, "no-sub", "any repository on GitHub can assume this role"),
    ],
)
def test_each_broken_part_is_reported_high_with_exit_1(
    applied: MotoServer,
    capsys: pytest.CaptureFixture[str],
    breaker: Callable[[MotoServer], None],
    code: str,
    fragment: str,
) -> None:
    breaker(applied)
    document = doctor_json(applied, capsys)
    assert document["_code"] == 1
    assert document["healthy"] is False
    found = [f for f in document["findings"] if f["code"] == code]
    assert found, codes(document)
    assert found[0]["status"] == "high"
    assert fragment in found[0]["message"]
    assert found[0]["fix"]
    # The text report says the same in words, with the symbol, never by colour alone.
    assert doctor(applied) == 1
    out = capsys.readouterr().out
    assert "✗ high" in out
    assert "✗ Problems found:" in out


def test_a_missing_role_skips_the_push_policy_instead_of_erroring(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    role_missing(applied)
    found = codes(doctor_json(applied, capsys))
    assert found["push-not-checked"] == "not checked"
    assert "read-failed" not in found


def test_a_mutable_repository_is_a_medium_finding_and_still_exit_0(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    client(applied, "ecr").put_image_tag_mutability(
        repositoryName=REPO, imageTagMutability="MUTABLE"
    )
    document = doctor_json(applied, capsys)
    assert document["_code"] == 0
    assert codes(document)["version-tag-mutable"] == "medium"


def test_a_push_policy_on_every_repository_is_called_wide(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    document = push_policy()
    document["Statement"][1]["Resource"] = "*"
    put_push_policy(applied, document)
    found = codes(doctor_json(applied, capsys))
    assert found["push-policy-wide"] == "medium"
    assert found["push-policy-ok"] == "ok"


def test_a_managed_policy_counts_as_well_as_inline_ones(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = client(applied, "iam")
    iam.delete_role_policy(RoleName=ROLE, PolicyName="ECRPushPolicy")
    arn = iam.create_policy(PolicyName="Push", PolicyDocument=json.dumps(push_policy()))["Policy"][
        "Arn"
    ]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)
    document = doctor_json(applied, capsys)
    assert document["_code"] == 0, codes(document)
    assert codes(document)["push-policy-ok"] == "ok"


def test_checking_another_region_finds_no_repository_and_a_mismatched_arn(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    document = doctor_json(applied, capsys, "--region", "eu-west-1")
    found = codes(document)
    assert found["repository-missing"] == "high"
    assert found["push-arn-region"] == "high"


def test_unreachable_aws_is_an_error_with_exit_1_not_a_crash(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["doctor", *GUIDE_ARGS, "--endpoint-url", "http://127.0.0.1:9"])
    assert code == 1
    out = capsys.readouterr().out
    assert "✗ error" in out


def test_doctor_without_a_role_is_invalid_input(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moto.start_recording()
    assert main(["doctor", "--region", REGION, "--endpoint-url", moto.url]) == 2
    assert moto.recorded() == []
    err = capsys.readouterr().err
    assert "IAM role name (--role-name)" in err
    assert "Nothing was sent to AWS or GitHub." in err


# --- the account scan ----------------------------------------------------------------------


def trust(condition: dict[str, Any] | None, federated: str = PROVIDER) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": federated},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if condition is not None:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


ORG_WIDE = trust(
    {"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:SOMEORG/*"}}
)
NO_SUB = trust({"StringEquals": {AUD: "sts.amazonaws.com"}})
ANY_REF = trust({"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:o/r:*"}})
GOOD = trust(
    {
        "StringEquals": {
            AUD: "sts.amazonaws.com",
            SUB: "repo:o/r:ref:refs/heads/main",
            "token.actions.githubusercontent.com:repository_id": "42",
        }
    }
)
NOT_GITHUB = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def make_roles(moto: MotoServer, roles: dict[str, str]) -> None:
    iam = client(moto, "iam")
    for name, document in roles.items():
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)


def scan(moto: MotoServer, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, Any]:
    code = main(["doctor", "--scan", "--region", REGION, "--endpoint-url", moto.url, *extra])
    return code, capsys.readouterr().out


def test_scan_reports_org_wide_and_subless_roles_high_and_exit_1(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_roles(
        moto,
        {
            "org-wide": ORG_WIDE,
            "no-sub": NO_SUB,
            "any-ref": ANY_REF,
            "good": GOOD,
            "ec2-instance": NOT_GITHUB,
        },
    )
    code, out = scan(moto, capsys, "--json")
    assert code == 1
    document = json.loads(out)
    assert document["healthy"] is False
    assert document["roles_seen"] == 5
    by_name = {r["role_name"]: r for r in document["roles"]}
    assert set(by_name) == {"org-wide", "no-sub", "any-ref", "good"}
    assert by_name["org-wide"]["worst"] == "high"
    assert "wildcard-repo" in [f["code"] for f in by_name["org-wide"]["findings"]]
    assert by_name["no-sub"]["worst"] == "high"
    assert "no-sub" in [f["code"] for f in by_name["no-sub"]["findings"]]
    assert by_name["any-ref"]["worst"] == "medium"
    assert "any-ref" in [f["code"] for f in by_name["any-ref"]["findings"]]
    assert by_name["good"]["worst"] == "ok"
    # Worst first.
    assert [r["worst"] for r in document["roles"]] == ["high", "high", "medium", "ok"]


def test_scan_text_is_one_table(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_roles(moto, {"org-wide": ORG_WIDE, "good": GOOD, "ec2-instance": NOT_GITHUB})
    code, out = scan(moto, capsys)
    assert code == 1
    lines = out.splitlines()
    assert "2 of 3 roles trust GitHub's OIDC provider" in lines[0]
    header = next(i for i, line in enumerate(lines) if line.startswith("ROLE"))
    assert "SEVERITY" in lines[header] and "FINDING" in lines[header]
    org = next(line for line in lines if line.startswith("org-wide"))
    assert "✗ high" in org and "repo:SOMEORG/*" in org
    assert any(line.startswith("good") and "✓ ok" in line for line in lines)
    assert any("fix: " in line for line in lines)
    assert "ec2-instance" not in out


def test_scan_of_only_medium_findings_exits_0(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_roles(moto, {"any-ref": ANY_REF, "good": GOOD})
    code, _ = scan(moto, capsys)
    assert code == 0


def test_scan_follows_pagination(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # moto answers 100 roles a page: the GitHub role created last is on the second page.
    make_roles(moto, {f"service-{i:03d}": NOT_GITHUB for i in range(100)})
    make_roles(moto, {"zz-org-wide": ORG_WIDE})
    code, out = scan(moto, capsys, "--json")
    document = json.loads(out)
    assert document["roles_seen"] == 101
    assert [r["role_name"] for r in document["roles"]] == ["zz-org-wide"]
    assert code == 1


def test_scan_of_an_account_without_github_roles_is_healthy(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_roles(moto, {"ec2-instance": NOT_GITHUB})
    code, out = scan(moto, capsys)
    assert code == 0
    # every GitHub issuer is looked for, and wildcard principals too
    assert "No role of this account trusts a GitHub issuer's provider" in out


def test_scan_and_claim_together_are_invalid(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = scan(moto, capsys, "--claim", "repo:o/r:ref:refs/heads/main")
    assert code == 2


# --- the claim simulator -------------------------------------------------------------------


@pytest.fixture
def main_only(moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]) -> MotoServer:
    """A role created by apply for o/r with the default scope: only ref:refs/heads/main."""
    args = ["--github-repo", "o/r", "--ecr-repository", REPO, "--role-name", ROLE]
    assert main(["apply", *args, "--region", REGION, "--endpoint-url", moto.url, "--yes"]) == 0
    capsys.readouterr()
    return moto


def simulate(moto: MotoServer, *extra: str) -> int:
    return main(["doctor", "--endpoint-url", moto.url, *extra])


def test_an_environment_job_is_denied_by_a_main_only_role_naming_the_sub_condition(
    main_only: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert simulate(main_only, "--claim", "repo:o/r:environment:prod") == 1
    out = capsys.readouterr().out
    assert out.startswith("✗ DENIED")
    assert f"condition StringEquals on {SUB}" in out
    assert "sub sent:     repo:o/r:environment:prod" in out
    assert "sub accepted: StringEquals 'repo:o/r:ref:refs/heads/main'" in out

    assert simulate(main_only, "--claim", "repo:o/r:environment:prod", "--json") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["allowed"] is False
    assert document["deciding"]["key"] == SUB
    assert document["claims"]["aud"] == "sts.amazonaws.com"
    assert document["exit_code"] == 1


def test_the_main_branch_is_allowed(
    main_only: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert simulate(main_only, "--claim", "repo:o/r:ref:refs/heads/main") == 0
    assert capsys.readouterr().out.startswith("✓ ALLOWED")


@pytest.mark.parametrize(
    ("parts", "allowed", "sub"),
    [
        (["--branch", "main"], True, "repo:o/r:ref:refs/heads/main"),
        (["--event", "push"], True, "repo:o/r:ref:refs/heads/main"),
        (["--branch", "develop"], False, "repo:o/r:ref:refs/heads/develop"),
        (["--environment", "prod"], False, "repo:o/r:environment:prod"),
        (["--environment", "prod", "--branch", "main"], False, "repo:o/r:environment:prod"),
        (["--event", "pull_request"], False, "repo:o/r:pull_request"),
        (["--event", "tag", "--tag", "v1.0"], False, "repo:o/r:ref:refs/tags/v1.0"),
        (["--tag", "v1.0"], False, "repo:o/r:ref:refs/tags/v1.0"),
        (["--repo", "O/R", "--branch", "main"], False, "repo:O/R:ref:refs/heads/main"),
    ],
)
def test_the_simulator_builds_the_sub_from_the_parts(
    main_only: MotoServer,
    capsys: pytest.CaptureFixture[str],
    parts: list[str],
    allowed: bool,
    sub: str,
) -> None:
    code = simulate(main_only, "--json", *parts)
    document = json.loads(capsys.readouterr().out)
    assert document["claims"]["sub"] == sub
    assert document["allowed"] is allowed
    assert code == (0 if allowed else 1)
    if not allowed:
        assert document["deciding"]["key"] == SUB


@pytest.mark.parametrize(
    "parts",
    [
        ["--claim", "repo:o/r:ref:refs/heads/main", "--branch", "main"],
        ["--event", "tag"],
        ["--tag", "v1", "--branch", "main"],
        ["--claim", "sub="],
        ["--trust-policy-file", "nowhere.json"],
    ],
)
def test_impossible_jobs_are_invalid_input(
    main_only: MotoServer, capsys: pytest.CaptureFixture[str], parts: list[str]
) -> None:
    main_only.start_recording()
    assert simulate(main_only, *parts) == 2
    assert main_only.recorded() == []
    assert "Nothing was sent to AWS or GitHub." in capsys.readouterr().err


def test_simulating_a_role_that_does_not_exist_explains_and_exits_1(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "doctor",
            "--region",
            REGION,
            "--endpoint-url",
            moto.url,
            "--role-name",
            "Nope",
            "--claim",
            "repo:o/r:ref:refs/heads/main",
        ]
    )
    assert code == 1
    assert "Nope" in capsys.readouterr().err


def test_simulating_a_trust_policy_file_needs_no_aws(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workdir / "trust.json"
    path.write_text(ANY_REF)
    monkeypatch.setenv("AWS_REGION", REGION)
    code = main(["doctor", "--trust-policy-file", str(path), "--claim", "repo:o/r:pull_request"])
    out = capsys.readouterr().out
    assert code == 0
    assert "✓ ALLOWED" in out
    assert "StringLike 'repo:o/r:*'" in out


# --- explain --live ------------------------------------------------------------------------

DENIED = (
    "Error: Could not assume role with OIDC: Not authorized to perform "
    "sts:AssumeRoleWithWebIdentity"
)


def test_explain_live_shows_the_sub_each_likely_job_sends(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["explain", DENIED, "--live", "--endpoint-url", applied.url])
    assert code == 0
    out = capsys.readouterr().out
    assert "Live setup (doctor)" in out
    assert f"✓ ALLOWED: a push to branch main of {GITHUB_REPO}" in out
    assert f"✗ DENIED: a job in environment production of {GITHUB_REPO}" in out
    assert f"sub sent:     repo:{GITHUB_REPO}:environment:production" in out
    assert f"sub accepted: StringEquals 'repo:{GITHUB_REPO}:ref:refs/heads/main'" in out
    assert "✗ DENIED: a pull_request job" in out


def test_explain_live_simulates_the_ref_the_log_names(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    log = f"Run on refs/heads/feature/x\n{DENIED}"
    assert main(["explain", log, "--live", "--json", "--endpoint-url", applied.url]) == 0
    document = json.loads(capsys.readouterr().out)
    sims = document["live"]["simulations"]
    assert sims[0]["claims"]["sub"] == f"repo:{GITHUB_REPO}:ref:refs/heads/feature/x"
    assert sims[0]["allowed"] is False
    assert sims[0]["deciding"]["key"] == SUB
    assert {f["area"] for f in document["live"]["findings"]} <= {
        "provider",
        "role",
        "trust-policy",
    }


def test_explain_live_checks_the_repository_for_an_immutable_tag_error(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    immutable(applied)
    text = (
        "tag invalid: The image tag 'latest' already exists in the 'onyxia-eostat' repository "
        "and cannot be overwritten because the repository is immutable."
    )
    assert main(["explain", text, "--live", "--json", "--endpoint-url", applied.url]) == 0
    live = json.loads(capsys.readouterr().out)["live"]
    assert "latest-immutable" in [f["code"] for f in live["findings"]]


def test_explain_live_never_fails_when_aws_is_unreachable(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["explain", DENIED, "--live", *GUIDE_ARGS, "--endpoint-url", "http://127.0.0.1:9"])
    assert code == 0
    out = capsys.readouterr().out
    assert "GitHub's token was refused" in out
    assert "AWS could not be read" in out


def test_explain_without_live_reads_nothing_live(
    applied: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    applied.start_recording()
    assert main(["explain", DENIED, "--endpoint-url", applied.url]) == 0
    assert applied.recorded() == []
    assert "Live setup" not in capsys.readouterr().out
