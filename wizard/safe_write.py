"""Write a file without ever following a link: the one way the wizard writes documents.

The text goes to a new temporary file beside the target, created with ``O_CREAT | O_EXCL |
O_NOFOLLOW`` (so a link planted under the temporary name is refused, never written through),
with its final mode from the first byte; then it is renamed over the target. A rename replaces
a link at the target itself rather than writing where it points.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def write_new_then_rename(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Atomically replace `path` with `text`; raises OSError if the temporary name exists."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, _FLAGS, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def outside(path: Path, root: Path) -> Path | None:
    """The real location of `path` when links take it outside `root`, else None."""
    real = path.resolve()
    try:
        real.relative_to(root.resolve())
    except ValueError:
        return real
    return None
