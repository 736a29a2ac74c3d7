"""Many repositories in one run: the manifest's rules, and the engine against a real moto server.

The engine runs the same steps as a single repository; these tests check what only a list adds:
one provider for all, a role shared exactly, failures kept to their own repository, bounded
concurrency, throttling backed off, and a re-run that writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import MotoServer, actions, writes
from tests.fault_proxy import fault_proxy
from wizard.aws import Aws
from wizard.claims import evaluate
from wizard.manifest.backoff import Backoff
from wizard.manifest.engine import (
    Progress,
    State,
    apply_manifest,
    plan_manifest,
)
from wizard.manifest.model import ManifestError, parse_manifest
from wizard.policies import AUD_KEY, ISSUER, SUB_KEY, TRUST_POLICY_LIMIT, policy_size

NO_WAIT = Backoff(sleep=lambda seconds: None)


def manifest_data(count: int, *, shared_role: str = "", **answers: Any) -> dict[str, Any]:
    repositories = []
    for n in range(count):
        entry: dict[str, Any] = {"github_repo": f"acme/svc-{n}", "ecr_repository": f"acme/svc-{n}"}
        if not shared_role:
            entry["role_name"] = f"GitHubActionsSvc{n}Push"
        repositories.append(entry)
    shared = {"region": "us-east-1", **answers}
    if shared_role:
        shared["role_name"] = shared_role
    return {"version": 1, "answers": shared, "repositories": repositories}


def session(url: str, retry_mode: str = "adaptive") -> Aws:
    return Aws(region="us-east-1", endpoint_url=url, retry_mode=retry_mode)


# --- The file's rules (pure) ------------------------------------------------------------------


def test_entries_take_the_shared_answers_and_override_them() -> None:
    data = manifest_data(2, branches=["main"])
    data["repositories"][1]["branches"] = ["release"]
    manifest = parse_manifest(data, "m.toml")
    assert [e.settings.branches for e in manifest.entries] == [["main"], ["release"]]
    assert [e.settings.region for e in manifest.entries] == ["us-east-1", "us-east-1"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(repositories=[]), "no [[repositories]] entry"),
        (lambda d: d["repositories"][1].update(region="eu-west-1"), "repositories[2]: region"),
        (
            lambda d: d["repositories"][1].update(ecr_repository="acme/svc-0"),
            "repositories[2]: ECR repository 'acme/svc-0' is already repositories[1]'s",
        ),
        (
            lambda d: d["repositories"][1].update(role_name="GITHUBACTIONSSVC0PUSH"),
            "differ only in case",
        ),
        (
            lambda d: d["repositories"][0].update(ecr_repository="Bad Name"),
            "repositories[1] (acme/svc-0): ECR repository name (--ecr-repository) 'Bad Name'",
        ),
        (lambda d: d["repositories"][0].update(colour="blue"), "unknown setting(s): colour"),
        (lambda d: d["repositories"][1].update(github_repo="nope"), "repositories[2] (nope)"),
        (lambda d: d.update(version=99), "'version' must be a whole number"),
        # one-run answers are flags, never file content: a planted file cannot adopt roles
        (lambda d: d["answers"].update(adopt_role=True), "adopt_role is never read from a file"),
        (
            lambda d: d["repositories"][2].update(adopt_role=True),
            "pass --adopt-role to the run",
        ),
        (
            lambda d: d["answers"].update(endpoint_url="http://127.0.0.1:1"),
            "endpoint_url is never read from a file",
        ),
    ],
)
def test_a_bad_manifest_is_refused_naming_the_entry_and_rule(change: Any, expected: str) -> None:
    data = manifest_data(3)
    change(data)
    with pytest.raises(ManifestError) as raised:
        parse_manifest(data, "m.toml")
    assert expected in str(raised.value)


def test_adopt_role_given_as_a_flag_still_applies() -> None:
    manifest = parse_manifest(manifest_data(2), "m.toml", {"adopt_role": True})
    assert all(e.settings.adopt_role for e in manifest.entries)


def test_a_shared_role_has_one_push_policy_name() -> None:
    data = manifest_data(2, shared_role="Shared")
    data["repositories"][1]["policy_name"] = "Other"
    with pytest.raises(ManifestError, match="a shared role has one push policy"):
        parse_manifest(data, "m.toml")


def test_entries_naming_one_role_form_one_group() -> None:
    data = manifest_data(3)
    data["repositories"][2]["role_name"] = "GitHubActionsSvc0Push"
    groups = parse_manifest(data, "m.toml").groups
    assert [(g.role_name, [e.index for e in g.entries]) for g in groups] == [
        ("GitHubActionsSvc0Push", [1, 3]),
        ("GitHubActionsSvc1Push", [2]),
    ]


# --- Against moto -----------------------------------------------------------------------------


def test_a_hundred_repositories_apply_then_the_rerun_sends_no_write(moto: MotoServer) -> None:
    manifest = parse_manifest(manifest_data(100), "m.toml")
    moto.start_recording()
    run = plan_manifest(manifest, session(moto.url), backoff=NO_WAIT)
    assert {o.state for o in run.outcomes()} == {State.PLANNED}
    apply_manifest(run, backoff=NO_WAIT)
    first = moto.recorded()
    assert {o.state for o in run.outcomes()} == {State.DONE}
    # One provider for all: created once, whatever the number of roles.
    assert writes(first).count("CreateOpenIDConnectProvider") == 1
    assert writes(first).count("CreateRepository") == 100
    assert writes(first).count("CreateRole") == 100
    assert writes(first).count("PutRolePolicy") == 100

    moto.start_recording()
    again = plan_manifest(manifest, session(moto.url), backoff=NO_WAIT)
    assert not again.has_changes
    apply_manifest(again, backoff=NO_WAIT)
    second = moto.recorded()
    assert writes(second) == []
    assert {o.state for o in again.outcomes()} == {State.UNCHANGED}
    # Reads grow with the repositories, and none is made twice for one resource.
    assert len(actions(second)) <= 3 + 5 * 100


def test_one_role_for_several_repositories_admits_each_exactly(moto: MotoServer) -> None:
    data = manifest_data(3, shared_role="GitHubActionsShared", branches=["main"])
    data["repositories"][1]["repo_id"] = "4242"
    manifest = parse_manifest(data, "m.toml")
    run = plan_manifest(manifest, session(moto.url), backoff=NO_WAIT)
    apply_manifest(run, backoff=NO_WAIT)
    assert {o.state for o in run.outcomes()} == {State.DONE}
    aws = session(moto.url)
    trust = aws.iam.get_role(RoleName="GitHubActionsShared")["Role"]["AssumeRolePolicyDocument"]
    assert policy_size(trust) <= TRUST_POLICY_LIMIT

    def allowed(sub: str, repository_id: str = "") -> bool:
        claims = {"sub": sub, "aud": "sts.amazonaws.com"}
        if repository_id:
            claims["repository_id"] = repository_id
        return evaluate(trust, claims).allowed

    assert allowed("repo:acme/svc-0:ref:refs/heads/main")
    assert allowed("repo:acme/svc-2:ref:refs/heads/main")
    assert allowed("repo:acme/svc-1:ref:refs/heads/main", "4242")
    # Exactly: no other branch, no other repository, and svc-1 only with its own id.
    assert not allowed("repo:acme/svc-0:ref:refs/heads/dev")
    assert not allowed("repo:acme/svc-3:ref:refs/heads/main")
    assert not allowed("repo:acme/svc-1:ref:refs/heads/main", "9999")
    for statement in trust["Statement"]:
        assert statement["Condition"]["StringEquals"][AUD_KEY] == "sts.amazonaws.com"
        assert statement["Principal"]["Federated"].endswith(f":oidc-provider/{ISSUER}")
    push = aws.iam.get_role_policy(RoleName="GitHubActionsShared", PolicyName="ECRPushPolicy")
    resources = push["PolicyDocument"]["Statement"][1]["Resource"]
    assert sorted(r.rsplit("/", 2)[-1] for r in resources) == ["svc-0", "svc-1", "svc-2"]
    assert push["PolicyDocument"]["Statement"][0]["Resource"] == "*"
    # Shared by three, the role is created once.
    assert run.roles["githubactionsshared"].ctx.sent[0].operation == "create_role"
    assert len(run.roles["githubactionsshared"].ctx.sent) == 2
    # And a re-run finds the shared documents as planned: nothing to send.
    assert not plan_manifest(manifest, session(moto.url), backoff=NO_WAIT).has_changes


def test_a_shared_trust_policy_past_the_limit_fails_alone_and_says_so(moto: MotoServer) -> None:
    data = manifest_data(21)
    for n, entry in enumerate(data["repositories"][:20]):
        entry.update(role_name="GitHubActionsCrowded", repo_id=str(1000 + n))
    manifest = parse_manifest(data, "m.toml")
    run = plan_manifest(manifest, session(moto.url), backoff=NO_WAIT)
    apply_manifest(run, backoff=NO_WAIT)
    outcomes = run.outcomes()
    crowded = [o for o in outcomes if o.entry.settings.role_name == "GitHubActionsCrowded"]
    assert {o.state for o in crowded} == {State.FAILED}
    message = crowded[0].failure.error if crowded[0].failure else ""
    assert "for 20 repositories" in message
    assert f"IAM allows {TRUST_POLICY_LIMIT}" in message
    assert "role of their own" in message
    # The others went on: the lone repository is done, and the crowded ones' ECR repositories
    # were created (only their role could not be).
    assert outcomes[-1].state is State.DONE
    ecr = session(moto.url).ecr
    assert len(ecr.describe_repositories()["repositories"]) == 21


def test_one_failure_does_not_stop_the_others_and_carries_guidance(moto: MotoServer) -> None:
    aws = session(moto.url)
    document = {"Version": "2012-10-17", "Statement": []}
    role = "GitHubActionsSvc1Push"
    aws.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(document))
    manifest = parse_manifest(manifest_data(4), "m.toml")
    events: list[Progress] = []
    run = plan_manifest(manifest, session(moto.url), on_progress=events.append, backoff=NO_WAIT)
    apply_manifest(run, on_progress=events.append, backoff=NO_WAIT)
    states = [o.state for o in run.outcomes()]
    assert states == [State.DONE, State.FAILED, State.DONE, State.DONE]
    failed = run.outcomes()[1]
    assert failed.failure is not None
    assert "was not created by ecr-oidc-wizard" in failed.failure.error
    assert failed.failure.guidance, "a failure is listed with its guidance"
    # The role it could not take over was left as it was; its ECR repository was still made.
    assert aws.iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"] == document
    assert [e.state for e in events if e.key == "acme/svc-0"][-1] is State.DONE
    assert State.FAILED in [e.state for e in events if e.key == "acme/svc-1"]


def test_throttling_is_backed_off_and_concurrency_is_bounded(moto: MotoServer) -> None:
    manifest = parse_manifest(manifest_data(12), "m.toml")
    waits: list[float] = []
    backoff = Backoff(attempts=6, sleep=waits.append)
    with fault_proxy(moto.url) as proxy:
        proxy.delay = 0.02
        peak = [0]
        original = proxy.handle

        def counting(request: Any) -> None:
            with proxy.lock:
                peak[0] = max(peak[0], proxy.in_flight + 1)
            original(request)

        proxy.handle = counting  # type: ignore[method-assign]
        # botocore retries a throttled call once here (AWS_MAX_ATTEMPTS=1 in the tests); one
        # worker makes the order fixed, so four throttles in a row outlast it and the run's own
        # backoff has to wait and inspect again.
        proxy.faults = ["ok"] * 3 + ["throttle"] * 4
        # botocore's adaptive mode would also slow the client to its floor rate for seconds.
        aws = session(proxy.url, retry_mode="standard")
        run = plan_manifest(manifest, aws, concurrency=1, backoff=backoff)
        planned_waits = len(waits)
        proxy.faults = ["ok"] * 4 + ["throttle"] * 6
        apply_manifest(run, concurrency=3, backoff=backoff)
    assert planned_waits >= 1
    assert {o.state for o in run.outcomes()} == {State.DONE}
    assert waits, "the run waited after being throttled"
    assert peak[0] <= 3


def test_after_throttling_only_approved_calls_are_sent(moto: MotoServer) -> None:
    """The role is changed behind the run's back between plan and apply, and AWS throttles the
    approved update: inspecting again finds a call nobody approved (create_role), so it is not
    sent and the repository fails with a message saying to plan again."""
    manifest = parse_manifest(manifest_data(1), "m.toml")
    apply_manifest(plan_manifest(manifest, session(moto.url), backoff=NO_WAIT), backoff=NO_WAIT)
    aws = session(moto.url)
    role = "GitHubActionsSvc0Push"
    trust = aws.iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    narrower = json.loads(json.dumps(trust))
    for keys in narrower["Statement"][0]["Condition"].values():
        if SUB_KEY in keys:
            keys[SUB_KEY] = "repo:acme/svc-0:ref:refs/heads/other"
    aws.iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(narrower))
    with fault_proxy(moto.url) as proxy:
        throttled = session(proxy.url, retry_mode="standard")
        run = plan_manifest(manifest, throttled, concurrency=1, backoff=NO_WAIT)
        approved = [c.operation for u in run.units for c in u.ctx.sent]
        assert approved == []
        assert [c.operation for p in run.role_unit(manifest.entries[0]).run.plans for c in p.calls][
            :1
        ] == ["update_assume_role_policy"]
        aws.iam.delete_role_policy(RoleName=role, PolicyName="ECRPushPolicy")
        aws.iam.delete_role(RoleName=role)
        moto.start_recording()
        proxy.faults = ["throttle"] * 4
        apply_manifest(run, concurrency=1, backoff=Backoff(attempts=3, sleep=lambda s: None))
    assert "CreateRole" not in writes(moto.recorded())
    outcome = run.outcomes()[0]
    assert outcome.state is State.FAILED
    assert outcome.failure is not None
    assert "not in the approved plan (create_role)" in outcome.failure.error
    assert "Plan again" in outcome.failure.error


@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "https://token.actions.githubusercontent.com/acme"},
        {"github_api_url": "https://ghe.example.com/api/v3"},
        {"thumbprints": ["a" * 40]},
    ],
)
def test_an_entry_cannot_take_another_oidc_provider(change: dict[str, Any]) -> None:
    # One run makes or reuses one provider, from the shared answers: an entry with its own
    # issuer would get a role trusting a provider the run never makes.
    data = manifest_data(2)
    data["repositories"][1].update(change)
    with pytest.raises(ManifestError) as refused:
        parse_manifest(data, "m.toml")
    assert "repositories[2]" in str(refused.value)
    assert next(iter(change)) in str(refused.value)
    assert "[answers]" in str(refused.value)
