"""What a roll-out asks for: one stack set, the accounts (or organizational units) and regions it
reaches, how it is permitted, and how fast CloudFormation may go. Values and rules only.

The rules are CloudFormation's own (API reference: CreateStackSet, CreateStackInstances,
DeploymentTargets, StackSetOperationPreferences), checked here so that a bad value is refused
with the flag's name before anything is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wizard.validate import FieldError
from wizard.validate import account_id as account_id_errors
from wizard.validate import region as region_errors

SELF_MANAGED = "SELF_MANAGED"
SERVICE_MANAGED = "SERVICE_MANAGED"
STRICT = "STRICT_FAILURE_TOLERANCE"
SOFT = "SOFT_FAILURE_TOLERANCE"
# CreateStackSet: StackSetName, "[a-zA-Z][-a-zA-Z0-9]*", at most 128 characters.
_STACK_SET_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
# DeploymentTargets.OrganizationalUnitIds: an OU, or the organization's root.
_OU = re.compile(r"ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}")
DEFAULT_STACK_SET_NAME = "ecr-oidc-wizard"


@dataclass(frozen=True)
class Preferences:
    """StackSetOperationPreferences. CloudFormation's own defaults are a failure tolerance of 0
    and one account at a time; they are spelled out so the plan shows them."""

    failure_tolerance_count: int | None = None
    failure_tolerance_percentage: int | None = None
    max_concurrent_count: int | None = None
    max_concurrent_percentage: int | None = None
    region_concurrency: str = "SEQUENTIAL"
    concurrency_mode: str = STRICT

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "RegionConcurrencyType": self.region_concurrency,
            "ConcurrencyMode": self.concurrency_mode,
        }
        if self.failure_tolerance_percentage is not None:
            out["FailureTolerancePercentage"] = self.failure_tolerance_percentage
        else:
            out["FailureToleranceCount"] = self.failure_tolerance_count or 0
        if self.max_concurrent_percentage is not None:
            out["MaxConcurrentPercentage"] = self.max_concurrent_percentage
        else:
            out["MaxConcurrentCount"] = self.max_concurrent_count or 1
        return out

    def describe(self) -> str:
        api = self.to_api()
        tolerance = (
            f"{api['FailureTolerancePercentage']}% of accounts"
            if "FailureTolerancePercentage" in api
            else f"{api['FailureToleranceCount']} account(s)"
        )
        concurrent = (
            f"{api['MaxConcurrentPercentage']}% of accounts"
            if "MaxConcurrentPercentage" in api
            else f"{api['MaxConcurrentCount']} account(s)"
        )
        return (
            f"failure tolerance {tolerance} per region, at most {concurrent} at once, "
            f"regions {self.region_concurrency.lower()}, {self.concurrency_mode}"
        )

    def effective_note(self) -> str:
        """In strict mode CloudFormation runs at most FailureToleranceCount + 1 accounts at once,
        whatever MaxConcurrentCount says (StackSetOperationPreferences, ConcurrencyMode)."""
        api = self.to_api()
        if self.concurrency_mode != STRICT:
            return ""
        tolerance, concurrent = api.get("FailureToleranceCount"), api.get("MaxConcurrentCount")
        if tolerance is not None and concurrent is not None and concurrent > tolerance + 1:
            return (
                f"In {STRICT} mode CloudFormation starts at most {tolerance + 1} account(s) at "
                f"once (failure tolerance + 1), not {concurrent}; raise the failure tolerance or "
                f"use {SOFT} to go faster."
            )
        return ""


@dataclass(frozen=True)
class RolloutSpec:
    stack_set_name: str = DEFAULT_STACK_SET_NAME
    permission_model: str = SELF_MANAGED
    accounts: tuple[str, ...] = ()
    organizational_units: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    # Accounts that already have GitHub's OIDC provider (IAM keeps one per URL per account):
    # their stacks reuse it instead of failing to create a second one.
    existing_provider_accounts: tuple[str, ...] = ()
    # Self-managed only: the roles StackSets uses (empty: CloudFormation's default names).
    administration_role_arn: str = ""
    execution_role_name: str = ""
    # Service-managed only: deploy to accounts that join the OUs later.
    auto_deployment: bool = False
    # Service-managed, from a delegated administrator account instead of the management one.
    delegated_admin: bool = False

    @property
    def call_as(self) -> dict[str, str]:
        if self.permission_model == SERVICE_MANAGED:
            return {"CallAs": "DELEGATED_ADMIN" if self.delegated_admin else "SELF"}
        return {}


def _error(field_name: str, flag: str, value: object, text: str) -> FieldError:
    shown = f" {value!r}" if value not in ("", None) else ""
    return FieldError(field_name, "rollout", f"{flag}{shown}: {text}")


def _range(flag: str, value: int | None, low: int, high: int) -> list[FieldError]:
    if value is None or low <= value <= high:
        return []
    return [_error(flag.lstrip("-").replace("-", "_"), flag, value, f"must be {low} to {high}.")]


def rollout_errors(spec: RolloutSpec) -> list[FieldError]:
    """Every rule of the spec; an empty list means it is safe to call CloudFormation."""
    errors: list[FieldError] = []
    if not _STACK_SET_NAME.fullmatch(spec.stack_set_name):
        errors.append(
            _error(
                "stack_set_name",
                "--stack-set-name",
                spec.stack_set_name,
                "must start with a letter and hold only letters, digits and '-', at most 128 "
                "characters (CloudFormation's rule for stack set names).",
            )
        )
    if not spec.regions:
        errors.append(_error("regions", "--regions", "", "name at least one region."))
    for value in spec.regions:
        errors += [
            _error("regions", "--regions", value, e.message.split(": ", 1)[-1])
            for e in region_errors(value)
        ]
    for name, flag, values in (
        ("accounts", "--accounts", spec.accounts),
        (
            "existing_provider_accounts",
            "--existing-provider-accounts",
            spec.existing_provider_accounts,
        ),
    ):
        for value in values:
            errors += [
                _error(name, flag, value, e.message.split(": ", 1)[-1])
                for e in account_id_errors(value)
            ]
    errors += _twice("regions", "--regions", spec.regions)
    errors += _twice("accounts", "--accounts", spec.accounts)
    errors += _twice("organizational_units", "--organizational-units", spec.organizational_units)
    for value in spec.organizational_units:
        if not _OU.fullmatch(value):
            errors.append(
                _error(
                    "organizational_units",
                    "--organizational-units",
                    value,
                    "must be an OU ID (ou-xxxx-yyyyyyyy) or the root ID (r-xxxx).",
                )
            )
    errors += _targets(spec)
    errors += _preferences(spec.preferences)
    return errors


def _twice(field_name: str, flag: str, values: tuple[str, ...]) -> list[FieldError]:
    """A target named twice would be planned, and sent in Accounts or Regions, twice."""
    seen: set[str] = set()
    errors: list[FieldError] = []
    for value in values:
        if value in seen:
            errors.append(_error(field_name, flag, value, "is named twice; name it once."))
        seen.add(value)
    return errors


def _targets(spec: RolloutSpec) -> list[FieldError]:
    errors: list[FieldError] = []
    if spec.permission_model == SELF_MANAGED:
        if spec.organizational_units:
            errors.append(
                _error(
                    "organizational_units",
                    "--organizational-units",
                    "",
                    "needs service-managed permissions (--service-managed); self-managed stack "
                    "sets deploy to accounts named with --accounts.",
                )
            )
        if not spec.accounts:
            errors.append(_error("accounts", "--accounts", "", "name at least one account."))
        if spec.auto_deployment or spec.delegated_admin:
            errors.append(
                _error(
                    "permission_model",
                    "--service-managed",
                    "",
                    "--auto-deployment and --delegated-admin are for service-managed stack sets.",
                )
            )
    elif spec.permission_model == SERVICE_MANAGED:
        if not spec.organizational_units:
            errors.append(
                _error(
                    "organizational_units",
                    "--organizational-units",
                    "",
                    "service-managed stack sets deploy to organizational units: name at least one.",
                )
            )
        if spec.accounts:
            errors.append(
                _error(
                    "accounts",
                    "--accounts",
                    "",
                    "with service-managed permissions, name organizational units instead.",
                )
            )
        if spec.existing_provider_accounts:
            errors.append(
                _error(
                    "existing_provider_accounts",
                    "--existing-provider-accounts",
                    "",
                    "needs accounts named one by one (self-managed): an OU's accounts share one "
                    "set of parameters.",
                )
            )
        if spec.administration_role_arn or spec.execution_role_name:
            errors.append(
                _error(
                    "permission_model",
                    "--administration-role-arn",
                    "",
                    "service-managed stack sets use the roles Organizations gives them.",
                )
            )
    else:
        errors.append(
            _error(
                "permission_model",
                "--permission-model",
                spec.permission_model,
                f"must be {SELF_MANAGED} or {SERVICE_MANAGED}.",
            )
        )
    extra = sorted(set(spec.existing_provider_accounts) - set(spec.accounts))
    if extra and spec.permission_model == SELF_MANAGED:
        errors.append(
            _error(
                "existing_provider_accounts",
                "--existing-provider-accounts",
                ",".join(extra),
                "names accounts that are not in --accounts.",
            )
        )
    return errors


def _preferences(p: Preferences) -> list[FieldError]:
    errors: list[FieldError] = []
    if p.failure_tolerance_count is not None and p.failure_tolerance_percentage is not None:
        errors.append(
            _error(
                "failure_tolerance",
                "--failure-tolerance-count",
                "",
                "give a count or a percentage (--failure-tolerance-percentage), not both.",
            )
        )
    if p.max_concurrent_count is not None and p.max_concurrent_percentage is not None:
        errors.append(
            _error(
                "max_concurrent",
                "--max-concurrent-count",
                "",
                "give a count or a percentage (--max-concurrent-percentage), not both.",
            )
        )
    errors += _range("--failure-tolerance-count", p.failure_tolerance_count, 0, 100_000)
    errors += _range("--failure-tolerance-percentage", p.failure_tolerance_percentage, 0, 100)
    errors += _range("--max-concurrent-count", p.max_concurrent_count, 1, 100_000)
    errors += _range("--max-concurrent-percentage", p.max_concurrent_percentage, 1, 100)
    if p.region_concurrency not in ("SEQUENTIAL", "PARALLEL"):
        errors.append(
            _error(
                "region_concurrency",
                "--region-concurrency",
                p.region_concurrency,
                "must be SEQUENTIAL or PARALLEL.",
            )
        )
    if p.concurrency_mode not in (STRICT, SOFT):
        errors.append(
            _error(
                "concurrency_mode",
                "--concurrency-mode",
                p.concurrency_mode,
                f"must be {STRICT} or {SOFT}.",
            )
        )
    return errors
