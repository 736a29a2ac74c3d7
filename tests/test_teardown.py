"""`destroy` through the runner: real boto3 clients against the moto server, writes counted
with moto's request recorder, GitHub through the local fake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import MotoServer, writes
from tests.helpers import context, guide_settings
from tests.test_verify import manifest
from wizard.plan import Action
from wizard.runner import Run, apply_run, plan_steps
from wizard.steps import AWS_STEPS
from wizard.steps.base import Status, StepContext
from wizard.teardown import TeardownOptions, records_removed, refusals, teardown_steps

ROLE = "GitHubActionsEOStatPush"
REPO = "onyxia-eostat"
PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def apply_setup(moto: MotoServer, **changes: Any) -> StepContext:
    ctx = context(moto.url, guide_settings(**changes))
    results = apply_run(ctx, plan_steps(ctx, AWS_STEPS))
    assert [r.status for r in results] == [Status.DONE] * 4
    return ctx


def destroy(
    moto: MotoServer, options: TeardownOptions | None = None, **changes: Any
) -> tuple[StepContext, Run]:
    ctx = context(moto.url, guide_settings(**changes))
    run = plan_steps(ctx, teardown_steps(options))
    apply_run(ctx, run)
    return ctx, run


def account_state(moto: MotoServer) -> dict[str, Any]:
    """What an account holds, as far as the wizard's kinds go."""
    ctx = context(moto.url)
    iam, ecr = ctx.aws.iam, ctx.aws.ecr
    roles = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        roles[name] = {
            "inline": sorted(iam.list_role_policies(RoleName=name)["PolicyNames"]),
            "managed": [
                p["PolicyArn"]
                for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            ],
        }
    return {
        "repositories": sorted(
            r["repositoryName"] for r in ecr.describe_repositories()["repositories"]
        ),
        "providers": sorted(
            p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        ),
        "roles": roles,
    }


def test_apply_then_destroy_leaves_the_account_as_before_and_a_second_destroy_sends_nothing(
    moto: MotoServer,
) -> None:
    before = account_state(moto)
    apply_setup(moto)
    moto.start_recording()
    ctx, run = destroy(moto)
    recorded = writes(moto.recorded())
    assert recorded == [
        "DeleteRolePolicy",
        "DeleteRole",
        "DeleteRepository",
        "DeleteOpenIDConnectProvider",
    ]
    assert [c.operation for c in ctx.sent] == [
        "delete_role_policy",
        "delete_role",
        "delete_repository",
        "delete_open_id_connect_provider",
    ]
    assert account_state(moto) == before
    assert refusals(run.plans) == []
    assert records_removed(run.results) == [
        "role_arn",
        "repository_uri",
        "repository_arn",
        "registry",
        "provider_arn",
    ]

    moto.start_recording()
    ctx, again = destroy(moto)
    assert writes(moto.recorded()) == []
    assert ctx.sent == []
    assert all(ch.action is Action.NOOP for p in again.plans for ch in p.changes)
    assert all(r.status is Status.UNCHANGED for r in again.results)


def test_a_provider_another_role_trusts_is_kept_and_named(moto: MotoServer) -> None:
    apply_setup(moto)
    iam = context(moto.url).aws.iam
    other_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"
                    }
                },
            }
        ],
    }
    iam.create_role(RoleName="OtherTeamDeploy", AssumeRolePolicyDocument=json.dumps(other_trust))
    moto.start_recording()
    _, run = destroy(moto)
    assert writes(moto.recorded()) == ["DeleteRolePolicy", "DeleteRole", "DeleteRepository"]
    provider = run.plans[-1]
    assert provider.changes[0].action is Action.NOOP
    assert any("OtherTeamDeploy" in n.text for n in provider.notes)
    assert ROLE not in " ".join(n.text for n in provider.notes)
    state = account_state(moto)
    assert state["providers"] == [PROVIDER_ARN]
    assert list(state["roles"]) == ["OtherTeamDeploy"]


def test_a_repository_with_images_is_refused_with_its_count_unless_delete_images(
    moto: MotoServer,
) -> None:
    ctx = apply_setup(moto)
    ecr = ctx.aws.ecr
    for layer, tag in (("a", "0.1.0-20261127-abc1234-r1"), ("b", "0.1.0-20261127-abc1234-r2")):
        ecr.put_image(repositoryName=REPO, imageManifest=manifest(layer), imageTag=tag)
    moto.start_recording()
    _, run = destroy(moto)
    assert writes(moto.recorded()) == [
        "DeleteRolePolicy",
        "DeleteRole",
        "DeleteOpenIDConnectProvider",
    ]
    (refusal,) = refusals(run.plans)
    assert "holds 2 images" in refusal and "--delete-images" in refusal
    assert account_state(moto)["repositories"] == [REPO]

    moto.start_recording()
    ctx, run = destroy(moto, TeardownOptions(delete_images=True))
    assert writes(moto.recorded()) == ["DeleteRepository"]
    assert ctx.sent[0].params == {"repositoryName": REPO, "force": True}
    assert account_state(moto)["repositories"] == []


def test_a_role_with_policies_the_wizard_did_not_add_is_refused_and_they_are_listed(
    moto: MotoServer,
) -> None:
    ctx = apply_setup(moto)
    iam = ctx.aws.iam
    s3 = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    )
    arn = iam.create_policy(PolicyName="TeamReadOnly", PolicyDocument=s3)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)
    iam.put_role_policy(RoleName=ROLE, PolicyName="ExtraS3", PolicyDocument=s3)
    _, run = destroy(moto)
    (refusal,) = refusals(run.plans)
    assert "inline policy ExtraS3" in refusal
    assert "managed policy arn:aws:iam::123456789012:policy/TeamReadOnly" in refusal
    # The role stays, so the provider it trusts stays too; the push policy (the wizard's) went.
    state = account_state(moto)
    assert state["roles"][ROLE] == {
        "inline": ["ExtraS3"],
        "managed": ["arn:aws:iam::123456789012:policy/TeamReadOnly"],
    }
    assert state["providers"] == [PROVIDER_ARN]
    assert any(ROLE in n.text for n in run.plans[-1].notes)


def test_what_the_wizard_did_not_make_is_left_alone_unless_named(moto: MotoServer) -> None:
    iam = context(moto.url).aws.iam
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument="{}")
    context(moto.url).aws.ecr.create_repository(repositoryName=REPO)
    moto.start_recording()
    _, run = destroy(moto)
    assert writes(moto.recorded()) == []
    texts = " ".join(n.text for p in run.plans for n in p.notes)
    assert "--remove-unowned role" in texts and "--remove-unowned repository" in texts

    moto.start_recording()
    destroy(moto, TeardownOptions(named=frozenset({"role"})))
    assert writes(moto.recorded()) == ["DeleteRole"]
    assert account_state(moto)["repositories"] == [REPO]


def test_only_the_role_removes_its_push_policy_first(moto: MotoServer) -> None:
    apply_setup(moto)
    ctx = context(moto.url)
    run = plan_steps(ctx, [s for s in teardown_steps() if s.number == 3])
    apply_run(ctx, run)
    assert [c.operation for c in ctx.sent] == ["delete_role_policy", "delete_role"]


def test_a_denied_call_stops_with_guidance_and_earlier_removals_stay(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_setup(moto)
    iam = boto3.client(
        "iam",
        endpoint_url=moto.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.create_user(UserName="dev")
    allowed = ["sts:GetCallerIdentity", "ecr:*", "iam:Get*", "iam:List*", "iam:DeleteRolePolicy"]
    iam.put_user_policy(
        UserName="dev",
        PolicyName="limited",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    moto.auth(True)
    _, run = destroy(moto)
    assert [r.status for r in run.results] == [
        Status.DONE,
        Status.FAILED,
        Status.SKIPPED,
        Status.SKIPPED,
        Status.SKIPPED,
        Status.SKIPPED,
    ]
    failed = run.failed
    assert failed is not None and "iam:DeleteRole" in failed.error
    assert any("iam:DeleteRole" in g.title for g in failed.guidance)
    moto.auth(False)
    state = account_state(moto)
    assert state["roles"][ROLE]["inline"] == []  # the push policy stays removed
    assert state["repositories"] == [REPO]


def test_the_workflow_file_goes_only_while_unchanged(moto: MotoServer, tmp_path: Path) -> None:
    kept = tmp_path / "kept.yml"
    gone = tmp_path / "gone.yml"
    kept.write_text("name: one\n")
    gone.write_text("name: two\n")
    from wizard.remember import workflow_record

    ctx = context(moto.url)
    ctx.outputs.update(dict([workflow_record(kept, "name: one\n")]))
    ctx.outputs.update(dict([workflow_record(gone, "name: two\n")]))
    kept.write_text("name: one, edited\n")
    step = next(s for s in teardown_steps() if s.number == 6)
    run = plan_steps(ctx, [step])
    apply_run(ctx, run)
    assert kept.exists() and not gone.exists()
    assert [c.params["path"] for c in ctx.sent] == [str(gone.resolve())]
    assert any("changed after ecr-oidc-wizard wrote it" in n.text for n in run.plans[0].notes)


def test_an_ecr_public_repository_is_removed_through_ecr_public() -> None:
    """moto lacks ecr-public: Stubber checks the requests."""
    from tests.test_steps_aws import stubbed_context

    ctx, stub = stubbed_context("ecr-public")
    ctx.settings.public = True
    arn = "arn:aws:ecr-public::123456789012:repository/onyxia-eostat"
    stub.add_response(
        "describe_repositories",
        {
            "repositories": [
                {
                    "repositoryArn": arn,
                    "registryId": "123456789012",
                    "repositoryName": REPO,
                    "repositoryUri": "public.ecr.aws/a1b2c3d4/onyxia-eostat",
                }
            ]
        },
        {"repositoryNames": [REPO]},
    )
    stub.add_response(
        "list_tags_for_resource",
        {"tags": [{"Key": "created-by", "Value": "ecr-oidc-wizard"}]},
        {"resourceArn": arn},
    )
    stub.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": "sha256:" + "a" * 64}]},
        {"repositoryName": REPO},
    )
    stub.add_response(
        "delete_repository", {"repository": {}}, {"repositoryName": REPO, "force": True}
    )
    with stub:
        step = next(s for s in teardown_steps(TeardownOptions(delete_images=True)) if s.number == 1)
        plan = step.plan(ctx, step.inspect(ctx))
        assert plan.changes[0].resource == f"ECR Public repository {REPO}"
        assert "its 1 image" in plan.changes[0].summary
        step.apply(ctx, plan)
    stub.assert_no_pending_responses()
    assert [c.service for c in ctx.sent] == ["ecr-public"]
