"""Text from outside (a build log, an AWS or GitHub message, a pasted error) made inert for a
terminal: every escape and control sequence is removed before any face shows it.

A log line can carry sequences that set the terminal title (OSC 0/2), write the clipboard
(OSC 52), query the terminal, or move the cursor (CSI) to paint a fake "✓ run succeeded" over
the real output. ECMA-48 names them all; this removes:

- CSI (`ESC [` ... final byte, or the 8-bit CSI 0x9B);
- OSC, DCS, SOS, PM and APC strings up to their terminator (BEL or ST), or to the end of the
  line when unterminated (a terminal would swallow the rest of the output otherwise);
- every other `ESC x` sequence;
- C0 controls except tab and newline, DEL, and the C1 range 0x80-0x9F;
- a carriage return not followed by a newline becomes a newline: a bare CR lets a later part of
  the line overwrite an earlier one;
- Unicode bidirectional overrides and isolates, which reorder what the eye reads.

Pure and linear: every pattern is a character class or bounded run, so a 10 MB log is one pass.
"""

from __future__ import annotations

import re

# String sequences: OSC (]), DCS (P), SOS (X), PM (^), APC (_), in 7-bit and 8-bit form. Their
# body runs to BEL or ST (ESC \ or 0x9C); an unterminated one runs to the end of the line.
_STRING = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
)
# CSI: parameter bytes, intermediate bytes, one final byte (absent when cut short).
_CSI = re.compile(r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?")
# Any other escape: intermediates then one final byte; a lone ESC at the end too.
_ESCAPE = re.compile(r"\x1b[\x20-\x2f]*[\x30-\x7e]?")
_BARE_CR = re.compile(r"\r(?!\n)")
# C0 (but tab and newline), DEL, C1, and the bidirectional controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """`text` without terminal control sequences; printable text is kept as it was."""
    if not isinstance(text, str):
        text = str(text)
    text = _STRING.sub("", text)
    text = _CSI.sub("", text)
    text = _ESCAPE.sub("", text)
    text = _BARE_CR.sub("\n", text)
    return _CONTROL.sub("", text)


def is_inert(text: str) -> bool:
    """Whether `text` holds nothing a terminal would act on (what `inert` guarantees)."""
    return not _CONTROL.search(text)
