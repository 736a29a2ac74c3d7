"""Step 1: the ECR repository."""

from __future__ import annotations

from screens.step_base import Field, StepScreen
from wizard.validate import MUTABILITIES


class EcrRepositoryScreen(StepScreen):
    number = 1
    fields = (
        Field("ecr_repository", placeholder="e.g. onyxia-eostat"),
        Field("region", placeholder="e.g. us-east-1"),
        Field("tag_mutability", kind="choice", choices=MUTABILITIES),
        Field("mutability_exclusions", kind="list", placeholder="e.g. latest"),
        Field("scan_on_push", kind="switch", label="Scan images for vulnerabilities on push"),
        Field("public", kind="switch", label="ECR Public (anonymous pulls; us-east-1 only)"),
    )
