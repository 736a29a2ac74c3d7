"""The setup check: read the configured provider, role, policies, repository and GitHub side,
and judge each with the pure checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from wizard.doctor.aws_checks import (
    expected_jobs,
    provider_findings,
    repository_findings,
    role_findings,
    sample_version_tag,
    trust_findings,
)
from wizard.doctor.findings import (
    ALL_AREAS,
    REAPPLY,
    Area,
    Finding,
    Status,
    _error_summary,
    _ok,
    _read_error,
    _sorted,
)
from wizard.doctor.github_checks import _github_unread, github_findings
from wizard.doctor.github_reader import GitHubReader
from wizard.doctor.push_policy_checks import push_policy_findings
from wizard.doctor.reports import SetupReport
from wizard.policies import (
    PUBLIC_PUSH_ACTIONS,
    PUSH_ACTIONS,
    public_repository_arn,
    registry_host,
    repository_arn,
    role_arn,
)
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.aws import Aws
    from wizard.steps.role import RoleState

ECR_PUBLIC_REGION = "us-east-1"


def _inspect(step: Any, ctx: Any, area: Area, what: str) -> tuple[Any, Finding | None]:
    try:
        return step.inspect(ctx), None
    except Exception as exc:
        return None, _read_error(area, what, exc)


def _role_documents(aws: Aws, role_name: str) -> tuple[list[tuple[str, Any]], list[Finding]]:
    """Every inline and attached managed policy of the role, with a line for each unread one."""
    iam = aws.iam
    documents: list[tuple[str, Any]] = []
    problems: list[Finding] = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            answer = iam.get_role_policy(RoleName=role_name, PolicyName=name)
            documents.append((name, answer["PolicyDocument"]))
    attached_pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name)
    for attached_page in attached_pages:
        for attached in attached_page["AttachedPolicies"]:
            arn = attached.get("PolicyArn", "")
            label = attached.get("PolicyName", arn)
            try:
                version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                document = iam.get_policy_version(PolicyArn=arn, VersionId=version)
                documents.append((label, document["PolicyVersion"]["Document"]))
            except Exception as exc:
                text, _ = _error_summary(exc)
                problems.append(
                    Finding(Area.PUSH, "managed-policy-unread", Status.SKIPPED, f"{label}: {text}")
                )
    return documents, problems


def check_setup(
    aws: Aws,
    settings: Settings,
    *,
    github: GitHubReader | None = None,
    github_unavailable: str = "no GitHub token",
    areas: Iterable[Area] = ALL_AREAS,
) -> SetupReport:
    """Check the configured setup in the live account; never raises for what it reads."""
    from wizard.steps.base import StepContext
    from wizard.steps.ecr_repository import EcrRepositoryStep
    from wizard.steps.oidc_provider import OidcProviderStep
    from wizard.steps.role import RoleStep

    wanted = set(areas)
    s = settings
    region = s.region or aws.region

    def report(account: str, findings: Iterable[Finding]) -> SetupReport:
        return SetupReport(
            account_id=account,
            region=region,
            role_name=s.role_name,
            ecr_repository=s.ecr_repository,
            github_repo=s.github_repo,
            findings=tuple(_sorted(findings)),
        )

    try:
        identity = aws.identity()
    except Exception as exc:
        text, fix = _error_summary(exc)
        return report(
            "",
            [Finding(Area.ACCOUNT, "aws-unreachable", Status.ERROR, f"AWS: {text}", fix)],
        )
    account, partition = identity.account_id, identity.partition
    findings: list[Finding] = []

    facts = None
    if Area.GITHUB in wanted or Area.TRUST in wanted or Area.ROLE in wanted:
        facts, github_notes = _repo_facts(github, s)
        findings += github_notes if Area.GITHUB in wanted else []
        if facts is not None:
            from wizard.repo_facts import apply_repo_facts

            s = apply_repo_facts(s, facts)
    try:
        issuer = s.oidc_issuer
    except ValueError as exc:
        return report(
            account,
            [*findings, Finding(Area.ACCOUNT, "issuer-invalid", Status.ERROR, str(exc))],
        )
    ctx = StepContext(settings=s, aws=aws)
    provider = issuer.provider_arn(partition, account)

    if Area.PROVIDER in wanted:
        state, problem = _inspect(OidcProviderStep(), ctx, Area.PROVIDER, "the OIDC providers")
        findings += [problem] if problem else []
        if state is not None:
            findings += provider_findings(
                state, account_id=account, partition=partition, issuer=issuer
            )

    role_state: RoleState | None = None
    if wanted & {Area.ROLE, Area.TRUST, Area.PUSH}:
        role_state, problem = _inspect(RoleStep(), ctx, Area.ROLE, f"role {s.role_name}")
        findings += [problem] if problem else []
    if role_state is not None and Area.ROLE in wanted:
        jobs, unchecked = expected_jobs(s)
        findings += role_findings(
            role_state,
            role_name=s.role_name,
            provider=provider,
            jobs=jobs,
            jobs_unchecked=unchecked,
        )
    if role_state is not None and role_state.exists and Area.TRUST in wanted:
        immutable = s.subject_format == "immutable"
        findings += trust_findings(
            role_state.trust_policy,
            account_id=account,
            canonical_repo=s.github_repo or None,
            immutable_subject=immutable,
            owner_id=(s.owner_id or None) if immutable else None,
            repo_id=s.repo_id or None,
        )
    if role_state is not None and Area.PUSH in wanted:
        if not role_state.exists:
            findings.append(
                Finding(Area.PUSH, "push-not-checked", Status.SKIPPED, "the role does not exist")
            )
        else:
            findings += _push_findings(aws, s, account, partition, region)

    if Area.REPOSITORY in wanted:
        state, problem = _inspect(
            EcrRepositoryStep(), ctx, Area.REPOSITORY, f"repository {s.ecr_repository}"
        )
        findings += [problem] if problem else []
        if state is not None:
            findings += repository_findings(
                state,
                name=s.ecr_repository,
                region=region,
                account_id=account,
                version_tag=sample_version_tag(s),
                public=s.public,
            )

    if Area.GITHUB in wanted:
        findings += _github_area(github, github_unavailable, s, account, partition, region)
    return report(account, findings)


def _repo_facts(github: GitHubReader | None, s: Settings) -> tuple[Any, list[Finding]]:
    """GitHub's facts about the repository (canonical name, ids, sub format), when readable."""
    if github is None or not s.github_repo:
        return None, []
    try:
        from wizard.repo_facts import fetch_repo_facts
    except ImportError:
        return None, []
    try:
        facts = fetch_repo_facts(github, s.github_repo)
    except Exception as exc:
        return None, [_github_unread(f"repository {s.github_repo}", exc)]
    notes: list[Finding] = []
    if facts.typed != facts.full_name:
        notes.append(
            Finding(
                Area.GITHUB,
                "repo-name-differs",
                Status.MEDIUM,
                f"the configured repository {facts.typed!r} is {facts.full_name!r} on GitHub; "
                "tokens carry GitHub's name and sub is compared case-sensitively",
                f"set github_repo = {facts.full_name!r} in the config, then {REAPPLY.format(3)}",
            )
        )
    form = (
        f"immutable (repo:{facts.owner}@{facts.owner_id}/{facts.repo_name}@{facts.repo_id}:...)"
        if facts.subject_format == "immutable"
        else "default (repo:OWNER/REPO:...)"
    )
    if facts.sub_claim_keys:
        form = f"custom template ({', '.join(facts.sub_claim_keys)})"
    notes.append(
        _ok(
            Area.GITHUB,
            "repo-facts",
            f"{facts.full_name}: id {facts.repo_id}, default branch {facts.default_branch}, "
            f"sub format {form}",
        )
    )
    if facts.customization_unread:
        notes.append(
            Finding(
                Area.GITHUB,
                "sub-format-unread",
                Status.SKIPPED,
                f"the sub format ({facts.customization_unread}); GitHub's default is assumed",
            )
        )
    return facts, notes


def _push_findings(
    aws: Aws, s: Settings, account: str, partition: str, region: str
) -> list[Finding]:
    try:
        documents, problems = _role_documents(aws, s.role_name)
    except Exception as exc:
        return [_read_error(Area.PUSH, f"the policies of role {s.role_name}", exc)]
    if s.public:
        target = public_repository_arn(partition, account, s.ecr_repository)
        login: tuple[str, ...] = ("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken")
        actions: tuple[str, ...] = PUBLIC_PUSH_ACTIONS
    else:
        target = repository_arn(partition, region, account, s.ecr_repository)
        login, actions = ("ecr:GetAuthorizationToken",), PUSH_ACTIONS
    found = push_policy_findings(
        documents,
        role_name=s.role_name,
        repository=target,
        login_actions=login,
        push_actions=actions,
    )
    return found + problems


def _github_area(
    github: GitHubReader | None,
    unavailable: str,
    s: Settings,
    account: str,
    partition: str,
    region: str,
) -> list[Finding]:
    what = "secrets or variables, the workflow file, and the repository's name and sub format"
    if not s.github_repo:
        return [
            Finding(
                Area.GITHUB,
                "github-not-checked",
                Status.SKIPPED,
                f"{what}: no GitHub repository is configured",
                "pass --github-repo OWNER/REPO",
            )
        ]
    if github is None:
        return [
            Finding(
                Area.GITHUB,
                "github-not-checked",
                Status.SKIPPED,
                f"{what}: {unavailable}",
                "export GH_TOKEN (read -rs GH_TOKEN && export GH_TOKEN) or run `gh auth login`, "
                "then run the doctor again",
            )
        ]
    arn = role_arn(partition, account, s.role_name)
    value_region = ECR_PUBLIC_REGION if s.public else region
    registry = "" if s.public else registry_host(account, region, partition)
    return github_findings(github, s, role=arn, region=value_region, registry=registry)
