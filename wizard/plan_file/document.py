"""The saved plan file: what it holds, how it is written, how it is read back.

The file holds the calls exactly as `apply` will send them, the documents, the settings, the
account and region the plan is for, and per step a fingerprint of what was observed. It never
holds the GitHub token (the token lives in the GitHub seam, never in a call), and a value a
plan marks as never-printed is kept only as its sha256. An integrity digest over all of it
tells a hand-edited or damaged file apart; such a file is refused and left where it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.plan import Call
from wizard.plan_file.state import canonical_text, fingerprint, plain
from wizard.settings import Settings, write_private

if TYPE_CHECKING:
    from wizard.runner import Run
    from wizard.steps.base import StepContext

PLAN_FORMAT = "ecr-oidc-wizard plan"
PLAN_VERSION = 1
# Settings of the session, not of the plan: they come from the command that applies it.
SESSION_SETTINGS = frozenset({"profile", "endpoint_url"})
# A plan of six steps is a few tens of kilobytes; anything far larger is not one.
MAX_PLAN_BYTES = 5_000_000


class PlanFileError(Exception):
    """The file is not a plan this version can apply: exit 2, and the file is left as it is."""


def saved_call(call: Call) -> dict[str, Any]:
    """A call as the file keeps it: never-printed values replaced by their sha256."""
    params = {
        name: (
            {"sha256": hashlib.sha256(canonical_text(plain(value)).encode()).hexdigest()}
            if name in call.redact
            else plain(value)
        )
        for name, value in call.params.items()
    }
    out: dict[str, Any] = {"service": call.service, "operation": call.operation, "params": params}
    if call.redact:
        out["redacted"] = sorted(call.redact)
    return out


@dataclass(frozen=True)
class SavedStep:
    step: int
    key: str
    title: str
    # What inspect read, as plain JSON, and its fingerprint.
    observed: Any
    fingerprint: str
    calls: tuple[dict[str, Any], ...]
    # The whole plan of the step as `plan --json` shows it (documents, notes, outputs).
    plan: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "key": self.key,
            "title": self.title,
            "fingerprint": self.fingerprint,
            "observed": self.observed,
            "calls": list(self.calls),
            "plan": dict(self.plan),
        }


@dataclass(frozen=True)
class SavedPlan:
    account_id: str
    partition: str
    region: str
    settings: Settings
    steps: tuple[SavedStep, ...]
    created_at: str = ""
    tool_version: str = __version__

    @property
    def step_numbers(self) -> list[int]:
        return [s.step for s in self.steps]

    @property
    def write_count(self) -> int:
        return sum(len(s.calls) for s in self.steps)

    def body(self) -> dict[str, Any]:
        settings = {k: v for k, v in self.settings.to_dict().items() if k not in SESSION_SETTINGS}
        return {
            "format": PLAN_FORMAT,
            "version": PLAN_VERSION,
            "tool_version": self.tool_version,
            "created_at": self.created_at,
            "target": {
                "account_id": self.account_id,
                "partition": self.partition,
                "region": self.region,
            },
            "settings": plain(settings),
            "steps": [s.to_json() for s in self.steps],
        }

    def to_json(self) -> dict[str, Any]:
        body = self.body()
        return {**body, "integrity": integrity_of(body)}


def integrity_of(body: Mapping[str, Any]) -> str:
    text = canonical_text({k: v for k, v in body.items() if k != "integrity"})
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def saved_plan_from_run(ctx: StepContext, run: Run) -> SavedPlan:
    """The plan of a run that planned without failure, with what each step observed."""
    steps: list[SavedStep] = []
    for item in run.planned:
        if item.plan is None:
            raise ValueError(f"step {item.step.number} has no plan: nothing can be saved")
        steps.append(
            SavedStep(
                step=item.plan.step,
                key=item.plan.key,
                title=item.plan.title,
                observed=plain(item.observed),
                fingerprint=fingerprint(item.observed),
                calls=tuple(saved_call(c) for c in item.plan.calls),
                plan={**item.plan.to_json(), "calls": [saved_call(c) for c in item.plan.calls]},
            )
        )
    identity = ctx.aws.identity()
    return SavedPlan(
        account_id=identity.account_id,
        partition=identity.partition,
        region=ctx.region,
        settings=ctx.settings,
        steps=tuple(steps),
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def write_plan_file(path: Path, saved: SavedPlan) -> None:
    """Mode 0600 from the first byte, through an exclusive temporary file that is renamed
    over `path`: a link at `path` is replaced, never followed."""
    if path.is_dir():
        raise PlanFileError(f"--out {path}: is a folder; give a file name, e.g. {path}/plan.json")
    if not path.parent.is_dir():
        raise PlanFileError(f"--out {path}: the folder {path.parent} does not exist")
    write_private(path, json.dumps(saved.to_json(), indent=2, ensure_ascii=False) + "\n")


def _refuse(path: Path, why: str) -> PlanFileError:
    return PlanFileError(
        f"{path}: {why}. The file was left as it is; make a new one with "
        f"`ecr-oidc-wizard plan --out {path.name}`."
    )


def read_plan_file(path: Path) -> SavedPlan:
    """Read and check a plan file; PlanFileError says what is wrong with it."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PLAN_BYTES + 1)
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_PLAN_BYTES:
        raise _refuse(path, f"is larger than {MAX_PLAN_BYTES} bytes, so it is not a saved plan")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(path, f"is not a saved plan (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise _refuse(path, f'is not a saved plan (no "format": "{PLAN_FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(path, f"'version' must be a whole number from 1, not {version!r}")
    if version > PLAN_VERSION:
        raise PlanFileError(
            f"{path} was written by a newer ecr-oidc-wizard (plan format {version}; this one "
            f"reads {PLAN_VERSION}). The file was left as it is: upgrade the tool."
        )
    if data.get("integrity") != integrity_of(data):
        raise _refuse(
            path,
            "was changed after it was written (edited by hand, or damaged): its integrity "
            "digest does not match its content, so it is not the plan that was reviewed",
        )
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise _refuse(path, f"is incomplete or malformed ({exc})") from None


def _parse(data: Mapping[str, Any]) -> SavedPlan:
    from wizard.settings import ConfigError

    target = data["target"]
    settings_data = dict(data["settings"])
    try:
        settings = Settings.from_dict(settings_data)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    steps = tuple(
        SavedStep(
            step=int(s["step"]),
            key=str(s["key"]),
            title=str(s["title"]),
            observed=s["observed"],
            fingerprint=str(s["fingerprint"]),
            calls=tuple(dict(c) for c in s["calls"]),
            plan=dict(s.get("plan") or {}),
        )
        for s in data["steps"]
    )
    numbers = [s.step for s in steps]
    if numbers != sorted(set(numbers)) or any(n < 1 or n > 6 for n in numbers):
        raise ValueError(f"steps {numbers}: each of 1-6 at most once, in order")
    for name in ("account_id", "partition", "region"):
        if not isinstance(target[name], str):
            raise TypeError(f"target.{name} must be text")
    return SavedPlan(
        account_id=target["account_id"],
        partition=target["partition"],
        region=target["region"],
        settings=settings,
        steps=steps,
        created_at=str(data.get("created_at", "")),
        tool_version=str(data.get("tool_version", "")),
    )
