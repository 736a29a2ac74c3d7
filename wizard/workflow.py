"""The GitHub Actions workflow that builds the image and pushes it to ECR with OIDC.

Rendering is pure text (it keeps its comments, which a YAML dumper would drop). The local file
is never overwritten silently: `workflow_file()` reads what is there and gives a diff, and
`write_workflow_file()` writes only what was shown, refusing if the file changed meanwhile.
`check_workflow()` reads an existing workflow for the mistakes people make, each worded with
its cause and its fix.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.action_pins import CHECKOUT, CREDENTIALS, DEFAULT_PINS, ECR_LOGIN, Pin, pin_for
from wizard.iam.issuer import DEFAULT_AUDIENCE, audience
from wizard.plan import Action, Change, Note, Severity
from wizard.safe_write import outside, write_new_then_rename
from wizard.settings import Settings

WORKFLOWS_DIR = ".github/workflows"
# Every action pinned to a full commit SHA, its version in a comment (wizard.action_pins).
CHECKOUT_ACTION = pin_for(DEFAULT_PINS, CHECKOUT).uses
CREDENTIALS_ACTION = pin_for(DEFAULT_PINS, CREDENTIALS).uses
LOGIN_ACTION = pin_for(DEFAULT_PINS, ECR_LOGIN).uses
PUBLIC_REGISTRY = "public.ecr.aws"
# The immutable tag the workflow pushes: VERSION-YYYYMMDD-SHORTSHA-rRUN (and `.ATTEMPT` when a
# run is re-run). The guide's VERSION-YYYYMMDD-SHORTSHA alone is not unique: the push run that
# committing the workflow starts and step 6's run build the same commit on the same day, and a
# second build of one commit is another digest, so the immutable repository refuses the tag
# (ImageTagAlreadyExistsException) and step 6 could never be re-run. GitHub's run number (per
# workflow, never reused) and attempt make every build's tag new, so the tag still never moves
# and `latest` still moves to the newest build. Tags of the guide's shape (without -rRUN), pushed
# by older workflows, are still recognised.
IMMUTABLE_TAG = re.compile(
    r"^(?P<version>.+)-(?P<date>\d{8})-(?P<sha>[0-9a-f]{7,40})"
    r"(?:-r(?P<run>\d+)(?:\.(?P<attempt>\d+))?)?$"
)
# Docker's limit on a tag's length; the workflow checks the tag it makes against it.
TAG_LIMIT = 128

_FILE_NAME = re.compile(r"[A-Za-z0-9._-]+\.ya?ml")
# At most 90 characters, so VERSION-YYYYMMDD-SHA7-rRUN.ATTEMPT stays within Docker's 128.
_VERSION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,89}")
_PATH = re.compile(r"[A-Za-z0-9_./@+-]+")
_PRIVATE_HOST = re.compile(r"\b(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\b")
_PUBLIC_IMAGE = re.compile(r"\bpublic\.ecr\.aws/([a-z0-9][a-z0-9_-]*)\b")


@dataclass(frozen=True)
class WorkflowSpec:
    name: str
    file: str
    ecr_repository: str
    default_branch: str = "main"
    # "secrets" (the guide) or "variables".
    values_as: str = "secrets"
    # A literal version, or `file:PATH` read from the checkout at build time.
    version: str = "0.1.0"
    dockerfile: str = "Dockerfile"
    build_context: str = "."
    public: bool = False
    # ECR Public only: the registry alias in public.ecr.aws/ALIAS/NAME.
    public_alias: str = ""
    # The pushes that build the image: the branches and tags the role admits (the trust policy
    # refuses a push run from anywhere else). Neither: the default branch.
    push_branches: tuple[str, ...] = ()
    push_tags: tuple[str, ...] = ()
    # The environment the job runs in ("" none). A job with an environment gets the token
    # `sub` ...:environment:NAME, which is what a role scoped with --environment admits.
    environment: str = ""
    # The audience configure-aws-credentials asks for: its default, sts.amazonaws.com, is wrong
    # in aws-cn, whose STS and trust policies expect sts.amazonaws.com.cn (the action's README:
    # "audience ... e.g. sts.amazonaws.com.cn in China regions").
    audience: str = "sts.amazonaws.com"
    # The commit each action is pinned to (the package's table unless resolved through GitHub).
    pins: tuple[Pin, ...] = DEFAULT_PINS

    @property
    def context(self) -> str:
        return "vars" if self.values_as == "variables" else "secrets"


def workflow_spec(settings: Settings, *, repository_uri: str = "") -> WorkflowSpec:
    alias = ""
    if settings.public and repository_uri.startswith(PUBLIC_REGISTRY + "/"):
        alias = repository_uri.split("/")[1]
    # `any_ref` admits everything: building on pushes to the default branch is enough.
    scoped = not settings.any_ref
    return WorkflowSpec(
        name=settings.workflow_name,
        file=settings.workflow_file,
        ecr_repository=settings.ecr_repository,
        default_branch=settings.default_branch or "main",
        values_as=settings.github_values_as,
        version=settings.image_version,
        dockerfile=settings.dockerfile,
        build_context=settings.build_context,
        public=settings.public,
        public_alias=alias,
        push_branches=tuple(settings.branches) if scoped else (),
        push_tags=tuple(settings.tags) if scoped else (),
        # A job has one environment; with several, the first is used (workflow_notes says so).
        environment=settings.environments[0] if settings.environments else "",
        audience=audience("aws-cn" if settings.region.startswith("cn-") else "aws"),
    )


def workflow_notes(settings: Settings) -> list[str]:
    """What a person should know about the rendered file that the settings alone do not say."""
    notes: list[str] = []
    if len(settings.environments) > 1:
        others = ", ".join(repr(e) for e in settings.environments[1:])
        notes.append(
            f"The job runs in environment {settings.environments[0]!r} (--environment, the "
            f"first one): a job has one environment. The role also admits {others}; to build "
            "in another, edit the job's `environment:` line."
        )
    if settings.pull_requests:
        notes.append(
            "The workflow does not run on pull requests (--pull-requests admits them to the "
            "role): building an image from an unreviewed branch is better left to a decision."
        )
    return notes


def ref_errors(ref: str) -> list[str]:
    """The ref step 6 dispatches on (--ref): a branch or tag name as git allows it."""
    short = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    problems: list[str] = []
    if not short:
        problems.append("it is empty")
    if re.search(r"[\x00-\x20~^:?*\\\[\x7f]", short):
        problems.append("no spaces, control characters or any of ~ ^ : ? * \\ [")
    if ".." in short or "@{" in short or "//" in short or short == "@":
        problems.append("no '..', '@{' or '//', and not '@'")
    if short.startswith(("/", "-", ".")) or short.endswith(("/", ".", ".lock")):
        problems.append("no leading '/', '-' or '.', no trailing '/', '.' or '.lock'")
    if not problems:
        return []
    rules = "; ".join(problems)
    return [f"ref (--ref, workflow_ref) {ref!r}: a git branch or tag name ({rules})."]


def input_errors(
    *, name: str, version: str, dockerfile: str, build_context: str, environment: str = ""
) -> list[str]:
    """The workflow's own inputs, each message naming its flag."""
    errors: list[str] = []
    if not name.strip() or any(c in name for c in "\r\n"):
        errors.append(f"workflow name (--workflow-name) {name!r}: one non-empty line.")
    bare = version.removeprefix("file:")
    pattern = _PATH if version.startswith("file:") else _VERSION
    if not pattern.fullmatch(bare):
        errors.append(
            f"image version (--image-version) {version!r}: a Docker tag part of at most 90 "
            "characters (letters, digits, '_', '.', '-'; not starting with '.' or '-'), or "
            "file:PATH."
        )
    for label, flag, value in (
        ("Dockerfile", "--dockerfile", dockerfile),
        ("build context", "--build-context", build_context),
    ):
        if not _PATH.fullmatch(value):
            errors.append(
                f"{label} ({flag}) {value!r}: a relative path of letters, digits, ./_-@+."
            )
    if "${{" in environment:
        errors.append(
            f"environment (--environment) {environment!r}: a name, not a GitHub expression."
        )
    return errors


def workflow_file_errors(name: str) -> list[str]:
    if _FILE_NAME.fullmatch(name):
        return []
    return [
        f"workflow file (--workflow-file) {name!r}: a file name ending in .yml or .yaml, of "
        "letters, digits, '.', '_' and '-' (it goes in .github/workflows/)."
    ]


def spec_errors(spec: WorkflowSpec) -> list[str]:
    """What would make a broken or unsafe workflow; an empty list means render it."""
    errors = workflow_file_errors(spec.file)
    errors += input_errors(
        name=spec.name,
        version=spec.version,
        dockerfile=spec.dockerfile,
        build_context=spec.build_context,
        environment=spec.environment,
    )
    if spec.values_as not in ("secrets", "variables"):
        errors.append(
            f"github_values_as {spec.values_as!r}: must be 'secrets' or 'variables' "
            "(--as-variables)."
        )
    if not spec.ecr_repository:
        errors.append("ECR repository name (--ecr-repository): is required.")
    if spec.public and not spec.public_alias:
        errors.append(
            "ECR Public registry alias: unknown. Run step 1 first (it reads the repository URI "
            "public.ecr.aws/ALIAS/NAME)."
        )
    return errors


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value)


def _push_trigger(spec: WorkflowSpec) -> str:
    """`on: push` for the branches and tags the role admits; else the default branch."""
    branches = list(spec.push_branches)
    if not branches and not spec.push_tags:
        branches = [spec.default_branch]
    lines = ["  push:\n"]
    for key, values in (("branches", branches), ("tags", list(spec.push_tags))):
        if values:
            lines.append(f"    {key}:\n")
            lines += [f"      - {_q(github_filter(value))}\n" for value in values]
    return "".join(lines)


def github_filter(pattern: str) -> str:
    """The role's pattern as a GitHub branch/tag filter. In IAM's StringLike `*` also matches
    '/', in GitHub's filters only `**` does: without this, `release/*` admitted by the role
    would not trigger a build for `release/1.x/hotfix`."""
    return re.sub(r"\*+", "**", pattern)


def render_workflow(spec: WorkflowSpec) -> str:
    ctx = spec.context
    login_with = ""
    if spec.public:
        login_with = "        with:\n          registry-type: public\n"
        registry = f"${{{{ steps.login-ecr.outputs.registry }}}}/{spec.public_alias}"
    else:
        registry = "${{ steps.login-ecr.outputs.registry }}"
    if spec.version.startswith("file:"):
        version_env = f"          VERSION_FILE: {_q(spec.version.removeprefix('file:'))}\n"
        version_line = 'VERSION="${INPUT_VERSION:-$(tr -d \'[:space:]\' < "$VERSION_FILE")}"'
        default = ""
    else:
        version_env = f"          DEFAULT_VERSION: {_q(spec.version)}\n"
        version_line = 'VERSION="${INPUT_VERSION:-$DEFAULT_VERSION}"'
        default = f"        default: {_q(spec.version)}\n"
    push = _push_trigger(spec)
    environment = f"    environment: {_q(spec.environment)}\n" if spec.environment else ""
    audience_line = ""
    if spec.audience != DEFAULT_AUDIENCE:
        audience_line = f"          audience: {_q(spec.audience)}\n"
    return f"""\
# Made by ecr-oidc-wizard. Builds the image and pushes it to Amazon ECR with OIDC: no
# long-lived AWS keys are stored in GitHub. Every build pushes two tags:
#   VERSION-YYYYMMDD-SHORTSHA-rRUN  never moves (one per build): use it for production
#   latest                          moves with every build: use it for development
name: {_q(spec.name)}

on:
  workflow_dispatch:
    inputs:
      version:
        description: "Image version (the first part of the immutable tag)"
        required: false
        type: string
{default}{push}
permissions:
  contents: read  # check out the code; every job starts from read-only

# Two builds of one ref would race for `latest`; the newer one waits.
concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: false

jobs:
  build-and-push:
    name: Build and push to Amazon ECR
    runs-on: ubuntu-latest
{environment}\
    permissions:
      id-token: write  # OIDC: a GitHub token AWS exchanges for the role's credentials
      contents: read  # check out the code
    steps:
      - name: Check out the repository
        uses: {pin_for(spec.pins, CHECKOUT).uses}
        with:
          persist-credentials: false

      - name: Configure AWS credentials (OIDC)
        uses: {pin_for(spec.pins, CREDENTIALS).uses}
        with:
          role-to-assume: ${{{{ {ctx}.AWS_ROLE_ARN }}}}
          aws-region: ${{{{ {ctx}.AWS_REGION }}}}
{audience_line}
      - name: Log in to Amazon ECR
        id: login-ecr
        uses: {pin_for(spec.pins, ECR_LOGIN).uses}
{login_with}
      - name: Build, tag and push the image
        # Expressions reach the script through env only, so no input can inject shell code.
        env:
          REGISTRY: {registry}
          REPOSITORY: {_q(spec.ecr_repository)}
          INPUT_VERSION: ${{{{ inputs.version }}}}
{version_env}\
          DOCKERFILE: {_q(spec.dockerfile)}
          BUILD_CONTEXT: {_q(spec.build_context)}
        run: |
          set -euo pipefail
          {version_line}
          # The run number (and the attempt of a re-run) makes each build's tag new, so a
          # second build of one commit on one day never hits the immutable repository's
          # "tag already exists"; the tag never moves, latest does.
          TAG="${{VERSION}}-$(date -u +%Y%m%d)-${{GITHUB_SHA::7}}-r${{GITHUB_RUN_NUMBER}}"
          if [ "${{GITHUB_RUN_ATTEMPT:-1}}" != "1" ]; then
            TAG="${{TAG}}.${{GITHUB_RUN_ATTEMPT}}"
          fi
          if [ "${{#TAG}}" -gt {TAG_LIMIT} ]; then
            echo "::error::The tag $TAG is over Docker's {TAG_LIMIT} characters: shorten VERSION."
            exit 1
          fi
          IMAGE="${{REGISTRY}}/${{REPOSITORY}}"
          docker build --file "$DOCKERFILE" --tag "$IMAGE:$TAG" --tag "$IMAGE:latest" \\
            "$BUILD_CONTEXT"
          docker push "$IMAGE:$TAG"
          docker push "$IMAGE:latest"
          echo "Pushed \\`$IMAGE:$TAG\\` and \\`$IMAGE:latest\\`" >> "$GITHUB_STEP_SUMMARY"
"""


# --- The local file ---------------------------------------------------------------------------


class WorkflowFileChanged(Exception):
    """The file differs from what was shown; nothing was written."""


@dataclass(frozen=True)
class WorkflowFile:
    path: Path
    # What is on disk now (None: no file), and what the wizard would write.
    current: str | None
    desired: str
    # The path to show and to `git add` (relative to the checkout when known).
    shown_path: str
    # Where the file really lands when a link (a `.github` pointing elsewhere) takes it out of
    # the checkout; writing there needs the person's confirmation (`outside_ok`).
    real_outside: Path | None = None

    @property
    def action(self) -> Action:
        if self.current is None:
            return Action.CREATE
        return Action.NOOP if self.current == self.desired else Action.UPDATE

    @property
    def diff(self) -> str:
        before = (self.current or "").splitlines(keepends=True)
        after = self.desired.splitlines(keepends=True)
        fromfile = f"a/{self.shown_path}" if self.current is not None else "/dev/null"
        return "".join(difflib.unified_diff(before, after, fromfile, f"b/{self.shown_path}"))

    def change(self) -> Change:
        summary = {
            Action.CREATE: f"write the workflow {self.shown_path}",
            Action.UPDATE: f"replace the workflow {self.shown_path} (see the diff)",
            Action.NOOP: f"the workflow {self.shown_path} is already as planned",
        }[self.action]
        return Change(
            self.action,
            f"workflow file {self.shown_path}",
            summary,
            diff="" if self.action is Action.NOOP else self.diff,
        )


def find_checkout(start: Path) -> Path | None:
    """The top of the git checkout containing `start`, found without running git."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def workflow_file(
    spec: WorkflowSpec, *, output: Path | None = None, cwd: Path | None = None
) -> WorkflowFile:
    """Where the workflow goes (`output`, else the checkout's .github/workflows/) and the diff."""
    cwd = cwd or Path.cwd()
    top = find_checkout(cwd)
    if output is None:
        path = (top or cwd) / WORKFLOWS_DIR / spec.file
    else:
        path = output if output.is_absolute() else cwd / output
    real_outside = outside(path, top) if top is not None and output is None else None
    checkout = top if real_outside is not None else find_checkout(_existing(path.parent) or cwd)
    shown = str(path)
    if checkout is not None:
        with contextlib.suppress(ValueError):
            base = path if real_outside is not None else path.resolve()
            shown = base.relative_to(checkout).as_posix()
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    return WorkflowFile(path, current, render_workflow(spec), shown, real_outside)


def _existing(folder: Path) -> Path | None:
    """The nearest folder of `folder`'s ancestry that exists."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return None


def write_workflow_file(
    planned: WorkflowFile, *, replace: bool = False, outside_ok: bool = False
) -> Path:
    """Write exactly what was shown, never through a link. An existing, different file needs
    `replace=True`; a path that links outside the checkout needs `outside_ok=True`."""
    if planned.real_outside is not None and not outside_ok:
        raise WorkflowFileChanged(
            f"{planned.shown_path} leads outside the checkout, to {planned.real_outside} (a link "
            "on the way, such as .github, points there); nothing was written. Confirm to write "
            "there, or write elsewhere with --output."
        )
    now = planned.path.read_text(encoding="utf-8") if planned.path.is_file() else None
    if now != planned.current:
        raise WorkflowFileChanged(
            f"{planned.shown_path} changed since the diff was shown; nothing was written. "
            "Run the command again to see the new diff."
        )
    if planned.action is Action.NOOP:
        return planned.path
    if planned.action is Action.UPDATE and not replace:
        raise WorkflowFileChanged(
            f"{planned.shown_path} exists and differs; nothing was written. Review the diff and "
            "confirm (or pass --yes) to replace it, or write elsewhere with --output."
        )
    planned.path.parent.mkdir(parents=True, exist_ok=True)
    write_new_then_rename(planned.path, planned.desired)
    return planned.path


def commit_commands(shown_path: str, branch: str) -> list[str]:
    return [
        f"git add {shown_path}",
        'git commit -m "Build and push the image to Amazon ECR with OIDC"',
        f"git push origin {branch}",
    ]


API_HINT_CLI = "ecr-oidc-wizard workflow --publish pull-request"


def commit_help(shown_path: str, branch: str, api_hint: str = API_HINT_CLI) -> str:
    """How to get the workflow onto GitHub: git, or the wizard through the API (`api_hint`
    names the face's own way)."""
    lines = [
        "Commit the workflow so GitHub can run it (it must be on the default branch for "
        "`workflow_dispatch`):",
        *(f"  {c}" for c in commit_commands(shown_path, branch)),
        "Pushing a workflow file over HTTPS with a token needs the token's 'Workflows' write "
        "permission (classic token: the `workflow` scope).",
        "Or let the wizard commit it through the GitHub API, on a new branch with a pull "
        f"request: {api_hint}",
    ]
    return "\n".join(lines)


# --- Checking an existing workflow ----------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    cause: str
    fix: str

    def text(self) -> str:
        return f"{self.title}\n  Cause: {self.cause}\n  Fix: {self.fix}"

    def to_note(self) -> Note:
        return Note(Severity.WARNING, f"{self.title} Cause: {self.cause} Fix: {self.fix}")


@dataclass(frozen=True)
class Expectations:
    values_as: str = "secrets"
    # The registry the repository lives in: ACCOUNT.dkr.ecr.REGION.amazonaws.com, or
    # public.ecr.aws/ALIAS; "" when not known (the registry check is skipped).
    registry: str = ""


def _steps(document: dict[Any, Any]) -> Iterator[tuple[str, dict[str, Any], dict[Any, Any]]]:
    jobs = document.get("jobs")
    if not isinstance(jobs, dict):
        return
    for job_id, job in jobs.items():
        if not isinstance(job, dict):
            continue
        for step in job.get("steps") or []:
            if isinstance(step, dict):
                yield str(job_id), job, step


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _grants_id_token(permissions: Any) -> bool:
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def _uses(step: dict[Any, Any], action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0].lower() == action


def check_workflow(text: str, expect: Expectations) -> list[Finding]:
    """The known mistakes in a workflow meant to push to ECR with OIDC."""
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [
            Finding(
                "yaml",
                "The workflow is not valid YAML.",
                f"GitHub will not run it: {str(exc).splitlines()[0]}.",
                "Fix the YAML (indentation, quoting) or let the wizard write the file.",
            )
        ]
    if not isinstance(document, dict):
        return [
            Finding(
                "yaml",
                "The workflow is not a YAML mapping.",
                "GitHub will not run it.",
                "Let the wizard write the file.",
            )
        ]
    findings: list[Finding] = []
    # YAML 1.1 reads a bare `on` key as the boolean True.
    triggers = document.get("on", document.get(True))
    names = (
        [triggers]
        if isinstance(triggers, str)
        else list(triggers)
        if isinstance(triggers, list | dict)
        else []
    )
    if "workflow_dispatch" not in names:
        findings.append(
            Finding(
                "no-dispatch",
                "No `workflow_dispatch` trigger.",
                "Nobody can start the workflow by hand: `gh workflow run` and step 6 get "
                "\"422 Workflow does not have 'workflow_dispatch' trigger\".",
                "Add `workflow_dispatch:` under `on:`, commit and push.",
            )
        )
    ctx = "vars" if expect.values_as == "variables" else "secrets"
    other = "secrets" if ctx == "vars" else "vars"
    credential_steps = [
        (jid, job, step)
        for jid, job, step in _steps(document)
        if _uses(step, "aws-actions/configure-aws-credentials")
    ]
    if not credential_steps:
        findings.append(
            Finding(
                "no-credentials",
                "No aws-actions/configure-aws-credentials step.",
                "Without it the job has no AWS credentials, and the ECR login fails.",
                f"Add a `uses: {CREDENTIALS_ACTION}` step with `role-to-assume: "
                f"${{{{ {ctx}.AWS_ROLE_ARN }}}}` and `aws-region: ${{{{ {ctx}.AWS_REGION }}}}`.",
            )
        )
    workflow_grants = _grants_id_token(document.get("permissions"))
    for job_id, job, step in credential_steps:
        job_permissions = job.get("permissions")
        granted = (
            _grants_id_token(job_permissions) if job_permissions is not None else workflow_grants
        )
        if not granted:
            findings.append(
                Finding(
                    "no-id-token",
                    f"Job {job_id!r} lacks `permissions: id-token: write`.",
                    "The job cannot ask GitHub for an OIDC token, so configure-aws-credentials "
                    "fails with 'Could not load credentials from any providers'.",
                    "Add `permissions:` with `id-token: write` and `contents: read` to the "
                    "workflow (or to the job).",
                )
            )
        with_ = step.get("with") or {}
        if not isinstance(with_, dict):
            with_ = {}
        for key, name, symptom in (
            ("role-to-assume", "AWS_ROLE_ARN", "'Request ARN is invalid'"),
            ("aws-region", "AWS_REGION", "'Input required and not supplied: aws-region'"),
        ):
            value = str(with_.get(key, ""))
            if re.search(rf"\b{ctx}\.{name}\b", value):
                continue
            if re.search(rf"\b{other}\.{name}\b", value):
                cause = (
                    f"It reads {other}.{name}, but step 5 stores {name} as a "
                    f"{'variable' if ctx == 'vars' else 'secret'}, so the value is empty "
                    f"and the run fails with {symptom}."
                )
            elif value:
                cause = (
                    f"It is {value!r}, not the {name} value step 5 sets, so changing the role "
                    "or region in one place leaves the other stale."
                )
            else:
                cause = f"It is missing, so the run fails with {symptom}."
            findings.append(
                Finding(
                    f"{key}-unwired",
                    f"`{key}` is not wired to {ctx}.{name}.",
                    cause,
                    f"Set `{key}: ${{{{ {ctx}.{name} }}}}`.",
                )
            )
        if "aws-access-key-id" in with_ or "aws-secret-access-key" in with_:
            findings.append(
                Finding(
                    "long-lived-keys",
                    "The workflow passes long-lived AWS access keys.",
                    "OIDC needs no AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY; stored keys can "
                    "leak and never expire.",
                    "Remove aws-access-key-id and aws-secret-access-key, then delete those "
                    "secrets and deactivate the keys in IAM.",
                )
            )
    if not any(_uses(s, "aws-actions/amazon-ecr-login") for _, _, s in _steps(document)):
        findings.append(
            Finding(
                "no-ecr-login",
                "No aws-actions/amazon-ecr-login step.",
                "Docker is not logged in to ECR, so the push fails with "
                "'no basic auth credentials'.",
                f"Add `- id: login-ecr` / `uses: {LOGIN_ACTION}` after the credentials step.",
            )
        )
    if expect.registry:
        findings += _registry_findings(document, expect.registry)
    return findings


def _registry_findings(document: dict[Any, Any], registry: str) -> list[Finding]:
    texts = [s for _, _, step in _steps(document) for s in _strings(step)]
    texts += list(_strings(document.get("env") or {}))
    for _, job, _ in _steps(document):
        texts += list(_strings(job.get("env") or {}))
    found: set[str] = set()
    for text in texts:
        found.update(m.group(0) for m in _PRIVATE_HOST.finditer(text))
        found.update(m.group(0) for m in _PUBLIC_IMAGE.finditer(text))
    wrong = sorted(host for host in found if host != registry)
    return [
        Finding(
            "registry-host",
            f"The workflow pushes to {host}, not to {registry}.",
            "Docker is logged in to the repository's registry only, so the push fails with "
            "'no basic auth credentials' (or 'name unknown' when the account or region is "
            "another one).",
            f"Tag and push {registry}/NAME, or use `${{{{ steps.login-ecr.outputs.registry }}}}`.",
        )
        for host in wrong
    ]


def findings_text(findings: Iterable[Finding]) -> str:
    return "\n".join(f.text() for f in findings)


def job_environment(text: str) -> str | None:
    """The environment of the job that assumes the role: "" for none; None when it cannot be
    known before the run (not YAML, or a `${{ }}` expression GitHub evaluates at run time)."""
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict):
        return None
    for _, job, step in _steps(document):
        if not _uses(step, "aws-actions/configure-aws-credentials"):
            continue
        value = job.get("environment")
        if isinstance(value, dict):
            value = value.get("name")
        if value is None:
            return ""
        name = str(value)
        return None if "${{" in name else name
    return ""
