"""Catalogue entries: the AWS credentials, region and network of whoever runs the call."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _WHOAMI,
    Case,
    _any,
    _words,
)

CREDENTIALS: tuple[Case, ...] = (
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
)
