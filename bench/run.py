"""Benchmark: `ecr-oidc-wizard apply` against the guide's four aws CLI commands, on local moto.

One moto server (real HTTP, in this process) serves every run. Each round starts from a reset
moto and measures, in an order that alternates from round to round:

  wizard   `ecr-oidc-wizard apply --yes ...` (wall time and API calls), then the same command
           again (the re-run: wall time, API calls, and the write calls, which must be zero);
  aws-cli  the guide's steps 1-4 as four sequential `aws` CLI commands (total wall time, calls).

API calls come from moto's request recorder. Times are wall-clock seconds of whole subprocesses,
start-up included, because that is what a user waits for. The machine is shared: read the
ratio, which both variants measured side by side in the same rounds, not the absolute times.

With `--all` (or any of `--startup`, `--calls`, `--keys`, `--memory`, `--sandbox`) it also
runs the sub-benchmarks of bench/suites.py against the same moto server: start-up to the
first screen, API calls per step, key-press latency with a slow AWS, peak memory, the sandbox.

Run from the repository root, with the project's venv:
    python bench/run.py [--all] [--rounds N] [--json PATH] [--markdown]
Exit status: 0 measured; 1 a command failed or a re-run sent a write; 2 moto is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from harness import (
    ACCOUNT_ID,
    ECR_REPOSITORY,
    GITHUB_REPO,
    GUIDE_COMMANDS,
    GUIDE_PUSH_POLICY,
    GUIDE_TRUST_POLICY,
    OFFLINE_NOTE,
    PUSH_POLICY_FILE,
    RATIO_TARGET,
    REGION,
    ROLE_NAME,
    TRUST_POLICY_FILE,
    BenchError,
    Moto,
    Tools,
    bench_env,
    find_tool,
    log,
    run_timed,
    tool_version,
)


@dataclass
class WizardSample:
    first_s: float
    rerun_s: float
    first_calls: list[str]
    first_writes: int
    rerun_calls: list[str]
    rerun_writes: int
    offline_note_seen: bool


@dataclass
class CliSample:
    total_s: float
    per_command_s: list[float]
    calls: list[str]
    writes: int


def measure_wizard(moto: Moto, tools: Tools) -> WizardSample:
    moto.reset()
    with tempfile.TemporaryDirectory(prefix="bench-wizard-") as tmp:
        cmd = [
            tools.wizard, "apply", "--yes",
            "--github-repo", GITHUB_REPO,
            "--ecr-repository", ECR_REPOSITORY,
            "--role-name", ROLE_NAME,
            "--region", REGION,
            "--endpoint-url", moto.url,
            "--config", str(Path(tmp) / "ecr-oidc-wizard.toml"),
        ]  # fmt: skip
        (first_s, first_out), first = moto.recorded(lambda: run_timed(cmd, tools.env, Path(tmp)))
        (rerun_s, rerun_out), rerun = moto.recorded(lambda: run_timed(cmd, tools.env, Path(tmp)))
    return WizardSample(
        first_s=first_s,
        rerun_s=rerun_s,
        offline_note_seen=OFFLINE_NOTE in first_out and OFFLINE_NOTE in rerun_out,
        first_calls=[str(c) for c in first],
        first_writes=sum(c.is_write for c in first),
        rerun_calls=[str(c) for c in rerun],
        rerun_writes=sum(c.is_write for c in rerun),
    )


def measure_cli(moto: Moto, tools: Tools) -> CliSample:
    moto.reset()
    with tempfile.TemporaryDirectory(prefix="bench-aws-cli-") as tmp:
        workdir = Path(tmp)
        for name, text in (
            (TRUST_POLICY_FILE, GUIDE_TRUST_POLICY),
            (PUSH_POLICY_FILE, GUIDE_PUSH_POLICY),
        ):
            filled = text.replace("ACCOUNT_ID", ACCOUNT_ID).replace("REGION", REGION)
            (workdir / name).write_text(filled, encoding="utf-8")

        def sequence() -> tuple[float, list[float]]:
            start = time.perf_counter()
            each = [
                run_timed([tools.aws, *args, "--endpoint-url", moto.url], tools.env, workdir)[0]
                for args in GUIDE_COMMANDS
            ]
            return time.perf_counter() - start, each

        (total, per_command), calls = moto.recorded(sequence)
    return CliSample(
        total_s=total,
        per_command_s=per_command,
        calls=[str(c) for c in calls],
        writes=sum(c.is_write for c in calls),
    )


# --- summary ----------------------------------------------------------------------------------


@dataclass
class Stats:
    median: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        return cls(statistics.median(values), min(values), max(values))


@dataclass
class Results:
    machine: dict[str, Any]
    config: dict[str, Any]
    wizard: list[WizardSample] = field(default_factory=list)
    cli: list[CliSample] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    suites: dict[str, Any] = field(default_factory=dict)


def summarise(results: Results) -> dict[str, Any]:
    first = Stats.of([s.first_s for s in results.wizard])
    rerun = Stats.of([s.rerun_s for s in results.wizard])
    cli = Stats.of([s.total_s for s in results.cli])
    paired = [w.first_s / c.total_s for w, c in zip(results.wizard, results.cli, strict=True)]
    ratio = first.median / cli.median

    def calls(samples: Sequence[list[str]], writes: Sequence[int]) -> dict[str, Any]:
        counts = sorted({len(s) for s in samples})
        return {
            "total": counts,
            "writes": sorted(set(writes)),
            "actions": samples[0],
            "same_every_round": all(s == samples[0] for s in samples),
        }

    return {
        "seconds": {
            "wizard_first": asdict(first),
            "wizard_rerun": asdict(rerun),
            "aws_cli": asdict(cli),
        },
        "ratio_wizard_first_over_aws_cli": ratio,
        "paired_ratio": asdict(Stats.of(paired)),
        "ratio_target": RATIO_TARGET,
        "ratio_target_met": ratio <= RATIO_TARGET,
        "calls": {
            "wizard_first": calls(
                [s.first_calls for s in results.wizard], [s.first_writes for s in results.wizard]
            ),
            "wizard_rerun": calls(
                [s.rerun_calls for s in results.wizard], [s.rerun_writes for s in results.wizard]
            ),
            "aws_cli": calls([s.calls for s in results.cli], [s.writes for s in results.cli]),
        },
        "rerun_writes_zero_every_round": all(s.rerun_writes == 0 for s in results.wizard),
        "wizard_said_offline_every_run": all(s.offline_note_seen for s in results.wizard),
        "aws_cli_per_command_median_s": [
            statistics.median(s.per_command_s[i] for s in results.cli)
            for i in range(len(GUIDE_COMMANDS))
        ],
    }


def _span(values: Sequence[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def _actions(actions: Sequence[str]) -> str:
    return ", ".join(f"`{a}`" for a in actions)


def markdown(results: Results) -> str:
    s = results.summary
    sec = s["seconds"]
    calls = s["calls"]
    m = results.machine
    rows = (
        ("wizard `apply --yes`, first run", sec["wizard_first"], calls["wizard_first"]),
        (
            "wizard `apply --yes`, re-run (nothing to do)",
            sec["wizard_rerun"],
            calls["wizard_rerun"],
        ),
        ("guide steps 1–4: four `aws` CLI commands", sec["aws_cli"], calls["aws_cli"]),
    )
    lines = [
        "| variant | median (s) | min (s) | max (s) | API calls | write calls |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, t, c in rows:
        lines.append(
            f"| {name} | {t['median']:.3f} | {t['min']:.3f} | {t['max']:.3f} "
            f"| {_span(c['total'])} | {_span(c['writes'])} |"
        )
    ratio = s["ratio_wizard_first_over_aws_cli"]
    paired = s["paired_ratio"]
    verdict = "met" if s["ratio_target_met"] else "**missed**"
    rounds = results.config["rounds"]
    rerun_ok = s["rerun_writes_zero_every_round"]
    lines += [
        "",
        f"- **Ratio** wizard first run / aws CLI sequence (medians): **{ratio:.2f}** "
        f"(per round {paired['min']:.2f}–{paired['max']:.2f}); target ≤ {s['ratio_target']:.2f}: "
        f"{verdict}.",
        "- **GitHub**: "
        + (
            "not contacted (no token; the wizard's token search still ran and is timed)."
            if s["wizard_said_offline_every_run"]
            else "**the wizard may have called api.github.com** (a token was found?)."
        ),
        "- **Re-run writes**: "
        + (f"0 in every round ({rounds}/{rounds})." if rerun_ok else "**NOT zero** (see JSON)."),
        f"- Wizard first run calls: {_actions(calls['wizard_first']['actions'])}.",
        f"- Wizard re-run calls: {_actions(calls['wizard_rerun']['actions'])}.",
        f"- aws CLI calls: {_actions(calls['aws_cli']['actions'])}; median per command: "
        + ", ".join(f"{t:.3f}" for t in s["aws_cli_per_command_median_s"])
        + " s.",
        f"- {rounds} interleaved rounds (order alternating), {results.config['warmup']} warm-up "
        "round(s) not counted; each variant starts from a reset moto; times are whole "
        "subprocesses, start-up included; "
        + (
            "byte-code cached for both tools (PYTHONPYCACHEPREFIX in a temp dir)."
            if results.config["pycache"] == "prefix"
            else "byte-code settings inherited from the environment (PYTHONDONTWRITEBYTECODE="
            f"{results.config['inherited_PYTHONDONTWRITEBYTECODE'] or 'unset'})."
        ),
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"{m['platform']}, load average {m['loadavg_start'][0]:.2f} → "
        f"{m['loadavg_end'][0]:.2f}; {m['date']}.",
        f"- Versions: `{results.config['wizard_version']}`, `{results.config['aws_version']}`, "
        f"boto3 {m['versions']['boto3']}, moto {m['versions']['moto']}.",
    ]
    return "\n".join(lines)


def text_report(results: Results) -> str:
    """The same facts as `markdown`, for a terminal."""
    s = results.summary
    sec = s["seconds"]
    calls = s["calls"]
    m = results.machine
    lines = [f"{'variant':<26}{'median':>9}{'min':>9}{'max':>9}{'calls':>7}{'writes':>8}"]
    for name, key in (
        ("wizard first run", "wizard_first"),
        ("wizard re-run", "wizard_rerun"),
        ("aws CLI, guide steps 1-4", "aws_cli"),
    ):
        t, c = sec[key], calls[key]
        lines.append(
            f"{name:<26}{t['median']:>8.3f}s{t['min']:>8.3f}s{t['max']:>8.3f}s"
            f"{_span(c['total']):>7}{_span(c['writes']):>8}"
        )
    paired = s["paired_ratio"]
    lines += [
        f"ratio wizard/aws CLI (medians): {s['ratio_wizard_first_over_aws_cli']:.2f} "
        f"(per round {paired['min']:.2f}-{paired['max']:.2f}), target <= {s['ratio_target']:.2f}: "
        + ("met" if s["ratio_target_met"] else "MISSED"),
        "re-run writes: "
        + ("0 in every round" if s["rerun_writes_zero_every_round"] else "NOT ZERO"),
        f"{m['nproc']} CPUs ({m['cpu_model']}), Python {m['python']}, {m['date']}",
    ]
    return "\n".join(lines)


def machine_facts() -> dict[str, Any]:
    cpu_model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {}
    for package in ("ecr-oidc-wizard", "awscli", "boto3", "botocore", "moto", "textual"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        # What `nproc` prints: the CPUs this process may run on.
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "platform": platform.platform(terse=True),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg_start": list(os.getloadavg()),
        "loadavg_end": None,
        "versions": versions,
    }


# --- main -------------------------------------------------------------------------------------


def at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `ecr-oidc-wizard apply` against the guide's four aws CLI commands "
        "on a local moto server, interleaved, and count the API calls each makes."
    )
    parser.add_argument("--rounds", type=at_least(1), default=7, help="measured rounds (default 7)")
    parser.add_argument(
        "--warmup", type=at_least(0), default=1, help="uncounted warm-up rounds first (default 1)"
    )
    parser.add_argument(
        "--pycache",
        choices=("prefix", "inherit"),
        default="prefix",
        help="prefix (default): both tools cache byte-code in a temp dir, as an installed copy "
        "would; inherit: keep this environment's PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write all samples here")
    parser.add_argument(
        "--markdown", action="store_true", help="print a README-ready table on standard output"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="run every benchmark: apply vs aws CLI, start-up, calls per step, key latency, "
        "memory, sandbox",
    )
    parser.add_argument("--apply", action="store_true", help="apply vs aws CLI (the default)")
    for name, text in SUITES.items():
        parser.add_argument(f"--{name}", action="store_true", help=text)
    parser.add_argument(
        "--key-cycles",
        type=at_least(1),
        default=10,
        help="key-latency cycles of 4 presses each, per phase (default 10)",
    )
    parser.add_argument(
        "--sandbox-rounds", type=at_least(1), default=3, help="sandbox runs (default 3)"
    )
    args = parser.parse_args(argv)
    chosen = [name for name in SUITES if getattr(args, name)]
    args.suites = list(SUITES) if args.all else chosen
    args.run_apply = args.all or args.apply or not chosen
    return args


SUITES = {
    "startup": "start-up: first screen of the full-screen app, --help, aws --version",
    "calls": "AWS and GitHub calls per step, first run and re-run (apply --only N)",
    "keys": "key-press latency in the full-screen app while an AWS call takes 3 s",
    "memory": "peak memory of the full-screen app through steps 1-4",
    "sandbox": "apply --sandbox --yes, all six steps",
}


def write_json(path: Path, results: Results) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(asdict(results), indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


def run_suites(args: argparse.Namespace, moto: Moto, tools: Tools, workdir: Path) -> dict[str, Any]:
    import suites

    found: dict[str, Any] = {}
    for name in args.suites:
        log(f"--- {name}")
        if name == "startup":
            found[name] = suites.measure_startup(moto, tools, workdir, args.rounds, args.warmup)
        elif name == "calls":
            found[name] = suites.measure_calls(moto, tools, workdir)
        elif name == "keys":
            found[name] = suites.measure_keys(moto, tools, args.key_cycles)
        elif name == "memory":
            found[name] = suites.measure_memory(moto, tools, workdir)
        elif name == "sandbox":
            found[name] = suites.measure_sandbox(tools, workdir, args.sandbox_rounds)
    return found


def suites_markdown(found: dict[str, Any]) -> str:
    import suites

    titles = {
        "startup": ("Start-up", suites.startup_markdown),
        "calls": ("API calls per step", suites.calls_markdown),
        "keys": ("Key-press latency with a slow AWS", suites.keys_markdown),
        "memory": ("Peak memory", suites.memory_markdown),
        "sandbox": ("Sandbox, all six steps", suites.sandbox_markdown),
    }
    parts: list[str] = []
    for name, result in found.items():
        title, render = titles[name]
        parts += ["", f"### {title}", "", *render(result)]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Only look: importing moto here would fix its recorder's file before Moto() redirects it.
    if importlib.util.find_spec("moto") is None:
        log("moto[server] is not installed for this Python; run with the project's venv.")
        return 2
    started = time.perf_counter()
    results = Results(
        machine=machine_facts(),
        config={
            "rounds": args.rounds,
            "warmup": args.warmup,
            "pycache": args.pycache,
            "inherited_PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
            "github_repo": GITHUB_REPO,
            "ecr_repository": ECR_REPOSITORY,
            "role_name": ROLE_NAME,
            "region": REGION,
            "account_id": ACCOUNT_ID,
            "guide_commands": [["aws", *c] for c in GUIDE_COMMANDS],
            "suites": (["apply"] if args.run_apply else []) + args.suites,
        },
    )
    found: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            pycache = Path(workdir) / "pycache" if args.pycache == "prefix" else None
            tools = Tools(
                wizard=find_tool("ecr-oidc-wizard"),
                aws=find_tool("aws"),
                env=bench_env(Path(workdir), pycache),
            )
            results.config["wizard"] = tools.wizard
            results.config["aws"] = tools.aws
            results.config["wizard_version"] = tool_version([tools.wizard], tools.env)
            results.config["aws_version"] = tool_version([tools.aws], tools.env)
            moto = Moto(Path(workdir))
            try:
                if args.run_apply:
                    measure_apply(args, moto, tools, results)
                found = run_suites(args, moto, tools, Path(workdir))
            finally:
                moto.stop()
    except (BenchError, subprocess.TimeoutExpired) as exc:
        log(f"benchmark failed: {exc}")
        return 1
    results.machine["loadavg_end"] = list(os.getloadavg())
    results.suites = found
    if args.run_apply:
        results.summary = summarise(results)
        if not results.summary["wizard_said_offline_every_run"]:
            log(
                f"warning: the wizard did not always print {OFFLINE_NOTE!r}: it may have found a "
                "GitHub token (OS keyring?) and asked api.github.com, which the times then include."
            )
    results.config["elapsed_s"] = time.perf_counter() - started
    log(f"done in {results.config['elapsed_s']:.1f}s")
    if args.json is not None:
        write_json(args.json, results)
        log(f"wrote {args.json}")
    if args.run_apply:
        print(markdown(results) if args.markdown else text_report(results))
    else:
        print(machine_line(results))
    if found:
        print(suites_markdown(found))
    return 0 if not args.run_apply or results.summary["rerun_writes_zero_every_round"] else 1


def measure_apply(args: argparse.Namespace, moto: Moto, tools: Tools, results: Results) -> None:
    """The original benchmark: wizard apply (and its re-run) vs the guide's aws CLI commands."""
    log(f"moto at {moto.url}; {args.warmup} warm-up + {args.rounds} rounds")
    for _ in range(args.warmup):
        measure_wizard(moto, tools)
        measure_cli(moto, tools)
    for number in range(args.rounds):
        order = ("wizard", "aws-cli") if number % 2 == 0 else ("aws-cli", "wizard")
        for variant in order:
            if variant == "wizard":
                results.wizard.append(measure_wizard(moto, tools))
            else:
                results.cli.append(measure_cli(moto, tools))
        w, c = results.wizard[-1], results.cli[-1]
        log(
            f"round {number + 1}/{args.rounds} ({' then '.join(order)}): "
            f"wizard {w.first_s:.3f}s / re-run {w.rerun_s:.3f}s "
            f"({len(w.first_calls)}/{len(w.rerun_calls)} calls, "
            f"{w.rerun_writes} re-run writes); aws CLI {c.total_s:.3f}s "
            f"({len(c.calls)} calls); ratio {w.first_s / c.total_s:.2f}"
        )


def machine_line(results: Results) -> str:
    m = results.machine
    return (
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"{m['platform']}, load average {m['loadavg_start'][0]:.2f} → "
        f"{m['loadavg_end'][0]:.2f}; {m['date']}. Versions: `{results.config['wizard_version']}`, "
        f"`{results.config['aws_version']}`, textual {m['versions'].get('textual', '?')}."
    )


if __name__ == "__main__":
    sys.exit(main())
