"""Applies ``Faults`` to live requests: added latency, injected error statuses and dropped
connections.

A drop must look like a network failure to the client, not like an HTTP status. ASGI has no way to
close a connection silently, but a server closes it when the app fails after starting a response.
So a drop sends the response head (with the body length left open, i.e. chunked), at most half of
the body, then raises ``ConnectionDropped``: uvicorn closes the socket and httpx raises
``httpx.RemoteProtocolError``. In process, through ``httpx.ASGITransport``, the exception itself
reaches the client, and since it *is* an ``httpx.RemoteProtocolError`` the client sees the same
type either way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .faults import Drop, Faults, Reject

__all__ = ["ConnectionDropped", "FaultInjectionMiddleware", "Sleep"]

Sleep = Callable[[float], Awaitable[None]]
"""How latency is waited out; ``anyio.sleep`` by default, injectable so tests need not wait."""

_REJECTION_CODES = {
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised by the sandbox to abort a connection on purpose."""

    def __init__(self) -> None:
        super().__init__("the sandbox dropped the connection (injected fault)")


def _rejection(fault: Reject) -> JSONResponse:
    code = _REJECTION_CODES.get(fault.status, "injected_fault")
    if fault.retry_after is None:
        return error_response(fault.status, code, f"injected failure: HTTP {fault.status}")
    return error_response(
        fault.status,
        code,
        f"rate limit exceeded (injected); retry after {fault.retry_after}",
        headers={"Retry-After": fault.retry_after},
    )


async def _send_truncated(send: Send, start: Message, body: bytes) -> None:
    head = dict(start)
    headers = MutableHeaders(raw=list(start.get("headers", [])))
    # Without a Content-Length the body is chunked, so even an empty one can be left unfinished.
    del headers["content-length"]
    head["headers"] = headers.raw
    await send(head)
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    raise ConnectionDropped


class FaultInjectionMiddleware:
    def __init__(self, app: ASGIApp, *, faults: Faults, sleep: Sleep) -> None:
        self.app = app
        self._faults = faults
        self._sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._faults.latency > 0:
            await self._sleep(self._faults.latency)
        fault = self._faults.next_fault()
        if fault is None:
            await self.app(scope, receive, send)
        elif isinstance(fault, Reject):
            await _rejection(fault)(scope, receive, send)
        elif isinstance(fault, Drop) and fault.after_processing:
            await self._handle_then_drop(scope, receive, send)
        else:
            # Some status line must go out before the cut; 502 says "not processed" to a client
            # that streams and looks at the status before the body fails.
            start: Message = {"type": "http.response.start", "status": 502, "headers": []}
            await _send_truncated(send, start, b"")

    async def _handle_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        await _send_truncated(send, start, b"".join(chunks))
