"""`explain --run`: read a finished workflow run through GitHub and explain why it failed.

The run is named by its id (the repository then comes from the settings) or by its URL
(`https://HOST/OWNER/REPO/actions/runs/ID`, optionally `/job/JOB_ID` or `/attempts/N`). Its
jobs come from the GitHub seam, each failed job's log too, and `run_logs` finds the failing
step and classifies it. Used by the CLI and by the Doctor screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from wizard.inert import inert
from wizard.run_logs import FailedJob, RunExplanation, explain_job, failed_jobs

_URL = re.compile(
    r"^https?://[^/\s]{1,255}/([\w.-]{1,100})/([\w.-]{1,100})/actions/runs/(\d{1,20})"
    r"(?:/job/(\d{1,20}))?(?:/attempts/\d{1,5})?/?(?:[?#]\S*)?$"
)
_ID = re.compile(r"^\d{1,20}$")
_REPO = re.compile(r"^[\w.-]{1,100}/[\w.-]{1,100}$")


class RunReader(Protocol):
    """What `explain_run` needs of GitHub (the client, or the sandbox's simulation)."""

    def run(self, owner: str, repo: str, run_id: int) -> dict[str, Any]: ...
    def run_jobs(self, owner: str, repo: str, run_id: int) -> list[dict[str, Any]]: ...
    def job_logs(self, owner: str, repo: str, job_id: int) -> str: ...
    def list_runs(
        self, owner: str, repo: str, *, event: str = "", branch: str = "", per_page: int = 30
    ) -> list[dict[str, Any]]: ...


class RunRefError(ValueError):
    """`--run` is neither a run id nor a run URL; `str()` names the field and the rule."""


@dataclass(frozen=True)
class RunRef:
    owner: str
    repo: str
    run_id: int
    job_id: int | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"


def parse_run_ref(value: str, github_repo: str = "") -> RunRef:
    """A run id (with `github_repo`) or a run URL to the run it names."""
    text = (value or "").strip()
    found = _URL.match(text)
    if found:
        owner, repo, run_id, job_id = found.groups()
        return RunRef(owner, repo, int(run_id), int(job_id) if job_id else None)
    if _ID.match(text):
        if not _REPO.match(github_repo or ""):
            raise RunRefError(
                "--run: a run id needs the repository: pass --github-repo OWNER/REPO, or give "
                "the run's URL (https://github.com/OWNER/REPO/actions/runs/ID)"
            )
        owner, repo = github_repo.split("/", 1)
        return RunRef(owner, repo, int(text))
    raise RunRefError(
        "--run: must be a run id (digits) or a run URL such as "
        f"https://github.com/OWNER/REPO/actions/runs/ID, got {inert(text[:200])!r}"
    )


def latest_failed_run(github: RunReader, github_repo: str) -> RunRef:
    """The repository's most recent run that ended in anything but success."""
    if not _REPO.match(github_repo or ""):
        raise RunRefError("--run latest: needs the repository: pass --github-repo OWNER/REPO")
    owner, repo = github_repo.split("/", 1)
    for run in github.list_runs(owner, repo):
        if run.get("status") == "completed" and run.get("conclusion") not in ("success", "skipped"):
            return RunRef(owner, repo, int(run["id"]))
    raise RunRefError(f"--run latest: {github_repo} has no failed run among its latest runs")


def explain_run(
    github: RunReader, ref: RunRef, values: Mapping[str, str] | None = None
) -> RunExplanation:
    """The run's failed jobs, each with its failing step and the catalogue's guidance.

    GitHub errors reading the run or its jobs propagate (the caller explains them with the
    catalogue); a job log that cannot be read is reported on that job.
    """
    run = github.run(ref.owner, ref.repo, ref.run_id)
    jobs = github.run_jobs(ref.owner, ref.repo, ref.run_id)
    if ref.job_id is not None:
        jobs = [j for j in jobs if int(j.get("id") or 0) == ref.job_id] or jobs
    known = {"github_repo": ref.full_name, **dict(values or {})}
    known.setdefault("workflow", _workflow_file(run))
    ref_name = str(run.get("head_branch") or "")
    if ref_name:
        known.setdefault("ref", ref_name)
    explained: list[FailedJob] = []
    for job in failed_jobs(jobs):
        try:
            log: str | None = github.job_logs(ref.owner, ref.repo, int(job.get("id") or 0))
            unread = ""
        except Exception as exc:  # one unreadable log must not hide the other jobs
            log, unread = None, f"the log could not be read: {exc}"
        explained.append(explain_job(job, log, known, unread=unread))
    return RunExplanation(
        run_id=ref.run_id,
        repo=ref.full_name,
        status=inert(str(run.get("status") or "")),
        conclusion=inert(str(run.get("conclusion") or "")),
        html_url=inert(str(run.get("html_url") or "")),
        workflow=inert(str(run.get("name") or _workflow_file(run))),
        event=inert(str(run.get("event") or "")),
        ref=inert(ref_name),
        jobs=tuple(explained),
    )


def _workflow_file(run: Mapping[str, Any]) -> str:
    path = str(run.get("path") or "").split("@")[0]
    return path.rsplit("/", 1)[-1]


def run_lines(explanation: RunExplanation) -> list[str]:
    """Plain text of an explained run, for any face; the guidance itself is rendered apart."""
    e = explanation
    state = e.conclusion or e.status or "unknown"
    lines = [f"Run {e.run_id} of {e.repo}: {state}  {e.html_url}".rstrip()]
    if e.workflow or e.event or e.ref:
        lines.append(f"  workflow {e.workflow or '?'}, event {e.event or '?'}, ref {e.ref or '?'}")
    if e.status and e.status != "completed":
        lines.append("  The run has not finished: its jobs are explained as they stand.")
    if not e.jobs:
        lines.append("  No job failed in this run.")
    for job in e.jobs:
        where = f" at step {job.step!r}" if job.step else ""
        lines.append(f"  Job {job.name!r} {job.conclusion}{where}.")
        if job.log_unread:
            lines.append(f"    ({job.log_unread})")
        failed = job.failed
        if failed and failed.run_line:
            lines.append(f"    Failing step ran: {failed.run_line}")
        for error in (failed.errors if failed else ())[:5]:
            lines.append(f"    error: {error[:300]}")
    return [inert(line) for line in lines]


def explanation_lines(explanation: RunExplanation) -> list[str]:
    """The run, then each failed job's guidance, as the lines any face shows."""
    from wizard.troubleshoot import guidance_text

    lines = run_lines(explanation)
    for job in explanation.jobs:
        if job.guidance:
            lines += ["", f"Job {job.name!r}:", *guidance_text(job.guidance, "").splitlines()]
        elif job.failed is not None:
            lines += ["", f"Job {job.name!r}: its failure is not in the catalogue."]
    return [inert(line) for line in lines]
