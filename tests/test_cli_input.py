"""Input the CLI forgives where it is unambiguous and refuses where it is not (issue 13):
pasted repository URLs, session options on either side of every command, one-line errors,
a --config that must exist, banners off standard output, the guide's values one flag away."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wizard.cli import main
from wizard.sandbox import box as sandbox_box


@pytest.fixture(autouse=True)
def quick_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_box, "RUN_SECONDS", 0.3)
    monkeypatch.setattr(sandbox_box, "POLL_SECONDS", 0.05)


def test_a_bad_step_number_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["plan", "--only", "7"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" not in err
    assert err.strip().count("\n") == 0
    assert "--only" in err and "1 to 6" in err


def test_an_unknown_option_still_shows_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "--no-such-flag"])
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["plan", "doctor", "verify", "workflow"])
def test_a_config_that_does_not_exist_is_named_with_exit_2(
    command: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = workdir / "typo.toml"
    assert main([command, "--config", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"--config {missing}: no such file" in err


def test_the_default_config_may_be_absent(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not (workdir / "ecr-oidc-wizard.toml").exists()
    assert main(["workflow", "--ecr-repository", "shop", "--output", "-"]) == 0
    assert "no such file" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--sandbox", "workflow", "--output", "-"],
        ["workflow", "--sandbox", "--output", "-"],
        ["workflow", "--output", "-", "--sandbox"],
        ["--region", "us-east-1", "workflow", "--sandbox", "--output", "-"],
        ["workflow", "--region", "us-east-1", "--sandbox"],
    ],
)
def test_session_options_before_or_after_workflow_and_only_yaml_on_stdout(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Made by ecr-oidc-wizard")
    assert yaml.safe_load(out)["jobs"]
    assert "SANDBOX" in err and "SANDBOX" not in out


@pytest.mark.parametrize(
    "argv",
    [["--sandbox", "explain", "no basic auth credentials"], ["explain", "--sandbox", "x"]],
)
def test_session_options_on_explain(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) in (0, 1)  # 1: not in the catalogue; never a usage error
    assert "SANDBOX" in capsys.readouterr().err


@pytest.mark.parametrize(
    "pasted",
    [
        "https://github.com/acme/shop",
        "https://github.com/acme/shop.git",
        "git@github.com:acme/shop.git",
        "  acme/shop  ",
    ],
)
def test_a_pasted_repository_url_is_read_as_owner_repo(
    pasted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--sandbox", "--only", "3", "--github-repo", pasted]) == 0
    assert "repo:acme/shop:ref:refs/heads/main" in capsys.readouterr().out


def test_the_guides_values_are_one_flag_away(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--sandbox", "--guide-defaults", "--only", "1,3"]) == 0
    out = capsys.readouterr().out
    assert "ECR repository onyxia-eostat" in out
    assert "IAM role GitHubActionsEOStatPush" in out
    assert "repo:UNGlobalPlatform/images-datascience:" in out


def test_defaults_and_help_speak_of_the_users_project(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["workflow", "--github-repo", "acme/shop", "--ecr-repository", "shop"]) == 0
    assert (workdir / ".github" / "workflows" / "build-shop.yml").exists()
    capsys.readouterr()
    for command in ("plan", "apply", "workflow"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        # Examples and defaults name a neutral project; the guide's names appear only where
        # --guide-defaults says what it sets.
        without_guide_flag = text.split("--guide-defaults")[0] + text.split("flags override")[-1]
        assert "eostat" not in without_guide_flag.lower()
        assert "e.g. my-app" in text


@pytest.mark.parametrize("before", [True, False])
def test_export_takes_the_sandbox_on_either_side_and_writes_where_the_person_is(
    before: bool, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tail = ["export", "--format", "cloudformation", "--output", "stack.yaml"]
    argv = ["--sandbox", *tail] if before else [*tail, "--sandbox"]
    assert main(argv) == 0
    assert (workdir / "stack.yaml").read_text().startswith(("AWSTemplateFormatVersion", "#"))
    assert "SANDBOX" in capsys.readouterr().err
