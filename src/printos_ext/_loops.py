"""One client, several event loops in turn: the connection pool follows the loop that uses it.

An httpx connection pool belongs to the event loop its connections were opened on. A script that
calls ``asyncio.run`` twice with one client, or a test suite that runs it on asyncio and then on
trio, would otherwise meet the first loop's dead connections and a raw ``RuntimeError`` ("Event
loop is closed"). So the client remembers the loop it last ran on and, when a request comes from
another one (the earlier loop having finished), starts over with a fresh pool of the same
configuration: the old connections belong to a loop that can no longer close them, and are left
to the garbage collector.

That is only possible for a pool the client made itself. With ``http_client=`` or
``transport=``, the pool is the caller's: it is used as it is, and if it fails because of the
move the failure is an :class:`~printos_ext.errors.EventLoopError` that says so. Two loops using
one client *at the same time* (threads) is refused with the same error: a pool cannot serve both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import anyio
import httpx

from ._limits import slots
from .errors import EventLoopError

__all__ = ["Pool", "current_loop", "loop_error"]


def current_loop() -> object:
    """The running event loop (asyncio) or run (trio, its token); None outside of both.

    Read from sys.modules: a program that has not imported a library cannot be running on it,
    and this runs once per request.
    """
    aio = sys.modules.get("asyncio")
    if aio is not None:
        try:
            return aio.get_running_loop()
        except RuntimeError:
            pass
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            return trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
    return None


def _still_running(loop: object) -> bool:
    is_running = getattr(loop, "is_running", None)  # an asyncio loop; a trio token cannot say
    return bool(is_running()) if is_running is not None else False


class Pool:
    """The HTTP client and in-flight slots of a PrintOSClient and its ``with_options`` copies,
    bound to the loop that last used them."""

    __slots__ = ("http", "loop", "moved", "rebuild", "slots")

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.slots: anyio.Semaphore = slots(http)  # see _limits
        self.loop: object = None
        self.moved = False  # used from more than one loop
        self.rebuild: Callable[[], httpx.AsyncClient] | None = None

    def bind(self, loop: object) -> None:
        """Use the pool from ``loop`` from now on (the first loop, or a later one)."""
        if self.loop is None:
            self.loop = loop
            return
        if _still_running(self.loop):
            raise EventLoopError(
                "this PrintOSClient is in use by another event loop that is still running: "
                "a connection pool serves one loop at a time; create one client per loop"
            )
        if self.rebuild is not None:
            # The old client is not closed: its loop is gone, and closing needs it.
            self.http = self.rebuild()
        self.slots = slots(self.http)  # a semaphore belongs to a loop too
        self.loop = loop
        self.moved = True


def loop_error(cause: BaseException) -> EventLoopError:
    """The error for a caller-provided pool that failed after moving to another loop."""
    return EventLoopError(
        "this PrintOSClient was used from another event loop before, and its HTTP client "
        f"(passed in with http_client= or transport=) cannot follow: {type(cause).__name__}: "
        f"{cause}. Create the client (and its httpx client) inside the loop that uses it"
    )
