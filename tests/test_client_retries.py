"""Retries in the client: which failures are retried, how long it waits, what it logs.

A fake sleep records the delays: nothing here waits for real.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Iterator

import httpx
import pytest
import respx

from printos_ext import (
    APIConnectionError,
    InternalServerError,
    PrintOSClient,
    RateLimitError,
    RetryPolicy,
)

BASE = "https://printos.api.hp.com"
OK_LIST = httpx.Response(200, json={"devices": []})
CREATED = httpx.Response(201, json={"id": "d"})


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        yield router


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


def make_client(sleep: FakeSleep, **kwargs: object) -> PrintOSClient:
    policy = kwargs.pop("retry", RetryPolicy(initial_delay=0.5, jitter=0))
    return PrintOSClient(
        base_url=BASE,
        sleep=sleep,
        retry=policy,
        rng=random.Random(1),
        environ={},
        allow_unauthenticated=True,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.anyio
async def test_server_error_then_success_is_retried_with_backoff(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.get("/devices").mock(
        side_effect=[httpx.Response(503), httpx.Response(502), OK_LIST]
    )
    async with make_client(sleep) as client:
        assert await client.devices.list() == []
    assert route.call_count == 3
    assert sleep.delays == [0.5, 1.0]


@pytest.mark.anyio
async def test_retry_after_seconds_is_honoured(mock: respx.MockRouter, sleep: FakeSleep) -> None:
    mock.get("/devices").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "3"}), OK_LIST]
    )
    async with make_client(sleep) as client:
        await client.devices.list()
    assert sleep.delays == [3.0]


@pytest.mark.anyio
async def test_retry_after_http_date_is_honoured(mock: respx.MockRouter, sleep: FakeSleep) -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    mock.get("/devices").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": when}), OK_LIST]
    )
    async with make_client(sleep) as client:
        await client.devices.list()
    assert len(sleep.delays) == 1
    assert 17 <= sleep.delays[0] <= 20


@pytest.mark.anyio
async def test_retry_after_beyond_the_cap_is_not_waited_for(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.get("/devices").respond(429, headers={"Retry-After": "3600"})
    async with make_client(sleep) as client:
        with pytest.raises(RateLimitError):
            await client.devices.list()
    assert route.call_count == 1
    assert sleep.delays == []


@pytest.mark.anyio
async def test_gives_up_after_max_retries_with_the_last_error(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.get("/devices").respond(500)
    async with make_client(sleep, retry=RetryPolicy(max_retries=3, jitter=0)) as client:
        with pytest.raises(InternalServerError):
            await client.devices.list()
    assert route.call_count == 4
    assert len(sleep.delays) == 3


@pytest.mark.anyio
async def test_per_call_max_retries_overrides_the_client(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.get("/devices").respond(500)
    async with make_client(sleep) as client:
        with pytest.raises(InternalServerError):
            await client.devices.list(max_retries=0)
    assert route.call_count == 1


@pytest.mark.anyio
async def test_connection_errors_are_retried(mock: respx.MockRouter, sleep: FakeSleep) -> None:
    route = mock.get("/devices").mock(side_effect=[httpx.ConnectError("refused"), OK_LIST])
    async with make_client(sleep) as client:
        await client.devices.list()
    assert route.call_count == 2


@pytest.mark.anyio
async def test_post_is_not_retried_after_a_server_error(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.post("/devices").mock(side_effect=[httpx.Response(503), CREATED])
    async with make_client(sleep) as client:
        with pytest.raises(InternalServerError):
            await client.devices.provision(model="M", serial_number="S")
    assert route.call_count == 1


@pytest.mark.anyio
async def test_post_is_not_retried_after_the_connection_dropped(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.post("/devices").mock(side_effect=[httpx.RemoteProtocolError("dropped"), CREATED])
    async with make_client(sleep) as client:
        with pytest.raises(APIConnectionError):
            await client.devices.provision(model="M", serial_number="S")
    assert route.call_count == 1


@pytest.mark.anyio
async def test_post_is_retried_when_it_never_reached_the_server(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.post("/devices").mock(side_effect=[httpx.ConnectError("refused"), CREATED])
    async with make_client(sleep) as client:
        device = await client.devices.provision(model="M", serial_number="S")
    assert device.id == "d"
    assert route.call_count == 2


@pytest.mark.anyio
async def test_post_is_retried_on_429(mock: respx.MockRouter, sleep: FakeSleep) -> None:
    route = mock.post("/devices").mock(side_effect=[httpx.Response(429), CREATED])
    async with make_client(sleep) as client:
        await client.devices.provision(model="M", serial_number="S")
    assert route.call_count == 2


@pytest.mark.anyio
async def test_post_retries_server_errors_when_opted_in(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.post("/devices").mock(side_effect=[httpx.Response(503), CREATED])
    policy = RetryPolicy(retry_non_idempotent=True, jitter=0)
    async with make_client(sleep, retry=policy) as client:
        await client.devices.provision(model="M", serial_number="S")
    assert route.call_count == 2


@pytest.mark.anyio
async def test_put_status_is_retried_after_a_dropped_connection(
    mock: respx.MockRouter, sleep: FakeSleep
) -> None:
    route = mock.put("/devices/d/status").mock(
        side_effect=[httpx.ReadError("reset"), httpx.Response(200)]
    )
    async with make_client(sleep) as client:
        await client.devices.update_status("d", status="IDLE")
    assert route.call_count == 2


@pytest.mark.anyio
async def test_client_errors_are_not_retried(mock: respx.MockRouter, sleep: FakeSleep) -> None:
    route = mock.put("/devices/d/status").respond(404)
    async with make_client(sleep) as client:
        with pytest.raises(Exception, match="404"):
            await client.devices.update_status("d", status="IDLE")
    assert route.call_count == 1
    assert sleep.delays == []


@pytest.mark.anyio
async def test_attempts_are_logged_at_debug_with_method_path_attempt_and_status(
    mock: respx.MockRouter, sleep: FakeSleep, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="printos_ext")
    mock.get("/devices").mock(side_effect=[httpx.Response(503), OK_LIST])
    async with make_client(sleep) as client:
        await client.devices.list()
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("printos_ext")]
    assert "GET /devices -> 503 (attempt 1)" in messages
    assert "GET /devices -> 200 (attempt 2)" in messages
    assert any("retrying in 0.50s" in m for m in messages)
