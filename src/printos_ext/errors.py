"""Typed errors: every failure the SDK raises is a :class:`PrintOSError`. See docs/errors.md."""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._text import server_text
from ._urls import raw_path

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "EventLoopError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotAuthorizedError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "PrintOSError",
    "RateLimitError",
    "RedirectError",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UnexpectedError",
    "UnprocessableEntityError",
]


class PrintOSError(Exception):
    """Base class of every error this SDK raises."""


class InvalidArgumentError(PrintOSError, ValueError):
    """An argument was rejected before any request was sent."""


class ClientClosedError(PrintOSError):
    """The :class:`~printos_ext.PrintOSClient` (or the ``httpx.AsyncClient`` it uses) is closed."""


class EventLoopError(PrintOSError):
    """The client cannot serve this event loop (see docs/errors.md)."""


class PaginationError(PrintOSError):
    """A next link the SDK will not follow, or ``max_pages`` reached while more were announced."""


class UnexpectedError(PrintOSError):
    """An exception outside the SDK's typed model (``__cause__``); see docs/errors.md."""

    def __init__(self, what: str, cause: BaseException) -> None:
        super().__init__(f"{what} failed with {type(cause).__name__}: {server_text(cause)}")
        self.__cause__ = cause


class APIError(PrintOSError):
    """A request to the API failed; ``request`` is the one that was sent last."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


def request_id(headers: httpx.Headers) -> str | None:
    """The server's id for a request, from the first of the headers servers use for it."""
    names = ("x-request-id", "x-hp-request-id", "x-correlation-id")
    return next((headers[name] for name in names if name in headers), None)


def _describe(request: httpx.Request) -> str:
    return f"{request.method} {raw_path(request)}"


class APIConnectionError(APIError):
    """No complete response arrived: connection refused, reset or dropped mid-response."""

    def __init__(self, request: httpx.Request, cause: BaseException | None = None) -> None:
        detail = "" if cause is None else f": {type(cause).__name__}"
        if cause is not None and str(cause):  # a reset may carry no text: the type says it then
            detail += f": {server_text(cause)}"
        super().__init__(f"connection error on {_describe(request)}{detail}", request=request)


class APITimeoutError(APIConnectionError):
    """The request did not complete within the configured timeout."""

    def __init__(self, request: httpx.Request, cause: BaseException | None = None) -> None:
        kind = type(cause).__name__ if cause is not None else "timeout"
        APIError.__init__(
            self, f"request timed out: {_describe(request)} ({kind})", request=request
        )


class ResponseDecodingError(APIConnectionError):
    """The body's ``Content-Encoding`` could not be decoded; retried like a dropped connection."""

    def __init__(
        self, request: httpx.Request, reason: str, response: httpx.Response | None = None
    ) -> None:
        status = f"response {response.status_code}" if response is not None else "response"
        APIError.__init__(
            self,
            f"{status} from {_describe(request)} could not be decoded: {server_text(reason)}",
            request=request,
        )
        self.response = response
        self.status_code = response.status_code if response is not None else None
        self.reason = reason


class ResponseValidationError(APIError):
    """The response body does not match the spec; ``field`` is the JSON path at fault."""

    def __init__(
        self, *, response: httpx.Response, field: str, reason: str, operation: str
    ) -> None:
        where = f" at {field}" if field else ""
        super().__init__(
            f"{operation}: response {response.status_code} from {_describe(response.request)} "
            f"does not match the spec{server_text(where)}: {server_text(reason)}",
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


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return str(value) if number else None


# The keys read from HP's {"smsError": {...}} and from the common {"error": {...}} shape.
_SHAPES = {
    "smsError": ("message", "subCode", "developerInfo", "moreInfoUrl", "serviceName", "field"),
    "error": ("message", "code", "field"),
}


def _error_fields(body: Any) -> dict[str, str | None]:
    """What an error body says, by its JSON key (the shapes of docs/errors.md, "Error bodies")."""
    if isinstance(body, str) and body.strip():
        return {"message": " ".join(body[:10_000].split())}
    if not isinstance(body, dict):
        return {}
    for shape, keys in _SHAPES.items():
        if isinstance(body.get(shape), dict):
            inner = body[shape]
            return {key: _scalar(inner.get(key)) for key in (*keys, "existingId")}
    if isinstance(body.get("title"), str) or isinstance(body.get("detail"), str):  # RFC 9457
        title, detail = _scalar(body.get("title")), _scalar(body.get("detail"))
        both = title and detail and title != detail
        return {
            "message": f"{title}: {detail}" if both else (detail or title),
            "moreInfoUrl": _scalar(body.get("type")),
            "existingId": _scalar(body.get("existingId")),
        }
    flat = (_scalar(body.get(key)) for key in ("message", "error"))
    return {"message": next((text for text in flat if text), None)}


def _detail(fields: dict[str, str | None]) -> str:
    message = fields.get("message")
    text = f": {server_text(message)}" if message else ""
    extra = [
        f"{label}: {server_text(fields[key], 100)}"
        for key, label in (("field", "field"), ("subCode", "subCode"), ("serviceName", "service"))
        if fields.get(key)
    ]
    if extra:
        text += f" ({', '.join(extra)})"
    info = fields.get("developerInfo")
    if info and info != message:
        text += f"; developer info: {server_text(info)}"
    return text


class APIStatusError(APIError):
    """The server answered with an error status; the body's fields are attributes (see the docs)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        try:
            self.body: Any = json.loads(response.content) if response.content else None
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            self.body = response.text
        self.request_id = request_id(response.headers)
        fields = _error_fields(self.body)
        self.server_message = fields.get("message")
        self.sub_code = fields.get("subCode")
        self.developer_info = fields.get("developerInfo")
        self.more_info_url = fields.get("moreInfoUrl")
        self.service_name = fields.get("serviceName")
        self.error_code = fields.get("code")
        self.field = fields.get("field")
        message = (
            f"{response.status_code} {server_text(response.reason_phrase, 100)} "
            f"from {_describe(response.request)}{self._explain()}{_detail(fields)}"
        )
        if self.request_id:
            message += f" [request id {server_text(self.request_id, 100)}]"
        super().__init__(message, request=response.request)

    def _explain(self) -> str:  # the SDK's own words before the server's; most statuses have none
        return ""


class RedirectError(APIStatusError):
    """3xx: never followed, since that could hand credentials to another origin."""

    def __init__(self, response: httpx.Response) -> None:
        self.location: str | None = response.headers.get("location")
        super().__init__(response)

    def _explain(self) -> str:
        where = server_text(self.location) if self.location else "no Location"
        return f": redirect to {where} not followed (the SDK never follows redirects)"


class BadRequestError(APIStatusError):
    """400: the server could not read the request."""


class AuthenticationError(APIStatusError):
    """401 (or HP's 400 "Not Authorized"): missing or wrong credentials, or a clock too far off."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: for example an unknown device id."""


class ConflictError(APIStatusError):
    """409: for example a serial number already provisioned (``existing_id`` names what exists)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        self.existing_id: str | None = _error_fields(self.body).get("existingId")


class UnprocessableEntityError(APIStatusError):
    """422: the request was read but a field's value was rejected."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, honouring ``Retry-After``."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; retried automatically for idempotent requests."""


class NotAuthorizedError(AuthenticationError, BadRequestError):
    """400 "Not Authorized": how HP rejects an HMAC signature (see docs/errors.md)."""


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
    status = response.status_code
    if status >= 500:
        return InternalServerError(response)
    if 300 <= status < 400:
        return RedirectError(response)
    error = _BY_STATUS.get(status, APIStatusError)(response)
    said = error.server_message
    if status == 400 and said and said.strip().rstrip(".").casefold() == "not authorized":
        return NotAuthorizedError(response)
    return error
