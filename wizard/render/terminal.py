"""Text from AWS, GitHub, logs and files, made safe to print on a terminal.

An error message, a run's step name or a log line can hold escape sequences: ones that clear
the screen, retitle the window, hide text or make a link (ECMA-48 CSI `ESC [`, OSC `ESC ]`,
and the 8-bit C1 forms such as 0x9B). Printed as they are, they change what a person sees next
to a plan they are asked to confirm. Whole sequences are dropped, then any control character
left, except line feeds and tabs.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final byte), OSC / DCS / SOS / PM / APC strings up to BEL or ST (ESC \), and
# any other two-byte escape.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# C0 controls but tab and line feed; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` without terminal escape sequences or control characters (tabs and line feeds
    stay)."""
    return _CONTROL.sub("", _SEQUENCE.sub("", text))
