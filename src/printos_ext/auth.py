"""PrintOS HMAC signing and bearer tokens as ``httpx.Auth`` (docs/auth-and-retries.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Callable, Generator, Mapping

import httpx

from ._urls import raw_path
from .errors import InvalidArgumentError

__all__ = [
    "BASE_PATH_EXTENSION",
    "BearerTokenAuth",
    "Clock",
    "PrintOSHmacAuth",
    "base_path_of",
    "format_timestamp",
    "hmac_signature",
    "signed_path",
]

HEADER_DATE = "x-hp-hmac-date"
HEADER_AUTHENTICATION = "x-hp-hmac-authentication"
HEADER_ALGORITHM = "x-hp-hmac-algorithm"
ENV_KEY = "PRINTOS_KEY"
ENV_SECRET = "PRINTOS_SECRET"
BASE_PATH_EXTENSION = "printos.base_path"
"""Request extension: the service base path (``/printbeat``) that signed paths are relative to."""

Clock = Callable[[], dt.datetime]
"""Returns the current time as an aware datetime; injectable so tests can pin it."""


def format_timestamp(moment: dt.datetime) -> str:
    """``2026-11-24T10:00:00.000Z``: the only date form PrintOS accepts in ``x-hp-hmac-date``."""
    if moment.tzinfo is None:
        raise InvalidArgumentError(
            "the HMAC clock must return a timezone-aware datetime, got a naive one"
        )
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def hmac_signature(secret: str, method: str, path: str, timestamp: str) -> str:
    """The hex HMAC-SHA256 of ``"{METHOD} {path}{timestamp}"`` keyed with ``secret``."""
    message = f"{method.upper()} {path}{timestamp}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def base_path_of(base_url: str | httpx.URL) -> str:
    """The path of a service base URL as sent on the wire, without a trailing slash."""
    path = httpx.URL(base_url).raw_path.split(b"?", 1)[0]
    return path.decode("ascii", "replace").rstrip("/")


def signed_path(wire_path: str, base_path: str) -> str:
    """The path PrintOS signs: ``wire_path`` relative to ``base_path`` when under it, else whole."""
    base = base_path.rstrip("/")
    if base and (wire_path == base or wire_path.startswith(f"{base}/")):  # not "/printbeatx"
        return wire_path[len(base) :] or "/"
    return wire_path


def _credential(name: str, value: object, *, header: bool = True) -> str:
    """Non-empty text, and visible ASCII if sent in a header, so a mistyped credential fails now."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise InvalidArgumentError(f"{name} must not be empty")
    if header and not all("!" <= char <= "~" for char in value):
        raise InvalidArgumentError(
            f"{name} must be printable ASCII without spaces or control characters "
            "(it is sent in an HTTP header); the value is not shown"
        )
    return value


class PrintOSHmacAuth(httpx.Auth):
    """Signs each attempt with PrintOS HMAC headers, so a retry gets a fresh date (see the docs)."""

    def __init__(
        self,
        key: str | None = None,
        secret: str | None = None,
        *,
        clock: Clock = lambda: dt.datetime.now(dt.UTC),
        environ: Mapping[str, str] | None = None,
        base_url: str | httpx.URL | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        key_name = "key"
        if key is None:
            key, key_name = env.get(ENV_KEY), ENV_KEY
            if key is None:
                raise InvalidArgumentError(f"no PrintOS key: pass key= or set {ENV_KEY}")
        secret_name = "secret"
        if secret is None:
            secret, secret_name = env.get(ENV_SECRET), ENV_SECRET
            if secret is None:
                raise InvalidArgumentError(f"no PrintOS secret: pass secret= or set {ENV_SECRET}")
        self.key = _credential(key_name, key)
        if ":" in self.key:
            raise InvalidArgumentError(
                f"{key_name} must not contain ':' (it separates key and signature)"
            )
        self._secret = _credential(secret_name, secret, header=False)
        self._clock = clock
        try:
            self._base_path = "" if base_url is None else base_path_of(base_url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise InvalidArgumentError(f"base_url is not a valid URL: {exc}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PrintOSHmacAuth:
        """Credentials from ``PRINTOS_KEY`` / ``PRINTOS_SECRET``."""
        return cls(environ=environ)

    def __repr__(self) -> str:
        return f"PrintOSHmacAuth(key={self.key!r}, secret=<hidden>)"

    def sign(self, method: str, path: str) -> dict[str, str]:
        """The three PrintOS headers for ``method`` on ``path`` (relative to the base URL)."""
        timestamp = format_timestamp(self._clock())
        signature = hmac_signature(self._secret, method, path, timestamp)
        return {
            HEADER_DATE: timestamp,
            HEADER_AUTHENTICATION: f"{self.key}:{signature}",
            HEADER_ALGORITHM: "SHA256",
        }

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        base_path = request.extensions.get(BASE_PATH_EXTENSION, self._base_path)
        path = signed_path(raw_path(request), base_path)
        request.headers.update(self.sign(request.method, path))
        yield request


class BearerTokenAuth(httpx.Auth):
    """``Authorization: Bearer <token>``, for gateways that front PrintOS with OAuth tokens."""

    def __init__(self, token: str) -> None:
        self._token = _credential("token", token)

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=<hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request
