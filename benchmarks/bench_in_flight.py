"""A burst of concurrent calls on one default client: the SDK against raw httpx.

``python benchmarks/bench_in_flight.py`` (``--calls 2000``, ``--budget 120``). Not part of the
test run (``tests/test_load.py`` asserts the delivery, this script prints the timing).

Both sides start ``--calls`` requests at once (one task each) on a default-configured client
(httpx's pool: 100 connections) with a 30 s timeout, against the same fast loopback server
(``tests/fastserver.py``, in a subprocess so it does not share this process's GIL):

* SDK: ``PrintOSClient(base_url=...)`` and ``client.devices.list()`` per task;
* raw: ``httpx.AsyncClient(timeout=30)`` and ``await http.get(url)`` plus a status check.

httpcore's pool does work proportional to waiting requests x connections whenever a request
finishes, so a large burst handed to it whole spends its time scheduling, and the requests'
timeouts run out while they wait for a connection. The SDK lets at most as many requests into
httpx as the pool has connections (``printos_ext._async_io``). Printed for each side: wall time,
requests the server answered, and the outcomes by type. A side still running after
``--budget`` seconds is cancelled and reported as such.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from printos_ext import PrintOSClient

from fastserver import fast_server, served


async def burst(
    calls: int, one: Callable[[], Awaitable[object]], budget: float
) -> tuple[float, collections.Counter[str], bool]:
    outcomes: collections.Counter[str] = collections.Counter()

    async def run() -> None:
        try:
            await one()
        except Exception as exc:
            outcomes[type(exc).__name__] += 1
        else:
            outcomes["ok"] += 1

    start = time.perf_counter()
    with anyio.move_on_after(budget) as scope:
        async with anyio.create_task_group() as tg:
            for _ in range(calls):
                tg.start_soon(run)
    return time.perf_counter() - start, outcomes, scope.cancelled_caught


async def main(calls: int, budget: float, sides: list[str]) -> None:
    print(f"{calls} concurrent calls, default pool (100 connections), timeout 30 s")
    print(f"{'side':<5} {'wall s':>8} {'answered':>9}  outcomes")
    for side in sides:
        with fast_server() as (url, server):
            if side == "sdk":
                async with PrintOSClient(base_url=url, environ={}) as client:
                    wall, outcomes, cut = await burst(calls, client.devices.list, budget)
            else:
                async with httpx.AsyncClient(timeout=30) as http:

                    async def get() -> None:
                        response = await http.get(f"{url}/devices")
                        response.raise_for_status()
                        response.json()

                    wall, outcomes, cut = await burst(calls, get, budget)
            answered = served(server)
        note = f"  (cancelled at the {budget:.0f} s budget)" if cut else ""
        shown = ", ".join(f"{name} {count}" for name, count in outcomes.most_common())
        print(f"{side:<5} {wall:8.2f} {answered:9d}  {shown or '-'}{note}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per side")
    parser.add_argument("--sides", nargs="+", default=["sdk", "raw"], choices=["sdk", "raw"])
    args = parser.parse_args()
    anyio.run(main, args.calls, args.budget, args.sides)
