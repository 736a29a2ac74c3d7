"""A local fake of the GitHub REST API, just enough for steps 5 and 6.

Real HTTP (stdlib http.server in a thread on 127.0.0.1, port 0). It holds a PyNaCl private
key, serves the public half and DECRYPTS every secret it receives, so a test reads the
plaintext the tool really sent. It serves both api.github.com-style paths and the GitHub
Enterprise Server base `/api/v3`, keeps variables, moves a dispatched run through
queued -> in_progress -> completed on successive polls, and answers 401/403/404/422 and rate
limits on request. Each secret has an `updated_at` (on the list and on GET .../secrets/NAME)
that every PUT moves forward, as GitHub's does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from nacl.public import PrivateKey, SealedBox

GHES_PREFIX = "/api/v3"
# The updated_at of a secret a test put in place without a PUT.
OLD_SECRET_DATE = "2024-01-02T03:04:05Z"

# The run's status on successive polls (a poll reads the run, then its jobs).
RUN_STATES = ("queued", "in_progress", "in_progress", "completed")
FAILING_STEP = "Configure AWS credentials (OIDC)"
STEP_NAMES = (
    "Set up job",
    "Check out the repository",
    FAILING_STEP,
    "Log in to Amazon ECR",
    "Build, tag and push the image",
)


@dataclass
class Run:
    id: int
    workflow: str
    ref: str
    event: str
    created_at: str
    conclusion_when_done: str
    log: str
    polls: int = 0
    # A run put in place finished by a test: its jobs as GitHub lists them, and each job's log.
    jobs: list[dict[str, Any]] | None = None
    job_logs: dict[int, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return RUN_STATES[min(self.polls, len(RUN_STATES) - 1)]

    @property
    def conclusion(self) -> str | None:
        return self.conclusion_when_done if self.status == "completed" else None


@dataclass
class Repo:
    full_name: str
    id: int
    owner_id: int
    default_branch: str = "main"
    customization: dict[str, Any] = field(default_factory=lambda: {"use_default": True})
    # Plaintext, as decrypted by the fake: what GitHub Actions would see.
    secrets: dict[str, str] = field(default_factory=dict)
    # name -> updated_at; a secret put straight into `secrets` by a test gets OLD_SECRET_DATE.
    secret_dates: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    # (ref, path) -> text
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    permissions: dict[str, bool] = field(
        default_factory=lambda: {"admin": True, "push": True, "pull": True}
    )
    # branch -> head commit; the default branch exists from the start.
    branches: dict[str, str] = field(default_factory=dict)
    pulls: list[dict[str, Any]] = field(default_factory=list)
    # Releases and tags, for repositories that stand for actions: tag -> (type, sha); an
    # annotated tag ("tag") points at a tag object whose commit is in `tag_objects`.
    latest_release: str = ""
    tags: dict[str, tuple[str, str]] = field(default_factory=dict)
    tag_objects: dict[str, str] = field(default_factory=dict)

    def head(self, branch: str) -> str | None:
        if branch == self.default_branch and branch not in self.branches:
            self.branches[branch] = _commit_sha(self.full_name, branch, "")
        return self.branches.get(branch)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeGitHub:
    def __init__(self, token: str = "ghp_fake_token_for_tests") -> None:
        self.token = token
        self.private_key = PrivateKey.generate()
        self.key_id = "568250167242549743"
        self.repos: dict[str, Repo] = {}
        self.requests: list[Recorded] = []
        # permission -> status to answer for every request needing it (e.g. "secrets": 403).
        self.deny: dict[str, int] = {}
        # Answers sent before anything else, in order: (status, headers, body).
        self.queued_answers: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        # Whether a dispatch answers 200 with run details (newer GitHub) or 204.
        self.return_run_details = False
        self.next_conclusion = "success"
        self.next_log = "2025-11-30T10:00:00.0000000Z ##[group]Run docker push\nPushed\n"
        self.oauth_scopes: str | None = None
        self.blob_requests: list[dict[str, str]] = []
        self._next_id = 1000
        # Epoch seconds of the last secret write: each write gets a later second (see _stamp).
        self._last_stamp = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        # Typed str | bytes for socket families in general; an AF_INET address is a str.
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"

    @property
    def ghes_url(self) -> str:
        return self.url + GHES_PREFIX

    # --- test set-up ----------------------------------------------------------------------------

    def add_repo(self, full_name: str, **kwargs: Any) -> Repo:
        repo = Repo(full_name=full_name, id=self._new_id(), owner_id=self._new_id(), **kwargs)
        self.repos[full_name.lower()] = repo
        return repo

    def put_file(self, full_name: str, path: str, text: str, ref: str = "main") -> None:
        self.repos[full_name.lower()].files[(ref, path)] = text

    def add_finished_run(
        self,
        full_name: str,
        jobs: Sequence[tuple[str, str, str, str]],
        *,
        ref: str = "main",
        event: str = "push",
        workflow: str = "build.yml",
    ) -> Run:
        """A completed run with `jobs` as (name, conclusion, failing step or "", log); the
        failed job's steps after the failing one are skipped, as GitHub shows them."""
        run = Run(
            id=self._new_id(),
            workflow=workflow,
            ref=ref,
            event=event,
            created_at="2026-11-30T10:00:00Z",
            conclusion_when_done="failure"
            if any(c not in ("success", "skipped") for _, c, _, _ in jobs)
            else "success",
            log="",
            polls=len(RUN_STATES),
        )
        run.jobs = []
        for number, (name, conclusion, failing, log) in enumerate(jobs):
            job_id = run.id * 100 + number
            steps = [{"number": 1, "name": "Set up job", "conclusion": "success"}]
            if failing:
                steps.append({"number": 2, "name": failing, "conclusion": "failure"})
                steps.append({"number": 3, "name": "Push", "conclusion": "skipped"})
            run.jobs.append(
                {
                    "id": job_id,
                    "name": name,
                    "status": "completed",
                    "conclusion": conclusion,
                    "html_url": f"https://github.example/{full_name}/actions/runs/{run.id}/job/{job_id}",
                    "steps": [{**step, "status": "completed"} for step in steps],
                }
            )
            run.job_logs[job_id] = log
        self.repos[full_name].runs.append(run)
        return run

    def _new_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    def set_secret(self, full_name: str, name: str, value: str) -> str:
        """Someone else sets a secret (the web UI, `gh secret set`): a new updated_at."""
        repo = self.repos[full_name.lower()]
        with self._lock:
            repo.secrets[name] = value
            repo.secret_dates[name] = self._stamp()
            return repo.secret_dates[name]

    def _stamp(self) -> str:
        """GitHub's second-resolution timestamp, strictly increasing so that two writes in
        the same second still differ, as two writes a second apart would on GitHub. Call with
        the lock held."""
        self._last_stamp = max(int(time.time()), self._last_stamp + 1)
        return datetime.fromtimestamp(self._last_stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def seal_for_test(self, value: str) -> str:
        box = SealedBox(self.private_key.public_key)
        return base64.b64encode(box.encrypt(value.encode())).decode()

    def paths(self, method: str = "") -> list[str]:
        return [r.path for r in self.requests if not method or r.method == method]

    # --- the HTTP side --------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._dispatch(self, "GET")

            def do_POST(self) -> None:
                fake._dispatch(self, "POST")

            def do_PUT(self) -> None:
                fake._dispatch(self, "PUT")

            def do_PATCH(self) -> None:
                fake._dispatch(self, "PATCH")

            def do_DELETE(self) -> None:
                fake._dispatch(self, "DELETE")

        return Handler

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        split = urlsplit(handler.path)
        path = unquote(split.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        headers = {k.lower(): v for k, v in handler.headers.items()}
        if path.startswith("/_blob/"):
            self.blob_requests.append(headers)
            self._send(handler, 200, self._blob(path).encode(), content_type="text/plain")
            return
        self.requests.append(Recorded(method, handler.path, headers, body))
        if path.startswith(GHES_PREFIX + "/"):
            path = path[len(GHES_PREFIX) :]
        if headers.get("authorization") != f"Bearer {self.token}":
            self._json(handler, 401, {"message": "Bad credentials"})
            return
        if self.queued_answers:
            status, extra, payload = self.queued_answers.pop(0)
            self._json(handler, status, payload, extra)
            return
        permission = _permission(method, path)
        if permission == "workflows" and permission in self.deny:
            self._json(handler, 404, {"message": "Not Found"})
            return
        if permission in self.deny:
            self._json(
                handler,
                self.deny[permission],
                {"message": "Resource not accessible by personal access token"},
            )
            return
        try:
            status, payload, extra = self._route(method, path, query, body)
        except KeyError:
            status, payload, extra = 404, {"message": "Not Found"}, {}
        if status == 302:
            handler.send_response(302)
            handler.send_header("Location", extra["Location"])
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        self._json(handler, status, payload, extra)

    def _json(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: Any,
        extra: dict[str, str] | None = None,
    ) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self._send(handler, status, data, extra=extra)

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        data: bytes,
        *,
        content_type: str = "application/json",
        extra: dict[str, str] | None = None,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        if self.oauth_scopes is not None:
            handler.send_header("X-OAuth-Scopes", self.oauth_scopes)
        for key, value in (extra or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if data:
            handler.wfile.write(data)

    def _repo(self, owner: str, name: str) -> Repo:
        return self.repos[f"{owner}/{name}".lower()]

    def _route(
        self, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if not match:
            raise KeyError(path)
        repo = self._repo(match.group(1), match.group(2))
        rest = match.group(3) or ""
        data = json.loads(body) if body else {}
        if rest == "" and method == "GET":
            owner = repo.full_name.split("/")[0]
            return (
                200,
                {
                    "id": repo.id,
                    "full_name": repo.full_name,
                    "owner": {"login": owner, "id": repo.owner_id},
                    "default_branch": repo.default_branch,
                    "permissions": repo.permissions,
                },
                {},
            )
        if rest == "/actions/oidc/customization/sub":
            return 200, repo.customization, {}
        if rest == "/actions/secrets/public-key":
            key = base64.b64encode(bytes(self.private_key.public_key)).decode()
            return 200, {"key_id": self.key_id, "key": key}, {}
        if rest == "/actions/secrets" and method == "GET":
            items = [_secret_json(repo, n) for n in sorted(repo.secrets)]
            return 200, _page(query, "secrets", items), {}
        secret = re.fullmatch(r"/actions/secrets/([^/]+)", rest)
        if secret and method == "GET":
            if secret.group(1) not in repo.secrets:
                raise KeyError(secret.group(1))
            return 200, _secret_json(repo, secret.group(1)), {}
        if secret and method == "PUT":
            if data.get("key_id") != self.key_id:
                return 422, {"message": "Bad key_id"}, {}
            sealed = base64.b64decode(data["encrypted_value"])
            plaintext = SealedBox(self.private_key).decrypt(sealed).decode()
            name = secret.group(1)
            with self._lock:
                existed = name in repo.secrets
                repo.secrets[name] = plaintext
                repo.secret_dates[name] = self._stamp()
            return (204 if existed else 201), None if existed else {}, {}
        if rest == "/actions/variables" and method == "GET":
            items = [{"name": k, "value": v} for k, v in sorted(repo.variables.items())]
            return 200, _page(query, "variables", items), {}
        if rest == "/actions/variables" and method == "POST":
            if data["name"] in repo.variables:
                return 409, {"message": "Already exists"}, {}
            repo.variables[data["name"]] = data["value"]
            return 201, {}, {}
        if secret and method == "DELETE":
            with self._lock:
                if secret.group(1) not in repo.secrets:
                    raise KeyError(secret.group(1))
                del repo.secrets[secret.group(1)]
                repo.secret_dates.pop(secret.group(1), None)
            return 204, None, {}
        variable = re.fullmatch(r"/actions/variables/([^/]+)", rest)
        if variable and method == "DELETE":
            if variable.group(1) not in repo.variables:
                raise KeyError(variable.group(1))
            del repo.variables[variable.group(1)]
            return 204, None, {}
        if variable and method == "PATCH":
            if variable.group(1) not in repo.variables:
                raise KeyError(variable.group(1))
            repo.variables[variable.group(1)] = data["value"]
            return 204, None, {}
        contents = re.fullmatch(r"/contents/(.+)", rest)
        if contents and method == "GET":
            ref = query.get("ref", repo.default_branch)
            text = repo.files[(ref, contents.group(1))]
            content = base64.b64encode(text.encode()).decode()
            return 200, {"content": content, "sha": _blob_sha(text)}, {}
        if contents and method == "PUT":
            return self._put_file(repo, contents.group(1), data)
        ref = re.fullmatch(r"/git/ref/(heads|tags)/(.+)", rest)
        if ref and method == "GET":
            if ref.group(1) == "heads":
                head = repo.head(ref.group(2))
                if head is None:
                    raise KeyError(ref.group(2))
                return (
                    200,
                    {
                        "ref": f"refs/heads/{ref.group(2)}",
                        "object": {"sha": head, "type": "commit"},
                    },
                    {},
                )
            kind, sha = repo.tags[ref.group(2)]
            return (
                200,
                {"ref": f"refs/tags/{ref.group(2)}", "object": {"sha": sha, "type": kind}},
                {},
            )
        tag_object = re.fullmatch(r"/git/tags/([0-9a-f]+)", rest)
        if tag_object and method == "GET":
            target = repo.tag_objects[tag_object.group(1)]
            return (
                200,
                {"sha": tag_object.group(1), "object": {"sha": target, "type": "commit"}},
                {},
            )
        if rest == "/git/refs" and method == "POST":
            return self._create_ref(repo, data)
        if rest == "/releases/latest" and method == "GET":
            if not repo.latest_release:
                raise KeyError(rest)
            return 200, {"tag_name": repo.latest_release}, {}
        if rest == "/pulls" and method == "GET":
            found = [
                p
                for p in repo.pulls
                if p["state"] == query.get("state", "open")
                and (not query.get("base") or p["base"]["ref"] == query["base"])
                and (not query.get("head") or p["head"]["label"] == query["head"])
            ]
            return 200, found, {}
        if rest == "/pulls" and method == "POST":
            return self._open_pull(repo, data)
        merge = re.fullmatch(r"/pulls/(\d+)/merge", rest)
        if merge and method == "PUT":
            return self._merge_pull(repo, int(merge.group(1)))
        dispatch = re.fullmatch(r"/actions/workflows/([^/]+)/dispatches", rest)
        if dispatch and method == "POST":
            return self._dispatch_run(repo, dispatch.group(1), data)
        if rest == "/actions/runs" and method == "GET":
            runs = [
                self._run_json(repo, r)
                for r in reversed(repo.runs)
                if (not query.get("event") or r.event == query["event"])
                and (not query.get("branch") or r.ref == query["branch"])
            ]
            return 200, {"total_count": len(runs), "workflow_runs": runs}, {}
        run = re.fullmatch(r"/actions/runs/(\d+)", rest)
        if run and method == "GET":
            return 200, self._run_json(repo, self._find_run(repo, int(run.group(1)))), {}
        cancel = re.fullmatch(r"/actions/runs/(\d+)/cancel", rest)
        if cancel and method == "POST":
            found = self._find_run(repo, int(cancel.group(1)))
            if found.status == "completed":
                return 409, {"message": "Cannot cancel a workflow run that is completed."}, {}
            found.conclusion_when_done = "cancelled"
            found.polls = len(RUN_STATES) - 1
            return 202, {}, {}
        jobs = re.fullmatch(r"/actions/runs/(\d+)/jobs", rest)
        if jobs and method == "GET":
            found = self._find_run(repo, int(jobs.group(1)))
            if found.jobs is not None:
                return 200, {"total_count": len(found.jobs), "jobs": found.jobs}, {}
            answer = _jobs_json(found)
            # A poll reads the run, then its jobs: the next poll sees the next state.
            found.polls += 1
            return 200, answer, {}
        logs = re.fullmatch(r"/actions/jobs/(\d+)/logs", rest)
        if logs and method == "GET":
            return 302, None, {"Location": f"{self.url}/_blob/logs/{logs.group(1)}"}
        raise KeyError(rest)

    def _put_file(
        self, repo: Repo, path: str, data: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        branch = str(data.get("branch") or repo.default_branch)
        if repo.head(branch) is None:
            return 404, {"message": f"Branch {branch} not found"}, {}
        current = repo.files.get((branch, path))
        if current is not None and data.get("sha") != _blob_sha(current):
            # GitHub's answers: no sha for an existing file, or the sha of another version.
            message = (
                '"sha" wasn\'t supplied.'
                if not data.get("sha")
                else f"{path} does not match {data.get('sha')}"
            )
            return (422 if not data.get("sha") else 409), {"message": message}, {}
        text = base64.b64decode(data["content"]).decode()
        repo.files[(branch, path)] = text
        commit = _commit_sha(repo.full_name, branch, path, text, str(self._new_id()))
        repo.branches[branch] = commit
        answer = {
            "content": {"path": path, "sha": _blob_sha(text)},
            "commit": {"sha": commit, "message": data.get("message", "")},
        }
        return (200 if current is not None else 201), answer, {}

    def _create_ref(self, repo: Repo, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        name = str(data["ref"]).removeprefix("refs/heads/")
        if name in repo.branches or (name == repo.default_branch):
            return 422, {"message": "Reference already exists"}, {}
        source = next((b for b, sha in repo.branches.items() if sha == data["sha"]), None)
        if source is None:
            return 422, {"message": "Object does not exist"}, {}
        repo.branches[name] = str(data["sha"])
        for (ref, path), text in list(repo.files.items()):
            if ref == source:
                repo.files[(name, path)] = text
        return 201, {"ref": data["ref"], "object": {"sha": data["sha"], "type": "commit"}}, {}

    def _open_pull(self, repo: Repo, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        owner = repo.full_name.split("/")[0]
        head, base = str(data["head"]), str(data["base"])
        if repo.head(head) is None or repo.head(base) is None:
            return 422, {"message": "Validation Failed"}, {}
        number = len(repo.pulls) + 1
        pull = {
            "number": number,
            "state": "open",
            "merged": False,
            "title": data.get("title", ""),
            "body": data.get("body", ""),
            "head": {"ref": head, "label": f"{owner}:{head}"},
            "base": {"ref": base},
            "html_url": f"https://github.example/{repo.full_name}/pull/{number}",
        }
        repo.pulls.append(pull)
        return 201, pull, {}

    def _merge_pull(self, repo: Repo, number: int) -> tuple[int, Any, dict[str, str]]:
        pull = repo.pulls[number - 1]
        if pull["state"] != "open":
            return 405, {"message": "Pull Request is not mergeable"}, {}
        head, base = pull["head"]["ref"], pull["base"]["ref"]
        for (ref, path), text in list(repo.files.items()):
            if ref == head:
                repo.files[(base, path)] = text
        commit = _commit_sha(repo.full_name, base, "merge", str(number))
        repo.branches[base] = commit
        pull.update(state="closed", merged=True)
        return (
            200,
            {"sha": commit, "merged": True, "message": "Pull Request successfully merged"},
            {},
        )

    def _dispatch_run(
        self, repo: Repo, workflow: str, data: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        ref = str(data.get("ref", ""))
        text = repo.files.get((ref, f".github/workflows/{workflow}"))
        if text is None:
            return 404, {"message": "Not Found"}, {}
        if "workflow_dispatch" not in text:
            return 422, {"message": "Workflow does not have 'workflow_dispatch' trigger"}, {}
        run = Run(
            id=self._new_id(),
            workflow=workflow,
            ref=ref,
            event="workflow_dispatch",
            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            conclusion_when_done=self.next_conclusion,
            log=self.next_log,
        )
        repo.runs.append(run)
        if self.return_run_details and data.get("return_run_details"):
            details = {
                "workflow_run_id": run.id,
                "run_url": f"{self.url}/repos/{repo.full_name}/actions/runs/{run.id}",
                "html_url": self._html_url(repo, run),
            }
            return 200, details, {}
        return 204, None, {}

    def _find_run(self, repo: Repo, run_id: int) -> Run:
        for run in repo.runs:
            if run.id == run_id:
                return run
        raise KeyError(run_id)

    def _html_url(self, repo: Repo, run: Run) -> str:
        return f"https://github.example/{repo.full_name}/actions/runs/{run.id}"

    def _run_json(self, repo: Repo, run: Run) -> dict[str, Any]:
        return {
            "id": run.id,
            "status": run.status,
            "conclusion": run.conclusion,
            "event": run.event,
            "head_branch": run.ref,
            "path": f".github/workflows/{run.workflow}",
            "created_at": run.created_at,
            "html_url": self._html_url(repo, run),
        }

    def _blob(self, path: str) -> str:
        job_id = int(path.rsplit("/", 1)[-1])
        for repo in self.repos.values():
            for run in repo.runs:
                if job_id in run.job_logs:
                    return run.job_logs[job_id]
                if run.id + 1 == job_id:
                    return run.log
        return ""


def _blob_sha(text: str) -> str:
    """Git's blob id of the text, as the contents API reports `sha`."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _commit_sha(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def _secret_json(repo: Repo, name: str) -> dict[str, str]:
    """What GitHub shows of a secret: never its value."""
    updated = repo.secret_dates.get(name, OLD_SECRET_DATE)
    return {"name": name, "created_at": OLD_SECRET_DATE, "updated_at": updated}


def _page(query: dict[str, str], key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    per_page = int(query.get("per_page", 30))
    page = int(query.get("page", 1))
    chunk = items[(page - 1) * per_page : page * per_page]
    return {"total_count": len(items), key: chunk}


def _jobs_json(run: Run) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    if run.status == "in_progress":
        steps = [
            {"number": 1, "name": STEP_NAMES[0], "status": "completed", "conclusion": "success"},
            {"number": 2, "name": STEP_NAMES[1], "status": "in_progress", "conclusion": None},
        ]
    elif run.status == "completed":
        failed = run.conclusion_when_done == "failure"
        for number, name in enumerate(STEP_NAMES, 1):
            if failed and number > STEP_NAMES.index(FAILING_STEP) + 1:
                conclusion = "skipped"
            elif failed and name == FAILING_STEP:
                conclusion = "failure"
            else:
                conclusion = "success"
            steps.append(
                {"number": number, "name": name, "status": "completed", "conclusion": conclusion}
            )
    job = {
        # The job id is derived from the run id so the log can be found again.
        "id": run.id + 1,
        "name": "Build and push to Amazon ECR",
        "status": run.status,
        "conclusion": run.conclusion,
        "html_url": f"https://github.example/job/{run.id + 1}",
        "steps": steps,
    }
    return {"total_count": 1, "jobs": [job]}


def _permission(method: str, path: str) -> str:
    if "/actions/secrets" in path:
        return "secrets"
    if "/actions/variables" in path:
        return "variables"
    if "/contents/.github/workflows/" in path and method == "PUT":
        return "workflows"
    if "/pulls" in path and not path.endswith("/merge"):
        return "pull_requests"
    if "/contents/" in path or "/git/" in path or path.endswith("/merge"):
        return "contents"
    if "/actions/" in path:
        return "actions"
    return "metadata"


def rate_limited(reset_in: float = 5.0) -> tuple[int, dict[str, str], dict[str, Any]]:
    """A primary rate-limit answer whose reset is `reset_in` seconds from now."""
    return (
        403,
        {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(int(time.time() + reset_in)),
        },
        {"message": "API rate limit exceeded"},
    )


def running(fake: FakeGitHub) -> Iterator[FakeGitHub]:
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@contextmanager
def isolated_fake(
    monkeypatch: pytest.MonkeyPatch, *, token: str, repos: Sequence[str] = ()
) -> Iterator[FakeGitHub]:
    """A started fake with these repositories; no token source of this machine (environment,
    keyring, gh CLI) may answer while it runs."""
    from wizard import github_token

    server = FakeGitHub(token=token).start()
    for repo in repos:
        server.add_repo(repo)
    for name in (*github_token.ENV_NAMES, *github_token.ENTERPRISE_ENV_NAMES, "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(github_token, "token_from_keyring", lambda url: None)
    monkeypatch.setattr(github_token.shutil, "which", lambda name: None)
    try:
        yield server
    finally:
        server.stop()
