"""The troubleshooting catalogue: every known failure, its causes, fix and commands, as data.

All user-facing text lives in `CASES`; `classify` (in `guidance.py`) matches and fills them,
and callers only render the `Guidance` it returns. The entries live by family in the
`cases_*` modules; this module fixes their order, which is the order of specificity: when two
cases match, the earlier one is the more likely reading.
"""

from __future__ import annotations

from wizard.troubleshoot.case import _PERMISSION, Case, Cause
from wizard.troubleshoot.cases_access import ACCESS
from wizard.troubleshoot.cases_actions import ACTIONS
from wizard.troubleshoot.cases_aws import CREDENTIALS
from wizard.troubleshoot.cases_docker import DOCKER
from wizard.troubleshoot.cases_fallback import FALLBACK
from wizard.troubleshoot.cases_github import GITHUB
from wizard.troubleshoot.cases_registry import REGISTRY
from wizard.troubleshoot.cases_sts import STS

CASES: tuple[Case, ...] = (
    *ACTIONS,
    *STS,
    *REGISTRY,
    *DOCKER,
    *ACCESS,
    *CREDENTIALS,
    *GITHUB,
    *FALLBACK,
)

__all__ = ["CASES", "_PERMISSION", "Case", "Cause"]
