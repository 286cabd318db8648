"""The sync client's costs: per-call overhead against raw ``httpx.Client`` with the same auth,
and what its presence adds to ``import printos_ext``.

Overhead: the same operation against the same sandbox, once through ``SyncPrintOSClient`` and
once as a bare ``httpx.Client`` request with the same ``PrintOSHmacAuth``, whose status code is
checked and whose JSON body (if any) is parsed. The server is a uvicorn sandbox on loopback that
verifies the HMAC signatures (in its own thread, so it shares this process's GIL). SDK and raw
batches are interleaved, alternating which goes first; the ratio is the median over rounds of
the per-round SDK/raw ratio of mean per-call times.

Import: ``python -X importtime -c 'import printos_ext'`` in fresh interpreters, against the same
with the twin made unimportable, alternating: the twin loads on first use of
``SyncPrintOSClient``, so the ratio should be 1. What that first use costs is printed beside it.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from urllib.parse import quote

import httpx
from bench_overhead import DEVICE_ID, WARMUP_ROUNDS, _reset
from run_all import Result, print_table

from printos_api_client.api.devices import SyncDevices as GeneratedSyncDevices
from printos_ext import PrintOSHmacAuth, SyncPrintOSClient
from printos_ext.sandbox import Sandbox, serve_sandbox

TARGET = 1.02
IMPORT_TARGET = 1.02
KEY, SECRET = "bench-key", "bench-secret-0123456789"
ROUNDS = 60
BATCH = 10
IMPORT_RUNS = 9
WITHOUT_TWIN = "import sys; sys.modules['printos_ext._sync'] = None; "

NOTES = (
    "auth: PrintOSHmacAuth on both sides; raw = httpx.Client + status check + json.loads",
    f"ratio: median over {ROUNDS} rounds of (SDK batch / raw batch), {BATCH} requests each",
    f"import: median of {IMPORT_RUNS} fresh interpreters each, twin present / absent, alternating",
)

Call = Callable[[], None]


def _operations(client: SyncPrintOSClient, http: httpx.Client) -> dict[str, tuple[Call, Call]]:
    serials = itertools.count()
    pages = itertools.count()
    status_path = f"/devices/{quote(DEVICE_ID, safe='')}/status"

    def sdk_list() -> None:
        client.devices.list()

    def raw_list() -> None:
        response = http.get("/devices")
        if response.status_code != 200:
            raise RuntimeError(f"list: {response.status_code}")
        json.loads(response.content)

    def sdk_provision() -> None:
        client.devices.provision(model="HP Latex 800", serial_number=f"SN-{next(serials)}")

    def raw_provision() -> None:
        body = {"model": "HP Latex 800", "serialNumber": f"SN-{next(serials)}"}
        response = http.post("/devices", json=body)
        if response.status_code != 201:
            raise RuntimeError(f"provision: {response.status_code}")
        json.loads(response.content)

    def sdk_status() -> None:
        client.devices.update_status(DEVICE_ID, status="PRINTING", pages_total=next(pages))

    def raw_status() -> None:
        body = {"status": "PRINTING", "metrics": {"pagesTotal": next(pages)}}
        response = http.put(status_path, json=body)
        if response.status_code != 200:
            raise RuntimeError(f"status update: {response.status_code}")

    generated = GeneratedSyncDevices(client)

    def sdk_generated() -> None:
        generated.update_status(DEVICE_ID, status=f"PRINTING {next(pages)}")

    def raw_generated() -> None:
        response = http.put(status_path, json={"status": f"PRINTING {next(pages)}"})
        if response.status_code != 200:
            raise RuntimeError(f"status update: {response.status_code}")

    return {
        "list (1 device)": (sdk_list, raw_list),
        "provision": (sdk_provision, raw_provision),
        "status update": (sdk_status, raw_status),
        "generated method": (sdk_generated, raw_generated),
    }


def _batch(call: Call, n: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


def _compare(
    sandbox: Sandbox, sdk: Call, raw: Call, *, rounds: int, batch: int
) -> tuple[float, float, float]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    for round_number in range(WARMUP_ROUNDS + rounds):
        _reset(sandbox)
        if round_number % 2:
            raw_mean, sdk_mean = _batch(raw, batch), _batch(sdk, batch)
        else:
            sdk_mean, raw_mean = _batch(sdk, batch), _batch(raw, batch)
        if round_number >= WARMUP_ROUNDS:
            sdk_times.append(sdk_mean)
            raw_times.append(raw_mean)
    ratio = statistics.median(s / r for s, r in zip(sdk_times, raw_times, strict=True))
    return statistics.median(sdk_times), statistics.median(raw_times), ratio


def overhead(*, rounds: int = ROUNDS, batch: int = BATCH) -> list[Result]:
    results = []
    with (
        serve_sandbox(key=KEY, secret=SECRET) as server,
        SyncPrintOSClient(
            base_url=server.url, auth=PrintOSHmacAuth(KEY, SECRET), environ={}
        ) as client,
        httpx.Client(base_url=server.url, auth=PrintOSHmacAuth(KEY, SECRET), timeout=30.0) as http,
    ):
        for operation, (sdk, raw) in _operations(client, http).items():
            sdk_median, raw_median, ratio = _compare(
                server.sandbox, sdk, raw, rounds=rounds, batch=batch
            )
            detail = (
                f"sdk {sdk_median * 1e6:.0f} us, raw {raw_median * 1e6:.0f} us, "
                f"{(sdk_median - raw_median) * 1e6:+.0f} us/request"
            )
            name = f"sync overhead {operation}, uvicorn loopback"
            results.append(Result(name, ratio, "x", TARGET, detail))
    return results


def _import_ms(code: str) -> float:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in completed.stderr.splitlines():
        fields = [f.strip() for f in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2] == "printos_ext":
            return int(fields[1]) / 1000
    raise RuntimeError("no printos_ext line in -X importtime output")


def import_cost(runs: int = IMPORT_RUNS) -> list[Result]:
    """``import printos_ext`` as it is, against the same with the twin made unimportable
    (``printos_ext._sync`` set to None in sys.modules): equal when the twin costs nothing until
    used. The baseline and the measured interpreters alternate."""
    present: list[float] = []
    absent: list[float] = []
    for _ in range(runs):
        present.append(_import_ms("import printos_ext"))
        absent.append(_import_ms(WITHOUT_TWIN + "import printos_ext"))
    twin_loaded = statistics.median(_twin_ms() for _ in range(runs))
    with_twin, without = statistics.median(present), statistics.median(absent)
    return [
        Result(
            "import printos_ext, twin present / absent",
            with_twin / without,
            "x",
            IMPORT_TARGET,
            f"{with_twin:.1f} ms vs {without:.1f} ms; first use of SyncPrintOSClient "
            f"+{twin_loaded:.1f} ms",
        )
    ]


def _twin_ms() -> float:
    code = (
        "import time, printos_ext; t = time.perf_counter(); printos_ext.SyncPrintOSClient; "
        "print((time.perf_counter() - t) * 1000)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(completed.stdout)


def _twin_eagerly_imported() -> bool:
    code = "import sys, printos_ext; print('printos_ext._sync.client' in sys.modules)"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip() == "True"


def run(*, rounds: int = ROUNDS, batch: int = BATCH) -> list[Result]:
    if _twin_eagerly_imported():
        raise RuntimeError("import printos_ext imports the sync twin: it should load lazily")
    return overhead(rounds=rounds, batch=batch) + import_cost()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args()
    print(*NOTES, sep="\n")
    print_table(run(rounds=args.rounds, batch=args.batch))


if __name__ == "__main__":
    main()
