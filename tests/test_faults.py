"""Faults: the endpoint going away, throttling, 5xx, Ctrl-C. Each ends with a clean re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MotoServer, writes
from tests.fault_proxy import fault_proxy
from tests.helpers import GUIDE_ARGS, context
from wizard.cli import main
from wizard.plan import Call
from wizard.runner import apply_run, plan_steps
from wizard.steps import AWS_STEPS
from wizard.steps.base import Status


def test_endpoint_goes_away_mid_apply_then_a_rerun_finishes(
    moto: MotoServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fault_proxy(moto.url) as proxy:
        # The five reads of the plan and the first write go through; then the link is gone.
        proxy.down_after = 6
        code = main(["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", proxy.url])
    assert code == 1
    err = capsys.readouterr().err
    assert "failed" in err
    assert "Steps before this one are kept" in err
    # The answers are kept: the re-run needs no flags and finishes without duplicates.
    assert (workdir / "ecr-oidc-wizard.toml").exists()
    moto.start_recording()
    assert main(["apply", "--yes", "--endpoint-url", moto.url]) == 0
    again = writes(moto.recorded())
    assert len(again) == len(set(again))
    assert main(["plan", "--endpoint-url", moto.url]) == 0
    assert "No changes" in capsys.readouterr().out


def test_throttling_and_5xx_are_retried_within_bounds(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    with fault_proxy(moto.url) as proxy:
        proxy.faults = ["throttle", "503", "ok", "throttle"]
        assert main(["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", proxy.url]) == 0


def test_persistent_throttling_ends_with_guidance(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    with fault_proxy(moto.url) as proxy:
        proxy.faults = ["throttle"] * 50
        assert main(["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", proxy.url]) == 1
        assert 2 <= proxy.seen <= 4  # bounded: the attempts, not a retry storm
    err = capsys.readouterr().err
    assert "Throttling" in err or "Rate exceeded" in err
    assert "→" in err  # the catalogue's guidance follows


def test_ctrl_c_during_apply_then_rerun_makes_no_duplicate(moto: MotoServer) -> None:
    ctx = context(moto.url)
    run = plan_steps(ctx, AWS_STEPS)
    calls: list[Call] = []

    def interrupt_on_third(call: Call) -> None:
        calls.append(call)
        if len(calls) == 3:
            raise KeyboardInterrupt

    ctx.on_call = interrupt_on_third
    with pytest.raises(KeyboardInterrupt):
        apply_run(ctx, run)
    assert [c.operation for c in ctx.sent] == [
        "create_repository",
        "create_open_id_connect_provider",
    ]

    again = context(moto.url)
    rerun = plan_steps(again, AWS_STEPS)
    apply_run(again, rerun)
    assert [r.status for r in rerun.results] == [
        Status.UNCHANGED,
        Status.UNCHANGED,
        Status.DONE,
        Status.DONE,
    ]
    assert [c.operation for c in again.sent] == ["create_role", "put_role_policy"]


def test_ctrl_c_in_the_cli_says_what_to_do(
    moto: MotoServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("wizard.runner.apply_run", interrupted)
    assert main(["apply", "--yes", *GUIDE_ARGS, "--endpoint-url", moto.url]) == 130
    assert "run the command again to finish" in capsys.readouterr().err
