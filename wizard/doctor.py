"""The doctor: audit a live setup, scan an account's GitHub roles, simulate a workflow's token.

Three questions, one engine:

* `check_setup` — is the configured provider, role, push policy, repository (and, with a
  GitHub token, the repository's secrets or variables and workflow file) fit for a push?
* `scan_account` — which roles of the account trust GitHub's OIDC provider, and how safely?
* `simulate` — would a token with these claims be let in by this trust policy, and which
  condition decides?

Reads go through the AWS seam (`wizard.aws.Aws`, reusing each step's `inspect`) and, when given,
a GitHub reader (`wizard.github_api.GitHub`). Judging what was read is done by pure functions
(`provider_findings`, `role_findings`, `push_policy_findings`, `repository_findings`, ...), so
every rule is tested without AWS. All wording lives here; faces render it
(`wizard.doctor_report`) and never write a finding themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from wizard.claims import (
    ASSUME_ACTION,
    KEY_PREFIX,
    Decision,
    action_matches,
    build_sub,
    evaluate,
    glob_match,
    parse_claim,
)
from wizard.policies import (
    ISSUER,
    PUBLIC_PUSH_ACTIONS,
    PUSH_ACTIONS,
    audience,
    provider_arn,
    public_repository_arn,
    registry_host,
    repository_arn,
    role_arn,
)
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.aws import Aws
    from wizard.steps.ecr_repository import RepositoryState
    from wizard.steps.oidc_provider import ProviderState
    from wizard.steps.role import RoleState
    from wizard.trust_lint import Finding as LintFinding

__all__ = [
    "ALL_AREAS",
    "AREA_TITLES",
    "Area",
    "Finding",
    "GitHubReader",
    "LiveView",
    "RoleScan",
    "ScanReport",
    "SetupReport",
    "Simulation",
    "Status",
    "accepted_subjects",
    "check_setup",
    "claims_from_text",
    "expected_jobs",
    "explain_live",
    "find_github",
    "github_findings",
    "job_claims",
    "live_areas",
    "provider_findings",
    "push_policy_findings",
    "repository_findings",
    "role_findings",
    "sample_version_tag",
    "scan_account",
    "scan_roles",
    "simulate",
    "simulate_role",
    "tag_is_immutable",
    "trust_findings",
    "trusts_github",
    "worst",
]

PROVIDER_SUFFIX = f":oidc-provider/{ISSUER}"
SUB_KEY = f"{KEY_PREFIX}sub"
ROLE_ARN_NAME = "AWS_ROLE_ARN"
REGION_NAME = "AWS_REGION"
ECR_PUBLIC_REGION = "us-east-1"
LATEST = "latest"
# The workflow's immutable tag is VERSION-YYYYMMDD-SHORTSHA; any date and sha will do to ask
# "would an exclusion filter make this tag mutable?".
SAMPLE_DATE_SHA = "20250101-0123abc"
# A repository name no one uses: if the push policy lets the role push there, it lets it push
# everywhere the pattern reaches.
PROBE_REPOSITORY = "doctor-probe-another-repository"
MAX_SIMULATED_JOBS = 8

REAPPLY = "ecr-oidc-wizard apply --only {}"


class Status(StrEnum):
    OK = "ok"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    SKIPPED = "not checked"
    # The doctor could not read something it needs: it cannot call the setup healthy.
    ERROR = "error"


FAILING = frozenset({Status.HIGH, Status.ERROR})
_RANK = {Status.ERROR: 0, Status.HIGH: 1, Status.MEDIUM: 2, Status.LOW: 3, Status.SKIPPED: 4}
_RANK[Status.OK] = 5


class Area(StrEnum):
    ACCOUNT = "account"
    PROVIDER = "provider"
    ROLE = "role"
    TRUST = "trust-policy"
    PUSH = "push-policy"
    REPOSITORY = "repository"
    GITHUB = "github"


AREA_TITLES: dict[Area, str] = {
    Area.ACCOUNT: "AWS account",
    Area.PROVIDER: "OIDC provider",
    Area.ROLE: "IAM role",
    Area.TRUST: "Trust policy",
    Area.PUSH: "Push policy",
    Area.REPOSITORY: "ECR repository",
    Area.GITHUB: "GitHub",
}
ALL_AREAS: tuple[Area, ...] = tuple(a for a in Area if a is not Area.ACCOUNT)


@dataclass(frozen=True)
class Finding:
    area: Area
    code: str
    status: Status
    message: str
    fix: str = ""

    @property
    def failing(self) -> bool:
        return self.status in FAILING

    def to_json(self) -> dict[str, object]:
        return {
            "area": str(self.area),
            "code": self.code,
            "status": str(self.status),
            "message": self.message,
            "fix": self.fix,
        }


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    """Grouped by area in the setup's order, worst first inside an area (stable otherwise)."""
    order = {area: i for i, area in enumerate(Area)}
    return sorted(findings, key=lambda f: (order[f.area], _RANK[f.status]))


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {str(s): 0 for s in Status}
    for f in findings:
        counts[str(f.status)] += 1
    return counts


def worst(findings: Iterable[Finding]) -> Status | None:
    statuses = [f.status for f in findings]
    return min(statuses, key=_RANK.__getitem__) if statuses else None


def _ok(area: Area, code: str, message: str) -> Finding:
    return Finding(area, code, Status.OK, message)


def _error_summary(exc: BaseException) -> tuple[str, str]:
    """One line saying what failed, and the catalogue's fix for it when it knows one."""
    from wizard.troubleshoot import classify

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    found = classify(exc)
    return text, (found[0].fix if found else "")


def _read_error(area: Area, what: str, exc: BaseException) -> Finding:
    text, fix = _error_summary(exc)
    return Finding(area, "read-failed", Status.ERROR, f"could not read {what}: {text}", fix)


# --------------------------------------------------------------------------------------------
# Reports


@dataclass(frozen=True)
class SetupReport:
    """The setup check of one configured repository, region and role."""

    account_id: str
    region: str
    role_name: str
    ecr_repository: str
    github_repo: str
    findings: tuple[Finding, ...]
    kind: str = "setup"

    @property
    def healthy(self) -> bool:
        return not any(f.failing for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    @property
    def worst(self) -> Status | None:
        return worst(self.findings)

    def counts(self) -> dict[str, int]:
        return _counts(self.findings)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "account_id": self.account_id,
            "region": self.region,
            "role_name": self.role_name,
            "ecr_repository": self.ecr_repository,
            "github_repo": self.github_repo,
            "healthy": self.healthy,
            "counts": self.counts(),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class RoleScan:
    role_name: str
    arn: str
    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Status:
        return worst(self.findings) or Status.OK

    def to_json(self) -> dict[str, object]:
        return {
            "role_name": self.role_name,
            "arn": self.arn,
            "worst": str(self.worst),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class ScanReport:
    """Every role of the account whose trust policy names GitHub's OIDC provider."""

    account_id: str
    roles_seen: int
    roles: tuple[RoleScan, ...]
    error: Finding | None = None
    kind: str = "scan"

    @property
    def findings(self) -> tuple[Finding, ...]:
        found = tuple(f for r in self.roles for f in r.findings)
        return (self.error, *found) if self.error is not None else found

    @property
    def healthy(self) -> bool:
        return not any(f.failing for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "account_id": self.account_id,
            "roles_seen": self.roles_seen,
            "healthy": self.healthy,
            "error": None if self.error is None else self.error.to_json(),
            "roles": [r.to_json() for r in self.roles],
        }


@dataclass(frozen=True)
class Simulation:
    """Whether a token with `claims` may assume `role`, and the condition that decided."""

    role: str
    claims: Mapping[str, str]
    decision: Decision
    # The sub values the policy accepts, each with its operator ("StringLike 'repo:o/r:*'").
    accepted: tuple[str, ...]
    notes: tuple[str, ...] = ()
    # What the job is, in words ("a push to branch main of o/r"), when it was built from parts.
    job: str = ""
    kind: str = "simulation"

    @property
    def allowed(self) -> bool:
        return self.decision.allowed

    @property
    def exit_code(self) -> int:
        return 0 if self.allowed else 1

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "role": self.role,
            "job": self.job,
            "claims": dict(self.claims),
            "allowed": self.allowed,
            "reason": self.decision.reason,
            "deciding": None
            if self.decision.deciding is None
            else self.decision.deciding.to_json(),
            "accepted_sub": list(self.accepted),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class LiveView:
    """What the live setup says about an error `explain` recognised."""

    cases: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    simulations: tuple[Simulation, ...] = ()
    # Why nothing (or not everything) could be checked; empty when the view is complete.
    unavailable: str = ""
    kind: str = "live"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "cases": list(self.cases),
            "unavailable": self.unavailable,
            "findings": [f.to_json() for f in self.findings],
            "simulations": [s.to_json() for s in self.simulations],
        }


# --------------------------------------------------------------------------------------------
# GitHub reader


class GitHubReader(Protocol):
    """The read-only part of `wizard.github_api.GitHub` the doctor uses."""

    def repository(self, owner: str, repo: str) -> dict[str, Any]: ...

    def oidc_sub_customization(self, owner: str, repo: str) -> dict[str, Any]: ...

    def list_secrets(self, owner: str, repo: str) -> list[str]: ...

    def list_variables(self, owner: str, repo: str) -> dict[str, str]: ...

    def file_text(self, owner: str, repo: str, path: str, ref: str = "") -> str | None: ...


def find_github(settings: Settings) -> tuple[GitHubReader | None, str]:
    """A GitHub client when a token is found without asking anyone, else why there is none."""
    try:
        from wizard.github_api import GitHub, api_url_from
        from wizard.github_token import find_token
    except ImportError:  # the GitHub side is optional: the doctor works without it
        return None, "the GitHub side of the tool is not installed"
    url = api_url_from(settings.github_api_url)
    try:
        token = find_token(url)
    except Exception as exc:  # a broken keyring or gh must not stop the AWS checks
        return None, f"no GitHub token ({exc})"
    if token is None:
        return None, "no GitHub token"
    return GitHub(token.value, url), ""


# --------------------------------------------------------------------------------------------
# Pure judgements: provider, role, trust, push policy, repository


def provider_findings(state: ProviderState, *, account_id: str, partition: str) -> list[Finding]:
    aud = audience(partition)
    expected = provider_arn(partition, account_id)
    if not state.exists:
        return [
            Finding(
                Area.PROVIDER,
                "provider-missing",
                Status.HIGH,
                f"account {account_id} has no OIDC provider for {ISSUER}: every workflow fails "
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


def _statements(policy: object) -> list[Mapping[str, Any]]:
    if not isinstance(policy, Mapping):
        return []
    raw = policy.get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, Mapping)]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _federated(stmt: Mapping[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if isinstance(principal, Mapping):
        return _strings(principal.get("Federated"))
    return []


def trusts_github(policy: object) -> bool:
    """Whether some statement names GitHub's OIDC provider (of any account) as its principal."""
    return any(
        arn.endswith(PROVIDER_SUFFIX) for stmt in _statements(policy) for arn in _federated(stmt)
    )


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


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


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
        decision = evaluate(policy, claims, provider_arn=provider)
        if decision.allowed:
            admitted.append(words)
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


def _resources(stmt: Mapping[str, Any]) -> tuple[list[str], bool]:
    """(patterns, negated): Resource, or NotResource with negated=True."""
    if "Resource" in stmt:
        return _strings(stmt["Resource"]), False
    return _strings(stmt.get("NotResource")), True


def _covers(stmt: Mapping[str, Any], action: str, resource: str) -> bool:
    """Whether the statement names `action` on `resource`; conditions are not evaluated (a
    conditional grant is counted: the doctor cannot know the request's context)."""
    if not action_matches(stmt, action)[0]:
        return False
    patterns, negated = _resources(stmt)
    if not patterns and not negated:
        return False
    hit = any(glob_match(p, resource) for p in patterns)
    return not hit if negated else hit


@dataclass(frozen=True)
class _Named:
    policy: str
    stmt: Mapping[str, Any]


def _verdict(statements: Sequence[_Named], action: str, resource: str) -> tuple[bool, str]:
    """(allowed, policy name of a Deny that refuses it or "")."""
    for n in statements:
        if n.stmt.get("Effect") == "Deny" and _covers(n.stmt, action, resource):
            return False, n.policy
    return any(
        n.stmt.get("Effect") == "Allow" and _covers(n.stmt, action, resource) for n in statements
    ), ""


_ARN_PARTS = ("partition", "service", "region", "account", "resource")
_PLACEHOLDER = re.compile(r"^(?:REGION|ACCOUNT_ID|AWS_ACCOUNT_ID|<[A-Z_]+>)$")


def _arn_mismatch(pattern: str, expected: str) -> tuple[str, str]:
    """(code, words) for the first ARN part where `pattern` misses `expected`."""
    got = pattern.split(":", 5)
    want = expected.split(":", 5)
    if len(got) != 6 or got[0] != "arn":
        return "push-arn-other", f"{pattern!r} is not a repository ARN"
    for label, g, w in zip(_ARN_PARTS, got[1:], want[1:], strict=True):
        if glob_match(g, w):
            continue
        if _PLACEHOLDER.match(g):
            return (
                "push-arn-placeholder",
                f"its {label} is the placeholder {g!r} (the guide's), not {w!r}",
            )
        code = {"region": "push-arn-region", "account": "push-arn-account"}.get(label, "")
        if label == "resource":
            code = "push-arn-name"
        return code or "push-arn-other", f"its {label} is {g!r}, not {w!r}"
    return "push-arn-other", f"{pattern!r} does not match"


def push_policy_findings(
    documents: Sequence[tuple[str, Any]],
    *,
    role_name: str,
    repository: str,
    login_actions: Sequence[str] = ("ecr:GetAuthorizationToken",),
    push_actions: Sequence[str] = PUSH_ACTIONS,
) -> list[Finding]:
    """Do the role's policies allow every push action on `repository` (an ARN), and the login
    actions on `*`? `documents` are (policy name, document) pairs."""
    statements = [_Named(name, s) for name, doc in documents for s in _statements(doc)]
    if not statements:
        return [
            Finding(
                Area.PUSH,
                "push-policy-missing",
                Status.HIGH,
                f"role {role_name} has no policy: every push is refused ('is not authorized to "
                "perform: ecr:...')",
                f"attach the push policy (step 4): {REAPPLY.format(4)}",
            )
        ]
    findings: list[Finding] = []
    denied: dict[str, list[str]] = {}
    missing: list[str] = []
    elsewhere: dict[str, list[str]] = {}
    wanted = [(a, "*") for a in login_actions] + [(a, repository) for a in push_actions]
    for action, resource in wanted:
        allowed, deny = _verdict(statements, action, resource)
        if allowed:
            continue
        if deny:
            denied.setdefault(deny, []).append(action)
            continue
        grants = [
            p
            for n in statements
            if n.stmt.get("Effect") == "Allow" and action_matches(n.stmt, action)[0]
            for p in _resources(n.stmt)[0]
        ]
        if grants:
            for pattern in grants:
                elsewhere.setdefault(pattern, []).append(action)
        else:
            missing.append(action)
    for policy, actions in denied.items():
        findings.append(
            Finding(
                Area.PUSH,
                "push-denied",
                Status.HIGH,
                f"an explicit Deny in {policy} refuses {', '.join(actions)}",
                f"remove the Deny, or narrow it so it leaves {repository} alone",
            )
        )
    if missing:
        findings.append(
            Finding(
                Area.PUSH,
                "push-missing-action",
                Status.HIGH,
                f"no policy of role {role_name} allows {', '.join(missing)}, so the push fails "
                f"with 'is not authorized to perform: {missing[0]}'",
                f"let step 4 rewrite the push policy: {REAPPLY.format(4)}",
            )
        )
    for pattern, actions in elsewhere.items():
        login_only = all(a in login_actions for a in actions)
        if login_only:
            findings.append(
                Finding(
                    Area.PUSH,
                    "login-not-star",
                    Status.HIGH,
                    f"{', '.join(actions)} is allowed only on {pattern!r}; it has no "
                    "resource-level permissions, so only Resource '*' grants it",
                    f'put it in its own statement with "Resource": "*": {REAPPLY.format(4)}',
                )
            )
            continue
        pushes = [a for a in actions if a not in login_actions]
        code, why = _arn_mismatch(pattern, repository)
        findings.append(
            Finding(
                Area.PUSH,
                code,
                Status.HIGH,
                f"the push actions ({len(pushes)} of them, e.g. {pushes[0]}) are allowed on "
                f"{pattern}, but the repository is {repository}: {why}, so the push fails with "
                f"'is not authorized to perform: {pushes[0]}'",
                f"let step 4 rewrite the push policy for this repository: {REAPPLY.format(4)}",
            )
        )
    probe = repository.rsplit("/", 1)[0] + "/" + PROBE_REPOSITORY
    wide = [
        n.policy
        for n in statements
        if n.stmt.get("Effect") == "Allow" and _covers(n.stmt, push_actions[-1], probe)
    ]
    if wide:
        findings.append(
            Finding(
                Area.PUSH,
                "push-policy-wide",
                Status.MEDIUM,
                f"{', '.join(sorted(set(wide)))} lets the role push to other repositories too "
                f"(its Resource matches {probe})",
                f"name the exact repository ARN {repository}: {REAPPLY.format(4)}",
            )
        )
    if not any(f.status is Status.HIGH for f in findings):
        names = ", ".join(dict.fromkeys(name for name, _ in documents))
        findings.insert(
            0,
            _ok(
                Area.PUSH,
                "push-policy-ok",
                f"{names} allows the {len(push_actions)} push actions on {repository} and "
                f"{', '.join(login_actions)} on *",
            ),
        )
    return findings


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


# --------------------------------------------------------------------------------------------
# GitHub side


_WORKFLOW_STATUS = {"no-dispatch": Status.MEDIUM, "long-lived-keys": Status.MEDIUM}


def github_findings(
    github: GitHubReader,
    settings: Settings,
    *,
    role: str,
    region: str,
    registry: str,
) -> list[Finding]:
    """Secrets or variables exist (variables hold the right values), and the workflow file
    passes the workflow checks. Read failures become "not checked" lines, never errors: the
    GitHub side is optional."""
    owner, name = settings.owner, settings.repo_name
    findings: list[Finding] = []
    as_variables = settings.github_values_as == "variables"
    kind = "variable" if as_variables else "secret"
    try:
        secrets = set(github.list_secrets(owner, name))
        variables = dict(github.list_variables(owner, name))
    except Exception as exc:
        findings.append(_github_unread("secrets and variables", exc))
    else:
        expected = {ROLE_ARN_NAME: role, REGION_NAME: region}
        symptom = {
            ROLE_ARN_NAME: "'Request ARN is invalid'",
            REGION_NAME: "'Input required and not supplied: aws-region'",
        }
        for key, value in expected.items():
            present = key in variables if as_variables else key in secrets
            other = key in secrets if as_variables else key in variables
            if present and as_variables and variables[key] != value:
                findings.append(
                    Finding(
                        Area.GITHUB,
                        "github-value-wrong",
                        Status.HIGH,
                        f"variable {key} is {variables[key]!r}, not {value!r}",
                        f"set it (step 5): {REAPPLY.format(5)}",
                    )
                )
            elif present:
                findings.append(
                    _ok(Area.GITHUB, "github-value-ok", f"{kind} {key} exists in {owner}/{name}")
                )
            else:
                where = f" (it exists as a {'secret' if as_variables else 'variable'}, which "
                where += "the workflow does not read)" if other else ""
                findings.append(
                    Finding(
                        Area.GITHUB,
                        "github-value-missing",
                        Status.HIGH,
                        f"{owner}/{name} has no {kind} {key}{where if other else ''}: the run "
                        f"fails with {symptom[key]}",
                        f"set it to {value} (step 5): {REAPPLY.format(5)}",
                    )
                )
    findings += _workflow_findings(github, settings, registry)
    return findings


def _github_unread(what: str, exc: BaseException) -> Finding:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Finding(Area.GITHUB, "github-unread", Status.SKIPPED, f"{what}: {text}")


def _workflow_findings(github: GitHubReader, settings: Settings, registry: str) -> list[Finding]:
    try:
        from wizard.workflow import Expectations, check_workflow
    except ImportError:
        return [
            Finding(
                Area.GITHUB,
                "workflow-not-checked",
                Status.SKIPPED,
                "the workflow file: the workflow checks are not installed",
            )
        ]
    path = f".github/workflows/{settings.workflow_file}"
    ref = settings.workflow_ref or settings.default_branch or ""
    try:
        text = github.file_text(settings.owner, settings.repo_name, path, ref)
    except Exception as exc:
        return [_github_unread(f"the workflow file {path}", exc)]
    if text is None:
        return [
            Finding(
                Area.GITHUB,
                "workflow-missing",
                Status.MEDIUM,
                f"there is no {path} on {ref or 'the default branch'} of {settings.github_repo}",
                "write it with `ecr-oidc-wizard workflow`, commit and push (or pass "
                "--workflow-file with the file your repository uses)",
            )
        ]
    checked = check_workflow(
        text, Expectations(values_as=settings.github_values_as, registry=registry)
    )
    if not checked:
        return [_ok(Area.GITHUB, "workflow-ok", f"{path} passes the workflow checks")]
    return [
        Finding(
            Area.GITHUB,
            f"workflow-{f.code}",
            _WORKFLOW_STATUS.get(f.code, Status.HIGH),
            f"{path}: {f.title} {f.cause}",
            f.fix,
        )
        for f in checked
    ]


# --------------------------------------------------------------------------------------------
# The setup check


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
    ctx = StepContext(settings=s, aws=aws)
    provider = provider_arn(partition, account)

    if Area.PROVIDER in wanted:
        state, problem = _inspect(OidcProviderStep(), ctx, Area.PROVIDER, "the OIDC providers")
        findings += [problem] if problem else []
        if state is not None:
            findings += provider_findings(state, account_id=account, partition=partition)

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


# --------------------------------------------------------------------------------------------
# The account scan


def scan_roles(roles: Iterable[Mapping[str, Any]], *, account_id: str) -> tuple[RoleScan, ...]:
    """The roles (as iam list_roles returns them) that trust GitHub's provider, worst first."""
    scans: list[RoleScan] = []
    for role in roles:
        policy = role.get("AssumeRolePolicyDocument")
        if not trusts_github(policy):
            continue
        assert isinstance(policy, Mapping)
        findings = trust_findings(policy, account_id=account_id)
        scans.append(
            RoleScan(str(role.get("RoleName", "")), str(role.get("Arn", "")), tuple(findings))
        )
    return tuple(sorted(scans, key=lambda r: (_RANK[r.worst], r.role_name.lower())))


def scan_account(aws: Aws) -> ScanReport:
    """Every role of the account whose trust names GitHub's OIDC provider, with its findings."""
    try:
        account = aws.identity().account_id
        roles: list[Mapping[str, Any]] = []
        for page in aws.iam.get_paginator("list_roles").paginate():
            roles += page["Roles"]
    except Exception as exc:
        text, fix = _error_summary(exc)
        known = aws.known_identity
        return ScanReport(
            account_id=known.account_id if known else "",
            roles_seen=0,
            roles=(),
            error=Finding(Area.ACCOUNT, "scan-failed", Status.ERROR, f"AWS: {text}", fix),
        )
    return ScanReport(account, len(roles), scan_roles(roles, account_id=account))


# --------------------------------------------------------------------------------------------
# The claim simulator


_SUB_RE = re.compile(
    r"^repo:(?P<owner>[^/:@]+)(?:@(?P<owner_id>\d+))?/(?P<repo>[^/:@]+)(?:@(?P<repo_id>\d+))?"
    r":(?P<context>.+)$"
)


def _claims_from_sub(sub: str) -> dict[str, str]:
    """The other claims a token with this (default-format) sub carries."""
    found = _SUB_RE.match(sub)
    if found is None:
        return {}
    out = {
        "repository": f"{found['owner']}/{found['repo']}",
        "repository_owner": found["owner"],
    }
    if found["owner_id"]:
        out["repository_owner_id"] = found["owner_id"]
    if found["repo_id"]:
        out["repository_id"] = found["repo_id"]
    context = found["context"]
    if context.startswith("ref:refs/heads/"):
        out.update(ref=context[4:], ref_type="branch", event_name="push")
    elif context.startswith("ref:refs/tags/"):
        out.update(ref=context[4:], ref_type="tag", event_name="push")
    elif context.startswith("environment:"):
        out["environment"] = context.removeprefix("environment:")
    elif context == "pull_request":
        out["event_name"] = "pull_request"
    return out


def claims_from_text(
    text: str, *, aud: str = "sts.amazonaws.com"
) -> tuple[dict[str, str], list[str]]:
    """Claims typed by a person (`parse_claim`), completed as a real token would be.

    GitHub always sends `aud` and the claims the sub implies (repository, ref, ...); without
    them a policy that also checks those keys would refuse for the wrong reason. Raises
    ValueError on bad text.
    """
    claims = parse_claim(text)
    notes: list[str] = []
    if "aud" not in claims:
        claims["aud"] = aud
        notes.append(f"aud not given: assumed {aud}, what configure-aws-credentials asks for")
    derived = {k: v for k, v in _claims_from_sub(claims.get("sub", "")).items() if k not in claims}
    if derived:
        claims.update(derived)
        notes.append(f"derived from sub: {', '.join(sorted(derived))}")
    return claims, notes


def job_claims(
    repo: str,
    *,
    branch: str | None = None,
    tag: str | None = None,
    environment: str | None = None,
    event: str | None = None,
    aud: str = "sts.amazonaws.com",
    repository_id: str = "",
    owner_id: str = "",
    immutable_repo_id: str = "",
) -> tuple[dict[str, str], str, list[str]]:
    """The claims of a job of `repo`, its description in words, and notes.

    A job that names an environment sends `environment:NAME` as its sub context whatever its
    event and branch; a pull_request job sends `pull_request`; otherwise the ref. With
    `owner_id` and `immutable_repo_id` the sub takes the immutable form. Raises ValueError on an
    impossible combination.
    """
    if event not in (None, "push", "pull_request", "tag"):
        raise ValueError(f"event must be push, pull_request or tag, got {event!r}")
    if event == "tag" and not tag:
        raise ValueError("--event tag needs --tag NAME")
    if tag and branch:
        raise ValueError("give a branch or a tag, not both")
    if tag and event in ("push", "pull_request"):
        raise ValueError(f"a tag is pushed, not a {event} event: drop --event or use --event tag")
    oid = owner_id or None
    rid = (immutable_repo_id or None) if owner_id else None
    notes: list[str] = []
    claims: dict[str, str] = {
        "aud": aud,
        "repository": repo,
        "repository_owner": repo.split("/")[0],
    }
    if repository_id or immutable_repo_id:
        claims["repository_id"] = repository_id or immutable_repo_id
    if owner_id:
        claims["repository_owner_id"] = owner_id
    short_branch = branch.removeprefix("refs/heads/") if branch else None
    short_tag = tag.removeprefix("refs/tags/") if tag else None
    if environment:
        claims["sub"] = build_sub(repo, environment=environment, owner_id=oid, repo_id=rid)
        claims["environment"] = environment
        claims["event_name"] = "pull_request" if event == "pull_request" else "push"
        if short_tag:
            claims.update(ref=f"refs/tags/{short_tag}", ref_type="tag")
        elif short_branch:
            claims.update(ref=f"refs/heads/{short_branch}", ref_type="branch")
        words = f"a job in environment {environment} of {repo}"
        notes.append(
            "a job that names an environment sends environment:NAME as its sub, not its ref"
        )
    elif event == "pull_request":
        claims["sub"] = build_sub(repo, pull_request=True, owner_id=oid, repo_id=rid)
        claims["event_name"] = "pull_request"
        words = f"a pull_request job of {repo}"
    elif short_tag:
        claims["sub"] = build_sub(repo, tag=short_tag, owner_id=oid, repo_id=rid)
        claims.update(ref=f"refs/tags/{short_tag}", ref_type="tag", event_name="push")
        words = f"a push of tag {short_tag} of {repo}"
    else:
        name = short_branch or "main"
        claims["sub"] = build_sub(repo, branch=name, owner_id=oid, repo_id=rid)
        claims.update(ref=f"refs/heads/{name}", ref_type="branch", event_name="push")
        words = f"a push to branch {name} of {repo}"
    return claims, words, notes


def accepted_subjects(policy: object) -> tuple[str, ...]:
    """Each sub value the policy's Allow statements test, with its operator."""
    out: list[str] = []
    for stmt in _statements(policy):
        if stmt.get("Effect") != "Allow":
            continue
        condition = stmt.get("Condition")
        if not isinstance(condition, Mapping):
            continue
        for operator, block in condition.items():
            if not isinstance(block, Mapping):
                continue
            for key, values in block.items():
                if isinstance(key, str) and key.lower() == SUB_KEY:
                    out += [f"{operator} {v!r}" for v in _strings(values)]
    return tuple(dict.fromkeys(out))


def simulate(
    policy: Mapping[str, Any],
    claims: Mapping[str, str],
    *,
    role: str,
    provider: str | None = None,
    notes: Sequence[str] = (),
    job: str = "",
) -> Simulation:
    decision = evaluate(policy, claims, provider_arn=provider)
    return Simulation(role, dict(claims), decision, accepted_subjects(policy), tuple(notes), job)


def simulate_role(
    aws: Aws, role_name: str, claims: Mapping[str, str], *, notes: Sequence[str] = (), job: str = ""
) -> Simulation:
    """Read the role's trust policy and simulate; raises what AWS raises (the caller reports)."""
    role = aws.iam.get_role(RoleName=role_name)["Role"]
    identity = aws.identity()
    provider = provider_arn(identity.partition, identity.account_id)
    policy: Any = role.get("AssumeRolePolicyDocument") or {}
    return simulate(policy, claims, role=role_name, provider=provider, notes=notes, job=job)


# --------------------------------------------------------------------------------------------
# The doctor's view of an error `explain` recognised


# Which parts of the setup explain each catalogue case.
_CASE_AREAS: dict[str, tuple[Area, ...]] = {
    "assume-role-denied": (Area.PROVIDER, Area.ROLE, Area.TRUST),
    "audience-not-allowed": (Area.PROVIDER, Area.TRUST),
    "oidc-provider-missing": (Area.PROVIDER, Area.ROLE),
    "repository-not-found": (Area.REPOSITORY, Area.PUSH),
    "tag-immutable": (Area.REPOSITORY,),
    "image-already-exists": (Area.REPOSITORY,),
    "push-policy-denied": (Area.PUSH, Area.REPOSITORY),
    "access-denied": (Area.PUSH,),
    "explicit-deny": (Area.PUSH,),
    "no-basic-auth": (Area.PUSH, Area.REPOSITORY),
    "role-arn-invalid": (Area.ROLE, Area.GITHUB),
    "region-input-missing": (Area.GITHUB,),
    "credentials-not-loaded": (Area.GITHUB,),
}
_REF_IN_TEXT = re.compile(r"\brefs/(heads|tags)/([A-Za-z0-9._/-]{1,200})")
_SUB_IN_TEXT = re.compile(r"\brepo:[A-Za-z0-9._@/-]{1,250}:[A-Za-z0-9._:/*-]{1,250}")


def live_areas(cases: Iterable[str]) -> tuple[Area, ...]:
    wanted = {a for c in cases for a in _CASE_AREAS.get(c, ())}
    return tuple(a for a in ALL_AREAS if a in wanted)


def _denied_jobs(settings: Settings, text: str) -> list[tuple[str, dict[str, str], list[str]]]:
    """The jobs worth simulating for an assume-role denial: any sub or ref the log shows, the
    configured scope, and the two usual suspects (an environment job, a pull request)."""
    s = settings
    jobs: list[tuple[str, dict[str, str], list[str]]] = []
    aud = "sts.amazonaws.com"
    for found in dict.fromkeys(m.group(0).rstrip(".:") for m in _SUB_IN_TEXT.finditer(text)):
        claims, notes = claims_from_text(found, aud=aud)
        jobs.append((f"the sub in the message ({found})", claims, notes))
    if not s.github_repo:
        return jobs[:MAX_SIMULATED_JOBS]
    ids = {}
    if s.subject_format == "immutable" and s.owner_id and s.repo_id:
        ids = {"owner_id": s.owner_id, "immutable_repo_id": s.repo_id}
    parts: list[dict[str, str]] = []
    for kind, name in dict.fromkeys(m.groups() for m in _REF_IN_TEXT.finditer(text)):
        parts.append({"branch": name} if kind == "heads" else {"tag": name})
    parts.append({"branch": s.default_branch or "main"})
    parts += [{"branch": b} for b in s.branches if not _wild(b)]
    parts += [{"environment": e} for e in s.environments if not _wild(e)]
    if not s.environments:
        parts.append({"environment": "production"})
    parts.append({"event": "pull_request"})
    seen: set[str] = {claims.get("sub", "") for _, claims, _ in jobs}
    for part in parts:
        try:
            claims, words, notes = job_claims(s.github_repo, repository_id=s.repo_id, **ids, **part)
        except ValueError:
            continue
        if claims["sub"] in seen:
            continue
        seen.add(claims["sub"])
        jobs.append((words, claims, notes))
    return jobs[:MAX_SIMULATED_JOBS]


def explain_live(
    text: str,
    cases: Sequence[str],
    settings: Settings,
    aws: Aws,
    *,
    github: GitHubReader | None = None,
    github_unavailable: str = "no GitHub token",
) -> LiveView:
    """The parts of the setup check that bear on the recognised `cases`, and, for an
    assume-role denial, the sub each likely job sends against what the trust policy accepts.

    Never raises: anything that cannot be read is said in `unavailable` or as a finding.
    """
    areas = live_areas(cases)
    if not areas:
        return LiveView(tuple(cases), unavailable="the live setup does not bear on this error")
    missing = [
        label
        for label, value, needed in (
            ("--role-name", settings.role_name, {Area.ROLE, Area.TRUST, Area.PUSH}),
            ("--ecr-repository", settings.ecr_repository, {Area.REPOSITORY, Area.PUSH}),
        )
        if not value and needed & set(areas)
    ]
    if missing:
        return LiveView(
            tuple(cases),
            unavailable=f"no {' or '.join(missing)} configured: pass it, or run where "
            "ecr-oidc-wizard.toml is",
        )
    try:
        report = check_setup(
            aws, settings, github=github, github_unavailable=github_unavailable, areas=areas
        )
    except Exception as exc:  # a live view is a bonus: it never fails `explain`
        return LiveView(
            tuple(cases), unavailable=f"AWS could not be read: {_error_summary(exc)[0]}"
        )
    if any(f.code == "aws-unreachable" for f in report.findings):
        return LiveView(
            tuple(cases), unavailable=f"AWS could not be read: {report.findings[0].message}"
        )
    simulations: list[Simulation] = []
    if "assume-role-denied" in cases and settings.role_name:
        try:
            role = aws.iam.get_role(RoleName=settings.role_name)["Role"]
            policy: Any = role.get("AssumeRolePolicyDocument") or {}
            identity = aws.identity()
            provider = provider_arn(identity.partition, identity.account_id)
            for words, claims, notes in _denied_jobs(settings, text):
                simulations.append(
                    simulate(
                        policy,
                        claims,
                        role=settings.role_name,
                        provider=provider,
                        notes=notes,
                        job=words,
                    )
                )
        except Exception:
            pass  # the role findings above already say why the role could not be read
    return LiveView(tuple(cases), report.findings, tuple(simulations))
