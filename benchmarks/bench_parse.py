"""Parsing a 10,000-device ``listDevices`` body into models, against ``json.loads`` alone.

The body looks like the sandbox's: every spec field present, ``registeredAt`` in the platform's
``2026-11-24T10:00:00.000Z`` form, and some devices with the extra ``location``/``metrics`` keys
the platform adds. Three ways are timed, interleaved, medians over rounds:

* ``json.loads(body)``: the baseline, what any client pays;
* ``PrintDeviceList.from_dict(json.loads(body))``: the generated models;
* the SDK's own path, ``RawResponse.parse()`` on an ``httpx.Response`` (what ``devices.list()``
  runs per page): ``response.json()`` plus ``from_dict`` plus the error mapping around it.

The garbage collector stays on, as in an application: allocating 10,000 models triggers
collections, and that is part of their cost.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from run_all import Result, print_table

from printos_ext import PrintDeviceList, RawResponse
from printos_ext import _generated as gen

TARGET = 1.5
DEVICES = 10_000
ROUNDS = 15

# The generated listDevices module, wherever the generated package is (installed or vendored).
list_devices = importlib.import_module(f"{gen.package_name}.api.devices.list_devices")

NOTES = (f"{DEVICES} devices, median of {ROUNDS} interleaved rounds, gc enabled",)


def make_body(n: int = DEVICES) -> bytes:
    """A listDevices body with ``n`` devices, deterministic, in the sandbox's wire format."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    devices: list[dict[str, Any]] = []
    for i in range(n):
        registered = start + dt.timedelta(minutes=i, milliseconds=i % 1000)
        device: dict[str, Any] = {
            "id": f"dev-{i:012x}",
            "model": ("HP Indigo 7K", "HP Latex 800", "HP PageWide XL")[i % 3],
            "serialNumber": f"SN-{i:08d}",
            "status": ("REGISTERED", "READY", "PRINTING", "ERROR")[i % 4],
            "registeredAt": registered.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{registered.microsecond // 1000:03d}Z",
        }
        if i % 2:
            device["location"] = f"Hall {i % 7}"
        if i % 5 == 0:
            device["metrics"] = {"pagesTotal": i * 10, "inkLevel": (i % 100) + 0.5}
        devices.append(device)
    return json.dumps({"devices": devices}).encode()


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(*, rounds: int = ROUNDS) -> list[Result]:
    body = make_body()
    request = httpx.Request("GET", "https://printos.api.hp.com/devices")

    def baseline() -> object:
        return json.loads(body)

    def models() -> object:
        return PrintDeviceList.from_dict(json.loads(body))

    def sdk() -> object:
        response = httpx.Response(200, content=body, request=request)
        operation = list_devices.OPERATION
        return RawResponse(response, operation.parse, operation.name).parse()

    parsed = sdk()
    assert isinstance(parsed, PrintDeviceList) and len(parsed.devices) == DEVICES  # noqa: PT018
    ways = {"json.loads": baseline, "from_dict": models, "sdk parse": sdk}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for round_number in range(rounds + 1):
        order = list(ways.items())
        if round_number % 2:
            order.reverse()
        for name, fn in order:
            elapsed = _timed(fn)
            if round_number:  # the first round warms caches up
                times[name].append(elapsed)
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["json.loads"]
    mb = len(body) / 1e6
    results = []
    for name, label in (("from_dict", "from_dict(json.loads)"), ("sdk parse", "SDK parse()")):
        detail = f"{medians[name] * 1e3:.1f} ms vs json.loads {base * 1e3:.1f} ms ({mb:.1f} MB)"
        per_device = (medians[name] - base) / DEVICES * 1e6
        detail += f", +{per_device:.2f} us/device"
        ratio = medians[name] / base
        results.append(Result(f"parse 10k devices, {label}", ratio, "x", TARGET, detail))
    return results


def main() -> None:
    print(*NOTES, sep="\n")
    print_table(run())


if __name__ == "__main__":
    main()
