"""Catalogue entries: the GitHub API (dispatch, tokens, permissions, rate limits)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DISPATCH_URL,
    _GITHUB_API,
    _NOT_FOUND,
    _REAPPLY_GITHUB,
    Case,
    Cause,
    _any,
)

GITHUB: tuple[Case, ...] = (
    # --- GitHub --------------------------------------------------------------------------------
    Case(
        id="dispatch-no-trigger",
        source=_GITHUB_API + " (workflow dispatch)",
        link=("https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event"),
        examples=(
            "HTTP 422: Workflow does not have 'workflow_dispatch' trigger "
            "(https://api.github.com/repos/o/r/actions/workflows/build.yml/dispatches)",
        ),
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
        source=_GITHUB_API + " (workflow dispatch)",
        link=("https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event"),
        examples=("could not create workflow dispatch event: HTTP 422: No ref found for: dev",),
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
        source=_GITHUB_API + " (workflow dispatch), gh workflow run",
        link=("https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event"),
        examples=(
            "could not find any workflows named build.yml",
            "HTTP 404: Not Found (https://api.github.com/repos/o/r/actions/workflows/build.yml/"
            "dispatches)",
        ),
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
        source=_GITHUB_API,
        link="https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api",
        causes=(
            Cause(
                key="workflow-token",
                text=(
                    "A workflow's GITHUB_TOKEN lacks the permission: its permissions: block (or "
                    "the read-only default) does not grant it, and it can never write secrets "
                    "or other workflows."
                ),
                check="Is the call made with GITHUB_TOKEN? Which permissions does the job grant?",
                hint=r"GITHUB_TOKEN|by integration",
            ),
            Cause(
                key="fork-read-only",
                text="The run is for a pull request from a fork: its token is read-only.",
                check="Is the pull request's head repository a fork?",
                hint=r"\bforks?\b|pull_request",
            ),
            Cause(
                key="fine-grained-token",
                text=(
                    "A fine-grained token lacks the repository permission, or does not include "
                    "this repository."
                ),
                check=(
                    "Does the response's X-Accepted-GitHub-Permissions header name a permission "
                    "the token lacks?"
                ),
                hint=r"personal access token|X-Accepted-GitHub-Permissions",
            ),
            Cause(
                key="admin-required",
                text="The call needs admin rights on the repository, which the token's user lacks.",
                check="Does the message say 'Must have admin rights'?",
                hint=r"admin rights",
            ),
        ),
        examples=(
            "HttpError: Resource not accessible by integration",
            'gh: Resource not accessible by personal access token (HTTP 403)\n{"message":'
            '"Resource not accessible by personal access token","documentation_url":'
            '"https://docs.github.com/rest/actions/secrets#create-or-update-a-repository-secret"}',
            "HTTP 403: Must have admin rights to Repository.",
        ),
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
            r"Permission to \S{1,200} denied to",
            r"Write access to repository not granted",
            r"The requested URL returned error: 403",
        ),
    ),
    Case(
        id="github-bad-credentials",
        source=_GITHUB_API,
        link="https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api",
        examples=("HTTP 401: Bad credentials (https://api.github.com/repos/octo/app)",),
        title="GitHub did not accept the token",
        cause="The GitHub token is missing, expired or revoked.",
        fix="Sign in to GitHub again (or create a new token), then re-run.",
        commands=("gh auth status", "gh auth login"),
        match=_any(
            r"\bBad credentials\b",
            r"\bHTTP 401\b",
            r"\bRequires authentication\b",
            r"set the GH_TOKEN environment variable",
            r"please run:\s{0,5}gh auth login",
        ),
    ),
    Case(
        id="github-rate-limited",
        source=_GITHUB_API,
        link=("https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api"),
        causes=(
            Cause(
                key="secondary",
                text=(
                    "The secondary rate limit: too many requests at once or too many writes in a "
                    "minute, whatever the hourly budget."
                ),
                check="Does the message say 'secondary rate limit'? Wait for retry-after.",
                hint=r"secondary rate limit",
            ),
            Cause(
                key="primary",
                text=(
                    "The hourly budget of the token is spent (5,000 for a user, 1,000 for "
                    "GITHUB_TOKEN)."
                ),
                check="Does gh api rate_limit show remaining 0?",
                hint=r"API rate limit exceeded",
            ),
        ),
        examples=(
            "HTTP 403: You have exceeded a secondary rate limit. Please wait a few minutes before "
            "you try again.",
            "API rate limit exceeded for installation ID 12345.",
        ),
        title="GitHub's API rate limit was reached",
        cause=(
            "Too many GitHub API calls with this token in the last hour, or too many at once "
            "(secondary rate limit)."
        ),
        fix="Wait until the limit resets (the rate_limit call shows when), then re-run.",
        commands=("gh api rate_limit",),
        match=_any(
            r"API rate limit exceeded",
            r"secondary rate limit",
            r"abuse detection mechanism",
        ),
    ),
    Case(
        id="github-missing-scope",
        title="The GitHub token lacks a scope the call needs",
        cause=(
            "A classic token or an OAuth app token carries scopes; this call needs one the token "
            "was not given (workflow to change workflow files, repo for private repositories, "
            "admin:org for organisation settings). GitHub names the scopes it accepts in the "
            "X-Accepted-OAuth-Scopes header, those the token has in X-OAuth-Scopes."
        ),
        fix="Refresh the token with the scope (gh auth refresh --scopes ...), then re-run.",
        commands=("gh auth status", "gh auth refresh --scopes repo,workflow"),
        match=_any(
            r"X-Accepted-OAuth-Scopes",
            r"without `?workflows?`? (?:scope|permission)",
            r"has not been granted the required scopes",
            r"needs the \"[a-z:_]{2,40}\" scope",
            r"requires? (?:the )?['\"`][a-z:_]{2,40}['\"`] scopes?",
        ),
        source=_GITHUB_API + ", git push over HTTPS",
        link=(
            "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps"
        ),
        causes=(
            Cause(
                key="workflow-scope",
                text="The token lacks the workflow scope needed to add or change workflow files.",
                check="Is the refused change under .github/workflows/?",
                hint=r"workflow",
            ),
            Cause(
                key="other-scope",
                text="The token lacks another scope (repo, admin:org, read:org).",
                check="Compare X-Accepted-OAuth-Scopes with X-OAuth-Scopes in the response.",
            ),
        ),
        examples=(
            "! [remote rejected] main -> main (refusing to allow a Personal Access Token to "
            "create or update workflow `.github/workflows/build.yml` without `workflow` scope)",
            "x-accepted-oauth-scopes: admin:org, repo\nx-oauth-scopes: read:org\nHTTP 403: "
            "Forbidden",
        ),
    ),
    Case(
        id="github-sso-required",
        title="The token is not authorised for the organisation's SAML single sign-on",
        cause=(
            "The organisation enforces SAML single sign-on, and this token was never authorised "
            "for it, so GitHub refuses it for the organisation's repositories."
        ),
        fix=(
            "Authorise the token for the organisation (Configure SSO next to the token), then "
            "re-run."
        ),
        commands=("gh auth status", "gh auth refresh"),
        match=_any(r"organization SAML enforcement", r"SAML single sign-on"),
        source=_GITHUB_API,
        link=(
            "https://docs.github.com/en/enterprise-cloud@latest/authentication/"
            "authenticating-with-saml-single-sign-on"
        ),
        examples=(
            "HTTP 403: Resource protected by organization SAML enforcement. You must grant your "
            "Personal Access token access to this organization.",
        ),
    ),
    Case(
        id="github-not-found",
        title="GitHub answered Not Found (often: the token cannot see it)",
        cause=(
            "GitHub answers 404 rather than 403 when the token may not see a private resource, "
            "so Not Found means: the name is wrong (owner, repository, secret, workflow), or the "
            "token lacks access (a fine-grained token without this repository, a GitHub App not "
            "installed on it, a token not authorised for the organisation's SSO)."
        ),
        fix=(
            "Check the owner/repository spelling, then that the token can read it: gh api "
            "repos/OWNER/REPO with the same token."
        ),
        commands=("gh auth status", "gh api repos/{github_repo} --jq .full_name"),
        match=(
            (
                r"\bHTTP 404\b|\b404 Not Found\b|Not Found \(HTTP 404\)|"
                r"\"message\":\s{0,3}\"Not Found\"",
                r"github|/repos/|gh api|\bgh: |docs\.github\.com",
            ),
            (r"\bHttpError: Not Found\b",),
            (r"Could not resolve to a Repository with the name",),
        ),
        unless=("dispatch-not-found", "dispatch-ref-not-found"),
        source=_GITHUB_API,
        link=(
            "https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api"
            "#404-not-found-for-an-existing-resource"
        ),
        causes=(
            Cause(
                key="no-access",
                text="The token cannot see the private repository (or organisation).",
                check="Does gh api repos/OWNER/REPO answer 404 with this token but not with yours?",
            ),
            Cause(
                key="wrong-name",
                text="The owner, repository or resource name is wrong.",
                check="Does the repository's URL in a browser show it under that exact name?",
            ),
        ),
        examples=(
            "HTTP 404: Not Found (https://api.github.com/repos/octo-org/private-app/actions/"
            "secrets/public-key)",
            'gh: Not Found (HTTP 404)\n{"message":"Not Found","documentation_url":'
            '"https://docs.github.com/rest/repos/repos#get-a-repository"}',
        ),
    ),
    Case(
        id="github-oauth-restricted",
        title="The organisation restricts OAuth apps, and this one is not approved",
        cause=(
            "The organisation has OAuth App access restrictions on, and the app behind the token "
            "(gh, or another OAuth app) is not approved for it, so GitHub refuses its requests "
            "for the organisation's resources."
        ),
        fix=(
            "Ask an organisation owner to approve the app (Settings > Third-party access), or use "
            "a fine-grained token the organisation allows."
        ),
        commands=("gh auth status",),
        match=_any(r"enabled OAuth App access restrictions"),
        source=_GITHUB_API,
        link=(
            "https://docs.github.com/en/organizations/managing-oauth-access-to-your-"
            "organizations-data/about-oauth-app-access-restrictions"
        ),
        examples=(
            "HTTP 403: Although you appear to have the correct authorization credentials, the "
            "`octo-org` organization has enabled OAuth App access restrictions, meaning that data "
            "access to third-parties is limited.",
        ),
    ),
)
