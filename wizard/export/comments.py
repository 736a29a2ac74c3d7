"""The comments both export formats open with: what the file holds, how to deploy it, and the
plan's notes on the scope (WIDE markers word for word), so a reviewer of the pull request reads
what `plan` would have said."""

from __future__ import annotations

import textwrap
import unicodedata

from wizard.export.documents import ExportDocuments
from wizard.policies import subjects

WIDTH = 100

_DEPLOY = {
    "cloudformation": [
        "Deploy: aws cloudformation deploy --stack-name NAME --template-file THIS_FILE "
        "--capabilities CAPABILITY_NAMED_IAM",
        "If the account already has GitHub's OIDC provider (one per URL per account), add "
        "--parameter-overrides ExistingOidcProviderArn=ARN.",
    ],
    "terraform": [
        "Deploy: terraform init && terraform plan, then terraform apply.",
    ],
}


def header_lines(docs: ExportDocuments, fmt: str) -> list[str]:
    s = docs.settings
    who = "; ".join(sub.meaning for sub in subjects(s))
    lines = [
        "Exported by ecr-oidc-wizard: what `plan` makes or keeps, with the same documents.",
        f"GitHub Actions in {s.github_repo} push to the ECR repository {s.ecr_repository} "
        f"through the role {s.role_name}.",
        f"Who may assume the role: {who}.",
        *_DEPLOY[fmt],
    ]
    lines += docs.wide_markers
    lines += [f"Note: {text}" for text in docs.warnings]
    return lines


def _printable(text: str) -> str:
    """A comment spans one line per entry: no control characters, no line breaks."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


def comment_block(lines: list[str], *, indent: str = "", marker: str = "#") -> list[str]:
    out: list[str] = []
    for line in lines:
        wrapped = textwrap.wrap(
            _printable(line), width=WIDTH - len(indent) - 2, break_on_hyphens=False
        )
        for i, part in enumerate(wrapped):
            out.append(f"{indent}{marker} {'  ' if i else ''}{part}")
    return out
