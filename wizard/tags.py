"""The tags the wizard puts on what it creates, so people can tell its resources apart.

An exported template or configuration carries the same `created-by` tag (plan and doctor then
know the resources as the wizard's) and a `managed-by` tag naming the tool that owns them from
then on, so `destroy` leaves them to that tool instead of deleting them from under its stack or
state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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


def _pairs(tags: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for tag in tags:
        key = tag.get("Key", tag.get("key"))
        value = tag.get("Value", tag.get("value"))
        if isinstance(key, str) and isinstance(value, str):
            pairs[key.lower()] = value
    return pairs


def managed_by(tags: Iterable[Mapping[str, Any]]) -> str:
    """Which tool manages a resource made from an export ("" for the wizard's own): the
    `managed-by` tag the exports carry, or CloudFormation's own stack-name tag where the
    resource type gets one. `destroy` leaves such a resource to that tool."""
    pairs = _pairs(tags)
    stack = pairs.get(CLOUDFORMATION_STACK_NAME_KEY, "")
    if stack:
        return f"cloudformation:{stack}"
    return pairs.get(MANAGED_BY_KEY.lower(), "").strip().lower()
