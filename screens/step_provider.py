"""Step 2: GitHub's OIDC provider in IAM."""

from __future__ import annotations

from screens.step_base import Field, StepScreen


class OidcProviderScreen(StepScreen):
    number = 2
    fields = (Field("thumbprints", kind="list", placeholder="optional, not needed since 2023"),)
