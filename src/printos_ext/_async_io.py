"""Async waiting, deadlines and pool; ``_sync_io`` has the same names (see docs/client.md)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

import anyio
import httpx

from .errors import EventLoopError

A = TypeVar("A")

DEFAULT_IN_FLIGHT = 100  # when the pool's size cannot be read (a custom transport) or is unlimited

sleep = anyio.sleep  # how a retry waits out its backoff (the client's sleep= replaces it)


def in_flight_limit(http: httpx.AsyncClient | httpx.Client) -> int:
    """How many requests the client lets into httpx at once: as many as its pool has connections;
    see docs/client.md, "Requests in flight"."""
    pool = getattr(getattr(http, "_transport", None), "_pool", None)
    size = getattr(pool, "_max_connections", None)
    # httpcore stores "no limit" as sys.maxsize.
    if isinstance(size, int) and not isinstance(size, bool) and 0 < size < sys.maxsize:
        return size
    return DEFAULT_IN_FLIGHT


async def run_workers(count: int, worker: Callable[[A], Coroutine[Any, Any, None]], arg: A) -> None:
    """Run ``count`` copies of ``worker(arg)`` as tasks; one that fails cancels the others."""
    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(worker, arg)


def _slots(http: httpx.AsyncClient) -> anyio.Semaphore:
    # fast_acquire: a free slot is taken without a trip through the event loop.
    return anyio.Semaphore(in_flight_limit(http), fast_acquire=True)


def deadline(seconds: float | None) -> Any:
    """An async context manager raising TimeoutError when its block outlasts ``seconds`` (None:
    no limit). ``asyncio.timeout`` on asyncio: it costs a fraction of anyio's cancel scope."""
    aio = sys.modules.get("asyncio")  # not imported: a program without it cannot run on it
    if aio is not None and isinstance(current_loop(), aio.AbstractEventLoop):
        return aio.timeout(seconds)
    return _fail_after(seconds)


@contextlib.asynccontextmanager
async def _fail_after(seconds: float | None) -> AsyncIterator[None]:
    with anyio.fail_after(seconds):
        yield


def complete_now(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The result of ``function(*args, **kwargs)``, a coroutine function that never waits (a
    resource method on a transport that only builds requests), or a plain function."""
    result = function(*args, **kwargs)
    if not isinstance(result, Coroutine):
        return result
    try:
        result.send(None)
    except StopIteration as stop:
        return stop.value
    finally:
        result.close()
    raise RuntimeError(f"{getattr(function, '__name__', function)} waited while it should not")


def check_deadline() -> None:
    """Nothing to do here: the deadline cancels the exchange (the sync twin checks, see there)."""


def current_loop() -> object:
    """The running asyncio loop or trio run (its token), else None. Read from sys.modules: a
    program that has not imported a library cannot be running on it."""
    if (aio := sys.modules.get("asyncio")) is not None:
        try:
            return aio.get_running_loop()
        except RuntimeError:
            pass
    if (trio := sys.modules.get("trio")) is not None:
        try:
            return trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
    return None


class Pool:
    """The HTTP client and in-flight slots of a PrintOSClient and its ``with_options`` copies,
    bound to the event loop that last used them; see docs/client.md, "Event loops"."""

    __slots__ = ("http", "loop", "moved", "rebuild", "slots")

    def __init__(
        self, http: httpx.AsyncClient, rebuild: Callable[[], httpx.AsyncClient] | None = None
    ) -> None:
        self.http = http
        self.slots: anyio.Semaphore = _slots(http)
        self.loop: object = None
        self.moved = False  # used from more than one loop
        self.rebuild = rebuild  # makes the same client again; None for one that is not ours

    def follow(self) -> None:
        """Serve the running loop: the first one, or a later one once the earlier has ended."""
        loop = current_loop()
        if loop is self.loop:
            return
        if self.loop is not None:
            is_running = getattr(self.loop, "is_running", None)  # a trio token cannot say
            if is_running is not None and is_running():
                raise EventLoopError(
                    "this PrintOSClient is in use by another event loop that is still running: "
                    "a connection pool serves one loop at a time; create one client per loop"
                )
            if self.rebuild is not None:
                # The old client is not closed: its loop is gone, and closing needs it.
                self.http = self.rebuild()
            self.slots = _slots(self.http)  # a semaphore belongs to a loop too
            self.moved = True
        self.loop = loop

    def raise_moved(self, exc: BaseException) -> None:
        """Raise EventLoopError from ``exc`` if it is a RuntimeError of a pool that has moved."""
        if self.moved and isinstance(exc, RuntimeError):
            raise EventLoopError(
                "this PrintOSClient was used from another event loop before, and its HTTP client "
                f"(passed in with http_client= or transport=) cannot follow: "
                f"{type(exc).__name__}: {exc}. Create the client (and its httpx client) inside "
                "the loop that uses it"
            ) from exc
