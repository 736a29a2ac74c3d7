"""The sandbox itself: an AWS (moto) and a GitHub (simulated) inside this process.

`open_sandbox()` starts moto's server on 127.0.0.1 (port 0), points the one AWS seam at it
through the process environment with dummy keys (and hides the person's own credentials,
profile, proxies and GitHub token while it is open), refuses every connection beyond
loopback, and works in a temporary directory so no file of the person's is touched. Closing
it wipes moto, restores the environment and removes the directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.safe_write import write_new_then_rename
from wizard.sandbox import guard
from wizard.sandbox.github_sim import ACTIONS_PROFILE, SimulatedGitHub
from wizard.sandbox.permissions import canonical, permission_errors
from wizard.settings import Remembered, Settings, save

DEFAULT_REPO = "octo-org/hello-ecr"
DEFAULT_ECR_REPOSITORY = "hello-ecr"
DEFAULT_ROLE = "GitHubActionsHelloEcrPush"
DEFAULT_REGION = "us-east-1"
WORKFLOW_FILE = "build-and-push.yml"
WORKFLOW_NAME = "Build and push hello-ecr"
# How long a simulated run takes, and how often step 6 looks at it.
RUN_SECONDS = 5.0
POLL_SECONDS = 0.5
NEWCOMER = "sandbox-newcomer"
ACTIONS_USER = "sandbox-github-actions"
INSTALL_HELP = (
    "The sandbox needs moto (an AWS emulator), which is not installed. Install it with:\n"
    "  pip install 'ecr-oidc-wizard[sandbox]'"
)

# The person's own AWS and GitHub settings, hidden while the sandbox is open.
_HIDDEN = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CA_BUNDLE",
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_API_URL",
    "GH_HOST",
    # A proxy would carry even 127.0.0.1 traffic off the machine.
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


class SandboxUnavailable(Exception):
    """The sandbox cannot start (moto missing, a bad --sandbox-fail); nothing was started."""


TITLE = "ecr-oidc-wizard · SANDBOX (nothing leaves this machine)"


def sandbox_settings(url: str = "") -> Settings:
    """The sandbox's answers (`url`: its emulator's, "" before it runs)."""
    return Settings(
        github_repo=DEFAULT_REPO,
        ecr_repository=DEFAULT_ECR_REPOSITORY,
        role_name=DEFAULT_ROLE,
        region=DEFAULT_REGION,
        endpoint_url=url,
        workflow_file=WORKFLOW_FILE,
        workflow_name=WORKFLOW_NAME,
        run_poll_seconds=POLL_SECONDS,
        run_timeout_seconds=120.0,
    )


@dataclass
class Sandbox:
    url: str
    directory: Path
    github: SimulatedGitHub
    # The permission the person's IAM user lacks ("" when it lacks none).
    fail: str = ""
    account_id: str = "123456789012"
    notes: list[str] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.directory / "ecr-oidc-wizard.toml"

    def settings(self) -> Settings:
        """The sandbox's answers: filled in, so the path through the steps is quick."""
        return sandbox_settings(self.url)

    def commit_workflow(self, settings: Settings) -> None:
        """Put the workflow the wizard writes for these answers on the simulated branches."""
        from wizard.workflow import render_workflow, workflow_spec

        text = render_workflow(workflow_spec(settings))
        self.github.commit_workflow(settings.workflow_file, text)

    def banner(self) -> list[str]:
        lines = [
            f"SANDBOX · AWS is an emulator (moto) at {self.url}, account {self.account_id}, "
            f"dummy keys; GitHub is simulated ({DEFAULT_REPO} and any repository you name). "
            "Nothing leaves this machine, and all of it is gone when this command ends.",
        ]
        if self.fail:
            lines.append(
                f"SANDBOX · --sandbox-fail {self.fail}: you are the IAM user {NEWCOMER}, who "
                f"lacks {self.fail}, so the step that needs it fails with its guidance. Run "
                "again without --sandbox-fail to see it succeed."
            )
        return lines

    @property
    def title(self) -> str:
        return TITLE

    def aws(self, region: str = DEFAULT_REGION, *, profile: str = "") -> Any:
        return sandbox_aws(self.url, region, profile=profile)


def sandbox_aws(url: str, region: str = DEFAULT_REGION, *, profile: str = "") -> Any:
    """The one AWS seam, pointed at the sandbox's moto."""
    from wizard.aws import Aws

    return Aws(profile=profile, region=region, endpoint_url=url)


def _post(url: str, body: bytes, content_type: str) -> None:
    # No proxy, whatever the environment says: this request is for 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    with opener.open(request, timeout=10) as answer:
        answer.read()


def _user_with_keys(iam: Any, name: str, deny: str = "") -> tuple[str, str]:
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    if deny:
        statements.append({"Effect": "Deny", "Action": deny, "Resource": "*"})
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="sandbox",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return str(key["AccessKeyId"]), str(key["SecretAccessKey"])


def _write_credentials(directory: Path, profiles: dict[str, tuple[str, str]]) -> Path:
    path = directory / "aws-credentials"
    text = "".join(
        f"[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
        for name, (key, secret) in profiles.items()
    )
    write_new_then_rename(path, text, mode=0o600)
    return path


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name in _HIDDEN or name.startswith("AWS_ENDPOINT_URL"):
                del os.environ[name]
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def open_sandbox(
    *, fail: str = "", run_seconds: float | None = None, chdir: bool = True
) -> Iterator[Sandbox]:
    """Start the sandbox; everything it made is gone when the block ends."""
    problems = permission_errors(fail)
    if problems:
        raise SandboxUnavailable("\n".join(problems))
    fail = canonical(fail) if fail.strip() else ""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise SandboxUnavailable(INSTALL_HELP) from exc
    # moto's web server logs each request; on a full-screen app that would tear the screen.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    directory = Path(tempfile.mkdtemp(prefix="ecr-oidc-wizard-sandbox-"))
    previous_cwd = os.getcwd()
    guard.enable()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    started = False
    try:
        server.start()
        started = True
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        dummy = ("sandbox-access-key", "sandbox-secret-key")
        environment = {
            "AWS_ACCESS_KEY_ID": dummy[0],
            "AWS_SECRET_ACCESS_KEY": dummy[1],
            "AWS_REGION": DEFAULT_REGION,
            "AWS_DEFAULT_REGION": DEFAULT_REGION,
            "AWS_CONFIG_FILE": str(directory / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(directory / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "2",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        with _environment(environment):
            _post(url + "/moto-api/reset", b"", "application/json")
            profiles = {"default": dummy, ACTIONS_PROFILE: dummy}
            if fail:
                iam = sandbox_aws(url).iam
                newcomer = _user_with_keys(iam, NEWCOMER, deny=fail)
                profiles[ACTIONS_PROFILE] = _user_with_keys(iam, ACTIONS_USER)
                os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = newcomer
                profiles["default"] = newcomer
            _write_credentials(directory, profiles)
            github = SimulatedGitHub(
                aws_for_region=lambda region: sandbox_aws(url, region, profile=ACTIONS_PROFILE),
                workflow_text="",
                workflow_file=WORKFLOW_FILE,
                run_seconds=RUN_SECONDS if run_seconds is None else run_seconds,
            )
            box = Sandbox(url, directory, github, fail=fail)
            # The simulated repository starts without the workflow, as a real one does: step 6
            # commits it (a branch and a pull request) before it can run.
            save(box.config_path, Remembered(settings=box.settings()))
            if fail:
                # From here on moto checks every request against the caller's IAM policies.
                _post(url + "/moto-api/reset-auth", b"0", "text/plain")
            if chdir:
                os.chdir(directory)
            try:
                yield box
            finally:
                os.chdir(previous_cwd)
    finally:
        if started:
            with contextlib.suppress(Exception):
                _post(url + "/moto-api/reset-auth", b"inf", "text/plain")
                _post(url + "/moto-api/reset", b"", "application/json")
            server.stop()
        guard.disable()
        shutil.rmtree(directory, ignore_errors=True)
