"""One item's failure stays with that item: bulk calls and the status reporter never lose other
devices' work because one device's request failed in a way outside the typed model."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import anyio
import httpx
import pytest

from printos_ext import (
    InvalidArgumentError,
    PrintOSClient,
    ResponseDecodingError,
    RetryPolicy,
    UnexpectedError,
)
from printos_ext.bulk import StatusUpdate
from printos_ext.reporter import FlushTimeoutError, StatusReporter

GUARD = 20.0
GOOD = [f"dev-{i}" for i in range(10)]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


class Fleet:
    """An in-memory API: records each device's last status; ``bad`` devices fail as told."""

    def __init__(self, failure: str) -> None:
        self.failure = failure
        self.status: dict[str, Any] = {}
        self.bad_attempts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        device = unquote(request.url.path.split("/")[2])
        if device.startswith("bad"):
            self.bad_attempts += 1
            if self.failure == "bug":
                raise RuntimeError("sensor bus hiccup in a transport of the user's own")
            return httpx.Response(
                200, content=b"\x1f\x8b not gzip", headers={"Content-Encoding": "gzip"}
            )
        self.status[device] = json.loads(request.content)
        return httpx.Response(200)


def client_for(fleet: Fleet) -> PrintOSClient:
    return PrintOSClient(
        allow_unauthenticated=True,
        transport=httpx.MockTransport(fleet),
        retry=RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001),
        environ={},
    )


# Bulk.


@pytest.mark.anyio
async def test_unencodable_items_are_per_item_errors_not_an_exception_group() -> None:
    fleet = Fleet("bug")
    updates = [
        StatusUpdate("dev-0", status="READY"),
        StatusUpdate("dev-1", status="bad \ud800 surrogate"),
        StatusUpdate("dev-2", pages_total=10**5000),
        StatusUpdate("dev-3", status="IDLE"),
    ]
    with anyio.fail_after(GUARD):
        async with client_for(fleet) as client:
            results = await client.devices.update_status_many(updates)
    assert [r.ok for r in results] == [True, False, False, True]
    assert isinstance(results[1].error, InvalidArgumentError)
    assert "surrogate" in str(results[1].error)
    assert isinstance(results[2].error, InvalidArgumentError)
    assert len(str(results[2].error)) < 1000
    assert sorted(fleet.status) == ["dev-0", "dev-3"]


@pytest.mark.anyio
async def test_an_untyped_exception_of_one_item_is_that_items_result() -> None:
    fleet = Fleet("bug")
    updates = [StatusUpdate(d, status="READY") for d in [*GOOD[:5], "bad-1", *GOOD[5:]]]
    with anyio.fail_after(GUARD):
        async with client_for(fleet) as client:
            results = await client.devices.update_status_many(updates, concurrency=3)
    failed = [r for r in results if not r.ok]
    assert [r.input.device_id for r in failed] == ["bad-1"]  # type: ignore[union-attr]
    error = failed[0].error
    assert isinstance(error, UnexpectedError)
    assert isinstance(error.__cause__, RuntimeError)
    assert "RuntimeError" in str(error)
    assert sorted(fleet.status) == sorted(GOOD)


@pytest.mark.anyio
async def test_a_corrupt_body_for_one_item_is_a_typed_result() -> None:
    fleet = Fleet("corrupt")
    updates = [StatusUpdate(d, status="READY") for d in ["bad-1", *GOOD]]
    with anyio.fail_after(GUARD):
        async with client_for(fleet) as client:
            results = await client.devices.update_status_many(updates)
    assert isinstance(results[0].error, ResponseDecodingError)
    assert fleet.bad_attempts == 2  # retried once (idempotent PUT), then reported
    assert all(r.ok for r in results[1:])


# The status reporter.


async def gateway_loop(reporter: StatusReporter, rounds: int) -> None:
    """What a device gateway does: report every device's counters, round after round."""
    for n in range(rounds):
        for device in [*GOOD, "bad-1"]:
            reporter.report(device, pages_total=n)
        await anyio.sleep(0.01)


@pytest.mark.anyio
async def test_one_device_failing_with_a_non_http_error_does_not_stop_the_others() -> None:
    fleet = Fleet("bug")
    dropped: list[tuple[str, Exception]] = []
    with anyio.fail_after(GUARD):
        async with client_for(fleet) as client:
            reporter = StatusReporter(
                client, interval=0.0, on_error=lambda d, e: dropped.append((d, e))
            )
            async with reporter:
                await gateway_loop(reporter, rounds=20)
    assert {d: fleet.status[d] for d in GOOD} == {d: {"metrics": {"pagesTotal": 19}} for d in GOOD}
    assert {device for device, _ in dropped} == {"bad-1"}
    assert reporter.stats.failed == len(dropped) >= 2  # it kept failing, every time alone
    error = reporter.errors["bad-1"]
    assert isinstance(error, UnexpectedError)
    assert isinstance(error.__cause__, RuntimeError)


@pytest.mark.anyio
async def test_one_device_with_corrupt_answers_is_retried_while_the_others_are_delivered() -> None:
    fleet = Fleet("corrupt")
    with anyio.fail_after(GUARD):
        async with client_for(fleet) as client:
            reporter = StatusReporter(
                client, interval=0.0, retry_delay=0.01, max_retry_delay=0.01, flush_timeout=0.5
            )
            with pytest.raises(FlushTimeoutError) as info:
                async with reporter:
                    await gateway_loop(reporter, rounds=20)
    assert info.value.device_ids == ("bad-1",)
    assert isinstance(info.value.last_errors["bad-1"], ResponseDecodingError)
    assert {d: fleet.status[d] for d in GOOD} == {d: {"metrics": {"pagesTotal": 19}} for d in GOOD}
