"""Undo in the plain prompts, in the sandbox: the six steps, then the offer to undo them, the
destroy plan, the question about the images, the confirmation and the removals."""

from __future__ import annotations

import pytest

from tests.test_prompts import HAPPY_PATH, _run, sandbox, scripted


def test_the_plain_walk_ends_with_an_undo_that_removes_everything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = [*HAPPY_PATH[:-1], "y", "y", "y"]  # undo: yes; images too: yes; remove: yes
    with sandbox() as box, scripted(keys):
        assert _run(box) == 0
        iam = box.aws().iam
        assert iam.list_roles()["Roles"] == []
        assert box.aws().ecr.describe_repositories()["repositories"] == []
        assert box.github.secrets_updated_at("octo-org", "hello-ecr") == {}
    out = capsys.readouterr().out
    assert "Undo · remove what the wizard made" in out
    assert "kept: it holds 1 image" in out
    assert "✓ done      Step 2 · Remove the IAM OIDC provider (1 call)" in out


def test_saying_no_removes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    keys = [*HAPPY_PATH[:-1], "y", "n", "n"]  # undo: yes; images: no; remove the rest: no
    with sandbox() as box, scripted(keys):
        assert _run(box) == 0
        assert [r["RoleName"] for r in box.aws().iam.list_roles()["Roles"]] == [
            "GitHubActionsHelloEcrPush"
        ]
    assert "- Nothing was removed." in capsys.readouterr().out
