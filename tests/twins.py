"""Run one test against both clients: ``PrintOSClient`` (async) and ``SyncPrintOSClient``.

A test takes the ``twin`` fixture and writes its calls once, as plain calls through ``twin.run``:
for the async client each call's awaitable is run on an event loop of the test's own (a blocking
portal, so the client's connection pool lives on one loop for the whole test); for the sync client
the call simply returns. The behaviours are the same; only the calling convention differs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import anyio.from_thread

from printos_ext import PrintOSClient, SyncPrintOSClient

KINDS = ["async", "sync"]


class Twin:
    """Makes clients of one kind and runs their calls."""

    def __init__(self, kind: str, portal: anyio.from_thread.BlockingPortal | None) -> None:
        self.kind = kind
        self._portal = portal
        self.delays: list[float] = []  # what retries slept, in order
        self._clients: list[Any] = []

    @property
    def client_class(self) -> type[Any]:
        return PrintOSClient if self.kind == "async" else SyncPrintOSClient

    def client(self, **options: Any) -> Any:
        """A client of this kind; ``sleep`` records the backoff instead of waiting.

        Unsigned requests are allowed to any host (the mocked ``BASE``) unless a test says
        otherwise: refusing them is a behaviour of its own, tested on its own.
        """
        options.setdefault("environ", {})
        options.setdefault("allow_unauthenticated", True)
        if "sleep" not in options:
            options["sleep"] = self._async_sleep if self.kind == "async" else self.delays.append
        client = self.client_class(**options)
        self._clients.append(client)
        return client

    async def _async_sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    def run(self, value: Any) -> Any:
        """The result of a call: awaited on this test's loop for the async client."""
        if inspect.isawaitable(value):
            assert self._portal is not None
            return self._portal.call(_await, value)
        return value

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)`` (a client method), run to its result."""
        if self._portal is not None and inspect.iscoroutinefunction(function):
            return self._portal.call(lambda: function(*args, **kwargs))
        return self.run(function(*args, **kwargs))

    def collect(self, iterator: Any) -> list[Any]:
        """Every item of ``iter()``'s iterator, async or not."""
        if hasattr(iterator, "__aiter__"):
            assert self._portal is not None
            return self._portal.call(_collect, iterator)
        return list(iterator)

    def close_all(self) -> None:
        for client in self._clients:
            self.call(client.aclose if self.kind == "async" else client.close)


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def _collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


def twin_for(kind: str) -> Iterator[Twin]:
    if kind == "sync":
        twin = Twin(kind, None)
        try:
            yield twin
        finally:
            twin.close_all()
        return
    with anyio.from_thread.start_blocking_portal("asyncio") as portal:
        twin = Twin(kind, portal)
        try:
            yield twin
        finally:
            twin.close_all()
