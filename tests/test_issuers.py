"""Every GitHub issuer and AWS partition: the issuer is a setting, and the provider step, the
trust policy, lint, the simulator, the scan and the doctor all use the chosen one.

Issuer formats (docs.github.com, "OpenID Connect reference"): github.com
`https://token.actions.githubusercontent.com`; Enterprise Server `https://HOST/_services/token`;
an enterprise's unique issuer `https://token.actions.githubusercontent.com/SLUG`; GHE.com
`https://token.actions.SUBDOMAIN.ghe.com`. End-to-end cases run against the moto server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.conftest import ACCOUNT_ID, REGION, MotoServer, writes
from wizard import policies, validate
from wizard.claims import Verdict, evaluate
from wizard.cli import main
from wizard.iam.issuer import (
    GITHUB_COM,
    Issuer,
    issuer_for_api,
    issuer_of_provider_arn,
    parse_issuer,
)
from wizard.settings import Settings
from wizard.trust_lint import lint_trust_policy

GHES_API = "https://ghe.example.com/api/v3"
GHES = Issuer("ghe.example.com/_services/token", "ghes")
SLUG = Issuer("token.actions.githubusercontent.com/octo-corp", "enterprise")
GHE_COM = Issuer("token.actions.octocorp.ghe.com", "ghe.com")
REPO = "octo-org/app"
ARGS = [
    "--github-repo",
    REPO,
    "--ecr-repository",
    "app",
    "--role-name",
    "AppPush",
    "--region",
    REGION,
]


@pytest.fixture(autouse=True)
def no_github(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("wizard.doctor.find_github", lambda settings: (None, "no GitHub token"))
    monkeypatch.setattr("wizard.github_token.token_from_gh", lambda *a, **k: None)
    monkeypatch.setattr("wizard.github_token.token_from_keyring", lambda *a, **k: None)
    yield


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("", GITHUB_COM),
        ("https://api.github.com", GITHUB_COM),
        ("https://api.github.com/", GITHUB_COM),
        (GHES_API, GHES),
        ("https://GHE.Example.com/api/v3/", GHES),
        ("https://api.octocorp.ghe.com", GHE_COM),
        # neither GHE.com's tenant host nor github.com is an Enterprise Server
        ("https://octocorp.ghe.com/api/v3", GHE_COM),
        ("https://github.com/api/v3", GITHUB_COM),
        # a URL of no known shape (a proxy, a local stand-in) does not tell: --issuer does
        ("https://github-proxy.internal", GITHUB_COM),
        ("http://127.0.0.1:8080", GITHUB_COM),
    ],
)
def test_the_issuer_follows_the_api_url(api_url: str, expected: Issuer) -> None:
    assert issuer_for_api(api_url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://token.actions.githubusercontent.com", GITHUB_COM),
        ("https://token.actions.githubusercontent.com/octo-corp", SLUG),
        ("https://ghe.example.com/_services/token", GHES),
        ("https://token.actions.octocorp.ghe.com", GHE_COM),
        (
            "https://token.actions.octocorp.ghe.com/octocorp",
            Issuer("token.actions.octocorp.ghe.com/octocorp", "ghe.com"),
        ),
    ],
)
def test_issuers_accepted(text: str, expected: Issuer) -> None:
    assert parse_issuer(text) == expected
    assert issuer_of_provider_arn(expected.provider_arn("aws", ACCOUNT_ID)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "http://token.actions.githubusercontent.com",
        "https://accounts.google.com",
        "https://token.actions.githubusercontent.com?x=1",
        "https://gitlab.example.com/oauth",
        "token.actions.githubusercontent.com",
        # IAM's provider URL holds no port, and GHES signs as https://HOSTNAME/_services/token
        "https://ghe.example.com:8443/_services/token",
    ],
)
def test_other_issuers_are_refused_naming_the_field(text: str) -> None:
    errors = validate.settings_errors(
        Settings(github_repo=REPO, role_name="R", region=REGION, issuer=text), steps=(3,)
    )
    assert [e.field for e in errors] == ["issuer"]
    assert "--issuer" in errors[0].message


@pytest.mark.parametrize("issuer", [GITHUB_COM, GHES, SLUG, GHE_COM])
@pytest.mark.parametrize(
    ("partition", "aud"),
    [
        ("aws", "sts.amazonaws.com"),
        ("aws-cn", "sts.amazonaws.com.cn"),
        ("aws-us-gov", "sts.amazonaws.com"),
    ],
)
def test_trust_policy_is_keyed_on_the_chosen_issuer(
    issuer: Issuer, partition: str, aud: str
) -> None:
    s = Settings(github_repo=REPO, issuer=issuer.url)
    document = policies.trust_policy(s, partition=partition, account_id=ACCOUNT_ID)
    statement = document["Statement"][0]
    arn = f"arn:{partition}:iam::{ACCOUNT_ID}:oidc-provider/{issuer.name}"
    assert statement["Principal"] == {"Federated": arn}
    assert statement["Condition"] == {
        "StringEquals": {
            f"{issuer.name}:aud": aud,
            f"{issuer.name}:sub": f"repo:{REPO}:ref:refs/heads/main",
        }
    }
    # the linter reads it with the same issuer: nothing to say beyond the missing id
    assert {f.code for f in lint_trust_policy(document, account_id=ACCOUNT_ID)} == {
        "no-repository-id"
    }
    token = {"sub": f"repo:{REPO}:ref:refs/heads/main", "aud": aud}
    assert evaluate(document, token, provider_arn=arn).allowed
    # github.com's keys never match another issuer's token, and the reverse
    if issuer != GITHUB_COM:
        other = GITHUB_COM.provider_arn(partition, ACCOUNT_ID)
        assert not evaluate(document, token, provider_arn=other).allowed
        dotcom = policies.trust_policy(
            Settings(github_repo=REPO), partition=partition, account_id=ACCOUNT_ID
        )
        dotcom["Statement"][0]["Principal"]["Federated"] = arn
        refused = evaluate(dotcom, token, provider_arn=arn)
        assert refused.verdict is Verdict.DENIED
        assert "absent" in refused.reason


# --- end to end with GitHub Enterprise Server ---------------------------------------------------


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_a_ghes_setup_plans_applies_is_healthy_and_admits_its_job(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [*ARGS, "--endpoint-url", moto.url, "--github-api-url", GHES_API]
    code, plan = _json(capsys, "plan", "--json", *base)
    assert code == 0
    provider_call = plan["plan"][1]["changes"][0]["calls"][0]
    assert provider_call["params"]["Url"] == "https://ghe.example.com/_services/token"
    role_change = plan["plan"][2]["changes"][0]
    trust = json.loads(role_change["calls"][0]["params"]["AssumeRolePolicyDocument"])
    condition = trust["Statement"][0]["Condition"]["StringEquals"]
    assert condition["ghe.example.com/_services/token:sub"] == f"repo:{REPO}:ref:refs/heads/main"
    assert condition["ghe.example.com/_services/token:aud"] == "sts.amazonaws.com"
    assert trust["Statement"][0]["Principal"]["Federated"] == (
        f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/ghe.example.com/_services/token"
    )

    assert main(["apply", *base, "--yes"]) == 0
    capsys.readouterr()
    iam = boto3.client(
        "iam", endpoint_url=moto.url, region_name=REGION, config=Config(retries={"max_attempts": 1})
    )
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert arns == [f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/ghe.example.com/_services/token"]

    # the setup is remembered with its API URL, so the doctor needs no flag
    moto.start_recording()
    code, report = _json(capsys, "doctor", "--json", *ARGS, "--endpoint-url", moto.url)
    assert code == 0, report
    assert report["healthy"] is True
    assert writes(moto.recorded()) == []
    found = {f["code"]: f["status"] for f in report["findings"]}
    assert found["provider-ok"] == "ok" and found["role-ok"] == "ok"

    code, sim = _json(
        capsys,
        "doctor",
        "--json",
        *ARGS,
        "--endpoint-url",
        moto.url,
        "--claim",
        f"repo:{REPO}:ref:refs/heads/main",
    )
    assert (code, sim["verdict"], sim["allowed"]) == (0, "allowed", True)
    # a re-run sends nothing
    moto.start_recording()
    assert main(["apply", *base, "--yes"]) == 0
    assert writes(moto.recorded()) == []


def test_the_scan_lists_roles_of_every_github_issuer_and_wildcard_principals(
    moto: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = boto3.client(
        "iam", endpoint_url=moto.url, region_name=REGION, config=Config(retries={"max_attempts": 1})
    )
    roles = {
        "ghes-open": {
            "Effect": "Allow",
            "Principal": {"Federated": GHES.provider_arn("aws", ACCOUNT_ID)},
            "Action": "sts:AssumeRoleWithWebIdentity",
        },
        "slug-open": {
            "Effect": "Allow",
            "Principal": {"Federated": SLUG.provider_arn("aws", ACCOUNT_ID)},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {SLUG.key("aud"): "sts.amazonaws.com"}},
        },
        "anyone": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
        "ec2": {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    }
    for name, statement in roles.items():
        document = {"Version": "2012-10-17", "Statement": [statement]}
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(document))
    code, scan = _json(capsys, "doctor", "--scan", "--json", "--endpoint-url", moto.url)
    listed = {r["role_name"]: {f["code"] for f in r["findings"]} for r in scan["roles"]}
    assert set(listed) == {"ghes-open", "slug-open", "anyone"}
    assert "no-sub" in listed["ghes-open"] and "no-sub" in listed["slug-open"]
    assert "wildcard-principal" in listed["anyone"]
    assert code == 1


def test_explain_names_the_chosen_issuer(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    # the remembered answers name the Enterprise Server
    (workdir / "ecr-oidc-wizard.toml").write_text(
        f'version = 1\n[answers]\ngithub_api_url = "{GHES_API}"\n'
    )
    code = main(
        [
            "explain",
            "No OpenIDConnect provider found in your account for https://ghe.example.com/_services/token",
            "--region",
            REGION,
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "https://ghe.example.com/_services/token" in out
    # No advice points at github.com's provider (the 2021 beta issuer may still be named as a
    # cause: it is a cause of this message, whatever the chosen issuer).
    for other in ("oidc-provider/token.actions.githubusercontent.com", "https://token.actions."):
        assert other not in out


def test_a_wildcard_statement_beside_the_wizards_makes_the_setup_unhealthy(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [*ARGS, "--endpoint-url", moto.url]
    assert main(["apply", *base, "--yes"]) == 0
    iam = boto3.client(
        "iam", endpoint_url=moto.url, region_name=REGION, config=Config(retries={"max_attempts": 1})
    )
    document = iam.get_role(RoleName="AppPush")["Role"]["AssumeRolePolicyDocument"]
    document["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    )
    iam.update_assume_role_policy(RoleName="AppPush", PolicyDocument=json.dumps(document))
    capsys.readouterr()
    code, report = _json(capsys, "doctor", "--json", *base)
    assert code == 1
    assert report["healthy"] is False
    found = {f["code"]: f["status"] for f in report["findings"]}
    assert found["wildcard-principal"] == "high"


def test_exports_create_and_trust_the_chosen_issuers_provider() -> None:
    from wizard.export import ExportError, render_export
    from wizard.export.cloudformation import render_cloudformation
    from wizard.export.terraform import render_terraform

    s = Settings(
        github_repo=REPO, ecr_repository="app", role_name="R", region=REGION, issuer=GHES.url
    )
    for text in (render_cloudformation(s), render_terraform(s)):
        assert "https://ghe.example.com/_services/token" in text
        assert "ghe.example.com/_services/token:sub" in text
        assert "token.actions.githubusercontent.com" not in text
    ghes_arn = GHES.provider_arn("aws", ACCOUNT_ID)
    assert ghes_arn in render_export(s, "cloudformation", existing_provider_arn=ghes_arn)
    with pytest.raises(ExportError, match=r"ghe\.example\.com/_services/token"):
        render_export(
            s, "cloudformation", existing_provider_arn=GITHUB_COM.provider_arn("aws", ACCOUNT_ID)
        )


def test_a_rollout_reuses_the_chosen_issuers_provider() -> None:
    from wizard.export.cloudformation import render_cloudformation
    from wizard.rollout.model import RolloutSpec
    from wizard.rollout.plan import StackSetState, plan_rollout

    s = Settings(
        github_repo=REPO, ecr_repository="app", role_name="R", region=REGION, issuer=GHES.url
    )
    wanted = RolloutSpec(
        accounts=("111111111111", "222222222222"),
        regions=(REGION,),
        existing_provider_accounts=("222222222222",),
    )
    plan = plan_rollout(
        wanted, StackSetState(exists=False), render_cloudformation(s), issuer=s.oidc_issuer
    )
    overrides = [
        c.params["ParameterOverrides"] for c in plan.calls if "ParameterOverrides" in c.params
    ]
    assert overrides == [
        [
            {
                "ParameterKey": "ExistingOidcProviderArn",
                "ParameterValue": GHES.provider_arn("aws", "222222222222"),
            }
        ]
    ]


def test_an_api_url_with_a_port_does_not_make_an_issuer_with_a_port() -> None:
    # 8443 is GHES's Management Console port; a provider URL with a port is not IAM's shape.
    errors = validate.settings_errors(
        Settings(
            github_repo=REPO,
            role_name="R",
            region=REGION,
            github_api_url="https://ghe.example.com:8443/api/v3",
        ),
        steps=(3,),
    )
    assert [e.field for e in errors] == ["github_api_url"]
    assert "--issuer https://ghe.example.com/_services/token" in errors[0].message
    with_issuer = Settings(
        github_repo=REPO,
        role_name="R",
        region=REGION,
        github_api_url="https://ghe.example.com:8443/api/v3",
        issuer="https://ghe.example.com/_services/token",
    )
    assert validate.settings_errors(with_issuer, steps=(3,)) == []
