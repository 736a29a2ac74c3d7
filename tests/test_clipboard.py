""" "Copied to the clipboard" only when a clipboard program said so; otherwise the text is shown
so it can be selected (OSC 52, which Textual sends, is never acknowledged by a terminal)."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from textual.widgets import TextArea

from screens.clipboard import CopyTextScreen, copy_with_program
from tests.test_app_support import fake_app, settle


def _program(folder: Path, name: str, code: int, sink: Path) -> None:
    path = folder / name
    cat = shutil.which("cat")
    path.write_text(f'#!/bin/sh\n{cat} > "{sink}"\nexit {code}\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_a_clipboard_program_that_succeeds_is_known_to_have_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = tmp_path / "clipboard"
    _program(tmp_path, "xclip", 0, sink)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert copy_with_program("aws sts get-caller-identity\n")
    assert sink.read_text() == "aws sts get-caller-identity\n"


def test_no_display_or_a_failing_program_is_not_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = tmp_path / "clipboard"
    _program(tmp_path, "xclip", 1, sink)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":0")
    assert not copy_with_program("x")
    monkeypatch.delenv("DISPLAY")
    _program(tmp_path, "xsel", 0, sink)
    assert not copy_with_program("x")


async def test_without_a_confirmed_copy_the_text_is_shown_to_select(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("screens.clipboard.copy_with_program", lambda text: False)
    app = fake_app("verify")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, CopyTextScreen)
        assert "version:" in app.screen.query_one(TextArea).text
        assert not any("Copied" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CopyTextScreen)


async def test_a_confirmed_copy_says_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("screens.clipboard.copy_with_program", lambda text: True)
    app = fake_app("verify")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not isinstance(app.screen, CopyTextScreen)
        assert any("Copied the Helm values" in str(n.message) for n in app._notifications)
