"""Catalogue entries: ECR and docker (login, push, tags, the AWS CLI's ECR commands)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DESCRIBE_REPOSITORY,
    _DOCKER,
    _DOCTOR,
    _ECR_LOGIN,
    _ECR_LOGIN_URL,
    Case,
    Cause,
    _any,
    _words,
)

REGISTRY: tuple[Case, ...] = (
    # --- ECR and docker push -------------------------------------------------------------------
    Case(
        id="tag-immutable",
        source="Amazon ECR PutImage (ImageTagAlreadyExistsException), shown by " + _DOCKER,
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        causes=(
            Cause(
                key="moving-tag",
                text="A moving tag (latest, a branch name) is pushed to an IMMUTABLE repository.",
                check="Is the refused tag latest or a branch name rather than a version?",
                hint=r"'latest'|:latest\b",
            ),
            Cause(
                key="rebuilt-version",
                text=(
                    "The same version tag is built again (a re-run, a second build of the same "
                    "commit or day)."
                ),
                check="Is the refused tag a version tag that is already in the repository?",
            ),
        ),
        examples=(
            "tag invalid: The image tag 'latest' already exists in the 'onyxia-eostat' "
            "repository and cannot be overwritten because the repository is immutable.",
            "An error occurred (ImageTagAlreadyExistsException) when calling the PutImage "
            "operation: The image tag 'v1.2.0' already exists in the 'web' repository and cannot "
            "be overwritten because the tag is immutable.",
        ),
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
        source="Amazon ECR PutImage",
        link="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html",
        examples=(
            "An error occurred (ImageAlreadyExistsException) when calling the PutImage operation: "
            "Image with digest 'sha256:0f' and tag 'latest' already exists in the repository",
        ),
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
        source="Amazon ECR (RepositoryNotFoundException), shown by " + _DOCKER + " as name unknown",
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors-docker.html",
        causes=(
            Cause(
                key="full-uri",
                text=(
                    "The full registry URI was given where the repository name alone belongs "
                    "(ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME as --repository-name or "
                    "ECR_REPOSITORY)."
                ),
                check="Does the name in the message start with the registry host?",
                hint=r"name '[^']{0,200}amazonaws\.com",
            ),
            Cause(
                key="not-created",
                text="The repository was never created (step 1 not done) or was deleted.",
                check=(
                    "Does aws ecr describe-repositories --region {region} list {ecr_repository}?"
                ),
            ),
            Cause(
                key="region-other",
                text=(
                    "The push went to another region than the repository's: the registry host "
                    "names the region (ACCOUNT.dkr.ecr.REGION.amazonaws.com)."
                ),
                check="Is the region in the registry host the one the repository was created in?",
            ),
            Cause(
                key="account-other",
                text=(
                    "The push went to another account's registry (the registry id in the "
                    "message) than the one holding the repository."
                ),
                check="Is the registry id in the message the account that holds the repository?",
                hint=r"registry with id",
            ),
            Cause(
                key="name-differs",
                text=(
                    "The image name differs from the repository's: a typo, a missing namespace "
                    "prefix (team/app), or upper-case letters."
                ),
                check=(
                    "Compare the name in the message with describe-repositories, character by "
                    "character."
                ),
            ),
        ),
        examples=(
            "An error occurred (RepositoryNotFoundException) when calling the DescribeImages "
            "operation: The repository with name "
            "'123456789012.dkr.ecr.us-east-1.amazonaws.com/app' does not exist in the registry "
            "with id '123456789012'",
            "name unknown: The repository with name 'my-app' does not exist in the registry "
            "with id '123456789012'",
            "An error occurred (RepositoryNotFoundException) when calling the "
            "DescribeRepositories operation: The repository with name 'web' does not exist in "
            "the registry with id '123456789012'",
        ),
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
        source="Amazon ECR CreateRepository",
        link="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
        examples=(
            "An error occurred (RepositoryAlreadyExistsException) when calling the "
            "CreateRepository operation: The repository with name 'web' already exists in the "
            "registry with id '123456789012'",
        ),
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
        source="Amazon ECR registry, shown by " + _DOCKER,
        link=_ECR_LOGIN_URL + "#troubleshooting",
        causes=(
            Cause(
                key="persistent-runner",
                text=(
                    "A persistent (self-hosted) runner keeps ~/.docker/config.json from an "
                    "earlier job whose login is over 12 hours old."
                ),
                check="Does the job run on a self-hosted runner without a login step of its own?",
                hint=r"self-hosted",
            ),
            Cause(
                key="long-job",
                text="The job logged in and pushed more than 12 hours later.",
                check="Is the time between the login step and the push over 12 hours?",
            ),
        ),
        examples=("denied: Your authorization token has expired. Reauthenticate and try again.",),
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
        source="Amazon ECR registry, shown by " + _DOCKER,
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors-docker.html",
        causes=(
            Cause(
                key="no-login-step",
                text=(
                    "The job has no aws-actions/amazon-ecr-login step, or it runs in another job "
                    "(each job starts with a fresh runner)."
                ),
                check="Does the pushing job itself run amazon-ecr-login (or docker login) first?",
            ),
            Cause(
                key="other-registry",
                text=(
                    "Docker logged in to another registry host than the image names: another "
                    "account or region is another host."
                ),
                check=(
                    "Is the host in the message the one amazon-ecr-login's registry output names?"
                ),
            ),
            Cause(
                key="docker-hub",
                text=(
                    "The image is tagged without a registry host, so docker pushes it to Docker "
                    "Hub, which refuses it."
                ),
                check=(
                    "Does the pushed name start with ACCOUNT.dkr.ecr.REGION.amazonaws.com/? "
                    "'docker.io' in the log says it does not."
                ),
                hint=(
                    r"docker\.io|"
                    r"refers to repository \[[a-z0-9_-]{1,100}(?:/[a-z0-9._-]{1,100})?\]|"
                    r"(?m:^\s{0,20}denied: requested access to the resource is denied\s{0,5}$)"
                ),
            ),
            Cause(
                key="image-name",
                text=(
                    "For a pull: the image name or tag does not exist in that registry (docker "
                    "cannot tell a missing repository from a missing login)."
                ),
                check="Does aws ecr describe-images list that repository and tag in that region?",
                hint=r"repository does not exist or may require",
            ),
            Cause(
                key="other-docker-config",
                text=(
                    "The push reads another docker configuration than the login wrote: sudo "
                    "docker (root's config), a container step, or a build step with its own "
                    "DOCKER_CONFIG."
                ),
                check="Is the push run with sudo, inside a container, or with DOCKER_CONFIG set?",
                hint=r"\bsudo\b|DOCKER_CONFIG",
            ),
            Cause(
                key="login-expired",
                text="The login is older than 12 hours (persistent runners, long jobs).",
                check="Was the login made in an earlier job on a self-hosted runner?",
            ),
        ),
        examples=(
            'Error response from daemon: Get "https://123456789012.dkr.ecr.us-east-1.amazonaws.'
            'com/v2/": no basic auth credentials',
            'Error response from daemon: Get "https://ACCOUNT.dkr.ecr.REGION.amazonaws.com/v2/": '
            "no basic auth credentials",
            "The push refers to repository [123456789012.dkr.ecr.eu-west-1.amazonaws.com/web]\n"
            "no basic auth credentials",
            "denied: requested access to the resource is denied",
        ),
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
            r"repository does not exist or may require 'docker login'",
            r"may require authorization",
            r"insufficient_scope",
        ),
    ),
)
