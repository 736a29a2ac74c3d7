"""Names for the person's own project, derived from their GitHub repository.

The guide's names (`onyxia-eostat`, `GitHubActionsEOStatPush`, `build-eostat.yml`, "Build and
Push EOStat Image") belong to one project; every other user should get names that say what
their own repository builds. The guide's exact values stay one flag away (`--guide-defaults`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The guide's values (seeds: the "Prerequisites" list and steps 1, 3 and 6).
GUIDE_VALUES: dict[str, str] = {
    "github_repo": "UNGlobalPlatform/images-datascience",
    "ecr_repository": "onyxia-eostat",
    "role_name": "GitHubActionsEOStatPush",
    "region": "us-east-1",
    "workflow_file": "build-eostat.yml",
    "workflow_name": "Build and Push EOStat Image",
}

_ECR_PART = re.compile(r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*")
# IAM role names: at most 64 characters.
_ROLE_PREFIX, _ROLE_SUFFIX, _ROLE_LIMIT = "GitHubActions", "Push", 64


@dataclass(frozen=True)
class DerivedNames:
    ecr_repository: str
    role_name: str
    workflow_file: str
    workflow_name: str


def _repo_name(github_repo: str) -> str:
    owner, slash, repo = github_repo.strip().partition("/")
    if not slash or not owner or not repo or "/" in repo:
        return ""
    return repo


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]


def ecr_name(repo: str) -> str:
    """The repository name as an ECR name: lower case, parts joined by single hyphens."""
    slug = "-".join(w.lower() for w in _words(repo))[:256].strip("-")
    if len(slug) < 2:
        slug = f"{slug}-image" if slug else ""
    return slug if _ECR_PART.fullmatch(slug) else ""


def role_name(repo: str) -> str:
    """GitHubActions + the repository name in CamelCase + Push, within IAM's 64 characters."""
    words = _words(repo)
    if not words:
        return ""
    middle = "".join(w[:1].upper() + w[1:] for w in words)
    room = _ROLE_LIMIT - len(_ROLE_PREFIX) - len(_ROLE_SUFFIX)
    return f"{_ROLE_PREFIX}{middle[:room]}{_ROLE_SUFFIX}"


def workflow_names(github_repo: str, ecr_repository: str = "") -> tuple[str, str] | None:
    """The workflow's file and name: for the repository, else for the image it builds."""
    names = derived_names(github_repo)
    if names is not None:
        return names.workflow_file, names.workflow_name
    slug = ecr_name(ecr_repository.rsplit("/", 1)[-1])
    if not slug:
        return None
    return f"build-{slug[:80]}.yml", f"Build and push the {ecr_repository} image"


def derived_names(github_repo: str) -> DerivedNames | None:
    """The names for this repository; None while it is not OWNER/REPO."""
    repo = _repo_name(github_repo)
    slug = ecr_name(repo)
    if not slug:
        return None
    # A workflow file name: letters, digits, '.', '_' and '-', ending in .yml.
    return DerivedNames(
        ecr_repository=slug,
        role_name=role_name(repo),
        workflow_file=f"build-{slug[:80]}.yml",
        workflow_name=f"Build and push the {repo} image",
    )
