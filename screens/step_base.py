"""The shape every step screen shares: inputs, the document, the plan, apply, and failures.

The screen decides nothing about AWS: messages come from wizard.validate, plan lines from
wizard.plan_text, failures and their guidance from the runner. Reads and writes run in thread
workers whose results come back as messages, so the screen keeps answering keys.

`StepScreen` is built in layers, each in its own file: `screens.step_field` (one input),
`screens.step_form` (layout, inputs, the document, the status line), `screens.step_workers`
(planning and applying), and here the keys, the palette, the other actions and the help.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.widgets import Button, ProgressBar

from screens.help import HelpScreen
from screens.step_field import Field
from screens.step_workers import StepCancelled, StepWorkers
from screens.widgets.guidance_panel import GuidancePanel
from screens.widgets.navigator import StepNavigator
from screens.widgets.plan_view import PlanView, styled_lines
from screens.widgets.policy_preview import PolicyPreview
from wizard.render import plan_text

__all__ = ["Field", "StepCancelled", "StepScreen"]


class StepScreen(StepWorkers):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+r", "plan", "Plan", priority=True),
        Binding("ctrl+g", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+t", "edit_policy", "Edit JSON", priority=True),
        Binding("f4", "reset_policy", "Reset JSON"),
        Binding("ctrl+l", "copy_commands", "Copy fix", priority=True),
        Binding("ctrl+n", "next_step", "Next", priority=True),
    ]

    # Actions offered in the command palette: (action, label, help).
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("plan", "Plan this step", "^r: read what exists and show what would change"),
        ("apply", "Apply this step", "^g: send the plan's calls, after you confirm"),
        ("cancel", "Cancel the running step", "esc: stops before the next call"),
        ("retry", "Retry this step", "plan again, then apply what remains"),
        ("edit_policy", "Edit the JSON document", "^t"),
        ("reset_policy", "Reset the JSON document", "f4: back to the one built from your answers"),
        ("copy_commands", "Copy the fix commands", "^l: to the clipboard"),
        ("next_step", "Next step", "^n"),
    )

    # --- lifecycle ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = f"Step {self.number} · {self.step.title}"
        self.apply_density()
        self.query_one(ProgressBar).display = False
        self.revalidate()
        if not self.errors:
            self.plan_again()
        else:
            self.query_one(PlanView).show_message(
                "Fill in the fields above; the plan appears once every value is valid."
            )
            self.say_what_to_fix()
        self._sync()
        # Typing goes into the first answer straight away (after what is already there:
        # the inputs do not select their text on focus, see screens.step_form).
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # f4 is shown once there is an edit to reset: the footer fits 100 columns that way.
        if action == "reset_policy" and self.has_document:
            preview = self.query_one(PolicyPreview)
            edited = self.number in self.session.overrides or preview.edited
            return bool(edited or self.policy_invalid)
        return super().check_action(action, parameters)

    # --- other actions --------------------------------------------------------------------

    def on_guidance_panel_retry(self, message: GuidancePanel.Retry) -> None:
        self.action_retry()

    def action_retry(self) -> None:
        """Plan again (the cause may be fixed by now), then ask to apply what remains."""
        self.action_plan()

    def action_copy_commands(self) -> None:
        self.query_one(GuidancePanel).copy_commands()

    def action_next_step(self) -> None:
        self.wizard.open_target(str(self.number + 1) if self.number < 6 else "verify")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "do-plan": self.action_plan,
            "do-apply": self.action_apply,
            "do-next": self.action_next_step,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def on_step_navigator_selected(self, message: StepNavigator.Selected) -> None:
        self.wizard.open_target(message.target)

    def help_screen(self) -> HelpScreen:
        sections = [("What this step does", self.step.purpose)]
        plan = self.plan
        if plan is not None:
            sections.append(("What it will do now", styled_lines(plan_text.plan_lines(plan)).plain))
        undo = getattr(self.step, "undo", "")
        if undo:
            sections.append(("How to undo it", str(undo)))
        sections.append(
            (
                "How this screen works",
                "Change the answers: each is checked as you type, and the engine's message "
                "appears under the field. ^r reads what exists and plans; ^g applies after you "
                "confirm. Nothing is sent before you confirm. A failure shows its cause, fix "
                "and commands here; ^r retries.",
            )
        )
        return HelpScreen(f"Step {self.number} · {self.step.title}", sections, self.key_list())

    def key_list(self) -> list[tuple[str, str]]:
        keys = [
            ("tab / shift+tab", "move between fields and buttons"),
            ("^r", "plan: read what exists, show what would change"),
            ("^g", "apply the plan (asks first)"),
            ("esc", "cancel a running step (between calls)"),
            ("^l", "copy a failure's fix commands"),
            ("^n", "next step"),
            ("^p", "command palette: jump to any step or action"),
            ("f1 or ?", "this help"),
            ("^q", "quit (answers are kept in the config file)"),
        ]
        if self.has_document:
            keys.insert(3, ("^t", "edit the JSON document (again to stop)"))
            keys.insert(4, ("f4", "reset the document to the one built from your answers"))
        return keys
