"""Verification against moto: both tags, one digest, and the Helm values."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from tests.conftest import ACCOUNT_ID, REGION, MotoServer
from wizard.aws import Aws
from wizard.cli.github import verify_command
from wizard.settings import Settings
from wizard.verify import (
    Image,
    helm_values,
    read_images,
    repository_uri,
    verification,
    verification_text,
)

NAME = "onyxia-eostat"
URI = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/{NAME}"
TAG = "0.1.0-20251130-8c5f394"


def manifest(layer: str) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7023,
                "digest": "sha256:" + "c" * 64,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 32654,
                    "digest": "sha256:" + layer * 64,
                }
            ],
        }
    )


def push(aws: Aws, layer: str, *tags: str) -> None:
    """What the workflow does: one manifest, pushed once per tag."""
    for tag in tags:
        aws.ecr.put_image(repositoryName=NAME, imageManifest=manifest(layer), imageTag=tag)


@pytest.fixture
def aws(moto: MotoServer) -> Aws:
    client = Aws(region=REGION, endpoint_url=moto.url)
    client.ecr.create_repository(repositoryName=NAME)
    return client


def settings(moto: MotoServer) -> Settings:
    return Settings(ecr_repository=NAME, region=REGION, endpoint_url=moto.url)


def test_both_tags_point_to_one_image(aws: Aws) -> None:
    push(aws, "a", TAG, "latest")
    images = read_images(aws.ecr, NAME)
    assert len(images) == 1
    assert set(images[0].tags) == {TAG, "latest"}
    result = verification(URI, images)
    assert result.immutable_tag == TAG
    assert result.same_digest is True
    assert result.immutable is not None and result.immutable.pushed_at is not None


def test_verify_command_shows_tags_digest_and_helm_values(
    moto: MotoServer, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    push(aws, "a", TAG, "latest")
    assert verify_command(settings(moto), aws=aws) == 0
    out = capsys.readouterr().out
    assert f"Images in {URI}:" in out
    assert f"Immutable tag: {TAG}" in out
    assert f"latest and {TAG} are the same image" in out
    assert f'version: "{URI}:{TAG}"' in out
    assert f'version: "{URI}:latest"' in out
    assert "Helm values, production (immutable):" in out
    assert "Helm values, development (latest):" in out


def test_verify_command_json(
    moto: MotoServer, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    push(aws, "a", TAG, "latest")
    assert verify_command(settings(moto), aws=aws, as_json=True) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["same_digest"] is True
    assert document["helm"]["production"] == helm_values(URI, TAG)


def test_latest_moved_to_a_newer_image(aws: Aws) -> None:
    push(aws, "a", TAG, "latest")
    push(aws, "b", "0.1.0-20251201-1234567", "latest")
    result = verification(URI, read_images(aws.ecr, NAME))
    assert result.immutable_tag == "0.1.0-20251201-1234567"
    assert result.same_digest is True
    assert len(result.images) == 2


def test_empty_repository_says_run_the_workflow(
    moto: MotoServer, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify_command(settings(moto), aws=aws) == 1
    assert "Nothing pushed yet" in capsys.readouterr().out


def test_missing_repository_says_nothing_pushed_yet(
    moto: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before step 1 there is nothing to verify: that is said plainly, not as a raw
    # RepositoryNotFoundException (the exit code still says verification did not pass).
    s = Settings(ecr_repository="does-not-exist", region=REGION, endpoint_url=moto.url)
    assert verify_command(s, aws=Aws(region=REGION, endpoint_url=moto.url)) == 1
    said = capsys.readouterr()
    assert "Nothing pushed yet" in said.out and "does not exist" in said.out
    assert "RepositoryNotFoundException" not in said.out + said.err


def test_invalid_input_is_exit_2_before_any_call() -> None:
    err = io.StringIO()
    assert verify_command(Settings(ecr_repository="Bad Name", region=REGION), err=err) == 2
    assert "Nothing was sent to AWS" in err.getvalue()


# --- Pure formatting -------------------------------------------------------------------------


def at(day: int) -> datetime:
    return datetime(2025, 11, day, 12, 0, tzinfo=UTC)


def test_latest_on_another_image_is_called_out() -> None:
    images = [
        Image("sha256:" + "1" * 64, (TAG,), at(30)),
        Image("sha256:" + "2" * 64, ("latest",), at(29)),
    ]
    result = verification(URI, images)
    assert result.same_digest is False
    text = verification_text(result)
    assert "is another image than" in text
    assert "Production should use the immutable tag" in text


def test_no_immutable_tag() -> None:
    result = verification(URI, [Image("sha256:" + "1" * 64, ("latest", "dev"), at(1))])
    assert result.immutable is None
    assert "none of the form VERSION-YYYYMMDD-SHA" in verification_text(result)


def test_helm_values_are_the_guides_form() -> None:
    assert helm_values(URI, TAG) == f'service:\n  image:\n    version: "{URI}:{TAG}"\n'


def test_repository_uri() -> None:
    assert repository_uri(NAME, account_id=ACCOUNT_ID, region="eu-west-1") == (
        f"{ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/{NAME}"
    )
    assert repository_uri(
        NAME, account_id=ACCOUNT_ID, region="cn-north-1", partition="aws-cn"
    ).endswith(".amazonaws.com.cn/onyxia-eostat")
    public = "public.ecr.aws/a1b2c3d4/onyxia-eostat"
    assert repository_uri(NAME, account_id=ACCOUNT_ID, region=REGION, public_uri=public) == public
