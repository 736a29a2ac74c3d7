"""Step 3: the role GitHub Actions assumes, trusting only the chosen repository and scope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wizard.plan import (
    Action,
    Call,
    Change,
    Note,
    Severity,
    StepPlan,
    documents_equal,
    json_diff,
)
from wizard.policies import role_arn, scope_notes, shared_trust_policy, subjects
from wizard.settings import Settings
from wizard.steps.aws_errors import is_access_denied, is_not_found
from wizard.steps.base import Step, StepContext
from wizard.tags import CREATED_BY_KEY, CREATED_BY_VALUE, aws_tags, managed_by

TRUST_POLICY_NAME = "trust policy"


def role_description(*members: Settings) -> str:
    repos = members[0].github_repo if len(members) == 1 else f"{len(members)} repositories"
    return f"GitHub Actions in {repos} push images to ECR"


def _listed(policies: tuple[str, ...]) -> str:
    return f" ({', '.join(policies)})" if policies else ""


def edited_notes(document: dict[str, Any]) -> list[Note]:
    """A hand-edited trust policy is linted: every finding becomes a note in the plan."""
    from wizard.trust_lint import Level, lint_trust_policy

    severity = {
        Level.HIGH: Severity.DANGER,
        Level.MEDIUM: Severity.WARNING,
        Level.LOW: Severity.INFO,
    }
    notes = [Note(Severity.WARNING, "This trust policy was edited by hand.")]
    notes += [
        Note(severity[f.level], f"{f.message} Fix: {f.fix}") for f in lint_trust_policy(document)
    ]
    return notes


def _providers(ctx: StepContext) -> tuple[str, ...] | None:
    """The account's OIDC provider ARNs, shared with step 2's read; None when IAM would not
    list them (the role can still be planned: the note below is then left out)."""
    from wizard.steps.oidc_provider import provider_arns

    try:
        return tuple(provider_arns(ctx))
    except Exception as exc:
        if is_access_denied(exc):
            return None
        raise


def _missing_providers(document: Any, providers: tuple[str, ...] | None) -> list[str]:
    """The federated principals of the trust policy that are not providers of the account."""
    if providers is None or not isinstance(document, dict):
        return []
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    named: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        federated = principal.get("Federated") if isinstance(principal, dict) else None
        for arn in [federated] if isinstance(federated, str) else federated or []:
            if isinstance(arn, str) and ":oidc-provider/" in arn and arn not in named:
                named.append(arn)
    return [arn for arn in named if arn not in providers]


def _provider_note(missing: list[str], *, step_2_creates: bool) -> Note:
    names = ", ".join(arn.split(":oidc-provider/", 1)[1] for arn in missing)
    if step_2_creates:
        return Note(
            Severity.INFO,
            f"The OIDC provider {names} does not exist yet; step 2 creates it first in this run.",
        )
    # IAM checks a federated principal when the trust policy is set: CreateRole and
    # UpdateAssumeRolePolicy answer MalformedPolicyDocument ("Invalid principal in policy").
    return Note(
        Severity.WARNING,
        f"The OIDC provider {names} does not exist yet in this account: step 2 creates it. "
        "IAM refuses a trust policy that names a missing provider (MalformedPolicyDocument), "
        "so apply step 2 before this one.",
    )


@dataclass(frozen=True)
class RoleState:
    exists: bool
    name: str = ""
    arn: str = ""
    trust_policy: Any = None
    created_by_wizard: bool = False
    # Permissions the role already has besides the push policy: GitHub would get them too.
    other_policies: tuple[str, ...] = ()
    # The account's OIDC providers (None: not listed, or they could not be), to say when the
    # one the trust policy of a role to create names does not exist yet.
    providers: tuple[str, ...] | None = None
    # The tool an exported template or configuration made it with ("": the wizard itself).
    managed_by: str = ""


class RoleNotOurs(Exception):
    """Replacing the trust policy of a role the wizard did not create needs explicit consent."""


class RoleStep(Step[RoleState]):
    number = 3
    key = "role"
    title = "Create IAM Role for GitHub Actions"
    undo = (
        "Delete its inline policy, then the role: `aws iam delete-role-policy --role-name ROLE "
        "--policy-name ECRPushPolicy` and `aws iam delete-role --role-name ROLE`. Workflows using "
        "it fail at configure-aws-credentials afterwards."
    )
    purpose = (
        "A role that workflows of your repository, and nothing else, can assume with their "
        "GitHub token, instead of long-lived access keys."
    )

    def inspect(self, ctx: StepContext) -> RoleState:
        try:
            role = ctx.aws.iam.get_role(RoleName=ctx.settings.role_name)["Role"]
        except Exception as exc:
            if is_not_found(exc):
                # Creating the role is where a missing provider bites: look for it then only,
                # so a re-run over existing roles reads nothing more.
                return RoleState(exists=False, providers=_providers(ctx))
            raise
        # boto3 already URL-decodes and parses the document.
        document = role.get("AssumeRolePolicyDocument")
        tags = {t.get("Key"): t.get("Value") for t in role.get("Tags", [])}
        iam = ctx.aws.iam
        name = role["RoleName"]
        inline = ctx.read_once(
            f"inline-policies:{name.lower()}",
            lambda: iam.list_role_policies(RoleName=name)["PolicyNames"],
        )
        managed = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
        others = [f"inline {n}" for n in inline if n != ctx.settings.policy_name]
        others += [f"managed {p.get('PolicyName', p.get('PolicyArn', '?'))}" for p in managed]
        return RoleState(
            True,
            role["RoleName"],
            role["Arn"],
            document,
            created_by_wizard=tags.get(CREATED_BY_KEY) == CREATED_BY_VALUE,
            other_policies=tuple(others),
            managed_by=managed_by(role.get("Tags", [])),
        )

    def plan(self, ctx: StepContext, observed: RoleState) -> StepPlan:
        s = ctx.settings
        members = ctx.role_members
        desired = ctx.document_overrides.get(self.number) or shared_trust_policy(
            members, partition=ctx.partition, account_id=ctx.account_id
        )
        text = json.dumps(desired, indent=2)
        arn = observed.arn or role_arn(ctx.partition, ctx.account_id, s.role_name)
        if len(members) == 1:
            who = ", ".join(sub.meaning for sub in subjects(s))
            repos = s.github_repo
        else:
            who = "; ".join(
                f"{m.github_repo} from {', '.join(sub.meaning for sub in subjects(m))}"
                for m in members
            )
            repos = f"{len(members)} repositories"
        resource = f"IAM role {s.role_name}"
        if not observed.exists:
            change = Change(
                Action.CREATE,
                resource,
                f"create the role; {repos} may assume it from: {who}",
                calls=(
                    Call(
                        "iam",
                        "create_role",
                        {
                            "RoleName": s.role_name,
                            "AssumeRolePolicyDocument": text,
                            "Description": role_description(*members),
                            "Tags": aws_tags(),
                        },
                    ),
                ),
                document=desired,
                document_name=TRUST_POLICY_NAME,
            )
        elif documents_equal(observed.trust_policy, desired):
            change = Change(
                Action.NOOP,
                resource,
                f"trust policy already admits exactly: {who}",
                document=desired,
                document_name=TRUST_POLICY_NAME,
            )
        else:
            if not observed.created_by_wizard and not s.adopt_role:
                raise RoleNotOurs(
                    f"Role {observed.name} exists and was not created by ecr-oidc-wizard; "
                    "replacing its trust policy would lock out whoever assumes it today and give "
                    f"its permissions{_listed(observed.other_policies)} to GitHub workflows. "
                    "Nothing was changed. Choose another role name, or take it over on purpose "
                    "(--adopt-role)."
                )
            change = Change(
                Action.UPDATE,
                resource,
                f"replace the trust policy; {repos} may assume it from: {who}",
                calls=(
                    Call(
                        "iam",
                        "update_assume_role_policy",
                        {"RoleName": observed.name, "PolicyDocument": text},
                    ),
                ),
                document=desired,
                document_name=TRUST_POLICY_NAME,
                diff=json_diff(observed.trust_policy, desired, TRUST_POLICY_NAME),
            )
        if self.number in ctx.document_overrides:
            notes = edited_notes(desired)
        else:
            notes = []
            for member in members:
                notes += [n for n in scope_notes(member) if n not in notes]
        if observed.exists and not observed.created_by_wizard and change.action is Action.UPDATE:
            notes.insert(
                0,
                Note(
                    Severity.DANGER,
                    f"TAKE-OVER: role {observed.name} was not created by ecr-oidc-wizard. Its "
                    "current trust policy (the diff's minus lines) stops working, and GitHub "
                    f"workflows get its permissions{_listed(observed.other_policies)}.",
                ),
            )
        elif observed.other_policies:
            notes.append(
                Note(
                    Severity.WARNING,
                    f"Role {observed.name} also has{_listed(observed.other_policies)}: workflows "
                    "that assume it get those permissions too.",
                )
            )
        missing = _missing_providers(desired, observed.providers)
        if missing and change.action is not Action.NOOP:
            notes.insert(0, _provider_note(missing, step_2_creates=ctx.creates_in_this_run(2)))
        if observed.managed_by and change.action is Action.UPDATE:
            notes.insert(0, _drift_note(observed.name, observed.managed_by))
        return self.new_plan(changes=(change,), notes=tuple(notes), outputs={"role_arn": arn})


def _drift_note(name: str, manager: str) -> Note:
    """A role a stack or Terraform state manages: a change made here is drift to that tool."""
    tool = manager.partition(":")[0]
    which = {"cloudformation": "CloudFormation", "terraform": "Terraform"}.get(tool, manager)
    return Note(
        Severity.WARNING,
        f"Role {name} is managed by {which} (its managed-by tag): this change makes its stack or "
        "state drift, and the next deployment puts the old trust policy back. Change the "
        "template or configuration instead (`export` writes one with this scope).",
    )
