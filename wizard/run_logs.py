"""A failed GitHub Actions job, from its steps and its log to the catalogue's guidance.

Step 6 (which follows the run it started) and `explain --run` (which reads any run) both use
this: the log is made inert, cut to the failing step's section (the last `##[group]Run ...`
before the first `##[error]`, to the next group), and that section, plus every `##[error]`
line, is classified. Pure: the caller fetches the jobs and the logs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.inert import inert
from wizard.troubleshoot import Guidance, classify

# A job's log can be megabytes long; only its end is read (where a failed step stops), and a
# failing step's section is shown only up to this many lines.
LOG_TAIL_CHARS = 2_000_000
SECTION_LINES = 400
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]{1,30}Z ", re.MULTILINE)
_GROUP = re.compile(r"^##\[group\]Run (.{0,300})$", re.MULTILINE)
_ERROR = re.compile(r"^(?:##\[error\]|Error: )(.{0,2000})$", re.MULTILINE)


def clean_log(log: str) -> str:
    """The log without timestamps or terminal control sequences, cut to its end."""
    return _TIMESTAMP.sub("", inert(log[-LOG_TAIL_CHARS:]))


def log_tail(log: str, lines: int = 15) -> str:
    return "\n".join(clean_log(log).rstrip().splitlines()[-lines:])


@dataclass(frozen=True)
class FailedStep:
    """What the log says about the step that failed: its `Run ...` line, its section and the
    error lines; empty strings when the log has no section markers."""

    run_line: str
    section: str
    errors: tuple[str, ...]


def failing_section(log: str) -> FailedStep:
    """The section of the step that failed: the `##[group]Run` before the first `##[error]`."""
    text = clean_log(log)
    errors = tuple(m.group(1).strip() for m in _ERROR.finditer(text))
    first_error = _ERROR.search(text)
    groups = list(_GROUP.finditer(text))
    if not groups:
        return FailedStep("", _last_lines(text), errors)
    at = first_error.start() if first_error else len(text)
    before = [g for g in groups if g.start() <= at]
    if not before:  # the error came before any step's group (the job's own setup)
        return FailedStep("", _last_lines(text[: groups[0].start()]), errors)
    start = before[-1]
    after = [g for g in groups if g.start() > at]
    end = after[0].start() if after else len(text)
    return FailedStep(start.group(1).strip(), _last_lines(text[start.start() : end]), errors)


def _last_lines(text: str) -> str:
    return "\n".join(text.rstrip().splitlines()[-SECTION_LINES:])


@dataclass(frozen=True)
class FailedJob:
    """One job of a run that did not succeed, with what its log says."""

    job_id: int
    name: str
    conclusion: str
    step: str  # the failing step's name, from the jobs API ("" when none is marked)
    html_url: str
    failed: FailedStep | None = None
    guidance: tuple[Guidance, ...] = ()
    # Why the log could not be read, when it could not.
    log_unread: str = ""

    def to_json(self) -> dict[str, object]:
        failed = self.failed
        return {
            "job_id": self.job_id,
            "name": self.name,
            "conclusion": self.conclusion,
            "step": self.step,
            "html_url": self.html_url,
            "run_line": failed.run_line if failed else "",
            "errors": list(failed.errors) if failed else [],
            "log_unread": self.log_unread,
            "guidance": [g.to_json() for g in self.guidance],
        }


def failed_jobs(jobs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The jobs whose conclusion is neither success nor skipped (nor still running)."""
    return [j for j in jobs if str(j.get("conclusion") or "") not in ("success", "skipped", "")]


def failing_step_name(job: Mapping[str, Any]) -> str:
    for step in job.get("steps") or []:
        if isinstance(step, Mapping) and step.get("conclusion") == "failure":
            return inert(str(step.get("name") or ""))
    return ""


def explain_job(
    job: Mapping[str, Any], log: str | None, values: Mapping[str, str], *, unread: str = ""
) -> FailedJob:
    """A failed job and its log (None when it could not be read) to guidance."""
    failed = failing_section(log) if log is not None else None
    guidance: list[Guidance] = []
    if failed is not None:
        # The error lines alone first: they are what the step printed last, and they decide.
        text = "\n".join([*failed.errors, failed.section])
        guidance = classify(text, values) or classify(clean_log(log or ""), values)
    return FailedJob(
        job_id=int(job.get("id") or 0),
        name=inert(str(job.get("name") or "")),
        conclusion=inert(str(job.get("conclusion") or "")),
        step=failing_step_name(job),
        html_url=inert(str(job.get("html_url") or "")),
        failed=failed,
        guidance=tuple(guidance),
        log_unread=inert(unread),
    )


@dataclass(frozen=True)
class RunExplanation:
    """A run that did not succeed, and each of its failed jobs explained."""

    run_id: int
    repo: str
    status: str
    conclusion: str
    html_url: str
    workflow: str = ""
    event: str = ""
    ref: str = ""
    jobs: tuple[FailedJob, ...] = field(default_factory=tuple)

    @property
    def recognised(self) -> bool:
        return any(job.guidance for job in self.jobs)

    def to_json(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "repo": self.repo,
            "status": self.status,
            "conclusion": self.conclusion,
            "html_url": self.html_url,
            "workflow": self.workflow,
            "event": self.event,
            "ref": self.ref,
            "recognised": self.recognised,
            "jobs": [job.to_json() for job in self.jobs],
        }
