"""The closing summary: what exists now, how to undo each piece, and what to do next.

Pure: it takes the answers, the outputs the steps produced and which steps are done, and returns
values. Every undo is the exact command filled with the user's values, and says what it costs;
the wizard's own Undo (destroy) does them all after showing its plan. Each "next" item carries
both faces' words: the app names its own keys, the CLI a command.
"""

from __future__ import annotations

import shlex
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from wizard.settings import Settings

ROLE_ARN_NAME = "AWS_ROLE_ARN"
REGION_NAME = "AWS_REGION"


@dataclass(frozen=True)
class Item:
    step: int
    what: str
    # The ARN, URI, names or path that identify it ("" when not known here).
    value: str
    # Exact commands that undo it, in order, and what undoing costs.
    undo: tuple[str, ...]
    cost: str


@dataclass(frozen=True)
class NextStep:
    text: str
    # How to do it in the app (its keys) and on the command line.
    app: str
    cli: str


def _aws(settings: Settings, *words: str, regional: bool = True) -> str:
    """An aws CLI command with the session's profile and region, quoted for a POSIX shell."""
    args = ["aws", *words]
    if regional and settings.region:
        args += ["--region", settings.region]
    if settings.profile:
        args += ["--profile", settings.profile]
    return shlex.join(args)


def items(settings: Settings, outputs: Mapping[str, str], done: Collection[int]) -> list[Item]:
    """What exists, one item per done step, in the guide's order."""
    s = settings
    found: list[Item] = []
    if 1 in done:
        value = outputs.get("repository_uri") or outputs.get("repository_arn") or s.ecr_repository
        service = "ecr-public" if s.public else "ecr"
        found.append(
            Item(
                1,
                "ECR repository",
                value,
                (
                    _aws(
                        s,
                        service,
                        "delete-repository",
                        "--repository-name",
                        s.ecr_repository,
                        "--force",
                    ),
                ),
                "deletes every image in it",
            )
        )
    if 2 in done:
        arn = outputs.get("provider_arn", "")
        found.append(
            Item(
                2,
                "IAM OIDC provider",
                arn,
                (
                    _aws(
                        s,
                        "iam",
                        "delete-open-id-connect-provider",
                        "--open-id-connect-provider-arn",
                        arn or "PROVIDER_ARN",
                        regional=False,
                    ),
                ),
                "breaks every role of the account that trusts GitHub; usually left in place",
            )
        )
    if 3 in done:
        found.append(
            Item(
                3,
                "IAM role",
                outputs.get("role_arn", s.role_name),
                (
                    _aws(
                        s,
                        "iam",
                        "delete-role-policy",
                        "--role-name",
                        s.role_name,
                        "--policy-name",
                        s.policy_name,
                        regional=False,
                    ),
                    _aws(s, "iam", "delete-role", "--role-name", s.role_name, regional=False),
                ),
                "workflows fail at configure-aws-credentials afterwards",
            )
        )
    if 4 in done:
        found.append(
            Item(
                4,
                "push policy (inline on the role)",
                f"{s.role_name}/{s.policy_name}",
                (
                    _aws(
                        s,
                        "iam",
                        "delete-role-policy",
                        "--role-name",
                        s.role_name,
                        "--policy-name",
                        s.policy_name,
                        regional=False,
                    ),
                ),
                "pushes fail with AccessDenied; the role stays",
            )
        )
    if 5 in done:
        kind = outputs.get("github_values_as") or s.github_values_as or "secrets"
        gh = "variable" if kind == "variables" else "secret"
        found.append(
            Item(
                5,
                f"GitHub Actions {kind}",
                f"{ROLE_ARN_NAME}, {REGION_NAME} in {s.github_repo}",
                tuple(
                    shlex.join(["gh", gh, "delete", name, "--repo", s.github_repo])
                    for name in (ROLE_ARN_NAME, REGION_NAME)
                ),
                "the workflow fails at configure-aws-credentials",
            )
        )
    if 6 in done:
        path = f".github/workflows/{s.workflow_file}"
        run = outputs.get("run_url", "")
        found.append(
            Item(
                6,
                "workflow" + (" and its test run" if run else ""),
                f"{path} in {s.github_repo}" + (f"; run {run}" if run else ""),
                (
                    shlex.join(["git", "rm", path]),
                    shlex.join(["git", "commit", "-m", f"Remove {path}"]),
                ),
                "no more builds; a run cannot be undone, its images are deleted in ECR",
            )
        )
    return found


def next_steps(settings: Settings, done: Collection[int]) -> list[NextStep]:
    """What to do after the wizard, or to finish it."""
    missing = [n for n in range(1, 7) if n not in done]
    steps: list[NextStep] = []
    if missing:
        words = ", ".join(str(n) for n in missing)
        steps.append(
            NextStep(
                f"Finish step(s) {words}",
                "open it with its number on the welcome screen, or pick it in the navigator",
                f"ecr-oidc-wizard apply --only {','.join(str(n) for n in missing)}",
            )
        )
    if 6 in done:
        steps.append(
            NextStep(
                "Deploy with the immutable tag; `latest` is for development",
                "v opens verification, ^l there copies the Helm values",
                "ecr-oidc-wizard verify",
            )
        )
    steps.append(
        NextStep(
            "Check the setup now and then (trust policy, push policy, secrets, workflow)",
            "f7 opens the doctor",
            "ecr-oidc-wizard doctor",
        )
    )
    if 6 in done:
        steps.append(
            NextStep(
                "Every push to the default branch now builds and pushes an image; follow them",
                "on GitHub, in the repository's Actions tab",
                f"gh run list --repo {shlex.quote(settings.github_repo or 'OWNER/REPO')}",
            )
        )
    return steps


def summary_lines(
    settings: Settings, outputs: Mapping[str, str], done: Collection[int], *, app: bool
) -> list[str]:
    """The summary as lines (plan_text's marks: ✓ exists, · not done), for either face."""
    found = items(settings, outputs, done)
    lines = ["What exists now:"]
    if not found:
        lines.append("  · nothing yet: no step is done")
    for item in found:
        lines.append(f"  ✓ {item.step}. {item.what}: {item.value}")
    not_done = [n for n in range(1, 7) if n not in done]
    if not_done:
        lines.append(f"  · not done: step {', '.join(str(n) for n in not_done)}")
    if found:
        undo_all = "f8 (Undo)" if app else "`ecr-oidc-wizard destroy`"
        lines += [
            "",
            f"How to undo each (or all at once: {undo_all} shows its plan and asks first):",
        ]
        for item in found:
            lines.append(f"  {item.step}. {item.what}: {item.cost}")
            lines += [f"     $ {command}" for command in item.undo]
    lines += ["", "What next:"]
    for step in next_steps(settings, done):
        how = step.app if app else step.cli
        lines.append(f"  → {step.text}: {how}" if app else f"  → {step.text}:")
        if not app:
            lines.append(f"     $ {how}")
    return lines


def github_steps_next(settings: Settings, *, config: str = "") -> list[str]:
    """What `apply` ends with when steps 5 and 6 were left out for want of a GitHub token: the
    exact command that does them next. The answers are remembered, so it needs no others;
    `config` is the --config path when it is not the default, and the endpoint (never
    remembered) is repeated when one was given."""
    args = ["ecr-oidc-wizard", "apply", "--only", "5,6"]
    if config:
        args += ["--config", config]
    if settings.endpoint_url:
        args += ["--endpoint-url", settings.endpoint_url]
    return [
        "Next: steps 5 and 6 (AWS_ROLE_ARN and AWS_REGION into GitHub, then one run of the "
        "workflow) need a GitHub token, and none was found. Run:",
        f"  $ {shlex.join(args)}",
        "  On a terminal it asks for the token (hidden); or set GH_TOKEN first (a fine-grained "
        "token with Secrets, Variables and Actions read and write, and Metadata read).",
    ]
