"""Per-request overhead of the SDK against raw ``httpx.AsyncClient`` + ``json.loads``.

What is compared, like for like: the same operation against the same sandbox, once through
``client.devices`` and once as a bare httpx request whose status code is checked and whose JSON
body (if any) is parsed. Neither side authenticates, so the HMAC cost is in neither number. The SDK
side additionally builds models, applies its per-attempt deadline, streams the body under
``max_response_bytes`` and maps errors; that is the overhead being measured.

Two servers: the in-process ASGI sandbox (``httpx.ASGITransport``; no sockets, so the SDK's share
is largest) and a uvicorn sandbox on loopback (``serve_sandbox``; closer to a real network, though
the server shares this process's GIL). SDK and raw batches are interleaved, alternating which goes
first, so drift in machine load hits both sides alike; the reported times are medians over rounds
of the mean per-request time in a batch, and the ratio is SDK median / raw median.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from urllib.parse import quote

import anyio
import httpx
from run_all import Result, print_table

from printos_api_client.api.devices import Devices as GeneratedDevices
from printos_ext import PrintOSClient
from printos_ext.sandbox import Sandbox, serve_sandbox

TARGET = 1.10
DEVICE_ID = "dev-bench-0001"
ROUNDS = 100
BATCH = 10
WARMUP_ROUNDS = 3
SERVERS = ("asgi", "uvicorn")


def notes(rounds: int = ROUNDS, batch: int = BATCH) -> tuple[str, str]:
    return (
        "auth: none on either side; raw = httpx.AsyncClient + status check + json.loads",
        f"ratio: median over {rounds} rounds of (SDK batch / raw batch), {batch} requests each",
    )


NOTES = notes()

Call = Callable[[], Awaitable[None]]


def _reset(sandbox: Sandbox) -> None:
    """One known device and an empty request log: the same server work in every round."""
    sandbox.state.reset()
    sandbox.state.provision(model="HP Indigo 7K", serial_number="SN-BENCH", device_id=DEVICE_ID)


def _operations(client: PrintOSClient, http: httpx.AsyncClient) -> dict[str, tuple[Call, Call]]:
    """(SDK call, raw call) per operation; the raw side checks the status and parses JSON too."""
    serials = itertools.count()
    pages = itertools.count()

    async def sdk_list() -> None:
        await client.devices.list()

    async def raw_list() -> None:
        response = await http.get("/devices")
        if response.status_code != 200:
            raise RuntimeError(f"list: {response.status_code}")
        json.loads(response.content)

    async def sdk_provision() -> None:
        await client.devices.provision(model="HP Latex 800", serial_number=f"SN-{next(serials)}")

    async def raw_provision() -> None:
        body = {"model": "HP Latex 800", "serialNumber": f"SN-{next(serials)}"}
        response = await http.post("/devices", json=body)
        if response.status_code != 201:
            raise RuntimeError(f"provision: {response.status_code}")
        json.loads(response.content)

    async def sdk_status() -> None:
        await client.devices.update_status(DEVICE_ID, status="PRINTING", pages_total=next(pages))

    async def raw_status() -> None:
        body = {"status": "PRINTING", "metrics": {"pagesTotal": next(pages)}}
        response = await http.put(f"/devices/{quote(DEVICE_ID, safe='')}/status", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"status update: {response.status_code}")

    # A generated resource method as it is, without the SDK's conventions on top: what an operation
    # the spec adds costs (keywords flattened into the body model, sent through client.request).
    generated = GeneratedDevices(client)

    async def sdk_generated() -> None:
        await generated.update_status(DEVICE_ID, status=f"PRINTING {next(pages)}")

    async def raw_generated() -> None:
        body = {"status": f"PRINTING {next(pages)}"}
        response = await http.put(f"/devices/{quote(DEVICE_ID, safe='')}/status", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"status update: {response.status_code}")

    return {
        "list (1 device)": (sdk_list, raw_list),
        "provision": (sdk_provision, raw_provision),
        "status update": (sdk_status, raw_status),
        "generated method": (sdk_generated, raw_generated),
    }


async def _batch(call: Call, n: int) -> float:
    """Mean seconds per call over ``n`` sequential calls."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(n):
        await call()
    return (time.perf_counter() - start) / n


async def _compare(
    sandbox: Sandbox, sdk: Call, raw: Call, *, rounds: int, batch: int
) -> tuple[float, float, float]:
    """(median SDK s/call, median raw s/call, median of per-round SDK/raw ratios).

    Each round runs an SDK batch and a raw batch back to back, in alternating order; the ratio
    of each pair is taken before the median, so load that drifts across rounds largely cancels.
    """
    sdk_times: list[float] = []
    raw_times: list[float] = []
    for round_number in range(WARMUP_ROUNDS + rounds):
        _reset(sandbox)
        if round_number % 2:
            raw_mean = await _batch(raw, batch)
            sdk_mean = await _batch(sdk, batch)
        else:
            sdk_mean = await _batch(sdk, batch)
            raw_mean = await _batch(raw, batch)
        if round_number >= WARMUP_ROUNDS:
            sdk_times.append(sdk_mean)
            raw_times.append(raw_mean)
    ratio = statistics.median(s / r for s, r in zip(sdk_times, raw_times, strict=True))
    return statistics.median(sdk_times), statistics.median(raw_times), ratio


@asynccontextmanager
async def _clients(
    sandbox: Sandbox, base_url: str, *, in_process: bool
) -> AsyncIterator[tuple[PrintOSClient, httpx.AsyncClient]]:
    """An SDK client and a raw client on the same server, each with its own connection pool."""
    async with AsyncExitStack() as stack:
        sdk_transport = httpx.ASGITransport(app=sandbox) if in_process else None
        raw_transport = httpx.ASGITransport(app=sandbox) if in_process else None
        client = await stack.enter_async_context(
            PrintOSClient(
                base_url=base_url,
                transport=sdk_transport,
                environ={},
                allow_unauthenticated=True,  # in process: "http://sandbox.test"
            )
        )
        http = await stack.enter_async_context(
            httpx.AsyncClient(base_url=base_url, transport=raw_transport, timeout=30.0)
        )
        yield client, http


async def _measure(
    label: str, sandbox: Sandbox, base_url: str, *, in_process: bool, rounds: int, batch: int
) -> list[Result]:
    results = []
    async with _clients(sandbox, base_url, in_process=in_process) as (client, http):
        for operation, (sdk, raw) in _operations(client, http).items():
            sdk_median, raw_median, ratio = await _compare(
                sandbox, sdk, raw, rounds=rounds, batch=batch
            )
            detail = (
                f"sdk {sdk_median * 1e6:.0f} us, raw {raw_median * 1e6:.0f} us, "
                f"{(sdk_median - raw_median) * 1e6:+.0f} us/request"
            )
            name = f"overhead {operation}, {label}"
            results.append(Result(name, ratio, "x", TARGET, detail))
    return results


def run(
    *, rounds: int = ROUNDS, batch: int = BATCH, servers: tuple[str, ...] = SERVERS
) -> list[Result]:
    """Every operation on the chosen servers; no authentication on either side."""
    results: list[Result] = []
    if "asgi" in servers:
        in_process = Sandbox()
        results += anyio.run(
            lambda: _measure(
                "ASGI in-process",
                in_process,
                "http://sandbox.test",
                in_process=True,
                rounds=rounds,
                batch=batch,
            ),
            backend="asyncio",
        )
    if "uvicorn" not in servers:
        return results
    with serve_sandbox() as server:
        results += anyio.run(
            lambda: _measure(
                "uvicorn loopback",
                server.sandbox,
                server.url,
                in_process=False,
                rounds=rounds,
                batch=batch,
            ),
            backend="asyncio",
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--servers", default=",".join(SERVERS), help="asgi,uvicorn")
    args = parser.parse_args()
    print(*notes(args.rounds, args.batch), sep="\n")
    servers = tuple(args.servers.split(","))
    print_table(run(rounds=args.rounds, batch=args.batch, servers=servers))


if __name__ == "__main__":
    main()
