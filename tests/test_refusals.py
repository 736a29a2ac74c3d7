"""Every refusal is visible: the engine says what is missing instead of failing silently or
with a raw AWS error (step 3 without the provider, verification before any push, step 6 before
steps 1-5)."""

from __future__ import annotations

import pytest

from tests.conftest import MotoServer
from tests.helpers import context, guide_settings
from wizard.plan import Severity
from wizard.runner import plan_steps
from wizard.steps.oidc_provider import OidcProviderStep
from wizard.steps.role import RoleStep


def _notes(plan: object) -> list[str]:
    return [n.text for n in getattr(plan, "notes", ())]


def test_step_3_alone_says_the_provider_does_not_exist_yet(moto: MotoServer) -> None:
    ctx = context(moto.url, guide_settings())
    run = plan_steps(ctx, [RoleStep()])
    plan = run.plans[0]
    warning = [n for n in plan.notes if "does not exist yet" in n.text]
    assert warning and warning[0].severity is Severity.WARNING
    assert "token.actions.githubusercontent.com" in warning[0].text
    assert "step 2" in warning[0].text


def test_step_3_after_step_2_in_the_same_run_says_step_2_creates_it(moto: MotoServer) -> None:
    ctx = context(moto.url, guide_settings())
    run = plan_steps(ctx, [OidcProviderStep(), RoleStep()])
    notes = [n for n in run.plans[1].notes if "does not exist yet" in n.text]
    assert notes and notes[0].severity is Severity.INFO
    assert "first in this run" in notes[0].text
    # The account's providers are listed once for both steps.
    assert "oidc-providers" in ctx.reads


def test_step_3_says_nothing_of_the_provider_once_it_exists(moto: MotoServer) -> None:
    ctx = context(moto.url, guide_settings())
    ctx.aws.iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"]
    )
    plan = plan_steps(ctx, [RoleStep()]).plans[0]
    assert not [t for t in _notes(plan) if "OIDC provider" in t and "does not exist" in t]


def test_missing_before_step_6_names_each_step_and_why_the_run_needs_it(
    moto: MotoServer,
) -> None:
    from wizard.prerequisites import missing_before, missing_lines
    from wizard.steps import all_steps

    ctx = context(moto.url, guide_settings())
    earlier = [s for s in all_steps() if s.number < 6]
    missing = missing_before(ctx, 6, earlier)
    assert [m.number for m in missing] == [1, 2, 3, 4, 5]
    text = "\n".join(missing_lines(missing))
    assert text.startswith("Steps 1, 2, 3, 4 and 5 are not done yet")
    assert "without it, configure-aws-credentials has no role to assume." in text
    # Read-only: nothing was sent.
    assert ctx.sent == []


def test_missing_before_step_6_leaves_out_what_exists(moto: MotoServer) -> None:
    from wizard.prerequisites import missing_before
    from wizard.runner import apply_run, plan_steps
    from wizard.steps import AWS_STEPS, all_steps

    ctx = context(moto.url, guide_settings())
    apply_run(ctx, plan_steps(ctx, AWS_STEPS[:2]))
    again = context(moto.url, guide_settings())
    missing = missing_before(again, 6, [s for s in all_steps() if s.number < 6])
    assert [m.number for m in missing] == [3, 4, 5]


def test_cli_apply_only_6_says_which_steps_are_missing(
    moto: MotoServer,
    workdir: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.fake_github import isolated_fake
    from tests.helpers import GUIDE_ARGS
    from wizard.cli import main

    with isolated_fake(
        monkeypatch, token="ghp_t", repos=["UNGlobalPlatform/images-datascience"]
    ) as gh:
        monkeypatch.setenv("GH_TOKEN", gh.token)
        args = ["apply", "--only", "6", "--yes", *GUIDE_ARGS, "--endpoint-url", moto.url]
        main([*args, "--github-api-url", gh.url])
    err = capsys.readouterr().err
    assert "Steps 1, 2, 3, 4 and 5 are not done yet" in err
    assert "`--only 1,2,3,4,5,6` runs steps 1, 2, 3, 4 and 5 first" in err


@pytest.mark.parametrize("answer,expected", [("", [1, 2, 3, 4, 5, 6]), ("n", [6])])
def test_cli_on_a_terminal_offers_to_run_the_missing_steps_first(
    moto: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    expected: list[int],
) -> None:
    import sys

    from wizard.cli.plan_apply import _steps_before_the_run

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or answer)
    ctx = context(moto.url, guide_settings())
    assert _steps_before_the_run(ctx, [6], ask=True) == expected
    assert asked == ["Run steps 1, 2, 3, 4 and 5 first? [Y/n] "]
    assert ctx.sent == [] and ctx.planned == {}
    assert "Steps 1, 2, 3, 4 and 5 are not done yet" in capsys.readouterr().out
