"""The doctor's reports as plain text and JSON, shared by the CLI and the full-screen app.

Every line starts with a symbol and a severity word, so nothing depends on colour; a face may
colour a line by its first symbol (✗ high/error, ! medium, i low, ✓ ok, ○ not checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from wizard.claims import Verdict
from wizard.doctor import (
    AREA_TITLES,
    Finding,
    LiveView,
    ScanReport,
    SetupReport,
    Simulation,
    Status,
)
from wizard.inert import inert

Report: TypeAlias = SetupReport | ScanReport | Simulation | LiveView

MARK = {
    Status.OK: "✓",
    Status.HIGH: "✗",
    Status.ERROR: "✗",
    Status.MEDIUM: "!",
    Status.LOW: "i",
    Status.SKIPPED: "○",
}
_WORD_WIDTH = max(len(str(s)) for s in Status)
_INDENT = 2
# Where a finding's text starts: indent, mark, space, word, space.
_TEXT_COLUMN = _INDENT + 2 + _WORD_WIDTH + 1


def finding_lines(finding: Finding, *, indent: int = _INDENT) -> list[str]:
    """One line for the finding, one for its fix (when it has one)."""
    pad = " " * indent
    lines = [f"{pad}{MARK[finding.status]} {finding.status!s:<{_WORD_WIDTH}} {finding.message}"]
    if finding.fix and finding.status is not Status.OK:
        lines.append(" " * (indent + 2 + _WORD_WIDTH + 1) + f"fix: {finding.fix}")
    return lines


def _grouped(findings: Iterable[Finding]) -> list[str]:
    lines: list[str] = []
    current = None
    for finding in findings:
        if finding.area != current:
            current = finding.area
            lines.append(AREA_TITLES[finding.area])
        lines += finding_lines(finding)
    return lines


def _tally(findings: Iterable[Finding]) -> str:
    counts: dict[Status, int] = {}
    for f in findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    parts = [
        f"{counts[s]} {s}"
        for s in (Status.ERROR, Status.HIGH, Status.MEDIUM, Status.LOW, Status.SKIPPED)
        if counts.get(s)
    ]
    return ", ".join(parts)


def summary_line(findings: Iterable[Finding]) -> str:
    found = list(findings)
    tally = _tally(found)
    if any(f.failing for f in found):
        return f"✗ Problems found: {tally}. Fix the ✗ lines first."
    if tally:
        return f"✓ Healthy: no high-severity problem ({tally})."
    return "✓ Healthy: every check passed."


def setup_lines(report: SetupReport) -> list[str]:
    where = [
        f"account {report.account_id}" if report.account_id else "",
        report.region,
        f"role {report.role_name}" if report.role_name else "",
        f"repository {report.ecr_repository}" if report.ecr_repository else "",
        report.github_repo,
    ]
    lines = ["Doctor · " + " · ".join(w for w in where if w), ""]
    lines += _grouped(report.findings)
    lines += ["", summary_line(report.findings)]
    return lines


def scan_lines(report: ScanReport) -> list[str]:
    if report.error is not None:
        return [
            "Doctor · account scan",
            *finding_lines(report.error),
            "",
            summary_line([report.error]),
        ]
    count = len(report.roles)
    lines = [
        f"Doctor · account scan · account {report.account_id}: {count} of "
        f"{report.roles_seen} role{'s' if report.roles_seen != 1 else ''} trust GitHub's "
        "OIDC provider",
        "",
    ]
    if not report.roles:
        lines.append(
            "No role of this account trusts a GitHub issuer's provider (github.com, Enterprise "
            "Server, an enterprise's issuer, GHE.com) or a wildcard principal."
        )
        return lines
    width = max(len("ROLE"), *(len(r.role_name) for r in report.roles))
    lines.append(f"{'ROLE':<{width}}  {'SEVERITY':<{_WORD_WIDTH + 2}} FINDING")
    for role in report.roles:
        for index, finding in enumerate(role.findings):
            name = role.role_name if index == 0 else ""
            row = finding_lines(finding, indent=0)
            lines.append(f"{name:<{width}}  {row[0]}")
            lines += [" " * (width + 2) + extra for extra in row[1:]]
    lines += ["", summary_line(report.findings)]
    return lines


# Words and symbols, never colour alone: the three answers of the claim simulator.
_VERDICT_WORDS = {
    Verdict.ALLOWED: "✓ ALLOWED",
    Verdict.DENIED: "✗ DENIED",
    Verdict.CANNOT_TELL: "? CANNOT TELL",
}


def simulation_lines(sim: Simulation, *, indent: int = 0) -> list[str]:
    pad = " " * indent
    verdict = _VERDICT_WORDS[sim.verdict]
    head = f"{pad}{verdict}: {sim.job or 'this token'} → role {sim.role}"
    lines = [head, f"{pad}  {sim.decision.reason}"]
    # Each reason ends with how to give the missing value (--context, or a claim to add).
    lines += [f"{pad}  cannot evaluate: {cond.reason}" for cond in sim.decision.undecided]
    lines += [f"{pad}  invalid: {problem}" for problem in sim.decision.problems]
    if sim.decision.hidden_claims:
        lines.append(
            f"{pad}  not condition keys (STS does not expose them): "
            + ", ".join(sim.decision.hidden_claims)
        )
    if "sub" in sim.claims:
        lines.append(f"{pad}  sub sent:     {sim.claims['sub']}")
    if sim.accepted:
        lines.append(f"{pad}  sub accepted: {sim.accepted[0]}")
        lines += [f"{pad}                {a}" for a in sim.accepted[1:]]
    else:
        lines.append(f"{pad}  sub accepted: any (the trust policy has no sub condition)")
    others = {k: v for k, v in sim.claims.items() if k != "sub"}
    if others and indent == 0:
        lines.append(f"{pad}  other claims: " + ", ".join(f"{k}={v}" for k, v in others.items()))
    lines += [f"{pad}  note: {n}" for n in sim.notes if indent == 0]
    return lines


def live_lines(view: LiveView) -> list[str]:
    lines = ["Live setup (doctor)"]
    if view.unavailable:
        lines.append(f"  ○ {Status.SKIPPED!s:<{_WORD_WIDTH}} {view.unavailable}")
    if view.simulations:
        lines.append("  What the trust policy does with the jobs that usually hit this error:")
        for sim in view.simulations:
            lines += simulation_lines(sim, indent=4)
    if view.findings:
        lines += ["  " + line for line in _grouped(view.findings)]
    return lines


def report_lines(report: Report) -> list[str]:
    """Any doctor report as the lines both the CLI and the Doctor screen show; inert, as their
    text comes from AWS and GitHub."""
    if isinstance(report, SetupReport):
        lines = setup_lines(report)
    elif isinstance(report, ScanReport):
        lines = scan_lines(report)
    elif isinstance(report, Simulation):
        lines = simulation_lines(report)
    else:
        lines = live_lines(report)
    return [inert(line) for line in lines]
