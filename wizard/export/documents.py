"""The engine's documents with deploy-time values left open, for both export formats.

An export must hold exactly what `plan` sends, so it never rebuilds a policy: it runs the same
builders (`wizard.policies`, `wizard.steps`) on a copy of the settings whose names are the
format's references (`${GitHubOwner}`, `${var.github_owner}`) and whose account, partition and
region are the format's expressions for them. Filling those back in gives the plan's documents
byte for byte; the tests do exactly that.

Values kept literal (a wildcard branch such as `release/*`) are escaped for the format, and are
not made parameters: whether the trust policy uses StringEquals or StringLike depends on them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard.plan import Note, Severity
from wizard.policies import (
    audience,
    provider_arn,
    push_policy,
    push_policy_document,
    scope_notes,
    trust_policy,
    trust_policy_document,
)
from wizard.settings import Settings
from wizard.steps.role import role_description

# Shapes the deploy-time values must keep, checked by CloudFormation (AllowedPattern) and
# Terraform (validation). Only syntax both regex dialects read (RE2 has no look-around).
GITHUB_OWNER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$"
GITHUB_REPO_PATTERN = r"^[A-Za-z0-9._-]{1,100}$"
NUMERIC_ID_PATTERN = r"^[1-9][0-9]{0,19}$"
ECR_REPOSITORY_PATTERN = (
    r"^(?:[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*/)*[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$"
)
ROLE_NAME_PATTERN = r"^[A-Za-z0-9_+=,.@-]{1,64}$"
POLICY_NAME_PATTERN = r"^[A-Za-z0-9_+=,.@-]{1,128}$"
# A scope value with `*` or `?` would need StringLike: such values stay literal instead.
SCOPE_VALUE_PATTERN = r"^[^*?]+$"

# A nominal account for the size check: every account ID has 12 digits.
_SIZE_CHECK_ACCOUNT = "000000000000"


@dataclass(frozen=True)
class Parameter:
    """A value chosen at deploy time, with the answer given to the wizard as its default."""

    name: str  # CloudFormation's spelling; `snake` is Terraform's
    default: str
    description: str
    pattern: str

    @property
    def snake(self) -> str:
        """`GitHubOwner` -> `github_owner`, `Branch2` -> `branch_2`."""
        name = self.name.replace("GitHub", "Github")
        out = ""
        for i, char in enumerate(name):
            if i and (char.isupper() or (char.isdigit() and not name[i - 1].isdigit())):
                out += "_"
            out += char.lower()
        return out


@dataclass(frozen=True)
class Spelling:
    """How one format writes a reference to a parameter, its deploy-time account, partition,
    region and STS audience, and a literal that could otherwise read as a reference."""

    reference: Callable[[Parameter], str]
    partition: str
    account_id: str
    region: str
    audience: str
    escape: Callable[[str], str]


@dataclass(frozen=True)
class ExportDocuments:
    settings: Settings  # the answers, as given (for comments and literal settings)
    trust_policy: dict[str, Any]
    push_policy: dict[str, Any]
    role_description: str
    # The provider ARN as the trust policy spells it, for the format to link to its provider.
    provider_arn: str
    parameters: tuple[Parameter, ...]
    notes: tuple[Note, ...] = field(default=())

    @property
    def wide_markers(self) -> list[str]:
        """The plan's WIDE notes, word for word: an export says what the scope admits too."""
        return [n.text for n in self.notes if n.severity is Severity.DANGER]

    @property
    def warnings(self) -> list[str]:
        return [n.text for n in self.notes if n.severity is Severity.WARNING]


class _Parameters:
    def __init__(self, spelling: Spelling) -> None:
        self.spelling = spelling
        self.made: list[Parameter] = []

    def ref(self, name: str, default: str, description: str, pattern: str) -> str:
        parameter = Parameter(name, default, description, pattern)
        self.made.append(parameter)
        return self.spelling.reference(parameter)

    def scope_value(self, name: str, value: str, what: str) -> str:
        # A value that looks like a reference (`${...}`) stays literal too: checkers take it
        # for a misplaced reference wherever it stands outside a document.
        if "*" in value or "?" in value or "${" in value or "%{" in value:
            return self.spelling.escape(value)
        return self.ref(name, value, what, SCOPE_VALUE_PATTERN)

    def scope(self, kind: str, values: list[str], what: str) -> list[str]:
        return [self.scope_value(f"{kind}{i}", v, what) for i, v in enumerate(values, start=1)]


def check_real_sizes(s: Settings) -> None:
    """Refuse what `plan` refuses: the builders' size checks on the documents with real values."""
    trust_policy(s, partition="aws", account_id=_SIZE_CHECK_ACCOUNT)
    push_policy(s, partition="aws", account_id=_SIZE_CHECK_ACCOUNT)


def export_documents(s: Settings, spelling: Spelling) -> ExportDocuments:
    check_real_sizes(s)
    p = _Parameters(spelling)
    owner = p.ref(
        "GitHubOwner", s.owner, "GitHub owner (user or organisation)", GITHUB_OWNER_PATTERN
    )
    repo = p.ref("GitHubRepositoryName", s.repo_name, "GitHub repository name", GITHUB_REPO_PATTERN)
    open_values: dict[str, Any] = {
        "github_repo": f"{owner}/{repo}",
        "ecr_repository": p.ref(
            "EcrRepositoryName", s.ecr_repository, "ECR repository name", ECR_REPOSITORY_PATTERN
        ),
        "region": spelling.region,
        "branches": p.scope("Branch", s.branches, "A branch that may push"),
        "tags": p.scope("Tag", s.tags, "A git tag that may push"),
        "environments": p.scope(
            "Environment", s.environments, "A GitHub environment that may push"
        ),
        "default_branch": p.scope_value("DefaultBranch", s.default_branch, "The default branch"),
    }
    if s.owner_id:
        open_values["owner_id"] = p.ref(
            "GitHubOwnerId", s.owner_id, "GitHub's numeric ID of the owner", NUMERIC_ID_PATTERN
        )
    if s.repo_id:
        open_values["repo_id"] = p.ref(
            "GitHubRepositoryId",
            s.repo_id,
            "GitHub's numeric ID of the repository",
            NUMERIC_ID_PATTERN,
        )
    templated = dataclasses.replace(s, **open_values)
    where = {"partition": spelling.partition, "account_id": spelling.account_id}
    trust = _open_audience(trust_policy_document(templated, **where), spelling.audience)
    push = push_policy_document(templated, **where)
    description = role_description(templated)
    # Only the parameters the documents use (the default branch is one only when no scope was
    # given; an unused parameter is a lint warning), then the names the resources carry.
    used_text = json.dumps([trust, push, description])
    parameters = [x for x in p.made if spelling.reference(x) in used_text]
    return ExportDocuments(
        settings=s,
        trust_policy=trust,
        push_policy=push,
        role_description=description,
        provider_arn=provider_arn(spelling.partition, spelling.account_id),
        parameters=(*parameters, *_resource_names(s)),
        notes=tuple(scope_notes(s)),
    )


def _resource_names(s: Settings) -> list[Parameter]:
    return [
        Parameter("RoleName", s.role_name, "IAM role GitHub Actions assumes", ROLE_NAME_PATTERN),
        Parameter(
            "PushPolicyName", s.policy_name, "Inline push policy on the role", POLICY_NAME_PATTERN
        ),
    ]


def _open_audience(document: Any, spelled: str) -> Any:
    """The audience follows the partition (`sts.amazonaws.com.cn` in China): the export spells
    it from the deploy-time partition, where the builder had a concrete one."""
    fixed = audience("aws")
    if isinstance(document, dict):
        return {k: _open_audience(v, spelled) for k, v in document.items()}
    if isinstance(document, list):
        return [_open_audience(v, spelled) for v in document]
    return spelled if document == fixed else document
