"""Step 5: the role ARN and region, stored where the workflow reads them.

As Actions secrets (the guide: encrypted with the repository's key, values never readable
again) or as Actions variables (neither value is secret, and variables are not masked in logs).
The plan holds the plaintext with `redact=("value",)`; the GitHub seam encrypts at send time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan, value_diff
from wizard.policies import role_arn
from wizard.steps.base import Step, StepContext

ROLE_ARN_NAME = "AWS_ROLE_ARN"
REGION_NAME = "AWS_REGION"
LONG_LIVED_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
ECR_PUBLIC_REGION = "us-east-1"

_SECRET_NAME = re.compile(r"[A-Za-z0-9_]+")


def secret_name_errors(name: str) -> list[str]:
    """GitHub's rules for secret and variable names."""
    errors: list[str] = []
    if not _SECRET_NAME.fullmatch(name):
        errors.append(f"secret name {name!r}: only letters, digits and '_' are allowed.")
    if name.upper().startswith("GITHUB_"):
        errors.append(f"secret name {name!r}: names starting with GITHUB_ are reserved.")
    if name[:1].isdigit():
        errors.append(f"secret name {name!r}: must not start with a digit.")
    return errors


@dataclass(frozen=True)
class RepoValues:
    # False when there was no token: nothing was read.
    checked: bool
    secrets: frozenset[str] = frozenset()
    variables: dict[str, str] = field(default_factory=dict)


class GitHubSecretsStep(Step[RepoValues]):
    number = 5
    key = "github-secrets"
    title = "Configure GitHub Secrets"
    undo = (
        "Delete them in the repository's Settings → Secrets and variables → Actions, or "
        "`gh secret delete AWS_ROLE_ARN` and `gh secret delete AWS_REGION` (`gh variable delete` "
        "for variables). The workflow then fails at configure-aws-credentials."
    )
    purpose = (
        "The workflow reads the role to assume and the AWS region from the repository's "
        "Actions secrets (or variables); no AWS access keys are stored in GitHub."
    )

    def inspect(self, ctx: StepContext) -> RepoValues:
        if ctx.github is None:
            return RepoValues(checked=False)
        from wizard.github_api import GitHubError

        owner, repo = ctx.settings.owner, ctx.settings.repo_name
        as_variables = ctx.settings.github_values_as == "variables"
        secrets: frozenset[str] = frozenset()
        variables: dict[str, str] = {}
        # The kind the step writes must be readable; the other kind is only read to warn
        # about a same-named leftover, so a token without that permission is fine.
        try:
            secrets = frozenset(ctx.github.list_secrets(owner, repo))
        except GitHubError:
            if not as_variables:
                raise
        try:
            variables = dict(ctx.github.list_variables(owner, repo))
        except GitHubError:
            if as_variables:
                raise
        if not as_variables:
            # Reading the key now proves 'secrets' access before anything is sent.
            ctx.github.secret_public_key(owner, repo)
        return RepoValues(checked=True, secrets=secrets, variables=variables)

    def values(self, ctx: StepContext) -> dict[str, str]:
        s = ctx.settings
        arn = role_arn(ctx.partition, ctx.account_id, s.role_name)
        region = ECR_PUBLIC_REGION if s.public else ctx.region
        return {ROLE_ARN_NAME: arn, REGION_NAME: region}

    def plan(self, ctx: StepContext, observed: RepoValues) -> StepPlan:
        s = ctx.settings
        as_variables = s.github_values_as == "variables"
        values = self.values(ctx)
        for name in values:
            problems = secret_name_errors(name)
            if problems:
                raise ValueError("; ".join(problems))
        notes: list[Note] = []
        changes: list[Change] = []
        owner, repo = s.owner, s.repo_name
        for name, value in values.items():
            params = {"owner": owner, "repo": repo, "name": name, "value": value}
            if as_variables:
                changes.append(self._variable_change(name, value, params, observed))
            else:
                exists = name in observed.secrets
                summary = (
                    f"set secret {name} again to {value} (a secret's value cannot be read back, "
                    "so it is always re-sent)"
                    if exists
                    else f"create secret {name} = {value}"
                )
                call = Call("github", "put_secret", params, redact=("value",))
                changes.append(
                    Change(
                        Action.UPDATE if exists else Action.CREATE,
                        f"Actions secret {name} of {s.github_repo}",
                        summary,
                        calls=(call,),
                    )
                )
        if not observed.checked:
            notes.append(
                Note(
                    Severity.WARNING,
                    "Not checked with GitHub (no token): which secrets and variables exist is "
                    "unknown. A token is needed to apply this step (set GH_TOKEN).",
                )
            )
        else:
            if as_variables:
                others, where, read, unread = observed.secrets, "a secret", "vars", "secrets"
            else:
                others = frozenset(observed.variables)
                where, read, unread = "a variable", "secrets", "vars"
            for name in values:
                if name in others:
                    notes.append(
                        Note(
                            Severity.WARNING,
                            f"{name} also exists as {where}; the workflow reads {read}.{name}, "
                            f"not {unread}.{name}. Delete the other one to avoid confusion.",
                        )
                    )
            present = sorted(k for k in LONG_LIVED_KEYS if k in observed.secrets)
            if present:
                notes.append(
                    Note(
                        Severity.WARNING,
                        f"The repository still has {', '.join(present)}: OIDC needs no "
                        "long-lived keys. After the first successful run, delete them and "
                        "deactivate the keys in IAM.",
                    )
                )
        if s.public:
            notes.append(
                Note(
                    Severity.INFO,
                    f"{REGION_NAME} is {ECR_PUBLIC_REGION}: ECR Public's API exists only there.",
                )
            )
        if as_variables:
            notes.append(
                Note(
                    Severity.INFO,
                    "Stored as Actions variables: the role ARN and region are not secret, and "
                    "variables stay readable in logs. The workflow must read vars.*.",
                )
            )
        return self.new_plan(
            changes=tuple(changes),
            notes=tuple(notes),
            outputs={"github_values_as": "variables" if as_variables else "secrets"},
        )

    def _variable_change(
        self, name: str, value: str, params: dict[str, str], observed: RepoValues
    ) -> Change:
        resource = f"Actions variable {name} of {params['owner']}/{params['repo']}"
        current = observed.variables.get(name)
        if current == value:
            return Change(Action.NOOP, resource, f"variable {name} is already {value}")
        if current is None:
            call = Call("github", "create_variable", params)
            return Change(
                Action.CREATE, resource, f"create variable {name} = {value}", calls=(call,)
            )
        call = Call("github", "update_variable", params)
        return Change(
            Action.UPDATE,
            resource,
            f"change variable {name} to {value}",
            calls=(call,),
            diff=value_diff(name, current, value),
        )
