"""What bench/run.py and bench/suites.py share: the guide's values, moto, the tools, logging.

Both import this module; neither imports the other at module level (run.py loads suites.py
for the sub-benchmarks), so there is no import cycle between them.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"
GITHUB_REPO = "UNGlobalPlatform/images-datascience"
ECR_REPOSITORY = "onyxia-eostat"
ROLE_NAME = "GitHubActionsEOStatPush"
POLICY_NAME = "ECRPushPolicy"
RATIO_TARGET = 0.25
COMMAND_TIMEOUT_S = 60

# The brief's write actions, plus the other mutating verbs of the IAM/ECR/STS APIs, so that a
# re-run counted as "zero writes" really sent nothing that changes state.
WRITE_ACTION = re.compile(
    r"^(Batch)?(Create|Put|Update|Add|Tag|Untag|Delete|Set|Attach|Detach|Remove|Upload)"
)

# Guide step 3, `github-actions-trust-policy.json`, verbatim but for the placeholders.
GUIDE_TRUST_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
        },
        "StringLike": {
          "token.actions.githubusercontent.com:sub": "repo:UNGlobalPlatform/images-datascience:*"
        }
      }
    }
  ]
}
"""

# Guide step 4, `ecr-push-policy.json`, verbatim but for the placeholders.
GUIDE_PUSH_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "ecr:GetAuthorizationToken"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:GetRepositoryPolicy",
        "ecr:DescribeRepositories",
        "ecr:ListImages",
        "ecr:DescribeImages",
        "ecr:BatchGetImage",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage"
      ],
      "Resource": "arn:aws:ecr:REGION:ACCOUNT_ID:repository/onyxia-eostat"
    }
  ]
}
"""

# Where the wizard (like gh) finds a GitHub token; dropped so that it never calls GitHub.
GITHUB_ENV = frozenset(
    {"GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST"}
)
# The wizard's note when it planned without GitHub; its absence means GitHub may have been asked.
OFFLINE_NOTE = "Not checked with GitHub"

TRUST_POLICY_FILE = "github-actions-trust-policy.json"
PUSH_POLICY_FILE = "ecr-push-policy.json"

# The guide's steps 1-4, each run as `aws ARGS --endpoint-url URL` from the directory that holds
# the two policy files (the guide's `file://` paths are relative).
GUIDE_COMMANDS: tuple[tuple[str, ...], ...] = (
    (
        "ecr", "create-repository",
        "--repository-name", ECR_REPOSITORY,
        "--region", REGION,
        "--image-tag-mutability", "MUTABLE",
    ),
    (
        "iam", "create-open-id-connect-provider",
        "--url", "https://token.actions.githubusercontent.com",
        "--client-id-list", "sts.amazonaws.com",
        "--thumbprint-list", "6938fd4d98bab03faadb97b34396831e3780aea1",
    ),
    (
        "iam", "create-role",
        "--role-name", ROLE_NAME,
        "--assume-role-policy-document", f"file://{TRUST_POLICY_FILE}",
    ),
    (
        "iam", "put-role-policy",
        "--role-name", ROLE_NAME,
        "--policy-name", POLICY_NAME,
        "--policy-document", f"file://{PUSH_POLICY_FILE}",
    ),
)  # fmt: skip


T = TypeVar("T")


class BenchError(Exception):
    """A measured command failed, or a run did something it must not."""


# --- moto -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One API request as moto's recorder saw it."""

    service: str
    action: str

    @property
    def is_write(self) -> bool:
        return bool(WRITE_ACTION.match(self.action))

    def __str__(self) -> str:
        return f"{self.service}:{self.action}"


def _header(headers: dict[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def call_of(entry: dict[str, Any]) -> Call:
    """Service and action of a recorded request.

    ECR speaks JSON with the action in `X-Amz-Target` (`AmazonEC2ContainerRegistry_V20150921.
    CreateRepository`); IAM and STS speak the query protocol, `Action=...` in a form body. The
    service comes from the SigV4 credential scope (`Credential=KEY/DATE/REGION/SERVICE/...`).
    """
    headers: dict[str, str] = entry.get("headers") or {}
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", _header(headers, "authorization"))
    service = scope.group(1) if scope else "?"
    target = _header(headers, "x-amz-target")
    if target:
        return Call(service, target.rsplit(".", 1)[-1])
    raw: str = entry.get("body") or ""
    body = base64.b64decode(raw).decode("utf-8", "replace") if entry.get("body_encoded") else raw
    action = urllib.parse.parse_qs(body).get("Action", [""])[0]
    if action:
        return Call(service, action)
    path = urllib.parse.urlsplit(str(entry.get("url", ""))).path
    return Call(service, f"{entry.get('method', '?')} {path}")


class Moto:
    """One moto server over real HTTP, with its reset and request recorder."""

    def __init__(self, workdir: Path) -> None:
        # The recorder appends to ./moto_recording unless told otherwise, and reads the variable
        # when moto is imported: point it into our temp dir first, never into the repository.
        os.environ["MOTO_RECORDER_FILEPATH"] = str(workdir / "moto_recording")
        os.environ.pop("MOTO_ENABLE_RECORDING", None)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"

    def _post(self, path: str) -> None:
        request = urllib.request.Request(self.url + path, data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()

    def reset(self) -> None:
        self._post("/moto-api/reset")

    def recorded(self, action: Callable[[], T]) -> tuple[T, list[Call]]:
        """Run `action` with the recorder on; return its result and the AWS calls it made."""
        self._post("/moto-api/recorder/reset-recording")
        self._post("/moto-api/recorder/start-recording")
        try:
            result = action()
        finally:
            self._post("/moto-api/recorder/stop-recording")
        with urllib.request.urlopen(
            self.url + "/moto-api/recorder/download-recording", timeout=30
        ) as answer:
            text = answer.read().decode()
        entries = [json.loads(line) for line in text.splitlines() if line.strip()]
        calls = [
            call_of(e)
            for e in entries
            if not urllib.parse.urlsplit(str(e.get("url", ""))).path.startswith("/moto-api/")
        ]
        return result, calls

    def stop(self) -> None:
        self._server.stop()


# --- the two variants -------------------------------------------------------------------------


@dataclass
class Tools:
    wizard: str
    aws: str
    env: dict[str, str]


def find_tool(name: str) -> str:
    """The tool installed beside this interpreter, so that both tools share its environment."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    raise BenchError(
        f"{name!r} is not installed beside {sys.executable}: run this script with the Python of "
        "the environment that has the project (editable), moto[server] and awscli, e.g. "
        "`.venv/bin/python bench/run.py` or with that environment activated."
    )


def tool_version(cmd: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [*cmd, "--version"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return (
        (done.stdout.strip() or done.stderr.strip()).splitlines()[0]
        if done.returncode == 0
        else "?"
    )


def bench_env(workdir: Path, pycache: Path | None) -> dict[str, str]:
    """Fake credentials and no config files: both variants see exactly the same environment.

    No GitHub token either (environment variables dropped, `gh` pointed at an empty config),
    so the wizard plans from the stated repository name instead of asking api.github.com:
    the benchmark stays offline. Its token search (keyring, gh) still runs and is measured.

    With `pycache`, byte-code is written to and read from that directory for both tools: an
    inherited PYTHONDONTWRITEBYTECODE would otherwise make the editable wizard recompile its
    own source on every run while boto3 and awscli load the .pyc files pip wrote at install
    time, a handicap no installed copy has. The prefix keeps the repository free of
    __pycache__ directories; the warm-up round fills it.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in GITHUB_ENV}
    gh_config = workdir / "gh-config"
    gh_config.mkdir(exist_ok=True)
    env["GH_CONFIG_DIR"] = str(gh_config)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        AWS_REGION=REGION,
        # aws CLI v1 reads only AWS_DEFAULT_REGION; without it the guide's IAM commands (which
        # take no --region) stop at "You must specify a region".
        AWS_DEFAULT_REGION=REGION,
    )
    return env


def run_timed(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Wall time of the whole command, and what it printed (both streams)."""
    start = time.perf_counter()
    done = subprocess.run(
        list(cmd),
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchError(
            f"exit {done.returncode}: {' '.join(cmd)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return elapsed, done.stdout + done.stderr


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
