"""The setup as a Terraform configuration, from the same documents the steps send.

    render_terraform(settings, *, existing_provider=False, github=False) -> str

Variables hold the GitHub repository, the scope (each branch, tag or environment without a
wildcard), the ECR repository and the role and policy names, each defaulting to the wizard's
answer. Account, partition and region come from the AWS provider's data sources, so the same
configuration serves every account. `existing_provider` reads the account's GitHub OIDC
provider through a data source instead of creating it (IAM keeps one per URL per account).
`github` adds the repository's Actions secrets or variables through the integrations/github
provider. The trust and push policies are `locals`, passed to `jsonencode`: the plan's
documents, with the deploy-time values left open. Same settings, same bytes.
"""

from __future__ import annotations

from typing import Any

from wizard.export import hcl
from wizard.export.comments import comment_block, header_lines
from wizard.export.documents import ExportDocuments, Parameter, Spelling, export_documents
from wizard.export.hcl import Block, Expr
from wizard.settings import Settings
from wizard.steps.ecr_repository import repository_configuration
from wizard.steps.github_secrets import ECR_PUBLIC_REGION, REGION_NAME, ROLE_ARN_NAME
from wizard.tags import MANAGED_BY_TERRAFORM, aws_tags

# aws_ecr_repository took image_tag_mutability_exclusion_filter and the *_WITH_EXCLUSION
# settings in 6.8.0 (hashicorp/terraform-provider-aws CHANGELOG); 6.0 renamed aws_region's
# `name` to `region`.
AWS_PROVIDER_VERSION = ">= 6.8.0"
GITHUB_PROVIDER_VERSION = ">= 6.0"

SPELLING = Spelling(
    reference=lambda p: "${var." + p.snake + "}",
    partition="${data.aws_partition.current.partition}",
    account_id="${data.aws_caller_identity.current.account_id}",
    region="${data.aws_region.current.region}",
    # sts.amazonaws.com, or sts.amazonaws.com.cn in the China partition.
    audience="sts.${data.aws_partition.current.dns_suffix}",
    escape=hcl.escape_literal,
)


def render_terraform(
    settings: Settings, *, existing_provider: bool = False, github: bool = False
) -> str:
    docs = export_documents(settings, SPELLING)
    provider_arn = Expr(
        "data.aws_iam_openid_connect_provider.github.arn"
        if existing_provider
        else "aws_iam_openid_connect_provider.github.arn"
    )
    blocks: list[Block] = [
        _terraform(github),
        Block("provider", ("aws",), (("region", Expr("var.region")),)),
        *([_github_provider(settings)] if github else []),
        _region_variable(settings),
        *(_variable(p) for p in docs.parameters),
        Block("data", ("aws_partition", "current")),
        Block("data", ("aws_caller_identity", "current")),
        Block("data", ("aws_region", "current")),
        _provider(settings, existing_provider),
        Block(
            "locals",
            body=(
                ("trust_policy", _link(docs.trust_policy, docs.provider_arn, provider_arn)),
                ("push_policy", docs.push_policy),
            ),
        ),
        _repository(settings),
        _role(docs),
        Block(
            "resource",
            ("aws_iam_role_policy", "ecr_push"),
            (
                ("name", Expr("var.push_policy_name")),
                ("role", Expr("aws_iam_role.github_actions.id")),
                ("policy", Expr("jsonencode(local.push_policy)")),
            ),
        ),
        *(_github_values(settings) if github else []),
        *_outputs(settings, provider_arn),
    ]
    comments = comment_block(header_lines(docs, "terraform"))
    return "\n".join(comments) + "\n\n" + hcl.document(blocks)


def _terraform(github: bool) -> Block:
    providers: dict[str, Any] = {
        "aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION},
    }
    if github:
        providers["github"] = {"source": "integrations/github", "version": GITHUB_PROVIDER_VERSION}
    return Block("terraform", body=(Block("required_providers", body=tuple(providers.items())),))


def _region_variable(s: Settings) -> Block:
    if not s.public:
        return _variable(Parameter("Region", s.region, "AWS region of the ECR repository", ""))
    # ECR Public exists in us-east-1 only.
    return _variable(
        Parameter(
            "Region",
            ECR_PUBLIC_REGION,
            "AWS region: ECR Public repositories exist in us-east-1 only",
            f"^{ECR_PUBLIC_REGION}$",
        )
    )


def _github_provider(s: Settings) -> Block:
    body: list[tuple[str, Any] | Block] = [("owner", Expr("var.github_owner"))]
    if s.github_api_url:
        # GitHub Enterprise Server: the provider wants its API URL with a trailing slash.
        body.append(("base_url", hcl.escape_literal(s.github_api_url.rstrip("/") + "/")))
    return Block("provider", ("github",), tuple(body))


def _variable(p: Parameter) -> Block:
    body: list[tuple[str, Any] | Block] = [
        ("description", p.description),
        ("type", Expr("string")),
        ("default", hcl.escape_literal(p.default)),
    ]
    if p.pattern:
        body.append(
            Block(
                "validation",
                body=(
                    ("condition", Expr(f"can(regex({hcl.string(p.pattern)}, var.{p.snake}))")),
                    ("error_message", f"{p.snake} must match {hcl.escape_literal(p.pattern)}."),
                ),
            )
        )
    return Block("variable", (p.snake,), tuple(body))


def _tags() -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in aws_tags(MANAGED_BY_TERRAFORM)}


def _provider(s: Settings, existing: bool) -> Block:
    url = s.oidc_issuer.url
    if existing:
        return Block("data", ("aws_iam_openid_connect_provider", "github"), (("url", url),))
    body: list[tuple[str, Any] | Block] = [
        ("url", url),
        ("client_id_list", [SPELLING.audience]),
    ]
    if s.thumbprints:
        body.append(("thumbprint_list", [t.lower() for t in s.thumbprints]))
    body.append(("tags", _tags()))
    # Shared by every role in the account that trusts GitHub: never destroyed with this one.
    body.append(Block("lifecycle", body=(("prevent_destroy", True),)))
    return Block("resource", ("aws_iam_openid_connect_provider", "github"), tuple(body))


def _link(document: Any, planned_arn: str, reference: Expr) -> Any:
    """The trust policy names the provider this configuration creates or reads."""
    if isinstance(document, dict):
        return {k: _link(v, planned_arn, reference) for k, v in document.items()}
    if isinstance(document, list):
        return [_link(v, planned_arn, reference) for v in document]
    return reference if document == planned_arn else document


def _repository(s: Settings) -> Block:
    # The repository holds the images: a destroy must be meant (remove this block first).
    keep = Block("lifecycle", body=(("prevent_destroy", True),))
    if s.public:
        return Block(
            "resource",
            ("aws_ecrpublic_repository", "this"),
            (("repository_name", Expr("var.ecr_repository_name")), ("tags", _tags()), keep),
        )
    api = repository_configuration(s)
    body: list[tuple[str, Any] | Block] = [
        ("name", Expr("var.ecr_repository_name")),
        ("image_tag_mutability", api["imageTagMutability"]),
    ]
    for f in api.get("imageTagMutabilityExclusionFilters", []):
        body.append(
            Block(
                "image_tag_mutability_exclusion_filter",
                body=(("filter", f["filter"]), ("filter_type", f["filterType"])),
            )
        )
    scan = api["imageScanningConfiguration"]["scanOnPush"]
    body.append(Block("image_scanning_configuration", body=(("scan_on_push", scan),)))
    body += [("tags", _tags()), keep]
    return Block("resource", ("aws_ecr_repository", "this"), tuple(body))


def _role(docs: ExportDocuments) -> Block:
    return Block(
        "resource",
        ("aws_iam_role", "github_actions"),
        (
            ("name", Expr("var.role_name")),
            ("description", docs.role_description),
            ("assume_role_policy", Expr("jsonencode(local.trust_policy)")),
            ("tags", _tags()),
        ),
        # The plan's WIDE markers again, right above the role they concern.
        comments=tuple(comment_block(docs.wide_markers)),
    )


def _github_values(s: Settings) -> list[Block]:
    """Step 5 as Terraform: where the workflow reads the role ARN and the region."""
    values = {
        ROLE_ARN_NAME: Expr("aws_iam_role.github_actions.arn"),
        REGION_NAME: Expr("data.aws_region.current.region"),
    }
    out = []
    for name, val in values.items():
        if s.github_values_as == "variables":
            kind, body = "github_actions_variable", (("variable_name", name), ("value", val))
        else:
            kind, body = "github_actions_secret", (("secret_name", name), ("plaintext_value", val))
        out.append(
            Block(
                "resource",
                (kind, name.lower()),
                (("repository", Expr("var.github_repository_name")), *body),
            )
        )
    return out


def _outputs(s: Settings, provider_arn: Expr) -> list[Block]:
    uri = (
        "aws_ecrpublic_repository.this.repository_uri"
        if s.public
        else "aws_ecr_repository.this.repository_url"
    )
    return [
        Block(
            "output",
            ("role_arn",),
            (
                ("description", "The role GitHub Actions assumes (AWS_ROLE_ARN in the workflow)"),
                ("value", Expr("aws_iam_role.github_actions.arn")),
            ),
        ),
        Block(
            "output",
            ("repository_uri",),
            (("description", "Where the workflow pushes its images"), ("value", Expr(uri))),
        ),
        Block(
            "output",
            ("oidc_provider_arn",),
            (
                ("description", "GitHub's OIDC provider the role trusts"),
                ("value", provider_arn),
            ),
        ),
    ]
