"""Catalogue entries: STS refusing the session itself (token verification and expiry, session
tags, session names, sizes and durations, role chaining, root keys, overridden credentials)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _CAC,
    _DOCTOR,
    _GITHUB_OIDC_AWS,
    _NOT_AUTHORIZED,
    _REPO_URL,
    _STS,
    _WHOAMI,
    Case,
    Cause,
    _any,
    _words,
)

STS: tuple[Case, ...] = (
    Case(
        id="oidc-verification-failed",
        title="STS could not verify GitHub's token against the OIDC provider",
        cause=(
            "STS fetches GitHub's signing keys to check the token. It failed: the provider holds "
            "thumbprints that no longer match GitHub's certificate (old setups), GitHub's key "
            "endpoint did not answer in time, or a GitHub Enterprise Server issuer is not "
            "reachable from AWS."
        ),
        fix=(
            "Re-run the job once (GitHub's endpoint has brief outages). If it persists, let step 2 "
            "check the provider; since 2023-07-06 AWS trusts GitHub through its own root CAs, so "
            "refreshing the thumbprint list is enough on old setups."
        ),
        commands=(
            "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {provider_arn}",
            "aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn "
            "{provider_arn} --thumbprint-list 6938fd4d98bab03faadb97b34396831e3780aea1 "
            "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
            "ecr-oidc-wizard apply --only 2",
        ),
        match=_any(
            r"(?:doesn't|does not) match configured thumbprint",
            r"Couldn't retrieve verification key from your identity provider",
            _words("IDPCommunicationError", "IDPCommunicationErrorException"),
        ),
        source=_CAC + ", from " + _STS + " (InvalidIdentityToken, IDPCommunicationError)",
        link=_REPO_URL + "/issues/357",
        causes=(
            Cause(
                key="thumbprint",
                text=(
                    "The provider's thumbprint list misses the certificate GitHub serves now "
                    "(providers created before mid-2023 with a single thumbprint)."
                ),
                check="Does the message say 'doesn't match configured thumbprint'?",
                hint=r"thumbprint",
            ),
            Cause(
                key="github-endpoint",
                text=(
                    "GitHub's OIDC key endpoint did not answer STS in time; it passes on a re-run."
                ),
                check="Does re-running the job pass?",
                hint=r"verification key|IDPCommunication",
            ),
            Cause(
                key="issuer-unreachable",
                text=(
                    "The issuer is a GitHub Enterprise Server host that AWS cannot reach from "
                    "the internet, or whose certificate is not publicly trusted."
                ),
                check="Is the provider URL https://HOST/_services/token on a private network?",
                hint=r"_services/token",
            ),
        ),
        examples=(
            "Error: Could not assume role with OIDC: OpenIDConnect provider's HTTPS certificate "
            "doesn't match configured thumbprint",
            "Error: Could not assume role with OIDC: Couldn't retrieve verification key from "
            "your identity provider,  please reference AssumeRoleWithWebIdentity documentation "
            "for requirements",
        ),
    ),
    Case(
        id="web-identity-token-expired",
        title="GitHub's OIDC token had expired when STS read it",
        cause=(
            "The job's OIDC token is short-lived; STS found it past its expiry. The runner's clock "
            "is off (self-hosted runners), or the token was fetched long before it was used "
            "(web-identity-token-file written early)."
        ),
        fix=(
            "Sync the runner's clock (NTP) and fetch the token right before assuming the role; "
            "configure-aws-credentials does that itself when given role-to-assume."
        ),
        commands=("date -u", "timedatectl status"),
        match=_any(
            r"Token expired: current date/time",
            r"token is expired.{0,40}web ?identity",
            r"web identity token that was passed is expired",
        ),
        source=_STS + " AssumeRoleWithWebIdentity (ExpiredTokenException)",
        link=_REPO_URL + "/issues/488",
        causes=(
            Cause(
                key="clock-skew",
                text="The runner's clock is ahead of or behind real time.",
                check="Does date -u on the runner differ from real UTC time by minutes?",
            ),
            Cause(
                key="token-fetched-early",
                text="The token was fetched long before the AssumeRoleWithWebIdentity call.",
                check="Is the token written to a file in an earlier step or job?",
                hint=r"web-identity-token-file|token file",
            ),
        ),
        examples=(
            "An error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity "
            "operation: The web identity token that was passed is expired or is not valid. Get a "
            "new identity token from the identity provider and then retry the request.",
            "Error: Could not assume role with OIDC: Token expired: current date/time 1700000900 "
            "must be before the expiration date/time1700000600",
        ),
    ),
    Case(
        id="invalid-identity-token",
        title="STS refused GitHub's token as invalid",
        cause=(
            "STS could not accept the web identity token: its issuer does not match the "
            "provider's URL (GitHub Enterprise Server, an enterprise's unique issuer), it is "
            "malformed (a web-identity-token-file with something else in it), or it is not yet "
            "valid (the runner's clock)."
        ),
        fix=(
            "Compare the token's iss claim with the provider's URL; let the action fetch the "
            "token itself (no web-identity-token-file) and keep the runner's clock in sync."
        ),
        commands=("aws iam list-open-id-connect-providers", _DOCTOR),
        match=_any(
            _words("InvalidIdentityToken", "InvalidIdentityTokenException"),
            r"\bInvalid identity token\b",
            _words("IDPRejectedClaim"),
            r"web identity token that was passed could not be validated",
        ),
        unless=("audience-not-allowed", "oidc-provider-missing", "oidc-verification-failed"),
        source=_STS + " AssumeRoleWithWebIdentity",
        link=_GITHUB_OIDC_AWS,
        causes=(
            Cause(
                key="issuer",
                text="The token's issuer is not the provider's URL.",
                check="Is the provider's URL, path included, the token's iss claim?",
                hint=r"issuer|\biss\b|_services/token",
            ),
            Cause(
                key="token-malformed",
                text="The token handed to STS is not GitHub's OIDC token.",
                check="Is web-identity-token-file set, and what does the file hold?",
                hint=r"web-identity-token-file|token file",
            ),
            Cause(
                key="clock-skew",
                text="The token is not yet valid: the runner's clock is behind.",
                check="Does date -u on the runner differ from real UTC time?",
            ),
        ),
        examples=(
            "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity "
            "operation: The ID Token provided is not a valid JWT. (You may see this error if you "
            "sent an Access Token)",
        ),
    ),
    Case(
        id="session-tag-denied",
        title="The role's trust policy does not allow session tags (sts:TagSession)",
        cause=(
            "configure-aws-credentials tags the session it opens with AssumeRole (with access "
            "keys, or a second role with role-chaining), and a role must allow sts:TagSession "
            "in its trust policy for that. The trust policy of the role being assumed allows "
            "sts:AssumeRole but not sts:TagSession."
        ),
        fix=(
            'Add "sts:TagSession" beside "sts:AssumeRole" in the Action of the assumed role\'s '
            "trust policy, or set role-skip-session-tagging: true on that step."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
        ),
        match=_any(_NOT_AUTHORIZED + r"sts:TagSession\b"),
        source=_CAC + " (session tags on AssumeRole), from " + _STS,
        link=_REPO_URL + "/issues/1396",
        names_permission=True,
        causes=(
            Cause(
                key="role-chaining",
                text=(
                    "Role chaining: the second role trusts the first one for sts:AssumeRole but "
                    "not for sts:TagSession."
                ),
                check=(
                    "Is the caller in the message an assumed-role "
                    "(arn:aws:sts::...:assumed-role/...)?"
                ),
                hint=r"assumed-role/",
            ),
            Cause(
                key="user-keys",
                text=(
                    "Access keys of an IAM user assume the role; its trust policy lacks "
                    "sts:TagSession for that user."
                ),
                check="Is the caller in the message an IAM user (arn:aws:iam::...:user/...)?",
                hint=r":user/",
            ),
        ),
        examples=(
            "Error: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: "
            "sts:TagSession on resource: arn:aws:iam::123456789012:role/devops",
            "Error: Could not assume role with user credentials: User: "
            "arn:aws:sts::111111111111:assumed-role/MyOIDCRole/MySessionName is not authorized "
            "to perform: sts:TagSession on resource: arn:aws:iam::222222222222:role/MyOtherRole",
        ),
    ),
    Case(
        id="chained-assume-denied",
        title="The first role may not assume the second one (role chaining)",
        cause=(
            "A role obtained through OIDC tries to assume another role (role-chaining, or aws "
            "sts assume-role) and is refused: the second role's trust policy does not name the "
            "first role, or the first role's own policy does not allow sts:AssumeRole on it."
        ),
        fix=(
            "Name the first role's ARN as Principal AWS in the second role's trust policy (with "
            "sts:AssumeRole and sts:TagSession), and allow sts:AssumeRole on the second role in "
            "the first role's policy."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
            _WHOAMI,
        ),
        match=_any(r"assumed-role/\S{1,200}\s{1,5}" + _NOT_AUTHORIZED + r"sts:AssumeRole\b"),
        source=_CAC + " (role-chaining), from " + _STS + " AssumeRole",
        link=_REPO_URL + "/issues/391",
        names_permission=True,
        causes=(
            Cause(
                key="second-trust",
                text="The second role's trust policy does not name the first role.",
                check="Does the second role's trust policy list the first role's ARN?",
            ),
            Cause(
                key="first-policy",
                text="The first role's permission policy does not allow sts:AssumeRole on it.",
                check="Does the first role hold an Allow of sts:AssumeRole on the second ARN?",
            ),
        ),
        examples=(
            "Error: Could not assume role with user credentials: User: "
            "arn:aws:sts::111111111111:assumed-role/GitHubOIDC/GitHubActions is not authorized "
            "to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/deploy",
        ),
    ),
    Case(
        id="session-value-invalid",
        title="STS refused the session name or a session tag value",
        cause=(
            "STS accepts only [\\w+=,.@-] in a role session name (2-64 characters) and only "
            "letters, digits, spaces and _.:/=+-@ in a session tag value. The session name was "
            "built from the actor (dependabot[bot] has brackets), or a tag value (the branch, "
            "workflow or actor name that configure-aws-credentials tags the session with) holds "
            "another character."
        ),
        fix=(
            "Do not build role-session-name from github.actor: use a fixed name such as "
            "GitHubActions (the default). For tag values, update configure-aws-credentials "
            "(recent versions clean them) or set role-skip-session-tagging: true."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=(
            (
                r"failed to satisfy constraint:?\s{0,5}Member must satisfy regular expression",
                r"roleSessionName|tags\.\d{1,2}\.member|session",
            ),
            (r"Role session name (?:is not valid|must be between)",),
            (r"'roleSessionName' failed to satisfy constraint",),
        ),
        source=_STS + " (ValidationError); " + _CAC + " v6.2+ checks the session name itself",
        link=_REPO_URL + "/issues/1306",
        causes=(
            Cause(
                key="bot-actor",
                text=(
                    "role-session-name is built from github.actor, and a bot's name "
                    "(dependabot[bot], github-actions[bot]) has brackets."
                ),
                check="Does the workflow set role-session-name: ${{{{ github.actor }}}}?",
                hint=r"\[bot\]",
            ),
            Cause(
                key="tag-value",
                text=(
                    "A session tag value (branch, workflow or actor name) holds a character "
                    "STS refuses."
                ),
                check="Does the message name tags.N.member.value?",
                hint=r"tags\.\d{1,2}\.member",
            ),
            Cause(
                key="session-name-length",
                text="The session name is shorter than 2 or longer than 64 characters.",
                check="Does the message say 'must be between 2 and 64'?",
                hint=r"between 2 and 64|length",
            ),
        ),
        examples=(
            "Could not assume role with OIDC: 1 validation error detected: Value "
            "'dependabot[bot]' at 'roleSessionName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [\\w+=,.@-]*",
            "Error: Role session name is not valid: 'dependabot[bot]'. Must satisfy regular "
            "expression pattern: [\\w+=,.@-]*",
            "Error: Could not assume role with user credentials: 1 validation error detected: "
            "Value 'feature/#123' at 'tags.5.member.value' failed to satisfy constraint: Member "
            "must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
        ),
    ),
    Case(
        id="session-too-large",
        title="The session's tags or policies are too large for STS",
        cause=(
            "STS packs session tags and session policies into a bounded space. Long branch, "
            "workflow or repository names in the tags configure-aws-credentials adds, or a large "
            "inline or managed session policy, go past it."
        ),
        fix=(
            "Update configure-aws-credentials (recent versions drop optional tags and retry), or "
            "set role-skip-session-tagging: true; shorten any inline-session-policy."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(
            _words("PackedPolicyTooLarge", "PackedPolicyTooLargeException"),
            r"Packed policy consumes \d{1,4}% of allotted space",
        ),
        source=_STS + "; " + _CAC,
        link=_REPO_URL + "/blob/main/src/assumeRole.ts",
        causes=(
            Cause(
                key="long-tags",
                text="Long names in the session tags (branch, workflow, repository).",
                check="Is the branch or workflow name long? Does role-skip-session-tagging help?",
            ),
            Cause(
                key="session-policy",
                text="An inline or managed session policy passed with the call is too large.",
                check="Does the step set inline-session-policy or managed-session-policies?",
                hint=r"session-polic",
            ),
        ),
        examples=(
            "Error: Could not assume role with OIDC: Packed policy consumes 107% of allotted "
            "space, please use smaller policy.",
        ),
    ),
    Case(
        id="session-duration-too-long",
        title="The session asked for is longer than the role allows",
        cause=(
            "role-duration-seconds is above the role's MaxSessionDuration (3600 s unless "
            "raised, at most 43200), or the role is assumed by role chaining, which AWS caps at "
            "one hour."
        ),
        fix=(
            "Raise the role's MaxSessionDuration, or lower role-duration-seconds (to 3600 for a "
            "chained role)."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.MaxSessionDuration",
            "aws iam update-role --role-name {role_name} --max-session-duration 7200",
        ),
        match=_any(r"DurationSeconds exceeds the"),
        source=_STS + " (ValidationError)",
        link=_REPO_URL + "/issues/488",
        causes=(
            Cause(
                key="max-session",
                text="role-duration-seconds is above the role's MaxSessionDuration.",
                check="Is aws iam get-role's MaxSessionDuration below role-duration-seconds?",
                hint=r"MaxSessionDuration",
            ),
            Cause(
                key="role-chaining",
                text="The role is assumed by role chaining, limited to one hour.",
                check="Is this the second configure-aws-credentials step (role-chaining)?",
                hint=r"role chaining|1 hour session limit",
            ),
        ),
        examples=(
            "Error: Could not assume role with OIDC: The requested DurationSeconds exceeds the "
            "MaxSessionDuration set for this role.",
            "Error: The requested DurationSeconds exceeds the 1 hour session limit for roles "
            "assumed by role chaining.",
        ),
    ),
    Case(
        id="account-not-allowed",
        title="The credentials belong to an account the workflow does not allow",
        cause=(
            "configure-aws-credentials checks the account of the credentials it got against "
            "allowed-account-ids, and they differ: the role ARN secret names another account, or "
            "the allowed list is out of date."
        ),
        fix="Point role-to-assume at a role in an allowed account, or update allowed-account-ids.",
        commands=(_WHOAMI,),
        match=_any(r"does not match any of the expected account IDs"),
        source=_CAC + " (allowed-account-ids)",
        link=_REPO_URL + "/blob/main/src/helpers.ts",
        causes=(
            Cause(
                key="role-arn-other",
                text="role-to-assume names a role in another account.",
                check="Does the account in the role ARN match allowed-account-ids?",
            ),
            Cause(
                key="allowed-list",
                text="allowed-account-ids is out of date.",
                check="Is the account in the message the one you meant to use?",
            ),
        ),
        examples=(
            "Error: The account ID of the provided credentials (111111111111) does not match "
            "any of the expected account IDs: 222222222222",
        ),
    ),
    Case(
        id="reusable-workflow-permission",
        title="A called workflow asks for a permission its caller does not grant",
        cause=(
            "A reusable workflow's job asks for a permission (id-token: write for OIDC) that the "
            "calling job does not grant; a called workflow can only keep or lower its caller's "
            "permissions, so GitHub refuses to start it."
        ),
        fix=(
            "Grant the permission in the calling job: permissions: id-token: write and "
            "contents: read beside uses: OWNER/REPO/.github/workflows/FILE@REF."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(
            r"is requesting '[a-z-]{2,40}: write', but is only allowed '[a-z-]{2,40}: \w{3,5}'"
        ),
        source="GitHub Actions workflow validation",
        link=(
            "https://docs.github.com/en/actions/sharing-automations/reusing-workflows"
            "#access-and-permissions"
        ),
        causes=(
            Cause(
                key="caller-permissions",
                text="The calling job's permissions block lacks id-token: write.",
                check="Does the job with uses: .../FILE.yml@REF set permissions: id-token: write?",
            ),
            Cause(
                key="default-permissions",
                text=(
                    "The repository or organisation defaults GITHUB_TOKEN to read-only and the "
                    "caller has no permissions block at all."
                ),
                check=(
                    "Settings > Actions > Workflow permissions: is it 'Read repository contents'?"
                ),
            ),
        ),
        examples=(
            "The workflow is not valid. .github/workflows/deploy.yml (Line: 12, Col: 3): Error "
            "calling workflow 'octo-org/ci/.github/workflows/push.yml@main'. The nested job "
            "'push' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
        ),
    ),
    Case(
        id="root-keys",
        title="The access keys are the account root user's",
        cause=(
            "STS refuses to let the root user assume a role. The keys in the secrets belong to "
            "the account's root user, which should have no access keys at all."
        ),
        fix=(
            "Delete the root user's access keys, and use OIDC (this wizard's setup) so the "
            "workflow needs no keys."
        ),
        commands=(_WHOAMI, "ecr-oidc-wizard apply"),
        match=_any(r"Roles may not be assumed by root accounts"),
        source=_STS + " AssumeRole; " + _CAC + " with access keys",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
        examples=(
            "Error: Could not assume role with user credentials: Roles may not be assumed by root "
            "accounts",
        ),
    ),
    Case(
        id="credentials-mismatch",
        title="Other credentials in the job override the ones the action set",
        cause=(
            "configure-aws-credentials checked the credentials the SDK resolves and found others "
            "than it configured: AWS_PROFILE, or AWS_ACCESS_KEY_ID from an earlier step or the "
            "job's env, takes precedence."
        ),
        fix="Remove AWS_PROFILE and any AWS_* keys from the job's env, then re-run.",
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(r"Credentials loaded by the SDK do not match"),
        source=_CAC + " v2+",
        link=_REPO_URL + "/blob/main/src/CredentialsClient.ts",
        causes=(
            Cause(
                key="aws-profile-set",
                text="AWS_PROFILE names a profile the SDK prefers.",
                check="Does the job's env set AWS_PROFILE?",
                hint=r"AWS_PROFILE",
            ),
            Cause(
                key="env-keys",
                text="AWS_ACCESS_KEY_ID from an earlier step or the env is still set.",
                check="Does an earlier step or the env export AWS_ACCESS_KEY_ID?",
            ),
        ),
        examples=(
            "Error: Credentials loaded by the SDK do not match the expected access key ID "
            "configured by the action",
        ),
    ),
)
