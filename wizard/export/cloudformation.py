"""The setup as a CloudFormation template (YAML), from the same documents the steps send.

Public API (stable; the StackSets roll-out builds on it):

    render_cloudformation(settings: Settings, *, existing_provider_arn: str = "") -> str

`settings` are the wizard's answers (validated by the caller). The template has parameters for
the GitHub repository, the scope (each branch, tag or environment without a wildcard), the ECR
repository and the role and policy names, and `ExistingOidcProviderArn`: empty (the default
unless `existing_provider_arn` is given) creates GitHub's OIDC provider, an ARN reuses the
account's one (IAM keeps one provider per URL per account). Account, partition and region come
from CloudFormation's pseudo parameters, so one template serves every account and region.
Same settings, same bytes.

The inline push policy is an `AWS::IAM::Policy` attached to the role: CloudFormation's inline
policy type, and the one moto builds too. The repository and the provider are retained when the
stack goes: the repository holds the images, and the provider is shared by every role in the
account that trusts GitHub.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from wizard.export.comments import comment_block, header_lines
from wizard.export.documents import ExportDocuments, Parameter, Spelling, export_documents
from wizard.iam.issuer import GITHUB_COM, Issuer
from wizard.settings import Settings
from wizard.steps.ecr_repository import repository_configuration
from wizard.steps.github_secrets import ECR_PUBLIC_REGION
from wizard.tags import MANAGED_BY_CLOUDFORMATION, aws_tags

PROVIDER = "GitHubOidcProvider"
REPOSITORY = "EcrRepository"
ROLE = "GitHubActionsRole"
POLICY = "EcrPushPolicy"
CREATE_PROVIDER = "CreateOidcProvider"
EXISTING_PROVIDER = "ExistingOidcProviderArn"


def existing_provider_pattern(issuer: Issuer = GITHUB_COM) -> str:
    """Empty, or the ARN of the account's provider for the chosen issuer (any partition)."""
    name = re.escape(issuer.name)
    return rf"^$|^arn:aws[a-z-]*:iam::[0-9]{{12}}:oidc-provider/{name}$"


EXISTING_PROVIDER_PATTERN = existing_provider_pattern()


# ECR Public's API, and so its repositories, exist in us-east-1 only: a stack elsewhere stops
# before it starts instead of failing on the repository.
PUBLIC_REGION_RULE = {
    "EcrPublicInUsEast1": {
        "Assertions": [
            {
                "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, ECR_PUBLIC_REGION]},
                "AssertDescription": f"ECR Public repositories exist in {ECR_PUBLIC_REGION} only",
            }
        ]
    }
}


def _escape(literal: str) -> str:
    """`${` in a literal would read as a reference in Fn::Sub; `${!` is its escape."""
    return literal.replace("${", "${!")


SPELLING = Spelling(
    reference=lambda p: "${" + p.name + "}",
    partition="${AWS::Partition}",
    account_id="${AWS::AccountId}",
    region="${AWS::Region}",
    # sts.amazonaws.com, or sts.amazonaws.com.cn in the China partition.
    audience="sts.${AWS::URLSuffix}",
    escape=_escape,
)


def render_cloudformation(settings: Settings, *, existing_provider_arn: str = "") -> str:
    docs = export_documents(settings, SPELLING)
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "GitHub Actions push images to Amazon ECR with OpenID Connect, no "
        "long-lived keys (exported by ecr-oidc-wizard).",
        "Parameters": _parameters(docs, existing_provider_arn, settings.oidc_issuer),
        "Conditions": {CREATE_PROVIDER: {"Fn::Equals": [{"Ref": EXISTING_PROVIDER}, ""]}},
        "Resources": {
            PROVIDER: _provider(settings),
            REPOSITORY: _repository(settings),
            ROLE: _role(docs),
            POLICY: _policy(docs),
        },
        "Outputs": _outputs(settings),
    }
    if settings.public:
        template["Rules"] = PUBLIC_REGION_RULE
    text = yaml.safe_dump(template, sort_keys=False, width=100, allow_unicode=False)
    return _with_comments(text, docs)


def _parameters(
    docs: ExportDocuments, existing_provider_arn: str, issuer: Issuer
) -> dict[str, Any]:
    out = {p.name: _parameter(p) for p in docs.parameters}
    out[EXISTING_PROVIDER] = {
        "Type": "String",
        "Default": existing_provider_arn,
        "Description": "ARN of the account's OIDC provider for GitHub, if it exists (one per "
        "URL per account); empty creates it.",
        "AllowedPattern": existing_provider_pattern(issuer),
    }
    return out


def _parameter(p: Parameter) -> dict[str, Any]:
    return {
        "Type": "String",
        "Default": p.default,
        "Description": p.description,
        "AllowedPattern": p.pattern,
    }


def _sub(value: Any) -> Any:
    """Strings holding a reference become Fn::Sub; everything else stays as it is."""
    if isinstance(value, dict):
        return {k: _sub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sub(v) for v in value]
    if isinstance(value, str) and "${" in value:
        return {"Fn::Sub": value}
    return value


def _provider_reference() -> dict[str, Any]:
    return {"Fn::If": [CREATE_PROVIDER, {"Ref": PROVIDER}, {"Ref": EXISTING_PROVIDER}]}


def _link_provider(document: Any, arn: str) -> Any:
    """The trust policy names the provider this stack creates or the one passed in."""
    if isinstance(document, dict):
        return {k: _link_provider(v, arn) for k, v in document.items()}
    if isinstance(document, list):
        return [_link_provider(v, arn) for v in document]
    return _provider_reference() if document == arn else _sub(document)


def _tags() -> list[dict[str, str]]:
    """The wizard's tag, and that the stack manages the resource (destroy leaves it alone)."""
    return aws_tags(MANAGED_BY_CLOUDFORMATION)


def _provider(s: Settings) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Url": s.oidc_issuer.url,
        "ClientIdList": [_sub(SPELLING.audience)],
    }
    if s.thumbprints:
        properties["ThumbprintList"] = [t.lower() for t in s.thumbprints]
    properties["Tags"] = _tags()
    return {
        "Type": "AWS::IAM::OIDCProvider",
        "Condition": CREATE_PROVIDER,
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def _repository(s: Settings) -> dict[str, Any]:
    name = {"Ref": "EcrRepositoryName"}
    if s.public:
        properties: dict[str, Any] = {"RepositoryName": name, "Tags": _tags()}
        kind = "AWS::ECR::PublicRepository"
    else:
        properties = {"RepositoryName": name, **_repository_properties(s), "Tags": _tags()}
        kind = "AWS::ECR::Repository"
    return {
        "Type": kind,
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def _repository_properties(s: Settings) -> dict[str, Any]:
    """The step's create_repository settings, in CloudFormation's property names."""
    api = repository_configuration(s)
    properties: dict[str, Any] = {"ImageTagMutability": api["imageTagMutability"]}
    filters = api.get("imageTagMutabilityExclusionFilters", [])
    if filters:
        properties["ImageTagMutabilityExclusionFilters"] = [
            {
                "ImageTagMutabilityExclusionFilterType": f["filterType"],
                "ImageTagMutabilityExclusionFilterValue": f["filter"],
            }
            for f in filters
        ]
    properties["ImageScanningConfiguration"] = {
        "ScanOnPush": api["imageScanningConfiguration"]["scanOnPush"]
    }
    return properties


def _role(docs: ExportDocuments) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": {"Ref": "RoleName"},
            "Description": _sub(docs.role_description),
            "AssumeRolePolicyDocument": _link_provider(docs.trust_policy, docs.provider_arn),
            "Tags": _tags(),
        },
    }


def _policy(docs: ExportDocuments) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": {"Ref": "PushPolicyName"},
            "Roles": [{"Ref": ROLE}],
            "PolicyDocument": _sub(docs.push_policy),
        },
    }


def _outputs(s: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {
        "RoleArn": {
            "Description": "The role GitHub Actions assumes (AWS_ROLE_ARN in the workflow)",
            "Value": {"Fn::GetAtt": [ROLE, "Arn"]},
        }
    }
    if s.public:
        # ECR Public returns no URI attribute: it holds the registry's alias.
        out["RepositoryArn"] = {
            "Description": "The ECR Public repository",
            "Value": {"Fn::GetAtt": [REPOSITORY, "Arn"]},
        }
    else:
        out["RepositoryUri"] = {
            "Description": "Where the workflow pushes its images",
            "Value": {"Fn::GetAtt": [REPOSITORY, "RepositoryUri"]},
        }
    out["OidcProviderArn"] = {
        "Description": "GitHub's OIDC provider the role trusts",
        "Value": _provider_reference(),
    }
    return out


def _with_comments(text: str, docs: ExportDocuments) -> str:
    """A header that says what the template holds, and the plan's WIDE markers again right
    above the role they concern (YAML keeps comments; the JSON form has none)."""
    lines = comment_block(header_lines(docs, "cloudformation"))
    wide = comment_block(docs.wide_markers, indent="  ")
    out = [*lines]
    for line in text.splitlines():
        if line == f"  {ROLE}:" and wide:
            out += wide
        out.append(line)
    return "\n".join(out) + "\n"
