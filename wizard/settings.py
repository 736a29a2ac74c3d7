"""The answers a person gives, and where they are remembered.

`./ecr-oidc-wizard.toml` keeps the answers and what was created (never a secret), so a later run
or a single re-run step needs no retyping; command-line flags override it.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from wizard.iam.issuer import Issuer, choose_issuer
from wizard.safe_write import write_new_then_rename

CONFIG_NAME = "ecr-oidc-wizard.toml"
CONFIG_VERSION = 1
TRUST_POLICY_FILE = "github-actions-trust-policy.json"
PUSH_POLICY_FILE = "ecr-push-policy.json"

DEFAULT_POLICY_NAME = "ECRPushPolicy"
DEFAULT_MUTABILITY = "IMMUTABLE_WITH_EXCLUSION"
DEFAULT_EXCLUSIONS = ("latest",)


# Answers that hold for one run only: consent to take over a role, and an endpoint override
# (remembered, it would quietly send every later run to an emulator).
ONE_RUN_ANSWERS = frozenset({"adopt_role", "endpoint_url"})


class ConfigError(Exception):
    """The config file cannot be read; it is left untouched."""


@dataclass
class Settings:
    github_repo: str = ""
    ecr_repository: str = ""
    role_name: str = ""
    policy_name: str = DEFAULT_POLICY_NAME
    region: str = ""
    profile: str = ""
    endpoint_url: str = ""
    # Who may assume the role. Several entries are ORed. Empty everywhere means the
    # default branch only (`main` until GitHub tells otherwise).
    branches: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pull_requests: bool = False
    any_ref: bool = False
    # `repo:OWNER/*`: every repository of the owner. Only when explicitly asked for.
    any_repo_of_owner: bool = False
    tag_mutability: str = DEFAULT_MUTABILITY
    mutability_exclusions: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUSIONS))
    scan_on_push: bool = True
    public: bool = False
    thumbprints: list[str] = field(default_factory=list)
    # The GitHub repository's identity as GitHub reports it (filled from the API when a
    # token is available, or stated by the user).
    subject_format: str = "default"  # "default" | "immutable"
    owner_id: str = ""
    repo_id: str = ""
    # A custom OIDC subject template (`include_claim_keys`); empty means GitHub's default.
    sub_claim_keys: list[str] = field(default_factory=list)
    require_repository_id: bool = False
    # Replace the trust policy of an existing role the wizard did not create.
    adopt_role: bool = False
    default_branch: str = "main"
    # GitHub side (steps 5-6)
    # Empty means api.github.com (or GITHUB_API_URL); GHES is https://HOST/api/v3.
    github_api_url: str = ""
    # The OIDC issuer of the workflow's tokens. Empty means the one the API URL implies
    # (github.com, GHES's https://HOST/_services/token, GHE.com's token.actions.SUB.ghe.com);
    # an enterprise's unique issuer (https://token.actions.githubusercontent.com/SLUG) is
    # given here, since a repository's token cannot read that enterprise setting.
    issuer: str = ""
    # Where the role ARN and region go: Actions "secrets" (the guide) or "variables" (they are
    # not secret, and variables are not masked in logs).
    github_values_as: str = "secrets"
    # Empty: derived from the repository's name (wizard.defaults), e.g. build-my-app.yml.
    workflow_file: str = ""
    workflow_name: str = ""
    # The first part of the immutable tag: a literal, or `file:PATH` read from the checkout.
    image_version: str = "0.1.0"
    dockerfile: str = "Dockerfile"
    build_context: str = "."
    # The ref step 6 runs the workflow on; empty means the default branch.
    workflow_ref: str = ""
    run_poll_seconds: float = 5.0
    run_timeout_seconds: float = 1800.0

    def __post_init__(self) -> None:
        self._derive_workflow_names(None)

    def _derive_workflow_names(self, previous: Settings | None) -> None:
        """Fill the workflow's file and name from the repository when they are empty, or were
        derived from the repository `previous` named (then the repository changed since)."""
        from wizard.defaults import workflow_names

        names = workflow_names(self.github_repo, self.ecr_repository)
        if names is None:
            return
        before = (
            workflow_names(previous.github_repo, previous.ecr_repository)
            if previous is not None
            else None
        )
        if not self.workflow_file or (before and self.workflow_file == before[0]):
            self.workflow_file = names[0]
        if not self.workflow_name or (before and self.workflow_name == before[1]):
            self.workflow_name = names[1]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        return cls(**{name: _typed(name, value, known[name]) for name, value in data.items()})

    def merged(self, overrides: dict[str, Any]) -> Settings:
        """A copy with every override that is not None applied (flags beat the file)."""
        data = self.to_dict()
        data.update({k: v for k, v in overrides.items() if v is not None})
        return Settings.from_dict(data).normalised(self)

    def normalised(self, previous: Settings | None = None) -> Settings:
        """A copy read as meant: no surrounding spaces, and a pasted repository URL as
        OWNER/REPO (see wizard.normalise). Workflow names derived from `previous`'s repository
        follow a change of repository."""
        from wizard import normalise

        data = self.to_dict()
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = value.strip()
            elif isinstance(value, list):
                data[name] = normalise.stripped(str(v) for v in value)
        data["github_repo"] = normalise.github_repo(data["github_repo"], data["github_api_url"])
        out = Settings(**data)
        out._derive_workflow_names(previous)
        return out

    @property
    def oidc_issuer(self) -> Issuer:
        """The chosen issuer; raises ValueError when `issuer` or `github_api_url` is invalid."""
        return choose_issuer(self.issuer, self.github_api_url)

    @property
    def owner(self) -> str:
        return self.github_repo.split("/", 1)[0]

    @property
    def repo_name(self) -> str:
        return self.github_repo.split("/", 1)[-1]


def _typed(name: str, value: Any, kind: Any) -> Any:
    """A value of the field's type, or ConfigError naming the field: a hand-written answers file
    (or a saved plan) with `branches = "main"` would otherwise admit the branches m, a, i and n,
    and `scan_on_push = "false"` would turn scanning on."""
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if (
        kind == "list[str]"
        and isinstance(value, list | tuple)
        and all(isinstance(v, str) for v in value)
    ):
        return list(value)
    wanted = {
        "bool": "true or false",
        "str": "text",
        "float": "a number",
        "list[str]": 'a list of text, e.g. ["main"]',
    }.get(str(kind), str(kind))
    raise ConfigError(f"setting {name!r} must be {wanted}, not {value!r}")


@dataclass
class Remembered:
    """The whole config file: answers plus what was created."""

    settings: Settings = field(default_factory=Settings)
    created: dict[str, str] = field(default_factory=dict)
    # The format the file was read in; saving writes CONFIG_VERSION, and says so when it differs.
    format_version: int = CONFIG_VERSION
    # One-run answers found in the file and not used (see ONE_RUN_ANSWERS).
    ignored: tuple[str, ...] = ()


def load(path: Path) -> Remembered:
    if not path.exists():
        return Remembered()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path} cannot be read ({exc}). It was left as it is: fix it, move it away, "
            "or pass --config with another path."
        ) from exc
    # A file without a version predates versioning: format 0.
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ConfigError(
            f"{path}: 'version' must be a whole number, not {version!r}; it was left as it is."
        )
    if version > CONFIG_VERSION:
        raise ConfigError(
            f"{path} was written by a newer ecr-oidc-wizard (format {version}); "
            "it was left as it is. Upgrade the tool or pass --config with another path."
        )
    answers = data.get("answers", {})
    created = data.get("created", {})
    if not isinstance(answers, dict) or not isinstance(created, dict):
        raise ConfigError(f"{path}: [answers] and [created] must be tables; it was left as it is.")
    # One-run answers are never taken from a file: a planted `adopt_role = true` must not make
    # a later run take over a role, nor a planted endpoint send it to another server.
    ignored = sorted(k for k in answers if k in ONE_RUN_ANSWERS)
    answers = {k: v for k, v in answers.items() if k not in ONE_RUN_ANSWERS}
    try:
        settings = Settings.from_dict(answers)
    except (ConfigError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}; it was left as it is.") from exc
    return Remembered(
        settings=settings,
        created={str(k): str(v) for k, v in created.items()},
        format_version=version,
        ignored=tuple(ignored),
    )


def save(path: Path, remembered: Remembered) -> str:
    """Write the config atomically with mode 0600: it names the account and its resources.

    Returns a sentence to show when an older file's format was upgraded, else ""."""
    answers = {
        k: v
        for k, v in remembered.settings.to_dict().items()
        if v not in ("", None) and k not in ONE_RUN_ANSWERS
    }
    document = {"version": CONFIG_VERSION, "answers": answers, "created": remembered.created}
    write_private(path, tomli_w.dumps(document))
    upgraded = remembered.format_version
    remembered.format_version = CONFIG_VERSION
    if upgraded == CONFIG_VERSION:
        return ""
    return (
        f"{path} was in an older format ({upgraded}); it now uses format {CONFIG_VERSION}, "
        "with every answer kept."
    )


def write_private(path: Path, text: str) -> None:
    """Atomic and 0600 from the first byte, never through a link (see `wizard.safe_write`)."""
    write_new_then_rename(path, text, mode=0o600)
