"""Which GitHub issues the workflow's OIDC token, and how IAM names it.

An IAM OIDC provider is named by its issuer URL without the scheme; that name is the last part
of the provider's ARN and the prefix of every condition key STS exposes for its tokens
(``NAME:sub``, ``NAME:aud``, ...). GitHub has four kinds of issuer:

* github.com: ``https://token.actions.githubusercontent.com``.
* GitHub Enterprise Server: ``https://HOSTNAME/_services/token`` (docs.github.com/en/
  enterprise-server@latest/actions/reference/security/oidc, "iss"; its AWS guide keys the
  trust policy on ``HOSTNAME/_services/token:sub``).
* GitHub Enterprise Cloud with a unique issuer (enterprise setting ``include_enterprise_slug``):
  ``https://token.actions.githubusercontent.com/ENTERPRISE_SLUG`` (docs.github.com/en/
  enterprise-cloud@latest/actions/reference/security/oidc, "Customizing the issuer value for an
  enterprise"). A provider URL with a path gives keys with that path, as EKS's ``.../id/X:sub``.
* GHE.com (data residency): ``githubusercontent.com`` becomes ``SUBDOMAIN.ghe.com``, so the
  issuer is ``https://token.actions.SUBDOMAIN.ghe.com``, and with a unique issuer
  ``https://token.actions.SUBDOMAIN.ghe.com/SUBDOMAIN`` (same page, "Substituted values on
  GHE.com"). Its API is ``https://api.SUBDOMAIN.ghe.com``.

Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

GITHUB_COM_NAME = "token.actions.githubusercontent.com"
GHES_PATH = "/_services/token"

# aws-cn's STS asks for its own audience (configure-aws-credentials sends it in cn- regions).
CN_AUDIENCE = "sts.amazonaws.com.cn"
DEFAULT_AUDIENCE = "sts.amazonaws.com"
# IAM API Reference, CreateOpenIDConnectProvider, Url: "The URL should not contain a port
# number."
NO_PORT = "an IAM OIDC provider URL holds no port number"

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = rf"{_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?"
_SLUG = r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?"
_DOTCOM = re.compile(rf"^token\.actions\.githubusercontent\.com(?:/(?P<slug>{_SLUG}))?$")
_GHE_COM = re.compile(rf"^token\.actions\.(?P<sub>{_LABEL})\.ghe\.com(?:/(?P<slug>{_SLUG}))?$")
_GHES = re.compile(rf"^(?P<host>{_HOST})/_services/token$")
_GHE_COM_API = re.compile(rf"^api\.(?P<sub>{_LABEL})\.ghe\.com$")
_GHE_COM_HOST = re.compile(rf"^(?P<sub>{_LABEL})\.ghe\.com$")


@dataclass(frozen=True)
class Issuer:
    """One GitHub OIDC issuer. `name` is the URL without ``https://`` (IAM's provider name)."""

    name: str
    kind: str  # "github.com" | "enterprise" (unique issuer) | "ghes" | "ghe.com"

    @property
    def url(self) -> str:
        return f"https://{self.name}"

    def key(self, claim: str) -> str:
        """The condition key STS exposes for `claim` of this issuer's tokens."""
        return f"{self.name}:{claim}"

    @property
    def key_prefix(self) -> str:
        return f"{self.name}:"

    def provider_arn(self, partition: str, account_id: str) -> str:
        return f"arn:{partition}:iam::{account_id}:oidc-provider/{self.name}"

    @property
    def words(self) -> str:
        return {
            "github.com": "GitHub (github.com)",
            "enterprise": "GitHub Enterprise Cloud (unique issuer)",
            "ghes": "GitHub Enterprise Server",
            "ghe.com": "GitHub Enterprise Cloud (GHE.com)",
        }[self.kind]


GITHUB_COM = Issuer(GITHUB_COM_NAME, "github.com")


def audience(partition: str) -> str:
    """The audience configure-aws-credentials asks STS for in this partition."""
    return CN_AUDIENCE if partition == "aws-cn" else DEFAULT_AUDIENCE


def issuer_from_name(name: str) -> Issuer | None:
    """The issuer an IAM provider name (URL without scheme) stands for; None when not GitHub's."""
    lowered = name.strip().lower().rstrip("/")
    found = _DOTCOM.match(lowered)
    if found:
        return Issuer(lowered, "enterprise" if found["slug"] else "github.com")
    found = _GHE_COM.match(lowered)
    if found:
        return Issuer(lowered, "ghe.com")
    if _GHES.match(lowered) and not lowered.startswith(GITHUB_COM_NAME):
        return Issuer(lowered, "ghes")
    return None


def issuer_of_provider_arn(arn: str) -> Issuer | None:
    """The GitHub issuer an ``arn:...:oidc-provider/NAME`` names, whatever its account."""
    _, sep, name = arn.partition(":oidc-provider/")
    if not sep or not arn.startswith("arn:"):
        return None
    return issuer_from_name(name)


def parse_issuer(text: str) -> Issuer:
    """An issuer URL a person typed (``--issuer``). Raises ValueError naming the rule."""
    raw = text.strip()
    parts = urlsplit(raw)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"issuer must be an https:// URL, got {raw!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"issuer must be a plain https://HOST[/PATH] URL, got {raw!r}")
    if ":" in parts.netloc:
        raise ValueError(f"issuer must not hold a port ({NO_PORT}), got {raw!r}")
    found = issuer_from_name(parts.netloc + parts.path)
    if found is None:
        raise ValueError(
            f"issuer {raw!r} is not a GitHub Actions issuer: expected "
            "https://token.actions.githubusercontent.com[/ENTERPRISE_SLUG], "
            "https://HOSTNAME/_services/token (GitHub Enterprise Server) or "
            "https://token.actions.SUBDOMAIN.ghe.com[/SUBDOMAIN] (GHE.com)"
        )
    return found


def issuer_for_api(api_url: str) -> Issuer:
    """The issuer whose tokens the GitHub behind `api_url` mints by default.

    ``https://api.github.com`` (or nothing) is github.com; ``https://api.SUBDOMAIN.ghe.com`` is
    GHE.com; ``https://HOST/api/v3`` (GHES's API base) is GitHub Enterprise Server. A URL of no
    such shape (a proxy in front of github.com, say) does not tell: github.com's issuer is kept,
    and ``--issuer`` names another. An enterprise's unique issuer cannot be read either: the
    REST API only sets it (``PUT /enterprises/{enterprise}/actions/oidc/customization/issuer``,
    no GET), so it too is given with ``--issuer``.
    Raises ValueError for a URL that is not http(s).
    """
    raw = api_url.strip()
    if not raw:
        return GITHUB_COM
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError(f"GitHub API URL must be https://HOST[/api/v3], got {raw!r}")
    if host in ("api.github.com", "github.com", "www.github.com"):
        return GITHUB_COM
    # GHE.com's API is api.SUBDOMAIN.ghe.com; SUBDOMAIN.ghe.com itself (with /api/v3 added
    # by habit from Enterprise Server) is the same tenant, never an Enterprise Server.
    found = _GHE_COM_API.match(host) or _GHE_COM_HOST.match(host)
    if found:
        return Issuer(f"token.actions.{found['sub']}.ghe.com", "ghe.com")
    if parts.path.rstrip("/") != "/api/v3":
        return GITHUB_COM
    if ":" in parts.netloc:
        # Port 8443 is the Management Console's, not the issuer's: GHES signs its tokens as
        # https://HOSTNAME/_services/token, and IAM's provider URL holds no port.
        raise ValueError(
            f"the issuer cannot be told from a GitHub API URL with a port ({NO_PORT}), got "
            f"{raw!r}: pass --issuer https://{host}/_services/token"
        )
    return Issuer(f"{host}{GHES_PATH}", "ghes")


def choose_issuer(issuer: str, api_url: str) -> Issuer:
    """`issuer` when given (it must be a GitHub issuer), else the one `api_url` implies."""
    return parse_issuer(issuer) if issuer.strip() else issuer_for_api(api_url)
