"""Load: many concurrent calls on one default client are all delivered, within the timeout.

httpcore's pool does work proportional to waiting requests x connections each time a request
finishes; 2,000 calls at once on a default httpx client spend their deadlines in that queue and
time out without reaching the server (raw httpx does the same; see
``benchmarks/bench_in_flight.py`` for the two timed side by side). The client admits at most as
many requests into httpx as its pool has connections, and the wait for a slot is not part of a
request's deadline. These tests assert delivery, not speed: the guard only turns a hang into a
failure.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from printos_ext import PrintOSClient, StatusUpdate
from printos_ext._async_io import DEFAULT_IN_FLIGHT, in_flight_limit

from fastserver import fast_server, served
from rawserver import raw_server, read_request

T = TypeVar("T")

CALLS = 2000
GUARD = 120.0
"""Far above what delivering 2,000 calls to a loopback server takes; only a hang reaches it."""


@pytest.mark.anyio
async def test_2000_concurrent_calls_on_the_default_client_are_all_delivered() -> None:
    with fast_server() as (url, server), anyio.fail_after(GUARD):
        async with PrintOSClient(base_url=url, environ={}) as client:  # timeout=30, 100 conns
            outcomes = await gather(client.devices.list for _ in range(CALLS))
        delivered = served(server)
    assert [o for o in outcomes if not isinstance(o, list)] == []
    assert len(outcomes) == CALLS
    assert delivered == CALLS


@pytest.mark.anyio
async def test_update_status_many_of_2000_with_high_concurrency_is_all_delivered() -> None:
    updates = [StatusUpdate(device_id=f"dev-{i}", status="READY") for i in range(CALLS)]
    with fast_server() as (url, server), anyio.fail_after(GUARD):
        async with PrintOSClient(base_url=url, environ={}) as client:
            results = await client.devices.update_status_many(updates, concurrency=CALLS)
        delivered = served(server)
    assert [r.error for r in results if not r.ok] == []
    assert delivered == CALLS


def test_the_in_flight_limit_is_the_pool_size() -> None:
    assert in_flight_limit(httpx.AsyncClient()) == 100  # httpx's default pool
    assert in_flight_limit(httpx.AsyncClient(limits=httpx.Limits(max_connections=7))) == 7
    unlimited = httpx.AsyncClient(limits=httpx.Limits(max_connections=None))
    assert in_flight_limit(unlimited) == DEFAULT_IN_FLIGHT
    mocked = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert in_flight_limit(mocked) == DEFAULT_IN_FLIGHT


@pytest.mark.anyio
async def test_no_more_requests_in_flight_than_the_limit() -> None:
    inside = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        await anyio.sleep(0.001)
        inside -= 1
        return httpx.Response(200, json={"devices": []})

    with anyio.fail_after(GUARD):
        async with (
            PrintOSClient(
                allow_unauthenticated=True, transport=httpx.MockTransport(handler), environ={}
            ) as client,
            anyio.create_task_group() as tg,
        ):
            for _ in range(3 * DEFAULT_IN_FLIGHT):
                tg.start_soon(client.devices.list)
    assert peak == DEFAULT_IN_FLIGHT


@pytest.mark.anyio
async def test_waiting_for_a_connection_is_not_part_of_the_deadline() -> None:
    """Two connections, answers that take 0.2 s, a 0.5 s timeout, ten calls: five rounds."""

    async def slow(stream: SocketStream) -> None:
        with contextlib.suppress(anyio.EndOfStream):
            while True:
                await read_request(stream)
                await anyio.sleep(0.2)
                await stream.send(EMPTY_LIST)

    with anyio.fail_after(GUARD):
        async with raw_server(slow) as url:
            limits = httpx.Limits(max_connections=2)
            async with (
                httpx.AsyncClient(limits=limits) as http,
                PrintOSClient(base_url=url, http_client=http, timeout=0.5, max_retries=0) as sdk,
            ):
                results = await gather(sdk.devices.list for _ in range(10))
    assert all(isinstance(r, list) for r in results), results


EMPTY_LIST = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    b'{"devices": []}'
)


async def gather(calls: Iterable[Callable[[], Awaitable[T]]]) -> list[T | Exception]:
    results: list[T | Exception] = []

    async def run(call: Callable[[], Awaitable[T]]) -> None:
        try:
            results.append(await call())
        except Exception as exc:
            results.append(exc)

    async with anyio.create_task_group() as tg:
        for call in calls:
            tg.start_soon(run, call)
    return results
