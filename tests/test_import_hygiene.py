"""The engine knows nothing of Textual: each `wizard` module is imported in a fresh process."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import wizard

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(wizard.__path__, prefix="wizard.")
    if m.name != "wizard.__main__"
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
