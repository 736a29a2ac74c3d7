"""Defaults for the person's own project: derived from their repository, never the guide's
EOStat names (those stay one flag away)."""

from __future__ import annotations

import dataclasses

import pytest

from wizard import validate
from wizard.defaults import GUIDE_VALUES, derived_names
from wizard.settings import Settings
from wizard.workflow import workflow_file_errors, workflow_spec


@pytest.mark.parametrize(
    ("repo", "ecr", "role", "file"),
    [
        ("octo-org/hello-ecr", "hello-ecr", "GitHubActionsHelloEcrPush", "build-hello-ecr.yml"),
        ("acme/Billing_API", "billing-api", "GitHubActionsBillingAPIPush", "build-billing-api.yml"),
        ("me/app.js", "app-js", "GitHubActionsAppJsPush", "build-app-js.yml"),
        ("me/x", "x-image", "GitHubActionsXPush", "build-x-image.yml"),
        ("me/" + "long" * 25, "long" * 25, None, None),
    ],
)
def test_names_derive_from_the_repository(
    repo: str, ecr: str, role: str | None, file: str | None
) -> None:
    names = derived_names(repo)
    assert names is not None
    assert names.ecr_repository == ecr
    assert validate.ecr_repository(names.ecr_repository) == []
    assert validate.role_name(names.role_name) == []
    assert workflow_file_errors(names.workflow_file) == []
    if role:
        assert names.role_name == role
    if file:
        assert names.workflow_file == file
    assert repo.split("/")[1] in names.workflow_name


@pytest.mark.parametrize("repo", ["", "just-a-name", "a/b/c", "/x", "o/---"])
def test_no_names_without_a_repository(repo: str) -> None:
    assert derived_names(repo) is None


def test_the_workflow_is_named_for_the_repository_not_the_guide() -> None:
    spec = workflow_spec(Settings(github_repo="acme/web-shop", ecr_repository="web-shop"))
    assert spec.file == "build-web-shop.yml"
    assert "EOStat" not in spec.name and "web-shop" in spec.name


def test_names_a_person_chose_stay_and_derived_ones_follow_the_repository() -> None:
    chosen = Settings(github_repo="acme/alpha", workflow_file="ci.yml", workflow_name="CI")
    moved = chosen.merged({"github_repo": "acme/beta"})
    assert (moved.workflow_file, moved.workflow_name) == ("ci.yml", "CI")
    derived = Settings(github_repo="acme/alpha").merged({"github_repo": "acme/beta"})
    assert derived.workflow_file == "build-beta.yml"
    assert derived.workflow_name == "Build and push the beta image"


def test_a_missing_name_is_suggested_from_the_repository() -> None:
    s = Settings(github_repo="acme/web-shop", region="us-east-1")
    messages = [e.message for e in validate.settings_errors(s)]
    assert any("--ecr-repository web-shop" in m for m in messages)
    assert any("--role-name GitHubActionsWebShopPush" in m for m in messages)


def test_the_guide_values_are_the_guides() -> None:
    guide = Settings(**GUIDE_VALUES)
    assert validate.settings_errors(guide) == []
    assert guide.workflow_file == "build-eostat.yml"
    assert dataclasses.replace(guide).workflow_name == "Build and Push EOStat Image"


class _Recorder:
    """Answers every question with the default it was offered, and notes it."""

    def __init__(self) -> None:
        self.offered: dict[str, str] = {}

    def text(self, message: str, default: str, check: object) -> str:
        self.offered[message] = default
        return default

    def choose(self, message: str, choices: object, default: str) -> str:
        return default

    def confirm(self, message: str, default: bool) -> bool:
        return default


def test_the_plain_prompts_offer_names_derived_from_the_repository() -> None:
    from wizard.cli.prompts import PlainWizard
    from wizard.settings import Remembered

    asker = _Recorder()
    wizard = PlainWizard(
        Settings(github_repo="acme/web-shop", region="us-east-1"),
        config_path=None,
        remembered=Remembered(),
        asker=asker,
    )
    wizard.ask(1)
    wizard.ask(3)
    assert "web-shop" in asker.offered.values()
    assert "GitHubActionsWebShopPush" in asker.offered.values()
    assert wizard.settings.ecr_repository == "web-shop"


def test_the_plain_prompts_read_a_pasted_url_as_owner_repo() -> None:
    from wizard.cli.prompts import PlainWizard
    from wizard.settings import Remembered

    class Paster(_Recorder):
        def text(self, message: str, default: str, check: object) -> str:
            if "GitHub repository" in message:
                return "https://github.com/acme/web-shop.git "
            return default

    wizard = PlainWizard(
        Settings(region="us-east-1"), config_path=None, remembered=Remembered(), asker=Paster()
    )
    wizard.ask(3)
    assert wizard.settings.github_repo == "acme/web-shop"
    assert wizard.settings.role_name == "GitHubActionsWebShopPush"
