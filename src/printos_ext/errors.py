"""Typed errors: every failure the SDK raises is a :class:`PrintOSError`.

The hierarchy follows what a caller wants to branch on::

    PrintOSError
    ├── InvalidArgumentError (also a ValueError)   bad input, caught before any request is sent
    ├── ClientClosedError                          the client was used after aclose()
    ├── EventLoopError                             used from two event loops at once, or a pool
    │                                              passed in that cannot follow a new loop
    ├── PaginationError                            a next link the SDK will not follow, or too
    │                                              many pages
    ├── UnexpectedError                            an exception outside this model (a bug, in
    │                                              the SDK or in code you plugged in), caught
    │                                              where it would otherwise end unrelated work
    └── APIError                                   something went wrong talking to the API
        ├── APIConnectionError                     no (complete) response: refused, reset, dropped
        │   ├── APITimeoutError                    the configured timeout ran out
        │   └── ResponseDecodingError              a body whose Content-Encoding does not decode
        ├── ResponseValidationError                a response that does not match the spec
        ├── ResponseTooLargeError                  a body over the client's max_response_bytes
        └── APIStatusError                         the server answered 3xx/4xx/5xx
            ├── RedirectError (3xx)                never followed; names the Location
            ├── BadRequestError (400)  AuthenticationError (401)  PermissionDeniedError (403)
            │   └── NotAuthorizedError (400 "Not Authorized": HP's answer to a rejected HMAC;
            │                          both a BadRequestError and an AuthenticationError)
            ├── NotFoundError (404)  ConflictError (409)  UnprocessableEntityError (422)
            ├── RateLimitError (429)
            └── InternalServerError (5xx)

Messages name the method and path, never headers or credentials. Whatever the server said goes
into a message through one formatter (:func:`printos_ext._text.server_text`): bounded in length,
control characters and escapes made visible; the full body stays on ``.body``.
"""

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

REQUEST_ID_HEADERS = ("x-request-id", "x-hp-request-id", "x-correlation-id")


class PrintOSError(Exception):
    """Base class of every error this SDK raises."""


class InvalidArgumentError(PrintOSError, ValueError):
    """An argument was rejected before any request was sent."""


class ClientClosedError(PrintOSError):
    """The :class:`~printos_ext.PrintOSClient` (or the ``httpx.AsyncClient`` it uses) is closed."""


class EventLoopError(PrintOSError):
    """The client cannot serve this event loop: another loop is using it at the same time, or
    an ``http_client``/``transport`` you passed in is bound to the loop that used it before.

    A client whose pool the SDK made follows its caller from one loop to the next (two
    ``asyncio.run`` calls, asyncio then trio); see :mod:`printos_ext._loops`.
    """


class PaginationError(PrintOSError):
    """Paging went wrong: a next link the SDK will not follow (another host, not a URL), or
    ``max_pages`` pages fetched while the server still announced more."""


class UnexpectedError(PrintOSError):
    """An exception outside the SDK's typed model, caught so it cannot end unrelated work.

    Raised (as a per-item result) by the bulk helpers and the status reporter when one item's
    request fails with something that is not a :class:`PrintOSError`: typically a bug in an
    ``httpx.Auth``, transport or event hook you plugged in. The original exception is
    ``__cause__``; nothing about it is lost.
    """

    def __init__(self, what: str, cause: BaseException) -> None:
        super().__init__(f"{what} failed with {type(cause).__name__}: {server_text(cause)}")
        self.__cause__ = cause


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
            text = str(cause)
            detail = (
                f": {type(cause).__name__}: {server_text(text)}"
                if text
                else f": {type(cause).__name__}"
            )
        super().__init__(f"connection error on {_describe(request)}{detail}", request=request)


class APITimeoutError(APIConnectionError):
    """The request did not complete within the configured timeout."""

    def __init__(self, request: httpx.Request, cause: BaseException | None = None) -> None:
        kind = type(cause).__name__ if cause is not None else "timeout"
        APIError.__init__(
            self, f"request timed out: {_describe(request)} ({kind})", request=request
        )


class ResponseDecodingError(APIConnectionError):
    """The body arrived but its ``Content-Encoding`` could not be decoded.

    Corrupt or truncated compressed data, or an encoding the SDK does not speak. Treated like a
    connection dropped mid-response: retried when the request may be repeated (or when the
    status says the server did not act, 408/429, and 5xx for idempotent requests).
    ``status_code`` and ``response`` (headers only; the body was not readable) say what came;
    both are None when an in-memory transport decoded (and failed) before handing it over.
    """

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


def _parse_body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return response.text


def _scalar(value: Any) -> str | None:
    """A JSON scalar as text (codes are sometimes numbers); None for null, objects and lists."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(value)


def _error_fields(body: Any) -> dict[str, str | None]:
    """What an error body says, read from the shapes servers use.

    * HP PrintOS: ``{"smsError": {"statusCode", "message", "subCode", "developerInfo",
      "moreInfoUrl", "serviceName"}}``, plus the sandbox's own ``field`` (the offending JSON
      path or query parameter) and ``existingId`` (on a 409: the device that already exists);
    * ``{"error": {"code", "message", "field", "existingId"}}`` (many APIs);
    * RFC 7807 / 9457 problem details: ``{"type", "title", "status", "detail", "instance"}``;
    * a flat ``{"message": ...}`` / ``{"detail": ...}`` / ``{"error": "..."}``;
    * a body that is not JSON: its text, whitespace collapsed.
    """
    fields: dict[str, str | None] = {}
    if isinstance(body, dict):
        sms = body.get("smsError")
        error = body.get("error")
        if isinstance(sms, dict):
            fields["message"] = _scalar(sms.get("message"))
            fields["sub_code"] = _scalar(sms.get("subCode"))
            fields["developer_info"] = _scalar(sms.get("developerInfo"))
            fields["more_info_url"] = _scalar(sms.get("moreInfoUrl"))
            fields["service_name"] = _scalar(sms.get("serviceName"))
            fields["field"] = _scalar(sms.get("field"))
            fields["existing_id"] = _scalar(sms.get("existingId"))
        elif isinstance(error, dict):
            fields["message"] = _scalar(error.get("message"))
            fields["error_code"] = _scalar(error.get("code"))
            fields["field"] = _scalar(error.get("field"))
            fields["existing_id"] = _scalar(error.get("existingId"))
        elif isinstance(body.get("title"), str) or isinstance(body.get("detail"), str):
            title, detail = _scalar(body.get("title")), _scalar(body.get("detail"))
            both = title and detail and title != detail
            fields["message"] = f"{title}: {detail}" if both else (detail or title)
            fields["more_info_url"] = _scalar(body.get("type"))
            fields["existing_id"] = _scalar(body.get("existingId"))
        else:
            fields["message"] = next(
                (_scalar(body[k]) for k in ("message", "error") if _scalar(body.get(k))), None
            )
    elif isinstance(body, str) and body.strip():
        fields["message"] = " ".join(body[:10_000].split())
    return fields


def _detail(fields: dict[str, str | None]) -> str:
    """The message part that quotes the server, each piece through the one formatter."""
    message = fields.get("message")
    text = f": {server_text(message)}" if message else ""
    extra = [
        f"{label}: {server_text(fields[key], 100)}"
        for key, label in (("field", "field"), ("sub_code", "subCode"), ("service_name", "service"))
        if fields.get(key)
    ]
    if extra:
        text += f" ({', '.join(extra)})"
    info = fields.get("developer_info")
    if info and info != message:
        text += f"; developer info: {server_text(info)}"
    return text


def _is_not_authorized(fields: dict[str, str | None]) -> bool:
    message = fields.get("message")
    return message is not None and message.strip().rstrip(".").casefold() == "not authorized"


class APIStatusError(APIError):
    """The server answered with an error status.

    ``body`` is the parsed JSON body (or the text when it is not JSON), ``request_id`` the
    server's request id header when present; quote it when reporting a problem to HP.

    What the body says is also read into attributes, from HP's ``smsError`` shape, the
    ``{"error": {...}}`` shape or RFC 7807 problem details (None when absent): ``server_message``
    (``message``, or a problem's ``title: detail``), ``sub_code``, ``developer_info``,
    ``more_info_url`` (a problem's ``type``), ``service_name``, ``error_code`` and ``field``.
    These are the server's text, unaltered; the message quotes them escaped and bounded.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body: Any = _parse_body(response)
        self.request_id: str | None = next(
            (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
        )
        fields = _error_fields(self.body)
        self.server_message = fields.get("message")
        self.sub_code = fields.get("sub_code")
        self.developer_info = fields.get("developer_info")
        self.more_info_url = fields.get("more_info_url")
        self.service_name = fields.get("service_name")
        self.error_code = fields.get("error_code")
        self.field = fields.get("field")
        message = (
            f"{response.status_code} {server_text(response.reason_phrase, 100)} "
            f"from {_describe(response.request)}{self._explain()}{_detail(fields)}"
        )
        if self.request_id:
            message += f" [request id {server_text(self.request_id, 100)}]"
        super().__init__(message, request=response.request)

    def _explain(self) -> str:
        """A sentence of the SDK's own before the server's words; empty for most statuses."""
        return ""


class RedirectError(APIStatusError):
    """3xx: the SDK never follows redirects (``location`` is where the server pointed).

    Following one could hand the request's credentials (HMAC headers, a bearer token) to another
    origin, and the PrintOS API does not redirect; point ``base_url`` at the final address
    instead. This holds even for an ``http_client`` configured with ``follow_redirects=True``.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.location: str | None = response.headers.get("location")
        super().__init__(response)

    def _explain(self) -> str:
        where = server_text(self.location) if self.location else "no Location"
        return f": redirect to {where} not followed (the SDK never follows redirects)"


class BadRequestError(APIStatusError):
    """400: the server could not read the request."""


class AuthenticationError(APIStatusError):
    """401 (or HP's 400 "Not Authorized", see :class:`NotAuthorizedError`): missing or wrong
    credentials, or a clock too far off for the HMAC date."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: for example an unknown device id."""


class ConflictError(APIStatusError):
    """409: for example a serial number that is already provisioned.

    ``existing_id`` is the id of what already exists when the server names it (``existingId`` in
    the error body, as the sandbox sends it for a duplicate serial number), else None. It makes
    provisioning safe to repeat: a provision whose answer was lost can be sent again, and its
    409 gives the id the first attempt created (see the README, "Provisioning safely").
    """

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        self.existing_id: str | None = _error_fields(self.body).get("existing_id")


class UnprocessableEntityError(APIStatusError):
    """422: the request was read but a field's value was rejected."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, honouring ``Retry-After``."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; retried automatically for idempotent requests."""


class NotAuthorizedError(AuthenticationError, BadRequestError):
    """400 whose error message is "Not Authorized": how HP's services reject an HMAC signature.

    HP answers a wrong key, a wrong signature or a date outside the allowed clock skew with
    ``400`` and ``{"smsError": {"message": "Not Authorized", ...}}``. It is an authentication
    failure, so it is an :class:`AuthenticationError` (``except AuthenticationError`` catches it);
    it stays a :class:`BadRequestError` too, and ``status_code`` stays 400, so code written for
    what HP literally sends keeps working.
    """


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
    if status == 400 and _is_not_authorized(_error_fields(error.body)):
        return NotAuthorizedError(response)
    return error
