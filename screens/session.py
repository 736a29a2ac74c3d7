"""What the app keeps between screens: the answers, the AWS seam, outputs and each step's state.

Plain Python with no Textual import, so the flows can be tested without a terminal; the screens
render this and dispatch to the engine.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from wizard.plan import Call, StepPlan
from wizard.settings import Remembered, Settings
from wizard.steps.base import StepContext

STEP_NUMBERS = (1, 2, 3, 4, 5, 6)


class StepState(StrEnum):
    NOT_STARTED = "not started"
    PLANNED = "planned"
    # Planned, but apply waits for a GitHub token (steps 5 and 6).
    NEEDS_TOKEN = "needs token"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


# A symbol and a word for every state: colour is only ever added on top.
STATE_MARK = {
    StepState.NOT_STARTED: "·",
    StepState.PLANNED: "○",
    StepState.NEEDS_TOKEN: "!",
    StepState.RUNNING: "…",
    StepState.DONE: "✓",
    StepState.FAILED: "✗",
    StepState.SKIPPED: "-",
}

AwsFactory = Callable[[Settings], Any]


def real_aws(settings: Settings) -> Any:
    from wizard.aws import Aws

    return Aws(profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url)


def _ready_event() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


@dataclass
class Session:
    settings: Settings
    config_path: Path | None = None
    remembered: Remembered = field(default_factory=Remembered)
    make_aws: AwsFactory = real_aws
    # The GitHub seam (wizard.github_api.GitHub) once a token is known; never the token text.
    github: Any = None
    token_source: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    states: dict[int, StepState] = field(
        default_factory=lambda: dict.fromkeys(STEP_NUMBERS, StepState.NOT_STARTED)
    )
    # The repositories of a manifest (wizard.manifest.model.Manifest) when the app opened on one.
    manifest: Any = None
    _aws: Any = None
    _aws_key: tuple[str, str, str] | None = None
    # A GitHub given when the session was made (the sandbox's simulation), not found from a
    # token: there is then no token to ask for or keep.
    github_injected: bool = field(init=False, default=False)
    # Why the AWS profile and region cannot be changed in the app ("" when they can): the
    # sandbox's emulated account has neither.
    aws_fixed: str = ""
    # Set once the AWS and GitHub seams may be used. The sandbox clears it until its emulator
    # runs (it starts after the first frame); every worker that calls out waits on it.
    ready: threading.Event = field(default_factory=_ready_event)
    # Why the session could not be made ready ("" when it could): nothing is then called.
    unavailable: str = ""
    # In the sandbox nothing outlives the app (its folder is removed at exit): nothing is
    # written there for the person to read later.
    sandbox: bool = False

    def __post_init__(self) -> None:
        self.outputs.update(self.remembered.created)
        self.github_injected = self.github is not None

    def update(self, **values: Any) -> None:
        self.settings = dataclasses.replace(self.settings, **values).normalised(self.settings)

    def aws(self) -> Any:
        """One seam per (profile, region, endpoint): its identity is asked of STS once.
        Called from worker threads: it waits until the session is ready."""
        self.ready.wait()
        if self.unavailable:
            raise RuntimeError(self.unavailable)
        s = self.settings
        key = (s.profile, s.region, s.endpoint_url)
        if self._aws is None or key != self._aws_key:
            self._aws = self.make_aws(s)
            self._aws_key = key
        return self._aws

    def context(self, on_call: Callable[[Call], None] | None = None) -> StepContext:
        return StepContext(
            settings=self.settings,
            aws=self.aws(),
            github=self.github,
            outputs=self.outputs,
            on_call=on_call,
            document_overrides=self.overrides,
        )

    def teardown_context(self, on_call: Callable[[Call], None] | None = None) -> StepContext:
        """A context for `destroy`: its decisions stay in its own outputs, never in what the
        session remembers."""
        return StepContext(
            settings=self.settings,
            aws=self.aws(),
            github=self.github,
            outputs=dict(self.outputs),
            on_call=on_call,
        )

    def forget(self, keys: Sequence[str], undone: Sequence[int] = ()) -> str:
        """After a destroy: drop the records of what it removed, mark the steps it undid as
        not started; returns a problem to show, or ""."""
        for key in keys:
            self.outputs.pop(key, None)
        for number in undone:
            self.states[number] = StepState.NOT_STARTED
        if self.config_path is None:
            for key in keys:
                self.remembered.created.pop(key, None)
            return ""
        from wizard.remember import forget

        try:
            forget(self.config_path, self.remembered, keys)
        except OSError as exc:
            return f"The answers could not be saved to {self.config_path}: {exc}"
        return ""

    def remember_workflow(self, written: Path, text: str) -> str:
        """Record a workflow file the wizard wrote (destroy removes it while unchanged);
        returns a problem to show, or ""."""
        from wizard.remember import remember_workflow_file, workflow_record

        key, digest = workflow_record(written, text)
        if self.config_path is None:
            self.outputs[key] = self.remembered.created[key] = digest
            return ""
        try:
            remember_workflow_file(self.config_path, self.remembered, written, text)
        except OSError as exc:
            return f"The answers could not be saved to {self.config_path}: {exc}"
        self.outputs[key] = self.remembered.created[key]
        return ""

    def remember(self, plans: Sequence[StepPlan] = (), *, failed: StepPlan | None = None) -> str:
        """Save the answers, what exists and the documents of `plans` (applied, or found as
        planned); returns what to tell the person (a problem, or that an older file's format
        was upgraded), or "". A `failed` plan's promised outputs (an ARN of a role that was
        never created) are not recorded, and its document is not written."""
        if self.config_path is None:
            return ""
        from wizard.remember import remember

        outputs = dict(self.outputs)
        if failed is not None:
            for key in failed.outputs:
                outputs.pop(key, None)
        try:
            notes = remember(self.config_path, self.remembered, self.settings, outputs, plans)
            # Writing the documents is routine; only what the person must know is shown.
            return " ".join(n for n in notes if not n.startswith("Wrote "))
        except OSError as exc:
            return f"The answers could not be saved to {self.config_path}: {exc}"
