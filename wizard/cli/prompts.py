"""The plain face: the six steps as questions and answers, one line after another.

For screen readers, CI logs and terminals the full-screen app does not suit. Nothing is redrawn
and nothing spins: every state is a printed line with a symbol and a word. The face decides
only which questions to ask; each answer is checked by wizard.validate (its messages printed
in full, and the question asked again), plans are printed by wizard.plan_text, failures come
with the troubleshooting catalogue's guidance, and a run is followed with the CLI's progress
printer.

questionary (and prompt_toolkit under it) is imported only when a question is asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from wizard import validate
from wizard.settings import Remembered, Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

RETRY, SKIP, QUIT = "Try this step again", "Skip to the next step", "Stop here"
# How the workflow reaches the repository before step 6 runs it.
PUBLISH_PR = "Commit it on a new branch and open a pull request"
PUBLISH_PR_MERGE = "Commit it on a new branch, open a pull request and merge it now"
PUBLISH_BRANCH = "Commit it straight to a branch (you name it)"
PUBLISH_NONE = "It is there already, or I commit it myself"


@dataclass(frozen=True)
class Question:
    """One answer a step needs, bound to a Settings attribute."""

    name: str
    kind: str = "text"  # text | list | choice
    choices: tuple[str, ...] = ()
    # Only for settings wizard.validate has no label for.
    label: str = ""

    @property
    def caption(self) -> str:
        spec = validate.FIELDS.get(self.name)
        text = spec.label if spec else self.label
        text = text[:1].upper() + text[1:]
        return f"{text}, comma-separated" if self.kind == "list" else text


QUESTIONS: dict[int, tuple[Question, ...]] = {
    1: (
        Question("region"),
        Question("ecr_repository"),
        Question("tag_mutability", "choice", validate.MUTABILITIES),
    ),
    2: (),
    3: (Question("github_repo"), Question("role_name"), Question("branches", "list")),
    4: (Question("policy_name"),),
    5: (
        Question(
            "github_values_as",
            "choice",
            ("secrets", "variables"),
            label="Store the role ARN and region as Actions",
        ),
    ),
    6: (Question("workflow_ref", label="Run the workflow on ref (empty: the default branch)"),),
}


class Asker(Protocol):
    """How a question reaches the person; `check` returns an error message or ""."""

    def text(self, message: str, default: str, check: Callable[[str], str]) -> str: ...

    def choose(self, message: str, choices: Sequence[str], default: str) -> str: ...

    def confirm(self, message: str, default: bool) -> bool: ...


class QuestionaryAsker:
    """Questions through questionary: numbered choices (no arrow-key menus to redraw)."""

    def text(self, message: str, default: str, check: Callable[[str], str]) -> str:
        import questionary

        while True:
            answer: str = questionary.text(message, default=default).unsafe_ask()
            problem = check(answer)
            if not problem:
                return answer
            # Printed in full, not in questionary's one-line toolbar, which cuts off the fix
            # and which screen readers do not announce.
            print(f"✗ {problem}", flush=True)
            default = answer

    def choose(self, message: str, choices: Sequence[str], default: str) -> str:
        import questionary

        answer: str = questionary.rawselect(
            message, choices=list(choices), default=default if default in choices else None
        ).unsafe_ask()
        return answer

    def confirm(self, message: str, default: bool) -> bool:
        import questionary

        answer: bool = questionary.confirm(message, default=default).unsafe_ask()
        return answer


def not_a_terminal_lines(*, sandbox: bool = False) -> list[str]:
    """What to do instead when standard input is not a terminal (nothing is asked then)."""
    answers = " --github-repo OWNER/REPO --ecr-repository NAME --role-name NAME"
    # The sandbox fills the answers in itself.
    flags, extra = ("", " --sandbox") if sandbox else (answers, "")
    return [
        "The wizard asks questions and standard input is not a terminal, so nothing was asked "
        "or sent. Give the answers as flags instead:",
        f"  ecr-oidc-wizard plan{extra}{flags}        (shows the plan; writes nothing)",
        f"  ecr-oidc-wizard apply{extra}{flags} --yes  (applies it without asking)",
        "`ecr-oidc-wizard apply --help` lists every answer as a flag.",
    ]


def _parse(question: Question, text: str) -> Any:
    if question.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text.strip()


def _shown(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def answer_errors(settings: Settings, step: int, question: Question, text: str) -> list[str]:
    """The engine's messages for this answer to this step's question ([] when it is fine)."""
    from wizard.github_session import GITHUB_STEPS, github_errors

    candidate = dataclasses.replace(settings, **{question.name: _parse(question, text)})
    if step in GITHUB_STEPS:
        return [e for e in github_errors(candidate, [step]) if question.name in e]
    return [
        e.message
        for e in validate.settings_errors(candidate, steps=[step])
        if e.field == question.name
    ]


class PlainWizard:
    """The steps in order, each: answers, plan, confirm, apply, and guidance on failure."""

    def __init__(
        self,
        settings: Settings,
        *,
        config_path: Path | None,
        remembered: Remembered,
        asker: Asker,
        github: Any = None,
        say: Callable[[Sequence[str]], None] | None = None,
    ) -> None:
        self.settings = settings
        self.config_path = config_path
        self.remembered = remembered
        self.asker = asker
        self.github = github
        self.outputs: dict[str, str] = dict(remembered.created)
        self._say = say or _print
        self._aws: Any = None
        self._aws_key: tuple[str, str, str] | None = None
        # In the sandbox nothing outlives the session (its folder is removed at exit).
        self.in_sandbox = False

    def say(self, *lines: str) -> None:
        self._say(lines)

    def aws(self) -> Any:
        s = self.settings
        key = (s.profile, s.region, s.endpoint_url)
        if self._aws is None or key != self._aws_key:
            from wizard.aws import Aws

            self._aws = Aws(profile=s.profile, region=s.region, endpoint_url=s.endpoint_url)
            self._aws_key = key
        return self._aws

    # --- the whole path ---------------------------------------------------------------------

    def run(self, start_step: int | None = None) -> int:
        from wizard.steps import all_steps

        self.say(
            "Six steps. For each: your answers (Enter keeps the one shown), the plan with the "
            "exact documents, then the changes after you confirm. Ctrl-C stops; what is done "
            "stays done.",
        )
        failed = False
        for step in all_steps():
            if start_step and step.number < start_step:
                continue
            if step.number == 6 and self.publish() == QUIT:
                return EXIT_FAILED
            outcome = self.step(step)
            if outcome == QUIT:
                return EXIT_FAILED
            failed = failed or outcome == SKIP
        if self.asker.confirm("Check the images in ECR now (verification)?", True):
            self.verify()
        if self.asker.confirm(
            "Undo: remove what the wizard made? (the plan is shown first; also later with "
            "`ecr-oidc-wizard --plain --undo` or `ecr-oidc-wizard destroy`)",
            False,
        ):
            from wizard.cli.prompts_undo import plain_undo

            return plain_undo(self)
        return EXIT_FAILED if failed else EXIT_OK

    def step(self, step: Any) -> str:
        """One step from questions to result: "done", or SKIP or QUIT."""
        self.say("", f"Step {step.number} of 6 · {step.title}", step.purpose)
        self.ask(step.number)
        while True:
            outcome = self.attempt(step)
            if outcome != RETRY:
                return outcome

    def publish(self) -> str:
        """Before step 6 runs the workflow, put it into the repository (GitHub runs it only
        from the default branch): a pull request, merged now or after review, or a commit
        straight to the default branch."""
        from wizard.steps.workflow_publish import WorkflowPublishStep

        choices = (PUBLISH_PR, PUBLISH_PR_MERGE, PUBLISH_BRANCH, PUBLISH_NONE)
        default = PUBLISH_PR_MERGE if self.in_sandbox else PUBLISH_PR
        self.say(
            "",
            "Step 6 of 6 · Commit the Workflow",
            "GitHub runs the workflow only once it is on the default branch. The wizard can "
            "commit it (and .github/dependabot.yml for its pinned actions) through the GitHub "
            "API; that needs the token's Contents and Workflows write permissions.",
        )
        answer = self.asker.choose(
            "How should the workflow reach the repository?", choices, default
        )
        if answer == PUBLISH_NONE:
            return "done"
        branch = ""
        if answer == PUBLISH_BRANCH:

            def check(text: str) -> str:
                errors = validate.branch(text.strip())
                return errors[0].message if errors else ""

            default_branch = self.settings.workflow_ref or self.settings.default_branch or "main"
            branch = self.asker.text("Branch to commit to", default_branch, check).strip()
        step = WorkflowPublishStep(
            mode="branch" if answer == PUBLISH_BRANCH else "pull-request",
            branch=branch,
            merge=answer == PUBLISH_PR_MERGE,
        )
        while True:
            outcome = self.attempt(step)
            if outcome != RETRY:
                if self.outputs.get("pull_request_url"):
                    self.say(f"  pull request: {self.outputs['pull_request_url']}")
                return outcome

    def ask(self, number: int) -> None:
        for question in QUESTIONS.get(number, ()):
            current = getattr(self.settings, question.name)
            if not current and question.name in ("ecr_repository", "role_name"):
                # Offered, not assumed: the name derived from the repository, Enter keeps it.
                from wizard.defaults import derived_names

                names = derived_names(self.settings.github_repo)
                current = getattr(names, question.name) if names is not None else current
            if question.kind == "choice":
                answer: str = self.asker.choose(question.caption, question.choices, current)
            else:

                def check(text: str, question: Question = question) -> str:
                    errors = answer_errors(self.settings, number, question, text)
                    return errors[0] if errors else ""

                answer = self.asker.text(question.caption, _shown(current), check)
            value = _parse(question, answer)
            # Read as meant: a pasted repository URL is OWNER/REPO, spaces are dropped.
            self.settings = dataclasses.replace(self.settings, **{question.name: value}).normalised(
                self.settings
            )

    def attempt(self, step: Any) -> str:
        """Plan, confirm, apply; on a failure, ask what next (RETRY, SKIP or QUIT)."""
        from wizard.render import plan_text
        from wizard.runner import apply_run, plan_steps
        from wizard.steps.base import StepContext

        problems = validate.settings_errors(self.settings, steps=[step.number])
        if problems:
            return self.after_failure([f"✗ error: {p.message}" for p in problems])
        ctx = StepContext(settings=self.settings, aws=self.aws(), outputs=self.outputs)
        try:
            lines = self.prepare(ctx, step)
        except Exception as exc:  # no token, GitHub refusing: said, then the person decides
            return self.after_failure([f"✗ {exc}"])
        self.settings = ctx.settings
        if lines:
            self.say(*lines)
        run = plan_steps(ctx, [step])
        for plan in run.plans:
            self.say(*plan_text.plan_lines(plan))
        if run.failed is not None:
            return self.after_failure(plan_text.failure_lines(run.failed, plan_text.RETRY_PROMPTS))
        if not run.has_changes:
            self.say(plan_text.summary_line(run.plans))
            self.remember(run)
            return "done"
        wide = any(p.widens_access for p in run.plans)
        question = (
            "This plan WIDENS access (see the notes marked !!). Apply anyway?"
            if wide
            else f"Apply step {step.number}?"
        )
        if not self.asker.confirm(question, not wide):
            self.say(f"- Step {step.number} not applied; nothing was sent.")
            return SKIP

        def printed(result: Any) -> None:
            if str(result.status) != "failed":
                self.say(plan_text.result_line(result))

        apply_run(ctx, run, on_result=printed)
        self.remember(run)
        if run.failed is not None:
            return self.after_failure(plan_text.failure_lines(run.failed, plan_text.RETRY_PROMPTS))
        return "done"

    def prepare(self, ctx: Any, step: Any) -> list[str]:
        """Steps 3, 5 and 6 read GitHub's facts first (with a token, or the injected seam)."""
        if step.number not in (3, 5, 6):
            return []
        from wizard.cli.github import ProgressPrinter
        from wizard.github_session import attach_github, github_errors
        from wizard.render.plan_text import NOTE_MARK

        errors = github_errors(ctx.settings, [step.number])
        if errors:
            raise ValueError("\n".join(f"error: {e}" for e in errors))
        notes, problems = attach_github(
            ctx,
            [step],
            required=step.number in (5, 6),
            github=self.github,
            on_progress=ProgressPrinter() if step.number == 6 else None,
        )
        if ctx.github is not None:
            self.github = ctx.github
        lines = [f"  {NOTE_MARK[n.severity]:>2} {n.severity}: {n.text}" for n in notes]
        return lines + [f"  ✗ GitHub token: {p.text}" for p in problems]

    def after_failure(self, lines: Sequence[str]) -> str:
        self.say(*lines)
        return self.asker.choose("What now?", (RETRY, SKIP, QUIT), RETRY)

    def remember(self, run: Any) -> None:
        """Keep the answers and what the run made true (a failed step records nothing)."""
        if self.config_path is None:
            return
        from wizard.remember import remember_run

        try:
            notes = remember_run(
                self.config_path, self.remembered, self.settings, self.outputs, run
            )
        except OSError as exc:
            self.say(f"! The answers could not be saved to {self.config_path}: {exc}")
            return
        for note in notes:
            # The sandbox's folder is removed at exit: a file written there is not to be read.
            if not (self.in_sandbox and note.startswith("Wrote ")):
                self.say(f"i {note}")

    def verify(self) -> int:
        from wizard.cli.github import verify_command

        self.say("", "Verification")
        return verify_command(
            self.settings, aws=self.aws(), public_uri=self.outputs.get("repository_uri", "")
        )


def _print(lines: Sequence[str]) -> None:
    from wizard.cli.common import print_lines

    print_lines(lines)


def run_plain(
    settings: Settings,
    *,
    config_path: Path | None,
    remembered: Remembered | None = None,
    start_step: int | None = None,
    github: Any = None,
    github_source: str = "",
    banner: str = "",
    asker: Asker | None = None,
    undo: bool = False,
) -> int:
    """Walk the six steps as questions; 0 all done, 1 a step failed or was skipped, 130 on
    Ctrl-C (what was done stays done)."""
    wizard = PlainWizard(
        settings,
        config_path=config_path,
        remembered=remembered or Remembered(),
        asker=asker or QuestionaryAsker(),
        github=github,
    )
    wizard.in_sandbox = bool(banner)
    if banner:
        wizard.say(banner)
    if github is not None and github_source:
        wizard.say(f"GitHub: the {github_source}.")
    try:
        if undo:
            from wizard.cli.prompts_undo import plain_undo

            return plain_undo(wizard)
        return wizard.run(start_step)
    except (KeyboardInterrupt, EOFError):
        from wizard.render.plan_text import INTERRUPTED, INTERRUPTED_SANDBOX

        wizard.say(INTERRUPTED_SANDBOX if banner else INTERRUPTED)
        return EXIT_INTERRUPTED
