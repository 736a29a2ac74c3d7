"""Text from AWS made safe to print: escape sequences and control characters removed.

A stack instance's StatusReason or an error message can carry text someone else wrote (a
template's resource names, a tag, a log line); printed raw, an escape sequence in it could move
the cursor, retitle the terminal or hide the lines around it.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, their 8-bit
# forms, then any remaining C0/C1 control character except tab and newline.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]{0,64}[ -/]{0,16}[@-~]"
    r"|\x1b\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]{0,64}[ -/]{0,16}[@-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def printable(text: str) -> str:
    return _SEQUENCES.sub("", text)
