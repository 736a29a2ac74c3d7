"""The sandbox's promise that nothing leaves the machine, enforced rather than hoped for.

An audit hook sees every `socket.connect`, `socket.sendto`/`sendmsg` and name lookup before
the operating system does, so refusing there means no packet and no DNS query is ever sent.
Audit hooks cannot be removed, so the hook is installed once and only acts while a sandbox
is open.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from typing import Any

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
_LOOKUPS = frozenset(
    {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}
)
_SENDS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})

_lock = threading.Lock()
_installed = False
_depth = 0


class SandboxNetworkRefused(ConnectionRefusedError):
    """A connection or lookup beyond this machine, refused before it was made."""


def is_loopback(host: object) -> bool:
    """True for 127.0.0.0/8, ::1 and the names that mean this machine."""
    if host is None:
        return True  # getaddrinfo(None, port) asks for a local (passive) address
    if isinstance(host, bytes):
        host = host.decode("ascii", errors="replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].rstrip(".").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    raise SandboxNetworkRefused(
        f"Sandbox mode refused {what}: in the sandbox nothing leaves this machine (only "
        "127.0.0.1 is reachable). Run without --sandbox to use real AWS and GitHub."
    )


def _check_address(sock: Any, address: Any, event: str) -> None:
    family = getattr(sock, "family", None)
    if family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink and the like never leave the machine
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback(host):
        _refuse(f"{event.removeprefix('socket.')} to {address!r}")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _depth == 0:
        return
    if event in _SENDS:
        if len(args) >= 2 and args[1] is not None:
            _check_address(args[0], args[1], event)
    elif event in _LOOKUPS:
        host = args[0] if args else None
        if isinstance(host, tuple):  # getnameinfo((host, port), flags)
            host = host[0] if host else None
        if not is_loopback(host):
            _refuse(f"a name lookup of {host!r}")


def enable() -> None:
    """Start refusing non-loopback traffic (nests: each enable needs a disable)."""
    global _installed, _depth
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _depth += 1


def disable() -> None:
    global _depth
    with _lock:
        _depth = max(0, _depth - 1)


def active() -> bool:
    return _depth > 0
