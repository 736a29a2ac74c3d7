"""Saved plans through the runner against the moto server: exactly the saved calls are sent,
a plan the world moved away from is refused with what changed, and a damaged file is refused."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MotoServer, writes
from tests.helpers import context, guide_settings
from wizard.plan_file import (
    PlanFileError,
    SavedPlan,
    TargetMismatch,
    read_plan_file,
    replay_saved_plan,
    saved_plan_from_run,
    write_plan_file,
)
from wizard.runner import apply_run, plan_steps, select_steps
from wizard.steps import AWS_STEPS, all_steps
from wizard.steps.base import Status

ROLE = "GitHubActionsEOStatPush"
# What moto's recorder names each planned call.
RECORDED = {
    "create_repository": "CreateRepository",
    "create_open_id_connect_provider": "CreateOpenIDConnectProvider",
    "create_role": "CreateRole",
    "put_role_policy": "PutRolePolicy",
    "update_assume_role_policy": "UpdateAssumeRolePolicy",
}


def save_plan(moto: MotoServer, path: Path, **changes: Any) -> SavedPlan:
    ctx = context(moto.url, guide_settings(**changes))
    run = plan_steps(ctx, AWS_STEPS)
    assert run.failed is None
    write_plan_file(path, saved_plan_from_run(ctx, run))
    return read_plan_file(path)


def apply_saved(moto: MotoServer, path: Path, region: str = "us-east-1") -> Any:
    saved = read_plan_file(path)
    ctx = context(moto.url, guide_settings(region=region))
    ctx.settings = saved.settings
    if region != saved.region:
        ctx.settings.region = region
    replay = replay_saved_plan(ctx, saved, select_steps(all_steps(), saved.step_numbers))
    if not replay.stale and replay.run.failed is None:
        apply_run(ctx, replay.run)
    return ctx, replay


def test_a_saved_plan_is_applied_with_exactly_its_calls(moto: MotoServer, workdir: Path) -> None:
    path = workdir / "p.json"
    saved = save_plan(moto, path)
    planned = [c["operation"] for s in saved.steps for c in s.calls]
    assert planned == [
        "create_repository",
        "create_open_id_connect_provider",
        "create_role",
        "put_role_policy",
    ]
    moto.start_recording()
    ctx, replay = apply_saved(moto, path)
    assert not replay.stale
    assert writes(moto.recorded()) == [RECORDED[op] for op in planned]
    assert [r.status for r in replay.run.results] == [Status.DONE] * 4
    sent = [
        {"operation": c.operation, "params": json.loads(json.dumps(dict(c.params)))}
        for c in ctx.sent
    ]
    assert sent == [
        {"operation": c["operation"], "params": c["params"]} for s in saved.steps for c in s.calls
    ]
    # Applied once, the same file is stale: the world it was made for is gone.
    moto.start_recording()
    _, again = apply_saved(moto, path)
    assert again.stale and writes(moto.recorded()) == []


def test_an_out_of_band_trust_policy_makes_the_saved_plan_stale_and_nothing_is_sent(
    moto: MotoServer, workdir: Path
) -> None:
    first = context(moto.url)
    apply_run(first, plan_steps(first, AWS_STEPS))
    path = workdir / "p.json"
    saved = save_plan(moto, path, branches=["release"])
    assert [c["operation"] for s in saved.steps for c in s.calls] == ["update_assume_role_policy"]
    other = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    first.aws.iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(other))
    moto.start_recording()
    ctx, replay = apply_saved(moto, path)
    assert writes(moto.recorded()) == []
    assert ctx.sent == []
    (drift,) = replay.drift
    assert drift.step == 3
    added = [line for line in drift.diff.splitlines() if line.startswith("+")]
    assert any("arn:aws:iam::123456789012:root" in line for line in added)


def test_another_account_or_region_is_refused_naming_both(moto: MotoServer, workdir: Path) -> None:
    path = workdir / "p.json"
    save_plan(moto, path)
    moto.start_recording()
    with pytest.raises(TargetMismatch) as refused:
        apply_saved(moto, path, region="eu-west-1")
    assert "us-east-1" in str(refused.value) and "eu-west-1" in str(refused.value)
    assert writes(moto.recorded()) == []
    document = json.loads(path.read_text())
    document["target"]["account_id"] = "210987654321"
    from wizard.plan_file.document import integrity_of

    document["integrity"] = integrity_of(document)
    path.write_text(json.dumps(document))
    with pytest.raises(TargetMismatch) as refused:
        apply_saved(moto, path)
    assert "210987654321" in str(refused.value) and "123456789012" in str(refused.value)


def test_the_file_is_private_and_holds_no_token(
    moto: MotoServer, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GH_TOKEN", "ghp_never_in_a_plan_file_0123456789")
    path = workdir / "p.json"
    save_plan(moto, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "ghp_never_in_a_plan_file" not in text
    assert "AWS_SECRET_ACCESS_KEY" not in text and "testing" not in text


def test_a_link_at_the_path_is_replaced_never_followed(moto: MotoServer, workdir: Path) -> None:
    victim = workdir / "victim.txt"
    victim.write_text("keep me\n")
    link = workdir / "p.json"
    link.symlink_to(victim)
    save_plan(moto, link)
    assert victim.read_text() == "keep me\n"
    assert not link.is_symlink()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["steps"][0]["calls"][0]["params"].update(repositoryName="x"), "integrity"),
        (lambda d: d["settings"].update(role_name="Other"), "integrity"),
        (lambda d: d.update(version=99), "newer ecr-oidc-wizard"),
        (lambda d: d.update(format="something else"), "is not a saved plan"),
    ],
)
def test_an_edited_file_is_refused_and_kept(
    moto: MotoServer, workdir: Path, edit: Any, expected: str
) -> None:
    path = workdir / "p.json"
    save_plan(moto, path)
    document = json.loads(path.read_text())
    edit(document)
    text = json.dumps(document)
    path.write_text(text)
    with pytest.raises(PlanFileError) as refused:
        read_plan_file(path)
    assert expected in str(refused.value)
    assert path.read_text() == text


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[]", b'{"format": 1}'])
def test_a_corrupt_file_is_refused_and_kept(workdir: Path, content: bytes) -> None:
    path = workdir / "p.json"
    path.write_bytes(content)
    with pytest.raises(PlanFileError):
        read_plan_file(path)
    assert path.read_bytes() == content


def test_a_redacted_value_is_kept_as_its_hash_only() -> None:
    from wizard.plan import Call
    from wizard.plan_file.document import saved_call

    call = Call("github", "put_secret", {"name": "X", "value": "v4lue"}, redact=("value",))
    kept = saved_call(call)
    assert "v4lue" not in json.dumps(kept)
    assert kept["params"]["value"]["sha256"] and kept["redacted"] == ["value"]
