"""Text from AWS, GitHub and pasted logs reaches the terminal without escape sequences: a
message could otherwise clear the screen, retitle the window or hide text beside a plan a
person is asked to confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import MotoServer
from tests.helpers import GUIDE_ARGS
from wizard.cli import main
from wizard.inert import inert

HOSTILE = [
    "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "\x1b]0;retitled\x07",  # OSC window title
    "\x1b]8;;http://example.invalid\x1b\\",  # OSC 8 hyperlink
    "\x9b31m",  # 8-bit CSI
    "\x07\x08\r",  # bell, backspace, carriage return
    "\x1bP1$r\x1b\\",  # DCS string
]


def clean(text: str) -> bool:
    return not any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in text)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sequences_go_and_the_words_stay(hostile: str) -> None:
    text = inert(f"before {hostile}after\n\tnext")
    assert clean(text)
    assert text.startswith("before ") and text.endswith("after\n\tnext")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_denied_call_s_message_is_printed_without_control_sequences(
    hostile: str,
    moto: MotoServer,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from wizard.teardown.role import RemoveRole

    def denied(self: Any, ctx: Any) -> Any:
        error = {"Code": "AccessDenied", "Message": f"User is not authorized {hostile}to GetRole"}
        raise ClientError({"Error": error}, "GetRole")

    monkeypatch.setattr(RemoveRole, "inspect", denied)
    code = main(["destroy", *GUIDE_ARGS, "--endpoint-url", moto.url, "--yes", "--only", "3"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "to GetRole" in err
    assert clean(out) and clean(err)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_pasted_text_is_explained_without_its_control_sequences(
    hostile: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    # Text the catalogue does not know is quoted back.
    text = f"Error: something odd {hostile}happened\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    main(["explain", "-"])
    out, err = capsys.readouterr()
    assert "Not recognised: Error: something odd" in out
    assert clean(out) and clean(err)


def test_the_diff_of_an_existing_workflow_file_is_shown_without_its_control_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "build.yml"
    target.write_text("name: old\x1b]0;retitled\x07\n# \x1b[2Jhidden\n")
    (tmp_path / "c.toml").touch()  # a --config that `workflow` reads must exist (issue 13)
    code = main(
        [
            "workflow",
            "--config",
            str(tmp_path / "c.toml"),
            "--ecr-repository",
            "onyxia-eostat",
            "--output",
            str(target),
            "--yes",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert "name: old" in out and "hidden" in out
    assert clean(out) and clean(err)
