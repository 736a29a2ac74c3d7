"""Benchmark: `explain` on long build logs (classify, then render), 0.1 to 10 MB.

The log is a docker build's output with terminal escape sequences sprinkled in, and one known
error either at the end (where a failed step stops) or at the start. Prints the median and the
worst of N rounds per size; asserts nothing (it is not a test).

    python bench/explain_log.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wizard.troubleshoot import classify, explain_text

LINE = "2026-11-30T10:00:00.0000000Z #12 [build 3/9] RUN pip install -r requirements.txt\n"
HOSTILE = "\x1b]0;title\x07\x1b[2A\x1b[32mok\x1b[0m\n"
ERROR = "denied: Your authorization token has expired. Reauthenticate and try again.\n"


def log(size: int, error_at_end: bool) -> str:
    body = (LINE * 50 + HOSTILE) * max(1, size // (len(LINE) * 50 + len(HOSTILE)))
    return body + ERROR if error_at_end else ERROR + body


def measure(text: str, rounds: int) -> tuple[float, float, str]:
    samples = []
    case = ""
    for _ in range(rounds):
        started = time.perf_counter()
        found = classify(text)
        explain_text(text)
        samples.append(time.perf_counter() - started)
        case = found[0].case if found else "-"
    return statistics.median(samples), max(samples), case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| log size | error at | median (classify + render) | worst | case |")
    print("| --- | --- | --- | --- | --- |")
    for size in (100_000, 1_000_000, 10_000_000):
        for at_end in (True, False):
            median, worst, case = measure(log(size, at_end), args.rounds)
            where = "end" if at_end else "start"
            print(f"| {size / 1e6:g} MB | {where} | {median:.2f} s | {worst:.2f} s | {case} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
