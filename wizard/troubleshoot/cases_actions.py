"""Catalogue entries: GitHub Actions getting AWS credentials (configure-aws-credentials, STS, the
OIDC provider)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DOCTOR,
    _REAPPLY_GITHUB,
    _REAPPLY_TRUST,
    Case,
    _any,
)

ACTIONS: tuple[Case, ...] = (
    # --- GitHub Actions: configure-aws-credentials --------------------------------------------
    Case(
        id="assume-role-denied",
        title="GitHub's token was refused by the role's trust policy",
        cause=(
            "The job obtained an OIDC token, but no statement of the trust policy of role "
            "{role_name} matched it. Almost always the token's sub claim differs from the "
            "policy's pattern: the job uses an environment (sub is "
            "repo:OWNER/REPO:environment:NAME, not ...:ref:...); it runs for a pull request "
            "(sub ends in :pull_request); it runs on a branch or tag the policy does not allow; "
            "the owner or repository differs in upper/lower case (sub is compared "
            "case-sensitively, use GitHub's canonical name); the repository emits immutable "
            "subjects (repo:OWNER@OWNER_ID/REPO@REPO_ID:...); or a custom sub template "
            "(include_claim_keys) rewrites the whole claim. Less often the aud condition is "
            "not StringEquals {audience}, or the workflow's role ARN names another role or "
            "account."
        ),
        fix=(
            "Check the sub the job really sends against the trust policy with the doctor, read "
            "the sub format the repository emits, then let step 3 rewrite the trust policy. "
            "Do not widen sub with a wildcard over the owner or the @ID part: that lets other "
            "repositories in."
        ),
        commands=(
            "ecr-oidc-wizard doctor --claim repo:{github_repo}:ref:{claim_ref}",
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
            "gh api repos/{github_repo}/actions/oidc/customization/sub",
            _REAPPLY_TRUST,
        ),
        match=_any(r"not authorized to perform:?\s{1,5}sts:AssumeRoleWithWebIdentity"),
    ),
    Case(
        id="audience-not-allowed",
        title="The OIDC provider does not accept the token's audience",
        cause=(
            "The token's aud claim is not in the client ID list of the account's GitHub OIDC "
            "provider. The provider must list {audience} (configure-aws-credentials asks for "
            "that audience unless the workflow sets another one with the audience input)."
        ),
        fix=(
            "Add {audience} to the provider's client IDs (step 2 does it), and remove any "
            "custom audience input from the workflow."
        ),
        commands=(
            "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {provider_arn}",
            "aws iam add-client-id-to-open-id-connect-provider "
            "--open-id-connect-provider-arn {provider_arn} --client-id {audience}",
            "ecr-oidc-wizard apply --only 2",
        ),
        match=_any(r"Incorrect token audience"),
    ),
    Case(
        id="oidc-provider-missing",
        title="The AWS account has no GitHub OIDC provider",
        cause=(
            "STS looked for an IAM OIDC provider for https://token.actions.githubusercontent.com "
            "in the account that owns the role and found none: step 2 was not done in that "
            "account (often it was done in another account than the role's ARN names), or the "
            "provider was created with another URL."
        ),
        fix=(
            "Create the provider in account {account_id} with step 2 (it reuses one that "
            "already exists), then re-run the workflow."
        ),
        commands=("aws iam list-open-id-connect-providers", "ecr-oidc-wizard apply --only 2"),
        match=_any(r"No OpenIDConnect provider found"),
    ),
    Case(
        id="role-arn-invalid",
        title="The role ARN given to the workflow is empty or malformed",
        cause=(
            "configure-aws-credentials received a role-to-assume that is not a role ARN. The "
            "AWS_ROLE_ARN secret or variable is missing in this repository or environment, is "
            "misspelled, is read as secrets.AWS_ROLE_ARN while it was saved as a variable (or "
            "the reverse), or holds a role name, spaces or quotes. Workflows run from forks "
            "get no secrets at all."
        ),
        fix=(
            "Set AWS_ROLE_ARN to exactly {role_arn} (step 5 does it). The ARN is not secret: a "
            "variable, read as vars.AWS_ROLE_ARN, is not masked in logs."
        ),
        commands=(
            "gh secret list --repo {github_repo}",
            "gh variable list --repo {github_repo}",
            "gh secret set AWS_ROLE_ARN --repo {github_repo} --body {role_arn}",
            _REAPPLY_GITHUB,
        ),
        match=_any(r"Request ARN is invalid"),
    ),
    Case(
        id="credentials-not-loaded",
        title="The workflow could not get AWS credentials (no OIDC token)",
        cause=(
            "configure-aws-credentials found neither an OIDC token nor keys. Usually the "
            "workflow lacks permissions: id-token: write, so GitHub gives the job no token; "
            "job-level permissions replace the workflow-level ones. Otherwise role-to-assume "
            "was empty because the AWS_ROLE_ARN secret is missing, or the run came from a fork "
            "or Dependabot, which get no secrets."
        ),
        fix=(
            "Give the job (or the whole workflow) the permissions id-token: write and "
            "contents: read, check that AWS_ROLE_ARN is set, then re-run. Do not add access "
            "keys: OIDC needs none."
        ),
        commands=(
            "gh workflow view {workflow} --repo {github_repo} --yaml",
            "gh secret list --repo {github_repo}",
            _DOCTOR,
        ),
        match=_any(
            r"Could not load credentials from any providers",
            r"Credentials could not be loaded",
            r"Unable to get ACTIONS_ID_TOKEN_REQUEST_URL",
            r"Did you mean to set the .{0,3}id-token.{0,3} permission",
        ),
    ),
    Case(
        id="region-input-missing",
        title="The workflow gave configure-aws-credentials no region",
        cause=(
            "The aws-region input is empty: the AWS_REGION secret or variable the workflow "
            "reads is not set in this repository or environment, or is read as secrets.X "
            "while it was saved as a variable (or the reverse)."
        ),
        fix=(
            "Set AWS_REGION to {region} (step 5 does it). The region is not secret: a "
            "variable, read as vars.AWS_REGION, is not masked in logs."
        ),
        commands=(
            "gh secret set AWS_REGION --repo {github_repo} --body {region}",
            _REAPPLY_GITHUB,
        ),
        match=_any(r"Input required and not supplied: aws-region"),
    ),
)
