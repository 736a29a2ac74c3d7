"""Property tests: odd input never crashes the engine, and trust never admits more than chosen."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import policies, validate
from wizard.claims import evaluate
from wizard.settings import Settings

ACCOUNT = "123456789012"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"

NAME = st.text(
    alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=12
).filter(lambda s: not validate.branch(s) and not validate.environment(s))


@given(st.text())
def test_validators_never_raise(value: str) -> None:
    for check in (
        validate.ecr_repository,
        validate.role_name,
        validate.policy_name,
        validate.account_id,
        validate.github_repo,
        validate.branch,
        validate.tag_pattern,
        validate.environment,
        validate.tag_mutability,
        validate.endpoint_url,
        validate.region,
    ):
        for error in check(value):
            assert error.message and error.field and error.rule
    validate.ecr_repository(value, public=True)


@given(
    branches=st.lists(st.text(max_size=40), max_size=8),
    environments=st.lists(st.text(max_size=40), max_size=8),
    tags=st.lists(st.text(max_size=40), max_size=8),
    any_ref=st.booleans(),
    pull_requests=st.booleans(),
)
def test_builders_give_a_valid_document_or_a_clear_error(
    branches: list[str],
    environments: list[str],
    tags: list[str],
    any_ref: bool,
    pull_requests: bool,
) -> None:
    s = Settings(
        github_repo="o/r",
        ecr_repository="app",
        role_name="R",
        region="us-east-1",
        branches=branches,
        environments=environments,
        tags=tags,
        any_ref=any_ref,
        pull_requests=pull_requests,
    )
    if validate.settings_errors(s):
        return  # the CLI stops here with exit 2; nothing is built or sent
    try:
        document = policies.trust_policy(s, partition="aws", account_id=ACCOUNT)
    except policies.PolicyTooLarge as exc:
        assert "IAM allows 2048" in str(exc)
        return
    assert policies.policy_size(document) <= policies.TRUST_POLICY_LIMIT
    assert (
        policies.policy_size(policies.push_policy(s, partition="aws", account_id=ACCOUNT)) <= 10240
    )


def sub(kind: str, value: str, repo: str = "o/r") -> str:
    return {
        "branch": f"repo:{repo}:ref:refs/heads/{value}",
        "tag": f"repo:{repo}:ref:refs/tags/{value}",
        "environment": f"repo:{repo}:environment:{value}",
        "pull_request": f"repo:{repo}:pull_request",
    }[kind]


CLAIM = st.tuples(
    st.sampled_from(["branch", "tag", "environment", "pull_request"]),
    NAME,
    st.sampled_from(["o/r", "o/other", "O/r", "evil/r"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    branches=st.lists(NAME, max_size=3),
    environments=st.lists(NAME, max_size=3),
    tags=st.lists(NAME, max_size=3),
    pull_requests=st.booleans(),
    claims=st.lists(CLAIM, min_size=1, max_size=6),
)
def test_trust_never_admits_more_than_the_chosen_scope(
    branches: list[str],
    environments: list[str],
    tags: list[str],
    pull_requests: bool,
    claims: list[tuple[str, str, str]],
) -> None:
    s = Settings(
        github_repo="o/r",
        branches=branches,
        environments=environments,
        tags=tags,
        pull_requests=pull_requests,
    )
    document: Any = policies.trust_policy(s, partition="aws", account_id=ACCOUNT)
    chosen = (
        {sub("branch", b) for b in branches or ["main"]}
        if branches or not (environments or tags or pull_requests)
        else set()
    )
    chosen |= {sub("tag", t) for t in tags} | {sub("environment", e) for e in environments}
    if pull_requests:
        chosen.add(sub("pull_request", ""))
    # Every chosen claim is admitted ...
    for value in chosen:
        assert evaluate(document, {"sub": value}, provider_arn=PROVIDER).allowed, value
    # ... and any other claim is refused, including other repositories and owner case.
    for kind, name, repo in claims:
        value = sub(kind, name, repo)
        decision = evaluate(document, {"sub": value}, provider_arn=PROVIDER)
        assert decision.allowed == (value in chosen), (value, decision.reason)
    # A token for another audience is refused whatever its sub.
    for value in chosen:
        assert not evaluate(document, {"sub": value, "aud": "other"}, provider_arn=PROVIDER).allowed


def test_any_ref_admits_the_repository_only() -> None:
    s = Settings(github_repo="o/r", any_ref=True)
    document: Any = policies.trust_policy(s, partition="aws", account_id=ACCOUNT)
    assert evaluate(document, {"sub": "repo:o/r:pull_request"}, provider_arn=PROVIDER).allowed
    assert not evaluate(document, {"sub": "repo:o/r2:pull_request"}, provider_arn=PROVIDER).allowed
    assert not evaluate(
        document, {"sub": "repo:o/r-fork:ref:refs/heads/main"}, provider_arn=PROVIDER
    ).allowed
