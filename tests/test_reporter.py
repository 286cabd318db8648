"""StatusReporter: coalescing, per-device rate, retries, bounded queue, flush on exit, stats.

Unit tests drive time by hand: a fake clock and sleep shared by the reporter, and an in-memory
transport that records each update with the fake time it was sent at. Nothing here waits for
real time except the end-to-end tests at the bottom, which run against the sandbox over a real
loopback socket with faults injected and check that the server ends up with the last reported
state of every device. Everything runs on asyncio and trio.
"""

from __future__ import annotations

import heapq
import itertools
import json
import random
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import unquote

import anyio
import anyio.lowlevel
import httpx
import pytest

from printos_ext import (
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PrintOSClient,
    PrintOSError,
    RetryPolicy,
    UnprocessableEntityError,
)
from printos_ext.reporter import (
    FlushTimeoutError,
    ReporterClosedError,
    ReporterFullError,
    ReporterStats,
    StatusReporter,
)
from printos_ext.sandbox import SandboxServer, serve_sandbox

START = 1000.0


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


async def settle() -> None:
    """Let every runnable task run until it blocks (the in-memory transport never really waits)."""
    for _ in range(100):
        await anyio.lowlevel.checkpoint()


class FakeTime:
    """A clock that moves only when told to, and a sleep that waits for it."""

    def __init__(self) -> None:
        self.now = START
        self._sleepers: list[tuple[float, int, anyio.Event]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        event = anyio.Event()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._seq), event))
        await event.wait()

    def _wake_due(self) -> bool:
        woke = False
        while self._sleepers and self._sleepers[0][0] <= self.now:
            heapq.heappop(self._sleepers)[2].set()
            woke = True
        return woke

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each sleeper at its own deadline, in order."""
        target = self.now + seconds
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            self.now = max(self.now, self._sleepers[0][0])
            self._wake_due()
            await settle()
        self.now = target
        await settle()

    async def autojump(self) -> None:
        """Run in the background: whenever everything is blocked, jump to the next deadline."""
        while True:
            await settle()
            if self._sleepers:
                self.now = max(self.now, self._sleepers[0][0])
                self._wake_due()


class Api:
    """An in-memory updateDeviceStatus: records (device id, body, fake time) of each request.

    ``script[device_id]`` lists what the next requests for that device get: a status code, an
    ``httpx.Response``, or an exception to raise; afterwards 200. Devices in ``hang`` never get
    an answer; while ``gate`` is set to an unset event, every request waits for it.
    """

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self.script: dict[str, list[int | httpx.Response | Exception]] = {}
        self.hang: set[str] = set()
        self.gate: anyio.Event | None = None
        self.active: dict[str, int] = {}
        self.peak_active = 0
        self.overlap = False  # two requests for one device at once

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        device_id = unquote(request.url.raw_path.decode().split("/")[2])
        self.calls.append((device_id, json.loads(request.content), self.time.now))
        self.overlap |= self.active.get(device_id, 0) > 0
        self.active[device_id] = self.active.get(device_id, 0) + 1
        self.peak_active = max(self.peak_active, sum(self.active.values()))
        try:
            if device_id in self.hang:
                await anyio.sleep_forever()
            if self.gate is not None:
                await self.gate.wait()
            outcomes = self.script.get(device_id)
            outcome = outcomes.pop(0) if outcomes else 200
            if isinstance(outcome, Exception):
                raise outcome
            if isinstance(outcome, httpx.Response):
                return outcome
            return httpx.Response(outcome, json={"message": "scripted"} if outcome >= 400 else None)
        finally:
            self.active[device_id] -= 1

    def bodies(self, device_id: str) -> list[dict[str, Any]]:
        return [body for d, body, _ in self.calls if d == device_id]

    def times(self, device_id: str) -> list[float]:
        return [when - START for d, _, when in self.calls if d == device_id]


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def api(time: FakeTime) -> Api:
    return Api(time)


@pytest.fixture
async def client(api: Api) -> AsyncIterator[PrintOSClient]:
    # No client-level retries by default, so each reporter attempt is one request.
    transport = httpx.MockTransport(api)
    async with PrintOSClient(
        allow_unauthenticated=True,
        base_url="http://sdk.test",
        environ={},
        transport=transport,
        max_retries=0,
    ) as c:
        yield c


def reporter_for(client: PrintOSClient, time: FakeTime, **kwargs: Any) -> StatusReporter:
    options: dict[str, Any] = {
        "interval": 1.0,
        "clock": time.clock,
        "sleep": time.sleep,
        "rng": random.Random(7),
    }
    options.update(kwargs)
    return StatusReporter(client, **options)


# Coalescing and rate


@pytest.mark.anyio
async def test_a_burst_of_reports_within_an_interval_is_one_update(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time) as reporter:
        reporter.report("dev-1", status="PRINTING")
        for i in range(100):
            reporter.report("dev-1", pages_total=i, ink_level=100 - i / 2)
        await settle()
        assert api.bodies("dev-1") == [
            {"status": "PRINTING", "metrics": {"pagesTotal": 99, "inkLevel": 50.5}}
        ]
        assert reporter.stats == ReporterStats(sent=1, coalesced=100, pending=0)


@pytest.mark.anyio
async def test_pending_fields_merge_one_by_one_and_the_newest_value_wins(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time) as reporter:
        reporter.report("dev-1", status="IDLE")
        await settle()
        reporter.report("dev-1", status="PRINTING", pages_total=5)
        reporter.report("dev-1", ink_level=40)  # does not drop the pending status
        reporter.report("dev-1", pages_total=6)
        await time.advance(1.0)
    assert api.bodies("dev-1") == [
        {"status": "IDLE"},
        {"status": "PRINTING", "metrics": {"pagesTotal": 6, "inkLevel": 40}},
    ]


@pytest.mark.anyio
async def test_each_device_gets_at_most_one_update_per_interval(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time, interval=2.0) as reporter:
        reporter.report("dev-1", pages_total=1)
        await settle()
        assert api.times("dev-1") == [0.0]  # the first report of a device goes at once
        reporter.report("dev-1", pages_total=2)
        await time.advance(1.0)
        reporter.report("dev-1", pages_total=3)
        await time.advance(0.99)
        assert api.times("dev-1") == [0.0]
        await time.advance(0.01)
        assert api.times("dev-1") == [0.0, 2.0]
        assert api.bodies("dev-1")[-1] == {"metrics": {"pagesTotal": 3}}
        await time.advance(10.0)  # idle: nothing more to send
        reporter.report("dev-1", pages_total=4)  # long after the interval: sent at once
        await settle()
        assert api.times("dev-1") == [0.0, 2.0, 12.0]
        assert reporter.stats == ReporterStats(sent=3, coalesced=1)


@pytest.mark.anyio
async def test_devices_are_rate_limited_independently(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time, interval=5.0) as reporter:
        reporter.report("a", status="IDLE")
        await time.advance(1.0)
        reporter.report("b", status="IDLE")
        reporter.report("a", status="PRINTING")
        await settle()
        assert [(d, when - START) for d, _, when in api.calls] == [("a", 0.0), ("b", 1.0)]
        await time.advance(4.0)
        assert api.times("a") == [0.0, 5.0]


@pytest.mark.anyio
async def test_a_device_never_has_two_updates_in_flight(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.gate = anyio.Event()
    async with reporter_for(client, time, interval=0) as reporter:
        reporter.report("dev-1", status="A")
        await settle()
        reporter.report("dev-1", status="B")  # waits behind the update in flight
        await time.advance(5.0)
        assert api.bodies("dev-1") == [{"status": "A"}]
        assert reporter.stats.pending == 1
        api.gate.set()
        await settle()
        assert api.bodies("dev-1") == [{"status": "A"}, {"status": "B"}]
    assert not api.overlap


@pytest.mark.anyio
async def test_concurrency_bounds_updates_in_flight_across_devices(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.gate = anyio.Event()
    async with reporter_for(client, time, concurrency=3) as reporter:
        for i in range(10):
            reporter.report(f"dev-{i}", status="READY")
        await settle()
        assert len(api.calls) == 3
        api.gate.set()
        await settle()
        assert len(api.calls) == 10
        assert reporter.stats == ReporterStats(sent=10)
    assert api.peak_active == 3


@pytest.mark.anyio
async def test_when_slots_are_short_devices_go_in_the_order_they_became_due(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.gate = anyio.Event()
    async with reporter_for(client, time, concurrency=1) as reporter:
        for device_id in ["c", "a", "b"]:
            reporter.report(device_id, status="IDLE")
        await settle()
        api.gate.set()
    assert [d for d, _, _ in api.calls] == ["c", "a", "b"]


# Failures


@pytest.mark.anyio
async def test_a_transient_failure_is_retried_with_backoff_merged_with_newer_reports(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.script["dev-1"] = [503, 503]
    async with reporter_for(
        client, time, interval=0, retry_delay=1.0, max_retry_delay=10.0
    ) as reporter:
        reporter.report("dev-1", status="PRINTING", pages_total=1)
        await settle()
        assert reporter.stats == ReporterStats(retried=1, pending=1)
        reporter.report("dev-1", pages_total=2)  # newer value wins; status is kept
        reporter.report("dev-1", ink_level=30)
        await time.advance(1.0)  # first retry after 0.75-1s (jitter)
        assert len(api.calls) == 2
        await time.advance(2.0)  # second retry after 1.5-2s
        assert reporter.stats == ReporterStats(sent=1, coalesced=2, retried=2)
    assert api.bodies("dev-1") == [
        {"status": "PRINTING", "metrics": {"pagesTotal": 1}},
        {"status": "PRINTING", "metrics": {"pagesTotal": 2, "inkLevel": 30}},
        {"status": "PRINTING", "metrics": {"pagesTotal": 2, "inkLevel": 30}},
    ]
    first, second, third = api.times("dev-1")
    assert 0.75 <= second - first <= 1.0
    assert 1.5 <= third - second <= 2.0
    assert reporter.errors == {}


@pytest.mark.anyio
async def test_a_retry_waits_for_the_servers_retry_after(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.script["dev-1"] = [httpx.Response(429, headers={"Retry-After": "5"})]
    async with reporter_for(client, time, interval=0, retry_delay=0.1) as reporter:
        reporter.report("dev-1", status="IDLE")
        await time.advance(4.9)
        assert len(api.calls) == 1
        await time.advance(0.1)
        assert api.times("dev-1") == [0.0, 5.0]
        assert reporter.stats.sent == 1


@pytest.mark.anyio
async def test_connection_errors_are_retried(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.script["dev-1"] = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")]
    async with reporter_for(client, time, interval=0) as reporter:
        reporter.report("dev-1", status="IDLE")
        await time.advance(5.0)
        assert reporter.stats == ReporterStats(sent=1, retried=2)
    assert len(api.calls) == 3


@pytest.mark.anyio
async def test_the_clients_own_retries_apply_underneath(api: Api, time: FakeTime) -> None:
    async def no_wait(seconds: float) -> None:
        await anyio.lowlevel.checkpoint()

    api.script["dev-1"] = [503, 502]
    transport = httpx.MockTransport(api)
    async with (
        PrintOSClient(
            allow_unauthenticated=True,
            base_url="http://sdk.test",
            environ={},
            transport=transport,
            sleep=no_wait,
        ) as client,
        reporter_for(client, time) as reporter,
    ):
        reporter.report("dev-1", status="IDLE")
        await settle()
        assert reporter.stats == ReporterStats(sent=1)  # one update, three requests
    assert len(api.calls) == 3


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "error_type"), [(404, NotFoundError), (422, UnprocessableEntityError)]
)
async def test_a_non_retryable_failure_is_recorded_not_retried(
    client: PrintOSClient, api: Api, time: FakeTime, status: int, error_type: type[Exception]
) -> None:
    seen: list[tuple[str, PrintOSError]] = []
    api.script["bad"] = [status]
    async with reporter_for(client, time, on_error=lambda d, e: seen.append((d, e))) as reporter:
        reporter.report("bad", status="IDLE")
        reporter.report("good", status="IDLE")
        await time.advance(60.0)
        assert reporter.stats == ReporterStats(sent=1, failed=1)
        assert list(reporter.errors) == ["bad"]
        assert isinstance(reporter.errors["bad"], error_type)
        assert seen == [("bad", reporter.errors["bad"])]
        # The next report of that device is a new update, tried on its own.
        reporter.report("bad", status="PRINTING")
        await settle()
    assert api.bodies("bad") == [{"status": "IDLE"}, {"status": "PRINTING"}]
    assert reporter.stats == ReporterStats(sent=2, failed=1)


# Arguments and the bounded queue


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"device_id": "d"}, "nothing to send"),
        ({"device_id": "d", "ink_level": 101}, "ink_level must be between 0 and 100"),
        ({"device_id": "d", "pages_total": -1}, "pages_total must be >= 0"),
        ({"device_id": "d", "pages_total": 1.5}, "pages_total must be an int"),
        ({"device_id": "d", "status": " "}, "status must not be empty"),
        ({"device_id": "", "status": "IDLE"}, "device_id must not be empty"),
        ({"device_id": 7, "status": "IDLE"}, "device_id must be a str"),
    ],
)
async def test_report_checks_its_arguments_like_update_status(
    client: PrintOSClient, api: Api, time: FakeTime, args: dict[str, Any], message: str
) -> None:
    async with reporter_for(client, time) as reporter:
        fields = dict(args)
        device_id = fields.pop("device_id")
        with pytest.raises(InvalidArgumentError, match=message):
            reporter.report(device_id, **fields)
        assert reporter.stats == ReporterStats()
    assert api.calls == []


@pytest.mark.anyio
async def test_only_bound_devices_are_accepted(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time, device_ids=["a", "b"]) as reporter:
        reporter.report("a", status="IDLE")
        with pytest.raises(InvalidArgumentError, match="'c' is not one of this reporter's"):
            reporter.report("c", status="IDLE")
    assert [d for d, _, _ in api.calls] == ["a"]


@pytest.mark.anyio
async def test_constructor_arguments_are_checked(client: PrintOSClient) -> None:
    with pytest.raises(InvalidArgumentError, match="more than max_devices=2"):
        StatusReporter(client, ["a", "b", "c"], max_devices=2)
    with pytest.raises(InvalidArgumentError, match="device_ids must be an iterable"):
        StatusReporter(client, "abc")
    with pytest.raises(InvalidArgumentError, match="interval must be >= 0"):
        StatusReporter(client, interval=-1)
    with pytest.raises(InvalidArgumentError, match="flush_timeout must be > 0"):
        StatusReporter(client, flush_timeout=0)
    with pytest.raises(InvalidArgumentError, match="concurrency must be >= 1"):
        StatusReporter(client, concurrency=0)
    with pytest.raises(InvalidArgumentError, match="max_devices must be an int"):
        StatusReporter(client, max_devices=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="on_error must be callable"):
        StatusReporter(client, on_error="log")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_the_queue_is_bounded_by_max_devices(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.gate = anyio.Event()
    async with reporter_for(client, time, max_devices=3, interval=0) as reporter:
        for d in ("a", "b", "c"):
            reporter.report(d, status="IDLE")
        with pytest.raises(ReporterFullError, match=r"max_devices=3.*not recording 'd'"):
            reporter.report("d", status="IDLE")
        reporter.report("a", status="PRINTING")  # a device already waiting always fits
        await settle()
        # In flight still counts: its state is not delivered yet.
        with pytest.raises(ReporterFullError):
            reporter.report("d", status="IDLE")
        assert reporter.stats.pending == 3
        api.gate.set()
        await settle()
        reporter.report("d", status="IDLE")
    assert reporter.stats == ReporterStats(sent=4, coalesced=1)
    assert api.bodies("a") == [{"status": "PRINTING"}]


@pytest.mark.anyio
async def test_idle_devices_are_forgotten_so_memory_stays_bounded(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time, max_devices=5, interval=1.0) as reporter:
        for i in range(100):
            reporter.report(f"dev-{i}", status="IDLE")
            await time.advance(0.5)
        assert len(reporter._devices) <= 2 * 5 + 1
    assert reporter.stats.sent == 100


@pytest.mark.anyio
async def test_report_outside_async_with_is_an_error(client: PrintOSClient, time: FakeTime) -> None:
    reporter = reporter_for(client, time)
    with pytest.raises(ReporterClosedError, match="has not started"):
        reporter.report("dev-1", status="IDLE")
    async with reporter:
        pass
    with pytest.raises(ReporterClosedError, match="is closed"):
        reporter.report("dev-1", status="IDLE")
    with pytest.raises(RuntimeError, match="runs once"):
        async with reporter:
            pass


# Flush on exit


@pytest.mark.anyio
async def test_exit_flushes_pending_state_without_waiting_out_the_interval(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    async with reporter_for(client, time, interval=60.0) as reporter:
        for i in range(5):
            reporter.report(f"dev-{i}", status="PRINTING", pages_total=i)
        await settle()
        for i in range(5):
            reporter.report(f"dev-{i}", status="IDLE")
        assert reporter.stats.pending == 5
    assert reporter.stats == ReporterStats(sent=10)
    assert reporter.undelivered == []
    for i in range(5):
        assert api.times(f"dev-{i}") == [0.0, 0.0]
        assert api.bodies(f"dev-{i}")[-1] == {"status": "IDLE"}


@pytest.mark.anyio
async def test_flush_retries_transient_failures_until_delivered(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.script["dev-1"] = [503, 503, 503]
    async with anyio.create_task_group() as tg:
        tg.start_soon(time.autojump)
        async with reporter_for(client, time, flush_timeout=30.0) as reporter:
            reporter.report("dev-1", status="IDLE")
        tg.cancel_scope.cancel()
    assert reporter.stats == ReporterStats(sent=1, retried=3)
    assert len(api.calls) == 4


@pytest.mark.anyio
async def test_flush_timeout_names_the_devices_not_delivered(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.script["failing"] = [503] * 1000
    api.hang.add("hanging")
    reporter = reporter_for(client, time, flush_timeout=10.0)

    async def report_and_exit() -> None:
        async with reporter:
            for d in ("failing", "hanging", "fine"):
                reporter.report(d, status="IDLE")

    async with anyio.create_task_group() as tg:
        tg.start_soon(time.autojump)
        with pytest.raises(FlushTimeoutError) as caught:
            await report_and_exit()
        tg.cancel_scope.cancel()
    error = caught.value
    assert error.device_ids == ("failing", "hanging")
    assert "2 device(s) not delivered within flush_timeout=10.0s: failing, hanging" in str(error)
    assert list(error.last_errors) == ["failing"]
    assert isinstance(error.last_errors["failing"], InternalServerError)
    assert time.now - START == pytest.approx(10.0)
    assert api.bodies("fine") == [{"status": "IDLE"}]
    assert reporter.stats.sent == 1


@pytest.mark.anyio
async def test_an_exception_in_the_block_still_flushes_and_propagates(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.hang.add("hanging")

    async def fail_in_the_block() -> None:
        async with reporter_for(client, time, flush_timeout=5.0) as reporter:
            reporter.report("fine", status="IDLE")
            reporter.report("hanging", status="IDLE")
            raise ValueError("boom")

    async with anyio.create_task_group() as tg:
        tg.start_soon(time.autojump)
        with pytest.raises(ValueError, match="boom") as caught:
            await fail_in_the_block()
        tg.cancel_scope.cancel()
    assert api.bodies("fine") == [{"status": "IDLE"}]
    assert caught.value.__notes__ == [
        "while exiting a StatusReporter: final status of 1 device(s) not delivered within "
        "flush_timeout=5.0s: hanging"
    ]


@pytest.mark.anyio
async def test_a_cancelled_block_exits_at_once_without_flushing(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    with anyio.CancelScope() as scope:
        async with reporter_for(client, time, interval=60.0) as reporter:
            reporter.report("dev-1", status="PRINTING")
            await settle()
            reporter.report("dev-1", status="IDLE")
            scope.cancel()
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    assert api.bodies("dev-1") == [{"status": "PRINTING"}]
    assert reporter.undelivered == ["dev-1"]


@pytest.mark.anyio
async def test_a_cancellation_during_the_flush_ends_it_at_once(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.hang.add("dev-1")

    async def cancel_once_flushing(scope: anyio.CancelScope) -> None:
        await settle()
        scope.cancel()

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(cancel_once_flushing, scope)
            async with reporter_for(client, time, flush_timeout=None) as reporter:
                reporter.report("dev-1", status="IDLE")
    assert scope.cancelled_caught
    assert reporter.undelivered == ["dev-1"]


# Statistics


@pytest.mark.anyio
async def test_stats_count_everything_and_are_readable_any_time(
    client: PrintOSClient, api: Api, time: FakeTime
) -> None:
    api.script["flaky"] = [500]
    api.script["ghost"] = [404]
    reporter = reporter_for(client, time, interval=1.0)
    assert reporter.stats == ReporterStats()
    async with reporter:
        reporter.report("flaky", ink_level=10)
        reporter.report("ghost", ink_level=10)
        reporter.report("ok", ink_level=10)
        reporter.report("ok", ink_level=9)
        assert reporter.stats == ReporterStats(coalesced=1, pending=3)
        await settle()
        assert reporter.stats == ReporterStats(sent=1, coalesced=1, failed=1, retried=1, pending=1)
        assert "StatusReporter(running" in repr(reporter)
        await time.advance(1.0)  # the retry of "flaky"
    assert reporter.stats == ReporterStats(sent=2, coalesced=1, failed=1, retried=1, pending=0)


# End to end: the sandbox over a real loopback socket, with faults.


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        yield running


@pytest.fixture
def sandbox(server: SandboxServer) -> SandboxServer:
    server.state.reset()
    server.faults.reset()
    return server


def final_state(server: SandboxServer, device_id: str) -> dict[str, Any]:
    device = server.state.devices[device_id]
    return {"status": device.status, **device.metrics}


@pytest.mark.e2e
@pytest.mark.anyio
async def test_nothing_is_lost_through_rate_limits_errors_and_dropped_connections(
    sandbox: SandboxServer,
) -> None:
    ids = [sandbox.state.provision(model="m", serial_number=f"SN-{i}").id for i in range(25)]
    sandbox.faults.seed(5)
    sandbox.faults.latency = 0.002
    sandbox.faults.rate_limit_burst(5, retry_after=0)
    sandbox.faults.fail_next(3, status=502)
    sandbox.faults.drop_next(3)
    sandbox.faults.drop_next(2, after_processing=True)
    sandbox.faults.error_rate = 0.2
    sandbox.faults.drop_rate = 0.1
    expected: dict[str, dict[str, Any]] = {d: {"status": "REGISTERED"} for d in ids}
    rng = random.Random(11)
    retry = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.005)
    async with (
        PrintOSClient(base_url=sandbox.url, environ={}, retry=retry) as client,
        StatusReporter(
            client,
            ids,
            interval=0.01,
            concurrency=6,
            retry_delay=0.002,
            max_retry_delay=0.02,
            flush_timeout=30.0,
        ) as reporter,
    ):
        for step in range(400):
            device_id = rng.choice(ids)
            fields: dict[str, Any] = rng.choice(
                [
                    {"status": rng.choice(["IDLE", "PRINTING", "ERROR"])},
                    {"pages_total": step},
                    {"ink_level": rng.uniform(0, 100)},
                    {"status": "PRINTING", "pages_total": step, "ink_level": 50},
                ]
            )
            reporter.report(device_id, **fields)
            wire = {"pages_total": "pagesTotal", "ink_level": "inkLevel"}
            expected[device_id].update({wire.get(k, k): v for k, v in fields.items()})
            if step % 20 == 0:
                await anyio.sleep(0.005)
    assert reporter.stats.pending == 0
    assert reporter.stats.failed == 0
    assert reporter.errors == {}
    assert reporter.stats.retried > 0  # the client gave up at times; the reporter did not
    assert {d: final_state(sandbox, d) for d in ids} == expected


@pytest.mark.e2e
@pytest.mark.anyio
async def test_unknown_devices_are_reported_as_errors_over_the_wire(
    sandbox: SandboxServer,
) -> None:
    known = sandbox.state.provision(model="m", serial_number="SN-1").id
    sandbox.faults.fail_next(2, status=503)
    failed: list[str] = []
    async with (
        PrintOSClient(base_url=sandbox.url, environ={}, max_retries=0) as client,
        StatusReporter(
            client, interval=0.01, retry_delay=0.001, on_error=lambda d, e: failed.append(d)
        ) as reporter,
    ):
        reporter.report("dev-missing", status="IDLE")
        reporter.report(known, status="PRINTING", ink_level=12.5)
    assert failed == ["dev-missing"]
    assert isinstance(reporter.errors["dev-missing"], NotFoundError)
    assert final_state(sandbox, known) == {"status": "PRINTING", "inkLevel": 12.5}
    assert reporter.stats.sent == 1
    assert reporter.stats.failed == 1
