"""The closing summary: what exists, the exact undo commands filled with the user's values, what
next, in the app's words or the CLI's."""

from __future__ import annotations

import shlex

import pytest

from tests.helpers import guide_settings
from wizard.summary import items, next_steps, summary_lines

OUTPUTS = {
    "repository_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/onyxia-eostat",
    "provider_arn": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    "role_arn": "arn:aws:iam::123456789012:role/GitHubActionsEOStatPush",
    "github_values_as": "secrets",
    "run_url": "https://github.com/UNGlobalPlatform/images-datascience/actions/runs/7",
}


def test_every_done_step_is_listed_with_its_identifier() -> None:
    found = items(guide_settings(), OUTPUTS, range(1, 7))
    assert [i.step for i in found] == [1, 2, 3, 4, 5, 6]
    values = " ".join(i.value for i in found)
    for value in ("repository_uri", "provider_arn", "role_arn"):
        assert OUTPUTS[value] in values
    assert "AWS_ROLE_ARN, AWS_REGION in UNGlobalPlatform/images-datascience" in values
    assert ".github/workflows/" in values


def test_undo_commands_use_the_users_values_and_parse_as_shell() -> None:
    s = guide_settings(profile="dev account", region="eu-west-3")
    found = {i.step: i for i in items(s, OUTPUTS, range(1, 7))}
    first = shlex.split(found[1].undo[0])
    assert first[:3] == ["aws", "ecr", "delete-repository"]
    assert "onyxia-eostat" in first and "--force" in first
    assert first[first.index("--profile") + 1] == "dev account"
    assert first[first.index("--region") + 1] == "eu-west-3"
    # IAM is global: no --region on its commands.
    assert all("--region" not in c for c in found[3].undo)
    assert (
        found[3]
        .undo[-1]
        .endswith("delete-role --role-name GitHubActionsEOStatPush --profile 'dev account'")
    )
    assert found[2].cost.startswith("breaks every role")


@pytest.mark.parametrize("kind,word", [("secrets", "secret"), ("variables", "variable")])
def test_github_values_undo_follows_secrets_or_variables(kind: str, word: str) -> None:
    found = items(guide_settings(), {**OUTPUTS, "github_values_as": kind}, [5])
    assert found[0].undo[0].startswith(f"gh {word} delete AWS_ROLE_ARN --repo ")


def test_only_done_steps_exist_and_the_rest_is_next() -> None:
    lines = summary_lines(guide_settings(), OUTPUTS, {1, 2}, app=False)
    text = "\n".join(lines)
    assert "✓ 1. ECR repository" in text and "✓ 2. IAM OIDC provider" in text
    assert "IAM role:" not in text.split("How to undo")[0]
    assert "not done: step 3, 4, 5, 6" in text
    assert "$ ecr-oidc-wizard apply --only 3,4,5,6" in text


def test_the_app_names_its_keys_not_cli_commands() -> None:
    text = "\n".join(summary_lines(guide_settings(), OUTPUTS, range(1, 7), app=True))
    what_next = text.split("What next:")[1]
    assert "ecr-oidc-wizard" not in what_next
    assert "f7 opens the doctor" in what_next
    assert next_steps(guide_settings(), range(1, 7))[0].text.startswith("Deploy")
