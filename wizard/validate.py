"""Input validation: pure, one message per rule, naming the field, the rule and a fix.

AWS refuses names that moto (and so the tests' AWS) accepts, so the tool itself is the guard:
nothing is sent to AWS or GitHub until every field passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wizard import normalise
from wizard.settings import Settings

MUTABILITIES = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")


@dataclass(frozen=True)
class FieldSpec:
    label: str
    flag: str


FIELDS: dict[str, FieldSpec] = {
    "github_repo": FieldSpec("GitHub repository", "--github-repo"),
    "ecr_repository": FieldSpec("ECR repository name", "--ecr-repository"),
    "role_name": FieldSpec("IAM role name", "--role-name"),
    "policy_name": FieldSpec("inline policy name", "--policy-name"),
    "region": FieldSpec("AWS region", "--region"),
    "account_id": FieldSpec("AWS account ID", "--account-id"),
    "endpoint_url": FieldSpec("endpoint URL", "--endpoint-url"),
    "branches": FieldSpec("branch", "--branch"),
    "environments": FieldSpec("environment", "--environment"),
    "tags": FieldSpec("tag pattern", "--tag"),
    "tag_mutability": FieldSpec("tag mutability", "--tag-mutability"),
    "mutability_exclusions": FieldSpec("mutability exclusion filter", "--mutability-exclusion"),
    "thumbprints": FieldSpec("thumbprint", "--thumbprint"),
    "owner_id": FieldSpec("GitHub owner ID", "--owner-id"),
    "repo_id": FieldSpec("GitHub repository ID", "--repo-id"),
    "subject_format": FieldSpec("subject format", "--subject-format"),
    "default_branch": FieldSpec("default branch", "--default-branch"),
    "any_ref": FieldSpec("any-ref scope", "--any-ref"),
    "any_repo_of_owner": FieldSpec("owner-wide scope", "--any-repo-of-owner"),
    "sub_claim_keys": FieldSpec("subject template", "the repository's OIDC settings"),
    "issuer": FieldSpec("OIDC issuer", "--issuer"),
    "github_api_url": FieldSpec("GitHub API URL", "--github-api-url"),
}


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def _error(field: str, rule: str, value: object, text: str, fix: str = "") -> FieldError:
    spec = FIELDS.get(field, FieldSpec(field, field))
    shown = f" {value!r}" if value not in ("", None) else ""
    message = f"{spec.label} ({spec.flag}){shown}: {text}"
    if fix:
        message += f" {fix}"
    return FieldError(field, rule, message)


# --- ECR -------------------------------------------------------------------------------------

_ECR_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_ECR_PRIVATE = re.compile(rf"{_ECR_COMPONENT}(?:/{_ECR_COMPONENT})*")
_ECR_PUBLIC = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")


def _suggest_repository(value: str) -> str:
    cleaned = re.sub(r"[^a-z0-9._/-]+", "-", value.lower()).strip("-._/")
    cleaned = re.sub(r"/+", "/", cleaned)
    return cleaned


def ecr_repository(
    value: str, *, public: bool = False, field: str = "ecr_repository"
) -> list[FieldError]:
    low, high, pattern = (2, 205, _ECR_PUBLIC) if public else (2, 256, _ECR_PRIVATE)
    kind = "ECR Public" if public else "ECR"
    if not value:
        return [_error(field, "required", value, "is required.")]
    errors: list[FieldError] = []
    if not low <= len(value) <= high:
        errors.append(
            _error(
                field,
                "length",
                value,
                f"{kind} names are {low}–{high} characters; this has {len(value)}.",
            )
        )
    if not pattern.fullmatch(value):
        suggestion = _suggest_repository(value)
        fix = f"Try {suggestion!r}." if suggestion and pattern.fullmatch(suggestion) else ""
        errors.append(
            _error(
                field,
                "pattern",
                value,
                f"{kind} names are lower-case letters and digits in parts joined by '.', '_', "
                "'__' or '-', with '/' between namespaces; no upper case, spaces or leading, "
                "trailing or doubled separators.",
                fix,
            )
        )
    return errors


def tag_mutability(value: str) -> list[FieldError]:
    if value in MUTABILITIES:
        return []
    fix = f"Did you mean {value.upper()!r}?" if value.upper() in MUTABILITIES else ""
    return [
        _error("tag_mutability", "choice", value, f"must be one of {', '.join(MUTABILITIES)}.", fix)
    ]


_EXCLUSION = re.compile(r"[0-9a-zA-Z._*-]{1,128}")


def mutability_exclusions(values: Iterable[str], mutability: str) -> list[FieldError]:
    values = list(values)
    errors: list[FieldError] = []
    if mutability.endswith("_WITH_EXCLUSION") and not values:
        errors.append(
            _error(
                "mutability_exclusions",
                "required",
                "",
                f"{mutability} needs at least one filter, e.g. 'latest'.",
            )
        )
    if len(values) > 5:
        errors.append(
            _error("mutability_exclusions", "count", "", f"at most 5 filters; {len(values)} given.")
        )
    if mutability == "MUTABLE_WITH_EXCLUSION":
        import fnmatch

        # Here the filters name the tags that become immutable: `latest` must keep moving.
        frozen = [v for v in values if fnmatch.fnmatchcase("latest", v)]
        if frozen:
            errors.append(
                _error(
                    "mutability_exclusions",
                    "latest",
                    frozen[0],
                    "with MUTABLE_WITH_EXCLUSION the filters name the tags that become "
                    "immutable, so 'latest' could never move again.",
                    "Pass --mutability-exclusion with the version tags' pattern, e.g. '0.*'.",
                )
            )
    for value in values:
        if not _EXCLUSION.fullmatch(value):
            errors.append(
                _error(
                    "mutability_exclusions",
                    "pattern",
                    value,
                    "filters are 1–128 of letters, digits, '.', '_', '-' and the wildcard '*'.",
                )
            )
    return errors


# --- IAM -------------------------------------------------------------------------------------

_IAM_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)


def _iam_name(field: str, value: str, high: int) -> list[FieldError]:
    if not value:
        return [_error(field, "required", value, "is required.")]
    errors: list[FieldError] = []
    if len(value) > high:
        errors.append(
            _error(
                field, "length", value, f"IAM allows 1–{high} characters; this has {len(value)}."
            )
        )
    if not _IAM_NAME.fullmatch(value):
        bad = "".join(sorted({c for c in value if not _IAM_NAME.fullmatch(c)}))
        fixed = "".join(c if _IAM_NAME.fullmatch(c) else "-" for c in value)[:high]
        errors.append(
            _error(
                field,
                "pattern",
                value,
                f"IAM allows letters, digits and + = , . @ _ - only; {bad!r} is not allowed.",
                f"Try {fixed!r}.",
            )
        )
    return errors


def role_name(value: str) -> list[FieldError]:
    return _iam_name("role_name", value, 64)


def policy_name(value: str) -> list[FieldError]:
    return _iam_name("policy_name", value, 128)


def account_id(value: str) -> list[FieldError]:
    if re.fullmatch(r"\d{12}", value):
        return []
    return [_error("account_id", "pattern", value, "an AWS account ID is exactly 12 digits.")]


_THUMBPRINT = re.compile(r"[0-9a-fA-F]{40}")


def thumbprints(values: Iterable[str]) -> list[FieldError]:
    values = list(values)
    errors = [
        _error("thumbprints", "pattern", v, "a thumbprint is 40 hexadecimal characters (SHA-1).")
        for v in values
        if not _THUMBPRINT.fullmatch(v)
    ]
    if len(values) > 5:
        errors.append(
            _error("thumbprints", "count", "", f"IAM keeps at most 5; {len(values)} given.")
        )
    return errors


# --- Region and endpoint ----------------------------------------------------------------------


def ecr_regions() -> frozenset[str]:
    # Deferred: botocore's endpoint data is only needed once a region is checked.
    from wizard.aws import ecr_regions as known

    return known()


def region(value: str) -> list[FieldError]:
    if not value:
        return [
            _error(
                "region",
                "required",
                value,
                "is required: pass --region, set AWS_REGION, or set a region in your AWS profile.",
            )
        ]
    if value in ecr_regions():
        return []
    lowered = value.strip().lower()
    fix = f"Did you mean {lowered!r}?" if lowered in ecr_regions() else "e.g. 'us-east-1'."
    return [_error("region", "known", value, "is not a region where Amazon ECR is available.", fix)]


def endpoint_url(value: str) -> list[FieldError]:
    if not value or re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        return []
    return [_error("endpoint_url", "url", value, "must be an http:// or https:// URL.")]


# --- GitHub ----------------------------------------------------------------------------------

_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}")


def github_repo(value: str) -> list[FieldError]:
    # A pasted URL (https or git@) names one repository: read it as OWNER/REPO.
    value = normalise.github_repo(value)
    if not value:
        return [_error("github_repo", "required", value, "is required, as OWNER/REPO.")]
    trimmed = re.sub(r"^(https?://github\.com/|git@github\.com:)", "", value).removesuffix(".git")
    fix = f"Try {trimmed!r}." if trimmed != value and github_repo(trimmed) == [] else ""
    owner, slash, repo = value.partition("/")
    if fix or not slash or "/" in repo:
        return [
            _error("github_repo", "format", value, "must be OWNER/REPO, e.g. 'octo-org/app'.", fix)
        ]
    errors: list[FieldError] = []
    if not _OWNER.fullmatch(owner):
        errors.append(
            _error(
                "github_repo",
                "owner",
                value,
                "the owner is 1–39 letters, digits or single hyphens, not starting or ending "
                "with a hyphen.",
                fix,
            )
        )
    if not _REPO.fullmatch(repo) or repo in (".", ".."):
        errors.append(
            _error(
                "github_repo",
                "repo",
                value,
                "the repository name is 1–100 letters, digits, '.', '_' or '-'.",
                fix,
            )
        )
    return errors


_REF_FORBIDDEN = re.compile(r"[\x00-\x20~^:\\\[\x7f]")


def _ref_pattern(field: str, value: str, what: str) -> list[FieldError]:
    """Git's ref-name rules (git check-ref-format), with `*` and `?` kept as wildcards."""
    if not value:
        return [_error(field, "required", value, f"a {what} cannot be empty.")]
    if value.startswith("refs/"):
        short = value.split("/", 2)[-1]
        return [_error(field, "short", value, f"give the short {what} name.", f"Try {short!r}.")]
    problems = []
    if "${" in value:
        problems.append("no '${' (IAM would read it as the start of a policy variable)")
    if _REF_FORBIDDEN.search(value):
        problems.append("no spaces, control characters or any of ~ ^ : \\ [")
    if ".." in value or "@{" in value or "//" in value:
        problems.append("no '..', '@{' or '//'")
    if value.startswith(("/", "-", ".")) or value.endswith(("/", ".", ".lock")):
        problems.append("no leading '/', '-' or '.', no trailing '/', '.' or '.lock'")
    if not problems:
        return []
    return [_error(field, "ref", value, f"git {what} names allow {'; '.join(problems)}.")]


def branch(value: str) -> list[FieldError]:
    return _ref_pattern("branches", value, "branch")


def tag_pattern(value: str) -> list[FieldError]:
    return _ref_pattern("tags", value, "tag")


def environment(value: str) -> list[FieldError]:
    if not value:
        return [_error("environments", "required", value, "an environment name cannot be empty.")]
    errors: list[FieldError] = []
    if len(value) > 255:
        errors.append(
            _error("environments", "length", value, "GitHub allows at most 255 characters.")
        )
    if "${" in value:
        errors.append(
            _error(
                "environments",
                "variable",
                value,
                "no '${' (IAM would read it as the start of a policy variable).",
            )
        )
    if ":" in value or re.search(r"[\x00-\x1f\x7f]", value):
        errors.append(
            _error(
                "environments",
                "pattern",
                value,
                "no ':' (it separates the parts of the token's sub claim) "
                "and no control characters.",
            )
        )
    return errors


def _numeric_id(field: str, value: str) -> list[FieldError]:
    if re.fullmatch(r"[1-9]\d{0,19}", value):
        return []
    return [_error(field, "digits", value, "must be GitHub's numeric ID, a positive number.")]


def _scope_conflicts(s: Settings) -> list[FieldError]:
    """A wide scope swallows the narrow ones: refuse the mix rather than drop flags silently."""
    narrow = [
        flag
        for flag, given in (
            ("--branch", s.branches),
            ("--tag", s.tags),
            ("--environment", s.environments),
            ("--pull-requests", s.pull_requests),
        )
        if given
    ]
    wide = "any_repo_of_owner" if s.any_repo_of_owner else "any_ref" if s.any_ref else ""
    if not wide or not (narrow or (s.any_ref and s.any_repo_of_owner)):
        return []
    ignored = narrow or ["--any-ref"]
    return [
        _error(
            wide,
            "conflict",
            "",
            f"admits more than {', '.join(ignored)} already, which would be ignored.",
            f"Give either {FIELDS[wide].flag} or the narrower flags, not both.",
        )
    ]


def _subject_template(s: Settings) -> list[FieldError]:
    from wizard.policies import inexpressible_scopes, template_pins_repository

    errors = [
        _error(
            "sub_claim_keys",
            "scope",
            "",
            f"{missing}: the scope cannot be written exactly, and it is never filled with '*'.",
            "Choose a scope the template can express, or change the repository's template.",
        )
        for missing in inexpressible_scopes(s)
    ]
    if template_pins_repository(s) or s.repo_id:
        return errors
    return [
        *errors,
        _error(
            "repo_id",
            "required",
            "",
            f"the repository's subject template ({', '.join(s.sub_claim_keys)}) does not name "
            "the repository, or names it after a claim matched with '*' (which can swallow "
            "another repository's name), so the trust policy must pin its numeric id: pass "
            "--repo-id or run with a GitHub token.",
        ),
    ]


# --- The whole set ----------------------------------------------------------------------------


def _each(validator: Callable[[str], list[FieldError]], values: Iterable[str]) -> list[FieldError]:
    return [e for v in values for e in validator(v)]


def issuer(s: Settings) -> list[FieldError]:
    """The OIDC issuer: `--issuer` must be a GitHub issuer; else the API URL must imply one."""
    from wizard.iam.issuer import issuer_for_api, parse_issuer

    try:
        if s.issuer.strip():
            parse_issuer(s.issuer)
        else:
            issuer_for_api(s.github_api_url)
    except ValueError as exc:
        field = "issuer" if s.issuer.strip() else "github_api_url"
        return [_error(field, "issuer", "", f"{exc}.")]
    return []


def settings_errors(s: Settings, *, steps: Iterable[int] = (1, 2, 3, 4)) -> list[FieldError]:
    """Every rule the chosen steps depend on; an empty list means it is safe to call AWS."""
    wanted = set(steps)
    errors: list[FieldError] = []
    if wanted & {2, 3, 6}:
        errors += issuer(s)
    errors += region(s.region)
    errors += endpoint_url(s.endpoint_url)
    if wanted & {1, 4}:
        errors += ecr_repository(s.ecr_repository, public=s.public)
    if 1 in wanted and not s.public:
        errors += tag_mutability(s.tag_mutability)
        if s.tag_mutability in MUTABILITIES:
            errors += mutability_exclusions(s.mutability_exclusions, s.tag_mutability)
    if 2 in wanted:
        errors += thumbprints(s.thumbprints)
    if wanted & {3, 4}:
        errors += role_name(s.role_name)
    if 3 in wanted:
        errors += github_repo(s.github_repo)
        errors += _each(branch, s.branches)
        errors += _each(environment, s.environments)
        errors += _each(tag_pattern, s.tags)
        errors += _ref_pattern("default_branch", s.default_branch, "branch")
        errors += _scope_conflicts(s)
        if s.subject_format not in ("default", "immutable"):
            errors.append(
                _error(
                    "subject_format",
                    "choice",
                    s.subject_format,
                    "must be 'default' or 'immutable'.",
                )
            )
        # An id goes into the trust policy as written (a sub claim, a repository_id
        # condition): one that is given must be a number, or a '*' there would match any.
        if s.subject_format == "immutable" or s.owner_id:
            errors += _numeric_id("owner_id", s.owner_id)
        if s.subject_format == "immutable" or s.require_repository_id or s.repo_id:
            errors += _numeric_id("repo_id", s.repo_id)
        errors += _subject_template(s)
    if 4 in wanted:
        errors += policy_name(s.policy_name)
    return _with_suggestions(errors, s)


def _with_suggestions(errors: list[FieldError], s: Settings) -> list[FieldError]:
    """A missing name gets the one derived from the repository as its fix."""
    from wizard.defaults import derived_names

    names = derived_names(s.github_repo)
    if names is None:
        return errors
    out: list[FieldError] = []
    for e in errors:
        suggestion = getattr(names, e.field, "") if e.rule == "required" else ""
        if suggestion:
            flag = FIELDS[e.field].flag
            e = FieldError(e.field, e.rule, f"{e.message} Try {flag} {suggestion}.")
        out.append(e)
    return out
