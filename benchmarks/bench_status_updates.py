"""Status-update throughput: the SDK's update_status_many against raw httpx, at 1, 10, 50 at once.

``python benchmarks/bench_status_updates.py`` (about a minute on two cores). Not part of the test
run: throughput on a shared machine is too noisy to assert on.

What is compared, like for like:

* the same 1,000 ``PUT /devices/{id}/status`` requests with the same JSON bodies, to 1,000
  devices provisioned beforehand, against the same loopback sandbox server;
* SDK: ``client.devices.update_status_many(updates, concurrency=N)``, i.e. validation, the
  generated request builder, the client's request pipeline (deadline, size-limited read, error
  mapping) and per-item results; raw: N worker tasks sharing the list, each doing
  ``await http.put(url, json=body)`` and checking for 200, the same worker-pool shape that
  ``update_status_many`` uses;
* no authentication on either side (so HMAC signing is in neither number), and one
  ``httpx.AsyncClient`` configuration for both (the SDK is handed its client through
  ``http_client=``), with enough keep-alive connections for the highest concurrency, so neither
  side pays for reconnecting.

The server runs in a subprocess by default, so it does not share this process's GIL with the
client being measured (``--server thread`` runs it in a thread here instead, as ``serve_sandbox``
does). Its listening socket sets TCP_NODELAY, so no response waits for a delayed ACK.

Each round runs every concurrency level, SDK and raw back to back in alternating order, so drift
in machine load hits both alike. Printed: the median throughput over the rounds (after one
warm-up round) and the median of the per-round SDK/raw ratios (1.00 = as fast as raw httpx).
"""

from __future__ import annotations

import argparse
import gc
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from urllib.parse import quote

import anyio
import httpx

from printos_ext import PrintOSClient, ProvisionRequest, StatusUpdate
from printos_ext.sandbox import Sandbox

REQUESTS = 1000
CONCURRENCY = (1, 10, 50)
ROUNDS = 5
WARMUP_ROUNDS = 1
READY_PREFIX = "bench sandbox listening on "


# The server


def _listener() -> socket.socket:
    sock = socket.create_server(("127.0.0.1", 0))
    # Accepted sockets inherit it on Linux: a response's head and body go out without waiting.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _uvicorn(sock: socket.socket) -> Any:
    import uvicorn

    config = uvicorn.Config(
        Sandbox(),
        host="127.0.0.1",
        port=sock.getsockname()[1],
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


def serve() -> None:
    """``--serve``: run a sandbox in this process until stdin closes (the parent exits)."""
    import threading

    sock = _listener()
    server = _uvicorn(sock)

    def stop_when_parent_goes() -> None:
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=stop_when_parent_goes, daemon=True).start()
    print(f"{READY_PREFIX}http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server.run(sockets=[sock])


@contextmanager
def subprocess_server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(READY_PREFIX):
            raise RuntimeError(f"the sandbox subprocess did not start: {line!r}")
        yield line[len(READY_PREFIX) :].strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def thread_server() -> Iterator[str]:
    import threading

    sock = _listener()
    server = _uvicorn(sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


# The clients


def _http(base_url: str, concurrency: int) -> httpx.AsyncClient:
    """The one client configuration both sides use."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0)


@asynccontextmanager
async def clients(base_url: str) -> AsyncIterator[tuple[PrintOSClient, httpx.AsyncClient]]:
    top = max(CONCURRENCY)
    async with (
        _http(base_url, top) as sdk_http,
        _http(base_url, top) as raw,
        PrintOSClient(base_url=base_url, http_client=sdk_http, environ={}) as sdk,
    ):
        yield sdk, raw


async def wait_until_up(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        for _ in range(200):
            try:
                (await http.get("/devices")).raise_for_status()
                return
            except httpx.TransportError:
                await anyio.sleep(0.05)
    raise RuntimeError(f"no sandbox answering at {base_url}")


async def provision(sdk: PrintOSClient, n: int) -> list[str]:
    stamp = time.time_ns()
    results = await sdk.devices.provision_many(
        [ProvisionRequest("HP Indigo 7K", f"BENCH-{stamp}-{i}") for i in range(n)], concurrency=20
    )
    failed = [r.error for r in results if r.error is not None]
    if failed:
        raise RuntimeError(f"provisioning failed: {failed[0]}")
    return [r.value.id for r in results if r.value is not None and isinstance(r.value.id, str)]


def workload(device_ids: list[str]) -> list[StatusUpdate]:
    return [
        StatusUpdate(device_id, status="PRINTING", pages_total=i, ink_level=float(i % 100))
        for i, device_id in enumerate(device_ids)
    ]


async def run_sdk(sdk: PrintOSClient, updates: list[StatusUpdate], concurrency: int) -> float:
    gc.collect()
    start = time.perf_counter()
    results = await sdk.devices.update_status_many(updates, concurrency=concurrency)
    elapsed = time.perf_counter() - start
    errors = [r.error for r in results if r.error is not None]
    if errors:
        raise RuntimeError(f"SDK: {len(errors)} updates failed, first: {errors[0]}")
    return len(updates) / elapsed


async def run_raw(http: httpx.AsyncClient, updates: list[StatusUpdate], concurrency: int) -> float:
    # The same JSON the SDK sends, built beforehand: the raw side does no work of its own.
    requests = [
        (
            f"/devices/{quote(u.device_id, safe='')}/status",
            {"status": u.status, "metrics": {"pagesTotal": u.pages_total, "inkLevel": u.ink_level}},
        )
        for u in updates
    ]
    queue = iter(requests)

    async def worker() -> None:
        for url, body in queue:
            response = await http.put(url, json=body)
            if response.status_code != 200:
                raise RuntimeError(f"raw: {response.status_code} from {url}")

    gc.collect()
    start = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(min(concurrency, len(requests))):
            tg.start_soon(worker)
    return len(requests) / (time.perf_counter() - start)


async def measure(base_url: str, n: int, rounds: int) -> dict[int, dict[str, list[float]]]:
    await wait_until_up(base_url)
    samples: dict[int, dict[str, list[float]]] = {
        c: {"sdk": [], "raw": [], "ratio": []} for c in CONCURRENCY
    }
    async with clients(base_url) as (sdk, raw):
        updates = workload(await provision(sdk, n))
        for round_number in range(WARMUP_ROUNDS + rounds):
            for concurrency in CONCURRENCY:
                if round_number % 2:
                    raw_rate = await run_raw(raw, updates, concurrency)
                    sdk_rate = await run_sdk(sdk, updates, concurrency)
                else:
                    sdk_rate = await run_sdk(sdk, updates, concurrency)
                    raw_rate = await run_raw(raw, updates, concurrency)
                if round_number >= WARMUP_ROUNDS:
                    samples[concurrency]["sdk"].append(sdk_rate)
                    samples[concurrency]["raw"].append(raw_rate)
                    samples[concurrency]["ratio"].append(sdk_rate / raw_rate)
            done = round_number + 1
            print(f"  round {done}/{WARMUP_ROUNDS + rounds} done", file=sys.stderr, flush=True)
    return samples


def print_table(samples: dict[int, dict[str, list[float]]]) -> None:
    print(f"{'concurrency':>11}  {'SDK req/s':>9}  {'raw req/s':>9}  {'SDK/raw':>7}  ratio range")
    for concurrency, s in samples.items():
        sdk, raw, ratio = (statistics.median(s[k]) for k in ("sdk", "raw", "ratio"))
        spread = f"{min(s['ratio']):.2f}-{max(s['ratio']):.2f}"
        print(f"{concurrency:>11}  {sdk:>9.0f}  {raw:>9.0f}  {ratio:>7.2f}  {spread}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS, help="updates per run")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="measured rounds")
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    parser.add_argument(
        "--server",
        choices=("subprocess", "thread"),
        default="subprocess",
        help="where the sandbox runs (default: its own process)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    started = time.perf_counter()
    with subprocess_server() if args.server == "subprocess" else thread_server() as url:
        samples = anyio.run(measure, url, args.requests, args.rounds, backend=args.backend)
    print(
        f"{args.requests} status updates per run; median of {args.rounds} rounds "
        f"(+{WARMUP_ROUNDS} warm-up); {args.backend} client; sandbox (uvicorn) in a "
        f"{args.server} on loopback; no auth on either side"
    )
    print_table(samples)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
