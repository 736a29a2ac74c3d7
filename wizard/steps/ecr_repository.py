"""Step 1: the ECR repository the workflow pushes to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.plan import Action, Call, Change, Note, Severity, StepPlan, value_diff
from wizard.policies import public_repository_arn, registry_host, repository_arn
from wizard.settings import Settings
from wizard.steps.aws_errors import is_not_found
from wizard.steps.base import Step, StepContext
from wizard.tags import aws_tags

PUBLIC_MISCONCEPTION = (
    'The guide\'s other route, a private repository policy with Principal "*", does not make '
    "anonymous pulls work: it lets any authenticated AWS principal pull. Anonymous pulls need "
    "ECR Public (this option) or image pull secrets on the cluster."
)


@dataclass(frozen=True)
class RepositoryState:
    exists: bool
    mutability: str = ""
    exclusions: tuple[str, ...] = ()
    scan_on_push: bool = False
    uri: str = ""


class EcrRepositoryStep(Step[RepositoryState]):
    number = 1
    key = "ecr-repository"
    title = "Create ECR Repository"
    undo = (
        "Deleting the repository deletes every image in it: "
        "`aws ecr delete-repository --repository-name NAME --force`. Nothing else depends on it "
        "until a workflow or cluster pulls from it."
    )
    purpose = (
        "An Amazon ECR repository holds the images the workflow pushes: an immutable "
        "VERSION-DATE-SHA tag per build, and a moving `latest`."
    )

    def inspect(self, ctx: StepContext) -> RepositoryState:
        s = ctx.settings
        try:
            if s.public:
                answer: Any = ctx.aws.ecr_public.describe_repositories(
                    repositoryNames=[s.ecr_repository]
                )
            else:
                answer = ctx.aws.ecr.describe_repositories(repositoryNames=[s.ecr_repository])
        except Exception as exc:
            if is_not_found(exc):
                return RepositoryState(exists=False)
            raise
        repo = answer["repositories"][0]
        return RepositoryState(
            exists=True,
            mutability=repo.get("imageTagMutability", ""),
            exclusions=tuple(
                f["filter"] for f in repo.get("imageTagMutabilityExclusionFilters", [])
            ),
            scan_on_push=bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush")),
            uri=repo.get("repositoryUri", ""),
        )

    def plan(self, ctx: StepContext, observed: RepositoryState) -> StepPlan:
        if ctx.settings.public:
            return self._plan_public(ctx, observed)
        return self._plan_private(ctx, observed)

    def _plan_private(self, ctx: StepContext, observed: RepositoryState) -> StepPlan:
        s = ctx.settings
        name = s.ecr_repository
        uri = f"{registry_host(ctx.account_id, ctx.region, ctx.partition)}/{name}"
        outputs = {
            "repository_uri": uri,
            "repository_arn": repository_arn(ctx.partition, ctx.region, ctx.account_id, name),
            "registry": registry_host(ctx.account_id, ctx.region, ctx.partition),
        }
        exclusions = mutability_exclusions(s)
        mutability = tag_mutability_params(s)
        notes = mutability_notes(s.tag_mutability, exclusions)
        resource = f"ECR repository {name} ({ctx.region})"
        if not observed.exists:
            params = {"repositoryName": name, **repository_configuration(s), "tags": aws_tags()}
            change = Change(
                Action.CREATE,
                resource,
                f"create {uri}, tag mutability "
                f"{describe_mutability(s.tag_mutability, exclusions)}, "
                f"scan on push {'on' if s.scan_on_push else 'off'}",
                calls=(Call("ecr", "create_repository", params),),
            )
            return self.new_plan(changes=(change,), notes=tuple(notes), outputs=outputs)
        changes: list[Change] = []
        if (observed.mutability, tuple(sorted(observed.exclusions))) != (
            s.tag_mutability,
            tuple(sorted(exclusions)),
        ):
            changes.append(
                Change(
                    Action.UPDATE,
                    resource,
                    "change tag mutability",
                    calls=(
                        Call(
                            "ecr",
                            "put_image_tag_mutability",
                            {"repositoryName": name, **mutability},
                        ),
                    ),
                    diff=value_diff(
                        "tag mutability",
                        describe_mutability(observed.mutability, observed.exclusions),
                        describe_mutability(s.tag_mutability, exclusions),
                    ),
                )
            )
        if observed.scan_on_push != s.scan_on_push:
            changes.append(
                Change(
                    Action.UPDATE,
                    resource,
                    "change scan on push",
                    calls=(
                        Call(
                            "ecr",
                            "put_image_scanning_configuration",
                            {
                                "repositoryName": name,
                                "imageScanningConfiguration": {"scanOnPush": s.scan_on_push},
                            },
                        ),
                    ),
                    diff=value_diff("scan on push", observed.scan_on_push, s.scan_on_push),
                )
            )
        if not changes:
            changes.append(Change(Action.NOOP, resource, f"{uri} exists as planned"))
        return self.new_plan(changes=tuple(changes), notes=tuple(notes), outputs=outputs)

    def _plan_public(self, ctx: StepContext, observed: RepositoryState) -> StepPlan:
        s = ctx.settings
        name = s.ecr_repository
        outputs = {"repository_arn": public_repository_arn(ctx.partition, ctx.account_id, name)}
        notes = [
            Note(Severity.INFO, "ECR Public lives in us-east-1; anyone can pull its images."),
            Note(Severity.INFO, PUBLIC_MISCONCEPTION),
        ]
        resource = f"ECR Public repository {name}"
        if observed.exists:
            outputs["repository_uri"] = observed.uri
            change = Change(Action.NOOP, resource, f"{observed.uri} exists")
        else:
            change = Change(
                Action.CREATE,
                resource,
                f"create public repository {name}",
                calls=(
                    Call(
                        "ecr-public",
                        "create_repository",
                        {"repositoryName": name, "tags": aws_tags()},
                    ),
                ),
            )
        return self.new_plan(changes=(change,), notes=tuple(notes), outputs=outputs)

    def after_call(self, ctx: StepContext, call: Call, answer: Any) -> None:
        if call.operation == "create_repository":
            ctx.outputs["repository_uri"] = answer["repository"]["repositoryUri"]


def mutability_exclusions(s: Settings) -> tuple[str, ...]:
    """The exclusion filters, which only the *_WITH_EXCLUSION settings carry."""
    return tuple(s.mutability_exclusions) if "EXCLUSION" in s.tag_mutability else ()


def tag_mutability_params(s: Settings) -> dict[str, Any]:
    """Tag mutability as ECR's API spells it (create_repository, put_image_tag_mutability)."""
    params: dict[str, Any] = {"imageTagMutability": s.tag_mutability}
    exclusions = mutability_exclusions(s)
    if exclusions:
        params["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in exclusions
        ]
    return params


def repository_configuration(s: Settings) -> dict[str, Any]:
    """Everything a new private repository is created with, besides its name and tags; the
    infrastructure-as-code export renders this same value."""
    return {
        **tag_mutability_params(s),
        "imageScanningConfiguration": {"scanOnPush": s.scan_on_push},
    }


def describe_mutability(mutability: str, exclusions: tuple[str, ...] | list[str]) -> str:
    if exclusions and mutability == "MUTABLE_WITH_EXCLUSION":
        return f"{mutability} (immutable: {', '.join(exclusions)})"
    if exclusions:
        return f"{mutability} (except {', '.join(exclusions)})"
    return mutability or "unknown"


def mutability_notes(mutability: str, exclusions: tuple[str, ...]) -> list[Note]:
    if mutability == "MUTABLE":
        return [
            Note(
                Severity.WARNING,
                "MUTABLE (the guide's setting): nothing stops the 'immutable' VERSION-DATE-SHA "
                "tag from being overwritten. IMMUTABLE_WITH_EXCLUSION with 'latest' excluded "
                "keeps it fixed while 'latest' moves.",
            )
        ]
    if mutability == "IMMUTABLE":
        return [
            Note(
                Severity.WARNING,
                "IMMUTABLE: the second push of 'latest' fails with ImageTagAlreadyExists. Use "
                "IMMUTABLE_WITH_EXCLUSION with 'latest' excluded to let it move.",
            )
        ]
    if mutability == "IMMUTABLE_WITH_EXCLUSION":
        return [
            Note(
                Severity.INFO,
                f"Tags are immutable except {', '.join(exclusions)}: a VERSION-DATE-SHA tag never "
                "changes once pushed, while 'latest' moves (the guide's tagging strategy).",
            )
        ]
    return []
