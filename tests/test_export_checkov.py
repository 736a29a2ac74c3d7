"""checkov on both export formats: no failed check but the deliberate ones the README lists.

checkov pins its dependencies (beside the project it would take boto3 back below the 1.40 the
project needs), so it lives in its own virtual environment: `.ci/run` makes `.venv-checkov`;
`CHECKOV` may name another binary. It runs offline with `--skip-download` and
`BC_SKIP_MAPPING=TRUE`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import guide_settings
from wizard.export.cloudformation import render_cloudformation
from wizard.export.terraform import render_terraform

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = Path(os.environ.get("CHECKOV", ROOT / ".venv-checkov" / "bin" / "checkov"))

# Each failure checkov reports on purpose, with the reason the README gives.
DELIBERATE = {
    "CKV_AWS_51": "`latest` must move while VERSION-DATE-SHA tags stay fixed "
    "(IMMUTABLE_WITH_EXCLUSION); checkov accepts only IMMUTABLE.",
    "CKV_AWS_136": "ECR encrypts every repository at rest with AES-256 already; a customer "
    "managed KMS key is a cost and a key policy the wizard does not make.",
    "CKV_AWS_163": "only when scan on push is turned off on purpose (--no-scan-on-push); "
    "the default turns it on.",
    # The same rule in CloudFormation and Terraform: ECR Public only.
    "CKV_AWS_107": "ECR Public: pushing needs ecr-public:GetAuthorizationToken and "
    "sts:GetServiceBearerToken, which have no resource-level permissions.",
    "CKV_AWS_287": "the same as CKV_AWS_107, in Terraform.",
}

SETUPS = {
    "guide": guide_settings(),
    "any-ref": guide_settings(any_ref=True, tag_mutability="MUTABLE"),
    "owner-wide": guide_settings(any_repo_of_owner=True),
    "environments": guide_settings(environments=["prod"], tags=["v*"], scan_on_push=False),
    "immutable-subject": guide_settings(subject_format="immutable", owner_id="1", repo_id="2"),
    "public": guide_settings(public=True),
}


def run_checkov(directory: Path) -> list[dict[str, Any]]:
    answer = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(directory),
            "--framework",
            "cloudformation",
            "terraform",
            "--skip-download",
            "--compact",
            "--quiet",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        timeout=600,
        check=False,
    )
    # checkov exits 1 when a check fails; anything else is a failure to run.
    assert answer.returncode in (0, 1), answer.stderr
    reports = json.loads(answer.stdout)
    return reports if isinstance(reports, list) else [reports]


@pytest.mark.skipif(
    not CHECKOV.exists(),
    reason=f"checkov is not installed at {CHECKOV}: .ci/run installs it into .venv-checkov "
    "(or set CHECKOV to its path)",
)
def test_checkov_fails_only_the_deliberate_checks(tmp_path: Path) -> None:
    for name, settings in SETUPS.items():
        (tmp_path / name / "terraform").mkdir(parents=True)
        (tmp_path / name / "cloudformation").mkdir()
        (tmp_path / name / "terraform" / "main.tf").write_text(
            render_terraform(settings, github=True)
        )
        (tmp_path / name / "cloudformation" / "template.yaml").write_text(
            render_cloudformation(settings)
        )
    reports = run_checkov(tmp_path)
    assert {r["check_type"] for r in reports} == {"cloudformation", "terraform"}
    for report in reports:
        assert report["summary"]["parsing_errors"] == 0
        assert report["summary"]["passed"] > 0
    failed = {
        (f["check_id"], f["file_path"]) for r in reports for f in r["results"]["failed_checks"]
    }
    assert {check for check, _ in failed} <= set(DELIBERATE), sorted(failed)


def test_the_readme_lists_every_deliberate_failure_with_its_reason() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for check in DELIBERATE:
        assert f"`{check}`" in readme
