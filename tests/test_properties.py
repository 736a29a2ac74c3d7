"""Property tests: odd input never crashes the engine, and trust never admits more than chosen."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import policies, validate
from wizard.claims import evaluate
from wizard.iam.issuer import GITHUB_COM, Issuer
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


# --- Never wider than chosen, across subject templates, issuers and partitions -----------------

ISSUERS = [
    GITHUB_COM,
    Issuer("ghe.example.com/_services/token", "ghes"),
    Issuer("token.actions.githubusercontent.com/octo-corp", "enterprise"),
    Issuer("token.actions.octocorp.ghe.com", "ghe.com"),
]
PARTITIONS = ["aws", "aws-cn", "aws-us-gov"]
TEMPLATES = [
    [],
    ["repo", "context"],
    ["repo", "ref"],
    ["repo", "environment"],
    ["repository", "context"],
    ["repo", "context", "job_workflow_ref"],
    ["repository_id", "context"],
    ["repo", "ref", "event_name"],
    ["context", "repo"],
]
JOB = st.tuples(
    st.sampled_from(["branch", "tag", "environment", "pull_request"]),
    NAME,
    st.sampled_from(["o/r", "o/other", "evil/r"]),
)


def job_claims(kind: str, name: str, repo: str) -> dict[str, str]:
    """The claims GitHub puts in the token of such a job (an environment job runs on main)."""
    ref = {
        "branch": f"refs/heads/{name}",
        "tag": f"refs/tags/{name}",
        "environment": "refs/heads/main",
        "pull_request": "refs/pull/1/merge",
    }[kind]
    claims = {
        "repository": repo,
        "repository_owner": repo.split("/")[0],
        "repository_id": "1" if repo == "o/r" else "2",
        "ref": ref,
        "event_name": "pull_request" if kind == "pull_request" else "push",
        "job_workflow_ref": f"{repo}/.github/workflows/build.yml@{ref}",
        "context": sub(kind, name, repo).split(":", 2)[2],
    }
    if kind == "environment":
        claims["environment"] = name
    return claims


def github_sub(keys: list[str], claims: dict[str, str]) -> str | None:
    """The sub GitHub writes for a template; None when the job gets no token (a template with
    `environment` needs one)."""
    parts = []
    for key in keys or ["repo", "context"]:
        if key == "repo":
            parts.append(f"repo:{claims['repository']}")
        elif key == "context":
            parts.append(claims["context"])
        elif key not in claims:
            return None
        else:
            parts.append(f"{key}:{claims[key]}")
    return ":".join(parts)


def in_scope(s: Settings, kind: str, name: str, repo: str) -> bool:
    if repo != "o/r":
        return False
    claims = job_claims(kind, name, repo)
    chosen_branches = s.branches or (
        [] if (s.tags or s.environments or s.pull_requests) else [s.default_branch]
    )
    return (
        claims["ref"] in {f"refs/heads/{b}" for b in chosen_branches}
        or claims["ref"] in {f"refs/tags/{t}" for t in s.tags}
        or claims.get("environment") in s.environments
        or (s.pull_requests and kind == "pull_request")
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    keys=st.sampled_from(TEMPLATES),
    issuer=st.sampled_from(ISSUERS),
    partition=st.sampled_from(PARTITIONS),
    branches=st.lists(NAME, max_size=2),
    environments=st.lists(NAME, max_size=2),
    tags=st.lists(NAME, max_size=2),
    pull_requests=st.booleans(),
    jobs=st.lists(JOB, min_size=1, max_size=6),
)
def test_trust_never_wider_than_chosen_for_any_template_issuer_and_partition(
    keys: list[str],
    issuer: Issuer,
    partition: str,
    branches: list[str],
    environments: list[str],
    tags: list[str],
    pull_requests: bool,
    jobs: list[tuple[str, str, str]],
) -> None:
    s = Settings(
        github_repo="o/r",
        role_name="R",
        region="us-east-1",
        repo_id="1",
        branches=branches,
        environments=environments,
        tags=tags,
        pull_requests=pull_requests,
        sub_claim_keys=keys,
        issuer=issuer.url,
    )
    errors = validate.settings_errors(s, steps=(3,))
    if errors:
        # A scope the template cannot say is refused by name, never filled with '*'.
        assert all(e.field in ("sub_claim_keys", "repo_id") for e in errors), errors
        return
    document: Any = policies.trust_policy(s, partition=partition, account_id=ACCOUNT)
    provider = issuer.provider_arn(partition, ACCOUNT)
    aud = policies.audience(partition)
    for kind, name, repo in [*jobs, *[("branch", b, "o/r") for b in branches]]:
        claims = job_claims(kind, name, repo)
        value = github_sub(keys, claims)
        if value is None:
            continue
        token = {"sub": value, "aud": aud, "repository_id": claims["repository_id"]}
        token |= {k: v for k, v in claims.items() if k in ("ref", "environment", "repository")}
        decision = evaluate(document, token, provider_arn=provider, issuer=issuer)
        if decision.allowed:
            assert in_scope(s, kind, name, repo), (keys, value, decision.reason)
        elif (
            kind == "branch"
            and repo == "o/r"
            and name in branches
            and keys != ["repo", "environment"]
        ):
            raise AssertionError((keys, value, decision.reason))
        # The same token from another issuer, or for another audience, is refused.
        for other in ISSUERS:
            if other != issuer:
                foreign = other.provider_arn(partition, ACCOUNT)
                assert not evaluate(document, token, provider_arn=foreign, issuer=other).allowed
        assert not evaluate(
            document, {**token, "aud": "other"}, provider_arn=provider, issuer=issuer
        ).allowed
    statement = document["Statement"][0]
    assert statement["Principal"]["Federated"] == provider
    assert all(k.startswith(issuer.key_prefix) for c in statement["Condition"].values() for k in c)
