"""Shared fixtures: one real moto server over HTTP for the whole session, reset per test."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import socket
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from wizard.sandbox.guard import active as sandbox_guard_active
from wizard.sandbox.guard import is_loopback

# --- Isolation from the machine the tests run on ---------------------------------------------
# A developer's GH_TOKEN, AWS profile, keyring entry or gh login must change no test result and
# reach no network: the tests give every credential themselves. This runs when pytest loads
# this file, before any test module imports the wizard.
_MACHINE_VARIABLES = (
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GH_HOST",
    "GITHUB_API_URL",
    "GH_CONFIG_DIR",
    "PYTHON_KEYRING_BACKEND",
)
for _name in list(os.environ):
    if _name in _MACHINE_VARIABLES or _name.startswith("AWS_"):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials"
# botocore would otherwise ask the instance metadata service (169.254.169.254) for credentials.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# A keyring that answers "none" to everything; tests that need one set their own.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
# gh, when installed, reads its login from here: an empty folder has none.
os.environ["GH_CONFIG_DIR"] = tempfile.mkdtemp(prefix="gh-config-")


class NetworkRefusedInTests(ConnectionRefusedError):
    """A test tried to reach beyond this machine; refused before any packet or lookup."""


# Every refusal, kept even when the code under test swallowed the error: the session fails.
REFUSED: list[str] = []


def _refuse(what: str) -> None:
    REFUSED.append(what)
    raise NetworkRefusedInTests(f"tests reach only loopback; refused {what}")


def _loopback_only(event: str, args: tuple[Any, ...]) -> None:
    # Every audit event passes through here (imports and file opens too): do nothing that
    # raises one itself before the event is known to be a socket's.
    if sandbox_guard_active():
        return  # the sandbox's own guard refuses the same, in its own words (tests check them)
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg") and len(args) >= 2:
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if address is not None and not is_loopback(host):
            _refuse(f"{event} {address!r}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        host = args[0] if args else None
        if not is_loopback(host):
            _refuse(f"a lookup of {host!r}")


sys.addaudithook(_loopback_only)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REFUSED:
        print("\nConnections beyond loopback were attempted (and refused):", *REFUSED, sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# No per-example deadline: these machines are shared and a slow example is not a failure.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")

# The moto server logs every request; a failing test's report is easier to read without them.
logging.getLogger("werkzeug").setLevel(logging.WARNING)

# moto's request recorder writes to a relative path by default: keep it out of tests' cwd.
os.environ.setdefault(
    "MOTO_RECORDER_FILEPATH", os.path.join(tempfile.mkdtemp(prefix="moto-rec-"), "recording")
)

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


@dataclass
class MotoServer:
    url: str

    def post(self, path: str, body: bytes = b"", content_type: str = "application/json") -> bytes:
        request = urllib.request.Request(
            self.url + path, data=body, method="POST", headers={"Content-Type": content_type}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return bytes(answer.read())

    def reset(self) -> None:
        self.post("/moto-api/reset")

    def auth(self, enabled: bool) -> None:
        """Turn moto's IAM permission checks on (real AccessDenied) or off."""
        self.post("/moto-api/reset-auth", b"0" if enabled else b"inf", "text/plain")

    def start_recording(self) -> None:
        self.post("/moto-api/recorder/reset-recording")
        self.post("/moto-api/recorder/start-recording")

    def recorded(self) -> list[dict[str, Any]]:
        self.post("/moto-api/recorder/stop-recording")
        with urllib.request.urlopen(self.url + "/moto-api/recorder/download-recording") as r:
            text = r.read().decode()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


WRITE_PREFIXES = ("Create", "Put", "Update", "Add", "Tag", "Delete", "Set", "Attach", "Remove")


def action_of(record: dict[str, Any]) -> str:
    """The API action of one recorded request (JSON protocols name it in X-Amz-Target)."""
    target = record.get("headers", {}).get("X-Amz-Target", "")
    if target:
        return str(target.rsplit(".", 1)[-1])
    body = record.get("body") or ""
    if record.get("body_encoded"):
        body = base64.b64decode(body).decode(errors="replace")
    found = urllib.parse.parse_qs(body).get("Action", [""])
    if found[0]:
        return found[0]
    match = re.search(r"Action=(\w+)", record.get("url", ""))
    return match.group(1) if match else ""


def actions(records: list[dict[str, Any]]) -> list[str]:
    return [a for a in (action_of(r) for r in records) if a]


def writes(records: list[dict[str, Any]]) -> list[str]:
    return [a for a in actions(records) if a.startswith(WRITE_PREFIXES)]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory: the config file and documents land here."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield MotoServer(f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def moto(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoServer]:
    """A clean moto, and an environment whose credential chain points at it."""
    moto_server.reset()
    moto_server.auth(False)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    # A 500 would otherwise be retried for seconds.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    yield moto_server
    moto_server.auth(False)
