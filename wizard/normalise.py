"""Forgiving input where it is unambiguous: what people paste, read as what they meant.

A repository URL copied from the browser or from `git remote -v` names exactly one
OWNER/REPO, and spaces around a pasted value are never part of a name (no AWS or GitHub name
may hold one). Anything else is left as typed, for the validators to refuse with a reason.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable

# github.com only, or the host of the GitHub Enterprise Server API the person named: a URL of
# another host could name another server's repository of the same name.
_WEB = re.compile(
    r"^(?:https?://|ssh://git@|git@)(?P<host>[A-Za-z0-9.-]+(?::\d+)?)[:/]"
    r"(?P<owner>[^/\s]+)/(?P<repo>[^/\s]+?)(?:\.git)?/?$"
)


def github_hosts(api_url: str = "") -> frozenset[str]:
    """The hosts whose repository URLs name a repository of this API."""
    hosts = {"github.com", "www.github.com"}
    host = urllib.parse.urlsplit(api_url).hostname if api_url else None
    if host and host != "api.github.com":
        hosts.add(host.lower())
    return frozenset(hosts)


def github_repo(value: str, api_url: str = "") -> str:
    """OWNER/REPO from `OWNER/REPO`, `https://github.com/OWNER/REPO(.git)` or
    `git@github.com:OWNER/REPO.git`; anything else comes back stripped, as typed."""
    text = value.strip()
    match = _WEB.match(text)
    if match is None:
        return text
    host = match.group("host").split(":")[0].lower()
    if host not in github_hosts(api_url):
        return text
    return f"{match.group('owner')}/{match.group('repo')}"


def stripped(values: Iterable[str]) -> list[str]:
    """Each value without surrounding spaces; values left empty are dropped."""
    return [v.strip() for v in values if v.strip()]
