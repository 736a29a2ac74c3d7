"""Step 4: the inline push policy on the role."""

from __future__ import annotations

from screens.step_base import Field, StepScreen


class PushPolicyScreen(StepScreen):
    number = 4
    has_document = True
    fields = (
        Field("role_name", placeholder="the role of step 3"),
        Field("policy_name", placeholder="ECRPushPolicy"),
        Field("ecr_repository", placeholder="the repository of step 1"),
    )

    def document_name(self) -> str:
        return "push policy"
