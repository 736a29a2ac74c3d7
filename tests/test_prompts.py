"""The plain prompts: scripted answers through questionary/prompt_toolkit, in the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from wizard import validate
from wizard.cli import main
from wizard.cli.prompts import QUESTIONS, Question, answer_errors, run_plain
from wizard.cli.sandbox import GITHUB_SOURCE
from wizard.sandbox import box as sandbox_box
from wizard.sandbox.box import Sandbox, open_sandbox
from wizard.settings import Settings

ENTER = "\r"
CLEAR = "\x15"  # ctrl+u: empty the prefilled answer

# Step by step: Enter keeps the answer shown, y applies (questionary's confirm needs no Enter).
HAPPY_PATH = [
    ENTER,  # 1: region
    CLEAR + "Bad Name" + ENTER,  # refused by the validator: its message, then the question again
    CLEAR + "hello-ecr" + ENTER,  # ECR repository name
    ENTER,  # tag mutability (numbered choices)
    "y",
    "y",  # 2: nothing to ask
    ENTER,  # 3: GitHub repository
    ENTER,  # role name
    ENTER,  # branches (none: the default branch)
    "y",
    ENTER,  # 4: policy name
    "y",
    ENTER,  # 5: secrets
    "y",
    # 6: the sandbox's repository starts without the workflow (issue 13): the default is a
    # pull request merged at once; then its plan is confirmed.
    ENTER,
    "y",
    ENTER,  # 6: ref (empty: the default branch)
    "y",
    "y",  # verification
    "n",  # undo: no
]


@contextmanager
def scripted(keys: list[str]) -> Iterator[None]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(keys))
        yield


@contextmanager
def sandbox(fail: str = "") -> Iterator[Sandbox]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox_box, "POLL_SECONDS", 0.1)
        with open_sandbox(fail=fail, run_seconds=0.6) as box:
            yield box


def _run(box: Sandbox) -> int:
    return run_plain(
        box.settings(),
        config_path=box.config_path,
        github=box.github,
        github_source=GITHUB_SOURCE,
        banner=box.title,
    )


def test_plain_walk_through_six_steps_to_verification(capsys: pytest.CaptureFixture[str]) -> None:
    with sandbox() as box, scripted(HAPPY_PATH):
        assert _run(box) == 0
        assert box.github.decrypt_secret("octo-org", "hello-ecr", "AWS_REGION") == "us-east-1"
    out = capsys.readouterr().out
    assert "SANDBOX" in out
    # The whole message, fix included, is printed (a toolbar line would cut it off).
    assert f"✗ {validate.ecr_repository('Bad Name')[0].message}" in out
    for number in range(1, 7):
        assert f"Step {number} of 6 · " in out
        assert f"✓ done      Step {number} · " in out
    assert '"token.actions.githubusercontent.com:sub": "repo:octo-org/hello-ecr:ref:refs' in out
    assert "[ok] Build, tag and push the image" in out
    # The workflow reached the repository through a pull request, merged before the run.
    assert "✓ done      Step 6 · Commit the Workflow" in out
    assert "pull request: https://github.invalid/octo-org/hello-ecr/pull/1" in out
    [pull] = box.github._repo("octo-org", "hello-ecr").pulls
    assert pull["merged"] is True
    assert "Wrote " not in out
    assert "Helm values, production (immutable):" in out
    assert "hello-ecr:latest" in out


def test_plain_failure_shows_guidance_then_asks_what_next(
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = [ENTER, ENTER, ENTER, "y", "y", ENTER, ENTER, ENTER, "y", "3" + ENTER]
    with sandbox(fail="iam:CreateRole") as box, scripted(keys):
        assert _run(box) == 1
    out = capsys.readouterr().out
    assert "✗ Step 3 · Create IAM Role for GitHub Actions failed" in out
    assert "Your AWS identity lacks iam:CreateRole" in out
    assert "Fix:" in out
    assert "Step 4 of 6" not in out


@pytest.mark.parametrize(
    ("step", "question", "text", "expected"),
    [
        (1, Question("ecr_repository"), "Bad Name", validate.ecr_repository("Bad Name")),
        (1, Question("region"), "mars-1", validate.region("mars-1")),
        (3, Question("role_name"), "bad role!", validate.role_name("bad role!")),
        (3, Question("github_repo"), "no-slash", validate.github_repo("no-slash")),
        (3, Question("branches", "list"), "ok, bad..name", validate.branch("bad..name")),
        (4, Question("policy_name"), "", validate.policy_name("")),
        (1, Question("ecr_repository"), "hello-ecr", []),
    ],
)
def test_answers_are_checked_with_the_engines_messages(
    step: int, question: Question, text: str, expected: list[validate.FieldError]
) -> None:
    settings = Settings(region="us-east-1", github_repo="o/r", role_name="R", ecr_repository="e")
    assert answer_errors(settings, step, question, text) == [e.message for e in expected]


def test_every_question_has_a_label() -> None:
    for questions in QUESTIONS.values():
        for question in questions:
            assert question.caption.strip()


def test_no_terminal_explains_the_flags_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--plain"]) == 2
    err = capsys.readouterr().err
    assert "standard input is not a terminal" in err
    assert "ecr-oidc-wizard apply --github-repo OWNER/REPO" in err and "--yes" in err


def test_plain_step_6_can_commit_straight_to_a_branch_the_person_names() -> None:
    from wizard.cli.prompts import PUBLISH_BRANCH, PlainWizard
    from wizard.settings import Remembered

    class Asker:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def text(self, message: str, default: str, check: object) -> str:
            self.asked.append(message)
            return "release" if message == "Branch to commit to" else default

        def choose(self, message: str, choices: object, default: str) -> str:
            return PUBLISH_BRANCH if "reach the repository" in message else default

        def confirm(self, message: str, default: bool) -> bool:
            return True

    with sandbox() as box:
        box.github.create_branch(
            "octo-org",
            "hello-ecr",
            "release",
            box.github.branch_head("octo-org", "hello-ecr", "main"),
        )
        asker = Asker()
        wizard = PlainWizard(
            box.settings(),
            config_path=None,
            remembered=Remembered(),
            asker=asker,
            github=box.github,
            say=lambda lines: None,
        )
        assert wizard.publish() == "done"
        path = f".github/workflows/{box.settings().workflow_file}"
        assert box.github.file_text("octo-org", "hello-ecr", path, "release") is not None
        assert box.github.file_text("octo-org", "hello-ecr", path, "main") is None
        assert box.github._repo("octo-org", "hello-ecr").pulls == []
