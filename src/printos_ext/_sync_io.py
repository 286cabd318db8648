"""The sync twin of :mod:`printos_ext._async_io`: the same names, for threads.

``_sync/client.py`` (generated from ``client.py`` by ``scripts/unasync.py``) imports this module.

The deadline is where threads differ most: nothing can cancel a thread blocked in a socket read.
So a sync attempt's deadline is enforced in two ways: every blocking network operation (connect,
write, each read) is bounded by httpx's per-phase timeout of the same number of seconds, and
between them (after the response head, after each chunk of the body) :func:`check_deadline`
raises TimeoutError once the whole attempt has run past it. A server trickling its body byte by
byte is still cut off, at most one read timeout after the deadline.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar, copy_context
from typing import Any, TypeVar

import httpx

from ._limits import in_flight_limit
from .errors import EventLoopError

__all__ = [
    "Pool",
    "check_deadline",
    "complete_now",
    "deadline",
    "run_workers",
    "sleep",
    "slots",
]

A = TypeVar("A")

sleep = time.sleep
"""How a retry waits out its backoff (the client's ``sleep=`` replaces it)."""


def run_workers(count: int, worker: Callable[[A], None], arg: A) -> None:
    """Run ``count`` copies of ``worker(arg)`` side by side (threads); return when all have
    ended, re-raising the first exception one of them raised.

    Each thread runs in a copy of the caller's context (contextvars), as a task would.
    """
    from concurrent.futures import ThreadPoolExecutor  # on first use: most programs never do

    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="printos-bulk") as pool:
        futures = [pool.submit(copy_context().run, worker, arg) for _ in range(count)]
    for future in futures:
        future.result()


_expires: ContextVar[float | None] = ContextVar("printos_ext_deadline", default=None)


def slots(http: httpx.Client) -> threading.BoundedSemaphore:
    """A semaphore of :func:`~printos_ext._limits.in_flight_limit` slots for ``http``: threads
    beyond the pool's size wait here, outside their deadline, as async calls do."""
    return threading.BoundedSemaphore(in_flight_limit(http))


class Pool:
    """The sync twin of :class:`printos_ext._loops.Pool`: the HTTP client and in-flight slots
    of a SyncPrintOSClient and its ``with_options`` copies.

    There is no event loop to follow: any thread may use an ``httpx.Client`` and a thread
    semaphore, so the pool is never bound, moved or rebuilt.
    """

    __slots__ = ("http", "slots")

    def __init__(
        self, http: httpx.Client, rebuild: Callable[[], httpx.Client] | None = None
    ) -> None:
        del rebuild  # the async pool's way to follow another loop; threads never need it
        self.http = http
        self.slots = slots(http)

    def follow(self) -> None:
        """Nothing to follow: threads share the pool."""

    def failure(self, exc: BaseException) -> EventLoopError | None:
        """None: a sync pool never moves, so no failure is the move's (the async pool's
        signature, for the one client code both are used by)."""
        del exc
        return None


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Mark the block as one attempt that must end within ``seconds``; see check_deadline."""
    token = _expires.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _expires.reset(token)


def complete_now(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``: a plain call is already complete when it returns."""
    return function(*args, **kwargs)


def check_deadline() -> None:
    """Raise TimeoutError when the current attempt has run past its deadline."""
    expires = _expires.get()
    if expires is not None and time.monotonic() > expires:
        raise TimeoutError("the attempt ran past its deadline")
