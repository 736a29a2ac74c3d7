"""Messages inside the app name the app's answers, not CLI flags; shell commands stay as they
are, to be copied."""

from __future__ import annotations

import pytest

from screens.wording import app_words
from tests.test_app_support import FakeAws, fake_app, settle, text_of


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "unknown: pass --repo-id (or run with a GitHub token) so the trust policy can pin it.",
            "unknown: set “GitHub repository ID” in step 3 (or run with a GitHub token)",
        ),
        ("Choose another role name, or take it over on purpose (--adopt-role).", "in step 3)"),
        ("Prefer --branch, --tag or --environment.", "“Branch, comma-separated” in step 3"),
        ("is required: pass --region, set AWS_REGION", "the AWS region on the welcome screen"),
        (
            "workflow file (--workflow-file) 'x': a file name",
            "“Workflow file in .github/workflows”",
        ),
        ("Pass --mutability-exclusion with the version tags' pattern", "in step 1"),
    ],
)
def test_flags_become_the_answers_that_set_them(text: str, expected: str) -> None:
    said = app_words(text)
    assert expected in said
    assert "--" not in said


@pytest.mark.parametrize(
    "text",
    [
        "      $ aws ecr describe-repositories --repository-names demo --region us-east-1",
        "$ ecr-oidc-wizard apply --only 3",
        "no flag at all",
        "a flag the app has no answer for: --only 3",
    ],
)
def test_commands_and_unknown_flags_are_left_alone(text: str) -> None:
    assert app_words(text) == text


async def test_a_role_not_created_by_the_wizard_names_the_app_switch() -> None:
    aws = FakeAws()
    aws.answers["get_role"] = {
        "Role": {
            "RoleName": "GitHubActionsDemoPush",
            "Arn": "arn:aws:iam::123456789012:role/GitHubActionsDemoPush",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
            "Tags": [],
        }
    }
    app = fake_app("3", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = text_of(app, "#guidance-text")
        assert "was not created by ecr-oidc-wizard" in shown
        # Commands to copy keep their flags; every sentence names the app's switch.
        said = [line for line in shown.splitlines() if not line.strip().startswith("$")]
        assert not [line for line in said if "--adopt-role" in line]
        assert "“Take over an existing role the wizard did not create” in step 3" in shown
