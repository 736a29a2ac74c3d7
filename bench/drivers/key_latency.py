"""Child of `bench/run.py --keys`: key-press latency in the full-screen app while AWS is slow.

Usage: key_latency.py MOTO_URL DELAY_S CYCLES

A loopback proxy (tests/fault_proxy.py, `delay`) in front of moto holds every AWS request for
DELAY_S seconds. The app opens at step 1, whose plan starts by itself; once a request is held
at the proxy (the plan is waiting on AWS) each cycle presses, through Textual's Pilot:

  f1          until the help screen is the current screen,
  escape      until step 1 is back,
  x           (in the repository-name field) until the field's value ends with "x",
  backspace   until it no longer does.

Latency = from just before `pilot.press(key)` is started to the first frame Textual composes
after the change is visible in the widget tree (`App._display`, called for every frame even
headless). A sample is kept only if the plan was still waiting on AWS when the frame came;
when the plan finishes, another starts (what ^r does). Then, as a control, the same cycles
run with the app idle (plan cancelled, nothing in flight): the difference is what the slow
call costs.
Prints one JSON line on standard output.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from textual.widgets import Input  # noqa: E402

from screens.app import WizardApp  # noqa: E402
from screens.help import HelpScreen  # noqa: E402
from screens.session import Session  # noqa: E402
from screens.step_base import StepScreen  # noqa: E402
from tests.fault_proxy import fault_proxy  # noqa: E402
from wizard.settings import Settings  # noqa: E402

POLL_S = 0.0005


async def measure(moto_url: str, delay: float, cycles: int) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    skipped = 0
    replans = 0
    with fault_proxy(moto_url) as proxy:
        proxy.delay = delay
        settings = Settings(
            region="us-east-1",
            ecr_repository="demo",
            role_name="GitHubActionsDemoPush",
            github_repo="octo-org/app",
            endpoint_url=proxy.url,
        )
        app = WizardApp(Session(settings), start="1", blink=False)
        frames: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                frames.append(time.perf_counter())
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        async with app.run_test(size=(100, 30)) as pilot:
            step = app.screen
            assert isinstance(step, StepScreen)
            box = step.query_one("#field-ecr_repository", Input)

            async def waiting_on_aws() -> None:
                nonlocal replans
                deadline = time.perf_counter() + 60
                while not (step.busy == "plan" and proxy.in_flight > 0):
                    if time.perf_counter() > deadline:
                        status = step.query_one("#status").render()
                        raise RuntimeError(
                            f"the plan never reached the slow proxy: busy={step.busy!r}, "
                            f"in flight {proxy.in_flight}, seen {proxy.seen}, "
                            f"screen {app.screen!r}, field {box.value!r}, status {status}"
                        )
                    if not step.busy:
                        # What ^r does; called directly, as the help screen may be on top.
                        replans += 1
                        step.action_plan()
                    await asyncio.sleep(0.01)

            async def timed(key: str, name: str, done: Callable[[], bool], phase: str) -> None:
                nonlocal skipped
                if phase == "slow":
                    await waiting_on_aws()
                start = time.perf_counter()
                seen = len(frames)
                press = asyncio.create_task(pilot.press(key))
                while not done():
                    await asyncio.sleep(POLL_S)
                changed = time.perf_counter()
                seen = max(seen, len(frames))
                while len(frames) <= seen:
                    await asyncio.sleep(POLL_S)
                frame = frames[seen]
                still_waiting = step.busy == "plan" and proxy.in_flight > 0
                await press
                if phase == "slow" and not still_waiting:
                    skipped += 1
                    return
                samples.append(
                    {
                        "phase": phase,
                        "key": name,
                        "state_ms": (changed - start) * 1000,
                        "frame_ms": (frame - start) * 1000,
                    }
                )

            async def cycle(phase: str) -> None:
                await timed(
                    "f1", "f1 (open help)", lambda: isinstance(app.screen, HelpScreen), phase
                )
                await timed("escape", "escape (close help)", lambda: app.screen is step, phase)
                box.focus()
                await pilot.pause(0.01)
                # Focus selects the whole value: move to its end so that `x` appends.
                await pilot.press("end")
                if not box.value or box.value.endswith("x"):
                    raise RuntimeError(f"unexpected field value {box.value!r}")
                await timed("x", "type a character", lambda: box.value.endswith("x"), phase)
                await timed("backspace", "backspace", lambda: not box.value.endswith("x"), phase)

            await waiting_on_aws()
            for _ in range(cycles):
                await cycle("slow")
            step.action_cancel()
            while step.busy or proxy.in_flight:
                await asyncio.sleep(0.05)
            await pilot.pause(0.2)
            for _ in range(cycles):
                await cycle("idle")
        requests = proxy.seen
    return {
        "samples": samples,
        "skipped_not_waiting": skipped,
        "replans": replans,
        "proxied_requests": requests,
        "delay_s": delay,
    }


def main(argv: list[str]) -> int:
    moto_url, delay, cycles = argv[0], float(argv[1]), int(argv[2])
    result = asyncio.run(measure(moto_url, delay, cycles))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
