"""Remembering a run: the answers and what exists, and the documents for review.

Every face calls this after applying, so the config file and the two JSON documents (the
guide's file names, for a pull request) always say the same thing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from wizard import settings as store
from wizard.plan import StepPlan
from wizard.settings import Remembered, Settings


class AppliedRun(Protocol):
    """What a run tells of itself (wizard.runner.Run): the plans and outputs that hold."""

    def applied_plans(self) -> list[StepPlan]: ...

    def applied_outputs(self, outputs: Mapping[str, str]) -> dict[str, str]: ...


DOCUMENT_FILES = {3: store.TRUST_POLICY_FILE, 4: store.PUSH_POLICY_FILE}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember(
    path: Path,
    remembered: Remembered,
    settings: Settings,
    outputs: Mapping[str, str],
    plans: Iterable[StepPlan] = (),
) -> list[str]:
    """Save the answers and the applied documents; returns sentences to show the person."""
    notes: list[str] = []
    remembered.settings = settings
    remembered.created.update({k: v for k, v in outputs.items() if v})
    for plan in plans:
        name = DOCUMENT_FILES.get(plan.step)
        for change in plan.changes:
            if name and change.document is not None:
                text = json.dumps(change.document, indent=2) + "\n"
                note = _write_document(path.parent / name, text, remembered)
                if note:
                    notes.append(note)
    upgraded = store.save(path, remembered)
    return [upgraded, *notes] if upgraded else notes


def remember_run(
    path: Path,
    remembered: Remembered,
    settings: Settings,
    outputs: Mapping[str, str],
    run: AppliedRun,
) -> list[str]:
    """Remember what a run made true, and only that: a step that failed, was skipped or was
    never reached writes no review document and records no output (its role ARN, say, names
    a role that does not exist)."""
    return remember(path, remembered, settings, run.applied_outputs(outputs), run.applied_plans())


def _write_document(target: Path, text: str, remembered: Remembered) -> str:
    """Write a document unless the file holds something the wizard did not write there: the
    guide tells people to keep their own copies under these very names."""
    key = f"{target.name}:sha256"
    if target.exists():
        current = target.read_text(encoding="utf-8", errors="replace")
        if current == text:
            remembered.created[key] = _digest(text)
            return ""
        if remembered.created.get(key) != _digest(current):
            aside = target.with_name(target.stem + ".applied" + target.suffix)
            store.write_private(aside, text)
            return (
                f"{target.name} holds a document the wizard did not write; it was left as it is "
                f"and the applied one was written to {aside.name}."
            )
    store.write_private(target, text)
    remembered.created[key] = _digest(text)
    return f"Wrote {target.name}, the document applied, for review."


# A workflow file the wizard wrote is remembered as "workflow:ABSOLUTE_PATH" = sha256 of what
# was written: `destroy` removes it only while it still holds exactly that.
WORKFLOW_RECORD_PREFIX = "workflow:"


def workflow_record(written: Path, text: str) -> tuple[str, str]:
    """The [created] key and value that record a workflow file the wizard wrote."""
    return f"{WORKFLOW_RECORD_PREFIX}{written.resolve()}", _digest(text)


def remember_workflow_file(path: Path, remembered: Remembered, written: Path, text: str) -> str:
    """Record a workflow file the wizard just wrote; returns what `save` reports."""
    key, digest = workflow_record(written, text)
    remembered.created[key] = digest
    return store.save(path, remembered)


def forget(path: Path, remembered: Remembered, keys: Iterable[str]) -> str:
    """Drop records of what `destroy` removed, so the answers file says what exists."""
    for key in keys:
        remembered.created.pop(key, None)
    return store.save(path, remembered)
