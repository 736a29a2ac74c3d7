"""Plain-text rendering of a manifest run: one line per repository in the plan, a line per
repository as it finishes, and the table of results with each failure's guidance.

One line per repository keeps a hundred of them readable; the full documents are in `--json`,
and `plan` without a manifest shows them for one repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.inert import inert
from wizard.plan import Action, Severity
from wizard.render.plan_text import NOTE_MARK, SYMBOL, guidance_lines
from wizard.steps.push_policy import ROLE_MISSING_NOTE

if TYPE_CHECKING:
    from wizard.manifest.engine import ManifestRun, Outcome, Progress

# Symbol and word for every state: never colour alone.
STATE_MARK = {
    "waiting": "·",
    "inspecting": "…",
    "changes planned": "~",
    "no change": "=",
    "applying": "…",
    "throttled, retrying": "…",
    "done": "✓",
    "unchanged": "=",
    "failed": "✗",
    "skipped": "-",
}
FINAL = frozenset({"changes planned", "no change", "done", "unchanged", "failed", "skipped"})
RETRY_MANIFEST = (
    "The others are kept; run the same command again after the fix: only what is missing is sent."
)


def _changes(outcome: Outcome) -> str:
    parts = [
        f"{SYMBOL[change.action]} {change.resource}"
        for plan in outcome.plans
        for change in plan.changes
        if change.action is not Action.NOOP
    ]
    return "; ".join(parts) if parts else "no change"


def plan_lines(run: ManifestRun) -> list[str]:
    provider = run.provider.run
    lines = [f"Manifest {run.manifest.source}: {len(run.manifest.entries)} repositories"]
    for plan in provider.plans:
        for change in plan.changes:
            lines.append(f"  {SYMBOL[change.action]} {change.resource}: {change.summary}")
    for outcome in run.outcomes():
        s = outcome.entry.settings
        head = f"  {STATE_MARK[str(outcome.state)]} {s.github_repo} -> {s.ecr_repository}"
        if outcome.failure is not None:
            lines.append(f"{head}: cannot be planned: {inert(outcome.failure.error)}")
            continue
        lines.append(f"{head} (role {s.role_name}): {_changes(outcome)}")
    # Step 4's "the role does not exist yet" is for a run of step 4 alone: here step 3 runs first.
    seen = {ROLE_MISSING_NOTE.format(role=g.role_name) for g in run.manifest.groups}
    for unit in run.units:
        for plan in unit.run.plans:
            for note in plan.notes:
                if note.severity is Severity.INFO or note.text in seen:
                    continue
                seen.add(note.text)
                lines.append(f"  {NOTE_MARK[note.severity]:>2} {note.severity}: {note.text}")
    lines.append(summary_line(run))
    return lines


def summary_line(run: ManifestRun) -> str:
    outcomes = run.outcomes()
    changing = sum(1 for o in outcomes if str(o.state) == "changes planned")
    failed = sum(1 for o in outcomes if str(o.state) == "failed")
    if not changing and not failed and not run.provider.run.has_changes:
        return f"No changes: all {len(outcomes)} repositories already match the plan."
    text = f"Plan: {changing} of {len(outcomes)} repositories to change"
    if failed:
        text += f", {failed} cannot be planned"
    return text + "."


def progress_line(event: Progress, done: int, total: int) -> str:
    """A line when one repository (or the provider) reaches a state worth telling."""
    what = event.key or "OIDC provider"
    step = f" (step {event.step})" if event.step and not event.final else ""
    detail = f": {inert(event.detail)}" if event.detail else ""
    return f"[{done}/{total}] {STATE_MARK[str(event.state)]} {event.state:<15} {what}{step}{detail}"


def table_rows(run: ManifestRun) -> list[tuple[str, str, str, str, str]]:
    """Repository, ECR repository, role, state (symbol and word), writes."""
    return [
        (
            o.entry.settings.github_repo,
            o.entry.settings.ecr_repository,
            o.entry.settings.role_name,
            f"{STATE_MARK[str(o.state)]} {o.state}",
            str(o.writes),
        )
        for o in run.outcomes()
    ]


def table_lines(run: ManifestRun) -> list[str]:
    """The results table as text (the app and rich render the same rows as a table)."""
    header = ("GitHub repository", "ECR repository", "role", "state", "writes")
    rows = [header, *table_rows(run)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def failure_lines(run: ManifestRun, retry: str = RETRY_MANIFEST) -> list[str]:
    lines: list[str] = []
    reported: set[int] = set()
    for outcome in run.failed:
        failure = outcome.failure
        if failure is None:
            continue
        s = outcome.entry.settings
        lines.append(
            f"✗ {s.github_repo} -> {s.ecr_repository}: step {failure.step} · {failure.title} "
            f"failed: {inert(failure.error)}"
        )
        if id(failure) in reported:
            lines.append("  (the same failure as above: they share it)")
            continue
        reported.add(id(failure))
        if not failure.guidance:
            lines.append("  This error is not in the troubleshooting catalogue.")
        for guidance in failure.guidance:
            lines += guidance_lines(guidance)
    if lines and retry:
        lines.append(retry)
    return lines


def counts_line(run: ManifestRun) -> str:
    counts: dict[str, int] = {}
    for outcome in run.outcomes():
        counts[str(outcome.state)] = counts.get(str(outcome.state), 0) + 1
    parts = [f"{n} {state}" for state, n in counts.items()]
    total = len(run.manifest.entries)
    return f"{total} repositories: " + ", ".join(parts) + f"; {run.sent} writes."


def outcome_word(outcome: Outcome) -> str:
    return f"{STATE_MARK[str(outcome.state)]} {outcome.state}"
