"""``StatusReporter``: report device state as often as you like; the API sees a sane rate of it."""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Self

import anyio
import attrs

from . import _validate as check
from .bulk import check_call
from .client import PrintOSClient, Timeout
from .errors import (
    APIConnectionError,
    APIStatusError,
    InvalidArgumentError,
    PrintOSError,
    UnexpectedError,
)
from .retries import RetryPolicy, parse_retry_after

__all__ = [
    "FlushTimeoutError",
    "ReporterClosedError",
    "ReporterError",
    "ReporterFullError",
    "ReporterStats",
    "StatusReporter",
]

logger = logging.getLogger(__name__)

_NEVER = -math.inf


class ReporterError(PrintOSError):
    """Base class of the errors specific to :class:`StatusReporter`."""


class ReporterFullError(ReporterError):
    """``report()`` would exceed ``max_devices`` undelivered devices; it recorded nothing."""


class ReporterClosedError(ReporterError):
    """``report()`` was called outside ``async with``: before it started or once it is exiting."""


class FlushTimeoutError(ReporterError):
    """The final state of ``device_ids`` (sorted) was not confirmed delivered within
    ``flush_timeout``; ``last_errors`` has the last transient error of those that failed."""

    def __init__(
        self,
        device_ids: Iterable[str],
        *,
        timeout: float,
        last_errors: Mapping[str, PrintOSError] | None = None,
    ) -> None:
        self.device_ids: tuple[str, ...] = tuple(sorted(device_ids))
        self.timeout = timeout
        self.last_errors: dict[str, PrintOSError] = dict(last_errors or {})
        shown = ", ".join(self.device_ids[:20])
        more = f" and {len(self.device_ids) - 20} more" if len(self.device_ids) > 20 else ""
        super().__init__(
            f"final status of {len(self.device_ids)} device(s) not delivered within "
            f"flush_timeout={timeout}s: {shown}{more}"
        )


@attrs.frozen
class ReporterStats:
    """A snapshot of a :class:`StatusReporter`'s counters (see docs/reporter.md)."""

    sent: int = 0
    coalesced: int = 0
    failed: int = 0
    retried: int = 0
    pending: int = 0


@attrs.define
class _Device:
    pending: dict[str, Any] | None = None  # fields to send next, merged as reports come
    next_start: float = _NEVER  # no update starts before: the interval
    retry_at: float = _NEVER  # nor before this: the backoff after a transient failure
    failures: int = 0
    last_error: PrintOSError | None = None  # of the last transient failure, until delivered


class StatusReporter:
    """Sends each device's status at most once per ``interval``, coalescing the rest.
    See docs/reporter.md."""

    def __init__(
        self,
        client: PrintOSClient,
        device_ids: Iterable[str] | None = None,
        *,
        interval: float = 60.0,  # HP: a device sends status at most every 1-2 minutes
        max_devices: int = 10_000,
        flush_timeout: float | None = 10.0,
        concurrency: int = 10,
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
        on_error: Callable[[str, PrintOSError], None] | None = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._interval = check.number("interval", interval)
        self._max_devices = check.count("max_devices", max_devices, minimum=1)
        if flush_timeout is not None:
            flush_timeout = check.number("flush_timeout", flush_timeout, positive=True)
        self._flush_timeout = flush_timeout
        self._concurrency = check.count("concurrency", concurrency, minimum=1)
        self._backoff = RetryPolicy(
            initial_delay=check.number("retry_delay", retry_delay),
            max_delay=check.number("max_retry_delay", max_retry_delay),
        )
        if on_error is not None and not callable(on_error):
            raise InvalidArgumentError(f"on_error must be callable, got {type(on_error).__name__}")
        self._on_error = on_error
        self._per_request: dict[str, Any] = {"max_retries": max_retries, "timeout": timeout}
        self._device_ids: frozenset[str] | None = None
        if device_ids is not None:
            if isinstance(device_ids, str) or not isinstance(device_ids, Iterable):
                raise InvalidArgumentError("device_ids must be an iterable of device id strings")
            self._device_ids = frozenset(check.text("device_ids[]", d) for d in device_ids)
            if len(self._device_ids) > self._max_devices:
                raise InvalidArgumentError(
                    f"device_ids has {len(self._device_ids)} devices, more than "
                    f"max_devices={self._max_devices}"
                )
        self._clock = clock or anyio.current_time
        self._sleep = sleep or anyio.sleep
        self._rng = rng or random.Random()

        # Each known device not sending has exactly one heap entry (see docs/reporter.md).
        self._devices: dict[str, _Device] = {}
        self._heap: list[tuple[float, int, str]] = []  # (due, arrival order, device id)
        self._order = itertools.count()
        self._sending = 0
        self._waiting: anyio.CancelScope | None = None  # while the scheduler waits
        self._undelivered: set[str] = set()  # devices whose latest state is not delivered yet
        self._counts: Counter[str] = Counter()  # sent, coalesced, failed, retried
        self._errors: dict[str, PrintOSError] = {}  # most recent last
        self._callback_error: BaseException | None = None
        self._callback_failures = 0

        self._phase = "new"  # -> "running" -> "closed" (flushing, then done)
        self._tg: anyio.abc.TaskGroup  # made on entry: it needs a running event loop

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"StatusReporter({self._phase}, interval={self._interval}, sent={s.sent}, "
            f"pending={s.pending}, failed={s.failed})"
        )

    @property
    def stats(self) -> ReporterStats:
        """A snapshot of the counters; cheap, readable at any time."""
        return ReporterStats(**self._counts, pending=len(self._undelivered))

    @property
    def errors(self) -> dict[str, PrintOSError]:
        """The error of the last dropped update of at most ``max_devices`` devices, oldest first."""
        return dict(self._errors)

    @property
    def undelivered(self) -> list[str]:
        """Ids of the devices whose latest state is not delivered yet, sorted."""
        return sorted(self._undelivered)

    def report(
        self,
        device_id: str,
        *,
        status: str | None = None,
        pages_total: int | None = None,
        ink_level: float | None = None,
    ) -> None:
        """Record a device's new state, to be sent soon; returns at once, never waits.
        Arguments are checked now, as :meth:`Devices.update_status` checks them."""
        given = {"status": status, "pages_total": pages_total, "ink_level": ink_level}
        check_call(self._client.devices.update_status, device_id, **given)
        if self._device_ids is not None and device_id not in self._device_ids:
            raise InvalidArgumentError(
                f"device {device_id!r} is not one of this reporter's device_ids"
            )
        if self._phase != "running":
            when = "has not started" if self._phase == "new" else "is closed"
            raise ReporterClosedError(
                f"the StatusReporter {when}: call report() inside 'async with StatusReporter(...)'"
            )
        fields = {name: value for name, value in given.items() if value is not None}

        device = self._devices.get(device_id)
        if device is not None and device.pending is not None:
            device.pending.update(fields)  # waiting to be sent: merge, newest value wins
            self._counts["coalesced"] += 1
            return
        if device_id not in self._undelivered:  # an update in flight already counts
            if len(self._undelivered) >= self._max_devices:
                raise ReporterFullError(
                    f"{len(self._undelivered)} devices already have undelivered status updates "
                    f"(max_devices={self._max_devices}); not recording {device_id!r}"
                )
            self._undelivered.add(device_id)
        if device is None:
            device = self._devices[device_id] = _Device()
            self._queue(device_id, device)
        # A known device goes when its heap entry comes up, or after the update in flight.
        device.pending = fields

    def _queue(self, device_id: str, device: _Device) -> None:
        """Give a device that is not sending its heap entry, and wake the scheduler."""
        due = device.retry_at
        if self._phase != "closed":  # the flush sends at once; only a backoff still holds
            due = max(due, device.next_start)
        heapq.heappush(self._heap, (due, next(self._order), device_id))
        if self._waiting is not None:  # else the scheduler is running: it will see the heap
            self._waiting.cancel()

    async def _schedule(self) -> None:
        """Start each device's update once it is due and a slot is free; forget idle devices."""
        while True:
            delay = None
            while self._heap:
                due, _, device_id = self._heap[0]
                device = self._devices[device_id]
                if due > (now := self._clock()):
                    delay = due - now
                    break
                if device.pending is not None and self._sending >= self._concurrency:
                    break  # woken when an update completes
                heapq.heappop(self._heap)
                if device.pending is None:
                    del self._devices[device_id]  # idle, past its interval: nothing to remember
                    continue
                fields, device.pending = device.pending, None
                device.next_start = now + self._interval
                self._sending += 1
                self._tg.start_soon(self._send, device_id, device, fields)
            if self._phase == "closed" and not self._devices:
                break  # the flush is over
            with anyio.CancelScope() as self._waiting:  # until due, or woken
                if delay is None:
                    await anyio.sleep_forever()
                else:
                    await self._sleep(delay)
            self._waiting = None
        self._tg.cancel_scope.cancel()  # ends the flush watchdog

    async def _send(self, device_id: str, device: _Device, fields: dict[str, Any]) -> None:
        """Send one update, account for it, and queue the device again (which frees a slot)."""
        error: PrintOSError | None = None
        try:
            await self._client.devices.update_status(device_id, **fields, **self._per_request)
        except PrintOSError as exc:
            error = exc
        except Exception as exc:  # not typed: keep it to this device, never end the task group
            error = UnexpectedError(f"status update of {device_id!r}", exc)
        self._sending -= 1
        backoff = self._retry_delay(device.failures + 1, error)
        if backoff is not None:
            device.failures += 1
            device.retry_at = self._clock() + backoff
            device.last_error = error
            self._counts["retried"] += 1
            # Keep the undelivered fields, under anything reported since (newer wins).
            device.pending = fields if device.pending is None else {**fields, **device.pending}
            logger.debug(
                "status update of %r failed (%s); retry in %.2fs", device_id, error, backoff
            )
        else:
            device.failures, device.retry_at, device.last_error = 0, _NEVER, None
            if device.pending is None:
                self._undelivered.discard(device_id)
            if error is None:
                self._counts["sent"] += 1
            else:
                self._drop(device_id, error)
        self._queue(device_id, device)

    def _retry_delay(self, retry: int, error: PrintOSError | None) -> float | None:
        """Seconds to wait before retry number ``retry``; None if there is no transient error."""
        asked = None
        if isinstance(error, APIStatusError):
            if not self._client.retry.retryable_status(error.status_code, "PUT"):
                return None
            asked = parse_retry_after(error.response.headers.get("retry-after"))
        elif not isinstance(error, APIConnectionError):
            return None
        delay = self._backoff.backoff(retry, self._rng)
        return delay if asked is None else max(delay, min(asked, self._backoff.max_delay))

    def _drop(self, device_id: str, error: PrintOSError) -> None:
        """Record an update that retrying cannot fix, and pass it to ``on_error``."""
        self._counts["failed"] += 1
        self._errors.pop(device_id, None)
        self._errors[device_id] = error
        if len(self._errors) > self._max_devices:  # a failing fleet must not grow memory
            del self._errors[next(iter(self._errors))]
        logger.warning("status update of %r dropped: %s", device_id, error)
        if self._on_error is not None:
            try:
                self._on_error(device_id, error)
            except Exception as exc:  # raised here, it would cancel the caller's block
                self._callback_failures += 1
                if self._callback_error is None:
                    self._callback_error = exc
                logger.exception("on_error(%r, ...) raised; the reporter goes on", device_id)

    async def __aenter__(self) -> Self:
        if self._phase != "new":
            raise RuntimeError("a StatusReporter runs once; create a new one")
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        self._phase = "running"
        self._tg.start_soon(self._schedule)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        self._phase = "closed"
        flushing = exc is None or isinstance(exc, Exception)
        if flushing:
            waiting, self._heap = self._heap, []
            for _, _, device_id in waiting:  # queued again, now without their interval
                self._queue(device_id, self._devices[device_id])
        if not flushing or not self._devices:
            self._tg.cancel_scope.cancel()  # cancelled, or nothing to flush: exit at once
        elif self._flush_timeout is not None:
            self._tg.start_soon(self._flush_watchdog, self._flush_timeout)
        if isinstance(exc, anyio.get_cancelled_exc_class()):
            # Maybe the task group's own, as a task failed: it must see it to raise that failure.
            suppressed = await self._tg.__aexit__(exc_type, exc, tb)
        else:
            # Not given the block's exception, anyio neither cancels the flush nor wraps it.
            await self._tg.__aexit__(None, None, None)
            suppressed = None  # what it returns only says it absorbed a cancel of its tasks
        error = self._exit_error(self.undelivered if flushing else [])
        if error is not None:
            if exc is None:
                raise error
            if isinstance(error, FlushTimeoutError):
                logger.error("%s", error)
            exc.add_note(f"while exiting a StatusReporter: {error}")
        return suppressed

    async def _flush_watchdog(self, timeout: float) -> None:
        await self._sleep(timeout)
        self._tg.cancel_scope.cancel()  # the devices still undelivered are named on exit

    def _exit_error(self, undelivered: list[str]) -> PrintOSError | None:
        """The error to raise on exit: the flush left some state undelivered, or on_error raised."""
        callback_error = None
        if self._callback_error is not None:
            what = "on_error callback"
            if self._callback_failures > 1:
                what += f" (raised {self._callback_failures} times; the first)"
            callback_error = UnexpectedError(what, self._callback_error)
        if not undelivered:
            return callback_error
        assert self._flush_timeout is not None  # without one, the flush ends only when all is sent
        last_errors = {d: e for d in undelivered if (e := self._devices[d].last_error) is not None}
        error = FlushTimeoutError(undelivered, timeout=self._flush_timeout, last_errors=last_errors)
        if callback_error is not None:
            error.add_note(f"also: {callback_error}")
        return error
