"""The setup as a CloudFormation template (YAML), from the same documents the steps send.

Public API (stable; the StackSets roll-out builds on it):

    render_cloudformation(settings: Settings, *, existing_provider_arn: str = "") -> str

`settings` are the wizard's answers (validated by the caller). The template has parameters for
the GitHub repository, the ECR repository and role names, and `ExistingOidcProviderArn`: empty
(the default unless `existing_provider_arn` is given) creates GitHub's OIDC provider, an ARN
reuses the account's one (IAM keeps one provider per URL per account). Account, partition and
region come from CloudFormation's pseudo parameters, so one template serves every account and
region. Same settings, same bytes.
"""

from __future__ import annotations

from wizard.settings import Settings


def render_cloudformation(settings: Settings, *, existing_provider_arn: str = "") -> str:
    raise NotImplementedError("being written")
