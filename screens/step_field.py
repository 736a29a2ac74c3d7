"""One input of a step screen, bound to a Settings attribute; its caption is the engine's."""

from __future__ import annotations

from dataclasses import dataclass

from wizard import validate


@dataclass(frozen=True)
class Field:
    """One input on a step screen, bound to a Settings attribute."""

    name: str
    kind: str = "text"  # text | list | choice | switch
    choices: tuple[str, ...] = ()
    # Only for settings wizard.validate has no label for (the on/off ones).
    label: str = ""
    placeholder: str = ""

    @property
    def caption(self) -> str:
        spec = validate.FIELDS.get(self.name)
        text = spec.label if spec else self.label
        text = text[:1].upper() + text[1:]
        return f"{text}, comma-separated" if self.kind == "list" else text
