"""Undo in the plain prompts: the destroy plan, a question, the removals, guidance on failure.

The same engine and words as `destroy` and the app's Undo screen (wizard.teardown,
wizard.render.destroy_text); only the questions are this face's.
"""

from __future__ import annotations

from typing import Any

# The wizard of wizard.cli.prompts (PlainWizard), which calls in here: named by what is used
# (say, asker, settings, aws(), github, outputs, config_path, remembered), not imported.
PlainWizard = Any

EXIT_OK = 0
EXIT_FAILED = 1
TRY_AGAIN, STOP = "Try again", "Stop here"
INTRO = (
    "Undo · remove what the wizard made: the push policy, the role, the ECR repository, the "
    "GitHub secrets or variables, the workflow file, and GitHub's OIDC provider last. "
    "Anything it did not make is left alone and named. Nothing is removed before you confirm."
)


def plain_undo(wizard: PlainWizard) -> int:
    """0 when everything asked for is gone (or was left on purpose by you), 1 otherwise."""
    from wizard.render import plan_text
    from wizard.render.destroy_text import (
        RETRY_DESTROY_PROMPTS,
        deletions,
        destroy_question,
        destroy_summary_line,
    )
    from wizard.runner import apply_run, plan_steps
    from wizard.steps.base import StepContext
    from wizard.teardown import (
        TeardownOptions,
        images_keeping_repository,
        refusals,
        teardown_steps,
    )

    wizard.say("", INTRO)
    github = _github(wizard)
    delete_images = False
    while True:
        ctx = StepContext(
            settings=wizard.settings, aws=wizard.aws(), github=github, outputs=dict(wizard.outputs)
        )
        run = plan_steps(ctx, teardown_steps(TeardownOptions(delete_images=delete_images)))
        for plan in run.plans:
            wizard.say(*plan_text.plan_lines(plan))
        if run.failed is not None:
            wizard.say(*plan_text.failure_lines(run.failed, RETRY_DESTROY_PROMPTS))
            if wizard.asker.choose("What now?", (TRY_AGAIN, STOP), TRY_AGAIN) == TRY_AGAIN:
                continue
            return EXIT_FAILED
        wizard.say("", destroy_summary_line(run.plans))
        images = images_keeping_repository(run.plans)
        if images and not delete_images:
            question = (
                f"Delete the repository's {images} image(s) with it? They cannot be brought back."
            )
            if wizard.asker.confirm(question, False):
                delete_images = True
                continue
        if not deletions(run.plans):
            return EXIT_FAILED if refusals(run.plans) else EXIT_OK
        if not wizard.asker.confirm(destroy_question(run.plans), False):
            wizard.say("- Nothing was removed.")
            return EXIT_OK

        def printed(result: Any) -> None:
            if str(result.status) != "failed":
                wizard.say(plan_text.result_line(result))

        apply_run(ctx, run, on_result=printed)
        _forget(wizard, run.results)
        if run.failed is not None:
            wizard.say(*plan_text.failure_lines(run.failed, RETRY_DESTROY_PROMPTS))
            if wizard.asker.choose("What now?", (TRY_AGAIN, STOP), TRY_AGAIN) == TRY_AGAIN:
                continue
            return EXIT_FAILED
        return EXIT_FAILED if refusals(run.plans) else EXIT_OK


def _github(wizard: PlainWizard) -> Any:
    """The GitHub seam for the secrets and variables: the session's, or a token found without
    asking (the plan says what stays when there is none)."""
    if wizard.github is not None or not wizard.settings.github_repo:
        return wizard.github
    from wizard.github_session import github_for

    wizard.github = github_for(wizard.settings, interactive=False)
    return wizard.github


def _forget(wizard: PlainWizard, results: Any) -> None:
    from wizard.teardown import records_removed

    keys = records_removed(results)
    for key in keys:
        wizard.outputs.pop(key, None)
    if wizard.config_path is None:
        return
    from wizard.remember import forget

    try:
        forget(wizard.config_path, wizard.remembered, keys)
    except OSError as exc:
        wizard.say(f"! The answers could not be saved to {wizard.config_path}: {exc}")
