"""The tag the wizard puts on what it creates, so people can tell its resources apart."""

from __future__ import annotations

CREATED_BY_KEY = "created-by"
CREATED_BY_VALUE = "ecr-oidc-wizard"


def aws_tags() -> list[dict[str, str]]:
    return [{"Key": CREATED_BY_KEY, "Value": CREATED_BY_VALUE}]
