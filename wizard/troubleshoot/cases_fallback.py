"""Catalogue entries read only when nothing more specific matched: a tool's own wrapper message
whose real reason was printed elsewhere (or not at all). They come last, and step aside for any
specific entry (`unless`)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DOCTOR,
    _ECR_LOGIN,
    _ECR_LOGIN_URL,
    Case,
    Cause,
)

FALLBACK: tuple[Case, ...] = (
    Case(
        id="ecr-login-failed",
        title="amazon-ecr-login got a token but docker login failed",
        cause=(
            "The action's call to AWS worked; the docker login it runs then failed, and docker's "
            "only output was its warning about --password. On self-hosted runners docker is "
            "often not usable by the runner's user (the socket needs sudo or the docker group), "
            "not running, or its credential store is broken."
        ),
        fix=(
            "Run docker info as the runner's user; add the user to the docker group (or start "
            "docker), then re-run. On Windows runners, see the credential-store entry."
        ),
        commands=("docker info", _ECR_LOGIN, _DOCTOR),
        match=((r"Could not login(?: to registry \S{1,300})?: WARNING! Using --password",),),
        unless=(
            "credential-store-failed",
            "docker-daemon-unreachable",
            "registry-unauthorized",
            "registry-login-not-found",
            "ecr-token-expired",
            "no-basic-auth",
            "docker-login-bad-request",
            "endpoint-unreachable",
        ),
        source="aws-actions/amazon-ecr-login v1-v2",
        link=_ECR_LOGIN_URL + "/issues/205",
        causes=(
            Cause(
                key="docker-socket",
                text=(
                    "The runner's user may not use docker (socket permission, docker not running)."
                ),
                check="Does docker info work as the runner's user on that runner?",
                hint=r"self-hosted|permission denied",
            ),
            Cause(
                key="credential-store",
                text="docker's credential store failed (Windows wincred, a missing helper).",
                check="Does ~/.docker/config.json name a credsStore?",
                hint=r"windows|credsStore",
            ),
        ),
        examples=(
            "Error: Could not login to registry 123456789012.dkr.ecr.us-east-1.amazonaws.com: "
            "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
        ),
    ),
)
