"""The doctor's view of an error `explain` recognised: the setup checks that bear on it, and
for an assume-role denial, the likely jobs simulated against the trust policy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from wizard.doctor.findings import ALL_AREAS, Area, _error_summary
from wizard.doctor.github_reader import GitHubReader
from wizard.doctor.reports import LiveView, Simulation
from wizard.doctor.setup_check import check_setup
from wizard.doctor.simulation import (
    MAX_SIMULATED_JOBS,
    _wild,
    claims_from_text,
    job_claims,
    simulate,
)
from wizard.settings import Settings

if TYPE_CHECKING:
    from wizard.aws import Aws


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
            provider = settings.oidc_issuer.provider_arn(identity.partition, identity.account_id)
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
