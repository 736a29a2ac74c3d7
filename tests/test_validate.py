"""Every validation rule, with the message a person sees (field, rule, fix)."""

from __future__ import annotations

import pytest

from wizard import normalise, validate
from wizard.settings import Settings


def rules(errors: list[validate.FieldError]) -> list[str]:
    return [e.rule for e in errors]


@pytest.mark.parametrize(
    "name",
    ["ab", "onyxia-eostat", "team/app", "a.b_c__d--e", "x" * 256, "ns/sub/app-1"],
)
def test_ecr_private_names_accepted(name: str) -> None:
    assert validate.ecr_repository(name) == []


@pytest.mark.parametrize(
    ("name", "rule", "fragment"),
    [
        ("", "required", "is required"),
        ("a", "length", "2–256"),
        ("x" * 257, "length", "this has 257"),
        ("Onyxia-EOStat", "pattern", "Try 'onyxia-eostat'"),
        ("my repo", "pattern", "Try 'my-repo'"),
        ("-app", "pattern", "lower-case"),
        ("app-", "pattern", "lower-case"),
        ("a..b", "pattern", "lower-case"),
        ("a___b", "pattern", "lower-case"),
        ("team//app", "pattern", "lower-case"),
        ("/app", "pattern", "lower-case"),
    ],
)
def test_ecr_private_names_refused(name: str, rule: str, fragment: str) -> None:
    errors = validate.ecr_repository(name)
    assert rule in rules(errors)
    message = next(e.message for e in errors if e.rule == rule)
    assert message.startswith("ECR repository name (--ecr-repository)")
    assert fragment in message


def test_ecr_public_limits_differ() -> None:
    assert validate.ecr_repository("x" * 205, public=True) == []
    assert rules(validate.ecr_repository("x" * 206, public=True)) == ["length"]
    # Public names do not allow the private registry's double underscore.
    assert rules(validate.ecr_repository("a__b", public=True)) == ["pattern"]
    assert "ECR Public" in validate.ecr_repository("a__b", public=True)[0].message


@pytest.mark.parametrize("name", ["GitHubActionsEOStatPush", "a", "r+=,.@_-", "x" * 64])
def test_role_names_accepted(name: str) -> None:
    assert validate.role_name(name) == []


@pytest.mark.parametrize(
    ("name", "rule", "fragment"),
    [
        ("", "required", "IAM role name (--role-name): is required"),
        ("x" * 65, "length", "1–64"),
        ("my role", "pattern", "Try 'my-role'"),
        ("rôle", "pattern", "'ô' is not allowed"),
        ("a/b", "pattern", "'/' is not allowed"),
    ],
)
def test_role_names_refused(name: str, rule: str, fragment: str) -> None:
    errors = validate.role_name(name)
    assert rule in rules(errors)
    assert any(fragment in e.message for e in errors)


def test_policy_name_limits() -> None:
    assert validate.policy_name("x" * 128) == []
    errors = validate.policy_name("x" * 129)
    assert rules(errors) == ["length"]
    assert errors[0].message.startswith("inline policy name (--policy-name)")


@pytest.mark.parametrize(
    ("value", "ok"), [("123456789012", True), ("12345678901", False), ("12345678901a", False)]
)
def test_account_id(value: str, ok: bool) -> None:
    assert (validate.account_id(value) == []) is ok


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1"])
def test_known_regions(region: str) -> None:
    assert validate.region(region) == []


@pytest.mark.parametrize(
    ("region", "fragment"),
    [
        ("US-EAST-1", "Did you mean 'us-east-1'?"),
        ("us-east-9", "not a region"),
        ("", "set AWS_REGION"),
    ],
)
def test_unknown_regions(region: str, fragment: str) -> None:
    errors = validate.region(region)
    assert len(errors) == 1
    assert fragment in errors[0].message
    assert errors[0].message.startswith("AWS region (--region)")


@pytest.mark.parametrize(
    "repo", ["UNGlobalPlatform/images-datascience", "a/b", "octo-org/app.js", "o/.github"]
)
def test_github_repo_accepted(repo: str) -> None:
    assert validate.github_repo(repo) == []


# Pasted from the browser or `git remote -v`: one repository, read as OWNER/REPO (issue 13
# changed these from refusals with a suggestion to accepted input).
@pytest.mark.parametrize(
    "pasted",
    [
        "https://github.com/octo/app",
        "https://github.com/octo/app.git",
        "https://github.com/octo/app/",
        "http://www.github.com/octo/app",
        "git@github.com:octo/app.git",
        "ssh://git@github.com/octo/app.git",
        "  octo/app  ",
        "\thttps://github.com/octo/app.git\n",
    ],
)
def test_github_repo_urls_read_as_owner_repo(pasted: str) -> None:
    assert validate.github_repo(pasted) == []
    assert normalise.github_repo(pasted) == "octo/app"
    merged = Settings().merged({"github_repo": pasted})
    assert merged.github_repo == "octo/app"


def test_a_ghes_url_is_read_only_for_the_named_server() -> None:
    url = "https://ghe.example.com/octo/app.git"
    assert normalise.github_repo(url, "https://ghe.example.com/api/v3") == "octo/app"
    assert normalise.github_repo(url) == url


def test_surrounding_spaces_are_stripped_from_every_answer() -> None:
    merged = Settings().merged(
        {
            "ecr_repository": " hello-ecr ",
            "role_name": "Role\t",
            "region": " eu-west-1",
            "branches": [" main ", "  "],
        }
    )
    assert (merged.ecr_repository, merged.role_name, merged.region) == (
        "hello-ecr",
        "Role",
        "eu-west-1",
    )
    assert merged.branches == ["main"]


@pytest.mark.parametrize(
    ("repo", "rule", "fragment"),
    [
        ("", "required", "OWNER/REPO"),
        ("just-a-name", "format", "must be OWNER/REPO"),
        ("a/b/c", "format", "must be OWNER/REPO"),
        # Another host's URL names another server's repository: not read as OWNER/REPO.
        ("https://gitlab.com/octo/app", "format", "must be OWNER/REPO"),
        ("https://github.com/octo/app/tree/main", "format", "must be OWNER/REPO"),
        ("-octo/app", "owner", "not starting or ending with a hyphen"),
        ("octo--org/app", "owner", "single hyphens"),
        ("octo/a b", "repo", "1–100 letters"),
        ("octo/..", "repo", "1–100 letters"),
    ],
)
def test_github_repo_refused(repo: str, rule: str, fragment: str) -> None:
    errors = validate.github_repo(repo)
    assert rule in rules(errors)
    assert any(fragment in e.message for e in errors)
    assert all(e.message.startswith("GitHub repository (--github-repo)") for e in errors)


@pytest.mark.parametrize("name", ["main", "release/1.x", "release/*", "feature/a-b", "v1.2"])
def test_branches_accepted(name: str) -> None:
    assert validate.branch(name) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("has space", "no spaces"),
        ("a..b", "no '..'"),
        ("a~1", "~ ^ :"),
        ("refs/heads/main", "give the short branch name. Try 'main'"),
        ("main.lock", ".lock"),
        ("feature/", "trailing '/'"),
        ("", "cannot be empty"),
    ],
)
def test_branches_refused(name: str, fragment: str) -> None:
    errors = validate.branch(name)
    assert len(errors) == 1
    assert fragment in errors[0].message
    assert errors[0].message.startswith("branch (--branch)")


def test_tags_and_environments() -> None:
    assert validate.tag_pattern("v*") == []
    assert validate.tag_pattern("v 1")[0].message.startswith("tag pattern (--tag)")
    assert validate.environment("production") == []
    assert "':'" in validate.environment("prod:eu")[0].message
    assert validate.environment("x" * 256)[0].rule == "length"


def test_tag_mutability_values() -> None:
    for value in validate.MUTABILITIES:
        assert validate.tag_mutability(value) == []
    errors = validate.tag_mutability("mutable")
    assert errors[0].rule == "choice"
    assert "Did you mean 'MUTABLE'?" in errors[0].message


def test_mutability_exclusions() -> None:
    assert validate.mutability_exclusions(["latest"], "IMMUTABLE_WITH_EXCLUSION") == []
    assert rules(validate.mutability_exclusions([], "IMMUTABLE_WITH_EXCLUSION")) == ["required"]
    assert rules(validate.mutability_exclusions(["a"] * 6, "IMMUTABLE_WITH_EXCLUSION")) == ["count"]
    assert rules(validate.mutability_exclusions(["bad tag"], "IMMUTABLE_WITH_EXCLUSION")) == [
        "pattern"
    ]


def test_thumbprints() -> None:
    assert validate.thumbprints(["6938fd4d98bab03faadb97b34396831e3780aea1"]) == []
    assert rules(validate.thumbprints(["abc"])) == ["pattern"]
    assert "count" in rules(validate.thumbprints(["6938fd4d98bab03faadb97b34396831e3780aea1"] * 6))


def test_endpoint_url() -> None:
    assert validate.endpoint_url("http://127.0.0.1:5000") == []
    assert validate.endpoint_url("") == []
    assert validate.endpoint_url("localhost:5000")[0].rule == "url"


def good_settings(**changes: object) -> Settings:
    base = Settings(
        github_repo="UNGlobalPlatform/images-datascience",
        ecr_repository="onyxia-eostat",
        role_name="GitHubActionsEOStatPush",
        region="us-east-1",
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_settings_valid() -> None:
    assert validate.settings_errors(good_settings()) == []


def test_settings_collects_every_error() -> None:
    errors = validate.settings_errors(
        good_settings(ecr_repository="Bad Name", role_name="", region="mars-1", branches=["a b"])
    )
    assert {e.field for e in errors} == {"ecr_repository", "role_name", "region", "branches"}


def test_settings_only_checks_chosen_steps() -> None:
    # Step 1 alone needs no role or GitHub repository.
    assert validate.settings_errors(good_settings(role_name="", github_repo=""), steps=[1]) == []


def test_immutable_subject_needs_ids() -> None:
    errors = validate.settings_errors(good_settings(subject_format="immutable"))
    assert {e.field for e in errors} == {"owner_id", "repo_id"}


def test_mutable_with_exclusion_must_not_freeze_latest() -> None:
    errors = validate.mutability_exclusions(["latest"], "MUTABLE_WITH_EXCLUSION")
    assert rules(errors) == ["latest"]
    assert "'latest' could never move again" in errors[0].message
    assert rules(validate.mutability_exclusions(["*"], "MUTABLE_WITH_EXCLUSION")) == ["latest"]
    assert validate.mutability_exclusions(["0.*"], "MUTABLE_WITH_EXCLUSION") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"any_ref": True, "branches": ["dev"]}, "any_ref"),
        ({"any_ref": True, "pull_requests": True}, "any_ref"),
        ({"any_repo_of_owner": True, "tags": ["v*"]}, "any_repo_of_owner"),
        ({"any_repo_of_owner": True, "any_ref": True}, "any_repo_of_owner"),
    ],
)
def test_wide_and_narrow_scopes_do_not_mix(changes: dict[str, object], field: str) -> None:
    errors = validate.settings_errors(good_settings(**changes))
    assert [e.field for e in errors] == [field]
    assert "would be ignored" in errors[0].message


def test_default_branch_errors_name_their_own_flag() -> None:
    errors = validate.settings_errors(good_settings(default_branch="-x"))
    assert errors[0].message.startswith("default branch (--default-branch) '-x'")
