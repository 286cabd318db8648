"""client.devices.provision_many / update_status_many: per-item results, bounded concurrency.

Most tests run against the sandbox over a real loopback socket (a server thread serves asyncio
and trio clients alike), with faults injected; a mock transport measures concurrency exactly.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from printos_ext import (
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PrintOSClient,
    RetryPolicy,
)
from printos_ext.bulk import BulkResult, ProvisionRequest, StatusUpdate
from printos_ext.sandbox import SandboxServer, serve_sandbox

FAST_RETRIES = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.01)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server: SandboxServer) -> None:
    server.state.reset()
    server.faults.reset()


class Sent:
    """The requests a client sent, by ``"METHOD /path"``. Counted on the client side: the
    sandbox logs a request only after its response has gone out, so its log may lag."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    async def __call__(self, request: httpx.Request) -> None:
        self.requests.append(f"{request.method} {request.url.path}")

    def count(self, method: str) -> int:
        return sum(1 for r in self.requests if r.startswith(method + " "))


@pytest.fixture
def sent() -> Sent:
    return Sent()


def client_for(
    server: SandboxServer, sent: Sent | None = None, retry: RetryPolicy = FAST_RETRIES
) -> PrintOSClient:
    hooks = {"request": [sent]} if sent is not None else None
    return PrintOSClient(base_url=server.url, environ={}, retry=retry, event_hooks=hooks)


def provisioned(server: SandboxServer, n: int) -> list[str]:
    return [server.state.provision(model="m", serial_number=f"SN-{i}").id for i in range(n)]


# provision_many


@pytest.mark.anyio
async def test_provision_many_returns_results_in_input_order(server: SandboxServer) -> None:
    requests: list[Any] = [ProvisionRequest("HP Indigo", f"SN-{i}") for i in range(15)]
    requests += [
        {"model": "HP Latex", "serial_number": f"LX-{i}", "location": "B"} for i in range(5)
    ]
    async with client_for(server) as client:
        results = await client.devices.provision_many(requests, concurrency=4)
    assert [r.input for r in results] == requests
    assert all(r.input is item for r, item in zip(results, requests, strict=True))
    assert all(r.ok and r.error is None for r in results)
    serials = [r.value.serial_number for r in results if r.value is not None]
    assert serials == [f"SN-{i}" for i in range(15)] + [f"LX-{i}" for i in range(5)]
    assert len(server.state.devices) == 20
    assert {d.location for d in server.state.devices.values()} == {None, "B"}


@pytest.mark.anyio
async def test_provision_many_keeps_going_past_failed_and_invalid_items(
    server: SandboxServer, sent: Sent
) -> None:
    server.state.provision(model="m", serial_number="TAKEN")
    requests: list[Any] = [
        ProvisionRequest("m", "A"),
        ProvisionRequest("m", "TAKEN"),  # 409 from the server
        ProvisionRequest("", "B"),  # empty model
        {"model": "m"},  # missing serial_number
        {"model": "m", "serial_number": "C", "colour": "red"},  # unknown key
        ProvisionRequest("m", 42),  # type: ignore[arg-type]
        "not a request",
        ProvisionRequest("m", "D", location="Hall D"),
    ]
    async with client_for(server, sent) as client:
        results = await client.devices.provision_many(requests, concurrency=3)
    outcome = [type(r.error).__name__ if r.error else "ok" for r in results]
    assert outcome == [
        "ok",
        "ConflictError",
        "InvalidArgumentError",
        "InvalidArgumentError",
        "InvalidArgumentError",
        "InvalidArgumentError",
        "InvalidArgumentError",
        "ok",
    ]
    assert isinstance(results[1].error, ConflictError)
    assert "model must not be empty" in str(results[2].error)
    assert "missing required keyword argument(s) serial_number=" in str(results[3].error)
    assert "colour" in str(results[4].error)
    assert "serial_number must be a str" in str(results[5].error)
    assert all(r.value is None for r in results if not r.ok)
    # Invalid items were never sent: only A, TAKEN and D reached the server.
    assert sent.count("POST") == 3


@pytest.mark.anyio
async def test_provision_many_under_rate_limits_and_errors(server: SandboxServer) -> None:
    server.faults.rate_limit_burst(3, retry_after=0)  # 429: retried by the client
    async with client_for(server, retry=RetryPolicy(max_retries=5, initial_delay=0.001)) as client:
        results = await client.devices.provision_many(
            [ProvisionRequest("m", f"SN-{i}") for i in range(10)], concurrency=5
        )
        assert all(r.ok for r in results)
        # A 503 on a POST is not retried (it might have provisioned): that one item fails.
        server.faults.fail_next(1, status=503)
        results = await client.devices.provision_many(
            [ProvisionRequest("m", f"NEXT-{i}") for i in range(10)], concurrency=5
        )
    failed = [r for r in results if not r.ok]
    assert len(failed) == 1
    assert isinstance(failed[0].error, InternalServerError)
    assert len(server.state.devices) == 19


# update_status_many


@pytest.mark.anyio
async def test_update_status_many_delivers_everything_through_faults(
    server: SandboxServer,
) -> None:
    ids = provisioned(server, 30)
    server.faults.rate_limit_burst(3, retry_after=0)
    server.faults.fail_next(3, status=503)
    server.faults.drop_next(2)
    server.faults.drop_next(1, after_processing=True)
    updates: list[Any] = [
        StatusUpdate(d, status="PRINTING", pages_total=i, ink_level=i * 1.5)
        for i, d in enumerate(ids[:20])
    ]
    updates += [{"device_id": d, "ink_level": 7} for d in ids[20:]]
    async with client_for(server, retry=RetryPolicy(max_retries=10, initial_delay=0.001)) as client:
        results = await client.devices.update_status_many(updates, concurrency=8)
    assert [r.ok for r in results] == [True] * 30
    assert all(r.value is None for r in results)
    devices = server.state.devices
    for i, d in enumerate(ids[:20]):
        assert devices[d].status == "PRINTING"
        assert devices[d].metrics == {"pagesTotal": i, "inkLevel": i * 1.5}
    for d in ids[20:]:
        assert (devices[d].status, devices[d].metrics) == ("REGISTERED", {"inkLevel": 7})
    assert server.faults.pending == 0


@pytest.mark.anyio
async def test_update_status_many_reports_each_failure_on_its_item(
    server: SandboxServer, sent: Sent
) -> None:
    (known,) = provisioned(server, 1)
    updates: list[Any] = [
        StatusUpdate(known, status="IDLE"),
        StatusUpdate("no-such-device", status="IDLE"),
        StatusUpdate(known),  # nothing to update
        StatusUpdate(known, ink_level=150),
        {"device_id": known, "pages_total": -1},
        {"status": "IDLE"},  # no device_id
        StatusUpdate("  ", status="IDLE"),
    ]
    async with client_for(server, sent) as client:
        results = await client.devices.update_status_many(updates)
    assert results[0].ok
    assert isinstance(results[1].error, NotFoundError)
    for result in results[2:]:
        assert isinstance(result.error, InvalidArgumentError)
    assert "nothing to send" in str(results[2].error)
    assert "ink_level must be between 0 and 100" in str(results[3].error)
    assert "pages_total must be >= 0" in str(results[4].error)
    assert "missing 1 required positional argument: 'device_id'" in str(results[5].error)
    assert "device_id must not be empty" in str(results[6].error)
    assert sent.requests == [f"PUT /devices/{known}/status", "PUT /devices/no-such-device/status"]


@pytest.mark.anyio
async def test_a_generator_is_accepted_and_an_empty_batch_sends_nothing(
    server: SandboxServer, sent: Sent
) -> None:
    ids = provisioned(server, 3)
    async with client_for(server, sent) as client:
        results = await client.devices.update_status_many(
            (StatusUpdate(d, status="READY") for d in ids), concurrency=2
        )
        assert [r.ok for r in results] == [True, True, True]
        assert await client.devices.update_status_many([]) == []
        assert await client.devices.provision_many(iter([])) == []
    assert sorted(sent.requests) == sorted(f"PUT /devices/{d}/status" for d in ids)


@pytest.mark.anyio
@pytest.mark.parametrize("batch", [None, 42, "dev-1", {"device_id": "dev-1", "status": "X"}])
async def test_a_batch_that_is_not_a_list_of_items_raises_at_once(
    server: SandboxServer, sent: Sent, batch: Any
) -> None:
    async with client_for(server, sent) as client:
        with pytest.raises(InvalidArgumentError, match="must be an iterable of items"):
            await client.devices.update_status_many(batch)
        with pytest.raises(InvalidArgumentError, match="must be an iterable of items"):
            await client.devices.provision_many(batch)
    assert sent.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize("concurrency", [0, -1, True, 2.5, None])
async def test_concurrency_must_be_a_positive_int(
    server: SandboxServer, sent: Sent, concurrency: Any
) -> None:
    async with client_for(server, sent) as client:
        with pytest.raises(InvalidArgumentError, match="concurrency"):
            await client.devices.update_status_many(
                [StatusUpdate("d", status="X")], concurrency=concurrency
            )
        with pytest.raises(InvalidArgumentError, match="concurrency"):
            await client.devices.provision_many(
                [ProvisionRequest("m", "s")], concurrency=concurrency
            )
    assert sent.requests == []


# Concurrency, measured exactly with an in-memory transport.


class Gauge:
    """A transport handler that counts requests in flight; the first ``hold`` wait for each
    other, so a limit lower than ``hold`` would deadlock and a higher one would show."""

    def __init__(self, hold: int) -> None:
        self.hold = hold
        self.active = 0
        self.peak = 0
        self.full = anyio.Event()
        self.order: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        if self.active >= self.hold:
            self.full.set()
        await self.full.wait()
        # Finish in a scrambled order, so input order cannot come from completion order.
        for _ in range(zlib.crc32(request.url.raw_path) % 7):
            await anyio.lowlevel.checkpoint()
        self.order.append(request.url.path)
        self.active -= 1
        return httpx.Response(200)


@pytest.mark.anyio
@pytest.mark.parametrize("concurrency", [1, 4, 50])
async def test_at_most_concurrency_requests_are_in_flight(concurrency: int) -> None:
    n = 20
    gauge = Gauge(hold=min(concurrency, n))
    updates = [StatusUpdate(f"dev-{i}", status="READY") for i in range(n)]
    client = PrintOSClient(
        allow_unauthenticated=True,
        base_url="http://sdk.test",
        environ={},
        transport=httpx.MockTransport(gauge),
    )
    async with client:
        with anyio.fail_after(10):
            results = await client.devices.update_status_many(updates, concurrency=concurrency)
    assert gauge.peak == min(concurrency, n)
    assert [r.input for r in results] == updates
    assert all(r.ok for r in results)
    assert sorted(gauge.order) == sorted(f"/devices/dev-{i}/status" for i in range(n))


def test_bulk_result_ok_follows_error() -> None:
    assert BulkResult(input=1, value=2).ok
    assert not BulkResult(input=1, error=InvalidArgumentError("x")).ok
