"""Verification: what the workflow pushed, and the Helm values that use it.

`read_images()` is the only AWS read; everything else takes values and returns values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wizard.policies import registry_host
from wizard.workflow import IMMUTABLE_TAG

LATEST = "latest"


@dataclass(frozen=True)
class Image:
    digest: str
    tags: tuple[str, ...]
    pushed_at: datetime | None = None
    size_bytes: int = 0


@dataclass(frozen=True)
class Verification:
    repository_uri: str
    images: tuple[Image, ...]
    # The newest tag of the VERSION-YYYYMMDD-SHA[-rRUN] form, and what it and `latest` point to.
    immutable_tag: str = ""
    immutable: Image | None = None
    latest: Image | None = None
    # False when the repository itself does not exist yet (step 1 not applied here).
    repository_exists: bool = True

    @property
    def same_digest(self) -> bool | None:
        if self.immutable is None or self.latest is None:
            return None
        return self.immutable.digest == self.latest.digest

    @property
    def immutable_digest(self) -> str:
        return self.immutable.digest if self.immutable else ""

    @property
    def latest_digest(self) -> str:
        return self.latest.digest if self.latest else ""

    @property
    def ok(self) -> bool:
        return bool(self.same_digest)

    def to_json(self) -> dict[str, Any]:
        return {
            "repository_uri": self.repository_uri,
            "repository_exists": self.repository_exists,
            "immutable_tag": self.immutable_tag,
            "immutable_digest": self.immutable_digest,
            "latest_digest": self.latest_digest,
            "same_digest": self.same_digest,
            "images": [
                {
                    "digest": i.digest,
                    "tags": list(i.tags),
                    "pushed_at": i.pushed_at.isoformat() if i.pushed_at else None,
                }
                for i in self.images
            ],
            "helm": {
                "production": helm_values(self.repository_uri, self.immutable_tag)
                if self.immutable_tag
                else None,
                "development": helm_values(self.repository_uri, LATEST) if self.latest else None,
            },
        }


def read_images(client: Any, repository: str) -> list[Image]:
    """Every image of the repository (ECR or ECR Public: both answer describe_images)."""
    images: list[Image] = []
    token = ""
    while True:
        kwargs: dict[str, Any] = {"repositoryName": repository, "maxResults": 100}
        if token:
            kwargs["nextToken"] = token
        answer = client.describe_images(**kwargs)
        for item in answer.get("imageDetails", []):
            images.append(
                Image(
                    digest=str(item.get("imageDigest", "")),
                    tags=tuple(item.get("imageTags") or ()),
                    pushed_at=item.get("imagePushedAt"),
                    size_bytes=int(item.get("imageSizeInBytes") or 0),
                )
            )
        token = str(answer.get("nextToken") or "")
        if not token:
            return images


def read_pushed(client: Any, repository: str) -> list[Image] | None:
    """The repository's images, or None when the repository does not exist: before step 1
    there is nothing pushed yet, which is an answer, not a failure."""
    from wizard.steps.aws_errors import is_not_found

    try:
        return read_images(client, repository)
    except Exception as exc:
        if is_not_found(exc):
            return None
        raise


def repository_uri(
    name: str, *, account_id: str, region: str, partition: str = "aws", public_uri: str = ""
) -> str:
    """The URI images are pulled by: REGISTRY/NAME, or ECR Public's public.ecr.aws/ALIAS/NAME."""
    if public_uri:
        return public_uri
    return f"{registry_host(account_id, region, partition)}/{name}"


def _tag_key(tag: str, image: Image) -> tuple[str, float, int, int]:
    """Newest first by build date, then push time, then run number and attempt: tags of one
    commit and day differ only by -rRUN (see wizard.workflow.IMMUTABLE_TAG)."""
    match = IMMUTABLE_TAG.match(tag)
    date = match.group("date") if match else ""
    run = int(match.group("run") or 0) if match else 0
    attempt = int(match.group("attempt") or 1) if match else 0
    pushed = image.pushed_at.timestamp() if image.pushed_at else 0.0
    return date, pushed, run, attempt


def verification(uri: str, images: list[Image] | None) -> Verification:
    """Which immutable tag is newest, and whether `latest` points to the same image.
    `images` None: the repository does not exist (see read_pushed)."""
    if images is None:
        return Verification(uri, (), repository_exists=False)
    latest = next((i for i in images if LATEST in i.tags), None)
    candidates = [(t, i) for i in images for t in i.tags if IMMUTABLE_TAG.match(t)]
    tag, immutable = ("", None)
    if candidates:
        tag, immutable = max(candidates, key=lambda ti: _tag_key(*ti))
    ordered = sorted(
        images, key=lambda i: i.pushed_at.timestamp() if i.pushed_at else 0.0, reverse=True
    )
    return Verification(uri, tuple(ordered), tag, immutable, latest)


def helm_values(uri: str, tag: str) -> str:
    """The guide's Helm form: `service.image.version` holds the whole image reference."""
    return f'service:\n  image:\n    version: "{uri}:{tag}"\n'


def _when(image: Image | None) -> str:
    if image is None or image.pushed_at is None:
        return "unknown time"
    return image.pushed_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def verification_text(v: Verification, *, limit: int = 10) -> str:
    if not v.repository_exists:
        return (
            f"Nothing pushed yet: the repository {v.repository_uri} does not exist. Step 1 "
            "creates it; the workflow (step 6) pushes the first image. Verify again after that.\n"
        )
    if not v.images:
        return (
            f"Nothing pushed yet to {v.repository_uri}. Run the workflow (step 6, or "
            "`gh workflow run`) and verify again.\n"
        )
    lines = [f"Images in {v.repository_uri}:"]
    for image in v.images[:limit]:
        tags = ", ".join(image.tags) or "(untagged)"
        lines.append(f"  {tags}  {image.digest[:19]}  pushed {_when(image)}")
    if len(v.images) > limit:
        lines.append(f"  ... and {len(v.images) - limit} older image(s)")
    lines.append("")
    if v.immutable is not None:
        lines.append(f"Immutable tag: {v.immutable_tag} (pushed {_when(v.immutable)})")
    else:
        lines.append(
            "Immutable tag: none of the form VERSION-YYYYMMDD-SHA-rRUN; the workflow pushes one "
            "per build."
        )
    if v.latest is not None:
        lines.append(f"latest: pushed {_when(v.latest)}")
    else:
        lines.append("latest: missing; the workflow pushes it with every build.")
    if v.same_digest is True:
        lines.append(f"latest and {v.immutable_tag} are the same image ({v.latest_digest}).")
    elif v.same_digest is False:
        lines.append(
            f"latest ({v.latest_digest}) is another image than {v.immutable_tag} "
            f"({v.immutable_digest}): a newer build without the immutable tag, or a push by "
            "hand. Production should use the immutable tag."
        )
    if v.immutable is not None:
        lines += ["", "Helm values, production (immutable):"]
        lines += [
            "  " + line for line in helm_values(v.repository_uri, v.immutable_tag).split("\n")
        ]
    if v.latest is not None:
        lines += ["Helm values, development (latest):"]
        lines += ["  " + line for line in helm_values(v.repository_uri, LATEST).split("\n")]
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"
