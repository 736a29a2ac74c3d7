"""Step 5: the role ARN and region, stored where the workflow reads them.

As Actions secrets (the guide: encrypted with the repository's key, values never readable
again) or as Actions variables (neither value is secret, and variables are not masked in logs).
The plan holds the plaintext with `redact=("value",)`; the GitHub seam encrypts at send time.

A secret cannot be read back, so re-running would re-send both every time. Instead the wizard
remembers, per secret it set, a fingerprint: the sha256 of the value (never the value) and the
`updated_at` GitHub reported right after the write. When the secret's `updated_at` is still that
one and the value to send hashes the same, nothing was changed since and nothing is sent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan, value_diff
from wizard.policies import role_arn
from wizard.steps.base import Step, StepContext

ROLE_ARN_NAME = "AWS_ROLE_ARN"
REGION_NAME = "AWS_REGION"
LONG_LIVED_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
ECR_PUBLIC_REGION = "us-east-1"

_SECRET_NAME = re.compile(r"[A-Za-z0-9_]+")

# Outputs (and so the config's [created] table) keep fingerprints under "secret:NAME".
FINGERPRINT_PREFIX = "secret:"


def fingerprint_key(name: str) -> str:
    return f"{FINGERPRINT_PREFIX}{name}"


# A variable the wizard set is remembered as "variable:NAME" = sha256 of the value, so
# `destroy` removes only variables still holding what the wizard put there.
VARIABLE_PREFIX = "variable:"


def variable_key(name: str) -> str:
    return f"{VARIABLE_PREFIX}{name}"


def value_digest(value: str) -> str:
    """The hash kept instead of the value: enough to tell "the same value" on a later run.
    (The role ARN and region are not secret, but a secret's copy belongs in GitHub only.)"""
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def fingerprint(value: str, updated_at: str) -> str:
    """`sha256:<hex>@<updated_at>`: what was sent, and GitHub's date for that write."""
    return f"{value_digest(value)}@{updated_at}"


def remembered_fingerprints(created: Mapping[str, str]) -> dict[str, str]:
    """The secret fingerprints (and variable records) among remembered outputs: a face seeds
    its context with them."""
    return {
        k: v
        for k, v in created.items()
        if k.startswith((FINGERPRINT_PREFIX, VARIABLE_PREFIX)) and v
    }


def _shown_date(updated_at: str) -> str:
    """GitHub's ISO timestamp as a person reads it; the text itself if it is not one."""
    try:
        when = datetime.fromisoformat(updated_at.replace("Z", "+00:00"))
    except ValueError:
        return updated_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


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
    # Secret name -> GitHub's updated_at ("" when GitHub did not say).
    secret_dates: dict[str, str] = field(default_factory=dict)


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
        dates: dict[str, str] = {}
        variables: dict[str, str] = {}
        # The kind the step writes must be readable; the other kind is only read to warn
        # about a same-named leftover, so a token without that permission is fine.
        try:
            dates = dict(ctx.github.secrets_updated_at(owner, repo))
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
        return RepoValues(
            checked=True, secrets=frozenset(dates), variables=variables, secret_dates=dates
        )

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
        outputs = {"github_values_as": "variables" if as_variables else "secrets"}
        owner, repo = s.owner, s.repo_name
        for name, value in values.items():
            params = {"owner": owner, "repo": repo, "name": name, "value": value}
            if as_variables:
                change = self._variable_change(name, value, params, observed)
                if change.action is Action.NOOP and ctx.outputs.get(variable_key(name)):
                    outputs[variable_key(name)] = ctx.outputs[variable_key(name)]
                changes.append(change)
                continue
            change = self._secret_change(ctx, name, value, params, observed)
            if change.action is Action.NOOP:
                # Carried forward so the fingerprint stays with the outputs of this run.
                outputs[fingerprint_key(name)] = ctx.outputs[fingerprint_key(name)]
            changes.append(change)
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
        return self.new_plan(changes=tuple(changes), notes=tuple(notes), outputs=outputs)

    def _secret_change(
        self,
        ctx: StepContext,
        name: str,
        value: str,
        params: dict[str, str],
        observed: RepoValues,
    ) -> Change:
        resource = f"Actions secret {name} of {ctx.settings.github_repo}"
        call = Call("github", "put_secret", params, redact=("value",))
        if name not in observed.secrets:
            return Change(Action.CREATE, resource, f"create secret {name} = {value}", calls=(call,))
        current = observed.secret_dates.get(name, "")
        remembered = ctx.outputs.get(fingerprint_key(name), "")
        digest, _, set_at = remembered.partition("@")
        if current and set_at == current and digest == value_digest(value):
            return Change(
                Action.NOOP,
                resource,
                f"secret {name} was set by ecr-oidc-wizard on {_shown_date(current)} with this "
                "value; unchanged since",
            )
        if not remembered:
            why = "ecr-oidc-wizard has no record of setting it"
        elif set_at != current:
            when = _shown_date(current) if current else "an unknown date"
            why = f"it was changed on {when}, after ecr-oidc-wizard set it"
        else:
            why = "the value differs from the one ecr-oidc-wizard set"
        return Change(
            Action.UPDATE,
            resource,
            f"set secret {name} to {value}: {why}, and a secret's current value cannot be read "
            "back",
            calls=(call,),
        )

    def after_call(self, ctx: StepContext, call: Call, answer: Any) -> None:
        """After a secret is sent, remember its fingerprint with GitHub's date for the write:
        the next run compares against that date to know nobody changed it since."""
        if call.operation in ("create_variable", "update_variable"):
            ctx.outputs[variable_key(str(call.params["name"]))] = value_digest(
                str(call.params["value"])
            )
            return
        if call.operation != "put_secret" or ctx.github is None:
            return
        from wizard.github_api import GitHubError

        p = call.params
        key = fingerprint_key(str(p["name"]))
        try:
            meta = ctx.github.secret(p["owner"], p["repo"], p["name"])
            updated_at = str((meta or {}).get("updated_at") or "")
        except (GitHubError, ValueError):
            # The secret is set; only the bookkeeping failed. Without a date the next run
            # re-sends it, which is safe, rather than failing a step whose write succeeded.
            updated_at = ""
        if updated_at:
            ctx.outputs[key] = fingerprint(str(p["value"]), updated_at)
        else:
            ctx.outputs.pop(key, None)

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
