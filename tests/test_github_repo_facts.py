"""Repository facts from GitHub feed the trust policy of step 3."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_github import FakeGitHub
from wizard.github_api import GitHub
from wizard.plan import Severity
from wizard.policies import SUB_KEY, subjects, trust_policy
from wizard.repo_facts import apply_repo_facts, fetch_repo_facts, unchecked_note
from wizard.settings import Settings


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def test_canonical_name_ids_and_branch(fake: FakeGitHub) -> None:
    repo = fake.add_repo("UNGlobalPlatform/images-datascience", default_branch="develop")
    facts = fetch_repo_facts(GitHub(fake.token, fake.url), "unglobalplatform/Images-DataScience")
    assert facts.full_name == "UNGlobalPlatform/images-datascience"
    assert facts.repo_id == str(repo.id)
    assert facts.owner_id == str(repo.owner_id)
    assert facts.default_branch == "develop"
    assert facts.subject_format == "default"
    warning = facts.notes()[0]
    assert warning.severity is Severity.WARNING
    assert "case-sensitively" in warning.text

    settings = apply_repo_facts(Settings(github_repo=facts.typed), facts)
    assert settings.github_repo == "UNGlobalPlatform/images-datascience"
    assert settings.default_branch == "develop"
    assert subjects(settings)[0].value == (
        "repo:UNGlobalPlatform/images-datascience:ref:refs/heads/develop"
    )


def test_immutable_subject_reaches_the_trust_policy(fake: FakeGitHub) -> None:
    repo = fake.add_repo(
        "octo-org/app", customization={"use_default": True, "use_immutable_subject": True}
    )
    facts = fetch_repo_facts(GitHub(fake.token, fake.url), "octo-org/app")
    assert facts.subject_format == "immutable"
    settings = apply_repo_facts(Settings(github_repo="octo-org/app"), facts)
    policy = trust_policy(settings, partition="aws", account_id="123456789012")
    sub = policy["Statement"][0]["Condition"]["StringEquals"][SUB_KEY]
    assert sub == f"repo:octo-org@{repo.owner_id}/app@{repo.id}:ref:refs/heads/main"
    assert any("immutable" in n.text for n in facts.notes())


def test_custom_claim_template(fake: FakeGitHub) -> None:
    fake.add_repo(
        "octo-org/app",
        customization={"use_default": False, "include_claim_keys": ["repo", "context", "job"]},
    )
    facts = fetch_repo_facts(GitHub(fake.token, fake.url), "octo-org/app")
    assert facts.sub_claim_keys == ("repo", "context", "job")
    settings = apply_repo_facts(Settings(github_repo="octo-org/app"), facts)
    assert settings.sub_claim_keys == ["repo", "context", "job"]
    assert subjects(settings)[0].value == "repo:octo-org/app:ref:refs/heads/main:job:*"


def test_unreadable_customization_assumes_the_default_and_says_so(fake: FakeGitHub) -> None:
    fake.add_repo("octo-org/app")
    fake.deny["actions"] = 403
    facts = fetch_repo_facts(GitHub(fake.token, fake.url), "octo-org/app")
    assert facts.subject_format == "default"
    assert any("could not be read" in n.text for n in facts.notes())


def test_without_a_token_the_note_says_it_was_not_checked() -> None:
    note = unchecked_note(Settings(github_repo="octo-org/app"))
    assert note.severity is Severity.WARNING
    assert "Not checked with GitHub" in note.text
    assert "octo-org/app" in note.text
