"""The few primitives where the async pipeline differs from its sync twin: waiting, the limit on
requests in flight, and the per-attempt deadline.

``client.py`` is written once, async, against these names; ``scripts/unasync.py`` turns it into
``_sync/client.py``, which imports :mod:`printos_ext._sync_io` instead, the same names for threads.
Everything else about a request (building, retry decisions, error mapping, decoding) is shared
code, so this pair is all that is written twice, by design: the two ways of waiting.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from types import ModuleType, TracebackType
from typing import Any, TypeVar

import anyio
import httpx

from ._limits import in_flight_limit

__all__ = ["check_deadline", "complete_now", "deadline", "run_workers", "sleep", "slots"]

A = TypeVar("A")

sleep = anyio.sleep
"""How a retry waits out its backoff (the client's ``sleep=`` replaces it)."""


async def run_workers(count: int, worker: Callable[[A], Coroutine[Any, Any, None]], arg: A) -> None:
    """Run ``count`` copies of ``worker(arg)`` side by side (tasks in one task group); return
    when all have ended. An exception from one cancels the others and propagates."""
    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(worker, arg)


def slots(http: httpx.AsyncClient) -> anyio.Semaphore:
    """A first-come semaphore of :func:`~printos_ext._limits.in_flight_limit` slots for ``http``.

    ``fast_acquire``: when a slot is free it is taken without a trip through the event loop,
    so the guard costs next to nothing when there is no queue.
    """
    return anyio.Semaphore(in_flight_limit(http), fast_acquire=True)


def deadline(seconds: float) -> Any:
    """An async context manager raising TimeoutError when its block outlasts ``seconds``.

    It cancels whatever the block awaits, so the deadline covers the whole exchange (a server
    trickling its body byte by byte does not reset it). On asyncio, ``asyncio.timeout`` does that
    job at a fraction of the per-request cost of anyio's cancel scope, which other loops (trio)
    get.
    """
    aio = _running_asyncio()
    if aio is not None:
        return aio.timeout(seconds)
    return _FailAfter(seconds)


def complete_now(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` run to its result here and now, for a coroutine function
    that never waits (a resource method on a transport that only builds requests); a plain
    function's result is returned as it is. RuntimeError if the coroutine does wait."""
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


class _FailAfter:
    """``anyio.fail_after`` (a sync context manager) as an async one, for ``async with``."""

    __slots__ = ("_scope",)

    def __init__(self, seconds: float) -> None:
        self._scope = anyio.fail_after(seconds)

    async def __aenter__(self) -> None:
        self._scope.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self._scope.__exit__(exc_type, exc, tb)


def _running_asyncio() -> ModuleType | None:
    """The asyncio module when the caller runs on it, else None (trio, say).

    Read from sys.modules rather than imported: asyncio costs ~15 ms to import, and a program that
    has not imported it cannot be running on it.
    """
    aio = sys.modules.get("asyncio")
    if aio is None:
        return None
    try:
        aio.get_running_loop()
    except RuntimeError:
        return None
    return aio
