"""Catalogue entries: ECR and docker (login, push, tags, the AWS CLI's ECR commands)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DESCRIBE_REPOSITORY,
    _DOCTOR,
    _ECR_LOGIN,
    Case,
    _any,
    _words,
)

REGISTRY: tuple[Case, ...] = (
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
)
