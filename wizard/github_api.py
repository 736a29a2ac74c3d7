"""The one GitHub seam: every request to the GitHub REST API goes through `GitHub`.

Standard library only (urllib). The base URL is configurable for GitHub Enterprise Server
(`https://HOST/api/v3`). Rate limits are honoured with a bounded number of retries and a capped
wait; refusals become `GitHubError`s whose text names the permission the token lacks. The token
is only ever put in the Authorization header, and never on a redirect (job logs redirect to
blob storage, which must not see it).
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from wizard import __version__

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
ACCEPT = "application/vnd.github+json"

# What a fine-grained token calls each repository permission, and the classic scope that
# grants it.
PERMISSION_LABELS = {
    "metadata": ("Metadata", "repo"),
    "secrets": ("Secrets", "repo"),
    "variables": ("Variables", "repo"),
    "actions": ("Actions", "repo"),
    "contents": ("Contents", "repo"),
    "workflows": ("Workflows", "workflow"),
    "pull_requests": ("Pull requests", "repo"),
}


def api_url_from(value: str = "", env: Mapping[str, str] | None = None) -> str:
    """The API base: the flag, else GITHUB_API_URL, else api.github.com; no trailing slash."""
    env = os.environ if env is None else env
    url = value or env.get("GITHUB_API_URL", "") or DEFAULT_API_URL
    return url.rstrip("/")


# Methods that do the same thing when sent twice. A 5xx on a POST (a dispatch, a new variable)
# may come after GitHub did the work, so sending it again could start a second run or get 409.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})


def is_loopback(host: str | None) -> bool:
    """localhost, 127.0.0.0/8 or ::1: plain http there never leaves the machine."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_url_problem(url: str) -> str:
    """Why the token must not go to `url` ("" when it may): https://, or http:// on loopback
    only (the tests' fake GitHub and local proxies); anything else would send the token in
    the clear or nowhere sensible."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return ""
    if parts.scheme == "http":
        return (
            "http:// would send the token unencrypted; use https:// (http:// is accepted for "
            "localhost, 127.0.0.0/8 and ::1 only)"
        )
    return "must be an https:// URL with a host, e.g. https://github.example.com/api/v3"


def web_url_from(api_url: str) -> str:
    """https://github.com for api.github.com; https://HOST for GHES's https://HOST/api/v3."""
    parts = urllib.parse.urlsplit(api_url)
    host = parts.netloc
    if host == "api.github.com":
        return "https://github.com"
    return f"{parts.scheme}://{host}"


def permission_for(method: str, path: str) -> tuple[str, str]:
    """(permission, "read"|"write") a fine-grained token needs for this request."""
    level = "read" if method in ("GET", "HEAD") else "write"
    if "/actions/secrets" in path:
        return "secrets", level
    if "/actions/variables" in path:
        return "variables", level
    if "/contents/.github/workflows" in path and level == "write":
        return "workflows", level
    if "/pulls/" in path and path.endswith("/merge"):
        return "contents", level
    if "/pulls" in path:
        return "pull_requests", level
    if "/contents/" in path or "/git/" in path or "/releases" in path:
        return "contents", level
    if "/actions/" in path:
        return "actions", level
    return "metadata", "read"


def permission_advice(permission: str, level: str) -> str:
    label, scope = PERMISSION_LABELS.get(permission, (permission, "repo"))
    wanted = "Read and write" if level == "write" else "Read-only (or Read and write)"
    return (
        f"Give the token the '{label}' repository permission ({wanted}) for this repository "
        f"(fine-grained token), or the `{scope}` scope (classic token)."
    )


def cancel_answer(run_id: int, *, finished: bool) -> str:
    """What a face says after asking GitHub to cancel a run."""
    if finished:
        return f"Run {run_id} had already finished on GitHub; there was nothing to cancel."
    return f"GitHub is cancelling run {run_id}; it stops within a few seconds."


class GitHubError(Exception):
    """A request GitHub refused or could not answer; `str()` says why and what to do."""

    def __init__(
        self,
        status: int,
        method: str,
        path: str,
        message: str,
        *,
        text: str = "",
        permission: str = "",
        level: str = "",
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        # GitHub's own message, kept verbatim so the troubleshooting catalogue can match it.
        self.message = message
        self.permission = permission
        self.level = level
        self.text = text or f"GitHub answered {status} to {method} {path}: {message}"
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class AccessProblem:
    permission: str
    level: str
    text: str


Opener = Callable[[urllib.request.Request, float], Any]


def _urlopen(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


class GitHub:
    """A GitHub REST client for one token and one API base URL."""

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_API_URL,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_retries: int = 3,
        max_wait: float = 60.0,
        timeout: float = 30.0,
        opener: Opener = _urlopen,
    ) -> None:
        self._token = token
        self.api_url = api_url.rstrip("/")
        self._sleep = sleep
        self._clock = clock
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.timeout = timeout
        self._opener = opener
        self._public_keys: dict[tuple[str, str], tuple[str, str]] = {}
        # A classic token's scopes as GitHub reported them; None for fine-grained tokens.
        self.oauth_scopes: list[str] | None = None

    def __repr__(self) -> str:
        return f"GitHub(api_url={self.api_url!r})"

    @property
    def web_url(self) -> str:
        return web_url_from(self.api_url)

    # --- transport --------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        query: Mapping[str, str | int] | None = None,
    ) -> Response:
        """Send one request, retrying (bounded) on rate limits and brief server errors."""
        url = self.api_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode("utf-8")
        attempt = 0
        while True:
            response = self._send(method, url, data)
            if 200 <= response.status < 300:
                scopes = response.headers.get("x-oauth-scopes")
                if scopes is not None:
                    self.oauth_scopes = [s.strip() for s in scopes.split(",") if s.strip()]
                return response
            wait = self._retry_wait(method, response)
            if wait is None or attempt >= self.max_retries:
                raise self._error(method, path, response, retried=attempt)
            if wait > self.max_wait:
                raise self._rate_limit_error(method, path, response, wait)
            attempt += 1
            self._sleep(wait)

    def _send(self, method: str, url: str, data: bytes | None) -> Response:
        problem = api_url_problem(url)
        if problem:
            # Checked here too, so no caller can send the token in the clear by mistake.
            raise GitHubError(
                0,
                method,
                urllib.parse.urlsplit(url).path,
                problem,
                text=f"The GitHub API URL {self.api_url!r} was refused: {problem}. Nothing "
                "was sent.",
            )
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", ACCEPT)
        request.add_header("X-GitHub-Api-Version", API_VERSION)
        request.add_header("User-Agent", f"ecr-oidc-wizard/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        # Unredirected: urllib would otherwise forward it to wherever a 302 points.
        request.add_unredirected_header("Authorization", f"Bearer {self._token}")
        try:
            with self._opener(request, self.timeout) as answer:
                return Response(
                    int(answer.status), _lower(answer.headers.items()), bytes(answer.read())
                )
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp is not None else b""
            return Response(int(exc.code), _lower(exc.headers.items()), bytes(body))
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(
                0,
                method,
                urllib.parse.urlsplit(url).path,
                str(reason),
                text=(
                    f"Cannot reach the GitHub API at {self.api_url} ({reason}). Check the network; "
                    "for GitHub Enterprise Server pass --github-api-url https://HOST/api/v3 "
                    "(or set GITHUB_API_URL)."
                ),
            ) from None

    def _retry_wait(self, method: str, response: Response) -> float | None:
        headers = response.headers
        if response.status in (500, 502, 503, 504):
            # Only what is safe to repeat; a rate-limit answer below means "not done", so even
            # a POST may be sent again after it.
            return 2.0 if method.upper() in IDEMPOTENT else None
        if response.status not in (403, 429):
            return None
        retry_after = headers.get("retry-after", "")
        if retry_after:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                parsed = email.utils.parsedate_to_datetime(retry_after)
                return max(0.0, parsed.timestamp() - self._clock())
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
            return max(0.0, float(headers["x-ratelimit-reset"]) - self._clock()) + 1.0
        if response.status == 429 or "rate limit" in _message(response).lower():
            # GitHub's advice for a secondary limit without headers: wait at least a minute.
            return 60.0
        return None

    def _rate_limit_error(
        self, method: str, path: str, response: Response, wait: float
    ) -> GitHubError:
        minutes = max(1, round(wait / 60))
        return GitHubError(
            response.status,
            method,
            path,
            _message(response),
            text=(
                f"GitHub's rate limit for this token is used up; it resets in about {minutes} "
                "minute(s). Run the same command again then (everything already done is kept)."
            ),
        )

    def _error(self, method: str, path: str, response: Response, *, retried: int) -> GitHubError:
        status = response.status
        message = _message(response)
        permission, level = permission_for(method, path)
        where = f"{method} {path}"
        if status == 401:
            text = (
                f"GitHub refused the token (401 {message or 'Bad credentials'}): it is wrong, "
                "expired or revoked, or it belongs to another GitHub host. Make a new token and "
                "set GH_TOKEN (or run `gh auth login`)."
            )
        elif status in (403, 429) and retried:
            text = (
                f"GitHub kept refusing {where} because of its rate limit ({message}), "
                f"after {retried} retries. Wait a few minutes and run the same command again."
            )
        elif status == 403:
            sso = response.headers.get("x-github-sso", "")
            if sso:
                text = (
                    f"GitHub refused {where}: the organisation uses SAML single sign-on and the "
                    "token is not authorised for it. Authorise the token for the organisation "
                    "(token settings -> Configure SSO), then run again."
                )
            else:
                text = (
                    f"GitHub refused {where} (403 {message}): the token lacks {level} access "
                    f"to '{permission}'. {permission_advice(permission, level)}"
                )
        elif status == 404 and permission == "workflows":
            # GitHub answers a workflow-file write from a token without the right with 404,
            # not 403 (octokit/octokit.rb#1184, repo-sync/repo-sync#16).
            text = (
                f"GitHub answered 404 to {where}: a token without the right to change workflow "
                f"files gets 404 here. {permission_advice('workflows', 'write')} It also needs "
                "'Contents' write."
            )
        elif status == 404:
            text = (
                f"GitHub answered 404 to {where}: it does not exist, or the token cannot see it "
                "(GitHub answers 404 rather than 403 for private repositories). Check the "
                f"OWNER/REPO spelling and that the token can access the repository with "
                f"'{permission}' {level}. {permission_advice(permission, level)}"
            )
        elif status == 422:
            text = f"GitHub rejected {where} as invalid (422): {message}"
        elif status >= 500 and method.upper() not in IDEMPOTENT:
            text = (
                f"GitHub answered {status} to {where}: {message or 'no message'}. It was not "
                "sent again: GitHub may have done it anyway (a second dispatch would start a "
                "second run). Look at the repository (Actions tab, Settings) before running "
                "the same command again."
            )
        else:
            text = f"GitHub answered {status} to {where}: {message or 'no message'}"
        return GitHubError(
            status, method, path, message, text=text, permission=permission, level=level
        )

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    # --- repository facts --------------------------------------------------------------------

    def repository(self, owner: str, repo: str) -> dict[str, Any]:
        answer: dict[str, Any] = self._json("GET", f"/repos/{_segment(owner)}/{_segment(repo)}")
        return answer

    def oidc_sub_customization(self, owner: str, repo: str) -> dict[str, Any]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/oidc/customization/sub"
        answer: dict[str, Any] = self._json("GET", path)
        return answer

    def file_text(self, owner: str, repo: str, path: str, ref: str = "") -> str | None:
        """A file's text on a ref, or None when it is not there."""
        entry = self.file_entry(owner, repo, path, ref)
        return entry[0] if entry is not None else None

    def file_entry(self, owner: str, repo: str, path: str, ref: str = "") -> tuple[str, str] | None:
        """(text, blob sha) of a file on a ref, or None when it is not there: updating a
        file through the contents API needs the sha of the version it replaces."""
        import base64

        url = f"/repos/{_segment(owner)}/{_segment(repo)}/contents/{urllib.parse.quote(path)}"
        try:
            answer = self._json("GET", url, query={"ref": ref} if ref else None)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(answer, dict) or "content" not in answer:
            return None
        text = base64.b64decode(answer["content"]).decode("utf-8", errors="replace")
        return text, str(answer.get("sha") or "")

    # --- branches, commits and pull requests ---------------------------------------------------

    def branch_head(self, owner: str, repo: str, branch: str) -> str | None:
        """The commit a branch points at, or None when there is no such branch."""
        path = (
            f"/repos/{_segment(owner)}/{_segment(repo)}/git/ref/heads/{urllib.parse.quote(branch)}"
        )
        try:
            answer = self._json("GET", path)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        return str((answer or {}).get("object", {}).get("sha") or "") or None

    def create_branch(self, owner: str, repo: str, branch: str, sha: str) -> dict[str, Any]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/git/refs"
        answer: dict[str, Any] = self._json(
            "POST", path, body={"ref": f"refs/heads/{branch}", "sha": sha}
        )
        return answer

    def put_file(
        self,
        owner: str,
        repo: str,
        path: str,
        text: str,
        *,
        message: str,
        branch: str,
        sha: str = "",
    ) -> dict[str, Any]:
        """Commit one file to a branch (`sha`: the blob it replaces, "" for a new file).
        A file under .github/workflows needs the Workflows permission besides Contents."""
        import base64

        url = f"/repos/{_segment(owner)}/{_segment(repo)}/contents/{urllib.parse.quote(path)}"
        body: dict[str, Any] = {
            "message": message,
            "content": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            "branch": branch,
        }
        if sha:
            body["sha"] = sha
        answer: dict[str, Any] = self._json("PUT", url, body=body) or {}
        return answer

    def open_pull_request(
        self, owner: str, repo: str, *, head: str, base: str, title: str, body: str
    ) -> dict[str, Any]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/pulls"
        answer: dict[str, Any] = self._json(
            "POST", path, body={"title": title, "head": head, "base": base, "body": body}
        )
        return answer

    def find_pull_request(
        self, owner: str, repo: str, *, head: str, base: str
    ) -> dict[str, Any] | None:
        """The open pull request from branch `head` (of this repository) into `base`."""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/pulls"
        query: dict[str, str | int] = {"head": f"{owner}:{head}", "base": base, "state": "open"}
        answer = self._json("GET", path, query=query) or []
        return dict(answer[0]) if answer else None

    def merge_pull_request(self, owner: str, repo: str, number: int) -> dict[str, Any]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/pulls/{int(number)}/merge"
        answer: dict[str, Any] = self._json("PUT", path, body={"merge_method": "squash"}) or {}
        return answer

    def merge_pull_request_from(
        self, owner: str, repo: str, *, head: str, base: str
    ) -> dict[str, Any]:
        """Merge the open pull request from `head` into `base` (one opened earlier in the run,
        whose number the plan could not know yet)."""
        return merge_open_pull_request(self, owner, repo, head=head, base=base)

    # --- releases and tags (for pinning actions) ----------------------------------------------

    def latest_release_tag(self, owner: str, repo: str) -> str | None:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/releases/latest"
        try:
            answer = self._json("GET", path) or {}
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        return str(answer.get("tag_name") or "") or None

    def tag_commit(self, owner: str, repo: str, tag: str) -> str:
        """The commit a tag names; an annotated tag is followed to its commit."""
        base = f"/repos/{_segment(owner)}/{_segment(repo)}/git"
        answer = self._json("GET", f"{base}/ref/tags/{urllib.parse.quote(tag)}") or {}
        target = answer.get("object") or {}
        for _ in range(5):  # a tag of a tag is allowed; a loop is not
            if target.get("type") != "tag":
                break
            answer = self._json("GET", f"{base}/tags/{_segment(str(target.get('sha')))}") or {}
            target = answer.get("object") or {}
        return str(target.get("sha") or "")

    def check_access(self, owner: str, repo: str, needs: Iterable[str]) -> list[AccessProblem]:
        """Probe, with reads only, whether the token can do what a step needs."""
        base = f"/repos/{_segment(owner)}/{_segment(repo)}"
        problems: list[AccessProblem] = []
        probes = {
            "secrets": f"{base}/actions/secrets/public-key",
            "variables": f"{base}/actions/variables",
            "actions": f"{base}/actions/runs",
        }
        try:
            facts = self.repository(owner, repo)
        except GitHubError as exc:
            return [AccessProblem("metadata", "read", str(exc))]
        wanted = list(needs)
        rights = facts.get("permissions") or {}
        writes = {"secrets", "variables", "actions", "contents", "workflows"} & set(wanted)
        if rights and writes and not (rights.get("admin") or rights.get("push")):
            problems.append(
                AccessProblem(
                    "metadata",
                    "write",
                    f"Your GitHub account cannot write to {facts.get('full_name', base)}: "
                    "setting secrets and variables and running workflows needs write (secrets: "
                    "admin) access. Ask a repository admin.",
                )
            )
        for need in wanted:
            if need not in probes:
                continue
            try:
                self.request("GET", probes[need], query={"per_page": 1})
            except GitHubError as exc:
                problems.append(AccessProblem(need, "read", str(exc)))
        if self.oauth_scopes is not None:
            scopes = set(self.oauth_scopes)
            if not scopes & {"repo", "public_repo"}:
                problems.append(
                    AccessProblem(
                        "metadata",
                        "write",
                        "The classic token has no `repo` scope (it has: "
                        f"{', '.join(sorted(scopes)) or 'none'}); add `repo`.",
                    )
                )
            if "workflows" in wanted and "workflow" not in scopes:
                problems.append(
                    AccessProblem(
                        "workflows",
                        "write",
                        "The classic token lacks the `workflow` scope needed to push a workflow "
                        "file; add it or commit the file with your usual git credentials.",
                    )
                )
        return problems

    # --- secrets and variables ----------------------------------------------------------------

    def secret_public_key(self, owner: str, repo: str) -> tuple[str, str]:
        """(key_id, base64 key) of the repository's Actions secrets key, fetched once."""
        cache_key = (owner, repo)
        if cache_key not in self._public_keys:
            path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/secrets/public-key"
            answer = self._json("GET", path)
            self._public_keys[cache_key] = (str(answer["key_id"]), str(answer["key"]))
        return self._public_keys[cache_key]

    def list_secrets(self, owner: str, repo: str) -> list[str]:
        """Names of the repository's Actions secrets (values can never be read back)."""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/secrets"
        return [item["name"] for item in self._pages(path, "secrets", 100)]

    def secrets_updated_at(self, owner: str, repo: str) -> dict[str, str]:
        """Each Actions secret's name -> when GitHub says it was last set ("" if not said).

        The same listing as `list_secrets`: the date is all that tells whether a secret was
        changed since the wizard set it, as its value can never be read back."""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/secrets"
        return {
            item["name"]: str(item.get("updated_at") or "")
            for item in self._pages(path, "secrets", 100)
        }

    def secret(self, owner: str, repo: str, name: str) -> dict[str, Any]:
        """One secret's metadata (name, created_at, updated_at); never its value."""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/secrets/{_segment(name)}"
        answer: dict[str, Any] = self._json("GET", path)
        return answer

    def list_variables(self, owner: str, repo: str) -> dict[str, str]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/variables"
        return {item["name"]: item["value"] for item in self._pages(path, "variables", 30)}

    def put_secret(self, owner: str, repo: str, name: str, value: str) -> int:
        """Encrypt `value` with the repository's key and store it; 201 created, 204 updated."""
        from wizard.sealed import seal

        key_id, key = self.secret_public_key(owner, repo)
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/secrets/{_segment(name)}"
        body = {"encrypted_value": seal(key, value), "key_id": key_id}
        return self.request("PUT", path, body).status

    def create_variable(self, owner: str, repo: str, name: str, value: str) -> int:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/variables"
        return self.request("POST", path, {"name": name, "value": value}).status

    def update_variable(self, owner: str, repo: str, name: str, value: str) -> int:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/variables/{_segment(name)}"
        body = {"name": name, "value": value}
        return self.request("PATCH", path, body).status

    def delete_secret(self, owner: str, repo: str, name: str) -> int:
        """DELETE .../actions/secrets/NAME: 204 when deleted (GitHub REST, "Delete a repository
        secret": https://docs.github.com/rest/actions/secrets#delete-a-repository-secret)."""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/secrets/{_segment(name)}"
        return self.request("DELETE", path).status

    def delete_variable(self, owner: str, repo: str, name: str) -> int:
        """DELETE .../actions/variables/NAME: 204 when deleted (GitHub REST, "Delete a repository
        variable": https://docs.github.com/rest/actions/variables#delete-a-repository-variable)."""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/variables/{_segment(name)}"
        return self.request("DELETE", path).status

    # --- workflow runs -----------------------------------------------------------------------

    def dispatch_workflow(
        self,
        owner: str,
        repo: str,
        workflow: str,
        ref: str,
        inputs: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Start a workflow_dispatch run. Returns GitHub's run details when it gives them,
        and always `dispatched_at` (GitHub's clock) to find the run by."""
        path = (
            f"/repos/{_segment(owner)}/{_segment(repo)}/actions/workflows/"
            f"{_segment(workflow)}/dispatches"
        )
        body: dict[str, Any] = {"ref": ref, "inputs": dict(inputs or {})}
        try:
            response = self.request("POST", path, {**body, "return_run_details": True})
        except GitHubError as exc:
            # Older GitHub Enterprise Server versions reject the unknown field.
            if exc.status != 422 or "return_run_details" not in exc.message:
                raise _dispatch_error(exc, workflow, ref) from None
            try:
                response = self.request("POST", path, body)
            except GitHubError as again:
                raise _dispatch_error(again, workflow, ref) from None
        details: dict[str, Any] = dict(response.json() or {})
        date = response.headers.get("date", "")
        details["dispatched_at"] = (
            email.utils.parsedate_to_datetime(date).timestamp() if date else self._clock()
        )
        return details

    def list_runs(
        self, owner: str, repo: str, *, event: str = "", branch: str = "", per_page: int = 30
    ) -> list[dict[str, Any]]:
        query: dict[str, str | int] = {"per_page": per_page}
        if event:
            query["event"] = event
        if branch:
            query["branch"] = branch
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/runs"
        answer = self._json("GET", path, query=query) or {}
        runs: list[dict[str, Any]] = answer.get("workflow_runs", [])
        return runs

    def run(self, owner: str, repo: str, run_id: int) -> dict[str, Any]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/runs/{int(run_id)}"
        answer: dict[str, Any] = self._json("GET", path)
        return answer

    def cancel_run(self, owner: str, repo: str, run_id: int) -> str:
        """Ask GitHub to cancel a run (actions write): 202 Accepted while it stops; 409 Conflict
        when it has already finished, which is said, not raised.
        https://docs.github.com/en/rest/actions/workflow-runs#cancel-a-workflow-run"""
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/runs/{int(run_id)}/cancel"
        try:
            self.request("POST", path, {})
        except GitHubError as exc:
            if exc.status == 409:
                return cancel_answer(int(run_id), finished=True)
            raise
        return cancel_answer(int(run_id), finished=False)

    def run_jobs(self, owner: str, repo: str, run_id: int) -> list[dict[str, Any]]:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/runs/{int(run_id)}/jobs"
        return list(self._pages(path, "jobs", 100))

    def job_logs(self, owner: str, repo: str, job_id: int) -> str:
        path = f"/repos/{_segment(owner)}/{_segment(repo)}/actions/jobs/{int(job_id)}/logs"
        return self.request("GET", path).body.decode("utf-8", errors="replace")

    # --- helpers -----------------------------------------------------------------------------

    def _pages(self, path: str, key: str, per_page: int) -> Iterable[dict[str, Any]]:
        page = 1
        seen = 0
        while True:
            answer = self._json("GET", path, query={"per_page": per_page, "page": page}) or {}
            items: list[dict[str, Any]] = answer.get(key, [])
            yield from items
            seen += len(items)
            total = int(answer.get("total_count", seen))
            if not items or seen >= total or page >= 50:
                return
            page += 1


def _dispatch_error(exc: GitHubError, workflow: str, ref: str) -> GitHubError:
    if exc.status == 404:
        text = (
            f"GitHub cannot find the workflow {workflow} to run on {ref!r} (404). The file must "
            f"be committed at .github/workflows/{workflow} on the default branch (and on {ref!r}); "
            "commit and push it first, or the token lacks 'actions' write access. "
            f"{permission_advice('actions', 'write')}"
        )
    elif exc.status == 422:
        text = (
            f"GitHub refused to run {workflow} on {ref!r} (422 {exc.message}). "
            "The workflow needs `on: workflow_dispatch` in the version on that ref, and the ref "
            "must exist: add the trigger, commit, push, and run again."
        )
    else:
        return exc
    return GitHubError(
        exc.status,
        exc.method,
        exc.path,
        exc.message,
        text=text,
        permission=exc.permission,
        level=exc.level,
    )


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k.lower(): v for k, v in items}


def _message(response: Response) -> str:
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return response.body[:200].decode("utf-8", errors="replace")
    if isinstance(data, dict):
        message = str(data.get("message", ""))
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            details = [
                str(e.get("message") or e.get("code") or e) if isinstance(e, dict) else str(e)
                for e in errors
            ]
            message = f"{message} ({'; '.join(details)})" if message else "; ".join(details)
        return message
    return ""


class _PullRequests(Protocol):
    def find_pull_request(
        self, owner: str, repo: str, *, head: str, base: str
    ) -> dict[str, Any] | None: ...

    def merge_pull_request(self, owner: str, repo: str, number: int) -> dict[str, Any]: ...


def merge_open_pull_request(
    github: _PullRequests, owner: str, repo: str, *, head: str, base: str
) -> dict[str, Any]:
    """Merge the open pull request from `head` into `base` through `github` (the real client or
    the sandbox's simulation): a 404 when there is none, as GitHub would answer."""
    pull = github.find_pull_request(owner, repo, head=head, base=base)
    if pull is None:
        raise GitHubError(
            404,
            "PUT",
            f"/repos/{owner}/{repo}/pulls",
            f"no open pull request from {head} into {base}",
            text=f"There is no open pull request from {head} into {base} to merge.",
        )
    return github.merge_pull_request(owner, repo, int(pull["number"]))
