"""``SyncASGITransport``: an ``httpx.BaseTransport`` that answers from an ASGI app, in process.

httpx ships ``ASGITransport`` for async clients only. A sync client needs the app run for it on
an event loop; this transport owns one, on a private thread, through anyio's blocking portal
(``anyio.from_thread.start_blocking_portal``), for its whole lifetime. Each request hands
``httpx.ASGITransport.handle_async_request`` to that loop and waits for the answer; the body is
read there in full, so the sync side gets a plain in-memory response.

Why a portal and not Starlette's ``TestClient`` machinery: that transport is private API, needs
Starlette (this one works for any ASGI app), and outside a ``with TestClient(...)`` block it starts
a new thread and event loop per request. One long-lived loop is also what makes the sandbox's
state and fault knobs behave as they do over a socket. No sockets are opened.

An exception the app raises reaches the caller as it is (as with ``httpx.ASGITransport``): the
sandbox's dropped connection is an ``httpx.RemoteProtocolError``, the same type a real dropped
socket gives.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import anyio.from_thread
import httpx

__all__ = ["SyncASGITransport"]


class SyncASGITransport(httpx.BaseTransport):
    """Send a sync ``httpx.Client``'s requests to ``app`` (an ASGI app) on a private event loop.

    ``backend`` is the loop the app runs on: ``"asyncio"`` (the default) or ``"trio"``. The loop's
    thread starts on the first request and stops at ``close()`` (which ``httpx.Client.close()``
    calls). Safe to use from many threads at once: their requests run concurrently on the loop.
    """

    def __init__(self, app: Any, *, backend: str = "asyncio") -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._backend = backend
        self._lock = threading.Lock()
        self._stack: contextlib.ExitStack | None = None
        self._portal: anyio.from_thread.BlockingPortal | None = None
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body as bytes: the async side iterates it again
        response = self._loop().call(self._handle, request)
        return response

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = await response.aread()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=body,
            extensions=response.extensions,
        )

    def _loop(self) -> anyio.from_thread.BlockingPortal:
        with self._lock:
            if self._closed:
                raise RuntimeError("SyncASGITransport is closed")
            if self._portal is None:
                stack = contextlib.ExitStack()
                self._portal = stack.enter_context(
                    anyio.from_thread.start_blocking_portal(self._backend)
                )
                self._stack = stack
            return self._portal

    def close(self) -> None:
        """Stop the event loop and its thread (waits for requests still running on it)."""
        with self._lock:
            self._closed = True
            stack, self._stack, self._portal = self._stack, None, None
        if stack is not None:
            stack.close()
