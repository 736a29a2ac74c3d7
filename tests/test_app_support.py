"""Fakes and helpers for the app's tests (no tests here).

`FakeAws` stands in for wizard.aws.Aws with fixed answers, so snapshots do not depend on moto's
timing; `gate` makes a call block until the test releases it (a "slow AWS").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from screens.app import WizardApp
from screens.session import Session
from wizard.aws import Identity
from wizard.settings import Settings

ACCOUNT = "123456789012"


class FakeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"An error occurred ({code}) when calling the operation: {message}")
        self.response = {"Error": {"Code": code, "Message": message}}


class FakeClient:
    def __init__(self, aws: FakeAws, service: str) -> None:
        self.aws = aws
        self.service = service

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        def call(**params: Any) -> Any:
            self.aws.calls.append((self.service, operation))
            gate = self.aws.gates.get(operation)
            if gate is not None:
                self.aws.waiting.set()
                gate.wait(timeout=30)
            answer = self.aws.answers.get(operation)
            if isinstance(answer, Exception):
                raise answer
            if callable(answer):
                return answer(**params)
            if answer is None:
                return {}
            return answer

        return call


def _not_found(code: str) -> FakeError:
    return FakeError(code, "not found")


class FakeAws:
    """Nothing exists yet; every write succeeds."""

    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        self.endpoint_url = None
        self.known_identity: Identity | None = None
        self.calls: list[tuple[str, str]] = []
        self.gates: dict[str, threading.Event] = {}
        self.waiting = threading.Event()
        self.answers: dict[str, Any] = {
            "describe_repositories": _not_found("RepositoryNotFoundException"),
            "list_open_id_connect_providers": {"OpenIDConnectProviderList": []},
            "get_role": _not_found("NoSuchEntity"),
            "get_role_policy": _not_found("NoSuchEntity"),
            "list_role_policies": {"PolicyNames": []},
            "list_attached_role_policies": {"AttachedPolicies": []},
            "create_repository": {
                "repository": {"repositoryUri": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/demo"}
            },
            "describe_images": {
                "imageDetails": [
                    {
                        "imageDigest": "sha256:" + "ab" * 32,
                        "imageTags": ["0.1.0-20251130-8c5f394", "latest"],
                        "imagePushedAt": datetime(2025, 11, 30, 12, 0, tzinfo=UTC),
                        "imageSizeInBytes": 1000,
                    }
                ]
            },
        }

    def identity(self) -> Identity:
        self.known_identity = Identity(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/alice", "aws")
        return self.known_identity

    def client(self, service: str) -> FakeClient:
        return FakeClient(self, service)

    @property
    def ecr(self) -> FakeClient:
        return self.client("ecr")

    @property
    def ecr_public(self) -> FakeClient:
        return self.client("ecr-public")

    @property
    def iam(self) -> FakeClient:
        return self.client("iam")

    @property
    def sts(self) -> FakeClient:
        return self.client("sts")

    def existing_repository(self, mutability: str = "MUTABLE", scan: bool = False) -> None:
        self.answers["describe_repositories"] = {
            "repositories": [
                {
                    "imageTagMutability": mutability,
                    "imageScanningConfiguration": {"scanOnPush": scan},
                    "repositoryUri": f"{ACCOUNT}.dkr.ecr.{self.region}.amazonaws.com/demo",
                }
            ]
        }


def demo_settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {
        "region": "us-east-1",
        "ecr_repository": "demo",
        "role_name": "GitHubActionsDemoPush",
        "github_repo": "octo-org/app",
    }
    values.update(changes)
    return Settings(**values)


def fake_app(
    start: str = "welcome",
    *,
    aws: FakeAws | None = None,
    settings: Settings | None = None,
    config_path: Path | None = None,
) -> WizardApp:
    fake = aws or FakeAws()
    session = Session(settings or demo_settings(), config_path=config_path, make_aws=lambda s: fake)
    return WizardApp(session, start=start, blink=False)


def moto_app(
    url: str, start: str = "welcome", *, config_path: Path | None = None, **changes: Any
) -> WizardApp:
    session = Session(demo_settings(endpoint_url=url, **changes), config_path=config_path)
    return WizardApp(session, start=start, blink=False)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and its messages be handled (twice: an apply re-plans)."""
    for _ in range(3):
        await pilot.pause()
        await _workers_done(pilot)
    await pilot.pause()


async def _workers_done(pilot: Pilot[Any]) -> None:
    """Wait for the workers, tolerating a plan that a newer plan replaced: step workers are
    exclusive, so the older one is cancelled and waiting on it raises `WorkerCancelled`."""
    for _ in range(10):
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await pilot.pause()
    await pilot.app.workers.wait_for_complete()


def text_of(app: WizardApp, selector: str) -> str:
    widget: Any = app.screen.query_one(selector)
    rendered = widget.render()
    return str(getattr(rendered, "plain", rendered))
