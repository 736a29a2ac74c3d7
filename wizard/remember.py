"""Remembering a run: the answers and what exists, and the documents for review.

Every face calls this after applying, so the config file and the two JSON documents (the
guide's file names, for a pull request) always say the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from wizard import settings as store
from wizard.plan import StepPlan
from wizard.settings import Remembered, Settings

DOCUMENT_FILES = {3: store.TRUST_POLICY_FILE, 4: store.PUSH_POLICY_FILE}


def remember(
    path: Path,
    remembered: Remembered,
    settings: Settings,
    outputs: Mapping[str, str],
    plans: Iterable[StepPlan] = (),
) -> str:
    """Returns a sentence to show when the file's format was upgraded, else ""."""
    remembered.settings = settings
    remembered.created.update({k: v for k, v in outputs.items() if v})
    note = store.save(path, remembered)
    for plan in plans:
        name = DOCUMENT_FILES.get(plan.step)
        for change in plan.changes:
            if name and change.document is not None:
                text = json.dumps(change.document, indent=2) + "\n"
                store.write_private(path.parent / name, text)
    return note
