"""The exported CloudFormation template, deployed on moto's CloudFormation over HTTP, yields the
setup `plan` and `doctor` expect.

moto builds AWS::ECR::Repository, AWS::IAM::Role and AWS::IAM::Policy from a template, but not
AWS::IAM::OIDCProvider: the provider is made first through IAM, and its ARN is passed as
ExistingOidcProviderArn, the parameter an account with a provider uses anyway.

moto also stores the repository's ImageScanningConfiguration as the template spells it
(`ScanOnPush`) where ECR's API answers `scanOnPush`, so every repository it builds reads back as
"scan on push off". The test checks that the template's value arrived under moto's spelling,
then sets it through ECR's API (what CloudFormation does in AWS) before planning.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ACCOUNT_ID, REGION, MotoServer, writes
from tests.helpers import context, guide_settings
from wizard.aws import Aws
from wizard.doctor import Status, check_setup
from wizard.export.cloudformation import render_cloudformation
from wizard.policies import ISSUER_URL, provider_arn
from wizard.runner import plan_steps
from wizard.settings import Settings
from wizard.steps import all_steps

PROVIDER = provider_arn("aws", ACCOUNT_ID)


def deploy(moto: MotoServer, settings: Settings) -> dict[str, str]:
    aws = Aws(region=REGION, endpoint_url=moto.url)
    aws.iam.create_open_id_connect_provider(Url=ISSUER_URL, ClientIDList=["sts.amazonaws.com"])
    cloudformation = aws.client("cloudformation")
    cloudformation.create_stack(
        StackName="github-ecr",
        TemplateBody=render_cloudformation(settings),
        Parameters=[{"ParameterKey": "ExistingOidcProviderArn", "ParameterValue": PROVIDER}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    stack = cloudformation.describe_stacks(StackName="github-ecr")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    # botocore drops the key it does not know, so moto's own record is read (same process).
    from moto.ecr.models import ecr_backends

    stored = ecr_backends[ACCOUNT_ID][REGION].repositories[settings.ecr_repository]
    assert stored.image_scanning_configuration == {"ScanOnPush": settings.scan_on_push}
    aws.ecr.put_image_scanning_configuration(
        repositoryName=settings.ecr_repository,
        imageScanningConfiguration={"scanOnPush": settings.scan_on_push},
    )
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def aws_plans(moto: MotoServer, settings: Settings) -> list[Any]:
    ctx = context(moto.url, settings)
    run = plan_steps(ctx, [s for s in all_steps() if s.number <= 4])
    assert run.failed is None, run.failed
    return run.plans


SETUPS = {
    "the guide's": guide_settings(),
    "branches, a wildcard tag and an environment": guide_settings(
        branches=["main", "release/v2"], tags=["v*"], environments=["prod"]
    ),
    "the guide's any ref, mutable": guide_settings(any_ref=True, tag_mutability="MUTABLE"),
    "immutable subjects with a repository id": guide_settings(
        subject_format="immutable", owner_id="12345", repo_id="67890", scan_on_push=False
    ),
}


@pytest.mark.parametrize("name", list(SETUPS))
def test_the_deployed_template_is_what_plan_keeps(moto: MotoServer, name: str) -> None:
    settings = SETUPS[name]
    outputs = deploy(moto, settings)
    assert outputs["RoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/{settings.role_name}"
    assert outputs["RepositoryUri"].endswith(f"/{settings.ecr_repository}")
    assert outputs["OidcProviderArn"] == PROVIDER
    moto.start_recording()
    plans = aws_plans(moto, settings)
    assert writes(moto.recorded()) == []
    changed = [c.summary for p in plans for c in p.changes if c.action.value != "no change"]
    assert changed == []
    assert not any(p.calls for p in plans)


@pytest.mark.parametrize(
    "name",
    [
        "the guide's",
        "branches, a wildcard tag and an environment",
        "immutable subjects with a repository id",
    ],
)
def test_the_deployed_setup_is_healthy_for_the_doctor(moto: MotoServer, name: str) -> None:
    settings = SETUPS[name]
    deploy(moto, settings)
    report = check_setup(Aws(region=REGION, endpoint_url=moto.url), settings)
    assert report.healthy, [f.to_json() for f in report.findings]
    found = {f.code: f.status for f in report.findings}
    for code in ("provider-ok", "role-ok", "push-policy-ok", "repository-ok"):
        assert found[code] is Status.OK
    # The role carries the wizard's tag: a later `apply` may update it without --adopt-role.
    role = Aws(region=REGION, endpoint_url=moto.url).iam.get_role(RoleName=settings.role_name)
    assert {"Key": "created-by", "Value": "ecr-oidc-wizard"} in role["Role"]["Tags"]
