"""The tags the wizard puts on what it creates, so people can tell its resources apart.

An exported template or configuration carries the same `created-by` tag (plan and doctor then
know the resources as the wizard's) and a `managed-by` tag naming the tool that owns them from
then on, so `destroy` leaves them to that tool instead of deleting them from under its stack or
state.
"""

from __future__ import annotations

CREATED_BY_KEY = "created-by"
CREATED_BY_VALUE = "ecr-oidc-wizard"
MANAGED_BY_KEY = "managed-by"
MANAGED_BY_CLOUDFORMATION = "cloudformation"
MANAGED_BY_TERRAFORM = "terraform"
# CloudFormation adds these to the resources of a stack where the resource type propagates
# stack-level tags (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/
# aws-properties-resource-tags.html); the key's prefix is case-insensitive.
CLOUDFORMATION_STACK_NAME_KEY = "aws:cloudformation:stack-name"


def aws_tags(managed_by: str = "") -> list[dict[str, str]]:
    tags = [{"Key": CREATED_BY_KEY, "Value": CREATED_BY_VALUE}]
    if managed_by:
        tags.append({"Key": MANAGED_BY_KEY, "Value": managed_by})
    return tags
