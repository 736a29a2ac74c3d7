"""Removing step 5's work: AWS_ROLE_ARN and AWS_REGION in the repository's Actions settings.

A secret's value cannot be read back, so "the wizard set it and nobody changed it since" is
told the way step 5 tells it: the answers file keeps, per secret the wizard set, the sha256 of
the value and GitHub's `updated_at` for that write. A variable's value can be read, and its
record is the sha256 of the value the wizard set. A secret or variable with no record, or
changed since, is left with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.steps.base import Step, StepContext
from wizard.steps.github_secrets import (
    REGION_NAME,
    ROLE_ARN_NAME,
    fingerprint_key,
    value_digest,
    variable_key,
)
from wizard.teardown.base import DECISION, DELETE, FORGET, GONE, KEEP, TeardownOptions

NAMES = (ROLE_ARN_NAME, REGION_NAME)


@dataclass(frozen=True)
class ValuesGone:
    # False when there was no token: nothing could be read.
    checked: bool
    # Secret name -> GitHub's updated_at; variable name -> value (only the wizard's names).
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)


class RemoveGitHubValues(Step[ValuesGone]):
    number = 5
    key = "remove-github-values"
    title = "Remove the GitHub secrets and variables"
    purpose = "AWS_ROLE_ARN and AWS_REGION go from the repository (a GitHub token is needed)."
    undo = "Run `apply --only 5` to set them again."

    def __init__(self, options: TeardownOptions | None = None) -> None:
        self.options = options or TeardownOptions()

    def inspect(self, ctx: StepContext) -> ValuesGone:
        if ctx.github is None:
            return ValuesGone(checked=False)
        from wizard.github_api import GitHubError

        owner, repo = ctx.settings.owner, ctx.settings.repo_name
        dates: dict[str, str] = {}
        variables: dict[str, str] = {}
        # Either kind may be missing from the token's permissions; the kind the wizard used is
        # what matters, and a refusal to read it stops the plan like any failed read.
        used = ctx.settings.github_values_as
        try:
            dates = dict(ctx.github.secrets_updated_at(owner, repo))
        except GitHubError:
            if used != "variables":
                raise
        try:
            variables = dict(ctx.github.list_variables(owner, repo))
        except GitHubError:
            if used == "variables":
                raise
        return ValuesGone(
            True,
            {n: d for n, d in dates.items() if n in NAMES},
            {n: v for n, v in variables.items() if n in NAMES},
        )

    def plan(self, ctx: StepContext, observed: ValuesGone) -> StepPlan:
        s = ctx.settings
        key = DECISION.format(self.number)
        resource = f"Actions secrets and variables of {s.github_repo}"
        if not observed.checked:
            left = [n for n in NAMES if fingerprint_key(n) in ctx.outputs]
            left += [n for n in NAMES if variable_key(n) in ctx.outputs]
            note = Note(
                Severity.WARNING,
                "Not checked with GitHub (no token): "
                + (
                    f"{', '.join(sorted(set(left)))} set by ecr-oidc-wizard stay in "
                    f"{s.github_repo}. Set GH_TOKEN and run destroy --only 5 to remove them."
                    if left
                    else "which secrets and variables exist is unknown."
                ),
            )
            change = Change(Action.NOOP, resource, "not checked: no GitHub token")
            return self.new_plan(changes=(change,), notes=(note,), outputs={key: KEEP})
        changes: list[Change] = []
        notes: list[Note] = []
        named = self.options.names(self.number)
        owner, repo = s.owner, s.repo_name
        for name in NAMES:
            params = {"owner": owner, "repo": repo, "name": name}
            if name in observed.secrets:
                what = f"Actions secret {name} of {s.github_repo}"
                recorded = ctx.outputs.get(fingerprint_key(name), "")
                set_at = recorded.partition("@")[2]
                current = observed.secrets[name]
                if (recorded and set_at and set_at == current) or named:
                    changes.append(
                        Change(
                            Action.DELETE,
                            what,
                            f"delete secret {name}",
                            calls=(Call("github", "delete_secret", params),),
                        )
                    )
                else:
                    why = (
                        "it was changed after ecr-oidc-wizard set it"
                        if recorded
                        else "ecr-oidc-wizard has no record of setting it"
                    )
                    changes.append(Change(Action.NOOP, what, f"left alone: {why}"))
            if name in observed.variables:
                what = f"Actions variable {name} of {s.github_repo}"
                recorded = ctx.outputs.get(variable_key(name), "")
                if (recorded and recorded == value_digest(observed.variables[name])) or named:
                    changes.append(
                        Change(
                            Action.DELETE,
                            what,
                            f"delete variable {name} (= {observed.variables[name]})",
                            calls=(Call("github", "delete_variable", params),),
                        )
                    )
                else:
                    why = (
                        "its value changed after ecr-oidc-wizard set it"
                        if recorded
                        else "ecr-oidc-wizard has no record of setting it"
                    )
                    changes.append(Change(Action.NOOP, what, f"left alone: {why}"))
        if any(ch.action is Action.NOOP for ch in changes):
            notes.append(
                Note(
                    Severity.WARNING,
                    "What is left alone may be someone else's; to remove it anyway: "
                    "--remove-unowned github-values.",
                )
            )
        if not changes:
            changes.append(Change(Action.NOOP, resource, "none of the wizard's names are there"))
            return self.new_plan(changes=tuple(changes), outputs={key: GONE})
        # Only the records of what goes: a secret left alone keeps its record.
        forget = [
            (fingerprint_key if call.operation == "delete_secret" else variable_key)(
                str(call.params["name"])
            )
            for change in changes
            for call in change.calls
        ]
        deleting = any(ch.action is Action.DELETE for ch in changes)
        outputs = {key: DELETE, FORGET: " ".join(forget)} if deleting else {key: KEEP}
        return self.new_plan(changes=tuple(changes), notes=tuple(notes), outputs=outputs)
