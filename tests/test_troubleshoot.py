"""The troubleshooting catalogue against real error text: aws CLI, boto3, docker, Actions, gh."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import Any

import pytest
from botocore import exceptions as boto_exc
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.troubleshoot import CASES, Guidance, classify, explain_text

ACCOUNT = "123456789012"
ROLE = "GitHubActionsEOStatPush"
REPO = "UNGlobalPlatform/images-datascience"

FULL_VALUES: dict[str, str] = {
    "account_id": ACCOUNT,
    "region": "us-east-1",
    "partition": "aws",
    "ecr_repository": "onyxia-eostat",
    "role_name": ROLE,
    "policy_name": "ECRPushPolicy",
    "github_repo": REPO,
    "registry": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com",
    "role_arn": f"arn:aws:iam::{ACCOUNT}:role/{ROLE}",
    "workflow": "build-eostat.yml",
    "ref": "main",
    "profile": "dev-sso",
}

PUSH_DENIED = (
    f"denied: User: arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/GitHubActions is not authorized "
    f"to perform: ecr:InitiateLayerUpload on resource: "
    f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/onyxia-eostat because no identity-based policy "
    "allows the ecr:InitiateLayerUpload action"
)
CREATE_ROLE_DENIED = (
    "An error occurred (AccessDenied) when calling the CreateRole operation: User: "
    f"arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: iam:CreateRole on resource: "
    f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
)
ASSUME_DENIED = (
    "Error: Could not assume role with OIDC: "
    "Not authorized to perform sts:AssumeRoleWithWebIdentity"
)
# moto's ECR answers a denial with code '403' and the real code inside an XML message.
MOTO_ECR_DENIED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error><Code>AccessDenied'
    f"</Code><Message>User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: "
    "ecr:CreateRepository</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"
)
MOTO_INVALID_TOKEN = (
    '<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error><Code>'
    "InvalidClientTokenId</Code><Message>The security token included in the request is invalid."
    "</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"
)
DISPATCH_URL = f"https://api.github.com/repos/{REPO}/actions/workflows/build-eostat.yml/dispatches"

# (text, the case expected first, other cases that must also be returned)
EXAMPLES: list[tuple[str, str, tuple[str, ...]]] = [
    # configure-aws-credentials
    (ASSUME_DENIED, "assume-role-denied", ()),
    (
        "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: "
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        "assume-role-denied",
        (),
    ),
    ("##[error]Not authorized to perform sts:AssumeRoleWithWebIdentity", "assume-role-denied", ()),
    (
        "Error: Could not assume role with OIDC: Incorrect token audience",
        "audience-not-allowed",
        (),
    ),
    (
        "Error: Could not assume role with OIDC: No OpenIDConnect provider found in your account "
        "for https://token.actions.githubusercontent.com",
        "oidc-provider-missing",
        (),
    ),
    (
        "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity "
        "operation: No OpenIDConnect provider found in your account for "
        "https://token.actions.githubusercontent.com",
        "oidc-provider-missing",
        (),
    ),
    ("Error: Could not assume role with OIDC: Request ARN is invalid", "role-arn-invalid", ()),
    (
        "An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity "
        "operation: Request ARN is invalid",
        "role-arn-invalid",
        (),
    ),
    (
        "Error: Credentials could not be loaded, please check your action inputs: Could not load "
        "credentials from any providers",
        "credentials-not-loaded",
        (),
    ),
    ("Error: Could not load credentials from any providers", "credentials-not-loaded", ()),
    (
        "Error: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
        "credentials-not-loaded",
        (),
    ),
    (
        "It looks like you might be trying to authenticate with OIDC. Did you mean to set the "
        "`id-token` permission?",
        "credentials-not-loaded",
        (),
    ),
    ("Error: Input required and not supplied: aws-region", "region-input-missing", ()),
    # ECR and docker push
    (
        "tag invalid: The image tag 'latest' already exists in the 'onyxia-eostat' repository and "
        "cannot be overwritten because the repository is immutable.",
        "tag-immutable",
        (),
    ),
    ("tag invalid: The image tag 'latest' already exists ...", "tag-immutable", ()),
    (
        "An error occurred (NoSuchEntity) when calling the PutRolePolicy operation: Role "
        "GitHubActionsHelloEcrPush not found",
        "role-missing",
        (),
    ),
    (
        "An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name "
        "GitHubActionsEOStatPush cannot be found.",
        "role-missing",
        (),
    ),
    # destroy
    (
        "An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete "
        "entity, must detach all policies first.",
        "role-delete-conflict",
        (),
    ),
    (
        "An error occurred (RepositoryNotEmptyException) when calling the DeleteRepository "
        "operation: The repository with name 'onyxia-eostat' in registry with id '123456789012' "
        "cannot be deleted because it still contains images",
        "repository-not-empty",
        (),
    ),
    (
        "/work/.github/workflows/build-eostat.yml changed since the plan was made; it was left "
        "as it is.",
        "workflow-file-changed",
        (),
    ),
    (
        "Role GitHubActionsEOStatPush exists and was not created by ecr-oidc-wizard; replacing "
        "its trust policy would lock out whoever assumes it today.",
        "role-not-ours",
        (),
    ),
    (
        "An error occurred (ImageTagAlreadyExistsException) when calling the PutImage operation: "
        "The image tag 'latest' already exists in the 'onyxia-eostat' repository and cannot be "
        "overwritten because the repository is immutable.",
        "tag-immutable",
        (),
    ),
    (
        "An error occurred (ImageAlreadyExistsException) when calling the PutImage operation: "
        "Image with digest "
        "'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"
        f" and tag 'latest' already exists in the repository with name 'xx' in registry with id "
        f"'{ACCOUNT}'",
        "image-already-exists",
        (),
    ),
    (
        "name unknown: The repository with name 'x' does not exist in the registry with id '1234'",
        "repository-not-found",
        (),
    ),
    (
        "An error occurred (RepositoryNotFoundException) when calling the DescribeRepositories "
        f"operation: The repository with name 'onyxia-eostat' does not exist in the registry with "
        f"id '{ACCOUNT}'",
        "repository-not-found",
        (),
    ),
    ('Error: "RepositoryNotFoundException"', "repository-not-found", ()),
    (
        "An error occurred (RepositoryAlreadyExistsException) when calling the CreateRepository "
        f"operation: The repository with name 'onyxia-eostat' already exists in the registry with "
        f"id '{ACCOUNT}'",
        "repository-exists",
        (),
    ),
    (
        "denied: Your authorization token has expired. Reauthenticate and try again.",
        "ecr-token-expired",
        (),
    ),
    ("no basic auth credentials", "no-basic-auth", ()),
    ('Error: "No basic auth credentials"', "no-basic-auth", ()),
    ("denied: requested access to the resource is denied", "no-basic-auth", ()),
    # access denied, most specific first
    (PUSH_DENIED, "push-policy-denied", ()),
    (
        f"Error: User: arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/GitHubActions is not authorized "
        "to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy "
        "allows the ecr:GetAuthorizationToken action",
        "push-policy-denied",
        (),
    ),
    (
        "An error occurred (AccessDeniedException) when calling the PutImage operation: User: "
        f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/GitHubActions is not authorized to perform: "
        f"ecr:PutImage on resource: arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/onyxia-eostat",
        "push-policy-denied",
        (),
    ),
    (CREATE_ROLE_DENIED, "caller-lacks-permission", ()),
    (
        f"An error occurred (403) when calling the CreateRepository operation: {MOTO_ECR_DENIED}",
        "caller-lacks-permission",
        (),
    ),
    (
        # An SSO user is a person at a terminal, not the workflow's role.
        "An error occurred (AccessDeniedException) when calling the DescribeRepositories "
        f"operation: User: arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0a1b2c3d"
        f"/alice is not authorized to perform: ecr:DescribeRepositories on resource: "
        f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/onyxia-eostat",
        "caller-lacks-permission",
        (),
    ),
    (
        # CreateRepository is never in the push policy: the person's own role lacks it.
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice is not authorized to perform: "
        "ecr:CreateRepository on resource: *",
        "caller-lacks-permission",
        (),
    ),
    (
        "An error occurred (AccessDenied) when calling the CreateOpenIDConnectProvider operation: "
        f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: "
        "iam:CreateOpenIDConnectProvider on resource: "
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
        "caller-lacks-permission",
        (),
    ),
    (
        CREATE_ROLE_DENIED + " with an explicit deny in a service control policy",
        "explicit-deny",
        (),
    ),
    ('Error: "AccessDeniedException: User is not authorized"', "access-denied", ()),
    (
        "An error occurred (AccessDenied) when calling the GetRole operation: Access denied",
        "access-denied",
        (),
    ),
    # IAM documents and existing resources
    (
        "An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: "
        'Invalid principal in policy: "Federated":"arn:aws:iam::ACCOUNT_ID:oidc-provider/'
        'token.actions.githubusercontent.com"',
        "policy-placeholders",
        ("malformed-policy",),
    ),
    (
        "An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: "
        'Partition "aws" is not valid for resource '
        '"arn:aws:ecr:REGION:ACCOUNT_ID:repository/onyxia-eostat".',
        "policy-placeholders",
        ("malformed-policy",),
    ),
    ("MalformedPolicyDocument: the policy still says REGION", "policy-placeholders", ()),
    (
        "An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: "
        "Syntax errors in policy.",
        "malformed-policy",
        (),
    ),
    (
        "An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: "
        "Policy document should not specify a principal.",
        "malformed-policy",
        (),
    ),
    (
        "An error occurred (EntityAlreadyExists) when calling the CreateOpenIDConnectProvider "
        "operation: Provider with url https://token.actions.githubusercontent.com already exists.",
        "provider-exists",
        (),
    ),
    (
        "An error occurred (EntityAlreadyExists) when calling the CreateOpenIDConnectProvider "
        "operation: Unknown",
        "provider-exists",
        (),
    ),
    (
        "An error occurred (EntityAlreadyExists) when calling the CreateRole operation: Role with "
        f"name {ROLE} already exists.",
        "role-exists",
        (),
    ),
    (
        "An error occurred (LimitExceeded) when calling the PutRolePolicy operation: Maximum "
        f"policy size of 10240 bytes exceeded for role {ROLE}",
        "limit-exceeded",
        (),
    ),
    (
        "An error occurred (LimitExceeded) when calling the UpdateAssumeRolePolicy operation: "
        "Cannot exceed quota for ACLSizePerRole: 2048",
        "limit-exceeded",
        (),
    ),
    (
        "An error occurred (LimitExceededException) when calling the CreateRepository operation: "
        "The operation did not succeed because it would cause a service quota to be exceeded.",
        "limit-exceeded",
        (),
    ),
    # throttling
    (
        "An error occurred (Throttling) when calling the CreateRole operation (reached max "
        "retries: 4): Rate exceeded",
        "throttled",
        (),
    ),
    ("ThrottlingException: Rate exceeded", "throttled", ()),
    ("Error: Could not assume role with OIDC: Rate exceeded", "throttled", ()),
    (
        "An error occurred (TooManyRequestsException) when calling the GetRole operation",
        "throttled",
        (),
    ),
    ("An error occurred (RequestLimitExceeded): Request limit exceeded.", "throttled", ()),
    # CloudFormation StackSets: StatusReason of a stack instance or an operation result
    (
        "ResourceLogicalId:GitHubOidcProvider, ResourceType:AWS::IAM::OIDCProvider, "
        'ResourceStatusReason:Resource handler returned message: "Provider with url '
        "https://token.actions.githubusercontent.com already exists. (Service: Iam, Status "
        'Code: 409)"',
        "stackset-provider-exists",
        (),
    ),
    (
        "Account 111111111111 should have 'AWSCloudFormationStackSetAdministrationRole' role "
        "with trust relationship to CloudFormation service.",
        "stackset-roles-missing",
        (),
    ),
    (
        "Account 111111111111 should have 'AWSCloudFormationStackSetExecutionRole' role with "
        "trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.",
        "stackset-roles-missing",
        (),
    ),
    (
        "An error occurred (ValidationError) when calling the CreateStackSet operation: You "
        "must enable organizations access to operate a service managed stack set",
        "stackset-organizations-access",
        (),
    ),
    ("Cancelled since failure tolerance has exceeded", "stackset-tolerance-exceeded", ()),
    (
        "An error occurred (OperationInProgressException) when calling the "
        "CreateStackInstances operation: Another Operation on StackSet "
        "arn:aws:cloudformation:us-east-1:123456789012:stackset/ecr-oidc-wizard:1 is in progress",
        "stackset-operation-in-progress",
        (),
    ),
    # credentials, region, network
    (
        "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The "
        "security token included in the request is expired",
        "expired-credentials",
        (),
    ),
    (
        "An error occurred (ExpiredTokenException) when calling the DescribeRepositories "
        "operation: The security token included in the request is expired",
        "expired-credentials",
        (),
    ),
    (
        "Error when retrieving token from sso: Token has expired and refresh failed",
        "expired-credentials",
        (),
    ),
    (
        "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: "
        "The security token included in the request is invalid.",
        "invalid-credentials",
        (),
    ),
    (
        "An error occurred (UnrecognizedClientException) when calling the DescribeRepositories "
        "operation: The security token included in the request is invalid.",
        "invalid-credentials",
        (),
    ),
    (
        f"An error occurred (403) when calling the DescribeRepositories operation: "
        f"{MOTO_INVALID_TOKEN}",
        "invalid-credentials",
        (),
    ),
    (
        "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: "
        "The request signature we calculated does not match the signature you provided.",
        "invalid-credentials",
        (),
    ),
    (
        'Unable to locate credentials. You can configure credentials by running "aws configure".',
        "no-credentials",
        (),
    ),
    ("botocore.exceptions.NoCredentialsError: Unable to locate credentials", "no-credentials", ()),
    ("The config profile (dev-sso) could not be found", "profile-not-found", ()),
    (
        'You must specify a region. You can also configure your region by running "aws configure".',
        "no-region",
        (),
    ),
    (
        'Could not connect to the endpoint URL: "https://sts.us-eest-1.amazonaws.com/"',
        "endpoint-unreachable",
        (),
    ),
    (
        'Connect timeout on endpoint URL: "https://ecr.us-east-1.amazonaws.com/"',
        "endpoint-unreachable",
        (),
    ),
    # GitHub
    (
        "could not create workflow dispatch event: HTTP 422: Workflow does not have "
        f"'workflow_dispatch' trigger ({DISPATCH_URL})",
        "dispatch-no-trigger",
        (),
    ),
    (
        '{"message":"Workflow does not have \'workflow_dispatch\' trigger","documentation_url":'
        '"https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event",'
        '"status":"422"}',
        "dispatch-no-trigger",
        (),
    ),
    (
        f"could not create workflow dispatch event: HTTP 422: No ref found for: feature/x "
        f"({DISPATCH_URL})",
        "dispatch-ref-not-found",
        (),
    ),
    ("could not find any workflows named build-eostat.yml", "dispatch-not-found", ()),
    (f"HTTP 404: Not Found ({DISPATCH_URL})", "dispatch-not-found", ()),
    (
        '{"message":"Not Found","documentation_url":"https://docs.github.com/rest/actions/'
        'workflows#create-a-workflow-dispatch-event","status":"404"}',
        "dispatch-not-found",
        (),
    ),
    (
        "HTTP 403: Resource not accessible by personal access token "
        f"(https://api.github.com/repos/{REPO}/actions/secrets/public-key)",
        "github-token-permission",
        (),
    ),
    ("Resource not accessible by integration", "github-token-permission", ()),
    (
        f"HTTP 401: Bad credentials (https://api.github.com/repos/{REPO})",
        "github-bad-credentials",
        (),
    ),
    ("HTTP 403: API rate limit exceeded for user ID 1234.", "github-rate-limited", ()),
    ("You have exceeded a secondary rate limit.", "github-rate-limited", ()),
]

CASE_IDS = [case.id for case in CASES]
UNRELATED = [
    "",
    "   \n\t",
    "hello world",
    "Build succeeded",
    "Successfully pushed 123456789012.dkr.ecr.us-east-1.amazonaws.com/onyxia-eostat:latest",
    "Using region us-east-1 for account ACCOUNT_ID",  # a placeholder outside any ARN or error
    "latest: digest: sha256:abc size: 1234",
    "Not Found",
    "404",
    "denied",
]


def ids(found: list[Guidance]) -> list[str]:
    return [g.case for g in found]


def all_text(guidance: Guidance) -> str:
    return "\n".join([guidance.title, guidance.cause, guidance.fix, *guidance.commands])


def example_id(example: tuple[str, str, tuple[str, ...]]) -> str:
    return f"{example[1]}:{example[0][:40]}"


@pytest.fixture(params=EXAMPLES, ids=[example_id(e) for e in EXAMPLES])
def example(request: pytest.FixtureRequest) -> tuple[str, str, tuple[str, ...]]:
    value: tuple[str, str, tuple[str, ...]] = request.param
    return value


# --- Recognition ----------------------------------------------------------------------------------


def test_example_is_classified_most_specific_first(
    example: tuple[str, str, tuple[str, ...]],
) -> None:
    text, first, also = example
    found = ids(classify(text))
    assert found[:1] == [first]
    assert set(also) <= set(found)
    # The order of the answer is the catalogue's order of specificity.
    assert found == sorted(found, key=CASE_IDS.index)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ASSUME_DENIED, ["assume-role-denied"]),
        # The generic access-denied reading is left out once a specific one names the action.
        (PUSH_DENIED, ["push-policy-denied"]),
        (CREATE_ROLE_DENIED, ["caller-lacks-permission"]),
        (
            CREATE_ROLE_DENIED + " with an explicit deny in a permissions boundary",
            ["explicit-deny"],
        ),
    ],
)
def test_broader_cases_that_would_mislead_are_left_out(text: str, expected: list[str]) -> None:
    assert ids(classify(text)) == expected


def test_every_case_is_reached_by_an_example() -> None:
    data_examples = [example for case in CASES for example in case.examples]
    texts = [text for text, _, _ in EXAMPLES] + data_examples
    reached = {case for text in texts for case in ids(classify(text))}
    # Entries added with the catalogue's research declare their examples as data
    # (tests/test_catalogue_examples.py holds each of them to its own entry).
    declared = {first for _, first, _ in EXAMPLES} | {c.id for c in CASES if c.examples}
    assert set(CASE_IDS) <= reached
    assert set(CASE_IDS) <= declared


@pytest.mark.parametrize("text", UNRELATED)
def test_unrelated_text_is_not_recognised(text: str) -> None:
    assert classify(text) == []
    explained = explain_text(text)
    assert explained.startswith("Not recognised: ")
    assert "ecr-oidc-wizard doctor" in explained


def test_not_recognised_quotes_the_first_line_shortened() -> None:
    explained = explain_text("\n\nsomething odd happened\nsecond line")
    assert explained.splitlines()[0] == "Not recognised: something odd happened"
    long_line = explain_text("x" * 500).splitlines()[0]
    assert len(long_line) < 250
    assert explain_text("").startswith("Not recognised: (empty message)")


# --- Missing permission ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "permission"),
    [
        (CREATE_ROLE_DENIED, "iam:CreateRole"),
        (PUSH_DENIED, "ecr:InitiateLayerUpload"),
        (MOTO_ECR_DENIED, "ecr:CreateRepository"),
        (
            f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: "
            "iam:PutRolePolicy on resource: role GitHubActionsEOStatPush",
            "iam:PutRolePolicy",
        ),
        (
            f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: "
            "ecr-public:GetAuthorizationToken on resource: *",
            "ecr-public:GetAuthorizationToken",
        ),
        (
            f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: "
            "sts:GetServiceBearerToken on resource: *",
            "sts:GetServiceBearerToken",
        ),
    ],
)
def test_missing_permission_is_extracted_and_named(text: str, permission: str) -> None:
    first = classify(text)[0]
    assert first.missing_permission == permission
    assert permission in first.title
    assert permission in first.fix


def test_caller_title_and_fix_name_the_permission() -> None:
    first = classify(CREATE_ROLE_DENIED)[0]
    assert first.title == "Your AWS identity lacks iam:CreateRole"
    assert "Add iam:CreateRole" in first.fix
    assert "re-run" in first.fix


def test_trust_policy_refusal_is_not_a_missing_permission() -> None:
    assert all(g.missing_permission is None for g in classify(ASSUME_DENIED))


def test_cases_that_do_not_name_permissions_report_none() -> None:
    for text, _, _ in EXAMPLES:
        for guidance in classify(text):
            if guidance.missing_permission is None:
                assert "<ACTION>" not in all_text(guidance), guidance.case


# --- Filling in values ----------------------------------------------------------------------------


def test_commands_are_filled_with_the_users_values(
    example: tuple[str, str, tuple[str, ...]],
) -> None:
    for guidance in classify(example[0], FULL_VALUES):
        text = all_text(guidance)
        assert "{" not in text and "}" not in text, guidance.case
        # Every value is known, so no placeholder is left.
        assert not re.search(r"<[A-Z][A-Z_/]*>", text), (guidance.case, text)
        assert guidance.commands, guidance.case
        assert all(command == command.strip() for command in guidance.commands)


def test_commands_without_values_use_readable_placeholders(
    example: tuple[str, str, tuple[str, ...]],
) -> None:
    for guidance in classify(example[0]):
        text = all_text(guidance)
        assert "{" not in text and "}" not in text, guidance.case
        assert "'<" not in text, "placeholders are never shell-quoted"


def test_assume_role_denied_explains_sub_mismatches_and_checks_the_claim() -> None:
    (guidance,) = classify(ASSUME_DENIED, FULL_VALUES)
    assert guidance.title == "GitHub's token was refused by the role's trust policy"
    for reason in ("environment", "pull_request", "branch", "case", "@OWNER_ID", "aud"):
        assert reason in guidance.cause
    assert "include_claim_keys" in guidance.cause
    assert f"ecr-oidc-wizard doctor --claim repo:{REPO}:ref:refs/heads/main" in guidance.commands
    assert (
        f"aws iam get-role --role-name {ROLE} --query Role.AssumeRolePolicyDocument"
        in guidance.commands
    )


def test_push_policy_denied_points_at_step_4_and_the_inline_policy() -> None:
    guidance = classify(PUSH_DENIED, FULL_VALUES)[0]
    assert guidance.title == "The workflow's role is not allowed ecr:InitiateLayerUpload"
    assert "ecr-oidc-wizard apply --only 4" in guidance.commands
    assert (
        f"aws iam get-role-policy --role-name {ROLE} --policy-name ECRPushPolicy"
        in guidance.commands
    )
    assert "region, account or repository" in guidance.cause


@pytest.mark.parametrize(
    ("text", "case", "expected_command"),
    [
        (
            "no basic auth credentials",
            "no-basic-auth",
            "aws ecr get-login-password --region us-east-1 | docker login --username AWS "
            f"--password-stdin {ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com",
        ),
        (
            "RepositoryNotFoundException",
            "repository-not-found",
            "aws ecr describe-repositories --repository-names onyxia-eostat --region us-east-1",
        ),
        (
            "Input required and not supplied: aws-region",
            "region-input-missing",
            f"gh secret set AWS_REGION --repo {REPO} --body us-east-1",
        ),
        (
            "Request ARN is invalid",
            "role-arn-invalid",
            f"gh secret set AWS_ROLE_ARN --repo {REPO} --body arn:aws:iam::{ACCOUNT}:role/{ROLE}",
        ),
        (
            "ImageTagAlreadyExistsException",
            "tag-immutable",
            "aws ecr put-image-tag-mutability --repository-name onyxia-eostat --region us-east-1 "
            "--image-tag-mutability IMMUTABLE_WITH_EXCLUSION "
            "--image-tag-mutability-exclusion-filters filterType=WILDCARD,filter=latest",
        ),
        (
            "Incorrect token audience",
            "audience-not-allowed",
            "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn "
            f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com "
            "--client-id sts.amazonaws.com",
        ),
        (
            "Workflow does not have 'workflow_dispatch' trigger",
            "dispatch-no-trigger",
            f"gh workflow view build-eostat.yml --repo {REPO} --ref main --yaml",
        ),
        ("Unable to locate credentials", "no-credentials", "aws sso login --profile dev-sso"),
        ("ExpiredToken", "expired-credentials", "aws sso login --profile dev-sso"),
        ("NoRegionError", "no-region", "export AWS_REGION=us-east-1"),
    ],
)
def test_specific_commands_are_exact(text: str, case: str, expected_command: str) -> None:
    found = {g.case: g for g in classify(text, FULL_VALUES)}
    assert expected_command in found[case].commands


def test_missing_values_give_placeholders() -> None:
    (trust,) = classify(ASSUME_DENIED)
    assert "ecr-oidc-wizard doctor --claim repo:<OWNER/REPO>:ref:refs/heads/<BRANCH>" in (
        trust.commands
    )
    assert "aws iam get-role --role-name <ROLE_NAME> --query Role.AssumeRolePolicyDocument" in (
        trust.commands
    )
    (login,) = classify("no basic auth credentials")
    assert login.commands[0] == (
        "aws ecr get-login-password --region <REGION> | docker login --username AWS "
        "--password-stdin <ACCOUNT_ID>.dkr.ecr.<REGION>.amazonaws.com"
    )
    (repo,) = classify("RepositoryNotFoundException", {"region": "eu-west-3"})
    assert (
        "aws ecr describe-repositories --repository-names <REPOSITORY> --region eu-west-3"
        in repo.commands
    )


def test_empty_values_count_as_missing() -> None:
    (login,) = classify("no basic auth credentials", {"region": "  ", "account_id": ""})
    assert "<REGION>" in login.commands[0] and "<ACCOUNT_ID>" in login.commands[0]


def test_unsafe_values_are_shell_quoted_in_commands_only() -> None:
    (repo,) = classify("RepositoryNotFoundException", {"ecr_repository": "my repo; rm -rf ~"})
    assert "--repository-names 'my repo; rm -rf ~' --region <REGION>" in repo.commands[0]
    assert "my repo; rm -rf ~ in region" in repo.cause


def test_values_with_braces_are_not_reinterpreted() -> None:
    (repo,) = classify("RepositoryNotFoundException", {"ecr_repository": "{region}"})
    assert "'{region}'" in repo.commands[0]


def test_role_arn_alone_gives_role_name_account_and_partition() -> None:
    values = {"role_arn": "arn:aws-cn:iam::210987654321:role/ci/Pusher", "region": "cn-north-1"}
    (trust,) = classify(ASSUME_DENIED, values)
    assert "aws iam get-role --role-name Pusher --query Role.AssumeRolePolicyDocument" in (
        trust.commands
    )
    assert "sts.amazonaws.com.cn" in trust.cause
    (login,) = classify("no basic auth credentials", values)
    assert login.commands[0].endswith("210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn")


def test_facts_in_the_message_fill_missing_values() -> None:
    guidance = classify(PUSH_DENIED)[0]
    assert f"aws iam list-role-policies --role-name {ROLE}" in guidance.commands
    assert f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/onyxia-eostat" in guidance.cause
    (dispatch,) = classify(f"HTTP 404: Not Found ({DISPATCH_URL})")
    assert f"gh workflow list --repo {REPO} --all" in dispatch.commands
    assert "build-eostat.yml" in dispatch.cause
    (ref,) = classify(f"HTTP 422: No ref found for: feature/x ({DISPATCH_URL})")
    assert "git push origin feature/x" in ref.commands
    (token,) = classify(
        "HTTP 403: Resource not accessible by personal access token "
        f"(https://api.github.com/repos/{REPO}/actions/secrets/public-key)"
    )
    assert f"The token reached {REPO} but" in token.cause
    (profile,) = classify("The config profile (dev-sso) could not be found")
    assert profile.title == "The AWS profile dev-sso does not exist"
    (missing,) = classify(
        "name unknown: The repository with name 'onyxia-eostat' does not exist in the registry "
        f"with id '{ACCOUNT}'",
        {"region": "us-east-1"},
    )
    assert missing.commands[0] == (
        "aws ecr describe-repositories --repository-names onyxia-eostat --region us-east-1"
    )
    assert f"account {ACCOUNT}" in missing.cause


def test_the_callers_values_win_over_the_message() -> None:
    guidance = classify(PUSH_DENIED, {"role_name": "Configured", "region": "eu-west-1"})[0]
    assert "aws iam list-role-policies --role-name Configured" in guidance.commands
    assert f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/onyxia-eostat" in guidance.cause


def test_caller_case_simulates_the_callers_own_principal() -> None:
    guidance = classify(CREATE_ROLE_DENIED)[0]
    assert (
        "aws iam simulate-principal-policy --policy-source-arn "
        f"arn:aws:iam::{ACCOUNT}:user/dev --action-names iam:CreateRole"
    ) in guidance.commands
    sso = classify(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Dev_0a1b/alice is not "
        "authorized to perform: iam:CreateRole on resource: *"
    )[0]
    assert (
        f"--policy-source-arn arn:aws:iam::{ACCOUNT}:role/AWSReservedSSO_Dev_0a1b"
        in (sso.commands[1])
    )


# --- Exceptions -----------------------------------------------------------------------------------


class FakeClientError(Exception):
    """Shaped like botocore's ClientError, as the module must not import botocore."""

    def __init__(self, code: str, message: str, operation: str = "CreateRole") -> None:
        super().__init__(f"An error occurred ({code}) when calling the {operation} operation")
        self.response: dict[str, Any] = {"Error": {"Code": code, "Message": message}}


@pytest.mark.parametrize(
    ("code", "message", "first"),
    [
        ("AccessDenied", CREATE_ROLE_DENIED.split(": ", 1)[1], "caller-lacks-permission"),
        ("403", MOTO_ECR_DENIED, "caller-lacks-permission"),
        ("403", MOTO_INVALID_TOKEN, "invalid-credentials"),
        ("EntityAlreadyExists", "Unknown", "provider-exists"),
        ("ThrottlingException", "", "throttled"),
        ("RepositoryNotFoundException", "", "repository-not-found"),
        ("ExpiredTokenException", "", "expired-credentials"),
    ],
)
def test_duck_typed_client_error_is_classified(code: str, message: str, first: str) -> None:
    operation = "CreateOpenIDConnectProvider" if code == "EntityAlreadyExists" else "CreateRole"
    found = classify(FakeClientError(code, message, operation))
    assert ids(found)[0] == first


def test_message_is_read_from_the_response_not_only_str() -> None:
    class Opaque(Exception):
        def __init__(self) -> None:
            super().__init__("request failed")
            self.response = {"Error": {"Code": "AccessDenied", "Message": CREATE_ROLE_DENIED}}

    assert classify(Opaque())[0].missing_permission == "iam:CreateRole"


def test_real_botocore_client_error_is_classified() -> None:
    error = boto_exc.ClientError(
        {"Error": {"Code": "AccessDenied", "Message": CREATE_ROLE_DENIED.split(": ", 1)[1]}},
        "CreateRole",
    )
    found = classify(error, FULL_VALUES)
    assert ids(found) == ["caller-lacks-permission"]
    assert found[0].missing_permission == "iam:CreateRole"

    moto_form = boto_exc.ClientError(
        {"Error": {"Code": "403", "Message": MOTO_ECR_DENIED}}, "CreateRepository"
    )
    assert classify(moto_form)[0].missing_permission == "ecr:CreateRepository"

    throttled = boto_exc.ClientError(
        {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "CreateRole"
    )
    assert ids(classify(throttled)) == ["throttled"]


@pytest.mark.parametrize(
    ("exc", "case"),
    [
        (boto_exc.NoCredentialsError(), "no-credentials"),
        (
            boto_exc.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
            "no-credentials",
        ),
        (boto_exc.NoRegionError(), "no-region"),
        (boto_exc.InvalidRegionError(region_name="us east 1"), "no-region"),
        (
            boto_exc.EndpointConnectionError(endpoint_url="https://sts.us-east-1.amazonaws.com/"),
            "endpoint-unreachable",
        ),
        (
            boto_exc.ConnectTimeoutError(endpoint_url="https://ecr.us-east-1.amazonaws.com/"),
            "endpoint-unreachable",
        ),
        (boto_exc.ProfileNotFound(profile="dev-sso"), "profile-not-found"),
        (boto_exc.UnauthorizedSSOTokenError(), "expired-credentials"),
        (
            boto_exc.SSOTokenLoadError(error_msg="Token for dev does not exist"),
            "expired-credentials",
        ),
    ],
)
def test_botocore_exceptions_are_classified(exc: BaseException, case: str) -> None:
    assert ids(classify(exc))[0] == case


def test_no_credentials_explains_the_chain_and_never_asks_for_keys() -> None:
    (guidance,) = classify(boto_exc.NoCredentialsError(), {"profile": "dev-sso"})
    assert "AWS_PROFILE" in guidance.cause and "SSO" in guidance.cause
    assert "aws sso login --profile dev-sso" in guidance.commands
    assert "do not paste any" in guidance.fix
    assert not any("aws configure set aws_" in command for command in guidance.commands)


def test_endpoint_region_is_read_from_the_url() -> None:
    error = boto_exc.EndpointConnectionError(endpoint_url="https://sts.us-eest-1.amazonaws.com/")
    (guidance,) = classify(error)
    assert guidance.commands == ("aws sts get-caller-identity --region us-eest-1",)


def test_wrapped_exception_is_classified_through_its_cause() -> None:
    inner = FakeClientError("RepositoryNotFoundException", "The repository with name 'a-b' ...")
    try:
        raise RuntimeError("step 1 failed") from inner
    except RuntimeError as outer:
        assert ids(classify(outer)) == ["repository-not-found"]


def test_exception_with_broken_str_or_response_does_not_raise() -> None:
    class Broken(Exception):
        def __init__(self) -> None:
            super().__init__()
            self.response = {"Error": "not a mapping"}

        def __str__(self) -> str:
            raise ValueError("no text")

    assert classify(Broken()) == []
    assert explain_text(Broken()).startswith("Not recognised: Broken")

    class OddResponse(Exception):
        def __init__(self, message: str) -> None:
            super().__init__(message)
            self.response = ["not", "a", "dict"]

    assert ids(classify(OddResponse("Rate exceeded"))) == ["throttled"]


def test_exception_cycle_terminates() -> None:
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    assert classify(first) == []


# --- Rendering ------------------------------------------------------------------------------------


def test_to_json_is_serialisable_and_complete() -> None:
    guidance = classify(CREATE_ROLE_DENIED, FULL_VALUES)[0]
    data = guidance.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["case"] == "caller-lacks-permission"
    assert data["missing_permission"] == "iam:CreateRole"
    assert data["commands"] == list(guidance.commands)
    # The ranked causes, their source and link joined the JSON with the catalogue's research.
    assert set(data) == {
        "case",
        "title",
        "cause",
        "fix",
        "commands",
        "missing_permission",
        "causes",
        "verified",
        "source",
        "link",
    }


def test_explain_text_renders_every_guidance() -> None:
    text = explain_text("no basic auth credentials\n" + PUSH_DENIED, FULL_VALUES)
    assert text.startswith("2 known causes match, most likely first.")
    assert "2. The workflow's role is not allowed ecr:InitiateLayerUpload" in text
    assert "Missing permission: ecr:InitiateLayerUpload" in text
    assert "Cause: " in text and "Fix: " in text
    assert "     $ ecr-oidc-wizard apply --only 4" in text
    assert all(len(line) <= 100 or "$ " in line for line in text.splitlines())


def test_explain_text_single_guidance_is_not_numbered() -> None:
    text = explain_text("no basic auth credentials", FULL_VALUES)
    assert text.splitlines()[0] == (
        "Docker is not logged in to the registry it pushes to  [no-basic-auth]"
    )


# --- The catalogue itself -------------------------------------------------------------------------


def test_case_ids_are_unique_kebab_case() -> None:
    assert len(CASE_IDS) == len(set(CASE_IDS))
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)*", case) for case in CASE_IDS)


def test_unless_names_earlier_cases() -> None:
    for position, case in enumerate(CASES):
        for other in case.unless:
            assert other in CASE_IDS[:position], (case.id, other)


def test_titles_are_one_line_and_texts_end_as_sentences() -> None:
    for case in CASES:
        assert "\n" not in case.title and not case.title.endswith(".")
        assert case.cause.endswith((".", ")")) and case.fix.endswith(".")
        assert case.commands and all(case.match)


def test_permission_field_only_where_a_permission_is_named() -> None:
    for case in CASES:
        text = case.title + case.cause + case.fix + "".join(case.commands)
        if "{missing_permission}" in text:
            assert case.names_permission, case.id


def test_module_imports_no_boto_or_ui() -> None:
    code = (
        "import sys, wizard.troubleshoot; "
        "print([m for m in ('boto3', 'botocore', 'textual', 'rich') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- Robustness -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_classify_never_raises_on_text(text: str) -> None:
    found = classify(text)
    assert all(isinstance(g, Guidance) for g in found)
    assert isinstance(explain_text(text), str)


VALUE_KEYS = [*FULL_VALUES, "unknown_key"]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([text for text, _, _ in EXAMPLES]),
    st.dictionaries(st.sampled_from(VALUE_KEYS), st.text()),
)
def test_classify_never_raises_on_odd_values(text: str, values: Mapping[str, str]) -> None:
    for guidance in classify(text, values):
        assert guidance.commands


def test_long_pasted_log_is_fast() -> None:
    log = "\n".join(
        [
            "arn:" * 20_000,
            "is not authorized to perform: " * 5_000,
            "assumed-role/" * 5_000,
            "x" * 200_000,
            PUSH_DENIED,
        ]
    )
    started = time.perf_counter()
    found = ids(classify(log))
    assert time.perf_counter() - started < 5
    assert "push-policy-denied" in found
