"""What an exported template or configuration made belongs to its stack or state: `destroy`
leaves it alone (0 writes) and says which tool removes it, while `plan` still knows it as the
wizard's and changes nothing.

The CloudFormation template is deployed on moto's CloudFormation as tests/test_export_deploy.py
does. moto does not build AWS::IAM::OIDCProvider, so the provider is made through IAM with the
Tags the template gives it. Terraform cannot run here: the resources are made by `apply` and then
given the tags the Terraform export (parsed with python-hcl2) puts on them.
"""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import ACCOUNT_ID, REGION, MotoServer, writes
from tests.helpers import context, guide_settings
from tests.test_export import tf_blocks, tf_parse, tf_unquote
from tests.test_export_deploy import aws_plans
from wizard.aws import Aws
from wizard.export.cloudformation import render_cloudformation
from wizard.export.terraform import render_terraform
from wizard.plan import Action
from wizard.policies import ISSUER_URL, provider_arn
from wizard.runner import apply_run, plan_steps
from wizard.steps import AWS_STEPS
from wizard.teardown import TeardownOptions, teardown_steps

PROVIDER = provider_arn("aws", ACCOUNT_ID)


def destroy_plan(moto: MotoServer, options: TeardownOptions | None = None) -> tuple[Any, Any]:
    ctx = context(moto.url, guide_settings())
    run = plan_steps(ctx, [s for s in teardown_steps(options) if s.number <= 4])
    assert run.failed is None, run.failed
    apply_run(ctx, run)
    return ctx, run


def notes(run: Any) -> str:
    return "\n".join(n.text for p in run.plans for n in p.notes)


def test_destroy_leaves_a_deployed_cloudformation_stack_alone(moto: MotoServer) -> None:
    settings = guide_settings()
    template = yaml.safe_load(render_cloudformation(settings))
    provider_tags = template["Resources"]["GitHubOidcProvider"]["Properties"]["Tags"]
    aws = Aws(region=REGION, endpoint_url=moto.url)
    aws.iam.create_open_id_connect_provider(
        Url=ISSUER_URL, ClientIDList=["sts.amazonaws.com"], Tags=provider_tags
    )
    cloudformation = aws.client("cloudformation")
    cloudformation.create_stack(
        StackName="github-ecr",
        TemplateBody=render_cloudformation(settings),
        Parameters=[{"ParameterKey": "ExistingOidcProviderArn", "ParameterValue": PROVIDER}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    stack = cloudformation.describe_stacks(StackName="github-ecr")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    aws.ecr.put_image_scanning_configuration(
        repositoryName=settings.ecr_repository,
        imageScanningConfiguration={"scanOnPush": settings.scan_on_push},
    )
    # plan still takes the stack's resources as the wizard's: nothing to adopt or change.
    assert not any(p.calls for p in aws_plans(moto, settings))

    moto.start_recording()
    ctx, run = destroy_plan(moto)
    assert writes(moto.recorded()) == []
    assert ctx.sent == []
    assert all(ch.action is Action.NOOP for p in run.plans for ch in p.changes)
    said = notes(run)
    assert "aws cloudformation delete-stack" in said
    for what in ("Role", "Repository", "Inline policy", "The OIDC provider"):
        assert f"{what}" in said
    assert aws.iam.get_role(RoleName=settings.role_name)["Role"]["RoleName"] == settings.role_name

    # Once the stack no longer holds them, naming the kind removes what it retained.
    ctx, run = destroy_plan(moto, TeardownOptions(named=frozenset({"repository"})))
    assert [c.operation for c in ctx.sent] == ["delete_repository"]


def terraform_tags(settings: Any) -> dict[str, str]:
    blocks = tf_blocks(tf_parse(render_terraform(settings)), "resource")
    tags: dict[str, str] = tf_unquote(blocks[("aws_iam_role", "github_actions")]["tags"])
    return tags


def test_destroy_leaves_what_terraform_manages_alone(moto: MotoServer) -> None:
    settings = guide_settings()
    ctx = context(moto.url, settings)
    apply_run(ctx, plan_steps(ctx, AWS_STEPS))
    tags = terraform_tags(settings)
    assert tags["managed-by"] == "terraform"
    aws = Aws(region=REGION, endpoint_url=moto.url)
    pairs = [{"Key": k, "Value": v} for k, v in tags.items()]
    aws.iam.tag_role(RoleName=settings.role_name, Tags=pairs)
    aws.iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER, Tags=pairs)
    arn = aws.ecr.describe_repositories(repositoryNames=[settings.ecr_repository])["repositories"][
        0
    ]["repositoryArn"]
    aws.ecr.tag_resource(resourceArn=arn, tags=pairs)
    assert not any(p.calls for p in aws_plans(moto, settings))

    moto.start_recording()
    ctx, run = destroy_plan(moto)
    assert writes(moto.recorded()) == []
    assert ctx.sent == []
    assert "terraform destroy" in notes(run)


def test_cloudformation_stack_tags_name_the_stack_where_aws_adds_them() -> None:
    # moto adds no aws:cloudformation:* tags; AWS adds them where the resource type propagates
    # stack-level tags (the prefix is case-insensitive), and they name the stack to delete.
    from wizard.tags import managed_by
    from wizard.teardown.base import managed_note

    tags = [{"key": "AWS:CloudFormation:stack-name", "value": "github-ecr"}]
    assert managed_by(tags) == "cloudformation:github-ecr"
    assert "--stack-name github-ecr" in managed_note("Repository r", managed_by(tags), 1).text
    assert managed_by([{"Key": "managed-by", "Value": "Terraform"}]) == "terraform"
    assert managed_by([{"Key": "created-by", "Value": "ecr-oidc-wizard"}]) == ""


def test_a_plan_that_changes_a_stack_s_role_warns_of_drift(moto: MotoServer) -> None:
    settings = guide_settings()
    aws = Aws(region=REGION, endpoint_url=moto.url)
    aws.iam.create_open_id_connect_provider(Url=ISSUER_URL, ClientIDList=["sts.amazonaws.com"])
    aws.client("cloudformation").create_stack(
        StackName="github-ecr",
        TemplateBody=render_cloudformation(settings),
        Parameters=[{"ParameterKey": "ExistingOidcProviderArn", "ParameterValue": PROVIDER}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    wider = guide_settings(branches=["main", "release"])
    plans = aws_plans(moto, wider)
    role = next(p for p in plans if p.step == 3)
    assert [c.action for c in role.changes] == [Action.UPDATE]
    said = " ".join(n.text for n in role.notes)
    assert "CloudFormation" in said and "drift" in said
    # The wizard's own role gets no such note.
    assert not any("drift" in n.text for p in aws_plans(moto, settings) for n in p.notes)
