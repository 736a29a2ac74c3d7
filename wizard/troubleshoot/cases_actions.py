"""Catalogue entries: GitHub Actions getting AWS credentials (configure-aws-credentials, STS, the
OIDC provider)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _CAC,
    _DOCTOR,
    _ENVIRONMENT_SECRET,
    _FORK_OR_DEPENDABOT,
    _GITHUB_OIDC_AWS,
    _REAPPLY_GITHUB,
    _REAPPLY_TRUST,
    _REPO_URL,
    _REUSABLE_WORKFLOW,
    _SECRET_MISSING,
    _STS,
    Case,
    Cause,
    _any,
)

ACTIONS: tuple[Case, ...] = (
    # --- GitHub Actions: configure-aws-credentials --------------------------------------------
    Case(
        id="assume-role-denied",
        source=_CAC + ", from " + _STS + " AssumeRoleWithWebIdentity",
        link=_REPO_URL + "/issues/452",
        causes=(
            Cause(
                key="environment",
                text=(
                    "The job uses an environment: its sub is repo:OWNER/REPO:environment:NAME "
                    "whatever the branch, so a policy written for a branch "
                    "(...:ref:refs/heads/...) "
                    "does not match it."
                ),
                check=(
                    "Does the job have environment:? Then the trust policy must admit "
                    "repo:{github_repo}:environment:NAME."
                ),
                hint=r"\benvironment:|:environment:",
            ),
            Cause(
                key="pull-request",
                text=(
                    "The run is for a pull request: its sub is repo:OWNER/REPO:pull_request, not "
                    "the branch's ref."
                ),
                check=(
                    "Is the event pull_request? Then the policy must admit "
                    "repo:{github_repo}:pull_request (a fork's pull request gets no token at all)."
                ),
                hint=r"pull_request|refs/pull/",
            ),
            Cause(
                key="branch-or-tag",
                text=(
                    "The run is on a branch or tag the policy does not list: StringEquals on "
                    "refs/heads/main refuses every other branch and every tag, and patterns are "
                    "case-sensitive."
                ),
                check=(
                    "Compare the run's ref (GITHUB_REF in the log) with each ref: value of the "
                    "trust policy's sub condition."
                ),
                hint=r"refs/(?:heads|tags)/",
            ),
            Cause(
                key="owner-case",
                text=(
                    "The owner or repository in the policy is spelled with other capitals than "
                    "GitHub's canonical name; sub is compared case-sensitively."
                ),
                check=(
                    "Compare the policy's repo:OWNER/REPO with gh api repos/{github_repo} --jq "
                    ".full_name, letter by letter."
                ),
            ),
            Cause(
                key="immutable-subject",
                text=(
                    "The repository emits immutable subjects, repo:OWNER@OWNER_ID/REPO@REPO_ID:... "
                    "(repositories created, renamed or transferred since 2026-07-15, or opted "
                    "in), which a policy built from names never matches."
                ),
                check=(
                    "Does gh api repos/{github_repo}/actions/oidc/customization/sub answer "
                    "use_immutable_subject: true?"
                ),
                hint=r"repo:[^\s:@]{1,100}@\d",
            ),
            Cause(
                key="custom-template",
                text=(
                    "A custom sub template (include_claim_keys) on the repository or its "
                    "organisation rewrites the whole claim (e.g. "
                    "repo:OWNER/REPO:job_workflow_ref:...)."
                ),
                check=(
                    "Does the customization endpoint answer use_default: false with "
                    "include_claim_keys?"
                ),
                hint=r"include_claim_keys|job_workflow_ref:|context:",
            ),
            Cause(
                key="repository-not-admitted",
                text=(
                    "The policy admits other repositories than this one: another name, the "
                    "repository before a rename or transfer, or an organisation wildcard that "
                    "misses it."
                ),
                check="Does any sub value of the trust policy match repo:{github_repo}:...?",
            ),
            Cause(
                key="role-arn-other",
                text=(
                    "role-to-assume names another role or account than the one whose trust "
                    "policy was edited: a stale secret, or another environment's secret."
                ),
                check=(
                    "Compare the ARN on the log's role-to-assume line with aws iam get-role "
                    "--role-name {role_name} --query Role.Arn."
                ),
            ),
            Cause(
                key="audience",
                text=(
                    "The policy's aud condition expects another value than the token carries: a "
                    "custom audience input, a URL, or sts.amazonaws.com.cn in China."
                ),
                check=(
                    "Is the aud condition StringEquals {audience}, and does the workflow set no "
                    "other audience input?"
                ),
                hint=r"\baudience\b|:aud\b",
            ),
            Cause(
                key="issuer",
                text=(
                    "The policy's provider or condition keys name another issuer than the "
                    "token's: GitHub Enterprise Server tokens come from "
                    "https://HOST/_services/token, an enterprise with a unique issuer from "
                    "https://token.actions.githubusercontent.com/SLUG."
                ),
                check=(
                    "Do the Federated principal and the prefix of the condition keys name the "
                    "issuer of the runner's token (its iss claim)?"
                ),
                hint=r"_services/token|githubusercontent\.com/[A-Za-z0-9-]",
            ),
            Cause(
                key="role-chaining",
                text=(
                    "A second configure-aws-credentials step assumes another role with the OIDC "
                    "token again, while that role trusts the first role, not GitHub."
                ),
                check=(
                    "Does the failing step follow another configure-aws-credentials step? Then "
                    "give it role-chaining: true."
                ),
                hint=r"role-chaining",
            ),
        ),
        examples=(
            "Error: Not authorized to perform sts:AssumeRoleWithWebIdentity",
            "Error: Could not assume role with OIDC: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity",
            "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity "
            "operation: Not authorized to perform sts:AssumeRoleWithWebIdentity",
            "Run aws-actions/configure-aws-credentials@v4\n  with:\n    role-to-assume: "
            "arn:aws:iam::***:role/deploy\n    aws-region: eu-west-1\n  env:\n    "
            "environment: production\nError: Could not assume role with OIDC: Not authorized "
            "to perform sts:AssumeRoleWithWebIdentity",
        ),
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
        source=_CAC + ", from " + _STS + " (InvalidIdentityToken)",
        link=_REPO_URL + "/issues/318",
        causes=(
            Cause(
                key="provider-audience",
                text="The OIDC provider's client ID list lacks {audience}.",
                check=(
                    "Does aws iam get-open-id-connect-provider list {audience} under ClientIDList?"
                ),
            ),
            Cause(
                key="custom-audience",
                text=(
                    "The workflow sets an audience input (or the provider was created with "
                    "GitHub's old https://github.com/OWNER audience)."
                ),
                check="Does the configure-aws-credentials step set audience:?",
                hint=r"audience:|https://github\.com/",
            ),
            Cause(
                key="china-audience",
                text=(
                    "The account is in AWS China (aws-cn), whose STS expects the audience "
                    "sts.amazonaws.com.cn; a provider or workflow with sts.amazonaws.com fails."
                ),
                check=(
                    "Is the role ARN arn:aws-cn:...? Then the provider and the audience input "
                    "must be sts.amazonaws.com.cn."
                ),
                hint=r"aws-cn|amazonaws\.com\.cn|\bcn-north",
            ),
        ),
        examples=(
            "Error: Could not assume role with OIDC: Incorrect token audience",
            "An error occurred (InvalidIdentityToken) when calling the "
            "AssumeRoleWithWebIdentity operation: Incorrect token audience",
        ),
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
        source=_CAC + ", from " + _STS + " (InvalidIdentityToken)",
        link=_GITHUB_OIDC_AWS,
        causes=(
            Cause(
                key="provider-other-account",
                text=(
                    "The provider exists, but in another account than the one the role ARN "
                    "names: STS looks only in the role's account."
                ),
                check=(
                    "Run aws iam list-open-id-connect-providers with credentials of the "
                    "account in role-to-assume: is {issuer} listed?"
                ),
            ),
            Cause(
                key="provider-missing",
                text="The provider was never created (step 2 not done), or it was deleted.",
                check="Does aws iam list-open-id-connect-providers list no GitHub provider?",
            ),
            Cause(
                key="provider-url",
                text=(
                    "The provider was created with another URL than the token's issuer: a "
                    "trailing slash, a GitHub Enterprise Server host (https://HOST/_services/"
                    "token), or an enterprise's unique issuer (the enterprise's slug at the end "
                    "of the URL)."
                ),
                check="Is the URL in the message exactly the provider's URL, path included?",
                hint=r"_services/token|githubusercontent\.com/[A-Za-z0-9-]",
            ),
            Cause(
                key="vstoken-issuer",
                text=(
                    "The provider still names the 2021 beta issuer "
                    "vstoken.actions.githubusercontent.com, which GitHub no longer uses."
                ),
                check="Does the provider's URL or the trust policy say vstoken?",
                fix=(
                    "Create the provider for {issuer_url} (step 2) "
                    "and point the trust policy's keys at it (step 3)."
                ),
                hint=r"vstoken",
            ),
        ),
        examples=(
            "Error: Could not assume role with OIDC: No OpenIDConnect provider found in your "
            "account for https://token.actions.githubusercontent.com",
            "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity "
            "operation: No OpenIDConnect provider found in your account for "
            "https://vstoken.actions.githubusercontent.com",
        ),
        title="The AWS account has no GitHub OIDC provider",
        cause=(
            "STS looked for an IAM OIDC provider for {issuer_url} "
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
        source=_CAC + ", from " + _STS + " (ValidationError)",
        link=_REPO_URL + "/issues/188",
        causes=(
            _SECRET_MISSING,
            _FORK_OR_DEPENDABOT,
            Cause(
                key="not-an-arn",
                text=(
                    "The value is not a role ARN: a role name alone, an account ID, or an ARN "
                    "with spaces, quotes or a newline around it."
                ),
                check=(
                    "Does the value read exactly arn:aws:iam::ACCOUNT:role/NAME, nothing around it?"
                ),
                hint=r"Source Account ID is needed|Role Name is provided",
            ),
            _ENVIRONMENT_SECRET,
            _REUSABLE_WORKFLOW,
        ),
        examples=(
            "Error: Could not assume role with OIDC: Request ARN is invalid",
            "Error: Request ARN is invalid",
            "Error: Source Account ID is needed if the Role Name is provided and not the Role Arn.",
        ),
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
        match=_any(
            r"Request ARN is invalid",
            r"Source Account ID is needed if the Role Name",
            r"'roleArn' failed to satisfy constraint",
        ),
    ),
    Case(
        id="credentials-not-loaded",
        source=_CAC + " (and the AWS SDK for JavaScript's provider chain)",
        link=_REPO_URL + "/issues/188",
        causes=(
            Cause(
                key="id-token-permission",
                text=(
                    "The job has no permissions: id-token: write (a job-level permissions block "
                    "replaces the workflow-level one), so GitHub gives it no OIDC token and the "
                    "action falls back to an empty credential chain."
                ),
                check=(
                    "Does the job, or the workflow when the job has no permissions block, grant "
                    "id-token: write? The log says 'Did you mean to set the id-token "
                    "permission?' when it does not."
                ),
                fix="Add permissions: id-token: write and contents: read to the job.",
                hint=r"ACTIONS_ID_TOKEN_REQUEST|id-token",
            ),
            _FORK_OR_DEPENDABOT,
            Cause(
                key="no-credentials-step",
                text=(
                    "An AWS step (amazon-ecr-login, the AWS CLI) ran without "
                    "configure-aws-credentials before it in the same job."
                ),
                check="Does the same job run configure-aws-credentials before the failing step?",
                hint=r"amazon-ecr-login|ecr-login",
            ),
            Cause(
                key="role-to-assume-empty",
                text=(
                    "role-to-assume is empty (its secret or variable is missing, misspelled, or "
                    "read as secrets.X while saved as a variable), so the action tries no role "
                    "at all."
                ),
                check="In the step's 'with:' block at the top of its log, is role-to-assume there?",
            ),
            _REUSABLE_WORKFLOW,
            _ENVIRONMENT_SECRET,
            Cause(
                key="aws-profile-set",
                text=(
                    "AWS_PROFILE is set in the job's env, so the SDK looks for that profile in "
                    "~/.aws on the runner instead of the credentials the action exported."
                ),
                check="Does the workflow's or job's env: set AWS_PROFILE or AWS_DEFAULT_PROFILE?",
                hint=r"AWS_PROFILE|AWS_DEFAULT_PROFILE",
            ),
            Cause(
                key="self-hosted-runner",
                text=(
                    "On a self-hosted runner the instance or container credentials the chain "
                    "falls back on are not reachable, or a busy runner timed out on them."
                ),
                check="Does the job run on self-hosted? Does a re-run pass?",
                hint=r"self-hosted|169\.254\.169\.254|\bIMDS\b|EC2 Metadata|ECS",
            ),
        ),
        examples=(
            "Error: Credentials could not be loaded, please check your action inputs: Could not "
            "load credentials from any providers",
            "Error: Could not load credentials from any providers",
            "It looks like you might be trying to authenticate with OIDC. Did you mean to set "
            "the `id-token` permission? If you are not trying to authenticate with OIDC and the "
            "action is working successfully, you can ignore this message.\nError: Credentials "
            "could not be loaded, please check your action inputs: Could not load credentials "
            "from any providers",
            "Error: getIDToken call failed: Error: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL "
            "env variable",
            "Error: Could not determine how to assume credentials. Please check your inputs "
            "and try again.",
        ),
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
            r"getIDToken call failed",
            r"Could not determine how to assume credentials",
            r"Resolved credential object is not valid",
            r"Missing credentials in config",
            r"Access key ID empty after loading credentials",
            r"'aws-secret-access-key' must be provided",
        ),
    ),
    Case(
        id="region-input-missing",
        source=_CAC + " (@actions/core input check)",
        link=_REPO_URL + "/blob/main/action.yml",
        causes=(
            _SECRET_MISSING,
            _FORK_OR_DEPENDABOT,
            _ENVIRONMENT_SECRET,
            _REUSABLE_WORKFLOW,
            Cause(
                key="region-malformed",
                text=(
                    "The region is set but is not a region name: quotes, spaces, an "
                    "availability zone (us-east-1a) or a display name."
                ),
                check="Does the log show 'Region is not valid: VALUE'?",
                hint=r"Region is not valid",
            ),
        ),
        examples=(
            "Error: Input required and not supplied: aws-region",
            "Error: Region is not valid: us-east-1a",
        ),
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
        match=_any(
            r"Input required and not supplied: aws-region",
            r"Region is not valid:",
            r"argument --region: expected one argument",
        ),
    ),
    Case(
        id="permissions-invalid",
        title="GitHub does not accept the workflow's permissions block",
        cause=(
            "The workflow file is refused before it runs: permissions: is indented under the "
            "wrong key (a step, with:, or env:), or the GitHub Enterprise Server is older than "
            "3.5 and knows no id-token permission (no OIDC at all)."
        ),
        fix=(
            "Put permissions: at the top of the workflow or directly under the job, with "
            "id-token: write and contents: read; on an old GitHub Enterprise Server, upgrade it "
            "or use access keys."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(r"Unexpected value '(?:id-token|permissions)'"),
        source="GitHub Actions workflow validation",
        link=(
            "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-"
            "actions#permissions"
        ),
        causes=(
            Cause(
                key="indentation",
                text="permissions: sits under the wrong key.",
                check="Is permissions: at the workflow's top level or directly under the job?",
            ),
            Cause(
                key="old-ghes",
                text="The GitHub Enterprise Server predates OIDC (3.5).",
                check="Is this GitHub Enterprise Server older than 3.5?",
                hint=r"enterprise|GHES",
            ),
        ),
        examples=(
            "The workflow is not valid. .github/workflows/build.yml (Line: 9, Col: 7): Unexpected "
            "value 'id-token'",
        ),
    ),
)
