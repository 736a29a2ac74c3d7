"""What every teardown step shares: the options, whose a resource is, and what it decided.

Teardown steps have the shape of the wizard's steps (inspect -> plan -> apply, exactly the
planned calls) and the number of the step whose work they undo, so `--only 3` means the role in
`apply` and in `destroy` alike. They remove only what the wizard made: a resource it tagged
`created-by = ecr-oidc-wizard`, or one the answers file records it set and that is unchanged
since. Anything else is left alone unless the person names its kind explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.plan import Note, Severity, StepPlan
from wizard.tags import (
    CREATED_BY_KEY,
    CREATED_BY_VALUE,
    MANAGED_BY_CLOUDFORMATION,
    MANAGED_BY_KEY,
    MANAGED_BY_TERRAFORM,
)

# The kinds a person can name to remove something the wizard did not make, by step number.
KINDS = {
    4: "push-policy",
    3: "role",
    1: "repository",
    5: "github-values",
    6: "workflow-file",
    2: "provider",
}
# Outputs: what each teardown step decided ("delete", "keep" or "gone"), for the later ones.
DECISION = "teardown:{}"
DELETE, KEEP, GONE = "delete", "keep", "gone"
# Outputs: why a step refused to remove what it would otherwise remove.
REFUSED = "refused"
# Outputs: how many images keep a repository (a face may offer --delete-images).
IMAGES = "images"
# Outputs: the answers file's records ([created] keys) of what a removal takes away,
# space-separated; a face drops them once the removal is done.
FORGET = "forget"


@dataclass(frozen=True)
class TeardownOptions:
    # Delete a repository's images with it (`--delete-images`); otherwise a repository that
    # holds images is kept.
    delete_images: bool = False
    # Kinds (see KINDS) to remove even though the wizard did not make them.
    named: frozenset[str] = field(default_factory=frozenset)

    def names(self, number: int) -> bool:
        return KINDS[number] in self.named


def kind_errors(kinds: Iterable[str]) -> list[str]:
    known = set(KINDS.values())
    return [
        f"--remove-unowned {kind!r}: one of {', '.join(KINDS.values())}."
        for kind in kinds
        if kind not in known
    ]


def tagged_by_wizard(tags: Iterable[Mapping[str, Any]]) -> bool:
    """AWS answers tags as [{Key, Value}] (IAM, ECR: key/value in lower case for ECR)."""
    for tag in tags:
        key = tag.get("Key", tag.get("key"))
        value = tag.get("Value", tag.get("value"))
        if key == CREATED_BY_KEY and value == CREATED_BY_VALUE:
            return True
    return False


def managed_note(what: str, manager: str, number: int) -> Note:
    """Why a resource an exported template or configuration made is left to that tool."""
    tool, _, stack = manager.partition(":")
    if tool == MANAGED_BY_CLOUDFORMATION:
        name = stack or "STACK"
        how = (
            f"a CloudFormation stack{f' ({stack})' if stack else ''} manages it; remove it with "
            f"`aws cloudformation delete-stack --stack-name {name}`"
        )
    elif tool == MANAGED_BY_TERRAFORM:
        how = "Terraform manages it; remove it with `terraform destroy` in its configuration"
    else:
        how = f"it is tagged {MANAGED_BY_KEY} = {manager}; remove it with that tool"
    return Note(
        Severity.WARNING,
        f"{what} is left alone: {how}, so its stack or state does not lose it. What that "
        "tool keeps on deletion (the exported repository and provider are retained) can be "
        f"removed afterwards with destroy --remove-unowned {KINDS[number]}.",
    )


def decision(ctx_outputs: Mapping[str, str], number: int) -> str:
    return ctx_outputs.get(DECISION.format(number), "")


def not_ours_note(what: str, number: int) -> Note:
    return Note(
        Severity.WARNING,
        f"{what} was not made by ecr-oidc-wizard (no created-by tag, no record in the answers "
        f"file), so it is left alone. To remove it anyway: --remove-unowned {KINDS[number]}.",
    )


def records_removed(results: Iterable[Any]) -> list[str]:
    """The [created] keys to drop after these teardown results (only steps that were done)."""
    keys: list[str] = []
    for result in results:
        if str(result.status) == "done":
            keys += str(result.outputs.get(FORGET, "")).split()
    return keys


def images_keeping_repository(plans: Iterable[StepPlan]) -> int:
    """The image count of a repository kept because it holds images (0: none kept so)."""
    return sum(int(p.outputs.get(IMAGES, "0")) for p in plans)


def refusals(plans: Iterable[StepPlan]) -> list[str]:
    """The refusals of a destroy plan: each one keeps something that was asked to go."""
    return [p.outputs[REFUSED] for p in plans if p.outputs.get(REFUSED)]
