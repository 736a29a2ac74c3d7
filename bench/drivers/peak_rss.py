"""Peak resident set of one command: `peak_rss.py OUT.json CMD ARGS...`.

Linux counts, in a child's ru_maxrss, the high-water mark of the memory it had before `exec`:
a child forked (or vforked) from the benchmark process, which holds moto, starts out "as big as"
the benchmark. This launcher is a fresh, small interpreter: the command is forked from it, so
what it inherits (a few MiB) is below any real peak. Writes {"maxrss_kib", "returncode"}.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    out, cmd = argv[0], argv[1:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"maxrss_kib": usage.ru_maxrss, "returncode": code}, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
