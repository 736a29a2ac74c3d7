"""Pure judgements of what AWS holds: the OIDC provider, the role and its trust policy, the
repository. The push policy has its own module (`push_policy_checks`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from wizard.claims import ASSUME_ACTION, Verdict, action_matches, evaluate, glob_match
from wizard.doctor.findings import REAPPLY, Area, Finding, Status, _ok
from wizard.doctor.policy_documents import _federated, _statements
from wizard.doctor.simulation import MAX_SIMULATED_JOBS, _wild, job_claims
from wizard.iam.issuer import GITHUB_COM, Issuer
from wizard.policies import audience
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.steps.ecr_repository import RepositoryState
    from wizard.steps.oidc_provider import ProviderState
    from wizard.steps.role import RoleState
    from wizard.trust_lint import Finding as LintFinding

LATEST = "latest"
# The workflow's immutable tag is VERSION-YYYYMMDD-SHORTSHA; any date and sha will do to ask
# "would an exclusion filter make this tag mutable?".
SAMPLE_DATE_SHA = "20250101-0123abc-r1"


def provider_findings(
    state: ProviderState, *, account_id: str, partition: str, issuer: Issuer = GITHUB_COM
) -> list[Finding]:
    aud = audience(partition)
    expected = issuer.provider_arn(partition, account_id)
    if not state.exists:
        return [
            Finding(
                Area.PROVIDER,
                "provider-missing",
                Status.HIGH,
                f"account {account_id} has no OIDC provider for {issuer.url}: every workflow fails "
                "with 'No OpenIDConnect provider found in your account'",
                f"create it (step 2): {REAPPLY.format(2)}",
            )
        ]
    if aud not in state.client_ids:
        shown = ", ".join(state.client_ids) or "none"
        return [
            Finding(
                Area.PROVIDER,
                "provider-audience",
                Status.HIGH,
                f"provider {state.arn} lists the audiences [{shown}] but not {aud}, so STS "
                "refuses the token ('Incorrect token audience')",
                f"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn "
                f"{state.arn or expected} --client-id {aud}",
            )
        ]
    return [_ok(Area.PROVIDER, "provider-ok", f"{state.arn} exists with the audience {aud}")]


def trusts_github(policy: object) -> bool:
    """Whether some statement names a GitHub issuer's OIDC provider (of any account, any of
    github.com, Enterprise Server, an enterprise's issuer, GHE.com) or a wildcard principal."""
    from wizard.trust_lint import lintable

    return lintable(policy)


def _trusts_provider(policy: object, expected: str) -> bool:
    return any(
        stmt.get("Effect") == "Allow"
        and expected in _federated(stmt)
        and action_matches(stmt, ASSUME_ACTION)[0]
        for stmt in _statements(policy)
    )


def expected_jobs(settings: Settings) -> tuple[list[tuple[str, dict[str, str]]], str]:
    """The jobs the configured scope should admit, as (words, claims); or why none can be built.

    Wildcard branch or tag patterns are left out: they name no one job.
    """
    s = settings
    if not s.github_repo:
        return [], "no GitHub repository is configured (--github-repo)"
    if s.sub_claim_keys and s.sub_claim_keys != ["repo", "context"]:
        return [], (
            f"the repository uses a custom sub template ({', '.join(s.sub_claim_keys)}), whose "
            "claims the doctor cannot know"
        )
    ids: dict[str, str] = {}
    if s.subject_format == "immutable" and s.owner_id and s.repo_id:
        ids = {"owner_id": s.owner_id, "repo_id": s.repo_id}
    parts: list[dict[str, Any]] = []
    if s.any_ref or s.any_repo_of_owner:
        parts.append({"branch": s.default_branch or "main"})
    else:
        parts += [{"branch": b} for b in s.branches if not _wild(b)]
        parts += [{"tag": t} for t in s.tags if not _wild(t)]
        parts += [{"environment": e} for e in s.environments if not _wild(e)]
        if s.pull_requests:
            parts.append({"event": "pull_request"})
        if not (s.branches or s.tags or s.environments or s.pull_requests):
            parts.append({"branch": s.default_branch or "main"})
    jobs: list[tuple[str, dict[str, str]]] = []
    for part in parts[:MAX_SIMULATED_JOBS]:
        try:
            claims, words, _ = job_claims(
                s.github_repo,
                repository_id=s.repo_id,
                owner_id=ids.get("owner_id", ""),
                immutable_repo_id=ids.get("repo_id", ""),
                **part,
            )
        except ValueError:
            continue
        jobs.append((words, claims))
    return jobs, ""


def role_findings(
    state: RoleState,
    *,
    role_name: str,
    provider: str,
    jobs: Sequence[tuple[str, Mapping[str, str]]] = (),
    jobs_unchecked: str = "",
) -> list[Finding]:
    """The role exists, trusts `provider`, and admits every job the configured scope names."""
    if not state.exists:
        return [
            Finding(
                Area.ROLE,
                "role-missing",
                Status.HIGH,
                f"there is no role {role_name}: the workflow's role-to-assume names nothing",
                f"create it (step 3): {REAPPLY.format(3)}",
            )
        ]
    findings: list[Finding] = []
    policy = state.trust_policy
    if not _trusts_provider(policy, provider):
        named = sorted({a for s in _statements(policy) for a in _federated(s)})
        seen = f" (it names {', '.join(named)})" if named else ""
        findings.append(
            Finding(
                Area.ROLE,
                "role-not-trusting-provider",
                Status.HIGH,
                f"role {role_name} does not let {provider} assume it{seen}, so STS refuses "
                "every GitHub token",
                f"let step 3 rewrite its trust policy: {REAPPLY.format(3)}",
            )
        )
    refused: list[Finding] = []
    admitted: list[str] = []
    for words, claims in jobs:
        decision = evaluate(policy, claims, provider_arn=provider, partial=True)
        if decision.allowed:
            admitted.append(words)
        elif decision.verdict is Verdict.CANNOT_TELL:
            refused.append(
                Finding(
                    Area.ROLE,
                    "scope-cannot-tell",
                    Status.MEDIUM,
                    f"whether {words} is admitted cannot be told (it sends sub "
                    f"{claims.get('sub', '')!r}): {decision.reason}",
                    "run `ecr-oidc-wizard doctor --claim SUB --context KEY=VALUE` with the "
                    "value the condition tests",
                )
            )
        else:
            refused.append(
                Finding(
                    Area.ROLE,
                    "scope-refused",
                    Status.HIGH,
                    f"{words} would be refused (it sends sub {claims.get('sub', '')!r}): "
                    f"{decision.reason}",
                    f"let step 3 rewrite the trust policy for the configured scope: "
                    f"{REAPPLY.format(3)}",
                )
            )
    findings += refused
    if not findings:
        text = f"{state.arn or role_name} trusts {provider}"
        if admitted:
            text += "; it admits " + "; ".join(admitted)
        findings.append(_ok(Area.ROLE, "role-ok", text))
    if jobs_unchecked:
        findings.append(
            Finding(
                Area.ROLE,
                "scope-not-checked",
                Status.SKIPPED,
                f"whether the role admits the configured jobs: {jobs_unchecked}",
            )
        )
    return findings


_LINT_STATUS = {"high": Status.HIGH, "medium": Status.MEDIUM, "low": Status.LOW}


def _from_lint(f: LintFinding) -> Finding:
    where = f" (statement {f.statement})" if f.statement is not None else ""
    return Finding(Area.TRUST, f.code, _LINT_STATUS[str(f.level)], f.message + where, f.fix)


def trust_findings(
    policy: Mapping[str, Any],
    *,
    account_id: str | None,
    canonical_repo: str | None = None,
    immutable_subject: bool = False,
    owner_id: str | None = None,
    repo_id: str | None = None,
) -> list[Finding]:
    """`trust_lint`'s findings, or one "ok" line when it has nothing to say."""
    from wizard.trust_lint import lint_trust_policy

    found = lint_trust_policy(
        policy,
        account_id=account_id,
        canonical_repo=canonical_repo,
        immutable_subject=immutable_subject,
        owner_id=owner_id,
        repo_id=repo_id,
    )
    if not found:
        return [_ok(Area.TRUST, "trust-ok", "no findings: only the intended workflows match")]
    return [_from_lint(f) for f in found]


def tag_is_immutable(tag: str, mutability: str, exclusions: Iterable[str]) -> bool:
    """Whether ECR refuses to move `tag` once pushed, under this mutability setting."""
    matches = any(glob_match(f, tag) for f in exclusions)
    if mutability == "IMMUTABLE":
        return True
    if mutability == "IMMUTABLE_WITH_EXCLUSION":
        return not matches
    if mutability == "MUTABLE_WITH_EXCLUSION":
        return matches
    return False


def sample_version_tag(settings: Settings) -> str:
    version = settings.image_version
    if not version or version.startswith("file:"):
        version = "0.1.0"
    return f"{version}-{SAMPLE_DATE_SHA}"


def repository_findings(
    state: RepositoryState,
    *,
    name: str,
    region: str,
    account_id: str,
    version_tag: str,
    public: bool = False,
) -> list[Finding]:
    """The repository exists, and its tag mutability suits a versioned tag plus `latest`."""
    from wizard.steps.ecr_repository import describe_mutability

    where = "ECR Public" if public else f"{region} (account {account_id})"
    if not state.exists:
        return [
            Finding(
                Area.REPOSITORY,
                "repository-missing",
                Status.HIGH,
                f"there is no repository {name} in {where}: pushes fail with "
                "'RepositoryNotFoundException' (docker: 'name unknown')",
                f"create it (step 1): {REAPPLY.format(1)} (or check --region: the repository "
                "may be in another region)",
            )
        ]
    if public:
        return [_ok(Area.REPOSITORY, "repository-ok", f"{state.uri or name} exists in {where}")]
    shown = describe_mutability(state.mutability, state.exclusions)
    fix_mutability = (
        f"aws ecr put-image-tag-mutability --repository-name {name} --region {region} "
        "--image-tag-mutability IMMUTABLE_WITH_EXCLUSION "
        "--image-tag-mutability-exclusion-filters filterType=WILDCARD,filter=latest "
        f"(or {REAPPLY.format(1)})"
    )
    findings: list[Finding] = []
    if tag_is_immutable(LATEST, state.mutability, state.exclusions):
        findings.append(
            Finding(
                Area.REPOSITORY,
                "latest-immutable",
                Status.HIGH,
                f"{name} is {shown}: `latest` cannot move, so every build after the first fails "
                "to push it ('tag invalid: The image tag 'latest' already exists')",
                fix_mutability,
            )
        )
    if not tag_is_immutable(version_tag, state.mutability, state.exclusions):
        findings.append(
            Finding(
                Area.REPOSITORY,
                "version-tag-mutable",
                Status.MEDIUM,
                f"{name} is {shown}: nothing keeps a version tag such as {version_tag} from "
                "being overwritten, so a deployment pinned to it can change under you",
                fix_mutability,
            )
        )
    if not findings:
        findings.append(
            _ok(
                Area.REPOSITORY,
                "repository-ok",
                f"{state.uri or name} exists in {where}, tag mutability {shown}: version tags "
                "stay fixed and `latest` can move",
            )
        )
    return findings
