"""Facts that confirm or rule out the catalogue's causes, from the live setup or an answers file.

A fact is `cause key -> (holds, evidence)`; `wizard.troubleshoot.with_facts` puts a verified
cause first and a ruled-out one last. Facts come from:
- the doctor's live view (`--live`): its findings (provider, audiences, role, push policy,
  repository, the GitHub values) and its simulations of the message's own `sub`;
- an answers file (`--answers FILE`, TOML): what the person knows of the failed job and the
  setup, for when AWS or GitHub cannot be read from here:

      [job]                 # the job that failed
      environment = "production"   # or event = "pull_request", or ref = "refs/heads/dev"
      [setup]
      trust_policy = "trust.json"  # the role's trust policy (a path, relative to the file)
      audiences = ["sts.amazonaws.com"]   # the OIDC provider's client IDs
      partition = "aws"                   # aws, aws-cn, aws-us-gov
      sub_format = "default"              # default, immutable or custom
      secrets = ["AWS_ROLE_ARN", "AWS_REGION"]   # the names set as secrets or variables
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.doctor.reports import LiveView, Simulation
from wizard.doctor.simulation import job_claims, simulate

Fact = tuple[bool, str]

# Finding codes of the setup check, and the causes each verifies (True) or rules out (False).
_FINDINGS: dict[str, dict[str, bool]] = {
    "provider-missing": {"provider-missing": True, "provider-other-account": True},
    "provider-audience": {"provider-audience": True, "audience": True},
    "provider-ok": {"provider-missing": False, "provider-audience": False},
    "repo-name-differs": {"owner-case": True},
    "github-value-missing": {"secret-missing": True, "role-to-assume-empty": True},
    "github-value-ok": {"secret-missing": False, "role-to-assume-empty": False},
    "github-value-wrong": {"role-arn-other": True},
    "role-missing": {"role-arn-other": True},
    "latest-immutable": {"moving-tag": True},
    "push-missing-action": {"missing-action": True},
    "push-arn-other": {"arn-other": True},
    "push-arn-region": {"arn-other": True},
    "push-policy-ok": {"missing-action": False, "arn-other": False},
    "repository-missing": {"not-created": True},
    "repository-ok": {"not-created": False},
}
_SUB_CAUSES = ("environment", "pull-request", "branch-or-tag")


class AnswersError(ValueError):
    """The answers file cannot be used; `str()` names the file, the field and the rule."""


@dataclass(frozen=True)
class Answers:
    environment: str = ""
    event: str = ""
    ref: str = ""
    trust_policy: Mapping[str, Any] | None = None
    audiences: tuple[str, ...] | None = None
    partition: str = ""
    sub_format: str = ""
    secrets: tuple[str, ...] | None = None


def read_answers(path: Path) -> Answers:
    """The answers file; AnswersError for anything that cannot be used."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AnswersError(f"--answers {path}: cannot be read as TOML ({exc})") from exc
    job, setup = data.get("job", {}), data.get("setup", {})
    if not isinstance(job, dict) or not isinstance(setup, dict):
        raise AnswersError(f"--answers {path}: [job] and [setup] must be tables")
    policy: Mapping[str, Any] | None = None
    raw_policy = setup.get("trust_policy")
    if isinstance(raw_policy, str):
        try:
            policy = json.loads((path.parent / raw_policy).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AnswersError(f"--answers {path}: setup.trust_policy: {exc}") from exc
    elif isinstance(raw_policy, dict):
        policy = raw_policy
    sub_format = str(setup.get("sub_format", ""))
    if sub_format not in ("", "default", "immutable", "custom"):
        raise AnswersError(
            f"--answers {path}: setup.sub_format must be default, immutable or custom"
        )
    return Answers(
        environment=str(job.get("environment", "")),
        event=str(job.get("event", "")),
        ref=str(job.get("ref", "")),
        trust_policy=policy,
        audiences=_strings(setup.get("audiences")),
        partition=str(setup.get("partition", "")),
        sub_format=sub_format,
        secrets=_strings(setup.get("secrets")),
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else None


def facts_from_live(view: LiveView, text: str = "") -> dict[str, Fact]:
    """Facts from the live view of `text`: its findings, and the simulations of the job the
    message shows (its own sub, or the ref its log names)."""
    facts: dict[str, Fact] = {}
    for finding in view.findings:
        for key, holds in _FINDINGS.get(finding.code, {}).items():
            facts.setdefault(key, (holds, finding.message))
        if finding.code == "repo-facts":
            # "... sub format default (...)", "immutable (...)" or "custom template (...)".
            form = finding.message.rpartition("sub format ")[2]
            facts.setdefault("immutable-subject", (form.startswith("immutable"), finding.message))
            facts.setdefault("custom-template", (form.startswith("custom"), finding.message))
        if finding.code == "provider-audience" and "amazonaws.com.cn" in finding.message:
            facts.setdefault("china-audience", (True, finding.message))
    for simulation in view.simulations:
        ref = simulation.claims.get("ref", "")
        if simulation.job.startswith("the sub in the message") or (ref and ref in text):
            facts.update(_sub_facts(simulation))
            break
    return facts


def _sub_facts(simulation: Simulation) -> dict[str, Fact]:
    sub = simulation.claims.get("sub", "")
    if simulation.allowed:
        evidence = f"the trust policy admits sub {sub}"
        return {key: (False, evidence) for key in _SUB_CAUSES}
    accepted = ", ".join(simulation.accepted) or "no sub at all"
    evidence = f"the trust policy refuses sub {sub} (it accepts {accepted})"
    kind = (
        "environment"
        if ":environment:" in sub
        else "pull-request"
        if sub.endswith(":pull_request")
        else "branch-or-tag"
    )
    return {kind: (True, evidence)}


def facts_from_answers(
    answers: Answers, *, github_repo: str, role: str = "", provider: str | None = None
) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    if answers.trust_policy is not None and github_repo:
        simulation = _simulate_job(answers, github_repo, role, provider)
        if simulation is not None:
            facts.update(_sub_facts(simulation))
    china = answers.partition == "aws-cn"
    if answers.audiences is not None:
        wanted = "sts.amazonaws.com.cn" if china else "sts.amazonaws.com"
        listed = ", ".join(answers.audiences) or "none"
        holds = wanted not in answers.audiences
        facts["provider-audience"] = (holds, f"the provider's audiences: {listed}")
        facts["china-audience"] = (holds and china, f"partition {answers.partition or 'aws'}")
    if answers.sub_format:
        said = f"the repository's sub format is {answers.sub_format}"
        facts["immutable-subject"] = (answers.sub_format == "immutable", said)
        facts["custom-template"] = (answers.sub_format == "custom", said)
    if answers.secrets is not None:
        present = "AWS_ROLE_ARN" in answers.secrets
        said = "set: " + (", ".join(answers.secrets) or "nothing")
        facts["secret-missing"] = (not present, said)
        facts["role-to-assume-empty"] = (not present, said)
    return facts


def _simulate_job(
    answers: Answers, github_repo: str, role: str, provider: str | None
) -> Simulation | None:
    if answers.trust_policy is None:
        return None
    part: dict[str, str] = {}
    if answers.environment:
        part["environment"] = answers.environment
    elif answers.event == "pull_request":
        part["event"] = "pull_request"
    elif answers.ref.startswith("refs/tags/"):
        part["tag"] = answers.ref.removeprefix("refs/tags/")
    elif answers.ref:
        part["branch"] = answers.ref.removeprefix("refs/heads/")
    if not part:
        return None
    try:
        claims, words, notes = job_claims(github_repo, **part)
    except ValueError:
        return None
    simulated = simulate(answers.trust_policy, claims, role=role, provider=provider, notes=notes)
    return Simulation(
        simulated.role,
        simulated.claims,
        simulated.decision,
        simulated.accepted,
        simulated.notes,
        job="the sub in the message: " + words,
    )


def merge(*sources: Mapping[str, Fact]) -> dict[str, Fact]:
    """Earlier sources win: the live setup over an answers file."""
    merged: dict[str, Fact] = {}
    for source in sources:
        for key, fact in source.items():
            merged.setdefault(key, fact)
    return merged
