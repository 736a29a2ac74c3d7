"""Catalogue entries: the AWS credentials, region and network of whoever runs the call."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _AWS_CLI,
    _CAC,
    _DOCKER,
    _ECR_LOGIN,
    _REPO_URL,
    _STS,
    _WHOAMI,
    Case,
    Cause,
    _any,
    _words,
)

CREDENTIALS: tuple[Case, ...] = (
    # --- Credentials, region, network ----------------------------------------------------------
    Case(
        id="throttled",
        source=_AWS_CLI,
        link="https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html",
        examples=(
            "An error occurred (Throttling) when calling the AssumeRoleWithWebIdentity "
            "operation: Rate exceeded",
        ),
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
        source=_AWS_CLI + ", " + _CAC,
        link=_REPO_URL + "/issues/488",
        causes=(
            Cause(
                key="job-outlived-session",
                text=(
                    "In a workflow: the job ran longer than the role session (one hour by "
                    "default), so later AWS calls carry an expired token."
                ),
                check=(
                    "Did the failing call come more than role-duration-seconds (default 3600) "
                    "after configure-aws-credentials?"
                ),
                fix=(
                    "Set role-duration-seconds up to the role's MaxSessionDuration (raise that "
                    "too), or call configure-aws-credentials again before the late step."
                ),
                hint=r"ExpiredToken|provided token has expired|##\[|GITHUB_",
            ),
            Cause(
                key="sso-session",
                text="On your machine: the IAM Identity Center (SSO) session is over.",
                check="Does aws sso login make it pass?",
                hint=r"\bSSO\b|sso",
            ),
            Cause(
                key="stale-environment",
                text="Old AWS_SESSION_TOKEN / AWS_ACCESS_KEY_ID variables are still exported.",
                check="Does env | grep AWS_ show session variables from an earlier login?",
            ),
        ),
        examples=(
            "An error occurred (ExpiredTokenException) when calling the BatchGetBuilds "
            "operation: The security token included in the request is expired",
            "An error occurred (ExpiredToken) when calling the PutObject operation: The provided "
            "token has expired.",
        ),
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
            r"provided token has expired",
        ),
        unless=("web-identity-token-expired",),
    ),
    Case(
        id="clock-skew",
        title="The machine's clock is off, so AWS refuses its signatures",
        cause=(
            "Every AWS request is signed with the time; AWS refuses a signature more than a few "
            "minutes off. The clock of the runner (self-hosted) or of your machine is wrong."
        ),
        fix=(
            "Sync the clock (NTP: timedatectl set-ntp true, or the OS's time settings), then "
            "re-run."
        ),
        commands=("date -u", "timedatectl status"),
        match=_any(
            r"Signature expired: \S{1,40} is now earlier than",
            r"Signature not yet current",
            _words("RequestTimeTooSkewed"),
        ),
        source=_AWS_CLI + " (InvalidSignatureException, SignatureDoesNotMatch)",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html",
        examples=(
            "An error occurred (InvalidSignatureException) when calling the "
            "GetAuthorizationToken operation: Signature expired: 20261130T100000Z is now earlier "
            "than 20261130T101500Z (20261130T102000Z - 5 min.)",
        ),
    ),
    Case(
        id="invalid-credentials",
        source=_AWS_CLI + ", " + _CAC + " (access keys)",
        link=_REPO_URL + "/issues/341",
        causes=(
            Cause(
                key="wrong-keys",
                text=(
                    "The access key pair in the secrets is deleted, rotated or pasted with a "
                    "stray character, or the key and secret are swapped."
                ),
                check="Does aws iam list-access-keys still list the key ID, and is it Active?",
            ),
            Cause(
                key="instance-role-overridden",
                text=(
                    "On a self-hosted runner with an instance role, a login step was given access-"
                    "key inputs (even empty or stale ones) that replace the instance's own "
                    "credentials."
                ),
                check="Does the runner have an instance role, and does the step pass key inputs?",
                hint=r"self-hosted|instance (?:role|profile)|EC2",
            ),
            Cause(
                key="special-characters",
                text=(
                    "The secret access key holds characters (+, /) that a signing step mishandles; "
                    "configure-aws-credentials has special-characters-workaround: true for it."
                ),
                check="Does the message say the request signature does not match?",
                hint=r"signature we calculated|SignatureDoesNotMatch",
            ),
            Cause(
                key="stale-environment",
                text="Stale AWS_* variables in the shell override the profile.",
                check="Does aws configure list show env as the source?",
            ),
            Cause(
                key="opt-in-region",
                text="The region is an opt-in region not enabled for the account.",
                check="Is the region enabled under Account > AWS Regions?",
            ),
        ),
        examples=(
            "Error: The security token included in the request is invalid.",
            "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity "
            "operation: The security token included in the request is invalid.",
        ),
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
        source=_AWS_CLI,
        link="https://github.com/aws/aws-cli/issues/915",
        causes=(
            Cause(
                key="no-credentials-step",
                text=(
                    "In a workflow: no configure-aws-credentials step ran before this one in the "
                    "same job (each job starts fresh), or it failed."
                ),
                check="Does the same job run configure-aws-credentials before the failing step?",
                hint=r"##\[|GITHUB_|Run aws|\bruns-on\b",
            ),
            Cause(
                key="other-environment",
                text=(
                    "The command runs where the exported variables are not: under sudo, in a "
                    "container (on EC2 a container reaches the instance role only with a metadata "
                    "hop limit of 2 or more), or in a script that clears the environment."
                ),
                check="Is the command run with sudo, in docker run, or with env -i?",
                hint=r"\bsudo\b|docker run|container",
            ),
            Cause(
                key="no-profile",
                text="On your machine: no profile is configured or signed in.",
                check="Does aws configure list show no credentials?",
            ),
        ),
        examples=(
            'Unable to locate credentials. You can configure credentials by running "aws '
            'configure".',
            "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
        ),
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
        source=_AWS_CLI,
        link=_REPO_URL + "#credential-lifetime",
        causes=(
            Cause(
                key="aws-profile-in-job",
                text=(
                    "In a workflow: AWS_PROFILE is set, but configure-aws-credentials exports "
                    "environment variables and writes no profile, so the named profile does not "
                    "exist on the runner."
                ),
                check="Does the workflow set AWS_PROFILE (env:) or pass --profile?",
                fix=(
                    "Remove AWS_PROFILE from the job's env (or have the action write that "
                    "profile with its aws-profile input, in versions that have it)."
                ),
                hint=r"##\[|GITHUB_|runner",
            ),
            Cause(
                key="typo",
                text="The profile name is misspelled or from another machine.",
                check="Does aws configure list-profiles list it?",
            ),
        ),
        examples=("The config profile (prod) could not be found",),
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
        source=_AWS_CLI,
        link="https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html",
        examples=(
            'You must specify a region. You can also configure your region by running "aws '
            'configure".',
            "botocore.exceptions.NoRegionError: You must specify a region.",
        ),
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
        source=_AWS_CLI + ", " + _CAC + " (Node.js network errors)",
        link=_REPO_URL + "/issues/341",
        causes=(
            Cause(
                key="instance-metadata",
                text=(
                    "The instance metadata service (169.254.169.254) did not answer: a container "
                    "on EC2 with a hop limit of 1, or a runner that is not on EC2, so no instance "
                    "credentials."
                ),
                check="Does the message name 169.254.169.254? Does curl reach it from the job?",
                hint=r"169\.254\.169\.254",
            ),
            Cause(
                key="tls-proxy",
                text=(
                    "A proxy that inspects TLS presents its own certificate, which the runner "
                    "does not trust."
                ),
                check=(
                    "Does the message mention x509 or certificate verify failed? Set "
                    "AWS_CA_BUNDLE (and docker's certs.d) to the proxy's CA."
                ),
                hint=r"x509|CERTIFICATE_VERIFY_FAILED|self[- ]signed|SSL validation",
            ),
            Cause(
                key="proxy-or-firewall",
                text=(
                    "A proxy or firewall between the runner and AWS (self-hosted runners): the "
                    "STS or ECR endpoint is not reachable."
                ),
                check="Does curl -sI https://sts.REGION.amazonaws.com answer from the runner?",
                hint=r"ETIMEDOUT|ECONNREFUSED|ECONNRESET|Connect Timeout|proxy",
            ),
            Cause(
                key="region-name",
                text="A misspelled region: its endpoint does not exist.",
                check="Is the region in the endpoint URL a real region name?",
                hint=r"ENOTFOUND|getaddrinfo|Could not connect to the endpoint URL",
            ),
            Cause(
                key="endpoint-override",
                text="AWS_ENDPOINT_URL or a custom endpoint is left over from testing.",
                check="Is AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_STS) set?",
            ),
        ),
        examples=(
            'Error response from daemon: Get "https://123456789012.dkr.ecr.us-east-1.amazonaws.'
            'com/v2/": x509: certificate signed by unknown authority',
            'Could not connect to the endpoint URL: "https://sts.us-esat-1.amazonaws.com/"',
            "Error: Could not assume role with OIDC: Connect Timeout Error",
            "Error: getaddrinfo ENOTFOUND sts.eu-west-10.amazonaws.com",
        ),
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
            r"\b(?:ETIMEDOUT|ECONNREFUSED|ECONNRESET|EAI_AGAIN)\b",
            r"getaddrinfo ENOTFOUND",
            r"Connect Timeout Error",
            r"socket hang up",
            r"Client\.Timeout exceeded",
            r"dial tcp: lookup \S{1,300} no such host",
            r"\bi/o timeout\b",
            r"x509: certificate signed by unknown authority",
            r"\bCERTIFICATE_VERIFY_FAILED\b",
            r"self[- ]signed certificate in certificate chain",
        ),
        unless=("ecr-public-region",),
    ),
    Case(
        id="docker-login-no-password",
        title="docker login got no password",
        cause=(
            "docker login --password-stdin read nothing, so it fell back to an interactive login "
            "that a CI job cannot answer. The command before the pipe (aws ecr "
            "get-login-password) failed, and its error is just above; or the password secret is "
            "empty."
        ),
        fix=(
            "Fix the error of get-login-password printed above (credentials, region), or use "
            "aws-actions/amazon-ecr-login, which fails with the real reason."
        ),
        commands=(_WHOAMI, _ECR_LOGIN),
        match=_any(
            r"Cannot perform an interactive login from a non TTY device",
            r"Must provide --username with --password-stdin",
        ),
        source=_DOCKER,
        link="https://github.com/aws/aws-cli/issues/5317",
        causes=(
            Cause(
                key="password-command-failed",
                text="aws ecr get-login-password failed (no credentials, no region, denied).",
                check="Is there an AWS error just above the docker line?",
                hint=r"Unable to locate credentials|AccessDenied|An error occurred|aws: error",
            ),
            Cause(
                key="password-empty",
                text=(
                    "The password comes from a secret that is empty here (forks, Dependabot, a "
                    "misspelled name)."
                ),
                check="Is the password read from secrets.X, and is X set for this run?",
            ),
        ),
        examples=(
            "Error: Could not login to registry 123456789012.dkr.ecr.ap-south-1.amazonaws.com: "
            "Error: Cannot perform an interactive login from a non TTY device",
            "Error: Cannot perform an interactive login from a non TTY device",
        ),
    ),
    Case(
        id="sts-region-disabled",
        title="STS is not active in that region for the account",
        cause=(
            "The credentials were asked of a regional STS endpoint in a region where the account "
            "has STS deactivated (IAM > Account settings), or an opt-in region that is not "
            "enabled."
        ),
        fix=(
            "Activate STS for the region in IAM's account settings (or enable the opt-in region), "
            "or use another region's STS endpoint."
        ),
        commands=("aws account list-regions --region-opt-status-contains ENABLED",),
        match=_any(_words("RegionDisabledException"), r"STS is not activated in this region"),
        source=_STS,
        link=(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html"
        ),
        examples=(
            "An error occurred (RegionDisabledException) when calling the "
            "AssumeRoleWithWebIdentity operation: STS is not activated in this region for account:"
            "123456789012. Your account administrator can activate STS in this region using the "
            "IAM Console.",
        ),
    ),
)
