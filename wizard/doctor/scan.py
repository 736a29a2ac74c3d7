"""The account scan: every role whose trust policy names GitHub's OIDC provider, judged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from wizard.doctor.aws_checks import trust_findings, trusts_github
from wizard.doctor.findings import _RANK, Area, Finding, Status, _error_summary
from wizard.doctor.reports import RoleScan, ScanReport

if TYPE_CHECKING:
    from wizard.aws import Aws


def scan_roles(roles: Iterable[Mapping[str, Any]], *, account_id: str) -> tuple[RoleScan, ...]:
    """The roles (as iam list_roles returns them) that trust GitHub's provider, worst first."""
    scans: list[RoleScan] = []
    for role in roles:
        policy = role.get("AssumeRolePolicyDocument")
        if not trusts_github(policy):
            continue
        assert isinstance(policy, Mapping)
        findings = trust_findings(policy, account_id=account_id)
        scans.append(
            RoleScan(str(role.get("RoleName", "")), str(role.get("Arn", "")), tuple(findings))
        )
    return tuple(sorted(scans, key=lambda r: (_RANK[r.worst], r.role_name.lower())))


def scan_account(aws: Aws) -> ScanReport:
    """Every role of the account whose trust names GitHub's OIDC provider, with its findings."""
    try:
        account = aws.identity().account_id
        roles: list[Mapping[str, Any]] = []
        for page in aws.iam.get_paginator("list_roles").paginate():
            roles += page["Roles"]
    except Exception as exc:
        text, fix = _error_summary(exc)
        known = aws.known_identity
        return ScanReport(
            account_id=known.account_id if known else "",
            roles_seen=0,
            roles=(),
            error=Finding(Area.ACCOUNT, "scan-failed", Status.ERROR, f"AWS: {text}", fix),
        )
    return ScanReport(account, len(roles), scan_roles(roles, account_id=account))
