"""A manifest: many repositories in one account, one region, one run.

The file is the answers file's format with a list added: `[answers]` holds what every entry
shares (region, profile, scope, tag mutability, a shared role name...), and each
`[[repositories]]` entry holds what is its own (at least `github_repo` and `ecr_repository`).
An entry's keys override the shared answers. Entries that name the same role share it: its
trust policy admits each of their repositories exactly, and its push policy allows exactly
their ECR repositories.

    version = 1
    [answers]
    region = "eu-west-1"
    branches = ["main"]

    [[repositories]]
    github_repo = "acme/api"
    ecr_repository = "acme/api"
    role_name = "GitHubActionsApiPush"

Loading checks every entry with the same rules and messages as a single run, plus the rules
that only a list has (duplicates, one region, one policy name per shared role); a bad file is
refused as a whole, before anything is sent.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.settings import CONFIG_VERSION, ONE_RUN_ANSWERS, ConfigError, Settings
from wizard.validate import FieldError, settings_errors

# Where the calls go is one choice for the whole run: one session, one account, one region.
SESSION_KEYS = ("region", "profile", "endpoint_url")
# One run makes or reuses one OIDC provider (the shared answers'): an entry with its own issuer
# would get a role that trusts a provider the run never makes.
PROVIDER_KEYS = ("issuer", "github_api_url", "thumbprints")
# What a manifest plans: the AWS steps. The GitHub steps need a token per repository.
MANIFEST_STEPS = (1, 2, 3, 4)
MAX_REPOSITORIES = 1000


class ManifestError(ConfigError):
    """The manifest cannot be used as it is; nothing was sent. `fields` name each entry's field
    and rule (`repositories[N].FIELD`) when the problems are the entries'."""

    def __init__(self, message: str, fields: tuple[FieldError, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


def _problem(index: int, name: str, rule: str, message: str) -> FieldError:
    return FieldError(f"repositories[{index}].{name}", rule, message)


@dataclass(frozen=True)
class Entry:
    """One repository of the manifest: its place in the file and its full answers."""

    index: int
    settings: Settings

    @property
    def label(self) -> str:
        return f"{self.settings.github_repo} -> {self.settings.ecr_repository}"

    @property
    def key(self) -> str:
        """Unique within a manifest (ECR repository names are unique per account and region)."""
        return self.settings.ecr_repository


@dataclass(frozen=True)
class RoleGroup:
    """One role and the repositories it serves (one entry, or several sharing it)."""

    role_name: str
    entries: tuple[Entry, ...]

    @property
    def members(self) -> tuple[Settings, ...]:
        return tuple(e.settings for e in self.entries)


@dataclass
class Manifest:
    shared: Settings
    entries: list[Entry] = field(default_factory=list)
    source: str = ""

    @property
    def groups(self) -> list[RoleGroup]:
        """Entries grouped by role, in the order roles first appear."""
        by_role: dict[str, list[Entry]] = {}
        for entry in self.entries:
            by_role.setdefault(entry.settings.role_name.lower(), []).append(entry)
        return [RoleGroup(items[0].settings.role_name, tuple(items)) for items in by_role.values()]


def has_repositories(path: Path) -> bool:
    """True when an answers file lists repositories (it is then a manifest)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return bool(data.get("repositories"))


def manifest_source(given: Path | None, config: Path | None) -> Path | None:
    """The manifest a run uses: the one given, or the answers file when it lists repositories."""
    if given is not None:
        return given
    if config is not None and config.is_file() and has_repositories(config):
        return config
    return None


def load_manifest(
    path: Path,
    overrides: dict[str, Any] | None = None,
    default_region: Callable[[str], str] | None = None,
) -> Manifest:
    """Read and check a manifest; `overrides` (flags) apply to the shared answers, and
    `default_region(profile)` gives the region when neither names one (AWS_REGION...)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"manifest {path} cannot be read ({exc}).") from exc
    return parse_manifest(data, str(path), overrides, default_region)


def parse_manifest(
    data: dict[str, Any],
    source: str,
    overrides: dict[str, Any] | None = None,
    default_region: Callable[[str], str] | None = None,
) -> Manifest:
    version = data.get("version", CONFIG_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version > CONFIG_VERSION:
        raise ManifestError(
            f"manifest {source}: 'version' must be a whole number up to {CONFIG_VERSION}, "
            f"not {version!r}."
        )
    answers = data.get("answers", {})
    listed = data.get("repositories", [])
    if not isinstance(answers, dict):
        raise ManifestError(f"manifest {source}: [answers] must be a table.")
    if not isinstance(listed, list) or not all(isinstance(e, dict) for e in listed):
        raise ManifestError(
            f"manifest {source}: 'repositories' must be a list of tables ([[repositories]])."
        )
    if not listed:
        raise ManifestError(
            f"manifest {source}: no [[repositories]] entry; list at least one repository."
        )
    if len(listed) > MAX_REPOSITORIES:
        raise ManifestError(
            f"manifest {source}: {len(listed)} repositories; one run takes at most "
            f"{MAX_REPOSITORIES}. Split the file."
        )
    # One-run answers are never taken from a file (as with the answers file): a planted
    # `adopt_role = true` must not make a run take over roles, nor a planted `endpoint_url`
    # send the calls elsewhere. They are flags of the run that needs them.
    one_run = sorted(k for k in answers if k in ONE_RUN_ANSWERS)
    one_run += sorted({k for e in listed for k in e if k in ONE_RUN_ANSWERS} - set(one_run))
    if one_run:
        flags = ", ".join("--" + k.replace("_", "-") for k in one_run)
        raise ManifestError(
            f"manifest {source}: {', '.join(one_run)} is never read from a file (it holds for "
            f"one run only); remove it and pass {flags} to the run that needs it."
        )
    try:
        shared = Settings.from_dict(answers).merged(overrides or {})
    except (ConfigError, TypeError) as exc:
        raise ManifestError(f"manifest {source}: [answers]: {exc}") from exc
    if not shared.region and default_region is not None:
        # Before the entries are checked, so a region from the environment meets the same rule.
        shared = shared.merged({"region": default_region(shared.profile) or None})
    entries: list[Entry] = []
    problems: list[FieldError] = []
    for number, raw in enumerate(listed, start=1):
        where = f"repositories[{number}]"
        session = [k for k in SESSION_KEYS if k in raw]
        if session:
            problems.append(
                _problem(
                    number,
                    session[0],
                    "manifest",
                    f"{where}: {', '.join(session)} is set once for the whole manifest, in "
                    "[answers] (one run uses one session, one account and one region).",
                )
            )
            continue
        provider = [k for k in PROVIDER_KEYS if k in raw]
        if provider:
            problems.append(
                _problem(
                    number,
                    provider[0],
                    "manifest",
                    f"{where}: {', '.join(provider)} is set once for the whole manifest, in "
                    "[answers] (one run makes or reuses one OIDC provider for every entry); "
                    "repositories of another GitHub host or issuer go in a manifest of their own.",
                )
            )
            continue
        try:
            settings = shared.merged(raw)
        except (ConfigError, TypeError) as exc:
            problems.append(_problem(number, "entry", "format", f"{where}: {exc}"))
            continue
        entries.append(Entry(number, settings))
    problems += _entry_problems(entries)
    problems += _list_problems(entries)
    if problems:
        lines = [f"manifest {source} is not valid (nothing was sent):"]
        raise ManifestError("\n".join(lines + [p.message for p in problems]), tuple(problems))
    return Manifest(shared=shared, entries=entries, source=source)


def _entry_problems(entries: list[Entry]) -> list[FieldError]:
    problems: list[FieldError] = []
    for entry in entries:
        name = entry.settings.github_repo or "?"
        errors: list[FieldError] = settings_errors(entry.settings, steps=MANIFEST_STEPS)
        problems += [
            _problem(
                entry.index, e.field, e.rule, f"repositories[{entry.index}] ({name}): {e.message}"
            )
            for e in errors
        ]
    return problems


def _list_problems(entries: list[Entry]) -> list[FieldError]:
    """Rules that hold between entries."""
    problems: list[FieldError] = []
    seen: dict[str, int] = {}
    for entry in entries:
        key = entry.key
        if key in seen:
            problems.append(
                _problem(
                    entry.index,
                    "ecr_repository",
                    "unique",
                    f"repositories[{entry.index}]: ECR repository {key!r} is already "
                    f"repositories[{seen[key]}]'s; each entry needs its own.",
                )
            )
        else:
            seen[key] = entry.index
    spelled: dict[str, Entry] = {}
    for entry in entries:
        repo = entry.settings.github_repo
        first = spelled.setdefault(repo.lower(), entry)
        if first.settings.github_repo != repo:
            # GitHub names are case-insensitive, but the sub claim carries the repository's own
            # spelling and IAM compares condition values case by case: one spelling never matches.
            problems.append(
                _problem(
                    entry.index,
                    "github_repo",
                    "case",
                    f"repositories[{entry.index}]: GitHub repository {repo!r} is repositories"
                    f"[{first.index}]'s {first.settings.github_repo!r} spelled in another case; "
                    "GitHub's token carries one spelling and IAM compares it exactly, so spell "
                    "both as GitHub shows it.",
                )
            )
    roles: dict[str, Entry] = {}
    for entry in entries:
        s = entry.settings
        first = roles.setdefault(s.role_name.lower(), entry)
        if first is entry:
            continue
        if first.settings.role_name != s.role_name:
            # IAM role names are unique regardless of case: these would be one role.
            problems.append(
                _problem(
                    entry.index,
                    "role_name",
                    "case",
                    f"repositories[{entry.index}]: role {s.role_name!r} and repositories"
                    f"[{first.index}]'s {first.settings.role_name!r} differ only in case, which "
                    "IAM treats as one role; spell them the same to share it, or pick another "
                    "name.",
                )
            )
        elif first.settings.policy_name != s.policy_name:
            problems.append(
                _problem(
                    entry.index,
                    "policy_name",
                    "shared-role",
                    f"repositories[{entry.index}]: shares role {s.role_name!r} with repositories"
                    f"[{first.index}] but names push policy {s.policy_name!r} instead of "
                    f"{first.settings.policy_name!r}; a shared role has one push policy.",
                )
            )
        elif first.settings.public != s.public:
            problems.append(
                _problem(
                    entry.index,
                    "public",
                    "shared-role",
                    f"repositories[{entry.index}]: shares role {s.role_name!r} with repositories"
                    f"[{first.index}], but one is ECR Public and the other private; give them "
                    "separate roles.",
                )
            )
    return problems
