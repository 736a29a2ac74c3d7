"""Every `--json` output is one envelope and validates against the schema shipped for its kind.

The validator is the `jsonschema` library (Draft 2020-12) over the files in wizard/schemas/, so
a document that drifts from its published schema fails here. Runs go through the CLI's own
`main`, in the sandbox where AWS is needed; bad input never reaches AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from tests.helpers import GUIDE_ARGS
from wizard.cli import main
from wizard.render.envelope import KINDS, SCHEMAS_DIR, schema_file, schema_name
from wizard.sandbox import box as sandbox_box


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS_DIR.glob("*.schema.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        resources.append((document["$id"], Resource.from_contents(document)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
TWO_ACCOUNTS = ["--accounts", "111111111111,222222222222"]
EXAMPLE_MANIFEST = Path(__file__).resolve().parent.parent / "examples" / "repositories.toml"


def validate(document: Any, kind: str) -> None:
    schema = json.loads(schema_file(kind).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(document)


@pytest.fixture(autouse=True)
def quick_runs(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> Iterator[None]:
    monkeypatch.setattr(sandbox_box, "RUN_SECONDS", 0.6)
    monkeypatch.setattr(sandbox_box, "POLL_SECONDS", 0.1)
    yield


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    """Exit code and the document; standard output must hold the JSON and nothing else."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's refusals end this way, after printing the JSON
        code = int(exc.code or 0)
    out = capsys.readouterr().out
    document = json.loads(out)  # the whole of stdout: a stray line would fail here
    assert isinstance(document, dict)
    assert document["exit_code"] == code
    return code, document


def test_every_kind_has_a_valid_schema_and_no_schema_is_orphaned() -> None:
    files = {p.name.removesuffix(".schema.json") for p in SCHEMAS_DIR.glob("*.schema.json")}
    assert files == {*KINDS, "envelope"}
    for name in files:
        schema = json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        if name != "envelope":
            assert schema["properties"]["schema"] == {"const": schema_name(name)}


# export calls nothing: the answers alone make the document.
EXPORT_TARGET = [
    "--region",
    "us-east-1",
    "--github-repo",
    "o/r",
    "--ecr-repository",
    "app",
    "--role-name",
    "R",
]

OUTPUTS = [
    ("plan", ["plan", "--sandbox", "--json"], 0),
    ("apply", ["apply", "--sandbox", "--yes", "--json"], 0),
    ("doctor-setup", ["doctor", "--sandbox", "--json"], 0),
    ("doctor-scan", ["doctor", "--sandbox", "--scan", "--json"], 0),
    (
        "doctor-claim",
        ["doctor", "--sandbox", "--claim", "repo:someone/else:ref:refs/heads/main", "--json"],
        1,
    ),
    ("explain", ["explain", "--json", "denied: Not Authorized"], None),
    (
        "explain-run",
        ["explain", "--sandbox", "--scenario", "sub-mismatch", "--run", "latest", "--json"],
        0,
    ),
    ("verify", ["verify", "--sandbox", "--json"], 0),
    ("export", ["export", "--format", "terraform", *EXPORT_TARGET, "--json"], 0),
    ("destroy", ["destroy", "--sandbox", "--yes", "--delete-images", "--json"], 0),
    ("plan", ["plan", "--sandbox", "--only", "1,2", "--out", "plan.json", "--json"], 0),
    ("manifest", ["plan", "--sandbox", "--manifest", str(EXAMPLE_MANIFEST), "--json"], 0),
    (
        "rollout",
        ["rollout", "plan", "--sandbox", "--json", *TWO_ACCOUNTS, "--regions", "us-east-1"],
        0,
    ),
]


@pytest.mark.parametrize(("kind", "argv", "expected"), OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_each_command_output_validates_against_its_schema(
    kind: str, argv: list[str], expected: int | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run_json(argv, capsys)
    if expected is not None:
        assert code == expected
    assert document["schema"] == schema_name(kind)
    assert document["error"] is None
    validate(document, kind)


BAD_INPUT = [
    ("plan", ["plan", "--json", "--region", "us-east-1", "--github-repo", "not a repo"], None),
    ("apply", ["apply", "--json", "--yes", "--region", "us-east-1", "--role-name", "a b"], None),
    ("apply", ["apply", "--json", "--only", "9"], None),
    ("doctor-setup", ["doctor", "--json", "--region", "us-east-1", "--role-name", "r*"], None),
    ("doctor-scan", ["doctor", "--json", "--scan", "--claim", "repo:o/r:*"], None),
    (
        "doctor-claim",
        ["doctor", "--json", "--region", "us-east-1", "--claim", "x", "--branch", "main"],
        None,
    ),
    ("explain", ["explain", "--json"], None),
    ("explain-run", ["explain", "--json", "--run", "not-a-run"], None),
    (
        "export",
        ["export", "--json", "--format", "cloudformation", *EXPORT_TARGET[:-1], "a b"],
        "role_name",
    ),
    (
        "verify",
        ["verify", "--json", "--region", "us-east-1", "--ecr-repository", "UPPER"],
        "ecr_repository",
    ),
    ("plan", ["plan", "--json", "--sandbox", "--public"], None),
    ("destroy", ["destroy", "--json", "--region", "us-east-1", "--role-name", "a b"], "role_name"),
    ("destroy", ["destroy", "--json", "--remove-unowned", "everything"], None),
    ("apply", ["apply", "--json", "no-such-plan.json"], None),
    ("manifest", ["apply", "--json", "--yes", "--manifest", "no-such-manifest.toml"], None),
    ("rollout", ["rollout", "plan", "--json", *GUIDE_ARGS, "--accounts", "12"], "accounts"),
]


@pytest.mark.parametrize(
    ("kind", "argv", "field"), BAD_INPUT, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_INPUT)]
)
def test_bad_input_is_exit_2_with_a_json_error_and_nothing_else_on_stdout(
    kind: str, argv: list[str], field: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run_json(argv, capsys)
    assert code == 2
    assert document["schema"] == schema_name(kind)
    assert document["error"]["type"] == "usage"
    assert document["error"]["message"]
    if field is not None:
        assert field in [f["field"] for f in document["error"]["fields"]]
    validate(document, kind)


def test_validation_errors_name_each_field_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--json", "--region", "us-east-1", "--github-repo", "bad repo"]
    argv += ["--ecr-repository", "x", "--role-name", "ok"]
    code, document = run_json(argv, capsys)
    assert code == 2
    found = {(f["field"], f["rule"]) for f in document["error"]["fields"]}
    assert ("github_repo", "format") in found
    assert ("ecr_repository", "length") in found


def test_a_saved_plan_applied_with_json_validates(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox starts empty each time, so a plan saved in one is current in the next."""
    code, saved = run_json(
        ["plan", "--sandbox", "--only", "1,2", "--out", "p.json", "--json"], capsys
    )
    assert code == 0 and saved["saved"]["write_calls"] == 2
    code, applied = run_json(
        ["apply", "--sandbox", str(workdir / "p.json"), "--yes", "--json"], capsys
    )
    assert code == 0
    assert applied["drift"] == [] and applied["plan_file"].endswith("p.json")
    assert [r["status"] for r in applied["results"]] == ["done", "done"]
    validate(applied, "apply")


def test_a_bad_manifest_names_each_entry_field_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "repositories.toml"
    manifest.write_text(
        "version = 1\n[answers]\nregion = 'us-east-1'\n"
        "[[repositories]]\ngithub_repo = 'acme/api'\necr_repository = 'acme/api'\n"
        "[[repositories]]\ngithub_repo = 'acme/web'\necr_repository = 'acme/api'\n"
        "[[repositories]]\ngithub_repo = 'bad repo'\necr_repository = 'acme/bad'\n"
        "region = 'eu-west-1'\n",
        encoding="utf-8",
    )
    code, document = run_json(["plan", "--json", "--manifest", str(manifest)], capsys)
    assert code == 2
    found = {(f["field"], f["rule"]) for f in document["error"]["fields"]}
    assert ("repositories[2].ecr_repository", "unique") in found
    assert ("repositories[3].region", "manifest") in found
    validate(document, "manifest")
