"""The StatusReporter's callback and memory (issue 18, class 8).

An ``on_error`` callback that raises does not cancel the caller's ``async with`` block, nor
come out as an ExceptionGroup: it is logged, the reporter goes on, and the first such exception
is raised on exit as an UnexpectedError whose cause it is. ``reporter.errors`` keeps at most
``max_devices`` devices' errors (the latest), however many devices fail.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from printos_ext import NotFoundError, PrintOSClient, PrintOSError, StatusReporter, UnexpectedError


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"smsError": {"message": "no such device"}})


@pytest.fixture
async def client() -> AsyncIterator[PrintOSClient]:
    transport = httpx.MockTransport(_not_found)
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=transport, environ={}, max_retries=0
    ) as c:
        yield c


def _explode(device_id: str, error: PrintOSError) -> None:
    raise RuntimeError(f"cannot handle {device_id}")


@pytest.mark.anyio
async def test_an_on_error_that_raises_does_not_cancel_the_block(client: PrintOSClient) -> None:
    reporter = StatusReporter(client, interval=0, on_error=_explode)
    finished = False

    async def block() -> None:
        nonlocal finished
        async with reporter:
            reporter.report("bad-1", status="IDLE")
            await anyio.sleep(0.2)  # the update fails and on_error raises meanwhile
            reporter.report("bad-2", status="IDLE")  # the reporter still takes reports
            await anyio.sleep(0.2)
            finished = True

    with pytest.raises(UnexpectedError) as caught:
        await block()
    assert finished
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "cannot handle bad-1" in str(caught.value)
    assert "raised 2 times" in str(caught.value)
    assert reporter.stats.failed == 2


@pytest.mark.anyio
async def test_an_on_error_that_raises_is_logged_with_its_traceback(
    client: PrintOSClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def block() -> None:
        async with StatusReporter(client, interval=0, on_error=_explode) as reporter:
            reporter.report("bad", status="IDLE")
            await anyio.sleep(0.2)

    with (
        caplog.at_level(logging.ERROR, logger="printos_ext.reporter"),
        pytest.raises(UnexpectedError),
    ):
        await block()
    [record] = [r for r in caplog.records if "on_error" in r.getMessage()]
    assert record.exc_info is not None


@pytest.mark.anyio
async def test_the_blocks_own_exception_wins_over_an_on_error_failure(
    client: PrintOSClient,
) -> None:
    async def block() -> None:
        async with StatusReporter(client, interval=0, on_error=_explode) as reporter:
            reporter.report("bad", status="IDLE")
            await anyio.sleep(0.2)
            raise KeyError("mine")

    with pytest.raises(KeyError) as caught:
        await block()
    assert any("on_error callback" in note for note in caught.value.__notes__)


@pytest.mark.anyio
async def test_reporter_errors_keep_at_most_max_devices_devices(client: PrintOSClient) -> None:
    async with StatusReporter(client, interval=0, max_devices=10) as reporter:
        for batch in range(5):
            for n in range(10):
                reporter.report(f"dev-{batch}-{n}", status="IDLE")
            await anyio.sleep(0.2)
    assert reporter.stats.failed == 50
    errors = reporter.errors
    assert len(errors) == 10
    assert sorted(errors) == [f"dev-4-{n}" for n in range(10)]  # the most recent failures
    assert all(isinstance(e, NotFoundError) for e in errors.values())
