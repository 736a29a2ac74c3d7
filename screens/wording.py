"""The engine's messages in the app's words: a CLI flag becomes the answer that sets it here.

The engine words its messages once for every face and names each setting by its flag
(`pass --repo-id`, `(--adopt-role)`): on the command line that is the action to take. In the
app the same setting is an answer on a step screen, so each flag is replaced by that answer's
caption and step ("“GitHub repository ID” in step 3"). Shell commands (lines starting with
`$`) are left as they are: they are meant to be copied.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

from wizard import validate

# Settings the app asks for outside the step screens.
ELSEWHERE = {
    "--profile": "the AWS profile on the welcome screen",
    "--region": "the AWS region on the welcome screen or in step 1",
    "--yes": "confirming",
}
# Flags whose setting has another name than the flag says (validate.FIELDS knows the rest).
FLAG_SETTINGS = {
    "--adopt-role": "adopt_role",
    "--as-variables": "github_values_as",
    "--ref": "workflow_ref",
    "--workflow-file": "workflow_file",
    "--workflow-name": "workflow_name",
    "--image-version": "image_version",
    "--dockerfile": "dockerfile",
    "--build-context": "build_context",
    "--pull-requests": "pull_requests",
    "--scan-on-push": "scan_on_push",
    "--public": "public",
}
STEP_SCREENS = {
    1: ("screens.step_ecr", "EcrRepositoryScreen"),
    2: ("screens.step_provider", "OidcProviderScreen"),
    3: ("screens.step_role", "RoleScreen"),
    4: ("screens.step_policy", "PushPolicyScreen"),
    5: ("screens.step_secrets", "GitHubSecretsScreen"),
    6: ("screens.step_run", "WorkflowRunScreen"),
}
# "pass --repo-id", "use --branch NAME", "(--adopt-role)", "--tag PATTERN": the verb and a
# placeholder word go with the flag.
_FLAG = re.compile(
    r"(?:\b(?i:(pass|use|with|give|run with)) )?(?<![\w-])(--[a-z][a-z0-9-]*)"
    r"(?: [A-Z][A-Z_/.]+\b)?"
)


@cache
def _answers() -> dict[str, str]:
    """flag -> where the app asks for it, from the step screens' own fields."""
    flags = {spec.flag: name for name, spec in validate.FIELDS.items() if spec.flag}
    flags.update(FLAG_SETTINGS)
    where: dict[str, str] = {}
    for number, (module, cls) in sorted(STEP_SCREENS.items(), reverse=True):
        screen = getattr(importlib.import_module(module), cls)
        for field in screen.fields:
            for flag, name in flags.items():
                if name == field.name:
                    # The first step that asks for it (the loop runs from step 6 down).
                    where[flag] = f"“{field.caption}” in step {number}"
    where.update(ELSEWHERE)
    return where


def app_words(text: str) -> str:
    """`text` with every flag the app has an answer for named as that answer."""
    if "--" not in text or text.lstrip().startswith("$"):
        return text
    answers = _answers()
    # "ECR repository name (--ecr-repository) ...": under that very answer the flag is noise.
    for spec in validate.FIELDS.values():
        if spec.flag and f"({spec.flag})" in text:
            for label in (spec.label, spec.label[:1].upper() + spec.label[1:]):
                text = text.replace(f"{label} ({spec.flag})", label)

    def swap(match: re.Match[str]) -> str:
        verb, flag = match.group(1), match.group(2)
        where = answers.get(flag)
        if where is None:
            return match.group(0)
        return f"set {where}" if verb else where

    return _FLAG.sub(swap, text)
