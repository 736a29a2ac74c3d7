"""Catalogue entries read only when nothing more specific matched: a tool's own wrapper message
whose real reason was printed elsewhere (or not at all). They come last, and step aside for any
specific entry (`unless`)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DOCTOR,
    _ECR_LOGIN,
    _ECR_LOGIN_URL,
    _GITHUB_API,
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
    Case(
        id="github-forbidden",
        title="GitHub refused the call (403) without saying why",
        cause=(
            "GitHub answered 403 Forbidden: the token lacks the permission or scope the call "
            "needs (a workflow's GITHUB_TOKEN is read-only unless its permissions block says "
            "otherwise), or an organisation policy blocks it."
        ),
        fix=(
            "Compare the token's permissions with the call's: gh auth status for a classic "
            "token, the job's permissions: block for GITHUB_TOKEN; the response's "
            "X-Accepted-GitHub-Permissions header names what was needed."
        ),
        commands=("gh auth status",),
        match=(
            (
                r"\bHTTP 403\b|\b403 Forbidden\b|\"status\":\s{0,3}\"?403",
                r"api\.github\.com|/repos/|\bgh[: ]|docs\.github\.com|github\.com",
            ),
        ),
        unless=(
            "github-token-permission",
            "github-missing-scope",
            "github-sso-required",
            "github-oauth-restricted",
            "github-rate-limited",
            "github-bad-credentials",
            "registry-unauthorized",
            "dispatch-no-trigger",
        ),
        source=_GITHUB_API,
        link="https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api",
        examples=(
            "HTTP 403: Forbidden (https://api.github.com/repos/octo-org/app/actions/variables)",
        ),
    ),
)
