"""The sync twin of :mod:`printos_ext._async_io`: the same names, for threads (docs/client.md)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar, copy_context
from typing import Any, TypeVar

import httpx

from ._async_io import in_flight_limit

A = TypeVar("A")

sleep = time.sleep

_expires: ContextVar[float | None] = ContextVar("printos_ext_deadline", default=None)


def run_workers(count: int, worker: Callable[[A], None], arg: A) -> None:
    """Run ``count`` copies of ``worker(arg)`` in threads, each in a copy of the caller's
    contextvars (as a task would be); re-raise the first exception one of them raised."""
    from concurrent.futures import ThreadPoolExecutor  # on first use: most programs never do

    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="printos-bulk") as pool:
        futures = [pool.submit(copy_context().run, worker, arg) for _ in range(count)]
    for future in futures:
        future.result()


class Pool:
    """The HTTP client and in-flight slots of a SyncPrintOSClient and its ``with_options``
    copies. Any thread may use them: unlike the async pool, never bound, moved or rebuilt."""

    __slots__ = ("http", "slots")

    def __init__(
        self, http: httpx.Client, rebuild: Callable[[], httpx.Client] | None = None
    ) -> None:
        del rebuild  # the async pool's way to follow another loop; threads never need it
        self.http = http
        # Threads beyond the pool's size wait here, outside their deadline, as async calls do.
        self.slots = threading.BoundedSemaphore(in_flight_limit(http))

    def follow(self) -> None:
        """Threads share the pool: nothing to follow."""

    def raise_moved(self, exc: BaseException) -> None:
        """A sync pool never moves."""


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Mark the block as one attempt that must end within ``seconds`` (None: no limit)."""
    token = _expires.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _expires.reset(token)


def complete_now(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def check_deadline() -> None:
    """Raise TimeoutError when the current attempt has run past its deadline."""
    expires = _expires.get()
    if expires is not None and time.monotonic() > expires:
        raise TimeoutError("the attempt ran past its deadline")
