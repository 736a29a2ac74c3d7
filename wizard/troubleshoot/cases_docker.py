"""Catalogue entries: docker and the registry login (credential stores, refused logins, image
names and indexes, ECR Public, the AWS CLI's removed get-login, the login actions' inputs)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _AWS_CLI,
    _DESCRIBE_REPOSITORY,
    _DOCKER,
    _DOCTOR,
    _ECR_LOGIN,
    _ECR_LOGIN_ACTION,
    _ECR_LOGIN_URL,
    _FORK_OR_DEPENDABOT,
    _NOT_AUTHORIZED,
    _REAPPLY_PUSH,
    _SECRET_MISSING,
    _STS,
    _WHOAMI,
    Case,
    Cause,
    _any,
    _words,
)

DOCKER: tuple[Case, ...] = (
    Case(
        id="credential-store-failed",
        title="Docker's credential store failed on the runner",
        cause=(
            "docker login hands the password to a credential helper named in "
            "~/.docker/config.json (credsStore). On Windows runners wincred refuses from the "
            "runner's service session; elsewhere the helper is missing (docker-credential-"
            "desktop on CI) or cannot open its keyring."
        ),
        fix=(
            "Give docker a configuration without a credential store for the job: point "
            'DOCKER_CONFIG at a fresh directory holding {{"auths": {{}}}}, or remove credsStore '
            "from ~/.docker/config.json, then log in again."
        ),
        commands=(
            'mkdir -p "$RUNNER_TEMP/docker" && echo \'{{"auths": {{}}}}\' > '
            '"$RUNNER_TEMP/docker/config.json"',
            'export DOCKER_CONFIG="$RUNNER_TEMP/docker"',
            _ECR_LOGIN,
        ),
        match=_any(
            r"error (?:storing|getting) credentials - err: exit status \d{1,3}",
            r"Error saving credentials",
            r"docker-credential-[a-z-]{1,30}.{0,60}(?:executable file not found|not installed)",
            r"The stub received bad data",
            r"A specified logon session does not exist",
            r"resolves to executable in current directory",
        ),
        source=_DOCKER + ", " + _ECR_LOGIN_ACTION,
        link=_ECR_LOGIN_URL + "/issues/106",
        causes=(
            Cause(
                key="windows-wincred",
                text="The Windows credential store (wincred) refuses the runner's service session.",
                check=(
                    "Does the job run on windows-*? Does the message say 'stub received bad data' "
                    "or 'logon session does not exist'?"
                ),
                hint=r"stub received bad data|logon session|wincred|windows",
            ),
            Cause(
                key="helper-missing",
                text="credsStore names a helper that is not installed on the runner.",
                check="Does the message say 'executable file not found'?",
                hint=r"executable file not found|not installed|desktop",
            ),
            Cause(
                key="keyring-locked",
                text=(
                    "The Linux helper (pass, secretservice) has no unlocked keyring or D-Bus "
                    "session on the runner."
                ),
                check="Is credsStore pass or secretservice on a self-hosted Linux runner?",
                hint=r"secretservice|\bpass\b|dbus|gpg",
            ),
        ),
        examples=(
            "Error: Could not login to registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com: "
            "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nError "
            "saving credentials: error storing credentials - err: exit status 1, out: `A "
            "specified logon session does not exist. It may already have been terminated.`",
            "Error: Error saving credentials: error storing credentials - err: exit status 1, "
            "out: `The stub received bad data.`",
            'error getting credentials - err: exec: "docker-credential-desktop": executable file '
            "not found in $PATH, out: ``",
        ),
    ),
    Case(
        id="registry-unauthorized",
        title="The registry refused docker's credentials",
        cause=(
            "Docker sent credentials the registry does not accept for this repository: a login "
            "for another account or region, a login that expired, or, on a 403, an identity "
            "whose policies do not allow the push (a repository in another account also needs "
            "its repository policy to allow it)."
        ),
        fix=(
            "Log in to the exact registry host of the image right before pushing, with the role "
            "the push policy belongs to; for another account's repository, add a repository "
            "policy that allows the role."
        ),
        commands=(_ECR_LOGIN, _DOCTOR, _REAPPLY_PUSH),
        match=_any(
            r"unauthorized: authentication required",
            r"failed to fetch (?:oauth|anonymous) token",
            r"unexpected status(?: from [A-Z]{3,7} request to \S{1,400})?: "
            r"40[13] (?:Unauthorized|Forbidden)",
            r"\b403 Forbidden\b",
            r"incorrect username or password",
            r"denied: Not Authori[sz]ed",
            r"error parsing HTTP 403 response body",
        ),
        source=_DOCKER + ", from the Amazon ECR registry",
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors-docker.html",
        causes=(
            Cause(
                key="public-login",
                text=(
                    "The registry is ECR Public (public.ecr.aws): its login is aws ecr-public "
                    "get-login-password --region us-east-1, which old AWS CLIs and old versions of "
                    "the login actions do not do."
                ),
                check=(
                    "Is the host public.ecr.aws, and was the login made with ecr-public in "
                    "us-east-1?"
                ),
                hint=r"public\.ecr\.aws",
            ),
            Cause(
                key="login-other-registry",
                text="The login is for another account or region than the image's host.",
                check="Is the host in the message the one the login step named?",
            ),
            Cause(
                key="policy-lacks-action",
                text=(
                    "The identity logged in may not push: its policy lacks an ECR action "
                    "(BatchCheckLayerAvailability, InitiateLayerUpload, PutImage...)."
                ),
                check=(
                    "Does a 403 come on a blob or manifest request? Run the doctor on the push "
                    "policy."
                ),
                hint=r"\b403\b",
            ),
            Cause(
                key="cross-account",
                text=(
                    "The repository is in another account, and its repository policy does not "
                    "allow the role."
                ),
                check="Is the account in the registry host another than the role's?",
            ),
            Cause(
                key="login-expired",
                text="The login is older than 12 hours.",
                check="Was the login made in an earlier job on a self-hosted runner?",
            ),
        ),
        examples=(
            "unauthorized: authentication required",
            "ERROR: failed to solve: failed to push 123456789012.dkr.ecr.us-east-1.amazonaws.com/"
            "web:latest: unexpected status from HEAD request to https://123456789012.dkr.ecr.us-"
            "east-1.amazonaws.com/v2/web/blobs/sha256:6f: 403 Forbidden",
            "ERROR: failed to solve: failed to fetch oauth token: unexpected status: 401 "
            "Unauthorized",
        ),
    ),
    Case(
        id="docker-login-bad-request",
        title="The registry refused the login (400 Bad Request)",
        cause=(
            "The ECR password is valid only for the registry of the region and account it was "
            "made for. get-login-password ran for another region (or account) than the host "
            "docker logs in to, or the private ecr command was used for public.ecr.aws."
        ),
        fix=(
            "Use the same region in get-login-password --region and in the registry host, with "
            "credentials of the registry's account; for public.ecr.aws use aws ecr-public "
            "get-login-password --region us-east-1."
        ),
        commands=(_ECR_LOGIN,),
        match=_any(r"login attempt to \S{1,300} failed with status: 400 Bad Request"),
        source=_DOCKER + " with aws ecr get-login-password",
        link="https://github.com/aws/aws-cli/issues/5317",
        causes=(
            Cause(
                key="region-mismatch",
                text="get-login-password --region differs from the region in the host.",
                check="Do the --region value and the host's region match?",
            ),
            Cause(
                key="public-with-private",
                text="The private ecr command made the password for public.ecr.aws.",
                check="Is the host public.ecr.aws?",
                hint=r"public\.ecr\.aws",
            ),
            Cause(
                key="account-mismatch",
                text="The credentials belong to another account than the registry.",
                check="Does aws sts get-caller-identity show the registry's account?",
            ),
        ),
        examples=(
            "Error response from daemon: login attempt to https://123456789012.dkr.ecr.us-west-2."
            "amazonaws.com/v2/ failed with status: 400 Bad Request",
        ),
    ),
    Case(
        id="ecr-public-region",
        title="ECR Public was called outside us-east-1 (or with an old AWS CLI)",
        cause=(
            "ECR Public's API, and so its login, exists only in us-east-1. The login step ran "
            "with the job's region (AWS_REGION from configure-aws-credentials), or the AWS CLI "
            "is too old to know the ecr-public command."
        ),
        fix=(
            "Log in to ECR Public with region us-east-1 whatever region the job uses (for "
            "amazon-ecr-login with registry-type: public, set AWS_REGION: us-east-1 on that "
            "step); update the AWS CLI."
        ),
        commands=(
            "aws ecr-public get-login-password --region us-east-1 | docker login --username AWS "
            "--password-stdin public.ecr.aws",
        ),
        match=(
            (r"only supported in us-east-1",),
            (r"api\.ecr-public\.(?!us-east-1\b)[a-z]{2}(?:-[a-z]{2,10}){1,2}-\d{1,2}\.amazonaws",),
            (r"Invalid choice", r"ecr-public"),
        ),
        source=_ECR_LOGIN_ACTION + " (registry-type: public), " + _AWS_CLI,
        link=_ECR_LOGIN_URL + "/issues/537",
        causes=(
            Cause(
                key="region",
                text="The login ran in another region than us-east-1.",
                check="Does the endpoint in the message name another region than us-east-1?",
                hint=r"api\.ecr-public\.|only supported in us-east-1",
            ),
            Cause(
                key="old-cli",
                text="The AWS CLI is too old to know ecr-public.",
                check="Does aws --version show a CLI from before December 2020?",
                hint=r"Invalid choice",
            ),
        ),
        examples=(
            "Error: getaddrinfo ENOTFOUND api.ecr-public.ap-northeast-1.amazonaws.com",
            "An error occurred (UnsupportedCommandException) when calling the "
            "GetAuthorizationToken operation: GetAuthorizationToken command is only supported in "
            "us-east-1.",
        ),
    ),
    Case(
        id="ecr-public-denied",
        title="ECR Public needs {missing_permission}, which this identity lacks",
        cause=(
            "Logging in to ECR Public needs ecr-public:GetAuthorizationToken and "
            'sts:GetServiceBearerToken (both on Resource "*"); pushing needs the ecr-public '
            "layer and image actions on the public repository."
        ),
        fix=(
            'Allow {missing_permission} on Resource "*" in the policy of the identity, then '
            "log in again in us-east-1."
        ),
        commands=(_WHOAMI, _DOCTOR),
        match=_any(_NOT_AUTHORIZED + r"(?:sts:GetServiceBearerToken|ecr-public:[A-Za-z]{3,60})"),
        source="Amazon ECR Public, " + _STS,
        link="https://docs.aws.amazon.com/AmazonECR/latest/public/public-registry-auth.html",
        names_permission=True,
        causes=(
            Cause(
                key="bearer-token",
                text="sts:GetServiceBearerToken is not allowed.",
                check="Does the message name sts:GetServiceBearerToken?",
                hint=r"GetServiceBearerToken",
            ),
            Cause(
                key="public-actions",
                text="An ecr-public action is not allowed on the repository.",
                check="Does the message name an ecr-public: action?",
                hint=r"ecr-public:",
            ),
        ),
        examples=(
            "An error occurred (AccessDeniedException) when calling the GetAuthorizationToken "
            "operation: User: arn:aws:sts::123456789012:assumed-role/gha/GitHubActions is not "
            "authorized to perform: sts:GetServiceBearerToken on resource: *",
        ),
    ),
    Case(
        id="get-login-removed",
        title="aws ecr get-login no longer exists (AWS CLI v2)",
        cause=(
            "AWS CLI v2 removed aws ecr get-login (deprecated in v1 since 1.17.10); GitHub's "
            "runners ship v2, so a script written for v1 fails with 'Invalid choice'."
        ),
        fix="Pipe get-login-password into docker login, or use aws-actions/amazon-ecr-login.",
        commands=(_ECR_LOGIN,),
        match=(
            (r"Invalid choice", r"get-login(?!-password)\b"),
            (r"argument operation: Invalid choice", r"batch-check-layer-availability"),
            (r"Unknown options?:\s{0,3}--no-include-email",),
        ),
        source=_AWS_CLI + " (removed in v2)",
        link="https://github.com/aws/aws-cli/issues/5014",
        examples=(
            "$(aws ecr get-login --no-include-email --region eu-central-1)\nusage: aws [options] "
            "<command> <subcommand> [<subcommand> ...] [parameters]\naws: error: argument "
            "operation: Invalid choice, valid choices are:",
            "aws: error: argument operation: Invalid choice, valid choices are:\n\n"
            "batch-check-layer-availability           | batch-delete-image",
        ),
    ),
    Case(
        id="registries-input-invalid",
        title="The registries input must be AWS account IDs",
        cause=(
            "amazon-ecr-login's registries input takes 12-digit account IDs separated by commas. "
            "It got a registry URL, spaces, or an ID that YAML read as a number and dropped the "
            "leading zero from."
        ),
        fix='Quote the IDs in the workflow (registries: "012345678901") and give IDs only.',
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(r"'registryIds' failed to satisfy constraint"),
        source=_ECR_LOGIN_ACTION + ", from Amazon ECR GetAuthorizationToken",
        link=_ECR_LOGIN_URL + "/issues/225",
        causes=(
            Cause(
                key="leading-zero",
                text="An account ID starting with 0 was read as a number and lost the zero.",
                check="Does the account ID start with 0, unquoted in the workflow?",
            ),
            Cause(
                key="not-an-id",
                text="A registry URL or host was given instead of the account ID.",
                check="Does the input hold dkr.ecr or a region?",
                hint=r"dkr\.ecr",
            ),
            Cause(
                key="whitespace",
                text="Spaces or a newline around an ID.",
                check="Does the input hold spaces after the commas?",
            ),
        ),
        examples=(
            "Error: Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member "
            "must satisfy constraint: [Member must satisfy regular expression pattern: "
            "[0-9]{{12}}]'",
        ),
    ),
    Case(
        id="ecr-login-region-missing",
        title="The AWS step found no region",
        cause=(
            "The login step runs with no region: configure-aws-credentials did not run before it "
            "in this job (or ran in another job), or its aws-region input was empty."
        ),
        fix=(
            "Run configure-aws-credentials with aws-region before amazon-ecr-login in the same "
            "job, or set AWS_REGION in the step's env."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(r"\bRegion is missing\b"),
        source=_ECR_LOGIN_ACTION,
        link=_ECR_LOGIN_URL + "/issues/620",
        causes=(
            Cause(
                key="no-credentials-step",
                text="No configure-aws-credentials step runs before it in this job.",
                check="Does the same job run configure-aws-credentials first?",
            ),
            _SECRET_MISSING,
        ),
        examples=(
            "Run aws-actions/amazon-ecr-login@v2\n  with:\n    mask-password: true\n    "
            "registry-type: private\n    skip-logout: false\nError: Region is missing",
        ),
    ),
    Case(
        id="login-inputs-missing",
        title="docker/login-action got no username or password",
        cause=(
            "The username or password input is empty: the secret it reads is not set here "
            "(forks and Dependabot get no secrets), or is misspelled. For ECR, the AWS access "
            "key pair is expected there, or credentials from configure-aws-credentials with "
            "aws-actions/amazon-ecr-login instead."
        ),
        fix=(
            "For ECR with OIDC, use configure-aws-credentials then amazon-ecr-login, which need "
            "no username or password."
        ),
        commands=("gh secret list --repo {github_repo}",),
        match=_any(
            r"(?m)^\s{0,40}(?:Error: )?(?:Username and password|Username|Password) required\b"
        ),
        source="docker/login-action",
        link="https://github.com/docker/login-action/blob/master/src/docker.ts",
        causes=(_SECRET_MISSING, _FORK_OR_DEPENDABOT),
        examples=("Error: Username and password required",),
    ),
    Case(
        id="image-name-invalid",
        title="Docker refused the image name (invalid reference format)",
        cause=(
            "The image reference is not valid: its registry part is empty (the login step's "
            "registry output or a variable was empty, so the name starts with '/'), the "
            "repository has upper-case letters, or the tag holds '/' or another character (a "
            "branch name like feature/x used as the tag)."
        ),
        fix=(
            "Build the name from the login step's registry output, in lower case, and make tags "
            "from safe values (the commit SHA, a version) rather than the raw branch name."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(
            r"invalid reference format",
            r"repository name must be lowercase",
            r"'imageTag' failed to satisfy constraint",
        ),
        source=_DOCKER,
        link="https://docs.docker.com/reference/cli/docker/image/tag/",
        causes=(
            Cause(
                key="empty-registry",
                text="The registry part is empty, so the name starts with '/' or ':'.",
                check=(
                    "Does the name in the log start with '/'? Was steps.ID.outputs.registry empty?"
                ),
                hint=r"\"/|\s/[a-z0-9]|tag \"/",
            ),
            Cause(
                key="upper-case",
                text="The repository part has upper-case letters (the owner or repo name).",
                check="Does the name hold capitals (github.repository keeps the owner's case)?",
                hint=r"must be lowercase",
            ),
            Cause(
                key="tag-characters",
                text="The tag holds '/' or another character a tag cannot have.",
                check="Is the tag made from a branch name or github.ref?",
                hint=r"refs/|:[^\s\"]{0,80}/",
            ),
        ),
        examples=(
            'ERROR: invalid tag "/onyxia-eostat:latest": invalid reference format',
            "invalid reference format: repository name must be lowercase",
        ),
    ),
    Case(
        id="repository-name-invalid",
        title="ECR refused the repository name",
        cause=(
            "The repository name is not a valid ECR name: the full registry URI was given where "
            "the name alone belongs (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME), or it has "
            "upper-case letters or other characters."
        ),
        fix=(
            "Give the name alone, in lower case (letters, digits, . _ - and / between parts); the "
            "registry host is not part of it."
        ),
        commands=(_DESCRIBE_REPOSITORY,),
        match=_any(r"'repositoryName' failed to satisfy constraint"),
        source="Amazon ECR (InvalidParameterException)",
        link="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
        causes=(
            Cause(
                key="full-uri",
                text="The full registry URI was given as the repository name.",
                check="Does the name in the message hold dkr.ecr or amazonaws.com?",
                hint=r"amazonaws\.com",
            ),
            Cause(
                key="characters",
                text="The name has upper-case letters or characters ECR does not allow.",
                check="Is the name lower case, with only letters, digits and . _ - /?",
            ),
        ),
        examples=(
            "An error occurred (InvalidParameterException) when calling the "
            "DescribeRepositories operation: Invalid parameter at 'repositoryName' failed to "
            "satisfy constraint: 'must satisfy regular expression "
            "'(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''",
        ),
    ),
    Case(
        id="image-not-found",
        title="The image or tag is not in the repository",
        cause=(
            "The registry has no manifest for that tag or digest: it was never pushed (or the "
            "push failed earlier), it is in another region or account, or a lifecycle policy "
            "expired it."
        ),
        fix="List what the repository holds and pull or deploy a tag that is there.",
        commands=("aws ecr describe-images --repository-name {ecr_repository} --region {region}",),
        match=_any(
            r"manifest unknown",
            _words("ImageNotFoundException"),
            r"Requested image not found",
            r"failed to solve: \S{1,400}: not found",
        ),
        source="Amazon ECR, " + _DOCKER,
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors-docker.html",
        causes=(
            Cause(
                key="never-pushed",
                text="The tag was never pushed, or its push failed earlier.",
                check="Does describe-images list the tag?",
            ),
            Cause(
                key="cache-first-run",
                text="A cache-from image that does not exist yet (the first build).",
                check="Is the missing image a build cache reference?",
                hint=r"cache",
            ),
            Cause(
                key="lifecycle",
                text="A lifecycle policy expired the image.",
                check="Does the repository have a lifecycle policy that removes old tags?",
            ),
        ),
        examples=(
            "ERROR: failed to solve: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:cache: not "
            "found",
            "Error response from daemon: manifest for 123456789012.dkr.ecr.us-east-1.amazonaws."
            "com/web:1.0 not found: manifest unknown: Requested image not found",
        ),
    ),
    Case(
        id="image-index-unsupported",
        title="The pushed image is an index the consumer cannot use (provenance attestations)",
        cause=(
            "Recent buildx (docker/build-push-action v4+, Docker 25+) pushes an OCI image index "
            "with provenance attestations by default. AWS Lambda, and some older tools, need a "
            "single-platform image manifest and refuse the index."
        ),
        fix=(
            "Build with provenance: false and sbom: false (docker/build-push-action inputs, or "
            "docker buildx build --provenance=false --sbom=false), then push again."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(
            r"image manifest,? (?:config )?(?:or|and) layer media type for the source image",
            r"media type for the source image \S{1,400} is not supported",
        ),
        source="AWS Lambda, with images from docker/build-push-action v4+ / buildx 0.10+",
        link="https://github.com/docker/build-push-action/issues/755",
        examples=(
            'Resource handler returned message: "The image manifest, config or layer media type '
            "for the source image 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:latest is not "
            'supported. (Service: Lambda, Status Code: 400)"',
        ),
    ),
    Case(
        id="push-without-tag",
        title="The build was asked to push but given no tag",
        cause=(
            "buildx pushes only tagged images, and the tags input was empty: the variable or the "
            "step output it reads (docker/metadata-action, the login step's registry) was empty "
            "for this run."
        ),
        fix=(
            "Give the build step a full tag, REGISTRY/REPOSITORY:TAG, from the login step's "
            "registry output; check that the outputs it reads are set in this job."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(r"tag is needed when pushing to registry"),
        source="docker/build-push-action (buildx)",
        link="https://github.com/docker/build-push-action#inputs",
        examples=("ERROR: failed to build: tag is needed when pushing to registry",),
    ),
    Case(
        id="docker-daemon-unreachable",
        title="Docker's daemon is not reachable from this step",
        cause=(
            "The docker CLI found no daemon: the job runs in a container without the host's "
            "socket, on a self-hosted runner where docker is not running or the runner's user "
            "is not in the docker group, or on a runner image without docker (macOS)."
        ),
        fix=(
            "Run the build on ubuntu-latest (docker is there), start docker on the self-hosted "
            "runner and add its user to the docker group, or use buildx's docker-container "
            "driver."
        ),
        commands=("docker info", "sudo systemctl status docker"),
        match=_any(
            r"Cannot connect to the Docker daemon",
            r"permission denied while trying to connect to the Docker daemon socket",
        ),
        source=_DOCKER,
        link="https://docs.docker.com/engine/install/linux-postinstall/",
        causes=(
            Cause(
                key="daemon-down",
                text="No docker daemon runs where the step runs.",
                check="Does docker info fail on the runner itself?",
                hint=r"Is the docker daemon running",
            ),
            Cause(
                key="socket-permission",
                text="The runner's user may not open the docker socket.",
                check="Is the runner's user in the docker group?",
                hint=r"permission denied",
            ),
        ),
        examples=(
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker "
            "daemon running?",
        ),
    ),
    Case(
        id="dockerfile-missing",
        title="The build found no Dockerfile where the workflow points",
        cause=(
            "The build context or Dockerfile path does not exist in the checked-out repository: "
            "the workflow's file or context input names another path, or the checkout step is "
            "missing."
        ),
        fix=(
            "Point file: and context: (or docker build -f) at the Dockerfile's path in the "
            "repository, and check out the repository first (actions/checkout)."
        ),
        commands=("gh workflow view {workflow} --repo {github_repo} --yaml",),
        match=_any(
            r"failed to read dockerfile: open \S{0,300}: no such file or directory",
            r"unable to evaluate symlinks in Dockerfile path",
        ),
        source=_DOCKER,
        link="https://github.com/docker/build-push-action#inputs",
        examples=(
            "ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or "
            "directory",
        ),
    ),
    Case(
        id="registry-login-not-found",
        title="docker login reached no registry at that address (404)",
        cause=(
            "The login address is not a registry root: it holds the repository path "
            "(ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME) or a typo, or a proxy answered; a rare "
            "404 from ECR itself passes on a retry."
        ),
        fix=(
            "Log in to the registry host alone, ACCOUNT.dkr.ecr.REGION.amazonaws.com, and put "
            "the repository only in the image name."
        ),
        commands=(_ECR_LOGIN,),
        match=_any(
            r"Login: 404 page not found",
            r"login attempt to \S{1,300} failed with status: 404",
        ),
        source=_DOCKER,
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html",
        examples=(
            "Error response from daemon: Login: 404 page not found\n (Code: 404; Headers: "
            "map[Content-Length:[19] Content-Type:[text/plain; charset=utf-8]])",
        ),
    ),
    Case(
        id="ecr-cache-export",
        title="ECR refused buildx's registry cache (400 Bad Request)",
        cause=(
            "buildx's registry cache is written as a manifest ECR refuses unless it is exported "
            "as an image manifest with OCI media types; and an IMMUTABLE repository refuses the "
            "cache tag being written again."
        ),
        fix=(
            "Export the cache with cache-to: type=registry,ref=REGISTRY/REPOSITORY:cache,"
            "mode=max,image-manifest=true,oci-mediatypes=true, and keep the cache tag out of "
            "immutability (an exclusion filter, or another repository for the cache)."
        ),
        commands=(
            "aws ecr describe-repositories --repository-names {ecr_repository} "
            "--region {region} --query 'repositories[0].imageTagMutability'",
        ),
        match=(
            (r"error writing manifest blob", r"400 Bad Request"),
            (r"exporting cache to registry", r"400 Bad Request"),
        ),
        source="docker/build-push-action with buildx's registry cache on Amazon ECR",
        link="https://github.com/aws/containers-roadmap/issues/876",
        causes=(
            Cause(
                key="cache-manifest",
                text="The cache is exported without image-manifest=true,oci-mediatypes=true.",
                check="Does cache-to set image-manifest=true and oci-mediatypes=true?",
            ),
            Cause(
                key="immutable-cache-tag",
                text="The repository is IMMUTABLE, so the cache tag cannot be written twice.",
                check="Is the repository's tag mutability IMMUTABLE without a cache exclusion?",
                hint=r"immutable",
            ),
        ),
        examples=(
            "ERROR: failed to solve: error writing manifest blob: failed commit on ref "
            '"sha256:4687663fb448331fc11fb478d2ac366ad4c598483b2039aac67392a710e2db47": '
            "unexpected status: 400 Bad Request",
        ),
    ),
)
