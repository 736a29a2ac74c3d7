"""Steps 1-4 through real boto3 clients against a moto server over HTTP."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.conftest import MotoServer, writes
from tests.helpers import context, guide_settings
from wizard.plan import Action
from wizard.runner import apply_run, plan_steps
from wizard.steps import AWS_STEPS, all_steps
from wizard.steps.base import Status
from wizard.steps.ecr_repository import EcrRepositoryStep
from wizard.steps.oidc_provider import OidcProviderStep
from wizard.steps.role import RoleStep

SUB_KEY = "token.actions.githubusercontent.com:sub"


def apply_all(moto: MotoServer, **changes: Any) -> Any:
    ctx = context(moto.url, guide_settings(**changes))
    run = plan_steps(ctx, AWS_STEPS)
    apply_run(ctx, run)
    return ctx, run


def test_first_apply_creates_the_guide_setup(moto: MotoServer) -> None:
    ctx, run = apply_all(moto)
    assert [r.status for r in run.results] == [Status.DONE] * 4
    ecr = ctx.aws.ecr
    repo = ecr.describe_repositories(repositoryNames=["onyxia-eostat"])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repo["imageTagMutabilityExclusionFilters"] == [
        {"filterType": "WILDCARD", "filter": "latest"}
    ]
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    tags = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
    assert {"Key": "created-by", "Value": "ecr-oidc-wizard"} in tags

    iam = ctx.aws.iam
    provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert provider["ThumbprintList"] == []  # not needed since 2023

    role = iam.get_role(RoleName="GitHubActionsEOStatPush")["Role"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"]["Federated"] == provider_arn
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        SUB_KEY: "repo:UNGlobalPlatform/images-datascience:ref:refs/heads/main",
    }
    policy = iam.get_role_policy(RoleName="GitHubActionsEOStatPush", PolicyName="ECRPushPolicy")
    push = policy["PolicyDocument"]["Statement"][1]
    assert push["Resource"] == repo["repositoryArn"]
    assert ctx.outputs["role_arn"] == role["Arn"]
    assert ctx.outputs["repository_uri"] == repo["repositoryUri"]


def test_rerun_plans_nothing_and_sends_no_write(moto: MotoServer) -> None:
    apply_all(moto)
    moto.start_recording()
    ctx, run = apply_all(moto)
    recorded = moto.recorded()
    assert writes(recorded) == []
    assert ctx.sent == []
    assert [r.status for r in run.results] == [Status.UNCHANGED] * 4
    assert all(ch.action is Action.NOOP for p in run.plans for ch in p.changes)


def test_drift_in_trust_policy_is_shown_as_a_diff_and_corrected(moto: MotoServer) -> None:
    ctx, _ = apply_all(moto)
    wide = ctx.aws.iam.get_role(RoleName="GitHubActionsEOStatPush")["Role"][
        "AssumeRolePolicyDocument"
    ]
    wide["Statement"][0]["Condition"] = {
        "StringLike": {SUB_KEY: "repo:UNGlobalPlatform/*"},
    }
    ctx.aws.iam.update_assume_role_policy(
        RoleName="GitHubActionsEOStatPush", PolicyDocument=json.dumps(wide)
    )

    ctx2 = context(moto.url)
    run = plan_steps(ctx2, [RoleStep()])
    change = run.plans[0].changes[0]
    assert change.action is Action.UPDATE
    removed = [line for line in change.diff.splitlines() if line.startswith("-")]
    added = [line for line in change.diff.splitlines() if line.startswith("+")]
    assert any('"repo:UNGlobalPlatform/*"' in line for line in removed)
    assert any(
        '"repo:UNGlobalPlatform/images-datascience:ref:refs/heads/main"' in line for line in added
    )
    assert [c.operation for c in change.calls] == ["update_assume_role_policy"]
    apply_run(ctx2, run)
    again = plan_steps(context(moto.url), [RoleStep()])
    assert again.plans[0].changes[0].action is Action.NOOP


def test_drift_in_repository_settings(moto: MotoServer) -> None:
    ctx, _ = apply_all(moto)
    ctx.aws.ecr.put_image_tag_mutability(
        repositoryName="onyxia-eostat", imageTagMutability="MUTABLE"
    )
    run = plan_steps(context(moto.url), [EcrRepositoryStep()])
    change = run.plans[0].changes[0]
    assert change.action is Action.UPDATE
    assert change.diff == (
        "- tag mutability: MUTABLE\n+ tag mutability: IMMUTABLE_WITH_EXCLUSION (except latest)"
    )


def test_push_policy_drift(moto: MotoServer) -> None:
    ctx, _ = apply_all(moto)
    iam = ctx.aws.iam
    doc = iam.get_role_policy(RoleName="GitHubActionsEOStatPush", PolicyName="ECRPushPolicy")[
        "PolicyDocument"
    ]
    doc["Statement"][1]["Resource"] = "arn:aws:ecr:eu-west-1:123456789012:repository/onyxia-eostat"
    iam.put_role_policy(
        RoleName="GitHubActionsEOStatPush",
        PolicyName="ECRPushPolicy",
        PolicyDocument=json.dumps(doc),
    )
    _, run = apply_all(moto)
    assert [r.status for r in run.results] == [Status.UNCHANGED] * 3 + [Status.DONE]
    diff = run.plans[3].changes[0].diff.splitlines()
    assert any(line.startswith("-") and "arn:aws:ecr:eu-west-1" in line for line in diff)


def test_existing_provider_is_reused(moto: MotoServer) -> None:
    iam = context(moto.url).aws.iam
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )
    run = plan_steps(context(moto.url), [OidcProviderStep()])
    change = run.plans[0].changes[0]
    assert change.action is Action.NOOP
    assert "reused" in change.summary


def test_thumbprint_sent_only_when_asked(moto: MotoServer) -> None:
    ctx, _ = apply_all(moto, thumbprints=["6938fd4d98bab03faadb97b34396831e3780aea1"])
    found = ctx.aws.iam.get_open_id_connect_provider(
        OpenIDConnectProviderArn="arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    )
    assert found["ThumbprintList"] == ["6938fd4d98bab03faadb97b34396831e3780aea1"]


def test_plain_immutable_and_mutable_on_request(moto: MotoServer) -> None:
    ctx, run = apply_all(moto, tag_mutability="MUTABLE", mutability_exclusions=[])
    repo = ctx.aws.ecr.describe_repositories(repositoryNames=["onyxia-eostat"])["repositories"][0]
    assert repo["imageTagMutability"] == "MUTABLE"
    assert any("MUTABLE (the guide's setting)" in n.text for n in run.plans[0].notes)


def test_a_failure_keeps_earlier_steps_and_a_rerun_finishes(moto: MotoServer) -> None:
    ctx = context(moto.url)
    run = plan_steps(ctx, AWS_STEPS)
    # Another run of the wizard creates the role between plan and apply: step 3 fails,
    # 1 and 2 stay done.
    ctx.aws.iam.create_role(
        RoleName="GitHubActionsEOStatPush",
        AssumeRolePolicyDocument="{}",
        Tags=[{"Key": "created-by", "Value": "ecr-oidc-wizard"}],
    )
    results = apply_run(ctx, run)
    assert [r.status for r in results] == [Status.DONE, Status.DONE, Status.FAILED, Status.SKIPPED]
    assert "EntityAlreadyExists" in results[2].error
    _, rerun = apply_all(moto)
    assert [r.status for r in rerun.results] == [
        Status.UNCHANGED,
        Status.UNCHANGED,
        Status.DONE,
        Status.DONE,
    ]


# --- APIs moto does not emulate: request shapes checked with botocore's Stubber -------------


def stubbed_context(service: str) -> tuple[Any, Stubber]:
    """A context whose `service` client is stubbed; STS answers as a real account would."""
    ctx = context("http://127.0.0.1:9")  # nothing listens: any unstubbed call would fail
    client = boto3.client(
        service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    ctx.aws._clients[service] = client
    sts = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    sts_stub = Stubber(sts)
    sts_stub.add_response(
        "get_caller_identity",
        {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/dev", "UserId": "AIDA"},
    )
    sts_stub.activate()
    ctx.aws._clients["sts"] = sts
    return ctx, Stubber(client)


def test_provider_without_sts_audience_gets_it_added() -> None:
    """moto lacks add_client_id_to_open_id_connect_provider: Stubber checks the request."""
    ctx, stub = stubbed_context("iam")
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    stub.add_response(
        "list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": arn}]}
    )
    stub.add_response(
        "get_open_id_connect_provider",
        {
            "Url": "token.actions.githubusercontent.com",
            "ClientIDList": ["sigstore"],
            "ThumbprintList": [],
        },
        {"OpenIDConnectProviderArn": arn},
    )
    stub.add_response(
        "add_client_id_to_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": arn, "ClientID": "sts.amazonaws.com"},
    )
    with stub:
        step = OidcProviderStep()
        plan = step.plan(ctx, step.inspect(ctx))
        assert plan.changes[0].action is Action.UPDATE
        assert (
            plan.changes[0].diff
            == "- audiences: ['sigstore']\n+ audiences: ['sigstore', 'sts.amazonaws.com']"
        )
        result = step.apply(ctx, plan)
    stub.assert_no_pending_responses()
    assert result.status is Status.DONE
    # Remembered, so destroy can take back the audience and leave the provider as it was.
    assert ctx.outputs["provider_audience_added"] == "sts.amazonaws.com"


def test_public_repository_created_in_ecr_public() -> None:
    """moto lacks ecr-public: Stubber checks the request shape."""
    ctx, stub = stubbed_context("ecr-public")
    ctx.settings.public = True
    stub.add_client_error(
        "describe_repositories",
        "RepositoryNotFoundException",
        "The repository with name 'onyxia-eostat' does not exist",
        expected_params={"repositoryNames": ["onyxia-eostat"]},
    )
    stub.add_response(
        "create_repository",
        {
            "repository": {
                "repositoryArn": "arn:aws:ecr-public::123456789012:repository/onyxia-eostat",
                "registryId": "123456789012",
                "repositoryName": "onyxia-eostat",
                "repositoryUri": "public.ecr.aws/a1b2c3d4/onyxia-eostat",
            }
        },
        {
            "repositoryName": "onyxia-eostat",
            "tags": [{"Key": "created-by", "Value": "ecr-oidc-wizard"}],
        },
    )
    with stub:
        step = EcrRepositoryStep()
        plan = step.plan(ctx, step.inspect(ctx))
        assert any("Principal" in n.text and "authenticated" in n.text for n in plan.notes)
        step.apply(ctx, plan)
    stub.assert_no_pending_responses()
    assert ctx.outputs["repository_uri"] == "public.ecr.aws/a1b2c3d4/onyxia-eostat"


def test_ecr_public_client_is_in_us_east_1() -> None:
    ctx = context("http://127.0.0.1:9", guide_settings(region="eu-west-1"))
    assert ctx.aws.client("ecr-public").meta.region_name == "us-east-1"
    assert ctx.aws.client("ecr").meta.region_name == "eu-west-1"


@pytest.mark.parametrize("step", all_steps(), ids=lambda s: s.key)
def test_every_step_has_the_same_shape(step: Any) -> None:
    assert step.title and step.purpose and step.undo
    for name in ("inspect", "plan", "apply"):
        assert callable(getattr(step, name))


def foreign_role(moto: MotoServer) -> Any:
    """A role someone else made: trusted by the account root, with its own S3 permissions."""
    iam = context(moto.url).aws.iam
    root = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="GitHubActionsEOStatPush", AssumeRolePolicyDocument=json.dumps(root))
    s3 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    iam.put_role_policy(
        RoleName="GitHubActionsEOStatPush", PolicyName="Other", PolicyDocument=json.dumps(s3)
    )
    return iam


def test_a_role_the_wizard_did_not_create_is_not_taken_over(moto: MotoServer) -> None:
    iam = foreign_role(moto)
    before = iam.get_role(RoleName="GitHubActionsEOStatPush")["Role"]["AssumeRolePolicyDocument"]
    ctx = context(moto.url)
    run = plan_steps(ctx, AWS_STEPS)
    failed = run.failed
    assert failed is not None and failed.step == 3
    assert "was not created by ecr-oidc-wizard" in failed.error
    assert "inline Other" in failed.error
    assert [g.case for g in failed.guidance][:1] == ["role-not-ours"]
    apply_run(ctx, run)  # steps before 3 may go ahead; the role is untouched
    after = iam.get_role(RoleName="GitHubActionsEOStatPush")["Role"]["AssumeRolePolicyDocument"]
    assert after == before


def test_adopt_role_takes_it_over_with_a_danger_note(moto: MotoServer) -> None:
    foreign_role(moto)
    ctx = context(moto.url, guide_settings(adopt_role=True))
    run = plan_steps(ctx, [RoleStep()])
    plan = run.plans[0]
    assert plan.changes[0].action is Action.UPDATE
    assert plan.widens_access
    assert any("TAKE-OVER" in n.text and "inline Other" in n.text for n in plan.notes)


def test_other_permissions_of_our_role_are_called_out(moto: MotoServer) -> None:
    ctx, _ = apply_all(moto)
    s3 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    ctx.aws.iam.put_role_policy(
        RoleName="GitHubActionsEOStatPush", PolicyName="Extra", PolicyDocument=json.dumps(s3)
    )
    run = plan_steps(context(moto.url), [RoleStep()])
    assert any("also has (inline Extra)" in n.text for n in run.plans[0].notes)


def test_push_policy_alone_says_the_role_is_missing(moto: MotoServer) -> None:
    from wizard.steps.push_policy import PushPolicyStep

    ctx = context(moto.url)
    run = plan_steps(ctx, [PushPolicyStep()])
    assert any("does not exist yet" in n.text for n in run.plans[0].notes)
    apply_run(ctx, run)
    assert [g.case for g in run.results[0].guidance] == ["role-missing"]


def test_inline_policies_of_the_role_are_sized_together(moto: MotoServer) -> None:
    from wizard.steps.push_policy import PushPolicyStep

    ctx, _ = apply_all(moto)
    big = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{i:04d}"}
            for i in range(125)
        ],
    }
    # About 9,500 characters: allowed alone, but not beside both push policies (~520 each).
    ctx.aws.iam.put_role_policy(
        RoleName="GitHubActionsEOStatPush", PolicyName="Big", PolicyDocument=json.dumps(big)
    )
    run = plan_steps(context(moto.url, guide_settings(policy_name="Other")), [PushPolicyStep()])
    assert run.failed is not None
    assert "would hold" in run.failed.error and "Big" in run.failed.error


def test_a_rerun_makes_no_read_twice(moto: MotoServer) -> None:
    apply_all(moto)
    moto.start_recording()
    apply_all(moto)
    from tests.conftest import actions

    made = actions(moto.recorded())
    assert len(made) == len(set(made)), made
