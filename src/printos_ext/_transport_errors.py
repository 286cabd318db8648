"""Where what httpx, h11 or Python raise for a request becomes typed (docs/errors.md)."""

from __future__ import annotations

import json
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


def classify(
    exc: BaseException, request: httpx.Request, policy: RetryPolicy, *, client_closed: bool
) -> tuple[PrintOSError, bool, BaseException | None] | None:
    """(error to raise, retryable, cause to chain or None) for ``exc``, raised sending ``request``;
    None for a PrintOSError already typed (bar a decoding failure) and for a bug in a hook."""
    method = request.method
    if isinstance(exc, ResponseDecodingError):
        status = exc.status_code
        if status is not None and status >= 400:  # retried as its status says
            return exc, policy.retryable_status(status, method), exc.__cause__
        return exc, policy.may_repeat(method), exc.__cause__  # else like a dropped connection
    if isinstance(exc, PrintOSError):
        return None
    if isinstance(exc, httpx.LocalProtocolError):  # h11 quotes the header value it refuses
        withheld = "the request is not valid HTTP (a header name or value is refused; not shown)"
        return APIConnectionError(request, httpx.LocalProtocolError(withheld)), False, None
    if isinstance(exc, httpx.TimeoutException | TimeoutError):  # or the per-attempt deadline
        return APITimeoutError(request, exc), policy.retryable_exception(exc, method), exc
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(request, exc), policy.retryable_exception(exc, method), exc
    if isinstance(exc, httpx.DecodingError):  # only from a transport that decoded for us
        return ResponseDecodingError(request, str(exc)), policy.may_repeat(method), exc
    if isinstance(exc, UnicodeEncodeError | httpx.InvalidURL):  # in a header an auth or hook set
        cause = None if isinstance(exc, UnicodeEncodeError) else exc  # .object is the whole value
        return encoding_error(method, raw_path(request), exc), False, cause
    if isinstance(exc, RuntimeError) and client_closed:
        return closed_error(), False, None
    return None


def closed_error() -> ClientClosedError:
    """The error for a request on a closed client (async or sync, so it names neither)."""
    return ClientClosedError(
        "the client is closed: create a new client (or use it inside a 'with' or 'async with' "
        "block, which closes it at the end)"
    )


UNENCODABLE = (httpx.InvalidURL, ValueError, TypeError, OverflowError, RecursionError)
"""What building a request raises when the caller's input cannot be encoded."""


def encoding_error(
    method: str, path: str, exc: BaseException, body: object = None
) -> InvalidArgumentError:
    """The InvalidArgumentError for a request that cannot be encoded (see docs/errors.md)."""
    where = f"{method} {server_text(path, 200)}"
    if isinstance(exc, httpx.InvalidURL):
        return InvalidArgumentError(f"{where}: invalid URL: {server_text(exc)}")
    what = "the request body cannot be encoded as JSON"
    if isinstance(exc, UnicodeEncodeError):  # its text would quote the whole value
        what = "the request cannot be encoded"
        reason = f"{exc.encoding} {exc.reason} (the value is not shown)"
        if exc.encoding == "ascii":  # the codec httpx encodes header names and values with
            reason += "; HTTP header names and values must be ASCII"
    else:
        reason = f"{type(exc).__name__}: {server_text(exc, 200)}"
    field = unencodable_field(body)
    if field is not None:
        what = f"field {server_text(field, 200)} of the request body cannot be encoded as JSON"
    return InvalidArgumentError(f"{where}: {what}: {reason}")


def unencodable_field(body: object) -> str | None:
    """The JSON path (``items[2].name``) of the first value in ``body`` strict JSON cannot carry."""
    stack: list[tuple[str, object, int]] = [("", body, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > 1000:  # too deep to be a real body: described without a field
            return None
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if not isinstance(key, str | int | float | bool) and key is not None:
                    return f"{path}.<{type(key).__name__} key>".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), item, depth + 1))
        elif isinstance(value, list | tuple):
            stack.extend((f"{path}[{i}]", value[i], depth + 1) for i in reversed(range(len(value))))
        else:
            try:  # as httpx encodes a JSON body: UTF-8, no NaN, not too many digits
                json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
            except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
                return path or "(the body)"
    return None


def built(operation: gen.Operation[Any], build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The httpx keyword arguments ``build`` returns; bad input is an InvalidArgumentError."""
    try:
        return build()
    except gen.ArgumentError as exc:
        raise InvalidArgumentError(f"{operation.name}: {exc}") from exc
    except UNENCODABLE as exc:  # a model's to_dict() on values it cannot hold
        raise encoding_error(operation.method, operation.path, exc) from exc
