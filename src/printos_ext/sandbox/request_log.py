"""The outermost layer: gives every response an ``x-request-id`` and records every request.

Sitting outside authentication and fault injection means even a rejected signature, an injected
503 or a dropped connection is logged in ``SandboxState`` and, when it has headers, carries a
request id. It is also the last resort for a bug in the sandbox: a 500 ``smsError`` (then
re-raised so it stays loud).
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .hmac_guard import raw_path_of
from .state import RequestRecord, SandboxState

__all__ = ["REQUEST_ID_HEADER", "RequestLogMiddleware", "route_label"]

REQUEST_ID_HEADER = "x-request-id"
_STATUS_ROUTE = re.compile(r"/devices/[^/]+/status")


def route_label(method: str, raw_path: str) -> str:
    """``"PUT /devices/{deviceId}/status"`` style labels, so counts group by operation."""
    if raw_path == "/devices":
        return f"{method} /devices"
    if _STATUS_ROUTE.fullmatch(raw_path):
        return f"{method} /devices/{{deviceId}}/status"
    return f"{method} {raw_path}"


def new_request_id() -> str:
    return f"req-{uuid.uuid4().hex}"


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, *, state: SandboxState) -> None:
        self.app = app
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        status: int | None = None
        recorded = False

        def record(completed: bool) -> None:
            nonlocal recorded
            recorded = True
            raw_path = raw_path_of(scope)
            self._state.record_request(
                RequestRecord(
                    method=scope["method"],
                    path=raw_path,
                    route=route_label(scope["method"], raw_path),
                    status=status if completed else None,
                    request_id=request_id,
                )
            )

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Record before the last byte leaves: once a client holds the whole response,
                # the request is already in the log (tests read it right after the call).
                record(completed=True)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if status is None:
                await error_response(
                    500, "internal_error", "the sandbox failed to handle this request"
                )(scope, receive, send_with_id)
            raise
        finally:
            if not recorded:
                record(completed=False)
