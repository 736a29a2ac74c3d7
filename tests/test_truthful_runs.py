"""Nothing claims what did not happen: a failed or skipped step leaves no review document and
no remembered output, and a step does not warn about what an earlier step of the same run makes.
Real boto3 clients against the moto server."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import MotoServer
from tests.helpers import context
from wizard.plan import Severity
from wizard.remember import remember_run
from wizard.runner import apply_run, plan_steps
from wizard.settings import PUSH_POLICY_FILE, TRUST_POLICY_FILE, Remembered
from wizard.steps.base import Status
from wizard.steps.ecr_repository import EcrRepositoryStep
from wizard.steps.oidc_provider import OidcProviderStep
from wizard.steps.push_policy import PushPolicyStep
from wizard.steps.role import RoleStep


def test_a_failed_step_writes_no_document_and_records_nothing(
    moto: MotoServer, tmp_path: Path
) -> None:
    # Steps 1, 2 and 4 without step 3: the role does not exist, so step 4 fails.
    ctx = context(moto.url)
    run = plan_steps(ctx, [EcrRepositoryStep(), OidcProviderStep(), PushPolicyStep()])
    apply_run(ctx, run)
    assert [r.status for r in run.results] == [Status.DONE, Status.DONE, Status.FAILED]
    config = tmp_path / "ecr-oidc-wizard.toml"
    notes = remember_run(config, Remembered(), ctx.settings, ctx.outputs, run)
    assert not (tmp_path / PUSH_POLICY_FILE).exists()
    assert not any(PUSH_POLICY_FILE in note for note in notes)
    created = tomllib.loads(config.read_text())["created"]
    assert f"{PUSH_POLICY_FILE}:sha256" not in created
    # What steps 1 and 2 made is remembered.
    assert created["provider_arn"].endswith("oidc-provider/token.actions.githubusercontent.com")
    assert "repository_arn" in created


def test_a_skipped_step_records_no_role_arn(moto: MotoServer, tmp_path: Path) -> None:
    # Step 3 fails (IAM refuses the role name), so step 4 is skipped: neither the role's ARN
    # nor either document is remembered.
    ctx = context(moto.url)
    ctx.settings.role_name = "GitHubActionsEOStatPush"
    run = plan_steps(ctx, [RoleStep(), PushPolicyStep()])
    ctx.aws.iam.create_role(RoleName="GitHubActionsEOStatPush", AssumeRolePolicyDocument="{}")
    apply_run(ctx, run)
    assert [r.status for r in run.results] == [Status.FAILED, Status.SKIPPED]
    config = tmp_path / "ecr-oidc-wizard.toml"
    remember_run(config, Remembered(), ctx.settings, ctx.outputs, run)
    created = tomllib.loads(config.read_text())["created"]
    assert "role_arn" not in created
    assert not (tmp_path / TRUST_POLICY_FILE).exists()
    assert not (tmp_path / PUSH_POLICY_FILE).exists()


def test_a_run_that_changes_nothing_remembers_every_step(moto: MotoServer, tmp_path: Path) -> None:
    steps = [RoleStep(), PushPolicyStep()]
    ctx = context(moto.url)
    apply_run(ctx, plan_steps(ctx, steps))
    again = context(moto.url)
    run = plan_steps(again, steps)
    assert not run.has_changes
    config = tmp_path / "ecr-oidc-wizard.toml"
    remember_run(config, Remembered(), again.settings, again.outputs, run)
    assert (tmp_path / TRUST_POLICY_FILE).exists()
    assert (tmp_path / PUSH_POLICY_FILE).exists()
    assert "role_arn" in tomllib.loads(config.read_text())["created"]


def test_step_4_does_not_warn_about_the_role_step_3_creates_in_the_same_run(
    moto: MotoServer,
) -> None:
    run = plan_steps(context(moto.url), [RoleStep(), PushPolicyStep()])
    step4 = run.plans[1]
    assert not [n for n in step4.notes if n.severity is not Severity.INFO and "Role" in n.text]
    assert any("created by step 3 earlier in this run" in n.text for n in step4.notes)


def test_step_4_alone_still_warns_that_the_role_is_missing(moto: MotoServer) -> None:
    run = plan_steps(context(moto.url), [PushPolicyStep()])
    warnings = [n.text for n in run.plans[0].notes if n.severity is Severity.WARNING]
    assert any("does not exist yet" in text for text in warnings)


def test_apply_only_1_2_4_without_a_role_claims_nothing(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers import GUIDE_ARGS
    from wizard.cli import main

    code = main(["apply", "--only", "1,2,4", "--yes", *GUIDE_ARGS, "--endpoint-url", moto.url])
    out, err = capsys.readouterr()
    assert code == 1
    assert "✗ Step 4 · Attach ECR Permissions to Role failed" in err
    assert not (workdir / PUSH_POLICY_FILE).exists()
    assert "Wrote" not in out
    created = tomllib.loads((workdir / "ecr-oidc-wizard.toml").read_text())["created"]
    assert f"{PUSH_POLICY_FILE}:sha256" not in created
    assert "role_arn" not in created
    assert "repository_arn" in created  # step 1 was applied, and is remembered
