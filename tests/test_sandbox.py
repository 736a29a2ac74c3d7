"""The sandbox: the six steps for real against in-process AWS and GitHub, and nothing beyond.

Runs are shortened (a simulated run takes under a second here) but otherwise each test goes
through `wizard.cli.main` exactly as `ecr-oidc-wizard ... --sandbox` does.
"""

from __future__ import annotations

import base64
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.github_api import GitHubError
from wizard.sandbox import box as sandbox_box
from wizard.sandbox import guard
from wizard.sandbox.box import SandboxUnavailable, open_sandbox
from wizard.sandbox.github_sim import SimulatedGitHub
from wizard.workflow import IMMUTABLE_TAG


@pytest.fixture(autouse=True)
def quick_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sandbox_box, "RUN_SECONDS", 0.6)
    monkeypatch.setattr(sandbox_box, "POLL_SECONDS", 0.1)
    yield
    assert not guard.active(), "a sandbox was left open"


def test_apply_sandbox_yes_does_all_six_steps_and_verifies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["apply", "--sandbox", "--yes"]) == 0
    out, err = capsys.readouterr()
    # The banner goes to standard error (issue 13): standard output is the plan and results.
    assert err.startswith("SANDBOX · ") and "SANDBOX" not in out
    for number in range(1, 7):
        assert f"✓ done      Step {number} · " in out
    # The simulated repository starts without the workflow: step 6 commits it on a branch,
    # opens a pull request and merges it before the run.
    assert "✓ done      Step 6 · Commit the Workflow" in out
    assert "pull request: https://github.invalid/octo-org/hello-ecr/pull/1" in out
    # Nothing points at a file of the sandbox's folder, which is gone at exit.
    assert "Wrote " not in out and ".json" not in out.split("Verification")[-1]
    assert "Run " in out and ": success" in out
    tags = [line.split()[0].rstrip(",") for line in out.splitlines() if ", latest  sha256:" in line]
    assert len(tags) == 1 and IMMUTABLE_TAG.match(tags[0])
    assert f"latest and {tags[0]} are the same image" in out
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-ecr"
    assert f'version: "{uri}:{tags[0]}"' in out
    assert f'version: "{uri}:latest"' in out


def test_withheld_permission_fails_its_step_with_guidance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["apply", "--sandbox-fail", "iam:CreateRole", "--yes", "--only", "1,2,3"])
    captured = capsys.readouterr()
    assert code == 1
    assert "you are the IAM user sandbox-newcomer, who lacks iam:CreateRole" in captured.err
    assert "✓ done      Step 2 · " in captured.out
    assert "✗ Step 3 · Create IAM Role for GitHub Actions failed" in captured.err
    assert "Your AWS identity lacks iam:CreateRole" in captured.err
    assert "Fix:" in captured.err
    # Nothing is kept in the sandbox: no "run the same command again" to finish.
    assert "run the same command again" not in captured.err
    assert "again to finish" not in captured.err + captured.out
    assert "gone when this command ends" in captured.err


def test_a_run_the_trust_policy_would_refuse_is_not_dispatched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The role admits main; a run on dev sends repo:octo-org/hello-ecr:ref:refs/heads/dev.
    # Such a run could only fail, so apply refuses before sending anything (exit 2) and
    # names the flags that fix it; `plan` shows it as a DANGER note.
    assert main(["apply", "--sandbox", "--yes", "--ref", "dev"]) == 2
    captured = capsys.readouterr()
    assert "refs/heads/dev" in captured.err
    assert "Not authorized to perform sts:AssumeRoleWithWebIdentity" in captured.err
    assert "--ref" in captured.err and "--branch dev" in captured.err
    assert "Nothing was sent" in captured.err
    assert "✓ done" not in captured.out
    assert main(["plan", "--sandbox", "--ref", "dev"]) == 0
    out = capsys.readouterr().out
    assert "danger" in out.lower() and "refs/heads/dev" in out


@pytest.mark.parametrize(
    ("command", "expected"),
    [("doctor", "✓ Healthy"), ("verify", "Helm values, development (latest):")],
)
def test_doctor_and_verify_look_at_a_sandbox_set_up_first(
    command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--sandbox"]) == 0
    out, err = capsys.readouterr()
    assert "SANDBOX · doing steps 1–6 first" in err
    assert expected in out


def test_bad_sandbox_fail_and_missing_moto_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["plan", "--sandbox-fail", "CreateRole"]) == 2
    assert "service:Action" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "moto.server", None)
    install = r"pip install 'ecr-oidc-wizard\[sandbox\]'"
    with pytest.raises(SandboxUnavailable, match=install), open_sandbox():
        pass
    assert main(["apply", "--sandbox", "--yes"]) == 2
    assert "pip install 'ecr-oidc-wizard[sandbox]'" in capsys.readouterr().err


def test_sandbox_hides_the_persons_credentials_and_restores_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("GH_TOKEN", "ghp_real")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.chdir(tmp_path)
    with open_sandbox() as box:
        assert "AWS_PROFILE" not in os.environ and "GH_TOKEN" not in os.environ
        assert "HTTPS_PROXY" not in os.environ
        assert os.environ["AWS_ACCESS_KEY_ID"] == "sandbox-access-key"
        assert Path.cwd() == box.directory
        assert box.aws().identity().account_id == "123456789012"
        directory = box.directory
    assert os.environ["AWS_PROFILE"] == "production" and os.environ["GH_TOKEN"] == "ghp_real"
    assert Path.cwd() == tmp_path
    assert not directory.exists()


# --- the simulated GitHub -------------------------------------------------------------------


def _github() -> SimulatedGitHub:
    return SimulatedGitHub(
        aws_for_region=lambda region: None,
        workflow_text="on: workflow_dispatch\n",
        workflow_file="build.yml",
    )


def test_secrets_are_kept_sealed_and_only_the_runner_opens_them() -> None:
    github = _github()
    assert github.put_secret("octo-org", "hello-ecr", "AWS_REGION", "us-east-1") == 201
    assert github.put_secret("octo-org", "hello-ecr", "AWS_REGION", "eu-west-1") == 204
    repo = github.add_repo("octo-org/hello-ecr")
    key_id, sealed = repo.secrets["AWS_REGION"]
    assert key_id == github.key_id and b"eu-west-1" not in base64.b64decode(sealed)
    assert github.decrypt_secret("octo-org", "hello-ecr", "AWS_REGION") == "eu-west-1"
    assert github.list_secrets("Octo-Org", "Hello-ECR") == ["AWS_REGION"]
    with pytest.raises(GitHubError) as wrong_key:
        github.receive_secret("octo-org", "hello-ecr", "X", sealed, "123")
    assert wrong_key.value.status == 422
    with pytest.raises(GitHubError):
        github.receive_secret("octo-org", "hello-ecr", "X", "bm90IHNlYWxlZA==", github.key_id)


def test_dispatch_refuses_an_unknown_ref_or_workflow_as_github_does() -> None:
    github = _github()
    with pytest.raises(GitHubError, match="422"):
        github.dispatch_workflow("octo-org", "app", "build.yml", "nope")
    with pytest.raises(GitHubError, match="404"):
        github.dispatch_workflow("octo-org", "app", "other.yml", "main")
    assert github.repository("octo-org", "app")["full_name"] == "octo-org/app"


# --- the network guard ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        (None, True),
        ("192.0.2.1", False),
        ("api.github.com", False),
        ("sts.amazonaws.com", False),
        ("10.0.0.1", False),
        ("::ffff:192.0.2.1", False),
        ("", False),
    ],
)
def test_only_loopback_counts_as_local(host: str | None, local: bool) -> None:
    assert guard.is_loopback(host) is local


def test_guard_refuses_beyond_loopback_before_anything_is_sent() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    guard.enable()
    try:
        # A lookup is refused before any DNS query...
        with pytest.raises(guard.SandboxNetworkRefused):
            socket.getaddrinfo("api.github.com", 443)
        # ...and a connect before the SYN: the socket stays unconnected, and at once.
        outside = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        outside.setblocking(False)
        started = time.monotonic()
        with pytest.raises(guard.SandboxNetworkRefused, match=r"192\.0\.2\.1"):
            outside.connect(("192.0.2.1", 9))
        assert time.monotonic() - started < 0.5
        with pytest.raises(OSError):
            outside.getpeername()
        outside.close()
        # This machine stays reachable: the sandbox's AWS lives on 127.0.0.1.
        with socket.create_connection(listener.getsockname(), timeout=2) as inside:
            assert inside.getpeername() == listener.getsockname()
    finally:
        guard.disable()
        listener.close()
    assert not guard.active()
