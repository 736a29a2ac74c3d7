"""Removing step 1's work: the ECR repository (private, or ECR Public with --public).

Deleting a repository deletes its images, which may be all a team has of a release; the
wizard does that only when asked (`--delete-images`) and says how many there are. Without it
the delete call carries no `force`, so an image pushed between the plan and the call makes ECR
refuse (RepositoryNotEmptyException) instead of losing it ("If false, the repository must be
empty": https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan
from wizard.steps.aws_errors import is_not_found
from wizard.steps.base import Step, StepContext
from wizard.tags import managed_by
from wizard.teardown.base import (
    DECISION,
    DELETE,
    FORGET,
    GONE,
    IMAGES,
    KEEP,
    REFUSED,
    TeardownOptions,
    managed_note,
    not_ours_note,
    tagged_by_wizard,
)


@dataclass(frozen=True)
class RepositoryGone:
    exists: bool
    arn: str = ""
    uri: str = ""
    created_by_wizard: bool = False
    images: int = 0
    # The tool an exported template or configuration made it with ("": the wizard itself).
    managed_by: str = ""


class RemoveEcrRepository(Step[RepositoryGone]):
    number = 1
    key = "remove-ecr-repository"
    title = "Remove the ECR repository"
    purpose = "The repository goes, and with --delete-images every image in it."
    undo = "Run `apply --only 1` to make an empty one; deleted images cannot be brought back."

    def __init__(self, options: TeardownOptions | None = None) -> None:
        self.options = options or TeardownOptions()

    def _service(self, ctx: StepContext) -> str:
        return "ecr-public" if ctx.settings.public else "ecr"

    def inspect(self, ctx: StepContext) -> RepositoryGone:
        client: Any = ctx.aws.client(self._service(ctx))
        name = ctx.settings.ecr_repository
        try:
            repo = client.describe_repositories(repositoryNames=[name])["repositories"][0]
        except Exception as exc:
            if is_not_found(exc):
                return RepositoryGone(exists=False)
            raise
        arn = repo["repositoryArn"]
        tags = client.list_tags_for_resource(resourceArn=arn).get("tags", [])
        images = 0
        for page in client.get_paginator("describe_images").paginate(repositoryName=name):
            images += len(page.get("imageDetails", []))
        return RepositoryGone(
            True,
            arn,
            repo.get("repositoryUri", ""),
            tagged_by_wizard(tags),
            images,
            managed_by(tags),
        )

    def plan(self, ctx: StepContext, observed: RepositoryGone) -> StepPlan:
        name = ctx.settings.ecr_repository
        public = "ECR Public " if ctx.settings.public else "ECR "
        resource = f"{public}repository {name}" + (
            "" if ctx.settings.public else f" ({ctx.region})"
        )
        key = DECISION.format(self.number)
        if not observed.exists:
            change = Change(Action.NOOP, resource, "not there; nothing to remove")
            return self.new_plan(changes=(change,), outputs={key: GONE})
        if observed.managed_by and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: its stack or state manages it")
            note = managed_note(f"Repository {name}", observed.managed_by, self.number)
            return self.new_plan(changes=(change,), notes=(note,), outputs={key: KEEP})
        if not observed.created_by_wizard and not self.options.names(self.number):
            change = Change(Action.NOOP, resource, "left alone: not made by ecr-oidc-wizard")
            return self.new_plan(
                changes=(change,),
                notes=(not_ours_note(f"Repository {name}", self.number),),
                outputs={key: KEEP},
            )
        count = f"{observed.images} image{'s' if observed.images != 1 else ''}"
        if observed.images and not self.options.delete_images:
            refusal = (
                f"Repository {name} is kept: it holds {count}, which deleting it would delete "
                "too. Copy what you need, then run destroy again with --delete-images."
            )
            change = Change(Action.NOOP, resource, f"kept: it holds {count}")
            return self.new_plan(
                changes=(change,),
                notes=(Note(Severity.WARNING, refusal),),
                outputs={key: KEEP, REFUSED: refusal, IMAGES: str(observed.images)},
            )
        params: dict[str, Any] = {"repositoryName": name}
        notes: tuple[Note, ...] = ()
        if observed.images:
            params["force"] = True
            notes = (
                Note(
                    Severity.DANGER,
                    f"--delete-images: the {count} in {observed.uri} "
                    f"{'is' if observed.images == 1 else 'are'} deleted with the repository and "
                    "cannot be brought back.",
                ),
            )
        summary = f"delete {observed.uri}" + (f" and its {count}" if observed.images else "")
        change = Change(
            Action.DELETE,
            resource,
            summary,
            calls=(Call(self._service(ctx), "delete_repository", params),),
        )
        return self.new_plan(
            changes=(change,),
            notes=notes,
            outputs={key: DELETE, FORGET: "repository_uri repository_arn registry"},
        )
