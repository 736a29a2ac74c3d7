"""Child of `bench/run.py --memory`: the full-screen app through steps 1-4, for peak memory.

Usage: app_flow_memory.py MOTO_URL CONFIG_PATH [--tracemalloc]

Headless, with Textual's Pilot, against moto: welcome screen (detection), the guided path
(enter), then for each of steps 1-4: plan, ^g, confirm with y, wait for the re-plan, ^n. The
same keys a person presses. Prints one JSON line: `ru_maxrss_kib` (this process's peak
resident set, from getrusage), `tracemalloc_peak_kib` (Python allocations, only with
--tracemalloc, which slows the run and is therefore a separate run), the steps done, seconds.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def flow(moto_url: str, config: Path) -> list[str]:
    from screens.app import WizardApp
    from screens.confirm import ConfirmScreen
    from screens.session import Session, StepState
    from screens.step_base import StepScreen
    from wizard.settings import Settings

    settings = Settings(
        region="us-east-1",
        ecr_repository="demo",
        role_name="GitHubActionsDemoPush",
        github_repo="octo-org/app",
        endpoint_url=moto_url,
    )
    app = WizardApp(Session(settings, config_path=config), blink=False)
    done: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        for number in (1, 2, 3, 4):
            await settle(pilot)
            screen = app.screen
            if not (isinstance(screen, StepScreen) and screen.number == number):
                raise RuntimeError(f"expected step {number}, got {screen!r}")
            await pilot.press("ctrl+g")
            await pilot.pause()
            if not isinstance(app.screen, ConfirmScreen):
                raise RuntimeError(f"step {number}: no confirmation")
            await pilot.press("y")
            await settle(pilot)
            state = app.session.states[number]
            if state is not StepState.DONE:
                raise RuntimeError(f"step {number} ended {state}")
            done.append(f"step {number}: {state}")
            await pilot.press("ctrl+n")
        await settle(pilot)
    return done


def main(argv: list[str]) -> int:
    moto_url, config = argv[0], Path(argv[1])
    tracing = "--tracemalloc" in argv
    if tracing:
        tracemalloc.start()
    done = asyncio.run(flow(moto_url, config))
    report: dict[str, Any] = {
        "steps": done,
        "seconds": time.perf_counter() - START,
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "tracemalloc_peak_kib": tracemalloc.get_traced_memory()[1] // 1024 if tracing else None,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
