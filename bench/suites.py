"""The sub-benchmarks `bench/run.py` runs besides `apply` vs the aws CLI (see bench/README.md).

Each `measure_*` takes the shared moto server, the tools and the temp directory from run.py,
returns a JSON-able dict, and each `*_markdown` turns that dict into a README-ready section.
Times are wall clock on a shared machine: read ratios and medians from one interleaved run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness import (
    COMMAND_TIMEOUT_S,
    ECR_REPOSITORY,
    GITHUB_REPO,
    REGION,
    ROLE_NAME,
    BenchError,
    Moto,
    Tools,
    log,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DRIVERS = BENCH / "drivers"
STARTUP_RATIO_TARGET = 0.5
# The first frame against a bare Textual app (header, one line, footer) on the same machine,
# and the sandbox's first frame against the app's.
FLOOR_RATIO_TARGET = 1.5
SANDBOX_RATIO_TARGET = 1.2
KEY_LATENCY_TARGET_MS = 30.0
KEY_LATENCY_MAX_TARGET_MS = 100.0
SLOW_AWS_DELAY_S = 3.0
GITHUB_TOKEN = "ghp_bench0000000000000000000000000000token"

TARGET_ARGS = (
    "--github-repo", GITHUB_REPO,
    "--ecr-repository", ECR_REPOSITORY,
    "--role-name", ROLE_NAME,
    "--region", REGION,
)  # fmt: skip


def stats(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def _rotated(names: Sequence[str], number: int) -> list[str]:
    shift = number % len(names)
    return [*names[shift:], *names[:shift]]


# --- start-up ---------------------------------------------------------------------------------


def first_screen(
    env: dict[str, str],
    cwd: Path,
    moto: Moto | None,
    args: Sequence[str] = TARGET_ARGS,
) -> dict[str, Any]:
    """The real CLI path to the welcome screen's first frame, headless, on a pseudo terminal.
    `moto` None: `args` alone (the bare Textual app, or the sandbox with its own emulator)."""
    master, slave = os.openpty()
    cmd = [sys.executable, str(DRIVERS / "first_screen.py"), *args]
    if moto is not None:
        cmd += ["--endpoint-url", moto.url, "--config", str(cwd / "startup.toml")]
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True
    )
    os.close(slave)
    report: dict[str, Any] | None = None
    lines: list[str] = []
    try:
        assert child.stderr is not None
        for line in child.stderr:
            if line.startswith("FIRST-SCREEN "):
                report = json.loads(line.split(" ", 1)[1])
                report["wall_to_first_screen_s"] = time.perf_counter() - start
                break
            lines.append(line)
        rest = child.communicate(timeout=COMMAND_TIMEOUT_S)[1]
        report_total = time.perf_counter() - start
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
            child.wait()
    if report is None or child.returncode != 0:
        raise BenchError(f"first-screen driver: exit {child.returncode}\n{''.join(lines)}{rest}")
    report["wall_total_s"] = report_total
    return report


def timed(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        list(cmd), env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
        timeout=COMMAND_TIMEOUT_S, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchError(f"exit {done.returncode}: {' '.join(cmd)}\n{done.stderr[-2000:]!r}")
    return elapsed


def measure_startup(
    moto: Moto, tools: Tools, workdir: Path, rounds: int, warmup: int
) -> dict[str, Any]:
    cwd = workdir / "startup"
    cwd.mkdir(exist_ok=True)
    profile_config = cwd / "aws-config"
    profile_config.write_text(f"[default]\nregion = {REGION}\n", encoding="utf-8")
    # A user whose region is in ~/.aws/config, not in AWS_REGION.
    profile_env = {
        k: v for k, v in tools.env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")
    }
    profile_env["AWS_CONFIG_FILE"] = str(profile_config)
    at = TARGET_ARGS.index("--region")
    profile_args = [*TARGET_ARGS[:at], *TARGET_ARGS[at + 2 :]]

    variants: dict[str, Callable[[], Any]] = {
        "first_screen": lambda: first_screen(tools.env, cwd, moto),
        "first_screen_profile_region": lambda: first_screen(profile_env, cwd, moto, profile_args),
        "bare_textual": lambda: first_screen(tools.env, cwd, None, ["--bare-textual"]),
        "sandbox": lambda: first_screen(tools.env, cwd, None, ["--sandbox"]),
        "help": lambda: timed([tools.wizard, "--help"], tools.env, cwd),
        "aws_version": lambda: timed([tools.aws, "--version"], tools.env, cwd),
    }
    samples: dict[str, list[Any]] = {name: [] for name in variants}
    for _ in range(warmup):
        for run in variants.values():
            run()
    for number in range(rounds):
        for name in _rotated(list(variants), number):
            samples[name].append(variants[name]())
        s = {k: v[-1] for k, v in samples.items()}
        log(
            f"startup round {number + 1}/{rounds}: first screen "
            f"{s['first_screen']['wall_to_first_screen_s']:.3f}s (profile region "
            f"{s['first_screen_profile_region']['wall_to_first_screen_s']:.3f}s), --help "
            f"{s['help']:.3f}s, aws --version {s['aws_version']:.3f}s"
        )
    screen = [s["wall_to_first_screen_s"] for s in samples["first_screen"]]
    profile = [s["wall_to_first_screen_s"] for s in samples["first_screen_profile_region"]]
    bare = [s["wall_to_first_screen_s"] for s in samples["bare_textual"]]
    sandbox = [s["wall_to_first_screen_s"] for s in samples["sandbox"]]
    floor_ratio = statistics.median(screen) / statistics.median(bare)
    sandbox_ratio = statistics.median(sandbox) / statistics.median(screen)
    aws = samples["aws_version"]
    ratio = statistics.median(screen) / statistics.median(aws)
    paired = [a / b for a, b in zip(screen, aws, strict=True)]
    every = samples["first_screen"] + samples["first_screen_profile_region"]
    return {
        "seconds": {
            "first_screen": stats(screen),
            "first_screen_in_process": stats([s["first_paint_s"] for s in samples["first_screen"]]),
            "first_screen_process_total": stats(
                [s["wall_total_s"] for s in samples["first_screen"]]
            ),
            "first_screen_profile_region": stats(profile),
            "bare_textual": stats(bare),
            "sandbox": stats(sandbox),
            "help": stats(samples["help"]),
            "aws_version": stats(aws),
        },
        "ratio_first_screen_over_aws_version": ratio,
        "ratio_first_screen_over_bare_textual": floor_ratio,
        "paired_floor_ratio": stats([a / b for a, b in zip(screen, bare, strict=True)]),
        "floor_ratio_target": FLOOR_RATIO_TARGET,
        "floor_ratio_target_met": floor_ratio <= FLOOR_RATIO_TARGET,
        "ratio_sandbox_over_first_screen": sandbox_ratio,
        "sandbox_ratio_target": SANDBOX_RATIO_TARGET,
        "sandbox_ratio_target_met": sandbox_ratio <= SANDBOX_RATIO_TARGET,
        "paired_ratio": stats(paired),
        "ratio_profile_region_over_aws_version": statistics.median(profile)
        / statistics.median(aws),
        "ratio_help_over_aws_version": statistics.median(samples["help"]) / statistics.median(aws),
        "ratio_target": STARTUP_RATIO_TARGET,
        "ratio_target_met": ratio <= STARTUP_RATIO_TARGET,
        "boto3_at_first_paint": sorted({bool(s["boto3_at_paint"]) for s in every}),
        "botocore_at_first_paint": {
            "region_in_env": sorted(
                {bool(s["botocore_at_paint"]) for s in samples["first_screen"]}
            ),
            "region_in_profile": sorted(
                {bool(s["botocore_at_paint"]) for s in samples["first_screen_profile_region"]}
            ),
        },
        "import_threads": {
            "region_in_env": samples["first_screen"][-1]["imports"],
            "region_in_profile": samples["first_screen_profile_region"][-1]["imports"],
        },
        "rounds": rounds,
    }


def startup_markdown(r: dict[str, Any]) -> list[str]:
    sec = r["seconds"]
    rows = (
        ("full-screen app: process start → first frame of the welcome screen", "first_screen"),
        (
            "  same, region from `~/.aws/config` instead of `AWS_REGION`",
            "first_screen_profile_region",
        ),
        ("`ecr-oidc-wizard --sandbox`: process start → first frame", "sandbox"),
        ("bare Textual app (header, one line, footer) → first frame", "bare_textual"),
        ("`ecr-oidc-wizard --help`", "help"),
        ("`aws --version`", "aws_version"),
    )
    lines = [
        "| start-up | median (s) | min (s) | max (s) | ÷ bare Textual | ÷ `aws --version` |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    aws = sec["aws_version"]["median"]
    floor = sec["bare_textual"]["median"]
    for name, key in rows:
        t = sec[key]
        lines.append(
            f"| {name} | {t['median']:.3f} | {t['min']:.3f} | {t['max']:.3f} "
            f"| {t['median'] / floor:.2f} | {t['median'] / aws:.2f} |"
        )
    verdict = "met" if r["ratio_target_met"] else "**missed**"
    boto3 = r["boto3_at_first_paint"]
    env_threads = r["import_threads"]["region_in_env"]
    profile_threads = r["import_threads"]["region_in_profile"]

    def where(imports: dict[str, Any], name: str) -> str:
        item = imports.get(name)
        return "not imported" if item is None else f"{item['thread']} at {item['at_s']:.2f} s"

    floor_verdict = "met" if r["floor_ratio_target_met"] else "**missed**"
    sandbox_verdict = "met" if r["sandbox_ratio_target_met"] else "**missed**"
    lines += [
        "",
        "- **First screen / bare Textual app** (medians): "
        f"**{r['ratio_first_screen_over_bare_textual']:.2f}** (per round "
        f"{r['paired_floor_ratio']['min']:.2f}–{r['paired_floor_ratio']['max']:.2f}); target ≤ "
        f"{r['floor_ratio_target']:.2f}: {floor_verdict}.",
        "- **Sandbox first frame / app first frame** (medians): "
        f"**{r['ratio_sandbox_over_first_screen']:.2f}**; target ≤ "
        f"{r['sandbox_ratio_target']:.2f}: {sandbox_verdict}.",
        "- **First screen / `aws --version`** (medians): "
        f"**{r['ratio_first_screen_over_aws_version']:.2f}** "
        f"(per round {r['paired_ratio']['min']:.2f}–{r['paired_ratio']['max']:.2f}); target ≤ "
        f"{r['ratio_target']:.2f}: {verdict}. In-process (interpreter start → frame) median "
        f"{sec['first_screen_in_process']['median']:.3f} s; the whole process, exit included, "
        f"{sec['first_screen_process_total']['median']:.3f} s.",
        "- **boto3 at the first frame**: "
        + ("never loaded" if boto3 == [False] else f"**loaded** ({boto3})")
        + f" in {2 * r['rounds']} runs. botocore: "
        f"{where(env_threads, 'botocore')} (region in env), "
        f"{where(profile_threads, 'botocore')} (region in profile); boto3: "
        f"{where(env_threads, 'boto3')}.",
    ]
    return lines


# --- API calls per step -----------------------------------------------------------------------


def measure_calls(moto: Moto, tools: Tools, workdir: Path) -> dict[str, Any]:
    """`apply --only N` for N = 1..6 in order, each run twice, against moto and the GitHub fake."""
    sys.path.insert(0, str(ROOT))
    from tests.fake_github import FakeGitHub
    from wizard.settings import Settings
    from wizard.workflow import render_workflow, workflow_spec

    moto.reset()
    cwd = workdir / "calls"
    cwd.mkdir(exist_ok=True)
    config = cwd / "ecr-oidc-wizard.toml"
    config.write_text(
        "version = 1\n[answers]\nrun_poll_seconds = 0.01\nrun_timeout_seconds = 60.0\n",
        encoding="utf-8",
    )
    fake = FakeGitHub(token=GITHUB_TOKEN).start()
    rows: list[dict[str, Any]] = []
    try:
        fake.add_repo(GITHUB_REPO)
        spec = workflow_spec(Settings(ecr_repository=ECR_REPOSITORY))
        fake.put_file(GITHUB_REPO, ".github/workflows/build-eostat.yml", render_workflow(spec))
        env = dict(tools.env, GH_TOKEN=GITHUB_TOKEN)
        for number in range(1, 7):
            for attempt in ("first run", "re-run"):
                cmd = [
                    tools.wizard, "apply", "--yes", "--only", str(number), *TARGET_ARGS,
                    "--endpoint-url", moto.url, "--github-api-url", fake.url,
                    "--config", str(config),
                ]  # fmt: skip
                before = len(fake.requests)
                seconds, calls = moto.recorded(lambda c=cmd: timed(c, env, cwd))
                github = fake.requests[before:]
                rows.append(
                    {
                        "step": number,
                        "attempt": attempt,
                        "seconds": seconds,
                        "aws_calls": [str(c) for c in calls],
                        "aws_writes": [str(c) for c in calls if c.is_write],
                        "github_calls": [f"{r.method} {r.path.split('?')[0]}" for r in github],
                        "github_writes": [
                            f"{r.method} {r.path.split('?')[0]}"
                            for r in github
                            if r.method != "GET"
                        ],
                    }
                )
                log(
                    f"calls: step {number} {attempt}: {len(calls)} AWS "
                    f"({len(rows[-1]['aws_writes'])} writes), {len(github)} GitHub "
                    f"({len(rows[-1]['github_writes'])} writes)"
                )
    finally:
        fake.stop()
    return {"rows": rows}


def _short(calls: Sequence[str]) -> str:
    return ", ".join(f"`{c.split(':', 1)[-1]}`" for c in calls) or "–"


def calls_markdown(r: dict[str, Any]) -> list[str]:
    lines = [
        "| step | run | AWS calls | AWS writes | GitHub calls | GitHub writes | writes sent |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in r["rows"]:
        sent = [*row["aws_writes"], *row["github_writes"]]
        lines.append(
            f"| {row['step']} | {row['attempt']} | {len(row['aws_calls'])} "
            f"| {len(row['aws_writes'])} | {len(row['github_calls'])} "
            f"| {len(row['github_writes'])} | {_short(sent)} |"
        )
    lines += [
        "",
        "- Each row is one `ecr-oidc-wizard apply --yes --only N` process against moto and the "
        "local GitHub fake (tests/fake_github.py, token in `GH_TOKEN`), steps in order, each run "
        "twice; AWS calls from moto's recorder (STS included), GitHub calls from the fake's log.",
    ]
    return lines


# --- key-press latency ------------------------------------------------------------------------


def measure_keys(moto: Moto, tools: Tools, cycles: int) -> dict[str, Any]:
    moto.reset()
    cmd = [
        sys.executable, str(DRIVERS / "key_latency.py"), moto.url, str(SLOW_AWS_DELAY_S),
        str(cycles),
    ]  # fmt: skip
    done = subprocess.run(
        cmd, env=tools.env, capture_output=True, text=True, timeout=600, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise BenchError(f"key-latency driver: exit {done.returncode}\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    summary: dict[str, Any] = {}
    for phase in ("slow", "idle"):
        mine = [s for s in result["samples"] if s["phase"] == phase]
        if not mine:
            continue
        summary[phase] = {
            "frame_ms": stats([s["frame_ms"] for s in mine]),
            "state_ms": stats([s["state_ms"] for s in mine]),
            "by_key": {
                key: stats([s["frame_ms"] for s in mine if s["key"] == key])
                for key in dict.fromkeys(s["key"] for s in mine)
            },
        }
    slow = summary.get("slow", {}).get("frame_ms")
    result["summary"] = summary
    result["target_ms"] = KEY_LATENCY_TARGET_MS
    result["max_target_ms"] = KEY_LATENCY_MAX_TARGET_MS
    result["median_met"] = bool(slow) and slow["median"] < KEY_LATENCY_TARGET_MS
    result["max_met"] = bool(slow) and slow["max"] < KEY_LATENCY_MAX_TARGET_MS
    log(f"keys: {json.dumps(summary)}")
    return result


def keys_markdown(r: dict[str, Any]) -> list[str]:
    lines = [
        "| key press (full-screen app) | while an AWS call takes 3 s: median / max (ms) "
        "| app idle: median / max (ms) |",
        "| --- | ---: | ---: |",
    ]
    summary = r["summary"]
    keys = list(summary.get("slow", {}).get("by_key", {}))
    for key in keys:
        slow = summary["slow"]["by_key"][key]
        idle = summary.get("idle", {}).get("by_key", {}).get(key)
        idle_text = f"{idle['median']:.0f} / {idle['max']:.0f}" if idle else "–"
        lines.append(f"| {key} | {slow['median']:.0f} / {slow['max']:.0f} | {idle_text} |")
    s_all = summary.get("slow", {})
    i_all = summary.get("idle", {})
    if s_all:
        lines.append(
            f"| **all keys, to the next frame** | **{s_all['frame_ms']['median']:.0f} / "
            f"{s_all['frame_ms']['max']:.0f}** | {i_all['frame_ms']['median']:.0f} / "
            f"{i_all['frame_ms']['max']:.0f} |"
        )
        lines.append(
            f"| all keys, to the widget tree changing | {s_all['state_ms']['median']:.0f} / "
            f"{s_all['state_ms']['max']:.0f} | {i_all['state_ms']['median']:.0f} / "
            f"{i_all['state_ms']['max']:.0f} |"
        )
    lines += [
        "",
        f"- Target: median < {r['target_ms']:.0f} ms, max < {r['max_target_ms']:.0f} ms: median "
        + ("met" if r["median_met"] else "**missed**")
        + ", max "
        + ("met" if r["max_met"] else "**missed**")
        + f". {s_all.get('frame_ms', {}).get('n', 0)} presses while the plan of step 1 waited on "
        f"a proxy holding every AWS request {r['delay_s']:.0f} s "
        f"({r['skipped_not_waiting']} discarded because the call had returned, "
        f"{r['replans']} re-plans started); the same presses with the app idle as a control.",
    ]
    return lines


# --- memory -----------------------------------------------------------------------------------


def _rusage_run(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[str, int]:
    """Standard output and the peak RSS (KiB) of one command, through drivers/peak_rss.py."""
    report = cwd / "peak-rss.json"
    launcher = [sys.executable, str(DRIVERS / "peak_rss.py"), str(report), *cmd]
    done = subprocess.run(
        launcher, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BenchError(f"exit {done.returncode}: {' '.join(cmd)}\n{done.stderr[-3000:]}")
    peak = json.loads(report.read_text(encoding="utf-8"))
    return done.stdout, int(peak["maxrss_kib"])


def measure_memory(moto: Moto, tools: Tools, workdir: Path) -> dict[str, Any]:
    cwd = workdir / "memory"
    cwd.mkdir(exist_ok=True)
    result: dict[str, Any] = {}
    for name, extra in (("app_flow", []), ("app_flow_tracemalloc", ["--tracemalloc"])):
        moto.reset()
        config = cwd / f"{name}.toml"
        cmd = [sys.executable, str(DRIVERS / "app_flow_memory.py"), moto.url, str(config), *extra]
        out, rss = _rusage_run(cmd, tools.env, cwd)
        report = json.loads(out.strip().splitlines()[-1])
        report["wait4_maxrss_kib"] = rss
        result[name] = report
    moto.reset()
    cli = [
        tools.wizard, "apply", "--yes", *TARGET_ARGS, "--endpoint-url", moto.url,
        "--config", str(cwd / "cli.toml"),
    ]  # fmt: skip
    result["cli_apply_maxrss_kib"] = _rusage_run(cli, tools.env, cwd)[1]
    result["aws_version_maxrss_kib"] = _rusage_run([tools.aws, "--version"], tools.env, cwd)[1]
    moto.reset()
    result["aws_create_repository_maxrss_kib"] = _rusage_run(
        [
            tools.aws, "ecr", "create-repository", "--repository-name", ECR_REPOSITORY,
            "--endpoint-url", moto.url,
        ],
        tools.env,
        cwd,
    )[1]  # fmt: skip
    log(f"memory: {json.dumps(result)}")
    return result


def memory_markdown(r: dict[str, Any]) -> list[str]:
    mib = 1024.0
    flow = r["app_flow"]
    traced = r["app_flow_tracemalloc"]
    return [
        "| process | peak RSS (MiB) | tracemalloc peak (MiB) |",
        "| --- | ---: | ---: |",
        f"| full-screen app, welcome + steps 1–4 applied via Pilot (headless) "
        f"| {flow['wait4_maxrss_kib'] / mib:.1f} | {traced['tracemalloc_peak_kib'] / mib:.1f} |",
        f"| `ecr-oidc-wizard apply --yes` (steps 1–4, CLI) | {r['cli_apply_maxrss_kib'] / mib:.1f} "
        "| – |",
        f"| `aws ecr create-repository` (one guide command) "
        f"| {r['aws_create_repository_maxrss_kib'] / mib:.1f} | – |",
        f"| `aws --version` | {r['aws_version_maxrss_kib'] / mib:.1f} | – |",
        "",
        "- Peak RSS from `wait4` of each process, forked from a small launcher "
        "(drivers/peak_rss.py) so that the benchmark's own size is not inherited; "
        "tracemalloc (Python allocations only) in a separate run of the same flow, since "
        f"tracing slows it ({flow['seconds']:.1f} s untraced, {traced['seconds']:.1f} s traced).",
    ]


# --- sandbox ----------------------------------------------------------------------------------


def measure_sandbox(tools: Tools, workdir: Path, rounds: int) -> dict[str, Any]:
    if not (ROOT / "wizard" / "sandbox").is_dir():
        return {"available": False, "reason": "wizard/sandbox does not exist"}
    cwd = workdir / "sandbox"
    cwd.mkdir(exist_ok=True)
    times: list[float] = []
    for number in range(rounds + 1):
        start = time.perf_counter()
        done = subprocess.run(
            [tools.wizard, "apply", "--sandbox", "--yes"], env=tools.env, cwd=cwd,
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            return {
                "available": False,
                "reason": f"exit {done.returncode}: {(done.stdout + done.stderr)[-800:]}",
            }
        steps_done = sum(1 for line in done.stdout.splitlines() if line.startswith("✓ done"))
        if number:  # the first run is a warm-up
            times.append(elapsed)
            log(f"sandbox round {number}/{rounds}: {elapsed:.3f}s, {steps_done} steps done")
    return {
        "available": True,
        "seconds": stats(times),
        "steps_done": steps_done,
        "files_left": sorted(p.name for p in cwd.iterdir()),
    }


def sandbox_markdown(r: dict[str, Any]) -> list[str]:
    if not r["available"]:
        return [f"- Sandbox not measured: {r['reason']}"]
    t = r["seconds"]
    return [
        "| sandbox | median (s) | min (s) | max (s) | steps done |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| `ecr-oidc-wizard apply --sandbox --yes` (all six steps, emulated AWS and GitHub in "
        f"the process) | {t['median']:.3f} | {t['min']:.3f} | {t['max']:.3f} "
        f"| {r['steps_done']} |",
        "",
        f"- {t['n']} runs after one warm-up; files left in the working directory: "
        f"{', '.join(r['files_left']) or 'none'}.",
    ]
