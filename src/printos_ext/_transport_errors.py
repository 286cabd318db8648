"""The one place where what httpx, httpcore, h11 or Python raise while sending becomes typed.

Every exception that escapes an attempt goes through :func:`classify`, which returns the
:class:`~printos_ext.errors.PrintOSError` to raise, whether the failure may be retried, and the
cause to chain. Nothing else in the SDK catches transport-level exceptions, so a new kind of
failure is handled (or deliberately not) here and only here.

Messages never quote a rejected header value: h11 puts the value it refuses into its message
(a bearer token with a newline, a signature), so for those errors neither the message nor the
exception chain carries the original text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import httpx

from . import _generated as gen
from ._text import server_text
from ._urls import raw_path
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    InvalidArgumentError,
    PrintOSError,
    ResponseDecodingError,
)
from .retries import RetryPolicy

__all__ = [
    "UNENCODABLE",
    "Classified",
    "built",
    "classify",
    "closed_error",
    "encoding_error",
    "unencodable_field",
]

Classified = tuple[PrintOSError, bool, BaseException | None]
"""(error to raise, retryable, cause to chain: None means "from None")."""


class _Withheld(APIConnectionError):
    """An APIConnectionError whose cause's text is not shown (it may hold a header value)."""

    def __init__(self, request: httpx.Request, cause: BaseException, what: str) -> None:
        super().__init__(request)
        self.message = f"{self.message}: {type(cause).__name__}: {what}"
        self.args = (self.message,)


def classify(
    exc: BaseException, request: httpx.Request, policy: RetryPolicy, *, client_closed: bool
) -> Classified | None:
    """The typed error for ``exc``, raised while sending ``request``; None: not ours to type.

    None is returned for a :class:`PrintOSError` already typed (other than a decoding failure,
    whose retry decision is made here) and for exceptions that are not about the exchange (a
    bug in an auth or hook someone plugged in propagates as itself).
    """
    method = request.method
    if isinstance(exc, ResponseDecodingError):
        status = exc.status_code
        if status is not None and status >= 400:
            retryable = policy.retryable_status(status, method)
        else:
            retryable = policy.may_repeat(method)
        return exc, retryable, exc.__cause__
    if isinstance(exc, PrintOSError):
        return None
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request, exc), policy.retryable_exception(exc, method), exc
    if isinstance(exc, TimeoutError):  # the client's overall per-attempt deadline
        return APITimeoutError(request, exc), policy.may_repeat(method), exc
    if isinstance(exc, httpx.LocalProtocolError):
        what = "the request is not valid HTTP (a header name or value is refused; not shown)"
        return _Withheld(request, exc, what), False, None
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(request, exc), policy.retryable_exception(exc, method), exc
    if isinstance(exc, httpx.DecodingError):  # only from a transport that decoded for us
        return ResponseDecodingError(request, str(exc)), policy.may_repeat(method), exc
    if isinstance(exc, UnicodeEncodeError):
        return _not_encodable(request, exc), False, None
    if isinstance(exc, httpx.InvalidURL):
        error = InvalidArgumentError(f"{_describe(request)}: invalid URL: {server_text(exc)}")
        return error, False, exc
    if isinstance(exc, RuntimeError) and client_closed:
        return _closed(), False, None
    return None


def _describe(request: httpx.Request) -> str:
    return f"{request.method} {raw_path(request)}"


def _not_encodable(request: httpx.Request, exc: UnicodeEncodeError) -> InvalidArgumentError:
    # Only the codec and the reason: exc.object is the whole value (a key, a token...).
    return InvalidArgumentError(
        f"{_describe(request)}: a value cannot be encoded as {exc.encoding} ({exc.reason}); "
        "HTTP header names and values must be ASCII (the value is not shown)"
    )


def _closed() -> ClientClosedError:
    # Shared by PrintOSClient and SyncPrintOSClient, so it names neither class nor 'async with'.
    return ClientClosedError(
        "the client is closed: create a new client (or use it inside a 'with' or 'async with' "
        "block, which closes it at the end)"
    )


def closed_error() -> ClientClosedError:
    """The error for a request on a closed client, raised before anything is built."""
    return _closed()


UNENCODABLE = (
    UnicodeEncodeError,
    httpx.InvalidURL,
    ValueError,
    TypeError,
    OverflowError,
    RecursionError,
)
"""What building a request raises when the caller's input cannot be encoded; see encoding_error."""


def encoding_error(
    method: str, path: str, exc: BaseException, body: object = None
) -> InvalidArgumentError:
    """The InvalidArgumentError for a request that cannot be encoded (body or headers).

    ``json.dumps`` refuses a lone surrogate when encoding to UTF-8, an int of more digits than
    ``sys.get_int_max_str_digits()`` and a float that is not finite (``float(10**400)`` cannot
    even be made); httpx refuses a non-ASCII header value and an over-long URL. Each is a property
    of the caller's input, so each is bad input, and when it is in the JSON ``body`` the message
    names the field (``metrics.inkLevel``). Use it as ``except UNENCODABLE as exc: raise
    encoding_error(...) from exc`` around building a request (a plain ``except``: this is on every
    request's path, where a context manager costs more), with nothing inside the ``try`` that
    raises a PrintOSError of its own.
    """
    where = f"{method} {server_text(path, 200)}"
    if isinstance(exc, httpx.InvalidURL):
        return InvalidArgumentError(f"{where}: invalid URL: {server_text(exc)}")
    field = unencodable_field(body)
    if field is not None:
        return InvalidArgumentError(
            f"{where}: field {server_text(field, 200)} of the request body cannot be encoded "
            f"as JSON: {_reason(exc)}"
        )
    if isinstance(exc, UnicodeEncodeError):
        return InvalidArgumentError(
            f"{where}: the request cannot be encoded: {exc.encoding} {exc.reason} "
            "(the value is not shown)"
        )
    return InvalidArgumentError(
        f"{where}: the request body cannot be encoded as JSON: {_reason(exc)}"
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeEncodeError):  # its text would quote the whole value
        return f"{exc.encoding} {exc.reason} (the value is not shown)"
    return f"{type(exc).__name__}: {server_text(exc, 200)}"


def unencodable_field(body: object) -> str | None:
    """The JSON path (``metrics.inkLevel``, ``items[2]``) of the first value in ``body`` that
    strict JSON cannot carry, or None when there is none (or the body is nested too deep to
    walk). Only called on failure, so it may take its time."""
    stack: list[tuple[str, object, int]] = [("", body, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > _MAX_WALK_DEPTH:
            return None
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if not isinstance(key, str | int | float | bool) and key is not None:
                    return f"{path}.<{type(key).__name__} key>".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), item, depth + 1))
        elif isinstance(value, list | tuple):
            for index in reversed(range(len(value))):
                stack.append((f"{path}[{index}]", value[index], depth + 1))
        elif not _encodable(value):
            return path or "(the body)"
    return None


def built(operation: gen.Operation[Any], build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The request a generated method's ``build`` describes (httpx keyword arguments).

    A bad argument it finds (``ArgumentError``) or a value its models cannot encode is an
    :class:`InvalidArgumentError`: nothing was sent.
    """
    try:
        return build()
    except gen.ArgumentError as exc:
        raise InvalidArgumentError(f"{operation.name}: {exc}") from exc
    except UNENCODABLE as exc:  # a model's to_dict() on values it cannot hold
        raise encoding_error(operation.method, operation.path, exc) from exc


_MAX_WALK_DEPTH = 1000


def _encodable(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, int):
        try:
            str(value)
        except ValueError:  # more digits than sys.get_int_max_str_digits()
            return False
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return False
