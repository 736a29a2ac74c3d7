"""Every refusal is visible: the engine says what is missing instead of failing silently or
with a raw AWS error (step 3 without the provider, verification before any push, step 6 before
steps 1-5)."""

from __future__ import annotations

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
