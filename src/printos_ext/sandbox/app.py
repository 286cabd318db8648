"""Assembles the sandbox: state, fault knobs and the Starlette app serving them.

Layers, outermost first: request id and request log, fault injection, HMAC check (only when
credentials are configured), then routing. Faults come before authentication because they stand
for the network and the platform's front door, which fail whether or not a request is signed.
"""

from __future__ import annotations

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..auth import Clock
from .errors import ApiError, error_response
from .fault_injection import FaultInjectionMiddleware, Sleep
from .faults import Faults
from .hmac_guard import HmacGuardMiddleware
from .request_log import RequestLogMiddleware
from .routes import DEFAULT_BODY_TIMEOUT, build_routes
from .state import SandboxState, utc_now

__all__ = ["DEFAULT_BODY_TIMEOUT", "DEFAULT_MAX_SKEW", "Sandbox", "create_app"]

DEFAULT_MAX_SKEW = 300.0
"""Seconds a signed date may differ from the server clock, as on the platform."""

_HTTP_ERROR_CODES = {404: "not_found", 405: "method_not_allowed"}


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    # Starlette raises these for unknown routes and wrong methods; give them the common shape.
    assert isinstance(exc, HTTPException)
    code = _HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    message = f"{exc.detail}: {request.method} {request.url.path}"
    return error_response(exc.status_code, code, message, headers=exc.headers)


class Sandbox:
    """One in-memory PrintOS: ``state`` to inspect, ``faults`` to turn, ``app`` to serve.

    A ``Sandbox`` is itself an ASGI app, so it can go straight into ``httpx.ASGITransport`` or
    uvicorn. Pass ``key`` and ``secret`` to require PrintOS HMAC signatures on every request.
    ``body_timeout``: seconds a request body may take to arrive in full (408 after that).
    """

    def __init__(
        self,
        *,
        key: str | None = None,
        secret: str | None = None,
        clock: Clock = utc_now,
        max_skew: float = DEFAULT_MAX_SKEW,
        faults: Faults | None = None,
        state: SandboxState | None = None,
        sleep: Sleep = anyio.sleep,
        body_timeout: float = DEFAULT_BODY_TIMEOUT,
    ) -> None:
        if (key is None) != (secret is None):
            raise ValueError("pass both key and secret to require authentication, or neither")
        if key is not None and secret is not None:
            _check_credentials(key, secret)
        if max_skew < 0:
            raise ValueError(f"max_skew must be >= 0 seconds, got {max_skew}")
        if not body_timeout > 0:
            raise ValueError(f"body_timeout must be > 0 seconds, got {body_timeout}")
        self.state = SandboxState(clock=clock) if state is None else state
        self.faults = Faults() if faults is None else faults
        self.key = key
        middleware = [
            Middleware(RequestLogMiddleware, state=self.state),
            Middleware(FaultInjectionMiddleware, faults=self.faults, sleep=sleep),
        ]
        if key is not None and secret is not None:
            middleware.append(
                Middleware(
                    HmacGuardMiddleware, key=key, secret=secret, clock=clock, max_skew=max_skew
                )
            )
        self.app = Starlette(
            routes=build_routes(self.state, body_timeout=body_timeout),
            middleware=middleware,
            exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        )
        # Trailing-slash redirects are a framework nicety the platform does not have.
        self.app.router.redirect_slashes = False
        self.app.state.sandbox = self

    def __repr__(self) -> str:
        auth = f"key={self.key!r}, secret=<hidden>" if self.key else "no auth"
        return f"Sandbox({auth}, devices={len(self.state.devices)})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _check_credentials(key: object, secret: object) -> None:
    """Refuse credentials no client could ever authenticate with, rather than serve 400s.

    The key travels in ``x-hp-hmac-authentication: <key>:<signature>``, so it must be visible
    ASCII (a header value) without ``:``; the secret keys the HMAC, so it must be non-empty text.
    """
    if not isinstance(key, str) or not isinstance(secret, str):
        raise ValueError("key and secret must be str")
    if not key or not all("!" <= char <= "~" for char in key):
        raise ValueError("key must be non-empty printable ASCII without spaces (a header value)")
    if ":" in key:
        raise ValueError("key must not contain ':' (it separates key and signature)")
    if not secret:
        raise ValueError("secret must not be empty")


def create_app(
    *,
    key: str | None = None,
    secret: str | None = None,
    clock: Clock = utc_now,
    max_skew: float = DEFAULT_MAX_SKEW,
    faults: Faults | None = None,
    state: SandboxState | None = None,
    sleep: Sleep = anyio.sleep,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
) -> Starlette:
    """The bare Starlette app; pass your own ``state`` and ``faults`` to keep handles on them
    (they are also reachable as ``app.state.sandbox``)."""
    return Sandbox(
        key=key,
        secret=secret,
        clock=clock,
        max_skew=max_skew,
        faults=faults,
        state=state,
        sleep=sleep,
        body_timeout=body_timeout,
    ).app
