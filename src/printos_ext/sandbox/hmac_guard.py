"""Server-side check of PrintOS HMAC authentication, mirroring ``printos_ext.auth``.

The signature covers ``"{METHOD} {path}{date}"`` where ``path`` is the path exactly as it went
over the wire (``scope["raw_path"]``, percent-encoding kept, no query), relative to where the
sandbox is mounted (``root_path``, like a PrintOS service under ``/printbeat``), so a client that
signs a decoded or re-encoded path fails here the way it would against the platform.

It accepts what PrintOS accepts: ``x-hp-hmac-date`` with or without milliseconds
(``2026-11-24T10:00:00.000Z``, ``2026-11-24T10:00:00Z``, what HP's own Python samples send), and
no ``x-hp-hmac-algorithm`` header (SHA256 is assumed). Every failure is answered as PrintOS does,
a 400 ``smsError`` whose message is ``Not Authorized``; ``subCode`` and ``developerInfo`` say what
was wrong, never what the secret is.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Mapping
from urllib.parse import unquote

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ..auth import (
    HEADER_ALGORITHM,
    HEADER_AUTHENTICATION,
    HEADER_DATE,
    Clock,
    hmac_signature,
)
from .errors import ApiError

__all__ = ["NOT_AUTHORIZED", "HmacGuardMiddleware", "raw_path_of", "verify_signature"]

ALGORITHM = "SHA256"
NOT_AUTHORIZED = "Not Authorized"
"""The message of every authentication failure, as PrintOS words it (status 400)."""
_DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z")


def _unauthorized(code: str, detail: str) -> ApiError:
    return ApiError(400, code, NOT_AUTHORIZED, developer_info=detail)


def _parse_date(text: str) -> dt.datetime:
    if not _DATE_FORMAT.fullmatch(text):
        raise _unauthorized(
            "invalid_date",
            f"{HEADER_DATE} must look like 2026-11-24T10:00:00.000Z or 2026-11-24T10:00:00Z, "
            f"got {text!r}",
        )
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if "." in text else "%Y-%m-%dT%H:%M:%SZ"
    try:
        parsed = dt.datetime.strptime(text, pattern)
    except ValueError:
        raise _unauthorized("invalid_date", f"{HEADER_DATE} is not a real date: {text!r}") from None
    return parsed.replace(tzinfo=dt.UTC)


def verify_signature(
    *,
    method: str,
    raw_path: str,
    headers: Mapping[str, str],
    key: str,
    secret: str,
    now: dt.datetime,
    max_skew: float,
) -> None:
    """Raise a 400 "Not Authorized" ``ApiError`` unless ``headers`` carry a valid, fresh PrintOS
    signature of ``raw_path`` (relative to the service base path)."""
    missing = [name for name in (HEADER_DATE, HEADER_AUTHENTICATION) if name not in headers]
    if missing:
        raise _unauthorized("missing_credentials", f"missing header(s): {', '.join(missing)}")

    algorithm = headers.get(HEADER_ALGORITHM, ALGORITHM)  # optional; SHA256 when absent
    if algorithm != ALGORITHM:
        raise _unauthorized(
            "unsupported_algorithm", f"{HEADER_ALGORITHM} must be {ALGORITHM}, got {algorithm!r}"
        )

    given_key, separator, given_signature = headers[HEADER_AUTHENTICATION].partition(":")
    if not separator:
        raise _unauthorized(
            "invalid_credentials", f"{HEADER_AUTHENTICATION} must be '<key>:<signature>'"
        )
    if not hmac.compare_digest(given_key.encode(), key.encode()):
        raise _unauthorized("unknown_key", f"unknown key {given_key!r}")

    date_text = headers[HEADER_DATE]
    skew = abs((now - _parse_date(date_text)).total_seconds())
    if skew > max_skew:
        raise _unauthorized(
            "stale_date",
            f"{HEADER_DATE} {date_text} is {skew:.0f}s away from the server clock "
            f"(at most {max_skew:.0f}s allowed)",
        )

    expected = hmac_signature(secret, method, raw_path, date_text)
    if not hmac.compare_digest(given_signature.encode(), expected.encode()):
        raise _unauthorized(
            "invalid_signature",
            f"signature does not match; it must be the hex HMAC-SHA256 of "
            f"'{method.upper()} {raw_path}{date_text}' keyed with the secret",
        )


def raw_path_of(scope: Scope) -> str:
    """The path as sent, without query, relative to where the sandbox is mounted.

    Falls back to the decoded path for servers without ``raw_path``. Under a mount at
    ``/printbeat`` (``root_path``), ``/printbeat/devices`` is ``/devices``: the path a PrintOS
    client signs and the sandbox routes.
    """
    raw: bytes | None = scope.get("raw_path")
    path = str(scope["path"]) if raw is None else raw.split(b"?", 1)[0].decode("latin-1")
    root = str(scope.get("root_path", "")).rstrip("/")
    if not root:
        return path
    # The raw prefix covering as many segments as root_path has, if it decodes to root_path.
    depth = root.count("/")
    segments = path.split("/")
    prefix = "/".join(segments[: depth + 1])
    if len(segments) <= depth or unquote(prefix) != root:
        return path  # a proxy already stripped the prefix, or the path is outside it
    return path[len(prefix) :] or "/"


class HmacGuardMiddleware:
    """Rejects every request without a valid signature before it reaches a route."""

    def __init__(
        self, app: ASGIApp, *, key: str, secret: str, clock: Clock, max_skew: float
    ) -> None:
        self.app = app
        self._key = key
        self._secret = secret
        self._clock = clock
        self._max_skew = max_skew

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            verify_signature(
                method=scope["method"],
                raw_path=raw_path_of(scope),
                headers=Headers(scope=scope),
                key=self._key,
                secret=self._secret,
                now=self._clock(),
                max_skew=self._max_skew,
            )
        except ApiError as error:
            await error.response()(scope, receive, send)
            return
        await self.app(scope, receive, send)
