"""Pretty-printed JSON re-flowed to a width without ever breaking inside a token.

A terminal's soft wrap cuts `"arn:aws:iam::123456789012:role/Name"` wherever the column ends,
so a reader cannot tell a wrapped ARN from two values. Here a line too long for the width is
broken only between tokens (after a key's colon or a comma), the continuation indented under
its key; the result is still the same JSON. A single token longer than the width stays whole:
the view scrolls sideways for it instead.
"""

from __future__ import annotations

import re

# One JSON token: a string (with escapes), a punctuation mark, or a literal/number.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')
CONTINUATION_INDENT = 4


def _units(body: str) -> list[str]:
    """Tokens with a following ':' or ',' glued on: a line never starts with either."""
    units: list[str] = []
    for token in _TOKEN.findall(body):
        if token in (":", ",") and units:
            units[-1] += token
        else:
            units.append(token)
    return units


def reflow_line(line: str, width: int) -> list[str]:
    if width <= 0 or len(line) <= width:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    units = _units(line[lead:])
    if len(units) < 2:
        return [line]
    indent = " " * (lead + CONTINUATION_INDENT)
    lines = [" " * lead + units[0]]
    for unit in units[1:]:
        # json.dumps puts one space after ':' and none after an opening bracket.
        joiner = " " if lines[-1].endswith((":", ",")) else ""
        if len(lines[-1]) + len(joiner) + len(unit) <= width:
            lines[-1] += joiner + unit
        else:
            lines.append(indent + unit)
    return lines


def reflow(text: str, width: int) -> str:
    """Every line of `text` (json.dumps(..., indent=N) output) fitted to `width` columns."""
    return "\n".join(part for line in text.split("\n") for part in reflow_line(line, width))
