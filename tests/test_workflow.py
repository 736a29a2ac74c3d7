"""The workflow file: what it contains, that GitHub's schema and zizmor accept it, the checks of
an existing file, and writing it without ever overwriting silently."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wizard.action_pins import DEFAULT_PINS, dependabot_config
from wizard.cli.github import write_workflow_command
from wizard.plan import Action
from wizard.settings import Settings
from wizard.workflow import (
    LOGIN_ACTION,
    Expectations,
    WorkflowFileChanged,
    WorkflowSpec,
    check_workflow,
    commit_commands,
    render_workflow,
    spec_errors,
    workflow_file,
    workflow_spec,
    write_workflow_file,
)

GUIDE = WorkflowSpec(
    name="Build and Push EOStat Image", file="build-eostat.yml", ecr_repository="onyxia-eostat"
)
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
VARIANTS = {
    "guide": GUIDE,
    "variables": dataclasses.replace(GUIDE, values_as="variables"),
    "version-file": dataclasses.replace(GUIDE, version="file:VERSION", default_branch="develop"),
    "public": dataclasses.replace(GUIDE, public=True, public_alias="a1b2c3d4"),
    # The scope's branches and tags as push triggers, and the job in an environment.
    "scoped": dataclasses.replace(
        GUIDE, push_branches=("dev", "release/*"), push_tags=("v*",), environment="prod"
    ),
}


def tool(name: str) -> str:
    """The tool next to this Python (the venv), else on PATH; skip when it is not installed."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install {name}); the check needs it")
    return found


def parsed(spec: WorkflowSpec) -> dict[object, object]:
    document = yaml.safe_load(render_workflow(spec))
    assert isinstance(document, dict)
    return document


def build_steps(spec: WorkflowSpec) -> list[dict[str, object]]:
    jobs = parsed(spec)["jobs"]
    assert isinstance(jobs, dict)
    steps: list[dict[str, object]] = jobs["build-and-push"]["steps"]
    return steps


def test_the_guides_workflow_has_everything() -> None:
    text = render_workflow(GUIDE)
    document = parsed(GUIDE)
    assert document["name"] == "Build and Push EOStat Image"
    on = document[True]  # YAML 1.1 reads `on` as true
    assert isinstance(on, dict)
    assert "workflow_dispatch" in on
    assert on["push"] == {"branches": ["main"]}
    job = document["jobs"]["build-and-push"]  # type: ignore[index]
    assert job["permissions"] == {"id-token": "write", "contents": "read"}
    steps = build_steps(GUIDE)
    uses = [s.get("uses") for s in steps]
    # Pinned to commits; the version stays in a YAML comment.
    assert uses[:3] == [f"{p.action}@{p.sha}" for p in DEFAULT_PINS]
    assert steps[0]["with"] == {"persist-credentials": False}
    assert steps[1]["with"] == {
        "role-to-assume": "${{ secrets.AWS_ROLE_ARN }}",
        "aws-region": "${{ secrets.AWS_REGION }}",
    }
    build = steps[3]
    script = str(build["run"])
    # VERSION-YYYYMMDD-SHORTSHA-rRUN (new for every build) and latest, both pushed.
    assert 'TAG="${VERSION}-$(date -u +%Y%m%d)-${GITHUB_SHA::7}-r${GITHUB_RUN_NUMBER}"' in script
    assert 'docker push "$IMAGE:$TAG"' in script
    assert 'docker push "$IMAGE:latest"' in script
    assert build["env"]["DEFAULT_VERSION"] == "0.1.0"  # type: ignore[index]
    # No expression inside the script: they reach it through env only.
    assert "${{" not in script
    assert "AWS_ACCESS_KEY_ID" not in text


def test_variables_variant_reads_vars() -> None:
    with_ = build_steps(VARIANTS["variables"])[1]["with"]
    assert with_ == {
        "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
        "aws-region": "${{ vars.AWS_REGION }}",
    }


def test_public_variant_logs_in_to_ecr_public() -> None:
    steps = build_steps(VARIANTS["public"])
    assert steps[2]["with"] == {"registry-type": "public"}
    registry = steps[3]["env"]["REGISTRY"]  # type: ignore[index]
    assert registry == "${{ steps.login-ecr.outputs.registry }}/a1b2c3d4"


def test_version_from_a_file() -> None:
    build = build_steps(VARIANTS["version-file"])[3]
    assert build["env"]["VERSION_FILE"] == "VERSION"  # type: ignore[index]
    assert "$VERSION_FILE" in str(build["run"])


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rendered_workflow_passes_githubs_schema(variant: str, tmp_path: Path) -> None:
    path = tmp_path / "build-eostat.yml"
    path.write_text(render_workflow(VARIANTS[variant]), encoding="utf-8")
    answer = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_zizmor_finds_nothing(variant: str, tmp_path: Path) -> None:
    path = tmp_path / "build-eostat.yml"
    path.write_text(render_workflow(VARIANTS[variant]), encoding="utf-8")
    answer = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "pedantic", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = json.loads(answer.stdout)
    # Every action is pinned to a commit (issue 13: unpinned-uses was the one finding left),
    # and nothing else zizmor could say, even pedantically, is left.
    assert findings == [], answer.stdout


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(variant: str) -> None:
    uses = re.findall(r"^\s+uses: (.+)$", render_workflow(VARIANTS[variant]), re.MULTILINE)
    assert len(uses) == 3
    for value in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", value), value


def test_the_dependabot_config_passes_zizmor_and_githubs_schema(tmp_path: Path) -> None:
    path = tmp_path / ".github" / "dependabot.yml"
    path.parent.mkdir()
    path.write_text(dependabot_config(), encoding="utf-8")
    answer = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "pedantic", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(answer.stdout) == [], answer.stdout
    schema = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    document = yaml.safe_load(path.read_text())
    assert document["updates"][0]["package-ecosystem"] == "github-actions"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (dataclasses.replace(GUIDE, file="build.txt"), "--workflow-file"),
        (dataclasses.replace(GUIDE, file="../evil.yml"), "--workflow-file"),
        (dataclasses.replace(GUIDE, name="a\nb"), "--workflow-name"),
        (dataclasses.replace(GUIDE, version="1.0 && rm -rf /"), "--image-version"),
        (dataclasses.replace(GUIDE, version="-1"), "--image-version"),
        (dataclasses.replace(GUIDE, values_as="env"), "--as-variables"),
        (dataclasses.replace(GUIDE, public=True), "alias"),
        (dataclasses.replace(GUIDE, ecr_repository=""), "--ecr-repository"),
    ],
)
def test_spec_errors(spec: WorkflowSpec, fragment: str) -> None:
    errors = spec_errors(spec)
    assert errors and fragment in " ".join(errors)


def test_spec_from_settings() -> None:
    settings = Settings(ecr_repository="r", public=True, github_values_as="variables")
    spec = workflow_spec(settings, repository_uri="public.ecr.aws/myalias/r")
    assert spec.public_alias == "myalias"
    assert spec.context == "vars"
    assert spec_errors(spec) == []


# --- Checking an existing workflow ----------------------------------------------------------

GOOD = render_workflow(GUIDE)


def mutate(old: str, new: str, text: str = GOOD) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        (
            mutate("  workflow_dispatch:\n", "  workflow_call:\n"),
            "no-dispatch",
            "workflow_dispatch",
        ),
        (
            mutate("      id-token: write  #", "      statuses: write  #"),
            "no-id-token",
            "Could not load credentials from any providers",
        ),
        (
            mutate("${{ secrets.AWS_ROLE_ARN }}", "${{ vars.AWS_ROLE_ARN }}"),
            "role-to-assume-unwired",
            "Request ARN is invalid",
        ),
        (
            mutate("${{ secrets.AWS_REGION }}", "us-east-1"),
            "aws-region-unwired",
            "'us-east-1'",
        ),
        (
            mutate("          aws-region: ${{ secrets.AWS_REGION }}\n", ""),
            "aws-region-unwired",
            "Input required and not supplied: aws-region",
        ),
        (
            mutate(
                "REGISTRY: ${{ steps.login-ecr.outputs.registry }}",
                "REGISTRY: 999999999999.dkr.ecr.eu-west-1.amazonaws.com",
            ),
            "registry-host",
            "no basic auth credentials",
        ),
        (
            mutate(f"uses: {LOGIN_ACTION}", "uses: docker/login-action@v3"),
            "no-ecr-login",
            "no basic auth credentials",
        ),
        (
            mutate(
                "          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}\n",
                "          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}\n"
                "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n",
            ),
            "long-lived-keys",
            "OIDC needs no",
        ),
        ("jobs: [unclosed", "yaml", "not valid YAML"),
    ],
)
def test_known_mistakes_are_found_with_cause_and_fix(text: str, code: str, words: str) -> None:
    findings = check_workflow(text, Expectations(registry=REGISTRY))
    assert code in [f.code for f in findings]
    finding = next(f for f in findings if f.code == code)
    assert words in finding.cause + finding.title
    assert finding.fix


def test_the_rendered_workflow_has_no_findings() -> None:
    for spec in VARIANTS.values():
        expect = Expectations(
            values_as=spec.values_as,
            registry="public.ecr.aws/a1b2c3d4" if spec.public else REGISTRY,
        )
        assert check_workflow(render_workflow(spec), expect) == []


def test_the_guides_style_workflow_with_permissions_on_the_workflow_is_fine() -> None:
    text = """\
name: Build
on: [push, workflow_dispatch]
permissions:
  id-token: write
  contents: read
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}
          aws-region: ${{ secrets.AWS_REGION }}
      - id: login-ecr
        uses: aws-actions/amazon-ecr-login@v2
      - run: docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/onyxia-eostat:latest
"""
    assert check_workflow(text, Expectations(registry=REGISTRY)) == []


# --- Writing the file -------------------------------------------------------------------------


def checkout(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_a_new_file_is_created_with_a_diff_from_nothing(tmp_path: Path) -> None:
    top = checkout(tmp_path)
    (top / "sub").mkdir()
    planned = workflow_file(GUIDE, cwd=top / "sub")
    assert planned.path == top / ".github/workflows/build-eostat.yml"
    assert planned.shown_path == ".github/workflows/build-eostat.yml"
    assert planned.action is Action.CREATE
    assert planned.diff.startswith("--- /dev/null\n+++ b/.github/workflows/build-eostat.yml")
    change = planned.change()
    assert change.action is Action.CREATE and change.diff
    write_workflow_file(planned)
    assert planned.path.read_text(encoding="utf-8") == render_workflow(GUIDE)
    again = workflow_file(GUIDE, cwd=top)
    assert again.action is Action.NOOP
    assert again.change().diff == ""


def test_an_existing_file_is_never_overwritten_silently(tmp_path: Path) -> None:
    top = checkout(tmp_path)
    path = top / ".github/workflows/build-eostat.yml"
    path.parent.mkdir(parents=True)
    path.write_text("name: mine\n", encoding="utf-8")
    planned = workflow_file(GUIDE, cwd=top)
    assert planned.action is Action.UPDATE
    assert "-name: mine" in planned.diff
    with pytest.raises(WorkflowFileChanged):
        write_workflow_file(planned)
    assert path.read_text(encoding="utf-8") == "name: mine\n"
    path.write_text("name: changed meanwhile\n", encoding="utf-8")
    with pytest.raises(WorkflowFileChanged):
        write_workflow_file(planned, replace=True)
    assert path.read_text(encoding="utf-8") == "name: changed meanwhile\n"
    write_workflow_file(workflow_file(GUIDE, cwd=top), replace=True)
    assert path.read_text(encoding="utf-8") == render_workflow(GUIDE)


def test_commit_commands() -> None:
    assert commit_commands(".github/workflows/build-eostat.yml", "main") == [
        "git add .github/workflows/build-eostat.yml",
        'git commit -m "Build and push the image to Amazon ECR with OIDC"',
        "git push origin main",
    ]


SETTINGS = Settings(
    ecr_repository="onyxia-eostat", github_repo="octo-org/app", workflow_file="build-eostat.yml"
)


def test_command_prints_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert write_workflow_command(SETTINGS, output="-") == 0
    assert capsys.readouterr().out == render_workflow(workflow_spec(SETTINGS))


def test_command_writes_and_says_how_to_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = checkout(tmp_path)
    assert write_workflow_command(SETTINGS, cwd=top) == 0
    out = capsys.readouterr().out
    assert "+++ b/.github/workflows/build-eostat.yml" in out
    assert "git add .github/workflows/build-eostat.yml" in out
    assert "git push origin main" in out
    assert write_workflow_command(SETTINGS, cwd=top) == 0
    assert "already as planned" in capsys.readouterr().out


def test_command_shows_findings_and_asks_before_replacing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = checkout(tmp_path)
    path = top / ".github/workflows/build-eostat.yml"
    path.parent.mkdir(parents=True)
    old = mutate("      id-token: write  #", "      statuses: write  #")
    path.write_text(old, encoding="utf-8")
    asked: list[str] = []
    code = write_workflow_command(SETTINGS, cwd=top, confirm=lambda q: asked.append(q) or False)
    out = capsys.readouterr().out
    assert code == 0 and asked
    assert "lacks `permissions: id-token: write`" in out
    assert path.read_text(encoding="utf-8") == old
    assert write_workflow_command(SETTINGS, cwd=top, yes=True) == 0
    assert path.read_text(encoding="utf-8") == render_workflow(workflow_spec(SETTINGS))


def test_command_invalid_input_is_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = checkout(tmp_path)
    bad = dataclasses.replace(SETTINGS, image_version="1 2")
    assert write_workflow_command(bad, cwd=top) == 2
    assert "--image-version" in capsys.readouterr().err
    assert not (top / ".github").exists()


def test_push_filters_match_what_the_role_admits() -> None:
    from wizard.workflow import github_filter

    # IAM's `*` crosses '/', GitHub's `*` does not: the trigger uses `**`.
    assert github_filter("release/*") == "release/**"
    assert github_filter("v*") == "v**"
    assert github_filter("main") == "main"
    assert github_filter("a/**/b") == "a/**/b"
