"""The StackSets roll-out: rules, plan, apply and follow against moto's StackSets API over HTTP.

moto answers CreateStackSet, CreateStackInstances, DescribeStackSetOperation,
ListStackSetOperationResults and ListStackInstances, and every operation it runs succeeds; it
never reports a failed instance. The failure path is therefore tested with botocore's Stubber,
with the answers shaped as CloudFormation's API reference shows them.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.conftest import MotoServer, writes
from tests.helpers import guide_settings
from wizard.aws import Aws
from wizard.plan import Action
from wizard.rollout import prepare
from wizard.rollout.follow import OperationProgress, apply_rollout
from wizard.rollout.model import (
    SERVICE_MANAGED,
    Preferences,
    RolloutSpec,
    rollout_errors,
)
from wizard.rollout.plan import EXISTING_PROVIDER, LEAVE

ACCOUNTS = ("111111111111", "222222222222")


def session(url: str) -> Aws:
    return Aws(region="us-east-1", endpoint_url=url)


def spec(**changes: Any) -> RolloutSpec:
    values: dict[str, Any] = {"accounts": ACCOUNTS, "regions": ("us-east-1",)}
    values.update(changes)
    return RolloutSpec(**values)


# --- Rules (pure) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"stack_set_name": "1-bad"}, "--stack-set-name"),
        ({"stack_set_name": "has_underscore"}, "--stack-set-name"),
        ({"accounts": ("12345",)}, "--accounts"),
        ({"accounts": ()}, "--accounts"),
        ({"regions": ()}, "--regions"),
        ({"regions": ("mars-north-1",)}, "--region"),
        ({"organizational_units": ("ou-abcd-12345678",)}, "--organizational-units"),
        (
            {"permission_model": SERVICE_MANAGED, "accounts": (), "organizational_units": ("x",)},
            "--organizational-units",
        ),
        ({"permission_model": SERVICE_MANAGED}, "--accounts"),
        ({"existing_provider_accounts": ("333333333333",)}, "--existing-provider-accounts"),
        (
            {"preferences": Preferences(failure_tolerance_count=1, failure_tolerance_percentage=5)},
            "--failure-tolerance-count",
        ),
        ({"preferences": Preferences(max_concurrent_percentage=0)}, "--max-concurrent-percentage"),
        ({"preferences": Preferences(max_concurrent_count=0)}, "--max-concurrent-count"),
        ({"preferences": Preferences(region_concurrency="ALL")}, "--region-concurrency"),
    ],
)
def test_a_bad_rollout_is_refused_naming_the_flag(changes: dict[str, Any], flag: str) -> None:
    errors = rollout_errors(spec(**changes))
    assert errors
    assert any(flag in e.message for e in errors), [e.message for e in errors]


def test_a_good_rollout_has_no_errors() -> None:
    assert rollout_errors(spec()) == []
    service = spec(
        permission_model=SERVICE_MANAGED,
        accounts=(),
        organizational_units=("ou-abcd-12345678", "r-ab12"),
        auto_deployment=True,
    )
    assert rollout_errors(service) == []


def test_strict_mode_says_how_many_accounts_really_run_at_once() -> None:
    note = Preferences(failure_tolerance_count=1, max_concurrent_count=10).effective_note()
    assert "at most 2 account(s) at once" in note
    assert (
        Preferences(
            max_concurrent_count=10, concurrency_mode="SOFT_FAILURE_TOLERANCE"
        ).effective_note()
        == ""
    )


# --- Against moto -----------------------------------------------------------------------------


def test_rollout_plans_applies_and_follows_two_accounts_then_reruns_idle(
    moto: MotoServer,
) -> None:
    settings = guide_settings()
    wanted = spec(preferences=Preferences(failure_tolerance_count=1, max_concurrent_count=2))
    plan = prepare(session(moto.url), wanted, settings)
    assert plan.stack_set_action is Action.CREATE
    assert [(c.account, c.region, c.action) for c in plan.instances] == [
        ("111111111111", "us-east-1", "create"),
        ("222222222222", "us-east-1", "create"),
    ]
    assert [c.operation for c in plan.calls] == ["create_stack_set", "create_stack_instances"]
    create = plan.calls[0].params
    assert create["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert create["PermissionModel"] == "SELF_MANAGED"
    instances = plan.calls[1].params
    assert instances["Accounts"] == list(ACCOUNTS)
    assert instances["Regions"] == ["us-east-1"]
    assert instances["OperationPreferences"] == {
        "FailureToleranceCount": 1,
        "MaxConcurrentCount": 2,
        "RegionConcurrencyType": "SEQUENTIAL",
        "ConcurrencyMode": "STRICT_FAILURE_TOLERANCE",
    }
    assert plan.to_json()["operation_preferences"]["MaxConcurrentCount"] == 2

    seen: list[OperationProgress] = []
    moto.start_recording()
    result = apply_rollout(session(moto.url), plan, on_progress=seen.append, poll_seconds=0)
    first = writes(moto.recorded())
    assert result.ok, result.to_json()
    assert first == ["CreateStackSet", "CreateStackInstances"]
    assert seen[-1].status == "SUCCEEDED"
    assert {(i.account, i.region) for i in seen[-1].instances} == {
        (a, "us-east-1") for a in ACCOUNTS
    }
    cfn = session(moto.url).cloudformation
    listed = cfn.list_stack_instances(StackSetName="ecr-oidc-wizard")["Summaries"]
    assert sorted(i["Account"] for i in listed) == list(ACCOUNTS)

    moto.start_recording()
    again = prepare(session(moto.url), wanted, settings)
    assert not again.has_changes
    assert {c.action for c in again.instances} == {str(Action.NOOP)}
    assert apply_rollout(session(moto.url), again, poll_seconds=0).sent == []
    assert writes(moto.recorded()) == []


def test_a_changed_template_updates_the_set_and_a_new_account_gets_one_instance(
    moto: MotoServer,
) -> None:
    aws = session(moto.url)
    first = prepare(aws, spec(), guide_settings())
    assert apply_rollout(aws, first, poll_seconds=0).ok
    wider = spec(accounts=(*ACCOUNTS, "333333333333"))
    changed = prepare(session(moto.url), wider, guide_settings(branches=["release"]))
    assert changed.stack_set_action is Action.UPDATE
    assert "~ parameter Branch1: '(none)' -> 'release'" in changed.template_diff
    assert [c.operation for c in changed.calls] == ["update_stack_set", "create_stack_instances"]
    assert changed.calls[1].params["Accounts"] == ["333333333333"]
    assert [c.action for c in changed.instances] == ["update", "update", "create"]
    result = apply_rollout(session(moto.url), changed, poll_seconds=0)
    assert result.ok and len(result.operations) == 2
    # Back to two accounts: the third is left as it is, never deleted.
    narrower = prepare(session(moto.url), spec(), guide_settings(branches=["release"]))
    assert not narrower.has_changes
    assert [c.action for c in narrower.instances][-1] == LEAVE


def test_accounts_that_have_the_provider_reuse_it(moto: MotoServer) -> None:
    wanted = spec(existing_provider_accounts=("222222222222",))
    plan = prepare(session(moto.url), wanted, guide_settings())
    reuse = [c for c in plan.calls if "ParameterOverrides" in c.params]
    assert len(reuse) == 1
    assert reuse[0].params["Accounts"] == ["222222222222"]
    assert reuse[0].params["ParameterOverrides"] == [
        {
            "ParameterKey": EXISTING_PROVIDER,
            "ParameterValue": "arn:aws:iam::222222222222:oidc-provider/"
            "token.actions.githubusercontent.com",
        }
    ]
    others = [c for c in plan.calls if c.operation == "create_stack_instances" and c not in reuse]
    assert others[0].params["Accounts"] == ["111111111111"]
    assert apply_rollout(session(moto.url), plan, poll_seconds=0).ok
    again = prepare(session(moto.url), wanted, guide_settings())
    assert not again.has_changes


def test_service_managed_rollout_targets_the_ous_accounts(moto: MotoServer) -> None:
    aws = session(moto.url)
    org = aws.organizations
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]
    made = []
    for name in ("app", "data"):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou["Id"])
        made.append(account)
    wanted = RolloutSpec(
        permission_model=SERVICE_MANAGED,
        organizational_units=(ou["Id"],),
        regions=("us-east-1",),
        auto_deployment=True,
    )
    assert rollout_errors(wanted) == []
    plan = prepare(session(moto.url), wanted, guide_settings())
    assert sorted(c.account for c in plan.instances) == sorted(made)
    create = plan.calls[-1].params
    assert create["DeploymentTargets"] == {"OrganizationalUnitIds": [ou["Id"]]}
    assert plan.calls[0].params["AutoDeployment"] == {
        "Enabled": True,
        "RetainStacksOnAccountRemoval": True,
    }
    assert apply_rollout(session(moto.url), plan, poll_seconds=0).ok
    assert not prepare(session(moto.url), wanted, guide_settings()).has_changes


def test_a_failed_instance_shows_its_reason_and_guidance(moto: MotoServer) -> None:
    """moto never fails an instance: the operation's answers are stubbed."""
    aws = session(moto.url)
    plan = prepare(aws, spec(), guide_settings())
    cfn = aws.cloudformation
    reason = (
        "ResourceLogicalId:GitHubOidcProvider, ResourceType:AWS::IAM::OIDCProvider, "
        'ResourceStatusReason:Resource handler returned message: "Provider with url '
        "https://token.actions.githubusercontent.com already exists. (Service: Iam, Status "
        'Code: 409)"'
    )
    now = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
    with Stubber(cfn) as stub:
        stub.add_response("create_stack_set", {"StackSetId": "ecr-oidc-wizard:1"})
        stub.add_response("create_stack_instances", {"OperationId": "op-1"})
        for status in ("RUNNING", "FAILED"):
            stub.add_response(
                "describe_stack_set_operation",
                {
                    "StackSetOperation": {
                        "OperationId": "op-1",
                        "Status": status,
                        "Action": "CREATE",
                        "CreationTimestamp": now,
                    }
                },
                {"StackSetName": "ecr-oidc-wizard", "OperationId": "op-1"},
            )
            stub.add_response(
                "list_stack_set_operation_results",
                {
                    "Summaries": [
                        {"Account": "111111111111", "Region": "us-east-1", "Status": "SUCCEEDED"},
                        {
                            "Account": "222222222222",
                            "Region": "us-east-1",
                            "Status": status,
                            **({"StatusReason": reason} if status == "FAILED" else {}),
                        },
                    ]
                },
                {"StackSetName": "ecr-oidc-wizard", "OperationId": "op-1"},
            )
        waits: list[float] = []
        result = apply_rollout(aws, plan, poll_seconds=7, sleep=waits.append)
    assert not result.ok
    assert waits == [7]
    assert [(f.account, f.region) for f in result.failures] == [("222222222222", "us-east-1")]
    failure = result.failures[0]
    assert "already exists" in failure.reason
    assert failure.guidance[0].case == "stackset-provider-exists"
    assert "--existing-provider-accounts 222222222222" in " ".join(failure.guidance[0].commands)


# --- Planning from a given state (pure) -------------------------------------------------------


def _template() -> str:
    from wizard.export.cloudformation import render_cloudformation

    return render_cloudformation(guide_settings())


def _state(*instances: Any, **changes: Any) -> Any:
    from wizard.rollout.plan import StackSetState, template_parameters

    template = _template()
    values: dict[str, Any] = {
        "exists": True,
        "permission_model": "SELF_MANAGED",
        "template_body": template,
        "parameters": template_parameters(template),
        "instances": tuple(instances),
    }
    values.update(changes)
    return StackSetState(**values)


def test_an_outdated_instance_is_updated_with_its_reason_and_the_rest_left() -> None:
    from wizard.rollout.plan import Instance, plan_rollout

    state = _state(
        Instance("111111111111", "us-east-1", "CURRENT"),
        Instance("222222222222", "us-east-1", "OUTDATED", "User Initiated"),
    )
    plan = plan_rollout(spec(), state, _template())
    assert plan.stack_set_action is Action.NOOP
    assert [(c.account, c.action) for c in plan.instances] == [
        ("111111111111", "no change"),
        ("222222222222", "update"),
    ]
    assert plan.instances[1].why == "was OUTDATED: User Initiated"
    assert [c.operation for c in plan.calls] == ["update_stack_instances"]
    assert plan.calls[0].params["Accounts"] == ["222222222222"]


def test_each_operation_names_exactly_the_missing_account_and_region_pairs() -> None:
    from wizard.rollout.plan import Instance, plan_rollout

    wanted = spec(regions=("us-east-1", "eu-west-1"))
    # 111... lacks only eu-west-1; 222... lacks both: one call would create 111... twice.
    state = _state(Instance("111111111111", "us-east-1", "CURRENT"))
    plan = plan_rollout(wanted, state, _template())
    pairs = sorted((tuple(c.params["Accounts"]), tuple(c.params["Regions"])) for c in plan.calls)
    assert pairs == [
        (("111111111111",), ("eu-west-1",)),
        (("222222222222",), ("us-east-1", "eu-west-1")),
    ]


def test_a_different_permission_model_is_refused() -> None:
    from wizard.rollout.plan import plan_rollout

    state = _state(permission_model="SERVICE_MANAGED")
    with pytest.raises(ValueError, match="permission model cannot change"):
        plan_rollout(spec(), state, _template())


def test_an_operation_still_running_at_the_deadline_is_reported_not_waited_for(
    moto: MotoServer,
) -> None:
    """moto ends every operation at once: a running one is stubbed."""
    aws = session(moto.url)
    plan = prepare(aws, spec(), guide_settings())
    now = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
    ticks = iter(range(0, 1000, 30))
    with Stubber(aws.cloudformation) as stub:
        stub.add_response("create_stack_set", {"StackSetId": "ecr-oidc-wizard:1"})
        stub.add_response("create_stack_instances", {"OperationId": "op-2"})
        for _ in range(2):
            stub.add_response(
                "describe_stack_set_operation",
                {
                    "StackSetOperation": {
                        "OperationId": "op-2",
                        "Status": "RUNNING",
                        "CreationTimestamp": now,
                    }
                },
            )
            stub.add_response("list_stack_set_operation_results", {"Summaries": []})
        result = apply_rollout(
            aws,
            plan,
            poll_seconds=30,
            timeout_seconds=45,
            sleep=lambda s: None,
            clock=lambda: float(next(ticks)),
        )
    assert not result.ok
    assert "op-2 was still running after 45 s" in result.still_running
    assert "describe-stack-set-operation" in result.still_running


@pytest.mark.parametrize(
    "hostile",
    ["\x1b[2J\x1b[H", "\x1b]0;retitled\x07", "\x9b31m", "\x1b]8;;http://x\x1b\\", "\x07\x08\r"],
)
def test_a_reason_from_aws_is_printed_without_control_sequences(hostile: str) -> None:
    from wizard.render.rollout_text import result_lines
    from wizard.rollout.follow import InstanceFailure, RolloutResult

    reason = f"Resource handler returned message: {hostile}denied"
    result = RolloutResult(failures=[InstanceFailure("111111111111", "us-east-1", reason, ())])
    text = "\n".join(result_lines(result))
    assert "Resource handler returned message: " in text
    assert not any((ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F for ch in text)


def test_a_bad_existing_provider_account_is_named_by_its_own_flag() -> None:
    errors = rollout_errors(spec(existing_provider_accounts=("1234",)))
    bad_id = [e for e in errors if "'1234':" in e.message and "digits" in e.message.lower()]
    assert bad_id, [e.message for e in errors]
    assert all(e.field == "existing_provider_accounts" for e in bad_id)
    assert all(e.message.startswith("--existing-provider-accounts") for e in bad_id)


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"accounts": ("111111111111", "222222222222", "111111111111")}, "--accounts"),
        ({"regions": ("us-east-1", "eu-west-1", "us-east-1")}, "--regions"),
        (
            {
                "permission_model": SERVICE_MANAGED,
                "accounts": (),
                "organizational_units": ("ou-abcd-12345678", "ou-abcd-12345678"),
            },
            "--organizational-units",
        ),
    ],
)
def test_a_target_named_twice_is_refused_before_anything_is_sent(
    changes: dict[str, Any], flag: str
) -> None:
    # Each would otherwise be planned (and sent in Accounts/Regions) twice.
    errors = rollout_errors(spec(**changes))
    assert any(flag in e.message and "twice" in e.message for e in errors), [
        e.message for e in errors
    ]


def test_a_throttled_or_failed_poll_does_not_lose_the_started_operation(moto: MotoServer) -> None:
    from tests.fault_proxy import fault_proxy

    plan = prepare(session(moto.url), spec(), guide_settings())
    with fault_proxy(moto.url) as proxy:
        aws = Aws(region="us-east-1", endpoint_url=proxy.url, retry_mode="standard")
        # The two writes go through; the first polls are throttled past botocore's retries.
        proxy.faults = ["ok", "ok", "throttle", "throttle", "throttle", "throttle"]
        result = apply_rollout(aws, plan, poll_seconds=0)
    assert result.ok, result.to_json()
    assert [c.operation for c in result.sent] == ["create_stack_set", "create_stack_instances"]
    assert result.operations[0].status == "SUCCEEDED"

    # A poll that fails for good says the operation goes on and how to follow it.
    changed = prepare(
        session(moto.url), spec(accounts=(*ACCOUNTS, "333333333333")), guide_settings()
    )
    with fault_proxy(moto.url) as proxy:
        aws = Aws(region="us-east-1", endpoint_url=proxy.url, retry_mode="standard")
        proxy.faults = ["ok", "503", "503", "503", "503", "503", "503", "503", "503"]
        failed = apply_rollout(aws, changed, poll_seconds=0, timeout_seconds=0)
    assert not failed.ok
    assert [c.operation for c in failed.sent] == ["create_stack_instances"]
    assert "describe-stack-set-operation" in failed.error
    assert failed.operations[0].operation_id in failed.error
