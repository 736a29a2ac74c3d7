"""Catalogue entries: the GitHub API (dispatch, tokens, permissions, rate limits)."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DISPATCH_URL,
    _NOT_FOUND,
    _REAPPLY_GITHUB,
    Case,
    _any,
)

GITHUB: tuple[Case, ...] = (
    # --- GitHub --------------------------------------------------------------------------------
    Case(
        id="dispatch-no-trigger",
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
        ),
    ),
    Case(
        id="github-bad-credentials",
        title="GitHub did not accept the token",
        cause="The GitHub token is missing, expired or revoked.",
        fix="Sign in to GitHub again (or create a new token), then re-run.",
        commands=("gh auth status", "gh auth login"),
        match=_any(r"\bBad credentials\b", r"\bHTTP 401\b", r"\bRequires authentication\b"),
    ),
    Case(
        id="github-rate-limited",
        title="GitHub's API rate limit was reached",
        cause=(
            "Too many GitHub API calls with this token in the last hour, or too many at once "
            "(secondary rate limit)."
        ),
        fix="Wait until the limit resets (the rate_limit call shows when), then re-run.",
        commands=("gh api rate_limit",),
        match=_any(r"API rate limit exceeded", r"secondary rate limit"),
    ),
)
