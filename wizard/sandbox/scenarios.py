"""Sandbox scenarios: the account and repository in a state worth diagnosing.

- `wizard` (the default): the six steps as the wizard does them; the doctor finds little.
- `guide`: the setup as the guide, followed literally, leaves it: a MUTABLE repository (the
  "immutable" version tag can be overwritten), a provider with the guide's thumbprint, a trust
  policy admitting `repo:OWNER/REPO:*` (every branch, tag, environment and pull request), and
  the values as secrets. `doctor --sandbox`, the Doctor screen and `explain` have real findings.
- `sub-mismatch`: the wizard's setup (the role trusts only the default branch), then a
  workflow run on the `dev` branch, which the role refuses: a failed run whose log says
  "Not authorized to perform sts:AssumeRoleWithWebIdentity", for `explain --run`.

The steps themselves are applied by the face that opens the sandbox (wizard/cli/sandbox.py);
this module holds the scenarios' answers and the failing run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.sandbox.box import Sandbox

SCENARIOS = ("wizard", "guide", "sub-mismatch")
DEFAULT_SCENARIO = "wizard"
# The guide's thumbprint: harmless, unused by AWS for GitHub since 2023-07-06.
GUIDE_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
# The branch the sub-mismatch run is on: the simulated repository has it, the role does not
# trust it.
MISMATCH_REF = "dev"
_RUN_WAIT_SECONDS = 30.0


@dataclass
class Seeded:
    """What a scenario did: lines for the person, and the failed run it left, if any."""

    lines: list[str] = field(default_factory=list)
    run_id: int | None = None
    run_url: str = ""


def guide_settings(settings: Settings) -> Settings:
    """The answers the guide gives, followed literally."""
    return settings.merged(
        {
            "tag_mutability": "MUTABLE",
            "mutability_exclusions": [],
            "any_ref": True,
            "branches": [],
            "environments": [],
            "tags": [],
            "pull_requests": False,
            "thumbprints": [GUIDE_THUMBPRINT],
            "github_values_as": "secrets",
        }
    )


def failing_run(box: Sandbox, settings: Settings) -> Seeded:
    """Dispatch the workflow on MISMATCH_REF and wait for the run to end (it fails when the
    role trusts only the default branch)."""
    seeded = Seeded()
    github: Any = box.github
    owner, repo = settings.owner, settings.repo_name
    # The simulated run's timeline is read from run_seconds whenever it is asked: the scenario's
    # sandbox keeps a short one, so the run is over when the person looks at it.
    github.run_seconds = 0.5
    # The scenario's repository has the workflow on its branches already (the simulated one
    # starts without it, so step 6 can show committing it).
    box.commit_workflow(settings)
    started = github.dispatch_workflow(owner, repo, settings.workflow_file, MISMATCH_REF)
    run_id = int(started["workflow_run_id"])
    deadline = time.monotonic() + _RUN_WAIT_SECONDS
    while time.monotonic() < deadline:
        if github.run(owner, repo, run_id).get("status") == "completed":
            break
        time.sleep(0.1)
    run = github.run(owner, repo, run_id)
    seeded.run_id = run_id
    seeded.run_url = str(run.get("html_url") or "")
    seeded.lines.append(
        f"  Run {run_id} on {MISMATCH_REF}: {run.get('conclusion') or run.get('status')}  "
        f"{seeded.run_url}"
    )
    return seeded
