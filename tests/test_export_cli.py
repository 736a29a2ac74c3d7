"""`export` on the command line: the engine's text, to standard output or a file, and refusals
that name the field and write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MotoServer, writes
from tests.helpers import GUIDE_ARGS, guide_settings
from wizard.aws import Aws
from wizard.cli import main
from wizard.export.cloudformation import render_cloudformation
from wizard.export.terraform import render_terraform
from wizard.policies import ISSUER_URL, provider_arn

PROVIDER = provider_arn("aws", "123456789012")


def test_terraform_to_standard_output_is_the_engine_s_text(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "terraform", *GUIDE_ARGS]) == 0
    assert capsys.readouterr().out == render_terraform(guide_settings())


def test_a_file_is_written_and_re_export_gives_the_same_bytes(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--format", "cloudformation", "--output", "stack.yaml", *GUIDE_ARGS]
    argv += ["--existing-provider-arn", PROVIDER]
    assert main(argv) == 0
    first = (workdir / "stack.yaml").read_bytes()
    assert first.decode() == render_cloudformation(guide_settings(), existing_provider_arn=PROVIDER)
    assert main(argv) == 0
    assert (workdir / "stack.yaml").read_bytes() == first
    assert "Wrote stack.yaml (cloudformation)" in capsys.readouterr().err


def test_a_link_at_the_output_path_is_replaced_not_followed(workdir: Path) -> None:
    target = workdir / "elsewhere.txt"
    target.write_text("keep me")
    (workdir / "main.tf").symlink_to(target)
    assert main(["export", "--format", "terraform", "--output", "main.tf", *GUIDE_ARGS]) == 0
    assert target.read_text() == "keep me"
    assert not (workdir / "main.tf").is_symlink()


def test_a_wide_scope_is_said_on_standard_error_too(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "terraform", "--any-ref", *GUIDE_ARGS]) == 0
    captured = capsys.readouterr()
    assert "# WIDE:" in captured.out
    assert "! WIDE:" in captured.err


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--format", "cloudformation", "--github"], "--github is for Terraform"),
        (["--format", "terraform", "--existing-provider-arn", "arn:aws:iam::1:role/x"], "ARN"),
        (["--format", "terraform", "--role-name", "bad name"], "IAM role name"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], extra: list[str], says: str
) -> None:
    argv = ["export", "--output", "out.txt", *GUIDE_ARGS, *extra]
    assert main(argv) == 2
    assert says in capsys.readouterr().err
    assert not (workdir / "out.txt").exists()


def test_detect_provider_reuses_the_account_s_provider_and_writes_nothing(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--format", "cloudformation", "--detect-provider", *GUIDE_ARGS]
    argv += ["--endpoint-url", moto.url]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out == render_cloudformation(guide_settings())
    assert "none found: the export creates it" in captured.err
    Aws(region="us-east-1", endpoint_url=moto.url).iam.create_open_id_connect_provider(
        Url=ISSUER_URL, ClientIDList=["sts.amazonaws.com"]
    )
    moto.start_recording()
    assert main(argv) == 0
    assert writes(moto.recorded()) == []
    captured = capsys.readouterr()
    assert captured.out == render_cloudformation(guide_settings(), existing_provider_arn=PROVIDER)
    assert f"reusing {PROVIDER}" in captured.err
    terraform = ["export", "--format", "terraform", "--detect-provider", *GUIDE_ARGS]
    assert main([*terraform, "--endpoint-url", moto.url]) == 0
    assert 'data "aws_iam_openid_connect_provider" "github"' in capsys.readouterr().out


def test_detect_provider_and_an_arn_together_are_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--format", "terraform", "--detect-provider", *GUIDE_ARGS]
    assert main([*argv, "--existing-provider-arn", PROVIDER]) == 2
    assert "not both" in capsys.readouterr().err
