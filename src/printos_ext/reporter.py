"""``StatusReporter``: report device state as often as you like; the API sees a sane rate of it.

Device software tends to produce state changes in bursts (a page counter that ticks per page, an
ink level sampled every second). Sending each one would flood the API and, with retries and
concurrency, could even deliver them out of order. The reporter sits between the two::

    async with StatusReporter(client) as reporter:      # at most one update a minute per device
        ...
        reporter.report("dev-1", pages_total=1234)       # never blocks, never awaits
        reporter.report("dev-1", status="PRINTING")
    # on exit: every device's final state has been delivered (or an error says which was not)

Rules, per device:

* Coalescing. Reports waiting to be sent are merged field by field, the newest value of each
  field winning: ``status="IDLE"`` then ``ink_level=40`` sends one update with both. What is sent
  is what changed since the last delivered update; the API merges it into the device's state.
* Rate. At most one update starts per ``interval`` seconds (counted from the start of the
  previous one), and never two at once, so updates of one device arrive in the order they were
  made. Across devices at most ``concurrency`` updates are in flight. ``interval`` defaults to
  60 s because HP's device documentation asks devices not to send status more often than every
  1-2 minutes; the reporter exists so that reporting more often than that costs nothing.
* Failures. The client's own retries apply to each update. When it gives up on a transient failure
  (connection error, timeout, 408, 429, 5xx), the reporter keeps that state pending and tries
  again after a backoff (``retry_delay`` doubling up to ``max_retry_delay``, or the server's
  ``Retry-After`` if longer), merged with anything reported since: a newer value wins, an older
  one still not delivered is kept. Other failures (404 unknown device, 422...) would fail again
  the same way: the update is dropped, counted in ``stats.failed``, kept as
  ``reporter.errors[device_id]`` (for the ``max_devices`` devices that failed last), logged, and
  passed to ``on_error(device_id, error)`` (an exception from it is logged and raised on exit). So
  is an exception outside the SDK's typed model (a bug in an auth or transport you plugged in), as
  an :class:`~printos_ext.errors.UnexpectedError` with that exception as its cause: one device's
  failure never stops the reporter or the other devices' updates.
* Bounded memory. At most ``max_devices`` devices can have an undelivered state; a report that
  would add one more raises :class:`ReporterFullError` instead of growing or dropping anything.
  A report for a device already waiting always succeeds (it is merged).

On exit, the final state of every device is flushed: pending updates are sent at once (without
waiting out the interval), transient failures are retried, all within ``flush_timeout`` seconds.
If the time runs out, :class:`FlushTimeoutError` names the devices whose final state was not
confirmed delivered. If the block raised an exception, the flush still happens and that exception
propagates (with a note if the flush timed out). If the block was cancelled, nothing is flushed:
cancellation stays prompt.

``report()`` must be called from the event loop that runs the reporter (any task of it). It is
built on anyio, so it runs on asyncio and trio; time comes from ``clock`` and ``sleep``, which
tests replace with fakes.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import anyio
import anyio.abc
import anyio.lowlevel
import attrs

from . import _validate as check
from .bulk import check_call
from .client import Timeout
from .errors import (
    APIConnectionError,
    APIStatusError,
    InvalidArgumentError,
    PrintOSError,
    UnexpectedError,
)
from .retries import RetryPolicy, parse_retry_after

if TYPE_CHECKING:
    from .client import PrintOSClient

__all__ = [
    "FlushTimeoutError",
    "ReporterClosedError",
    "ReporterError",
    "ReporterFullError",
    "ReporterStats",
    "StatusReporter",
]

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
ErrorCallback = Callable[[str, PrintOSError], None]

_NEVER = -math.inf

DEFAULT_INTERVAL = 60.0
"""HP's device documentation: a device should not send status more often than every 1-2 minutes."""


class ReporterError(PrintOSError):
    """Base class of the errors specific to :class:`StatusReporter`."""


class ReporterFullError(ReporterError):
    """``report()`` would exceed ``max_devices`` devices with an undelivered state.

    Nothing was recorded. The API is not keeping up (or is failing); back off, or raise
    ``max_devices`` if the fleet really is that large.
    """


class ReporterClosedError(ReporterError):
    """``report()`` was called outside ``async with``: before it started or once it is exiting."""


class FlushTimeoutError(ReporterError):
    """The final state of some devices was not confirmed delivered within ``flush_timeout``.

    ``device_ids`` lists them (sorted); ``last_errors`` has the last transient error of those
    that failed (the others were still waiting or in flight).
    """

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
    """Counters of a :class:`StatusReporter`, as a snapshot.

    * ``sent``: updates the API accepted.
    * ``coalesced``: reports merged into an update that was already waiting (no request of
      their own).
    * ``failed``: updates dropped after an error that retrying cannot fix (see ``errors``).
    * ``retried``: attempts that failed transiently, after the client's own retries, and were
      scheduled again.
    * ``pending``: devices whose latest state is not delivered yet (waiting or in flight).
    """

    sent: int = 0
    coalesced: int = 0
    failed: int = 0
    retried: int = 0
    pending: int = 0


@attrs.define
class _Device:
    """Scheduling state of one device. ``pending`` and ``in_flight`` hold update fields."""

    pending: dict[str, Any] | None = None
    in_flight: dict[str, Any] | None = None
    last_start: float | None = None
    retry_at: float = _NEVER
    failures: int = 0
    scheduled: float | None = None  # the due time of this device's live entry in the heap

    @property
    def idle(self) -> bool:
        return self.pending is None and self.in_flight is None


def _seconds(name: str, value: object, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgumentError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise InvalidArgumentError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value}")
    return float(value)


class StatusReporter:
    """Sends device status reports at most once per ``interval`` per device; see the module.

    * ``device_ids``: if given, the only devices this reporter accepts (any other id is an
      :class:`~printos_ext.errors.InvalidArgumentError`); at most ``max_devices`` of them.
    * ``interval``: minimum seconds between the starts of two updates of one device (0: none).
      The default, 60 s, follows HP's device documentation: a device should not send status more
      often than every 1-2 minutes. Report as often as you like; the reporter coalesces. Pass a
      shorter interval only for a server that allows it (a local sandbox, tests).
    * ``max_devices``: the most devices with an undelivered state at once.
    * ``flush_timeout``: seconds the final flush may take on exit; None waits as long as it takes.
    * ``concurrency``: the most updates in flight at once, across devices.
    * ``retry_delay`` / ``max_retry_delay``: backoff between the reporter's own retries of a
      transiently failed update (exponential, with jitter).
    * ``on_error``: called as ``on_error(device_id, error)`` for each dropped update; it runs in
      the reporter's task, so it must be quick. An exception it raises is logged and does not
      stop the reporter or your block: the first one is raised on exit as an
      :class:`~printos_ext.errors.UnexpectedError` (its ``__cause__``).
    * ``max_retries`` / ``timeout``: per request, as for :meth:`Devices.update_status`.
    * ``clock`` / ``sleep`` / ``rng``: time and randomness, injectable for tests.
    """

    def __init__(
        self,
        client: PrintOSClient,
        device_ids: Iterable[str] | None = None,
        *,
        interval: float = DEFAULT_INTERVAL,
        max_devices: int = 10_000,
        flush_timeout: float | None = 10.0,
        concurrency: int = 10,
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
        on_error: ErrorCallback | None = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._interval = _seconds("interval", interval, positive=False)
        self._max_devices = check.count("max_devices", max_devices, minimum=1)
        self._flush_timeout = (
            None
            if flush_timeout is None
            else _seconds("flush_timeout", flush_timeout, positive=True)
        )
        self._concurrency = check.count("concurrency", concurrency, minimum=1)
        self._backoff = RetryPolicy(
            initial_delay=_seconds("retry_delay", retry_delay, positive=False),
            max_delay=_seconds("max_retry_delay", max_retry_delay, positive=False),
        )
        if on_error is not None and not callable(on_error):
            raise InvalidArgumentError(f"on_error must be callable, got {type(on_error).__name__}")
        self._on_error = on_error
        self._max_retries = max_retries
        self._timeout = timeout
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
        self._clock: Clock = clock or anyio.current_time
        self._sleep: Sleep = sleep or anyio.sleep
        self._rng = rng or random.Random()

        self._devices: dict[str, _Device] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._prune_at = 2 * self._max_devices
        self._undelivered = 0  # devices with a pending or in-flight state
        self._active = 0  # updates in flight
        self._sent = self._coalesced = self._failed = self._retried = 0
        self._errors: OrderedDict[str, PrintOSError] = OrderedDict()  # most recent last
        self._callback_error: BaseException | None = None
        self._callback_failures = 0
        self._last_errors: dict[str, PrintOSError] = {}

        self._phase = "new"  # -> "running" -> "closed"
        self._tg: anyio.abc.TaskGroup | None = None
        self._woken = False
        self._wait_scope: anyio.CancelScope | None = None
        self._flushing = False
        self._flushed: anyio.Event | None = None  # made on entry: it needs a running event loop
        self._flush_timed_out = False

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"StatusReporter({self._phase}, interval={self._interval}, sent={s.sent}, "
            f"pending={s.pending}, failed={s.failed})"
        )

    # Reading the state

    @property
    def stats(self) -> ReporterStats:
        """A snapshot of the counters; cheap, readable at any time."""
        return ReporterStats(
            sent=self._sent,
            coalesced=self._coalesced,
            failed=self._failed,
            retried=self._retried,
            pending=self._undelivered,
        )

    @property
    def errors(self) -> dict[str, PrintOSError]:
        """The error of the last dropped update of each device that had one (a copy); at most
        ``max_devices`` devices, those that failed most recently, oldest first."""
        return dict(self._errors)

    @property
    def undelivered(self) -> list[str]:
        """Ids of the devices whose latest state is not delivered yet, sorted."""
        return sorted(d for d, device in self._devices.items() if not device.idle)

    # Reporting

    def report(
        self,
        device_id: str,
        *,
        status: str | None = None,
        pages_total: int | None = None,
        ink_level: float | None = None,
    ) -> None:
        """Record a device's new state, to be sent soon; returns at once, never waits.

        Arguments follow :meth:`Devices.update_status` and are checked here, so a bad one raises
        :class:`~printos_ext.errors.InvalidArgumentError` now rather than failing later. Raises
        :class:`ReporterFullError` if this would make more than ``max_devices`` devices wait, and
        :class:`ReporterClosedError` outside ``async with``.
        """
        check_call(
            self._client.devices.update_status,
            device_id,
            status=status,
            pages_total=pages_total,
            ink_level=ink_level,
        )
        if self._device_ids is not None and device_id not in self._device_ids:
            raise InvalidArgumentError(
                f"device {device_id!r} is not one of this reporter's device_ids"
            )
        if self._phase != "running":
            when = "has not started" if self._phase == "new" else "is closed"
            raise ReporterClosedError(
                f"the StatusReporter {when}: call report() inside 'async with StatusReporter(...)'"
            )
        fields: dict[str, Any] = {}
        if status is not None:
            fields["status"] = status
        if pages_total is not None:
            fields["pages_total"] = pages_total
        if ink_level is not None:
            fields["ink_level"] = ink_level

        device = self._devices.get(device_id)
        if device is not None and device.pending is not None:
            device.pending.update(fields)  # waiting to be sent: merge, newest value wins
            self._coalesced += 1
            return
        if device is None or device.in_flight is None:
            if self._undelivered >= self._max_devices:
                raise ReporterFullError(
                    f"{self._undelivered} devices already have undelivered status updates "
                    f"(max_devices={self._max_devices}); not recording {device_id!r}"
                )
            if device is None:
                device = self._new_device(device_id)
            self._undelivered += 1
        device.pending = fields
        if device.in_flight is None:
            self._schedule(device_id, device)
        # else: sent when the update in flight completes, so the two cannot overtake each other

    def _new_device(self, device_id: str) -> _Device:
        if len(self._devices) >= self._prune_at:
            self._prune()
        device = self._devices[device_id] = _Device()
        return device

    def _prune(self) -> None:
        """Forget idle devices whose interval has passed: they would be sent at once anyway."""
        now = self._clock()
        for device_id, device in list(self._devices.items()):
            if device.idle and (
                device.last_start is None or device.last_start + self._interval <= now
            ):
                del self._devices[device_id]
        self._prune_at = max(2 * self._max_devices, 2 * len(self._devices))

    # Scheduling

    def _due(self, device: _Device) -> float:
        due = device.retry_at
        if device.last_start is not None and not self._flushing:
            due = max(due, device.last_start + self._interval)
        return due

    def _schedule(self, device_id: str, device: _Device) -> None:
        """Queue a device that has a pending state and nothing in flight."""
        due = self._due(device)
        if device.scheduled == due:
            return
        device.scheduled = due  # any older heap entry of this device is now stale
        heapq.heappush(self._heap, (due, next(self._seq), device_id))
        self._wake()

    def _wake(self) -> None:
        self._woken = True
        if self._wait_scope is not None:
            self._wait_scope.cancel()

    async def _run(self) -> None:
        while True:
            self._woken = False
            delay = self._start_due_updates()
            await self._wait(delay)

    async def _wait(self, delay: float | None) -> None:
        """Sleep ``delay`` seconds (None: indefinitely) or until ``_wake()``."""
        if self._woken:
            await anyio.lowlevel.checkpoint()
            return
        with anyio.CancelScope() as scope:
            self._wait_scope = scope
            try:
                if delay is None:
                    await anyio.sleep_forever()
                else:
                    await self._sleep(delay)
            finally:
                self._wait_scope = None

    def _start_due_updates(self) -> float | None:
        """Start every due update there is room for; the seconds until the next one is due."""
        assert self._tg is not None
        now = self._clock()
        heap = self._heap
        while heap:
            due, _, device_id = heap[0]
            device = self._devices.get(device_id)
            if device is None or device.scheduled != due:
                heapq.heappop(heap)  # stale: rescheduled, or already started
                continue
            if self._active >= self._concurrency:
                return None  # woken when an update completes
            if due > now:
                return due - now
            heapq.heappop(heap)
            device.scheduled = None
            fields, device.pending = device.pending, None
            assert fields is not None
            device.in_flight = fields
            device.last_start = now
            self._active += 1
            self._tg.start_soon(self._send, device_id, device, fields)
        return None

    async def _send(self, device_id: str, device: _Device, fields: dict[str, Any]) -> None:
        error: PrintOSError | None = None
        try:
            await self._client.devices.update_status(
                device_id, **fields, max_retries=self._max_retries, timeout=self._timeout
            )
        except PrintOSError as exc:
            error = exc
        except Exception as exc:  # not typed: keep it to this device, never end the task group
            error = UnexpectedError(f"status update of {device_id!r}", exc)
        self._active -= 1
        device.in_flight = None
        dropped = False
        if error is None:
            self._sent += 1
            device.failures, device.retry_at = 0, _NEVER
            self._last_errors.pop(device_id, None)
        elif self._transient(error):
            self._retried += 1
            device.failures += 1
            device.retry_at = self._clock() + self._retry_delay(device.failures, error)
            # Keep the undelivered fields, under anything reported since (newer wins).
            device.pending = fields if device.pending is None else {**fields, **device.pending}
            self._last_errors[device_id] = error
            logger.debug(
                "status update of %r failed (%s); retry %d in %.2fs",
                device_id,
                error,
                device.failures,
                device.retry_at - self._clock(),
            )
        else:
            dropped = True
            self._failed += 1
            device.failures, device.retry_at = 0, _NEVER
            self._keep_error(device_id, error)
            self._last_errors.pop(device_id, None)
            logger.warning("status update of %r dropped: %s", device_id, error)
        if device.pending is not None:
            self._schedule(device_id, device)
        else:
            self._undelivered -= 1
            self._check_flushed()
        self._wake()  # a slot is free
        if dropped and self._on_error is not None:
            assert error is not None
            self._call_on_error(device_id, error)

    def _keep_error(self, device_id: str, error: PrintOSError) -> None:
        """Remember the last dropped update's error of at most ``max_devices`` devices.

        Like the queue, this is bounded: a fleet of failing devices keeps the errors of the
        ``max_devices`` that failed most recently, not one (with its whole response) per device
        ever seen. ``stats.failed`` still counts every drop.
        """
        errors = self._errors
        errors.pop(device_id, None)
        errors[device_id] = error
        if len(errors) > self._max_devices:
            errors.popitem(last=False)

    def _call_on_error(self, device_id: str, error: PrintOSError) -> None:
        """Call ``on_error``; an exception it raises must not end the caller's block.

        It runs in the reporter's task group, where raising would cancel the ``async with`` body
        and come out as an ExceptionGroup. So it is logged with its traceback, and the first one
        is raised when the block exits, as an UnexpectedError whose cause it is.
        """
        assert self._on_error is not None
        try:
            self._on_error(device_id, error)
        except Exception as exc:
            self._callback_failures += 1
            if self._callback_error is None:
                self._callback_error = exc
            logger.exception("on_error(%r, ...) raised; the reporter goes on", device_id)

    def _transient(self, error: PrintOSError) -> bool:
        if isinstance(error, APIConnectionError):
            return True
        if isinstance(error, APIStatusError):
            return self._client.retry.retryable_status(error.status_code, "PUT")
        return False

    def _retry_delay(self, failures: int, error: PrintOSError) -> float:
        delay = self._backoff.backoff(failures, self._rng)
        if isinstance(error, APIStatusError):
            asked = parse_retry_after(error.response.headers.get("retry-after"))
            if asked is not None:
                delay = max(delay, min(asked, self._backoff.max_delay))
        return delay

    # Lifecycle

    async def __aenter__(self) -> Self:
        if self._phase != "new":
            raise RuntimeError("a StatusReporter runs once; create a new one")
        self._flushed = anyio.Event()
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        self._phase = "running"
        tg.start_soon(self._run)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        tg, flushed = self._tg, self._flushed
        assert tg is not None
        assert flushed is not None
        self._phase = "closed"
        interrupted: BaseException | None = None
        if exc is None or isinstance(exc, Exception):
            self._begin_flush()
            try:
                await flushed.wait()
            except BaseException as cancelled:  # from outside, or a background task failed
                interrupted = cancelled
        undelivered = self.undelivered
        tg.cancel_scope.cancel()  # the scheduler, the watchdog, and updates still in flight
        if interrupted is not None:
            if not await tg.__aexit__(type(interrupted), interrupted, interrupted.__traceback__):
                raise interrupted
            return None
        if isinstance(exc, anyio.get_cancelled_exc_class()):
            # Possibly the task group's own cancellation, because a background task failed: it
            # must see it, to absorb it and raise that failure instead.
            suppressed = await tg.__aexit__(exc_type, exc, tb)
        else:
            # The block's own exception, if any, stays as it is: closing the task group without
            # it keeps anyio from wrapping it in an ExceptionGroup. (What it returns only says
            # whether it absorbed our cancel of its children; the block's exception must go on.)
            await tg.__aexit__(None, None, None)
            suppressed = None
        callback_error = self._callback_error_to_raise()
        if self._flush_timed_out and undelivered:
            assert self._flush_timeout is not None
            error = FlushTimeoutError(
                undelivered,
                timeout=self._flush_timeout,
                last_errors={d: e for d, e in self._last_errors.items() if d in undelivered},
            )
            if callback_error is not None:
                error.add_note(f"also: {callback_error}")
            if exc is None:
                raise error
            logger.error("%s", error)
            exc.add_note(f"while exiting a StatusReporter: {error}")
        elif callback_error is not None:
            if exc is None:
                raise callback_error
            exc.add_note(f"while exiting a StatusReporter: {callback_error}")
        return suppressed

    def _callback_error_to_raise(self) -> UnexpectedError | None:
        if self._callback_error is None:
            return None
        times = self._callback_failures
        what = "on_error callback" + (f" (raised {times} times; the first)" if times > 1 else "")
        return UnexpectedError(what, self._callback_error)

    def _begin_flush(self) -> None:
        """Send every pending state now, without waiting out the interval."""
        assert self._tg is not None
        self._flushing = True
        for device_id, device in self._devices.items():
            if device.pending is not None and device.in_flight is None:
                self._schedule(device_id, device)
        if self._flush_timeout is not None:
            self._tg.start_soon(self._flush_watchdog, self._flush_timeout)
        self._check_flushed()
        self._wake()

    def _check_flushed(self) -> None:
        if self._flushing and self._undelivered == 0 and self._flushed is not None:
            self._flushed.set()

    async def _flush_watchdog(self, timeout: float) -> None:
        await self._sleep(timeout)
        self._flush_timed_out = True
        assert self._flushed is not None
        self._flushed.set()
