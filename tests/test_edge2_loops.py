"""One client used from one event loop after another (issue 18, class 6).

A client whose pool the SDK made follows its caller: two ``asyncio.run`` calls, asyncio then
trio, trio then asyncio all work against a real loopback server (connections were opened and
kept alive by the first loop). A pool passed in (``http_client=``) cannot follow: that failure
is an EventLoopError saying so, never a raw RuntimeError, and so is using one client from two
loops running at the same time.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import httpx
import pytest
import trio

from printos_ext import EventLoopError, PrintOSClient
from printos_ext.sandbox import SandboxServer, serve_sandbox

pytestmark = pytest.mark.e2e

Runner = Callable[[Callable[[], Coroutine[Any, Any, Any]]], Any]


def on_asyncio(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(main())


def on_trio(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return trio.run(main)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        running.state.provision(model="M", serial_number="S", device_id="d1")
        yield running


@pytest.mark.parametrize(
    "runners",
    [
        [on_asyncio, on_asyncio, on_asyncio],
        [on_asyncio, on_trio],
        [on_trio, on_asyncio],
        [on_trio, on_trio, on_asyncio, on_trio],
    ],
    ids=["asyncio-asyncio-asyncio", "asyncio-trio", "trio-asyncio", "trio-trio-asyncio-trio"],
)
def test_a_client_works_from_one_event_loop_after_another(
    sandbox: SandboxServer, runners: list[Runner]
) -> None:
    client = PrintOSClient(base_url=sandbox.url, environ={})

    async def list_twice() -> list[str]:
        first = await client.devices.list()  # opens a keep-alive connection on this loop
        second = await client.devices.list()
        return [str(d.id) for d in first + second]

    for run in runners:
        assert run(list_twice) == ["d1", "d1"]

    async def close() -> None:
        await client.aclose()

    on_asyncio(close)


def test_with_options_copies_follow_the_loop_with_the_original(sandbox: SandboxServer) -> None:
    client = PrintOSClient(base_url=sandbox.url, environ={})
    fast = client.with_options(timeout=5)

    async def both() -> int:
        return len(await client.devices.list()) + len(await fast.devices.list())

    assert on_asyncio(both) == 2
    assert on_trio(both) == 2
    assert on_asyncio(both) == 2


def test_a_passed_in_http_client_on_a_second_loop_is_an_event_loop_error(
    sandbox: SandboxServer,
) -> None:
    http = httpx.AsyncClient()
    client = PrintOSClient(base_url=sandbox.url, http_client=http, environ={}, max_retries=0)

    async def list_devices() -> int:
        return len(await client.devices.list())

    assert on_asyncio(list_devices) == 1
    # httpx cannot reuse the first loop's connection from the second: typed, and says why.
    with pytest.raises(EventLoopError, match="another event loop"):
        on_asyncio(list_devices)


def test_two_loops_running_at_once_are_refused_with_event_loop_error(
    sandbox: SandboxServer,
) -> None:
    client = PrintOSClient(base_url=sandbox.url, environ={})
    started, release = threading.Event(), threading.Event()

    async def hold_the_client() -> None:
        await client.devices.list()
        started.set()
        await asyncio.to_thread(release.wait, 10)

    thread = threading.Thread(target=on_asyncio, args=(hold_the_client,))
    thread.start()
    try:
        assert started.wait(10)

        async def list_devices() -> None:
            await client.devices.list()

        with pytest.raises(EventLoopError, match="still running"):
            on_asyncio(list_devices)
    finally:
        release.set()
        thread.join(10)
