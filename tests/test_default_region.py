"""The region the standard chain would pick, read without botocore (start-up waits for it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.aws import default_region


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config"
    path.write_text(
        "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = ap-south-1\n\n[profile bare]\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


def test_environment_first(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert default_region("dev") == "us-west-2"
    monkeypatch.setenv("AWS_REGION", "us-east-2")
    assert default_region("dev") == "us-east-2"


def test_profiles(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_region() == "eu-west-1"
    assert default_region("dev") == "ap-south-1"
    assert default_region("bare") == ""
    assert default_region("missing") == ""
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert default_region() == "ap-south-1"


def test_agrees_with_botocore(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    for profile in ("default", "dev"):
        monkeypatch.setenv("AWS_PROFILE", profile)
        expected = botocore.session.Session().get_config_variable("region") or ""
        assert default_region() == expected


def test_unreadable_config(config: Path) -> None:
    config.write_text("not [ an ini")
    assert default_region() == ""
