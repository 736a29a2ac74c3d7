"""Benchmark: many repositories in one run (`apply --manifest`), 1, 10 and 100 of them.

For each size, against one moto server reset before each round: the wall time, API calls and
write calls of the first `apply --manifest FILE --yes` and of its re-run (which must write
nothing). Times are whole subprocesses (interpreter start-up included: what a person waits
for); the engine's own time, in this process without start-up, is measured beside them.

    python bench/many_repositories.py                 # 1, 10, 100 repositories, 3 rounds
    python bench/many_repositories.py --markdown      # README-ready table

Sizes alternate in order from round to round, and results are medians. Exit 0 when measured,
1 when a command failed or a re-run wrote. Not a test: no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import (
    REGION,
    BenchError,
    Moto,
    bench_env,
    find_tool,
    log,
    run_timed,
)

SIZES = (1, 10, 100)
TARGET_RATIO = 15.0


def manifest_text(count: int) -> str:
    lines = ["version = 1", "[answers]", f'region = "{REGION}"', 'branches = ["main"]']
    for n in range(count):
        lines += [
            "[[repositories]]",
            f'github_repo = "bench-org/service-{n:03d}"',
            f'ecr_repository = "bench/service-{n:03d}"',
            f'role_name = "GitHubActionsService{n:03d}Push"',
        ]
    return "\n".join(lines) + "\n"


def cli_round(moto: Moto, wizard: str, env: dict[str, str], path: Path) -> dict[str, Any]:
    cmd = [wizard, "apply", "--manifest", str(path), "--yes", "--endpoint-url", moto.url]
    moto.reset()
    (first_s, _), first = moto.recorded(lambda: run_timed(cmd, env, path.parent))
    (again_s, _), again = moto.recorded(lambda: run_timed(cmd, env, path.parent))
    return {
        "first_s": first_s,
        "first_calls": len(first),
        "first_writes": sum(c.is_write for c in first),
        "rerun_s": again_s,
        "rerun_calls": len(again),
        "rerun_writes": sum(c.is_write for c in again),
    }


# The engine's own time: imports done first, then plan + apply timed, in a process of its own
# (moto in this one would share a GIL with the engine's threads and slow both).
ENGINE_SCRIPT = """
import json, sys, time
from wizard.aws import Aws
from wizard.manifest.engine import apply_manifest, plan_manifest
from wizard.manifest.model import load_manifest
path, url, region = sys.argv[1:4]
manifest = load_manifest(__import__("pathlib").Path(path), {"endpoint_url": url})
out = {}
for label in ("engine_first_s", "engine_rerun_s"):
    aws = Aws(region=region, endpoint_url=url, retry_mode="adaptive", max_pool_connections=10)
    start = time.perf_counter()
    apply_manifest(plan_manifest(manifest, aws))
    out[label] = time.perf_counter() - start
print(json.dumps(out))
"""


def engine_round(moto: Moto, env: dict[str, str], path: Path) -> dict[str, float]:
    """plan + apply through the engine: no interpreter start-up, no printing."""
    moto.reset()
    cmd = [sys.executable, "-c", ENGINE_SCRIPT, str(path), moto.url, REGION]
    _, printed = run_timed(cmd, env, path.parent)
    line = next(x for x in printed.splitlines() if x.startswith('{"engine_first_s"'))
    found: dict[str, float] = json.loads(line)
    return found


def measure(rounds: int) -> dict[int, list[dict[str, Any]]]:
    samples: dict[int, list[dict[str, Any]]] = {n: [] for n in SIZES}
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir, workdir / "pycache")
        wizard = find_tool("ecr-oidc-wizard")
        moto = Moto(workdir)
        try:
            paths = {}
            for n in SIZES:
                paths[n] = workdir / f"manifest-{n}.toml"
                paths[n].write_text(manifest_text(n), encoding="utf-8")
            cli_round(moto, wizard, env, paths[1])  # warm-up: byte-code cache, moto backends
            for number in range(rounds):
                order = SIZES if number % 2 == 0 else tuple(reversed(SIZES))
                for n in order:
                    log(f"round {number + 1}/{rounds}: {n} repositories")
                    sample = cli_round(moto, wizard, env, paths[n])
                    sample.update(engine_round(moto, env, paths[n]))
                    if sample["rerun_writes"]:
                        raise BenchError(f"the re-run of {n} repositories wrote")
                    samples[n].append(sample)
        finally:
            moto.stop()
    return samples


def summary(samples: dict[int, list[dict[str, Any]]]) -> dict[int, dict[str, float]]:
    keys = samples[SIZES[0]][0].keys()
    return {
        n: {k: statistics.median(s[k] for s in rows) for k in keys} for n, rows in samples.items()
    }


def markdown(found: dict[int, dict[str, float]], rounds: int) -> str:
    one = found[1]
    lines = [
        f"Medians of {rounds} rounds; `apply --manifest FILE --yes` as a subprocess against one "
        "moto server, reset before each first run.",
        "",
        "| repositories | first run: wall time / calls / writes | re-run: wall time / calls / "
        "writes | wall time vs 1 (first, re-run) | engine alone, first / re-run (vs 1) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for n, row in found.items():
        lines.append(
            f"| {n} | {row['first_s']:.2f} s / {row['first_calls']:.0f} / "
            f"{row['first_writes']:.0f} | {row['rerun_s']:.2f} s / {row['rerun_calls']:.0f} / "
            f"**{row['rerun_writes']:.0f}** | {row['first_s'] / one['first_s']:.1f}× / "
            f"{row['rerun_s'] / one['rerun_s']:.1f}× | {row['engine_first_s']:.2f} s / "
            f"{row['engine_rerun_s']:.2f} s ({row['engine_first_s'] / one['engine_first_s']:.0f}× "
            f"/ {row['engine_rerun_s'] / one['engine_rerun_s']:.0f}×) |"
        )
    big = found[SIZES[-1]]
    per_repo = (big["first_calls"] - one["first_calls"]) / (SIZES[-1] - 1)
    lines += [
        "",
        f"Target: {SIZES[-1]} repositories in at most {TARGET_RATIO:.0f}× the wall time of one: "
        f"{big['first_s'] / one['first_s']:.1f}× (first run), "
        f"{big['rerun_s'] / one['rerun_s']:.1f}× (re-run). Calls grow by "
        f"{per_repo:.1f} per repository on a first run and "
        f"{(big['rerun_calls'] - one['rerun_calls']) / (SIZES[-1] - 1):.1f} on a re-run "
        "(linear: each repository adds the same reads and writes; the provider and the caller's "
        "identity are read once per run).",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="README-ready table")
    args = parser.parse_args(argv)
    try:
        samples = measure(max(1, args.rounds))
    except BenchError as exc:
        log(f"benchmark failed: {exc}")
        return 1
    found = summary(samples)
    if args.markdown:
        print(markdown(found, args.rounds))
    else:
        for n, row in found.items():
            print(n, {k: round(v, 3) for k, v in row.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
