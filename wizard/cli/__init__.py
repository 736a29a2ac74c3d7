"""The scriptable faces of the wizard: the command line and the plain prompts.

One module per command family (`plan_apply`, `explain`, `doctor`, `github` for `workflow` and
`verify`, `sandbox`), the plain prompts in `prompts`, what they share in `common` and
`arguments`, and the parser with the dispatch in `entry`. The engine (the rest of `wizard/`)
never imports this package; `screens/` (the full-screen app) does not either.
"""

from wizard.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
