"""Step 6: run the workflow once by hand and follow it to the end.

The plan holds one write, the dispatch. Applying it finds the run the dispatch started, follows
it (queued -> in_progress -> completed, with its jobs and steps) through a progress callback so
any face can draw it, and on failure reads the failing job's log and classifies it with the
troubleshooting catalogue.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.policies import audience, registry_host, subject_prefix, trust_policy
from wizard.run_logs import explain_job, log_tail
from wizard.settings import Settings
from wizard.steps.base import Status, Step, StepContext, StepResult

if TYPE_CHECKING:
    from wizard.workflow import Finding

# wizard.workflow and wizard.claims are imported where they are used: the app lists the steps
# before its first frame, and does not need them for that.

# Runs created this long before GitHub's dispatch time still count: GitHub's clocks differ.
CLOCK_SLACK_SECONDS = 120.0


@dataclass(frozen=True)
class StepProgress:
    number: int
    name: str
    status: str
    conclusion: str


@dataclass(frozen=True)
class JobProgress:
    job_id: int
    name: str
    status: str
    conclusion: str
    html_url: str
    steps: tuple[StepProgress, ...] = ()

    @property
    def failed_step(self) -> str:
        for step in self.steps:
            if step.conclusion == "failure":
                return step.name
        return ""


@dataclass(frozen=True)
class RunProgress:
    run_id: int
    status: str  # queued | in_progress | completed (and waiting, pending, requested)
    conclusion: str  # success | failure | cancelled | timed_out | ... ("" until completed)
    html_url: str
    jobs: tuple[JobProgress, ...] = ()

    @property
    def done(self) -> bool:
        return self.status == "completed"


ProgressCallback = Callable[[RunProgress], None]


def _mark(status: str, conclusion: str) -> str:
    # Words, not colours, so the state reads the same everywhere (NO_COLOR, screen readers).
    if status != "completed":
        return "running" if status == "in_progress" else "waiting"
    return {"success": "ok", "skipped": "skipped"}.get(conclusion, conclusion.upper() or "done")


def progress_text(progress: RunProgress) -> str:
    """Plain text of a run's state, for any face to print."""
    state = progress.conclusion if progress.done else progress.status
    lines = [f"Run {progress.run_id}: {state}  {progress.html_url}"]
    for job in progress.jobs:
        lines.append(f"  [{_mark(job.status, job.conclusion)}] job {job.name}")
        for step in job.steps:
            lines.append(f"      [{_mark(step.status, step.conclusion)}] {step.name}")
    return "\n".join(lines)


def progress_from(run: Mapping[str, Any], jobs: list[dict[str, Any]]) -> RunProgress:
    return RunProgress(
        run_id=int(run["id"]),
        status=str(run.get("status") or ""),
        conclusion=str(run.get("conclusion") or ""),
        html_url=str(run.get("html_url") or ""),
        jobs=tuple(
            JobProgress(
                job_id=int(job["id"]),
                name=str(job.get("name") or ""),
                status=str(job.get("status") or ""),
                conclusion=str(job.get("conclusion") or ""),
                html_url=str(job.get("html_url") or ""),
                steps=tuple(
                    StepProgress(
                        int(step.get("number") or 0),
                        str(step.get("name") or ""),
                        str(step.get("status") or ""),
                        str(step.get("conclusion") or ""),
                    )
                    for step in job.get("steps") or []
                ),
            )
            for job in jobs
        ),
    )


def _timestamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class RunNotFound(Exception):
    """The dispatch was accepted but no run showed up in time."""


class DispatchRefused(Exception):
    """The role's trust policy would refuse the run's token: nothing is dispatched."""


@dataclass(frozen=True)
class WorkflowState:
    checked: bool
    ref: str
    # None when not checked (no token).
    on_ref: bool | None = None
    findings: tuple[Finding, ...] = ()
    # The environment the committed file's job uses ("" none); None when not read or unknown.
    environment: str | None = None


@dataclass(frozen=True)
class DispatchCheck:
    """Whether the role would admit the token of the run step 6 starts."""

    sub: str
    allowed: bool
    reason: str
    # Which document was checked: the role's own, or the one step 3 sets.
    source: str
    environment: str = ""

    def refusal(self, s: Settings, ref: str) -> str:
        if self.environment:
            fix = (
                f"The job runs in environment {self.environment!r}: admit it with "
                f"--environment {self.environment} (and run step 3), or take the `environment:` "
                "line out of the workflow."
            )
        elif s.environments and not s.any_ref:
            fix = (
                f"The role admits environment {s.environments[0]!r} (--environment), but the "
                "job names none: write the workflow again with the `workflow` command (it adds "
                f"`environment: {s.environments[0]}` to the job), commit and push it."
            )
        else:
            fix = (
                f"Run on a ref the role admits (--ref BRANCH_OR_TAG), or admit {ref!r} with "
                f"--branch {ref} / --tag {ref} (and run step 3)."
            )
        return (
            f"The run on {ref!r} would fail: its token carries sub {self.sub!r}, and "
            f"{self.source} refuses it ({self.reason}), so configure-aws-credentials would "
            f"stop with 'Not authorized to perform sts:AssumeRoleWithWebIdentity'. {fix}"
        )


def ref_is_tag(s: Settings, ref: str) -> bool:
    """A ref step 6 runs on is a branch unless it says refs/tags/ or only a tag pattern has it."""
    from wizard.claims import glob_match

    if ref.startswith("refs/tags/"):
        return True
    if ref.startswith("refs/heads/"):
        return False
    short = ref
    in_tags = any(glob_match(t, short) for t in s.tags)
    in_branches = any(glob_match(b, short) for b in s.branches)
    return in_tags and not in_branches


def dispatch_sub(s: Settings, ref: str, environment: str) -> str | None:
    """The `sub` of the token a run on `ref` gets, in the repository's format; None when it
    cannot be known (a custom template with claims other than repo and context)."""
    from wizard.claims import build_sub

    keys = s.sub_claim_keys or ["repo", "context"]
    if set(keys) - {"repo", "context"}:
        return None
    immutable = s.subject_format == "immutable"
    tag = not environment and ref_is_tag(s, ref)
    try:
        full = build_sub(
            s.github_repo,
            environment=environment or None,
            tag=ref if tag else None,
            branch=None if environment or tag else ref,
            owner_id=s.owner_id if immutable else None,
            repo_id=s.repo_id if immutable else None,
        )
    except ValueError:
        return None
    # build_sub gives the default template (repo, then context); follow the repository's order.
    prefix = subject_prefix(s)
    context = full[len(prefix) + 1 :]
    return ":".join(prefix if key == "repo" else context for key in keys)


def _trust_to_check(ctx: StepContext, step3: bool) -> tuple[dict[str, Any], str] | None:
    """The trust policy the role has when the run starts, and what it is; None if unknown.
    `step3`: step 3 runs first, so the role gets the trust policy step 3 shows."""
    s = ctx.settings
    if not step3:
        try:
            role = ctx.aws.iam.get_role(RoleName=s.role_name)["Role"]
            raw: Any = role["AssumeRolePolicyDocument"]
            if isinstance(raw, str):
                raw = json.loads(urllib.parse.unquote(raw))
            if isinstance(raw, dict):
                return raw, f"the trust policy of the role {s.role_name}"
        except Exception:  # not created yet, or not readable: check what step 3 would set
            pass
    try:
        desired = ctx.document_overrides.get(3) or trust_policy(
            s, partition=ctx.partition, account_id=ctx.account_id
        )
    except Exception:  # no AWS identity: the check is a help, the run still tells
        return None
    return desired, "the trust policy step 3 sets"


def _without_key(document: dict[str, Any], claim: str) -> dict[str, Any]:
    """A copy of a policy whose conditions no longer test the claim `claim`."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    raw = copy.get("Statement")
    for statement in raw if isinstance(raw, list) else [raw]:
        block = statement.get("Condition") if isinstance(statement, dict) else None
        if not isinstance(block, dict):
            continue
        for keys in block.values():
            if isinstance(keys, dict):
                for key in [k for k in keys if str(k).lower().endswith(":" + claim)]:
                    del keys[key]
    return copy


def check_dispatch(
    ctx: StepContext, ref: str, environment: str | None, *, step3: bool | None = None
) -> DispatchCheck | None:
    """Evaluate the run's token against the role's trust policy; None when it cannot be.
    `step3` None: step 3 is in this run when its plan is (its plan sets role_arn)."""
    from wizard.claims import Verdict, evaluate

    s = ctx.settings
    if environment is None:
        return None
    sub = dispatch_sub(s, ref, environment)
    if sub is None:
        return None
    found = _trust_to_check(ctx, "role_arn" in ctx.outputs if step3 is None else step3)
    if found is None:
        return None
    document, source = found
    try:
        partition = ctx.partition
        account_id = ctx.account_id
    except Exception:  # no AWS identity: the check is a help, the run still tells
        return None
    claims = {"sub": sub, "aud": audience(partition)}
    if s.repo_id:
        claims["repository_id"] = s.repo_id
    else:
        # GitHub was not asked for the id: the real token carries it, so a repository_id
        # condition is left out of the check rather than reported as a refusal.
        document = _without_key(document, "repository_id")
    issuer = s.oidc_issuer
    decision = evaluate(
        document,
        claims,
        provider_arn=issuer.provider_arn(partition, account_id),
        issuer=issuer,
        partial=True,
    )
    # Only a sure refusal stops the dispatch: "cannot tell" lets the run itself answer.
    refused = decision.verdict is Verdict.DENIED
    return DispatchCheck(sub, not refused, decision.reason, source, environment)


def expected_registry(ctx: StepContext) -> str:
    """The host (or public.ecr.aws/ALIAS) the workflow must push to; "" when unknown."""
    from wizard.workflow import PUBLIC_REGISTRY

    if ctx.settings.public:
        uri = ctx.outputs.get("repository_uri", "")
        parts = uri.split("/")
        return "/".join(parts[:2]) if uri.startswith(PUBLIC_REGISTRY + "/") else ""
    return ctx.outputs.get("registry") or registry_host(ctx.account_id, ctx.region, ctx.partition)


def run_ref(s: Settings) -> str:
    """The ref step 6 runs the workflow on: --ref, else the default branch, unless the role
    admits only other branches (then the first it names)."""
    from wizard.claims import glob_match

    if s.workflow_ref:
        return s.workflow_ref
    default = s.default_branch or "main"
    # A role scoped to other branches refuses a run on the default branch: run on the
    # first branch it names instead (the workflow builds on pushes to those branches).
    admitted = any(glob_match(b, default) for b in s.branches)
    if s.branches and not admitted and not s.any_ref and not s.environments:
        literal = [b for b in s.branches if "*" not in b and "?" not in b]
        if literal:
            return literal[0]
    return default


class WorkflowRunStep(Step[WorkflowState]):
    number = 6
    key = "workflow-run"
    title = "Test the Workflow"
    undo = (
        "A run cannot be undone; the images it pushed can be deleted with "
        "`aws ecr batch-delete-image --repository-name NAME --image-ids imageTag=TAG`."
    )
    purpose = (
        "Runs the workflow once by hand (workflow_dispatch) and follows it, so a wrong trust "
        "policy, secret or registry shows up now, with its cause and fix."
    )

    def __init__(
        self,
        *,
        on_progress: ProgressCallback | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        poll_interval: float | None = None,
        timeout: float | None = None,
    ) -> None:
        # Faces set `on_progress` after construction to draw the run as it goes, and may wrap
        # `sleep` to cancel between polls (an exception from either stops following the run;
        # the run itself goes on on GitHub).
        self.on_progress = on_progress
        self.sleep = sleep
        self._clock = clock
        self._poll_interval = poll_interval
        self._timeout = timeout
        # Set by `apply` faces (wizard.cli.github.wire_github): a plan whose run the role
        # would refuse raises DispatchRefused instead of only warning, so nothing is sent.
        self.refuse_denied = False
        # What the last plan observed, so apply re-checks the same file without reading it again.
        self._observed: WorkflowState | None = None

    def ref(self, ctx: StepContext) -> str:
        return run_ref(ctx.settings)

    def inspect(self, ctx: StepContext) -> WorkflowState:
        from wizard.workflow import WORKFLOWS_DIR, Expectations, check_workflow, job_environment

        ref = self.ref(ctx)
        if ctx.github is None:
            return WorkflowState(checked=False, ref=ref)
        s = ctx.settings
        text = ctx.github.file_text(s.owner, s.repo_name, f"{WORKFLOWS_DIR}/{s.workflow_file}", ref)
        findings: tuple[Finding, ...] = ()
        environment: str | None = None
        if text is not None:
            expect = Expectations(values_as=s.github_values_as, registry=expected_registry(ctx))
            findings = tuple(check_workflow(text, expect))
            environment = job_environment(text)
        return WorkflowState(
            checked=True,
            ref=ref,
            on_ref=text is not None,
            findings=findings,
            environment=environment,
        )

    def check(
        self, ctx: StepContext, observed: WorkflowState, *, step3: bool | None = None
    ) -> DispatchCheck | None:
        """The run's token against the role; the committed file's environment when read, else
        the one the wizard's workflow uses."""
        from wizard.workflow import workflow_spec

        environment = observed.environment
        if not observed.on_ref:
            environment = workflow_spec(ctx.settings).environment
        return check_dispatch(ctx, observed.ref, environment, step3=step3)

    def plan(self, ctx: StepContext, observed: WorkflowState) -> StepPlan:
        from wizard.workflow import WORKFLOWS_DIR, commit_help

        s = ctx.settings
        ref = observed.ref
        self._observed = observed
        call = Call(
            "github",
            "dispatch_workflow",
            {
                "owner": s.owner,
                "repo": s.repo_name,
                "workflow": s.workflow_file,
                "ref": ref,
                "inputs": {},
            },
        )
        change = Change(
            Action.CREATE,
            f"a run of {s.workflow_file} on {ref}",
            f"run {s.workflow_file} on {ref!r} (like `gh workflow run {s.workflow_file} "
            f"--repo {s.github_repo} --ref {ref}`) and follow it to the end",
            calls=(call,),
        )
        notes: list[Note] = []
        if not observed.checked:
            notes.append(
                Note(
                    Severity.WARNING,
                    "Not checked with GitHub (no token): whether the workflow is on "
                    f"{ref!r} is unknown. A token is needed to run it (set GH_TOKEN).",
                )
            )
        elif not observed.on_ref and ctx.outputs.get("workflow_published_to") == ref:
            notes.append(
                Note(
                    Severity.INFO,
                    f"{WORKFLOWS_DIR}/{s.workflow_file} is committed to {ref!r} earlier in this "
                    "run, before the run starts.",
                )
            )
        elif not observed.on_ref and ctx.outputs.get("workflow_in_pull_request") == ref:
            notes.append(
                Note(
                    Severity.WARNING,
                    f"{WORKFLOWS_DIR}/{s.workflow_file} reaches {ref!r} when its pull request is "
                    "merged; GitHub refuses to run it before. Merge it (on GitHub, or with the "
                    "merge choice of step 6), then run the workflow.",
                )
            )
        elif not observed.on_ref:
            notes.append(
                Note(
                    Severity.WARNING,
                    f"{WORKFLOWS_DIR}/{s.workflow_file} is not on {ref!r} yet, so GitHub will "
                    "refuse to run it. Step 6 can commit it through the GitHub API (a branch "
                    "and a pull request: `--publish pull-request`, f5 in the app), or write it "
                    "with the `workflow` command, then:\n"
                    + commit_help(f"{WORKFLOWS_DIR}/{s.workflow_file}", ref),
                )
            )
        notes += [f.to_note() for f in observed.findings]
        checked = self.check(ctx, observed)
        if checked is not None and not checked.allowed:
            if self.refuse_denied:
                raise DispatchRefused(checked.refusal(s, ref) + " Nothing was dispatched.")
            notes.insert(0, Note(Severity.DANGER, checked.refusal(s, ref)))
        elif checked is None and observed.on_ref and observed.environment is None:
            notes.append(
                Note(
                    Severity.WARNING,
                    "The job's `environment:` is an expression, so whether the role admits the "
                    "run's token cannot be checked before the run.",
                )
            )
        return self.new_plan(changes=(change,), notes=tuple(notes))

    # --- apply: dispatch, find the run, follow it ---------------------------------------------

    def apply(self, ctx: StepContext, plan: StepPlan) -> StepResult:
        if ctx.github is None:
            raise RuntimeError(
                "this step needs a GitHub token: set GH_TOKEN (or run gh auth login)"
            )
        start = len(ctx.sent)
        s = ctx.settings
        poll = self._poll_interval if self._poll_interval is not None else s.run_poll_seconds
        timeout = self._timeout if self._timeout is not None else s.run_timeout_seconds
        deadline = self._clock() + timeout
        dispatch = plan.calls[0]
        ref = str(dispatch.params["ref"])
        # Step 3 may have changed the role since the plan: check its trust policy now, so a run
        # it would refuse is not started (a face may apply a plan that carried the warning).
        observed = self._observed
        if observed is not None and observed.ref == ref:
            checked = self.check(ctx, observed)
            if checked is not None and not checked.allowed:
                return self._result(
                    ctx,
                    start,
                    Status.FAILED,
                    error=checked.refusal(s, ref) + " Nothing was dispatched.",
                )
        # Runs that exist just before the dispatch cannot be the one it starts.
        previous = self._run_ids(ctx, ref)
        dispatched = ctx.send(dispatch) or {}
        try:
            run = self._find_run(ctx, dispatched, ref, previous, deadline, poll)
        except RunNotFound as exc:
            return self._result(ctx, start, Status.FAILED, error=str(exc))
        progress = self._follow(ctx, int(run["id"]), deadline, poll)
        outputs = {"run_id": str(progress.run_id), "run_url": progress.html_url}
        if not progress.done:
            minutes = max(1, round(timeout / 60))
            return self._result(
                ctx,
                start,
                Status.FAILED,
                outputs=outputs,
                error=(
                    f"The run is still {progress.status} after {minutes} minute(s); it goes on "
                    f"at {progress.html_url}. Watch it with: gh run watch {progress.run_id} "
                    f"--repo {s.github_repo}"
                ),
            )
        outputs["run_conclusion"] = progress.conclusion
        if progress.conclusion == "success":
            ctx.outputs.update(outputs)
            return self._result(ctx, start, Status.DONE, outputs=outputs)
        return self._failed_run(ctx, start, progress, outputs, ref)

    def _run_ids(self, ctx: StepContext, ref: str) -> frozenset[int]:
        s = ctx.settings
        runs = ctx.github.list_runs(s.owner, s.repo_name, event="workflow_dispatch", branch=ref)
        return frozenset(int(r["id"]) for r in runs)

    def _find_run(
        self,
        ctx: StepContext,
        dispatched: Mapping[str, Any],
        ref: str,
        previous: frozenset[int],
        deadline: float,
        poll: float,
    ) -> dict[str, Any]:
        s = ctx.settings
        if dispatched.get("workflow_run_id"):
            run: dict[str, Any] = ctx.github.run(
                s.owner, s.repo_name, int(dispatched["workflow_run_id"])
            )
            return run
        since = float(dispatched.get("dispatched_at") or time.time()) - CLOCK_SLACK_SECONDS
        while True:
            runs = ctx.github.list_runs(s.owner, s.repo_name, event="workflow_dispatch", branch=ref)
            candidates = [
                r
                for r in runs
                if int(r["id"]) not in previous
                and _timestamp(str(r.get("created_at") or "1970-01-01T00:00:00Z")) >= since
                and _same_workflow(r, s.workflow_file)
            ]
            if candidates:
                return max(candidates, key=lambda r: (str(r.get("created_at")), int(r["id"])))
            if self._clock() >= deadline:
                raise RunNotFound(
                    f"GitHub accepted the dispatch of {s.workflow_file} on {ref!r}, but no run "
                    "showed up in time. Look at the Actions tab, or: gh run list --repo "
                    f"{s.github_repo} --workflow {s.workflow_file} --limit 5"
                )
            self.sleep(poll)

    def _follow(self, ctx: StepContext, run_id: int, deadline: float, poll: float) -> RunProgress:
        s = ctx.settings
        last: RunProgress | None = None
        while True:
            run = ctx.github.run(s.owner, s.repo_name, run_id)
            jobs = ctx.github.run_jobs(s.owner, s.repo_name, run_id)
            progress = progress_from(run, jobs)
            if progress != last and self.on_progress is not None:
                self.on_progress(progress)
            last = progress
            if progress.done or self._clock() >= deadline:
                return progress
            self.sleep(poll)

    def _failed_run(
        self,
        ctx: StepContext,
        start: int,
        progress: RunProgress,
        outputs: dict[str, str],
        ref: str,
    ) -> StepResult:
        s = ctx.settings
        failed = [j for j in progress.jobs if j.conclusion not in ("success", "skipped", "")]
        parts = [f"The run ended {progress.conclusion}: {progress.html_url}"]
        values = _values(ctx, ref)
        guidance: list[Any] = []
        for job in failed:
            where = f" at step {job.failed_step!r}" if job.failed_step else ""
            parts.append(f"Job {job.name!r} {job.conclusion}{where}.")
            try:
                log: str | None = ctx.github.job_logs(s.owner, s.repo_name, job.job_id)
            except Exception as exc:  # the log is a help, not a must: report and go on
                parts.append(f"(Its log could not be read: {exc})")
                continue
            tail = log_tail(log or "")
            if tail:
                parts.append("Last lines of its log:\n" + tail)
            raw = {"id": job.job_id, "name": job.name, "conclusion": job.conclusion}
            for found in explain_job(raw, log, values).guidance:
                if all(found.case != g.case for g in guidance):
                    guidance.append(found)
        return self._result(
            ctx, start, Status.FAILED, outputs=outputs, error="\n".join(parts), guidance=guidance
        )

    def _result(
        self,
        ctx: StepContext,
        start: int,
        status: Status,
        *,
        outputs: dict[str, str] | None = None,
        error: str = "",
        guidance: list[Any] | None = None,
    ) -> StepResult:
        return StepResult(
            self.number,
            self.key,
            self.title,
            status,
            calls=ctx.sent[start:],
            outputs=dict(outputs or {}),
            error=error,
            guidance=list(guidance or []),
        )


def _same_workflow(run: Mapping[str, Any], workflow_file: str) -> bool:
    path = str(run.get("path") or "")
    return not path or path.split("@")[0].endswith("/" + workflow_file)


def _values(ctx: StepContext, ref: str) -> dict[str, str]:
    """The run's own facts, so the catalogue's commands are runnable as printed."""
    try:
        from wizard.steps.base import user_values

        values: dict[str, str] = user_values(ctx)
    except Exception:  # values only fill in commands; guidance without them still helps
        values = {"github_repo": ctx.settings.github_repo, "region": ctx.region}
    values["workflow"] = ctx.settings.workflow_file
    values["ref"] = ref
    return values
