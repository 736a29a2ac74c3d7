"""Saved plans: `plan --out FILE` writes the exact plan, `apply FILE` applies exactly it.

`document` writes and reads the file (0600, an integrity digest, no token), `state` turns what
each step observed into a fingerprint, `replay` re-inspects and refuses a plan the world has
moved away from.
"""

from wizard.plan_file.document import (
    PLAN_FORMAT,
    PLAN_VERSION,
    PlanFileError,
    SavedPlan,
    SavedStep,
    read_plan_file,
    saved_plan_from_run,
    write_plan_file,
)
from wizard.plan_file.replay import Drift, Replay, TargetMismatch, replay_saved_plan

__all__ = [
    "PLAN_FORMAT",
    "PLAN_VERSION",
    "Drift",
    "PlanFileError",
    "Replay",
    "SavedPlan",
    "SavedStep",
    "TargetMismatch",
    "read_plan_file",
    "replay_saved_plan",
    "saved_plan_from_run",
    "write_plan_file",
]
