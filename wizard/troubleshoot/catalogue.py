"""The troubleshooting catalogue: every known failure, its cause, fix and commands, as data.

All user-facing text lives in `CASES`; `classify` (in `guidance.py`) matches and fills them,
and callers only render the `Guidance` it returns.

Each case lists alternatives; an alternative is a group of regular expressions that must all be
found (case-insensitive) in the error's text, its error code and its class names. Cases are
ordered most specific first, and `unless` lets a specific case hide a broader one whose advice
would be wrong next to it.

Templates use str.format fields filled from the caller's values, then from facts read in the
message itself (a repository name, an account ID), then readable placeholders like `<REGION>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One known failure. `title`, `cause`, `fix` and `commands` are str.format templates."""

    id: str
    title: str
    cause: str
    fix: str
    commands: tuple[str, ...]
    # Alternatives: the case matches when every pattern of at least one group is found.
    match: tuple[tuple[str, ...], ...]
    # Ids of more specific cases whose presence makes this one misleading.
    unless: tuple[str, ...] = ()
    # Whether `missing_permission` is reported: the action named after "not authorized to
    # perform" is a permission the caller lacks (not so for sts:AssumeRoleWithWebIdentity).
    names_permission: bool = False


def _any(*patterns: str) -> tuple[tuple[str, ...], ...]:
    return tuple((p,) for p in patterns)


def _words(*words: str) -> str:
    """Error codes and class names as whole words: AccessDenied must not match inside
    AccessDeniedException, nor LimitExceeded inside RequestLimitExceeded."""
    return r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"


# The actions a push needs; a denial of one of them from an assumed role is the push policy's
# fault. Denials of wizard-only actions (CreateRepository, ...) are the person's own identity.
_PUSH_ACTIONS = (
    "GetAuthorizationToken|BatchCheckLayerAvailability|GetDownloadUrlForLayer|"
    "GetRepositoryPolicy|DescribeRepositories|ListImages|DescribeImages|BatchGetImage|"
    "InitiateLayerUpload|UploadLayerPart|CompleteLayerUpload|PutImage"
)
# Bounded quantifiers throughout: a pasted log can be megabytes long.
_NOT_AUTHORIZED = r"is not authorized to perform:?\s{1,5}"
_PERMISSION = r"[a-z0-9-]{2,40}:[a-z0-9*]{1,80}"
# Case-sensitive on purpose: "region" in prose is not a leftover placeholder.
_PLACEHOLDER = r"(?-i:\b(?:AWS_ACCOUNT_ID|ACCOUNT_ID|REGION)\b|<ACCOUNT_ID>|<REGION>)"
_DISPATCH_URL = r"/actions/workflows/[^\s/]{1,255}/dispatches"
_NOT_FOUND = r"\b404\b|\bNot Found\b"

_REAPPLY_TRUST = "ecr-oidc-wizard apply --only 3"
_REAPPLY_PUSH = "ecr-oidc-wizard apply --only 4"
_REAPPLY_GITHUB = "ecr-oidc-wizard apply --only 5"
_DOCTOR = "ecr-oidc-wizard doctor"
_WHOAMI = "aws sts get-caller-identity"
_ECR_LOGIN = (
    "aws ecr get-login-password --region {region} | "
    "docker login --username AWS --password-stdin {registry}"
)
_DESCRIBE_REPOSITORY = (
    "aws ecr describe-repositories --repository-names {ecr_repository} --region {region}"
)


CASES: tuple[Case, ...] = (
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
    # --- ECR and docker push -------------------------------------------------------------------
    Case(
        id="tag-immutable",
        title="The tag already exists and the repository does not let it move",
        cause=(
            "Repository {ecr_repository} keeps its tags immutable, so a tag, once pushed, "
            "cannot point at another image. The guide pushes a moving latest tag beside the "
            "versioned one, so the second build fails."
        ),
        fix=(
            "Keep versioned tags immutable and let only latest move: set the repository to "
            "IMMUTABLE_WITH_EXCLUSION with a WILDCARD filter latest (step 1 does it). If the "
            "refused tag is a version tag, do not overwrite it: build with a new tag."
        ),
        commands=(
            "aws ecr describe-repositories --repository-names {ecr_repository} "
            "--region {region} --query 'repositories[0].imageTagMutability'",
            "aws ecr put-image-tag-mutability --repository-name {ecr_repository} "
            "--region {region} --image-tag-mutability IMMUTABLE_WITH_EXCLUSION "
            "--image-tag-mutability-exclusion-filters filterType=WILDCARD,filter=latest",
            "ecr-oidc-wizard apply --only 1",
        ),
        match=_any(
            _words("ImageTagAlreadyExistsException"),
            r"cannot be overwritten because the (?:repository|tag) is immutable",
            # docker's shorter form, cut before the reason (REFERENCE.md quotes it so).
            r"tag invalid: The image tag '[^']+' already exists",
        ),
    ),
    Case(
        id="image-already-exists",
        title="That image is already in the repository under that tag",
        cause=(
            "The same manifest was pushed again with the same tag; ECR refuses the no-op "
            "PutImage. Nothing is wrong with the repository."
        ),
        fix="Nothing to fix: the image is there. Push a new build to get a new digest.",
        commands=("aws ecr describe-images --repository-name {ecr_repository} --region {region}",),
        match=_any(_words("ImageAlreadyExistsException")),
    ),
    Case(
        id="repository-not-found",
        title="The ECR repository does not exist where the push went",
        cause=(
            "ECR has no repository {ecr_repository} in region {region} of account "
            "{account_id}. Either the name is wrong (names are lower case), the push went to "
            "another region or account than the one the repository is in (compare the "
            "registry ID and host in the message with yours), or step 1 was never done."
        ),
        fix=(
            "Create the repository with step 1 in the account and region the workflow pushes "
            "to, or correct the image name in the workflow to {registry}/{ecr_repository}."
        ),
        commands=(
            _DESCRIBE_REPOSITORY,
            "aws ecr describe-repositories --region {region} "
            "--query 'repositories[].repositoryName'",
            "ecr-oidc-wizard apply --only 1",
        ),
        match=_any(
            _words("RepositoryNotFoundException"),
            r"\bname unknown\b",
            r"repository with name '[^']{0,256}' does not exist",
        ),
    ),
    Case(
        id="repository-exists",
        title="The ECR repository already exists",
        cause=(
            "A repository named {ecr_repository} is already in region {region}; a second "
            "create-repository fails."
        ),
        fix=(
            "Reuse it: the wizard's step 1 adopts an existing repository and only changes its "
            "settings (tag mutability, scanning) after showing you the difference."
        ),
        commands=(_DESCRIBE_REPOSITORY, "ecr-oidc-wizard plan --only 1"),
        match=_any(
            _words("RepositoryAlreadyExistsException"),
            r"repository with name '[^']{0,256}' already exists",
        ),
    ),
    Case(
        id="ecr-token-expired",
        title="Docker's ECR login has expired",
        cause=(
            "An ECR authorization token is valid for 12 hours. Docker still holds an older one "
            "for {registry}, e.g. from a long job or a reused runner."
        ),
        fix=(
            "Log in again just before pushing (in a workflow, run aws-actions/amazon-ecr-login "
            "in the same job as the push)."
        ),
        commands=(_ECR_LOGIN,),
        match=_any(r"authorization token has expired"),
    ),
    Case(
        id="no-basic-auth",
        title="Docker is not logged in to the registry it pushes to",
        cause=(
            "docker push found no login for the image's registry host. Causes: the workflow "
            "has no aws-actions/amazon-ecr-login step (or it runs in another job); the image is "
            "tagged for another host than the one logged in to (an image without a registry "
            "host goes to Docker Hub, another region or account is another host); the login "
            "token is older than 12 hours; or a shared docker config was logged out by "
            "another job. A missing AWS_ROLE_ARN or AWS_REGION makes the earlier "
            "configure-aws-credentials step fail first."
        ),
        fix=(
            "Log in to {registry} right before the push and tag the image with that host: in "
            "the workflow, use the registry output of amazon-ecr-login to build the tag "
            "{registry}/{ecr_repository}:TAG."
        ),
        commands=(_ECR_LOGIN, _DOCTOR),
        match=_any(
            r"no basic auth credentials",
            r"requested access to the resource is denied",
        ),
    ),
    # --- Access denied -------------------------------------------------------------------------
    Case(
        id="explicit-deny",
        title="An explicit Deny blocks {missing_permission}",
        cause=(
            "A Deny statement wins over every Allow. The message says where it is: a service "
            "control policy of your AWS organisation, a permissions boundary, a session "
            "policy, an identity-based policy, or a resource-based policy such as the "
            "repository policy."
        ),
        fix=(
            "Adding an Allow for {missing_permission} will not help. Ask whoever owns that "
            "Deny (for a service control policy: your organisation's administrators) for an "
            "exception, or run with an identity the Deny does not cover, then re-run."
        ),
        commands=(_WHOAMI,),
        match=((_NOT_AUTHORIZED + _PERMISSION, r"with an explicit deny"),),
        names_permission=True,
    ),
    Case(
        id="push-policy-denied",
        title="The workflow's role is not allowed {missing_permission}",
        cause=(
            "The job assumed the role, so the trust policy is fine, but the role's push policy "
            "does not allow {missing_permission} on the resource in the message. Either the "
            "action is missing from the policy, or the policy's Resource ARN names another "
            "region, account or repository than the message does; for this setup it is "
            "{repository_arn}. "
            'ecr:GetAuthorizationToken is different: it must be allowed on Resource "*".'
        ),
        fix=(
            "Let step 4 rewrite the push policy for the exact repository ARN, or add "
            "{missing_permission} to policy {policy_name} of role {role_name}; then re-run "
            "the workflow."
        ),
        commands=(
            _REAPPLY_PUSH,
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam get-role-policy --role-name {role_name} --policy-name {policy_name}",
        ),
        match=(
            (
                r"assumed-role/(?!AWSReservedSSO_)[^/\s]{1,64}/\S{1,64}\s{1,5}"
                + _NOT_AUTHORIZED
                + r"ecr:(?:"
                + _PUSH_ACTIONS
                + r")\b",
            ),
        ),
        unless=("explicit-deny",),
        names_permission=True,
    ),
    Case(
        id="caller-lacks-permission",
        title="Your AWS identity lacks {missing_permission}",
        cause=(
            "The identity you run with may not call {missing_permission}: no policy attached "
            "to it allows that action on the resource in the message."
        ),
        fix=(
            "Add {missing_permission} to a policy of that identity (or ask your AWS "
            "administrator to), then re-run the same command. get-caller-identity shows which "
            "identity it is; the simulation confirms the fix."
        ),
        commands=(
            _WHOAMI,
            "aws iam simulate-principal-policy --policy-source-arn {principal_arn} "
            "--action-names {missing_permission}",
        ),
        match=_any(_NOT_AUTHORIZED + r"(?!sts:AssumeRoleWithWebIdentity\b)" + _PERMISSION),
        unless=("explicit-deny", "push-policy-denied"),
        names_permission=True,
    ),
    Case(
        id="access-denied",
        title="AWS refused the call (access denied)",
        cause=(
            "The identity that made the call is not allowed to make it. Run from your "
            "machine, your own identity lacks a permission. In a workflow log, the role's push "
            "policy lacks the action or names another region, account or repository. (A "
            "refused trust policy shows differently: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity.)"
        ),
        fix=(
            "Find which identity made the call and which action was refused (the full message "
            "names both), then allow that action. For the workflow's role, step 4 writes the "
            "push policy."
        ),
        commands=(_WHOAMI, _DOCTOR, _REAPPLY_PUSH),
        match=_any(
            _words("AccessDenied", "AccessDeniedException"),
            r"\bis not authorized to perform\b",
            r"\bUser is not authorized\b",
        ),
        # The generic reading only when no specific one (naming the action) matched.
        unless=(
            "assume-role-denied",
            "caller-lacks-permission",
            "push-policy-denied",
            "explicit-deny",
        ),
        names_permission=True,
    ),
    # --- IAM documents and existing resources --------------------------------------------------
    Case(
        id="policy-placeholders",
        title="A policy document still holds the guide's placeholders",
        cause=(
            "The document sent to IAM contains ACCOUNT_ID or REGION literally, as copied from "
            "the guide, so its ARNs are invalid."
        ),
        fix=(
            "Let the wizard build the documents with your values (account {account_id}, region "
            "{region}): step 3 for the trust policy, step 4 for the push policy. If you edit "
            "the guide's files by hand, replace every placeholder first."
        ),
        commands=(
            "aws sts get-caller-identity --query Account --output text",
            "grep -nE 'ACCOUNT_ID|REGION' github-actions-trust-policy.json ecr-push-policy.json",
            _REAPPLY_TRUST,
            _REAPPLY_PUSH,
        ),
        match=(
            (_words("MalformedPolicyDocument", "MalformedPolicyDocumentException"), _PLACEHOLDER),
            (r"arn:[^\s\"']{0,200}?" + _PLACEHOLDER,),
        ),
    ),
    Case(
        id="malformed-policy",
        title="IAM rejected a policy document",
        cause=(
            "The document is not a valid policy of its kind: broken JSON, a trust policy sent "
            "where a permission policy belongs (Policy document should not specify a "
            "principal) or the reverse, an invalid principal or ARN, or an unknown condition "
            "key."
        ),
        fix=(
            "Let the wizard build both documents: step 3 writes the trust policy, step 4 the "
            "push policy, and plan shows them before anything is sent."
        ),
        commands=("ecr-oidc-wizard plan --only 3,4", _REAPPLY_TRUST, _REAPPLY_PUSH),
        match=_any(
            _words("MalformedPolicyDocument", "MalformedPolicyDocumentException"),
            r"Syntax errors in policy",
            r"Invalid principal in policy",
            r"Policy document should not specify a principal",
        ),
    ),
    # --- CloudFormation StackSets (rollout) ------------------------------------------------------
    # Reasons as ListStackSetOperationResults and ListStackInstances report them (StatusReason,
    # AccountGateResult.StatusReason); wording from CloudFormation's API reference examples and
    # its StackSets troubleshooting guide.
    Case(
        id="stackset-provider-exists",
        title="GitHub's OIDC provider already exists in account {account_id}",
        cause=(
            "The stack in that account tried to create the provider for "
            "token.actions.githubusercontent.com, and IAM keeps one per URL per account: another "
            "tool, team or an earlier setup made it there."
        ),
        fix=(
            "Roll out again naming that account as one that has the provider: its stack then "
            "reuses it (the template's ExistingOidcProviderArn parameter). Never delete it: "
            "other roles may trust it."
        ),
        commands=(
            "ecr-oidc-wizard rollout apply --accounts ... --regions ... "
            "--existing-provider-accounts {account_id}",
        ),
        match=(
            (
                r"Provider with url",
                r"already exists",
                r"ResourceStatusReason|ResourceLogicalId|AWS::IAM::OIDCProvider|stack ?set",
            ),
        ),
    ),
    Case(
        id="stackset-roles-missing",
        title="StackSets cannot reach account {account_id} (self-managed roles)",
        cause=(
            "With self-managed permissions, CloudFormation assumes "
            "AWSCloudFormationStackSetAdministrationRole in this account, which assumes "
            "AWSCloudFormationStackSetExecutionRole in each target account. One of them is "
            "missing, or its trust policy does not name the other."
        ),
        fix=(
            "Create the administration role in this account and the execution role (trusting "
            "this account) in each target account, from AWS's sample templates, then re-run the "
            "roll-out; instances already done are left as they are."
        ),
        commands=(
            "aws cloudformation create-stack --stack-name StackSetAdministrationRole "
            "--capabilities CAPABILITY_NAMED_IAM --template-url https://s3.amazonaws.com/"
            "cloudformation-stackset-sample-templates-us-east-1/"
            "AWSCloudFormationStackSetAdministrationRole.yml",
            "ADMIN_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)",
            "aws cloudformation create-stack --stack-name StackSetExecutionRole "
            "--capabilities CAPABILITY_NAMED_IAM --parameters "
            "ParameterKey=AdministratorAccountId,ParameterValue=$ADMIN_ACCOUNT "
            "--template-url https://s3.amazonaws.com/cloudformation-stackset-sample-templates-"
            "us-east-1/AWSCloudFormationStackSetExecutionRole.yml  # in {account_id}",
        ),
        match=_any(
            r"AWSCloudFormationStackSet(?:Administration|Execution)Role'? role with trust",
            r"should have '[\w+=,.@-]{1,64}' role with trust relationship",
        ),
    ),
    Case(
        id="stackset-organizations-access",
        title="StackSets' trusted access with AWS Organizations is off",
        cause=(
            "Service-managed stack sets need trusted access between CloudFormation StackSets "
            "and Organizations, turned on from the management account (or a delegated "
            "administrator registered for StackSets)."
        ),
        fix=(
            "Activate it once from the management account, or run from the delegated "
            "administrator account with --delegated-admin; then re-run the roll-out."
        ),
        commands=(
            "aws cloudformation activate-organizations-access",
            "aws organizations list-delegated-administrators "
            "--service-principal member.org.stacksets.cloudformation.amazonaws.com",
        ),
        match=_any(
            r"enable (?:trusted|organizations) access",
            r"organizations access (?:is )?not (?:enabled|activated)",
            _words("AWSOrganizationsNotInUseException"),
        ),
    ),
    Case(
        id="stackset-tolerance-exceeded",
        title="CloudFormation stopped the roll-out: failure tolerance exceeded",
        cause=(
            "More accounts failed in a region than the failure tolerance allows, so "
            "CloudFormation cancelled the instances it had not started. These instances did "
            "not fail themselves."
        ),
        fix=(
            "Fix the instance that failed first (its own reason is listed), then re-run: only "
            "instances that are missing or not CURRENT are sent again. Raise "
            "--failure-tolerance-count only if partial roll-outs are acceptable."
        ),
        commands=("ecr-oidc-wizard rollout plan --accounts ... --regions ...",),
        match=_any(r"failure tolerance ha(?:s|ve) exceeded", r"failure tolerance exceeded"),
    ),
    Case(
        id="stackset-operation-in-progress",
        title="Another operation is running on this stack set",
        cause=(
            "A stack set runs one operation at a time unless managed execution is on: someone "
            "else, or an earlier run, is still rolling it out."
        ),
        fix="Wait for it to finish (the command below lists it), then re-run the roll-out.",
        commands=(
            "aws cloudformation list-stack-set-operations --stack-set-name ecr-oidc-wizard"
            "  # or your --stack-set-name",
        ),
        match=_any(_words("OperationInProgressException"), r"Another Operation on StackSet"),
    ),
    Case(
        id="provider-exists",
        title="The GitHub OIDC provider already exists in this account",
        cause=(
            "An account holds one IAM OIDC provider per URL, and one for "
            "token.actions.githubusercontent.com is already there (from the guide, another "
            "tool or another team)."
        ),
        fix=(
            "Reuse it: step 2 finds the existing provider and only adds the {audience} client "
            "ID if it lacks it. Do not delete it: other roles may trust it."
        ),
        commands=(
            "aws iam list-open-id-connect-providers",
            "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {provider_arn}",
            "ecr-oidc-wizard apply --only 2",
        ),
        match=(
            (
                _words("EntityAlreadyExists", "EntityAlreadyExistsException"),
                r"OpenIDConnect|OpenID Connect|oidc-provider|Provider with url",
            ),
        ),
        unless=("stackset-provider-exists",),
    ),
    Case(
        id="role-exists",
        title="An IAM role with that name already exists",
        cause=(
            "Role names are unique in an account regardless of case, and a role {role_name} "
            "(perhaps spelled with other capitals) is already there."
        ),
        fix=(
            "Run the step again: it finds the existing role and shows the trust-policy "
            "difference before changing anything (a role the wizard did not create is taken over "
            "only with --adopt-role). Or choose another role name."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
            "ecr-oidc-wizard plan --only 3",
        ),
        match=(
            (
                _words("EntityAlreadyExists", "EntityAlreadyExistsException"),
                r"CreateRole|Role with name",
            ),
        ),
    ),
    Case(
        id="role-missing",
        title="The role does not exist (yet)",
        cause=(
            "IAM has no role {role_name} in this account: step 3, which creates it, has not run "
            "or failed, or the name or the account differs."
        ),
        fix="Create the role first (step 3), then attach the push policy (step 4) again.",
        commands=(
            "aws iam get-role --role-name {role_name}",
            "ecr-oidc-wizard apply --only 3,4",
        ),
        match=(
            (
                _words("NoSuchEntity", "NoSuchEntityException"),
                r"(?i)role (?:with name )?\S+ (?:not found|cannot be found)",
            ),
        ),
    ),
    Case(
        id="role-not-ours",
        title="The role exists and was not made by this wizard: nothing was changed",
        cause=(
            "Role {role_name} already exists without the created-by = ecr-oidc-wizard tag. "
            "Replacing its trust policy would lock out whoever assumes it today, and GitHub "
            "workflows would get every permission it holds."
        ),
        fix=(
            "Choose another role name (--role-name), or, if taking this role over is what you "
            "want, look at what it holds and then take it over: pass --adopt-role."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam list-attached-role-policies --role-name {role_name}",
            "ecr-oidc-wizard plan --only 3 --adopt-role",
        ),
        match=((r"was not created by ecr-oidc-wizard",),),
    ),
    # --- destroy ------------------------------------------------------------------------------
    Case(
        id="role-delete-conflict",
        title="IAM will not delete the role while something is attached to it",
        cause=(
            "DeleteRole fails with DeleteConflict while the role still has an inline policy, an "
            "attached managed policy or an instance profile. Something was added to role "
            "{role_name} after destroy planned (its plan checks for them)."
        ),
        fix=(
            "See what the role holds now; if it should go, remove those first (they were not "
            "put there by the wizard), then run destroy again. What was removed before stays "
            "removed."
        ),
        commands=(
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam list-attached-role-policies --role-name {role_name}",
            "aws iam list-instance-profiles-for-role --role-name {role_name}",
            "ecr-oidc-wizard destroy",
        ),
        match=((_words("DeleteConflict", "DeleteConflictException"),),),
    ),
    Case(
        id="repository-not-empty",
        title="ECR will not delete a repository that holds images",
        cause=(
            "DeleteRepository without force fails with RepositoryNotEmptyException: an image "
            "was pushed to {ecr_repository} after destroy planned (a workflow run, perhaps)."
        ),
        fix=(
            "List the images and copy what you need. Then run destroy again: it shows the "
            "count, and --delete-images deletes them with the repository."
        ),
        commands=(
            "aws ecr list-images --repository-name {ecr_repository} --region {region}",
            "ecr-oidc-wizard destroy --delete-images",
        ),
        match=((_words("RepositoryNotEmptyException"),),),
    ),
    Case(
        id="workflow-file-changed",
        title="The workflow file changed after destroy planned",
        cause=(
            "Someone (or an editor, or a git checkout) changed the workflow file between the "
            "plan and its removal, so it was left as it is."
        ),
        fix="Look at the file; run destroy again to plan with what it holds now.",
        commands=("git status", "ecr-oidc-wizard destroy --only 6"),
        match=((r"changed since the plan was made; it was left as it is",),),
    ),
    Case(
        id="limit-exceeded",
        title="An AWS quota was reached",
        cause=(
            "The call would pass a fixed limit. The usual ones here: all inline policies of one "
            "role together hold at most 10,240 characters; a trust policy at most 2,048 "
            "(ACLSizePerRole, raisable to 4,096); an OIDC provider at most 5 thumbprints and "
            "100 client IDs; and an account or region has quotas on providers, roles and "
            "repositories."
        ),
        fix=(
            "Read the quota named in the message. For policy size, remove unused inline "
            "policies or merge sub patterns; for counts, delete what is unused or ask for a "
            "quota increase."
        ),
        commands=(
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam list-open-id-connect-providers",
            "aws service-quotas list-service-quotas --service-code ecr --region {region}",
        ),
        match=_any(
            _words("LimitExceeded", "LimitExceededException"),
            r"Cannot exceed quota for",
            r"Maximum policy size of",
        ),
    ),
    # --- Credentials, region, network ----------------------------------------------------------
    Case(
        id="throttled",
        title="AWS is throttling the calls (rate exceeded)",
        cause=(
            "Too many requests reached the service in a short time: several runs or CI jobs at "
            "once in the account, or a loop of retries. IAM's write rate is low."
        ),
        fix=(
            "Wait a minute and run the same command again: each step first checks what "
            "already exists, so nothing is created twice. Adaptive retries make the AWS SDK "
            "back off by itself."
        ),
        commands=("export AWS_RETRY_MODE=adaptive AWS_MAX_ATTEMPTS=10", "ecr-oidc-wizard apply"),
        match=_any(
            _words(
                "Throttling",
                "ThrottlingException",
                "ThrottledException",
                "TooManyRequestsException",
                "RequestLimitExceeded",
                "SlowDown",
            ),
            r"\bRate exceeded\b",
        ),
    ),
    Case(
        id="expired-credentials",
        title="Your AWS session has expired",
        cause=(
            "The temporary credentials in use are past their end: an IAM Identity Center (SSO) "
            "session lasts some hours, an assumed-role session one hour by default. In a "
            "workflow, the job outlived the role session."
        ),
        fix=(
            "Sign in again with aws sso login and re-run. In a workflow, set "
            "role-duration-seconds of configure-aws-credentials (up to the role's "
            "MaxSessionDuration, 3600 to 43200 seconds)."
        ),
        commands=(
            "aws sso login --profile {profile}",
            "aws sts get-caller-identity --profile {profile}",
        ),
        match=_any(
            _words(
                "ExpiredToken",
                "ExpiredTokenException",
                "UnauthorizedSSOTokenError",
                "SSOTokenLoadError",
            ),
            r"security token included in the request is expired",
            r"SSO session associated with this profile has expired",
            r"Token has expired and refresh failed",
            r"Error loading SSO Token",
        ),
    ),
    Case(
        id="invalid-credentials",
        title="AWS does not recognise the credentials in use",
        cause=(
            "The access key or session token is unknown to AWS: it was deleted, rotated or "
            "mistyped; stale AWS_ACCESS_KEY_ID / AWS_SESSION_TOKEN variables in the shell take "
            "precedence over your profile; or the region is an opt-in region not enabled for "
            "the account."
        ),
        fix=(
            "See where the credentials come from, drop stale environment variables, and sign "
            "in with your SSO profile. The wizard never needs access keys: do not paste any."
        ),
        commands=(
            "aws configure list",
            "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
            "aws sso login --profile {profile}",
            _WHOAMI,
        ),
        match=_any(
            _words("InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"),
            r"security token included in the request is invalid",
            r"request signature we calculated does not match",
        ),
    ),
    Case(
        id="no-credentials",
        title="No AWS credentials were found",
        cause=(
            "The AWS SDK looks for credentials in order: environment variables, then the "
            "profile named by AWS_PROFILE (or the default profile) in ~/.aws/config and "
            "~/.aws/credentials, including IAM Identity Center (SSO) and credential_process "
            "profiles, then a container or instance role. None of them gave credentials."
        ),
        fix=(
            "Sign in with IAM Identity Center: once, aws configure sso to create a profile; "
            "then aws sso login with that profile and export AWS_PROFILE (or pass --profile). "
            "The wizard never needs access keys: do not paste any."
        ),
        commands=(
            "aws sso login --profile {profile}",
            "export AWS_PROFILE={profile}",
            "aws configure list",
            _WHOAMI,
        ),
        match=_any(
            _words("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"),
            r"Unable to locate credentials",
            r"Partial credentials found",
            r"Error when retrieving credentials from",
        ),
    ),
    Case(
        id="profile-not-found",
        title="The AWS profile {profile} does not exist",
        cause=(
            "AWS_PROFILE or --profile names a profile that is in neither ~/.aws/config nor "
            "~/.aws/credentials (a typo, or another machine's configuration)."
        ),
        fix="Pick an existing profile, or create it with aws configure sso.",
        commands=("aws configure list-profiles", "aws configure sso"),
        match=_any(_words("ProfileNotFound"), r"The config profile \([^)]{0,200}\) could not"),
    ),
    Case(
        id="no-region",
        title="No AWS region is set",
        cause=(
            "Neither --region, AWS_REGION / AWS_DEFAULT_REGION nor the profile gives a region "
            "(or the one given is not a region name), so the SDK cannot pick an endpoint."
        ),
        fix="Pass --region, export AWS_REGION, or store the region in the profile.",
        commands=(
            "export AWS_REGION={region}",
            "aws configure set region {region} --profile {profile}",
        ),
        match=_any(
            _words("NoRegionError", "InvalidRegionError"),
            r"You must specify a region",
            r"Provided region_name '",
        ),
    ),
    Case(
        id="endpoint-unreachable",
        title="AWS could not be reached",
        cause=(
            "The request never got an answer: no network, a proxy or firewall in the way, a "
            "corporate TLS proxy whose CA is unknown (set AWS_CA_BUNDLE), a misspelled region "
            "(its endpoint does not exist), or an AWS_ENDPOINT_URL left over from testing."
        ),
        fix=(
            "Check the region name and the endpoint in the message, the proxy settings "
            "(HTTPS_PROXY, NO_PROXY) and AWS_ENDPOINT_URL, then try a simple call."
        ),
        commands=("aws sts get-caller-identity --region {region}",),
        match=_any(
            _words(
                "EndpointConnectionError",
                "ConnectTimeoutError",
                "ReadTimeoutError",
                "ProxyConnectionError",
                "ConnectionClosedError",
            ),
            r"Could not connect to the endpoint URL",
            r"(?:Connect|Read) timeout on endpoint URL",
            r"Failed to connect to proxy URL",
            r"SSL validation failed for",
        ),
    ),
    # --- GitHub --------------------------------------------------------------------------------
    Case(
        id="dispatch-no-trigger",
        title="The workflow cannot be started by hand (no workflow_dispatch)",
        cause=(
            "The workflow file {workflow} on ref {ref_name} has no workflow_dispatch entry "
            "under on:, so GitHub refuses to start it through the API or gh workflow run."
        ),
        fix=(
            "Add workflow_dispatch: under on: in the workflow, commit it to {ref_name} (and the "
            "default branch), then run it again."
        ),
        commands=(
            "gh workflow view {workflow} --repo {github_repo} --ref {ref_name} --yaml",
            "gh workflow run {workflow} --repo {github_repo} --ref {ref_name}",
        ),
        match=_any(r"does not have 'workflow_dispatch' trigger"),
    ),
    Case(
        id="dispatch-ref-not-found",
        title="The branch or tag to run the workflow on does not exist",
        cause="GitHub has no branch or tag {ref_name} in {github_repo}: it was never pushed.",
        fix="Push the branch first, or run the workflow on an existing branch.",
        commands=(
            "gh api repos/{github_repo}/branches --jq '.[].name'",
            "git push origin {ref_name}",
        ),
        match=_any(r"No ref found for"),
    ),
    Case(
        id="dispatch-not-found",
        title="GitHub does not know that workflow",
        cause=(
            "GitHub found no workflow {workflow} to dispatch. It knows a workflow only once "
            "its file is on the default branch; the file name may differ (case, .yml or "
            ".yaml); or the repository name is wrong or the token cannot see the private "
            "repository (GitHub says 404 rather than 403 then)."
        ),
        fix=(
            "Commit .github/workflows/{workflow} to the default branch and to {ref_name}, and "
            "check the name with gh workflow list."
        ),
        commands=(
            "gh workflow list --repo {github_repo} --all",
            "gh api repos/{github_repo}/contents/.github/workflows/{workflow} --jq .path",
        ),
        match=(
            (r"could not find any workflows? named",),
            (_DISPATCH_URL, _NOT_FOUND),
            (r"create-a-workflow-dispatch-event", _NOT_FOUND),
        ),
    ),
    Case(
        id="github-token-permission",
        title="The GitHub token is not allowed to do this",
        cause=(
            "The token reached {github_repo} but lacks a permission: a fine-grained token needs "
            "Secrets, Variables and Actions (read and write) and Workflows on this repository; "
            "a classic token needs the repo and workflow scopes; a workflow's GITHUB_TOKEN "
            "cannot write secrets."
        ),
        fix="Give the token those permissions (or refresh gh's scopes), then re-run step 5.",
        commands=("gh auth status", "gh auth refresh --scopes repo,workflow", _REAPPLY_GITHUB),
        match=_any(
            r"Resource not accessible by (?:integration|personal access token)",
            r"Must have admin rights to Repository",
        ),
    ),
    Case(
        id="github-bad-credentials",
        title="GitHub did not accept the token",
        cause="The GitHub token is missing, expired or revoked.",
        fix="Sign in to GitHub again (or create a new token), then re-run.",
        commands=("gh auth status", "gh auth login"),
        match=_any(r"\bBad credentials\b", r"\bHTTP 401\b", r"\bRequires authentication\b"),
    ),
    Case(
        id="github-rate-limited",
        title="GitHub's API rate limit was reached",
        cause=(
            "Too many GitHub API calls with this token in the last hour, or too many at once "
            "(secondary rate limit)."
        ),
        fix="Wait until the limit resets (the rate_limit call shows when), then re-run.",
        commands=("gh api rate_limit",),
        match=_any(r"API rate limit exceeded", r"secondary rate limit"),
    ),
)
