"""Typed errors: every failure the SDK raises is a :class:`PrintOSError`.

The hierarchy follows what a caller wants to branch on::

    PrintOSError
    ├── InvalidArgumentError (also a ValueError)   bad input, caught before any request is sent
    ├── PaginationError                            a next link the SDK will not follow
    └── APIError                                   something went wrong talking to the API
        ├── APIConnectionError                     no (complete) response: refused, reset, dropped
        │   └── APITimeoutError                    the configured timeout ran out
        ├── ResponseValidationError                a response that does not match the spec
        ├── ResponseTooLargeError                  a body over the client's max_response_bytes
        └── APIStatusError                         the server answered 4xx/5xx
            ├── BadRequestError (400)  AuthenticationError (401)  PermissionDeniedError (403)
            ├── NotFoundError (404)  ConflictError (409)  UnprocessableEntityError (422)
            ├── RateLimitError (429)
            └── InternalServerError (5xx)

Messages name the method and path, never headers or credentials.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._urls import raw_path

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "PrintOSError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UnprocessableEntityError",
]

REQUEST_ID_HEADERS = ("x-request-id", "x-hp-request-id", "x-correlation-id")
_BODY_EXCERPT = 200


class PrintOSError(Exception):
    """Base class of every error this SDK raises."""


class InvalidArgumentError(PrintOSError, ValueError):
    """An argument was rejected before any request was sent."""


class PaginationError(PrintOSError):
    """A paging server sent a next link the SDK will not follow (for example, to another host)."""


class APIError(PrintOSError):
    """A request to the API failed; ``request`` is the one that was sent last."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


def _describe(request: httpx.Request) -> str:
    return f"{request.method} {raw_path(request)}"


class APIConnectionError(APIError):
    """No complete response arrived: connection refused, reset or dropped mid-response."""

    def __init__(self, request: httpx.Request, cause: BaseException | None = None) -> None:
        detail = ""
        if cause is not None:
            # Some transport errors carry no message (a reset): the type is the detail then.
            detail = (
                f": {type(cause).__name__}: {cause}" if str(cause) else f": {type(cause).__name__}"
            )
        super().__init__(f"connection error on {_describe(request)}{detail}", request=request)


class APITimeoutError(APIConnectionError):
    """The request did not complete within the configured timeout."""

    def __init__(self, request: httpx.Request, cause: BaseException | None = None) -> None:
        kind = type(cause).__name__ if cause is not None else "timeout"
        APIError.__init__(
            self, f"request timed out: {_describe(request)} ({kind})", request=request
        )


class ResponseValidationError(APIError):
    """The response body does not match the spec; ``field`` is the JSON path at fault."""

    def __init__(
        self, *, response: httpx.Response, field: str, reason: str, operation: str
    ) -> None:
        where = f" at {field}" if field else ""
        super().__init__(
            f"{operation}: response {response.status_code} from {_describe(response.request)} "
            f"does not match the spec{where}: {reason}",
            request=response.request,
        )
        self.response = response
        self.field = field
        self.reason = reason
        self.operation = operation


class ResponseTooLargeError(APIError):
    """The response body exceeded the client's ``max_response_bytes``; it was not read further."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        super().__init__(
            f"response {response.status_code} from {_describe(response.request)} is larger than "
            f"max_response_bytes ({limit} bytes)",
            request=response.request,
        )
        self.limit = limit


def _parse_body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return response.text


def _server_message(body: Any) -> str | None:
    """The human-readable message of a JSON error body, in the common shapes."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            field = error.get("field")
            suffix = f" (field: {field})" if isinstance(field, str) and field else ""
            return str(error["message"]) + suffix
        for key in ("message", "detail", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    if isinstance(body, str) and body.strip():
        text = " ".join(body.split())
        return text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "…"
    return None


class APIStatusError(APIError):
    """The server answered with an error status.

    ``body`` is the parsed JSON body (or the text when it is not JSON), ``request_id`` the
    server's request id header when present; quote it when reporting a problem to HP.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body: Any = _parse_body(response)
        self.request_id: str | None = next(
            (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
        )
        detail = _server_message(self.body)
        message = (
            f"{response.status_code} {response.reason_phrase} from {_describe(response.request)}"
        )
        if detail:
            message += f": {detail}"
        if self.request_id:
            message += f" [request id {self.request_id}]"
        super().__init__(message, request=response.request)


class BadRequestError(APIStatusError):
    """400: the server could not read the request."""


class AuthenticationError(APIStatusError):
    """401: missing or wrong credentials, or a clock too far off for the HMAC date."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: for example an unknown device id."""


class ConflictError(APIStatusError):
    """409: for example a serial number that is already provisioned."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was read but a field's value was rejected."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, honouring ``Retry-After``."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; retried automatically for idempotent requests."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(response: httpx.Response) -> APIStatusError:
    """The most specific :class:`APIStatusError` for ``response``."""
    if response.status_code >= 500:
        return InternalServerError(response)
    return _BY_STATUS.get(response.status_code, APIStatusError)(response)
