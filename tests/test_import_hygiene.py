"""Import rules that the import-linter contracts cannot check alone.

- Each engine module, imported in a fresh process, loads neither Textual nor questionary: the
  contracts see the project's own import statements, this sees what a third-party import drags
  in at run time.
- The contracts name every engine module (a new module left off the list would be unchecked).
- Each contract does fail on a deliberate violation, in a copy of the tree.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import wizard

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(wizard.__path__, prefix="wizard.")
    if m.name != "wizard.__main__" and not m.name.startswith("wizard.cli")
)


@pytest.mark.parametrize("module", MODULES)
def test_engine_module_does_not_load_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "print(','.join(sorted(m for m in ('textual', 'questionary') if m in sys.modules)))"
    )
    answer = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert answer.stdout.strip() == "", f"{module} loads {answer.stdout.strip()}"


def test_cli_help_does_not_load_boto3() -> None:
    # `--help` and argument errors must not pay for boto3's import.
    code = (
        "import sys\nfrom wizard.cli import build_parser\nbuild_parser().format_help()\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    answer = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert answer.stdout.strip() == "False False"


# --- The import-linter contracts (pyproject.toml), which .ci/run checks with `lint-imports` ---

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_the_engine_contract_lists_every_engine_module() -> None:
    # A contract names its modules; a new engine module or package left off the list would
    # be free to import a face. The engine is everything in wizard/ but the CLI package.
    listed = set(_contracts()["engine-imports-no-face"]["source_modules"])
    present = {
        f"wizard.{m.name}"
        for m in pkgutil.iter_modules(wizard.__path__)
        if m.name not in ("cli", "__main__")
    }
    assert present - listed == set(), "add these to engine-imports-no-face in pyproject.toml"
    assert listed - present == set()
    layered = {
        name.strip()
        for layer in _contracts()["engine-layers"]["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    assert present - layered == set(), "place these in a layer of engine-layers"


VIOLATIONS = {
    "engine-imports-no-face": ("wizard/plan.py", "import textual  # deliberate\n"),
    "app-apart-from-cli": ("screens/help.py", "import wizard.cli.common  # deliberate\n"),
    "engine-layers": ("wizard/settings.py", "import wizard.runner  # deliberate\n"),
    "no-cycles": ("wizard/tags.py", "import wizard.steps.base  # deliberate\n"),
}


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_each_contract_fails_on_a_deliberate_violation(contract: str, tmp_path: Path) -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    for package in ("wizard", "screens"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    clean = subprocess.run([lint], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    path, line = VIOLATIONS[contract]
    target = tmp_path / path
    target.write_text(target.read_text(encoding="utf-8") + line, encoding="utf-8")
    broken = subprocess.run(
        [lint, "--contract", contract], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "BROKEN" in broken.stdout


def test_no_module_imports_itself_through_others() -> None:
    # The no-cycles contract compares siblings; this looks at single modules, across packages,
    # every import counted (in functions and under TYPE_CHECKING too).
    import grimp

    graph = grimp.build_graph("wizard", "screens")
    found = [
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if importer != imported
        and graph.chain_exists(importer=imported, imported=importer, as_packages=False)
    ]
    assert found == [], f"import cycles through these imports: {sorted(found)[:10]}"
