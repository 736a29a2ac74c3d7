"""The GitHub side: the repository's secrets or variables, and its workflow file."""

from __future__ import annotations

from wizard.doctor.findings import REAPPLY, Area, Finding, Status, _ok
from wizard.doctor.github_reader import GitHubReader
from wizard.settings import Settings

ROLE_ARN_NAME = "AWS_ROLE_ARN"
REGION_NAME = "AWS_REGION"


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
