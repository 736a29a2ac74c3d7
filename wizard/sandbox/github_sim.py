"""A simulated GitHub that lives inside the process: the sandbox's stand-in for `GitHub`.

It has the methods of wizard.github_api.GitHub that the steps, the doctor and the faces call,
and behaves as GitHub does where it matters to a newcomer:

* every repository named exists (the sandbox has no one else's repositories to protect), with
  the wizard's workflow committed on `main` and `dev`;
* secrets arrive sealed with the repository's public key (a PyNaCl key pair of its own) and are
  kept sealed; the simulated runner opens them, which proves the encryption worked;
* a dispatched run goes queued -> in_progress -> completed over a few seconds, with a job and
  its steps. At "Configure AWS credentials" it evaluates the role's trust policy, as it is in
  the sandbox's IAM, against the token GitHub would issue (`sub` = repo:OWNER/REPO:ref:...);
  at the push it checks the role's policies and puts one image with both tags into the
  sandbox's ECR. What fails, fails with the log line a real run prints.

No HTTP: calls are method calls. Run progress is computed from the clock when asked, so there
is no background thread to stop.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wizard.action_pins import DEFAULT_PINS
from wizard.claims import build_sub, evaluate, glob_match
from wizard.github_api import (
    AccessProblem,
    GitHubError,
    _dispatch_error,
    cancel_answer,
    merge_open_pull_request,
)
from wizard.iam.issuer import GITHUB_COM
from wizard.policies import registry_host, repository_arn
from wizard.workflow import WORKFLOWS_DIR, job_environment

SIM_API_URL = "sandbox://github"
SIM_WEB_URL = "https://github.invalid"
BRANCHES = ("main", "dev")
# The IAM profile the simulated runner's AWS reads use: AWS itself, not the person.
ACTIONS_PROFILE = "sandbox-actions"

SETUP = "Set up job"
CHECKOUT = "Check out the repository"
CREDENTIALS = "Configure AWS credentials (OIDC)"
LOGIN = "Log in to Amazon ECR"
PUSH = "Build, tag and push the image"
COMPLETE = "Complete job"
STEP_NAMES = (SETUP, CHECKOUT, CREDENTIALS, LOGIN, PUSH, COMPLETE)
JOB_NAME = "Build and push to Amazon ECR"
# Share of a run's time spent queued before a runner picks it up.
QUEUED_SHARE = 0.15
# What `docker push` asks ECR for, in the order it asks.
DOCKER_PUSH_ORDER = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
)
_ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]+)")
_ENV_LINE = re.compile(r"^\s+(REPOSITORY|DEFAULT_VERSION): (\".*\")\s*$", re.MULTILINE)

AwsFactory = Callable[[str], Any]


@dataclass
class Outcome:
    """What the simulated runner did: the step that failed (None: all passed) and the log."""

    failed_step: int | None
    log: list[str]


@dataclass
class SimRun:
    id: int
    workflow: str
    ref: str
    head_sha: str
    inputs: dict[str, str]
    created_at: str
    started: float
    outcome: Outcome | None = None
    # GitHub's run number: per workflow, from 1, never reused; it is part of the image tag.
    run_number: int = 1
    # Cancelled through the API while it was not finished.
    cancelled: bool = False


@dataclass
class SimRepo:
    full_name: str
    id: int
    owner_id: int
    default_branch: str = "main"
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    # name -> (key_id, base64 sealed box): kept as GitHub keeps them, unreadable by the API.
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)
    # name -> updated_at, as GitHub reports it: the wizard tells its own writes by it.
    secret_dates: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    runs: list[SimRun] = field(default_factory=list)
    head_sha: str = ""
    # branch -> head commit; `main` and `dev` exist from the start.
    branches: dict[str, str] = field(default_factory=dict)
    pulls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]


class SimulatedGitHub:
    """GitHub's API for the sandbox, with a simulated Actions runner."""

    def __init__(
        self,
        *,
        aws_for_region: AwsFactory,
        workflow_text: str,
        workflow_file: str,
        run_seconds: float = 6.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from nacl.public import PrivateKey  # deferred: only the sandbox needs libsodium here

        self._private_key = PrivateKey.generate()
        self.key_id = "3380204578043523366"
        self._aws_for_region = aws_for_region
        self.workflow_text = workflow_text
        self.workflow_file = workflow_file
        self.run_seconds = run_seconds
        self._clock = clock
        self._repos: dict[str, SimRepo] = {}
        self._next_id = 4_200_000
        # The last secret's updated_at, in epoch seconds (see _secret_stamp).
        self._last_secret_stamp = 0
        self._lock = threading.RLock()
        self.api_url = SIM_API_URL
        self.web_url = SIM_WEB_URL
        # The simulated token is fine-grained: GitHub reports no classic scopes for it.
        self.oauth_scopes: list[str] | None = None

    def __repr__(self) -> str:
        return "SimulatedGitHub(sandbox)"

    # --- repositories -------------------------------------------------------------------------

    def add_repo(self, full_name: str) -> SimRepo:
        with self._lock:
            key = full_name.lower()
            if key not in self._repos:
                repo = SimRepo(full_name, self._new_id(), self._new_id())
                repo.head_sha = hashlib.sha1(full_name.encode()).hexdigest()
                repo.branches = dict.fromkeys(BRANCHES, repo.head_sha)
                self._repos[key] = repo
                self._commit(repo)
            return self._repos[key]

    def commit_workflow(self, workflow_file: str, text: str) -> None:
        """The workflow every simulated repository has on each of its branches (tests and
        demonstrations; the sandbox itself starts without it, so step 6 commits it)."""
        with self._lock:
            self.workflow_file, self.workflow_text = workflow_file, text
            for repo in self._repos.values():
                self._commit(repo)

    def _commit(self, repo: SimRepo) -> None:
        if self.workflow_file and self.workflow_text:
            for branch in BRANCHES:
                repo.files[(branch, f"{WORKFLOWS_DIR}/{self.workflow_file}")] = self.workflow_text

    def _repo(self, owner: str, repo: str) -> SimRepo:
        if not owner or not repo:
            raise GitHubError(404, "GET", f"/repos/{owner}/{repo}", "Not Found")
        return self.add_repo(f"{owner}/{repo}")

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def repository(self, owner: str, repo: str) -> dict[str, Any]:
        found = self._repo(owner, repo)
        return {
            "id": found.id,
            "full_name": found.full_name,
            "owner": {"login": found.owner, "id": found.owner_id},
            "default_branch": found.default_branch,
            "private": True,
            "html_url": f"{SIM_WEB_URL}/{found.full_name}",
            "permissions": {"admin": True, "push": True, "pull": True},
        }

    def oidc_sub_customization(self, owner: str, repo: str) -> dict[str, Any]:
        self._repo(owner, repo)
        return {"use_default": True}

    def file_text(self, owner: str, repo: str, path: str, ref: str = "") -> str | None:
        found = self._repo(owner, repo)
        return found.files.get((ref or found.default_branch, path))

    def file_entry(self, owner: str, repo: str, path: str, ref: str = "") -> tuple[str, str] | None:
        text = self.file_text(owner, repo, path, ref)
        return None if text is None else (text, _blob_sha(text))

    # --- branches, commits and pull requests ---------------------------------------------------

    def branch_head(self, owner: str, repo: str, branch: str) -> str | None:
        return self._repo(owner, repo).branches.get(branch)

    def create_branch(self, owner: str, repo: str, branch: str, sha: str) -> dict[str, Any]:
        found = self._repo(owner, repo)
        path = f"/repos/{owner}/{repo}/git/refs"
        with self._lock:
            if branch in found.branches:
                raise GitHubError(422, "POST", path, "Reference already exists")
            source = next((b for b, head in found.branches.items() if head == sha), None)
            if source is None:
                raise GitHubError(422, "POST", path, "Object does not exist")
            found.branches[branch] = sha
            for (ref, name), text in list(found.files.items()):
                if ref == source:
                    found.files[(branch, name)] = text
        return {"ref": f"refs/heads/{branch}", "object": {"sha": sha, "type": "commit"}}

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
        found = self._repo(owner, repo)
        where = f"/repos/{owner}/{repo}/contents/{path}"
        with self._lock:
            if branch not in found.branches:
                raise GitHubError(404, "PUT", where, f"Branch {branch} not found")
            current = found.files.get((branch, path))
            if current is not None and sha != _blob_sha(current):
                raise GitHubError(409, "PUT", where, f"{path} does not match {sha}")
            found.files[(branch, path)] = text
            commit = hashlib.sha1(f"{branch}\0{path}\0{text}\0{message}".encode()).hexdigest()
            found.branches[branch] = commit
            if branch == found.default_branch:
                found.head_sha = commit
        return {"content": {"path": path, "sha": _blob_sha(text)}, "commit": {"sha": commit}}

    def open_pull_request(
        self, owner: str, repo: str, *, head: str, base: str, title: str, body: str
    ) -> dict[str, Any]:
        found = self._repo(owner, repo)
        with self._lock:
            if head not in found.branches or base not in found.branches:
                raise GitHubError(422, "POST", f"/repos/{owner}/{repo}/pulls", "Validation Failed")
            number = len(found.pulls) + 1
            pull = {
                "number": number,
                "state": "open",
                "merged": False,
                "title": title,
                "body": body,
                "head": {"ref": head, "label": f"{found.owner}:{head}"},
                "base": {"ref": base},
                "html_url": f"{SIM_WEB_URL}/{found.full_name}/pull/{number}",
            }
            found.pulls.append(pull)
        return dict(pull)

    def find_pull_request(
        self, owner: str, repo: str, *, head: str, base: str
    ) -> dict[str, Any] | None:
        found = self._repo(owner, repo)
        for pull in found.pulls:
            if (
                pull["state"] == "open"
                and pull["head"]["ref"] == head
                and pull["base"]["ref"] == base
            ):
                return dict(pull)
        return None

    def merge_pull_request(self, owner: str, repo: str, number: int) -> dict[str, Any]:
        found = self._repo(owner, repo)
        where = f"/repos/{owner}/{repo}/pulls/{number}/merge"
        with self._lock:
            if not 1 <= number <= len(found.pulls) or found.pulls[number - 1]["state"] != "open":
                raise GitHubError(405, "PUT", where, "Pull Request is not mergeable")
            pull = found.pulls[number - 1]
            head, base = pull["head"]["ref"], pull["base"]["ref"]
            for (ref, name), text in list(found.files.items()):
                if ref == head:
                    found.files[(base, name)] = text
            commit = hashlib.sha1(f"merge\0{number}\0{found.full_name}".encode()).hexdigest()
            found.branches[base] = commit
            if base == found.default_branch:
                found.head_sha = commit
            pull.update(state="closed", merged=True)
        return {"sha": commit, "merged": True, "message": "Pull Request successfully merged"}

    def merge_pull_request_from(
        self, owner: str, repo: str, *, head: str, base: str
    ) -> dict[str, Any]:
        """Merge the open pull request from `head` into `base` (one opened earlier in the run,
        whose number the plan could not know yet)."""
        return merge_open_pull_request(self, owner, repo, head=head, base=base)

    def latest_release_tag(self, owner: str, repo: str) -> str | None:
        # The simulated GitHub knows the actions' releases the package knows.
        for pin in DEFAULT_PINS:
            if pin.action == f"{owner}/{repo}":
                return pin.version
        return None

    def tag_commit(self, owner: str, repo: str, tag: str) -> str:
        for pin in DEFAULT_PINS:
            if pin.action == f"{owner}/{repo}" and pin.version == tag:
                return pin.sha
        raise GitHubError(404, "GET", f"/repos/{owner}/{repo}/git/ref/tags/{tag}", "Not Found")

    def check_access(self, owner: str, repo: str, needs: Iterable[str]) -> list[AccessProblem]:
        self._repo(owner, repo)
        return []  # the simulated token may do everything the wizard needs

    # --- secrets and variables ----------------------------------------------------------------

    def secret_public_key(self, owner: str, repo: str) -> tuple[str, str]:
        self._repo(owner, repo)
        key = base64.b64encode(bytes(self._private_key.public_key)).decode("ascii")
        return self.key_id, key

    def list_secrets(self, owner: str, repo: str) -> list[str]:
        return sorted(self._repo(owner, repo).secrets)

    def secrets_updated_at(self, owner: str, repo: str) -> dict[str, str]:
        found = self._repo(owner, repo)
        with self._lock:
            return {name: found.secret_dates.get(name, "") for name in sorted(found.secrets)}

    def secret(self, owner: str, repo: str, name: str) -> dict[str, Any]:
        found = self._repo(owner, repo)
        with self._lock:
            if name not in found.secrets:
                path = f"/repos/{owner}/{repo}/actions/secrets/{name}"
                raise GitHubError(404, "GET", path, "Not Found")
            return {"name": name, "updated_at": found.secret_dates.get(name, "")}

    def list_variables(self, owner: str, repo: str) -> dict[str, str]:
        return dict(sorted(self._repo(owner, repo).variables.items()))

    def put_secret(self, owner: str, repo: str, name: str, value: str) -> int:
        """Seal the value as the real client does, then receive it as GitHub does."""
        from wizard.sealed import seal

        key_id, key = self.secret_public_key(owner, repo)
        return self.receive_secret(owner, repo, name, seal(key, value), key_id)

    def receive_secret(self, owner: str, repo: str, name: str, sealed: str, key_id: str) -> int:
        """GitHub's side of PUT .../secrets/NAME: 201 created, 204 updated."""
        found = self._repo(owner, repo)
        path = f"/repos/{owner}/{repo}/actions/secrets/{name}"
        if key_id != self.key_id:
            raise GitHubError(422, "PUT", path, "Bad key_id")
        try:
            self._open(sealed)
        except Exception as exc:  # GitHub refuses what its key cannot open
            raise GitHubError(
                422, "PUT", path, f"encrypted_value cannot be decrypted: {exc}"
            ) from None
        with self._lock:
            existed = name in found.secrets
            found.secrets[name] = (key_id, sealed)
            found.secret_dates[name] = self._secret_stamp()
        return 204 if existed else 201

    def _secret_stamp(self) -> str:
        """GitHub's second-resolution timestamp, kept strictly increasing: two writes within
        a second must still look like two writes to whoever compares dates."""
        now = int(time.time())
        self._last_secret_stamp = max(now, self._last_secret_stamp + 1)
        stamp = datetime.fromtimestamp(self._last_secret_stamp, UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")

    def decrypt_secret(self, owner: str, repo: str, name: str) -> str:
        """What a workflow would read as secrets.NAME; only the simulated runner can."""
        return self._open(self._repo(owner, repo).secrets[name][1])

    def _open(self, sealed: str) -> str:
        from nacl.public import SealedBox

        plain: bytes = SealedBox(self._private_key).decrypt(base64.b64decode(sealed))
        return plain.decode("utf-8")

    def create_variable(self, owner: str, repo: str, name: str, value: str) -> int:
        found = self._repo(owner, repo)
        with self._lock:
            if name in found.variables:
                path = f"/repos/{owner}/{repo}/actions/variables"
                raise GitHubError(409, "POST", path, "Already exists")
            found.variables[name] = value
        return 201

    def update_variable(self, owner: str, repo: str, name: str, value: str) -> int:
        found = self._repo(owner, repo)
        with self._lock:
            if name not in found.variables:
                path = f"/repos/{owner}/{repo}/actions/variables/{name}"
                raise GitHubError(404, "PATCH", path, "Not Found")
            found.variables[name] = value
        return 204

    def delete_secret(self, owner: str, repo: str, name: str) -> int:
        found = self._repo(owner, repo)
        with self._lock:
            if name not in found.secrets:
                raise GitHubError(
                    404, "DELETE", f"/repos/{owner}/{repo}/actions/secrets/{name}", "Not Found"
                )
            del found.secrets[name]
            found.secret_dates.pop(name, None)
        return 204

    def delete_variable(self, owner: str, repo: str, name: str) -> int:
        found = self._repo(owner, repo)
        with self._lock:
            if name not in found.variables:
                path = f"/repos/{owner}/{repo}/actions/variables/{name}"
                raise GitHubError(404, "DELETE", path, "Not Found")
            del found.variables[name]
        return 204

    # --- workflow runs ------------------------------------------------------------------------

    def dispatch_workflow(
        self,
        owner: str,
        repo: str,
        workflow: str,
        ref: str,
        inputs: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        found = self._repo(owner, repo)
        path = f"/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches"
        short = ref.removeprefix("refs/heads/")
        text = found.files.get((short, f"{WORKFLOWS_DIR}/{workflow}"))
        if short not in found.branches:
            raise _dispatch_error(
                GitHubError(422, "POST", path, f"No ref found for: {ref}"), workflow, ref
            )
        if text is None:
            raise _dispatch_error(GitHubError(404, "POST", path, "Not Found"), workflow, ref)
        if "workflow_dispatch" not in text:
            message = "Workflow does not have 'workflow_dispatch' trigger"
            raise _dispatch_error(GitHubError(422, "POST", path, message), workflow, ref)
        with self._lock:
            run = SimRun(
                id=self._new_id(),
                workflow=workflow,
                ref=short,
                head_sha=found.branches[short],
                inputs=dict(inputs or {}),
                created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                started=self._clock(),
                run_number=1 + sum(r.workflow == workflow for r in found.runs),
            )
            found.runs.append(run)
        return {
            "workflow_run_id": run.id,
            "html_url": self._html_url(found, run),
            "dispatched_at": time.time(),
        }

    def list_runs(
        self, owner: str, repo: str, *, event: str = "", branch: str = "", per_page: int = 30
    ) -> list[dict[str, Any]]:
        found = self._repo(owner, repo)
        if event and event != "workflow_dispatch":
            return []
        runs = [r for r in reversed(found.runs) if not branch or r.ref == branch]
        return [self._run_json(found, r) for r in runs[:per_page]]

    def run(self, owner: str, repo: str, run_id: int) -> dict[str, Any]:
        found = self._repo(owner, repo)
        return self._run_json(found, self._find_run(found, run_id))

    def cancel_run(self, owner: str, repo: str, run_id: int) -> str:
        found = self._repo(owner, repo)
        run = self._find_run(found, run_id)
        status, _ = self._advance(found, run)
        if status == "completed":
            return cancel_answer(run.id, finished=True)
        run.cancelled = True
        return cancel_answer(run.id, finished=False)

    def run_jobs(self, owner: str, repo: str, run_id: int) -> list[dict[str, Any]]:
        found = self._repo(owner, repo)
        return [self._job_json(found, self._find_run(found, run_id))]

    def job_logs(self, owner: str, repo: str, job_id: int) -> str:
        found = self._repo(owner, repo)
        run = self._find_run(found, job_id - 1)
        self._advance(found, run)
        return "\n".join(run.outcome.log if run.outcome else []) + "\n"

    def _find_run(self, repo: SimRepo, run_id: int) -> SimRun:
        for run in repo.runs:
            if run.id == int(run_id):
                return run
        raise GitHubError(404, "GET", f"/repos/{repo.full_name}/actions/runs/{run_id}", "Not Found")

    def _html_url(self, repo: SimRepo, run: SimRun) -> str:
        return f"{SIM_WEB_URL}/{repo.full_name}/actions/runs/{run.id}"

    # --- the simulated runner -----------------------------------------------------------------

    def _timeline(self, run: SimRun) -> tuple[str, int]:
        """(status, number of steps finished) at this moment."""
        elapsed = self._clock() - run.started
        queued = self.run_seconds * QUEUED_SHARE
        if elapsed < queued:
            return "queued", 0
        slot = (self.run_seconds - queued) / len(STEP_NAMES)
        finished = min(len(STEP_NAMES), int((elapsed - queued) / slot) if slot > 0 else 99)
        return "in_progress", finished

    def _advance(self, repo: SimRepo, run: SimRun) -> tuple[str, int]:
        status, finished = self._timeline(run)
        if run.cancelled:
            return "completed", finished
        if status == "in_progress":
            with self._lock:
                if run.outcome is None:
                    run.outcome = self._execute(repo, run)
        outcome = run.outcome
        if outcome is not None:
            last = len(STEP_NAMES) if outcome.failed_step is None else outcome.failed_step + 1
            if finished >= last:
                return "completed", finished
        return status, finished

    def _conclusion(self, run: SimRun, status: str) -> str | None:
        if status == "completed" and run.cancelled:
            return "cancelled"
        if status != "completed" or run.outcome is None:
            return None
        return "success" if run.outcome.failed_step is None else "failure"

    def _run_json(self, repo: SimRepo, run: SimRun) -> dict[str, Any]:
        status, _ = self._advance(repo, run)
        return {
            "id": run.id,
            "name": self._workflow_name(repo, run),
            "status": status,
            "conclusion": self._conclusion(run, status),
            "event": "workflow_dispatch",
            "head_branch": run.ref,
            "head_sha": run.head_sha,
            "run_number": run.run_number,
            "run_attempt": 1,
            "path": f"{WORKFLOWS_DIR}/{run.workflow}",
            "created_at": run.created_at,
            "html_url": self._html_url(repo, run),
        }

    def _workflow_name(self, repo: SimRepo, run: SimRun) -> str:
        text = repo.files.get((run.ref, f"{WORKFLOWS_DIR}/{run.workflow}"), "")
        match = re.search(r"^name: (\".*\")$", text, re.MULTILINE)
        return str(json.loads(match.group(1))) if match else run.workflow

    def _job_json(self, repo: SimRepo, run: SimRun) -> dict[str, Any]:
        status, finished = self._advance(repo, run)
        failed = run.outcome.failed_step if run.outcome else None
        steps: list[dict[str, Any]] = []
        for index, name in enumerate(STEP_NAMES):
            step_status, conclusion = "queued", None
            if status == "queued":
                pass
            elif failed is not None and index > failed and status == "completed":
                step_status = "completed"
                conclusion = "success" if name == COMPLETE else "skipped"
            elif index < finished:
                step_status = "completed"
                conclusion = "failure" if index == failed else "success"
            elif index == finished and status == "in_progress":
                step_status = "in_progress"
            steps.append(
                {"number": index + 1, "name": name, "status": step_status, "conclusion": conclusion}
            )
        return {
            # Derived from the run id so the log can be found again from the job.
            "id": run.id + 1,
            "run_id": run.id,
            "name": JOB_NAME,
            "status": status,
            "conclusion": self._conclusion(run, status),
            "html_url": f"{self._html_url(repo, run)}/job/{run.id + 1}",
            "steps": steps,
        }

    def _execute(self, repo: SimRepo, run: SimRun) -> Outcome:
        """Do what the workflow's job does, against the sandbox's AWS."""
        log = _Log()
        log.group(SETUP)
        log.add("Runner: simulated by ecr-oidc-wizard --sandbox (no container is built)")
        log.group(CHECKOUT)
        log.add(f"Syncing repository: {repo.full_name}")
        log.add(f"HEAD is now at {run.head_sha[:7]} (refs/heads/{run.ref})")
        text = repo.files.get((run.ref, f"{WORKFLOWS_DIR}/{run.workflow}"), "")
        context = "vars" if "vars.AWS_ROLE_ARN" in text else "secrets"
        role = self._value(repo, context, "AWS_ROLE_ARN")
        region = self._value(repo, context, "AWS_REGION")
        log.group(CREDENTIALS)
        if not region:
            log.add("Error: Input required and not supplied: aws-region")
            return Outcome(STEP_NAMES.index(CREDENTIALS), log.lines)
        if not role:
            log.add(
                "Error: Credentials could not be loaded, please check your action inputs: "
                "Could not load credentials from any providers"
            )
            return Outcome(STEP_NAMES.index(CREDENTIALS), log.lines)
        match = _ROLE_ARN.fullmatch(role)
        if match is None:
            log.add("Error: Could not assume role with OIDC: Request ARN is invalid")
            return Outcome(STEP_NAMES.index(CREDENTIALS), log.lines)
        partition, account, role_name = match.groups()
        aws = self._aws_for_region(region)
        refusal = self._assume(aws, repo, run, role_name, partition, account, log)
        if refusal:
            return Outcome(STEP_NAMES.index(CREDENTIALS), log.lines)
        who = f"arn:{partition}:sts::{account}:assumed-role/{role_name}/GitHubActions"
        log.add(f"Authenticated as assumedRoleId {who}")
        documents = _role_documents(aws, role_name)
        log.group(LOGIN)
        if not _allows(documents, "ecr:GetAuthorizationToken", "*"):
            log.add(_denied(who, "ecr:GetAuthorizationToken", "*", "Error: "))
            return Outcome(STEP_NAMES.index(LOGIN), log.lines)
        registry = registry_host(account, region, partition)
        log.add(f"Logged into {registry}")
        log.group(PUSH)
        pushed = self._push(aws, repo, run, text, documents, who, registry, log, partition)
        if not pushed:
            return Outcome(STEP_NAMES.index(PUSH), log.lines)
        log.group(COMPLETE)
        log.add("Cleaning up orphan processes")
        return Outcome(None, log.lines)

    def _value(self, repo: SimRepo, context: str, name: str) -> str:
        if context == "vars":
            return repo.variables.get(name, "")
        if name not in repo.secrets:
            return ""
        return self._open(repo.secrets[name][1])

    def _assume(
        self,
        aws: Any,
        repo: SimRepo,
        run: SimRun,
        role_name: str,
        partition: str,
        account: str,
        log: _Log,
    ) -> bool:
        """Play STS's part in AssumeRoleWithWebIdentity; True when it refuses."""
        # The simulated GitHub is github.com: its tokens come from github.com's issuer.
        provider = GITHUB_COM.provider_arn(partition, account)
        listed = aws.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        if provider not in {p["Arn"] for p in listed}:
            log.add(
                "Error: Could not assume role with OIDC: No OpenIDConnect provider found in "
                f"your account for {GITHUB_COM.url}"
            )
            return True
        text = repo.files.get((run.ref, f"{WORKFLOWS_DIR}/{run.workflow}"), "")
        # A job with an environment gets ...:environment:NAME instead of its ref, as on GitHub.
        environment = job_environment(text) or ""
        if environment:
            sub = build_sub(repo.full_name, environment=environment)
        else:
            sub = build_sub(repo.full_name, branch=run.ref)
        claims = {
            "sub": sub,
            "aud": "sts.amazonaws.com",
            "repository": repo.full_name,
            "repository_id": str(repo.id),
            "repository_owner": repo.owner,
            "repository_owner_id": str(repo.owner_id),
            "ref": f"refs/heads/{run.ref}",
            "ref_type": "branch",
            "event_name": "workflow_dispatch",
            "job_workflow_ref": f"{repo.full_name}/{WORKFLOWS_DIR}/{run.workflow}@refs/heads/"
            f"{run.ref}",
        }
        log.add(f"Assuming role with OIDC (token sub: {sub})")
        try:
            policy = aws.iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        except Exception:  # AWS answers a missing role exactly as it answers a refusal
            policy = {}
        if isinstance(policy, str):
            policy = json.loads(policy)
        decision = evaluate(policy, claims, provider_arn=provider)
        if decision.allowed:
            return False
        log.add(
            "Error: Could not assume role with OIDC: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity"
        )
        # The sandbox can say what real AWS never does: which condition refused the token.
        log.add(f"Sandbox: the role's trust policy {decision.reason}")
        return True

    def _push(
        self,
        aws: Any,
        repo: SimRepo,
        run: SimRun,
        text: str,
        documents: list[Any],
        who: str,
        registry: str,
        log: _Log,
        partition: str,
    ) -> bool:
        env = {k: json.loads(v) for k, v in _ENV_LINE.findall(text)}
        name = str(env.get("REPOSITORY") or "")
        version = run.inputs.get("version") or str(env.get("DEFAULT_VERSION") or "0.1.0")
        # The tag the workflow's script makes: VERSION-YYYYMMDD-SHA7-rRUN_NUMBER (a first
        # attempt: the simulation never re-runs), so each build's immutable tag is new.
        tag = f"{version}-{datetime.now(UTC):%Y%m%d}-{run.head_sha[:7]}-r{run.run_number}"
        image = f"{registry}/{name}"
        log.add(f"#1 [internal] load build definition from Dockerfile (simulated build of {tag})")
        log.add(f"The push refers to repository [{image}]")
        account = registry.split(".", 1)[0]
        region = registry.split(".")[3]
        try:
            aws.ecr.describe_repositories(repositoryNames=[name])
        except Exception:  # RepositoryNotFoundException or a bad name: docker says "name unknown"
            log.add(
                f"name unknown: The repository with name '{name}' does not exist in the "
                f"registry with id '{account}'"
            )
            return False
        target = repository_arn(partition, region, account, name)
        for action in DOCKER_PUSH_ORDER:
            if not _allows(documents, action, target):
                log.add(_denied(who, action, target, "denied: "))
                return False
        manifest = _manifest(run.id, repo.full_name)
        digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
        for each in (tag, "latest"):
            try:
                aws.ecr.put_image(
                    repositoryName=name,
                    imageManifest=manifest,
                    imageManifestMediaType=MANIFEST_TYPE,
                    imageTag=each,
                    imageDigest=digest,
                )
            except Exception as exc:
                message = getattr(exc, "response", {}).get("Error", {}).get("Message", str(exc))
                log.add(f"tag invalid: {message}")
                return False
            log.add(f"{each}: digest: {digest} size: {len(manifest)}")
        log.add(f"Pushed `{image}:{tag}` and `{image}:latest`")
        return True


MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


def _manifest(run_id: int, repo: str) -> str:
    """A small, valid image manifest that differs per run, so each build is a new image."""
    seed = f"{repo}#{run_id}".encode()
    layer = hashlib.sha256(b"layer:" + seed).hexdigest()
    config = hashlib.sha256(b"config:" + seed).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1469,
                "digest": f"sha256:{config}",
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 3_623_807,
                    "digest": f"sha256:{layer}",
                }
            ],
        }
    )


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        self.lines.append(f"{stamp}0000Z {text}")

    def group(self, name: str) -> None:
        self.add(f"##[group]{name}")


def _denied(who: str, action: str, resource: str, prefix: str) -> str:
    return (
        f"{prefix}User: {who} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )


def _role_documents(aws: Any, role_name: str) -> list[Any]:
    """The role's inline and attached policy documents, as IAM holds them."""
    iam = aws.iam
    documents: list[Any] = []
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        documents.append(iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"])
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        got = iam.get_policy_version(PolicyArn=arn, VersionId=version)
        documents.append(got["PolicyVersion"]["Document"])
    return [json.loads(d) if isinstance(d, str) else d for d in documents]


def _statements(document: Any) -> list[Mapping[str, Any]]:
    raw = document.get("Statement") if isinstance(document, Mapping) else None
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [s for s in items if isinstance(s, Mapping)]


def _covers(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    from wizard.claims import action_matches

    if not action_matches(statement, action)[0]:
        return False
    resources = statement.get("Resource", [])
    patterns = [resources] if isinstance(resources, str) else list(resources or [])
    return any(glob_match(str(p), resource) for p in patterns)


def _allows(documents: Iterable[Any], action: str, resource: str) -> bool:
    """IAM's verdict for one action on one resource: an explicit Deny wins, else any Allow."""
    statements = [s for d in documents for s in _statements(d)]
    if any(s.get("Effect") == "Deny" and _covers(s, action, resource) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and _covers(s, action, resource) for s in statements)


def _blob_sha(text: str) -> str:
    """Git's blob id of the text, as GitHub's contents API reports `sha`."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
