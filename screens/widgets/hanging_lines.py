"""Lines wrapped to the width they get, each continuation under the text it continues.

The doctor's lines are a column layout ("  ✗ high        message", "                fix: ..."):
cut at 80 columns they lose the fix, wrapped flush left they lose the columns. This visual
wraps each line at render time with a hanging indent and changes no word of it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from screens.widgets.plan_view import line_style
from wizard.doctor import Status
from wizard.inert import inert
from wizard.render.doctor_report import MARK

_MARKS = "".join(re.escape(m) for m in sorted(set(MARK.values())))
_WORDS = "|".join(re.escape(str(s)) for s in sorted(Status, key=lambda s: -len(str(s))))
# "✗ high        " (a doctor finding: continue under its message) or "fix: " (under the fix).
_COLUMN = re.compile(rf"(?:^|\s)[{_MARKS}] (?:{_WORDS}) +|^\s*fix: ")
# Below this many columns of text a deeper indent would leave too little room.
_MIN_TEXT = 24


def hanging_indent(line: str, width: int) -> int:
    """Where a continuation of `line` starts: under the text after a finding's mark and word,
    under a fix, else two columns in from the line's own indent."""
    lead = len(line) - len(line.lstrip(" "))
    match = _COLUMN.search(line)
    indent = match.end() if match is not None and match.end() < width else lead + 2
    if width - indent < _MIN_TEXT:
        indent = min(lead + 2, max(width - _MIN_TEXT, 0))
    return indent


def wrap_line(line: str, width: int) -> list[str]:
    """`line` in pieces no wider than `width`; joined back (less the added indents and the
    spaces at the breaks) they are the line."""
    if width <= 0 or cell_len(line) <= width:
        return [line]
    return textwrap.wrap(
        line,
        width,
        subsequent_indent=" " * hanging_indent(line, width),
        break_long_words=True,
        break_on_hyphens=False,
        replace_whitespace=False,
        drop_whitespace=True,
    ) or [line]


class HangingLines(Visual):
    """A Visual for Static.update(): `plain` is the lines as given, unwrapped."""

    def __init__(self, lines: Iterable[str]) -> None:
        # Lines can quote a log, AWS or GitHub: shown inert, whatever they hold.
        self.lines = [inert(line) for line in lines]
        self.plain = "\n".join(self.lines)
        self._cache: dict[int, Content] = {}

    def content_for(self, width: int) -> Content:
        content = self._cache.get(width)
        if content is None:
            pieces: list[Content] = []
            for line in self.lines:
                style = line_style(line)
                pieces += [
                    Content.styled(piece, style) if style else Content(piece)
                    for piece in wrap_line(line, width)
                ]
            content = self._cache[width] = Content("\n").join(pieces)
        return content

    def render_strips(
        self,
        width: int,
        height: int | None,
        style: Style,
        options: RenderOptions,
    ) -> list[Strip]:
        return self.content_for(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((cell_len(line) for line in self.lines), default=0)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return _MIN_TEXT

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.content_for(width).get_height(rules, width)

    def __str__(self) -> str:
        return self.plain
