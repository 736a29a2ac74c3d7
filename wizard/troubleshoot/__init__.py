"""The troubleshooting catalogue: from an error (exception or pasted text) to cause, fix, commands.

Pure: stdlib only, no I/O, no boto3 or UI imports, so every face (CLI, prompts, full-screen app)
shows the same words. All user-facing text lives in `CASES` (`catalogue.py`); matching an
error and filling a case's templates is `guidance.py` (`classify`, `explain_text`); callers only
render `Guidance`.
"""

from __future__ import annotations

from wizard.troubleshoot.catalogue import CASES, Case
from wizard.troubleshoot.guidance import Guidance, classify, explain_text, guidance_text
from wizard.troubleshoot.ranking import RankedCause, with_facts

__all__ = [
    "CASES",
    "Case",
    "Guidance",
    "RankedCause",
    "classify",
    "explain_text",
    "guidance_text",
    "with_facts",
]
