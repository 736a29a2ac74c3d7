"""The doctor: audit a live setup, scan an account's GitHub roles, simulate a workflow's token.

Three questions, one engine:

* `check_setup` — is the configured provider, role, push policy, repository (and, with a
  GitHub token, the repository's secrets or variables and workflow file) fit for a push?
* `scan_account` — which roles of the account trust GitHub's OIDC provider, and how safely?
* `simulate` — would a token with these claims be let in by this trust policy, and which
  condition decides?

Reads go through the AWS seam (`wizard.aws.Aws`, reusing each step's `inspect`) and, when given,
a GitHub reader (`wizard.github_api.GitHub`). Judging what was read is done by pure functions
(`provider_findings`, `role_findings`, `push_policy_findings`, `repository_findings`, ...), so
every rule is tested without AWS. All wording lives in this package; faces render it
(`wizard.doctor_report`) and never write a finding themselves.

The modules, each by what it holds: `findings` (Status, Area, Finding), `reports` (what each
question answers), `github_reader` (the GitHub client and how one is found), `aws_checks` and
`push_policy_checks` (pure judgements of what AWS holds), `github_checks`, `setup_check`
(`check_setup`), `scan`, `simulation` and `live` (the view `explain --live` shows). Import from
the package: its names are the public API, and faces look them up here at call time (tests
replace `wizard.doctor.find_github`).
"""

from __future__ import annotations

from wizard.doctor.aws_checks import (
    expected_jobs,
    provider_findings,
    repository_findings,
    role_findings,
    sample_version_tag,
    tag_is_immutable,
    trust_findings,
    trusts_github,
)
from wizard.doctor.findings import ALL_AREAS, AREA_TITLES, Area, Finding, Status, worst
from wizard.doctor.github_checks import github_findings
from wizard.doctor.github_reader import GitHubReader, find_github
from wizard.doctor.live import explain_live, live_areas
from wizard.doctor.push_policy_checks import push_policy_findings
from wizard.doctor.reports import LiveView, RoleScan, ScanReport, SetupReport, Simulation
from wizard.doctor.scan import scan_account, scan_roles
from wizard.doctor.setup_check import check_setup
from wizard.doctor.simulation import (
    accepted_subjects,
    claims_from_text,
    job_claims,
    simulate,
    simulate_role,
)

__all__ = [
    "ALL_AREAS",
    "AREA_TITLES",
    "Area",
    "Finding",
    "GitHubReader",
    "LiveView",
    "RoleScan",
    "ScanReport",
    "SetupReport",
    "Simulation",
    "Status",
    "accepted_subjects",
    "check_setup",
    "claims_from_text",
    "expected_jobs",
    "explain_live",
    "find_github",
    "github_findings",
    "job_claims",
    "live_areas",
    "provider_findings",
    "push_policy_findings",
    "repository_findings",
    "role_findings",
    "sample_version_tag",
    "scan_account",
    "scan_roles",
    "simulate",
    "simulate_role",
    "tag_is_immutable",
    "trust_findings",
    "trusts_github",
    "worst",
]
