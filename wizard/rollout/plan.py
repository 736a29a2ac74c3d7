"""Inspect a stack set and plan the roll-out: which instances to create, update or leave.

Reads only: DescribeStackSet, ListStackInstances (and DescribeStackInstance where a parameter
override matters; Organizations' listings for OUs). The plan holds the exact calls `apply`
sends; when the template body, the parameters and the instances already match, it holds none,
so a re-run starts no operation.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from wizard.plan import Action, Call, Note, Severity
from wizard.policies import ISSUER
from wizard.rollout.model import SELF_MANAGED, SERVICE_MANAGED, RolloutSpec
from wizard.steps.aws_errors import error_code
from wizard.tags import aws_tags

if TYPE_CHECKING:
    from wizard.aws import Aws

EXISTING_PROVIDER = "ExistingOidcProviderArn"
# The template creates a named role: CloudFormation needs this acknowledgement.
CAPABILITIES = ["CAPABILITY_NAMED_IAM"]
LEAVE = "leave"
STACK_SET_MISSING = frozenset({"StackSetNotFoundException", "StackSetNotFound"})


@dataclass(frozen=True)
class Instance:
    """One stack instance as it is, or as it should be."""

    account: str
    region: str
    status: str = ""
    reason: str = ""
    ou: str = ""
    overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class InstanceChange:
    account: str
    region: str
    action: str
    why: str

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account,
            "region": self.region,
            "action": self.action,
            "why": self.why,
        }


@dataclass(frozen=True)
class StackSetState:
    exists: bool
    permission_model: str = ""
    template_body: str = ""
    parameters: dict[str, str] = field(default_factory=dict)
    instances: tuple[Instance, ...] = ()
    ou_accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RolloutPlan:
    spec: RolloutSpec
    stack_set_action: Action
    stack_set_summary: str
    instances: tuple[InstanceChange, ...]
    calls: tuple[Call, ...]
    notes: tuple[Note, ...] = ()
    template_diff: str = ""

    @property
    def has_changes(self) -> bool:
        return bool(self.calls)

    def to_json(self) -> dict[str, Any]:
        return {
            "stack_set": {
                "name": self.spec.stack_set_name,
                "permission_model": self.spec.permission_model,
                "action": str(self.stack_set_action),
                "summary": self.stack_set_summary,
                "template_diff": self.template_diff,
            },
            "regions": list(self.spec.regions),
            "accounts": list(self.spec.accounts),
            "organizational_units": list(self.spec.organizational_units),
            "operation_preferences": self.spec.preferences.to_api(),
            "instances": [i.to_json() for i in self.instances],
            "calls": [c.to_json() for c in self.calls],
            "notes": [n.to_json() for n in self.notes],
        }


def template_parameters(template_body: str) -> dict[str, str]:
    """The template's parameters with their defaults: the stack set states them all, so what it
    holds can be compared with what the answers give."""
    document = yaml.safe_load(template_body) or {}
    parameters = document.get("Parameters", {})
    return {name: str(spec.get("Default", "")) for name, spec in parameters.items()}


def provider_arn_in(account: str, partition: str) -> str:
    return f"arn:{partition}:iam::{account}:oidc-provider/{ISSUER}"


# --- Inspect ----------------------------------------------------------------------------------


def inspect_stack_set(aws: Aws, spec: RolloutSpec) -> StackSetState:
    cfn = aws.cloudformation
    try:
        found = cfn.describe_stack_set(StackSetName=spec.stack_set_name, **spec.call_as)  # type: ignore[arg-type]
    except Exception as exc:
        if error_code(exc) in STACK_SET_MISSING:
            return StackSetState(exists=False, ou_accounts=_ou_accounts(aws, spec))
        raise
    stack_set = found["StackSet"]
    instances: list[Instance] = []
    paginator = cfn.get_paginator("list_stack_instances")
    for page in paginator.paginate(StackSetName=spec.stack_set_name, **spec.call_as):  # type: ignore[arg-type]
        for summary in page.get("Summaries", []):
            instances.append(
                Instance(
                    account=summary.get("Account", ""),
                    region=summary.get("Region", ""),
                    status=summary.get("Status", ""),
                    reason=summary.get("StatusReason", ""),
                    ou=summary.get("OrganizationalUnitId", ""),
                )
            )
    wanted = set(spec.existing_provider_accounts)
    if wanted:
        instances = [_with_overrides(aws, spec, i) if i.account in wanted else i for i in instances]
    return StackSetState(
        exists=True,
        permission_model=stack_set.get("PermissionModel", SELF_MANAGED),
        template_body=stack_set.get("TemplateBody", ""),
        parameters={
            p["ParameterKey"]: p.get("ParameterValue", "") for p in stack_set.get("Parameters", [])
        },
        instances=tuple(instances),
        ou_accounts=_ou_accounts(aws, spec),
    )


def _with_overrides(aws: Aws, spec: RolloutSpec, instance: Instance) -> Instance:
    found = aws.cloudformation.describe_stack_instance(
        StackSetName=spec.stack_set_name,
        StackInstanceAccount=instance.account,
        StackInstanceRegion=instance.region,
    )["StackInstance"]
    overrides = tuple(
        sorted(
            (p["ParameterKey"], p.get("ParameterValue", ""))
            for p in found.get("ParameterOverrides", [])
        )
    )
    return Instance(
        instance.account, instance.region, instance.status, instance.reason, instance.ou, overrides
    )


def _ou_accounts(aws: Aws, spec: RolloutSpec) -> dict[str, tuple[str, ...]]:
    """The accounts under each OU, nested OUs included (StackSets deploys to those too). When
    Organizations cannot be read from this account, the plan works per OU instead."""
    if spec.permission_model != SERVICE_MANAGED:
        return {}
    org = aws.organizations
    out: dict[str, tuple[str, ...]] = {}
    try:
        for ou in spec.organizational_units:
            accounts: list[str] = []
            pending = [ou]
            while pending:
                parent = pending.pop()
                pages = org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent)
                accounts += [a["Id"] for p in pages for a in p.get("Accounts", [])]
                children = org.get_paginator("list_organizational_units_for_parent")
                pending += [
                    c["Id"]
                    for p in children.paginate(ParentId=parent)
                    for c in p.get("OrganizationalUnits", [])
                ]
            out[ou] = tuple(sorted(set(accounts)))
    except Exception as exc:
        if error_code(exc) in ("AccessDeniedException", "AWSOrganizationsNotInUseException"):
            return {}
        raise
    return out


# --- Plan -------------------------------------------------------------------------------------


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _targets(spec: RolloutSpec, state: StackSetState) -> list[tuple[str, str, str]]:
    """(account, region, ou) for every instance the roll-out wants."""
    if spec.permission_model == SELF_MANAGED:
        return [(a, r, "") for r in spec.regions for a in spec.accounts]
    out: list[tuple[str, str, str]] = []
    for ou in spec.organizational_units:
        accounts = state.ou_accounts.get(ou)
        for region in spec.regions:
            # Unknown membership: the OU itself stands for its accounts.
            out += (
                [(a, region, ou) for a in accounts] if accounts is not None else [(ou, region, ou)]
            )
    return out


def plan_rollout(
    spec: RolloutSpec,
    state: StackSetState,
    template_body: str,
    *,
    partition: str = "aws",
    description: str = "",
) -> RolloutPlan:
    parameters = template_parameters(template_body)
    api_parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
    preferences = spec.preferences.to_api()
    notes: list[Note] = [Note(Severity.INFO, f"Operation: {spec.preferences.describe()}.")]
    effective = spec.preferences.effective_note()
    if effective:
        notes.append(Note(Severity.WARNING, effective))
    calls: list[Call] = []
    diff = ""
    name = spec.stack_set_name
    if state.exists and state.permission_model != spec.permission_model:
        raise ValueError(
            f"stack set {name} uses {state.permission_model} permissions; a stack set's "
            "permission model cannot change. Use another --stack-set-name, or the stack set's own "
            "permission model."
        )
    if not state.exists:
        action = Action.CREATE
        summary = f"create stack set {name} ({spec.permission_model})"
        params: dict[str, Any] = {
            "StackSetName": name,
            "Description": description,
            "TemplateBody": template_body,
            "Parameters": api_parameters,
            "Capabilities": CAPABILITIES,
            "PermissionModel": spec.permission_model,
            "Tags": aws_tags(),
            **_permission_params(spec),
        }
        calls.append(Call("cloudformation", "create_stack_set", params))
    elif (
        _normalised(state.template_body) != _normalised(template_body)
        or state.parameters != parameters
    ):
        action = Action.UPDATE
        summary = f"update stack set {name}: every instance gets the new template and parameters"
        diff = "\n".join(
            difflib.unified_diff(
                _normalised(state.template_body).splitlines(),
                _normalised(template_body).splitlines(),
                "template (stack set)",
                "template (planned)",
                lineterm="",
            )
        )
        changed = sorted(
            k
            for k in {*parameters, *state.parameters}
            if parameters.get(k) != state.parameters.get(k)
        )
        if changed:
            diff += ("\n" if diff else "") + "\n".join(
                f"~ parameter {k}: {state.parameters.get(k, '(none)')!r} -> "
                f"{parameters.get(k, '(none)')!r}"
                for k in changed
            )
        calls.append(
            Call(
                "cloudformation",
                "update_stack_set",
                {
                    "StackSetName": name,
                    "TemplateBody": template_body,
                    "Parameters": api_parameters,
                    "Capabilities": CAPABILITIES,
                    "OperationPreferences": preferences,
                    **_permission_params(spec),
                    **spec.call_as,
                },
            )
        )
    else:
        action = Action.NOOP
        summary = f"stack set {name} already holds this template and these parameters"
    changes, instance_calls = _instances(spec, state, action, partition, preferences)
    calls += instance_calls
    left = [c for c in changes if c.action == LEAVE]
    if left:
        notes.append(
            Note(
                Severity.INFO,
                f"{len(left)} instance(s) of the stack set are outside this roll-out and are "
                "left as they are (nothing is ever deleted).",
            )
        )
    if spec.permission_model == SERVICE_MANAGED and not state.ou_accounts:
        notes.append(
            Note(
                Severity.INFO,
                "Organizations could not be read from this account, so the plan counts OUs, "
                "not their accounts; the progress shows each account as CloudFormation reaches it.",
            )
        )
    return RolloutPlan(spec, action, summary, tuple(changes), tuple(calls), tuple(notes), diff)


def _permission_params(spec: RolloutSpec) -> dict[str, Any]:
    if spec.permission_model == SERVICE_MANAGED:
        return {
            "AutoDeployment": {
                "Enabled": spec.auto_deployment,
                **({"RetainStacksOnAccountRemoval": True} if spec.auto_deployment else {}),
            }
        }
    out: dict[str, Any] = {}
    if spec.administration_role_arn:
        out["AdministrationRoleARN"] = spec.administration_role_arn
    if spec.execution_role_name:
        out["ExecutionRoleName"] = spec.execution_role_name
    return out


def _instances(
    spec: RolloutSpec,
    state: StackSetState,
    stack_set_action: Action,
    partition: str,
    preferences: dict[str, Any],
) -> tuple[list[InstanceChange], list[Call]]:
    existing = {(i.account, i.region): i for i in state.instances}
    by_ou = {(i.ou, i.region) for i in state.instances if i.ou}
    reuse = set(spec.existing_provider_accounts)
    changes: list[InstanceChange] = []
    create: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}
    update: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}
    for account, region, ou in _targets(spec, state):
        overrides = (
            ((EXISTING_PROVIDER, provider_arn_in(account, partition)),) if account in reuse else ()
        )
        # Accounts that reuse their provider each need their own ARN: one operation each.
        key = (account,) if overrides else ()
        found = existing.get((account, region))
        if found is None and account == ou and (ou, region) in by_ou:
            changes.append(InstanceChange(ou, region, str(Action.NOOP), "the OU has instances"))
            continue
        if found is None:
            why = "reuses the account's OIDC provider" if overrides else "creates GitHub's provider"
            changes.append(InstanceChange(account, region, str(Action.CREATE), why))
            create.setdefault(key, []).append((account, region, ou))
        elif stack_set_action is Action.UPDATE:
            changes.append(
                InstanceChange(account, region, str(Action.UPDATE), "with the stack set's update")
            )
        elif found.status != "CURRENT" or found.overrides != overrides:
            why = (
                f"was {found.status}: {found.reason}".rstrip(": ")
                if found.status != "CURRENT"
                else "its provider parameter changes"
            )
            changes.append(InstanceChange(account, region, str(Action.UPDATE), why))
            update.setdefault(key, []).append((account, region, ou))
        else:
            changes.append(InstanceChange(account, region, str(Action.NOOP), "current"))
    wanted = {(c.account, c.region) for c in changes}
    for instance in state.instances:
        if (instance.account, instance.region) not in wanted and (
            instance.ou,
            instance.region,
        ) not in {(c.account, c.region) for c in changes}:
            changes.append(
                InstanceChange(instance.account, instance.region, LEAVE, "not in this roll-out")
            )
    calls = [
        _instances_call(spec, "create_stack_instances", targets, preferences, partition, key)
        for key, targets in _by_regions(create)
    ]
    calls += [
        _instances_call(spec, "update_stack_instances", targets, preferences, partition, key)
        for key, targets in _by_regions(update)
    ]
    return changes, calls


def _by_regions(
    groups: dict[tuple[str, ...], list[tuple[str, str, str]]],
) -> list[tuple[tuple[str, ...], list[tuple[str, str, str]]]]:
    """Split each group so that its accounts all need the same regions: an operation runs every
    account of the call in every region of the call."""
    out: dict[tuple[tuple[str, ...], tuple[str, ...]], list[tuple[str, str, str]]] = {}
    for key, targets in groups.items():
        regions: dict[tuple[str, str], list[str]] = {}
        for account, region, ou in targets:
            regions.setdefault((account, ou), []).append(region)
        for (account, ou), names in regions.items():
            out.setdefault((key, tuple(names)), []).extend((account, r, ou) for r in names)
    return [(key, targets) for (key, _), targets in out.items()]


def _instances_call(
    spec: RolloutSpec,
    operation: str,
    targets: Iterable[tuple[str, str, str]],
    preferences: dict[str, Any],
    partition: str,
    key: tuple[str, ...],
) -> Call:
    """One operation for these (account, region, ou) targets. CloudFormation runs every account
    of the call in every region of the call; targets are grouped so that this is exact."""
    targets = list(targets)
    accounts = sorted({a for a, _, _ in targets})
    regions = [r for r in spec.regions if r in {r for _, r, _ in targets}]
    params: dict[str, Any] = {"StackSetName": spec.stack_set_name, "Regions": regions}
    if spec.permission_model == SERVICE_MANAGED:
        ous = [o for o in spec.organizational_units if o in {o for _, _, o in targets}]
        params["DeploymentTargets"] = {"OrganizationalUnitIds": ous}
        params.update(spec.call_as)
    else:
        params["Accounts"] = accounts
    if key:
        params["ParameterOverrides"] = [
            {
                "ParameterKey": EXISTING_PROVIDER,
                "ParameterValue": provider_arn_in(key[0], partition),
            }
        ]
    params["OperationPreferences"] = preferences
    return Call("cloudformation", operation, params)
