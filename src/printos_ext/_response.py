"""``RawResponse``: one HTTP exchange of an operation, what ``with_raw_response`` methods return.

It implements the generated package's ``APIResponse`` protocol. ``parse()`` turns the body into the
documented model on first use (and remembers it), and is where a body that does not match the spec
becomes :class:`ResponseValidationError`: so a caller that only wants the status or a header never
pays for, or fails on, parsing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import httpx

from . import _generated as gen
from .errors import ResponseValidationError

__all__ = ["RawResponse"]

T = TypeVar("T")

_NOT_PARSED: object = object()


class RawResponse(Generic[T]):
    """The response of one call: ``status_code``, ``headers``, ``request_id``, ``http_response``,
    the body as ``content`` / ``text`` / ``json()``, and ``parse()``, which returns what the plain
    method returns."""

    __slots__ = ("_parsed", "_parser", "http_response", "operation")

    def __init__(
        self, http_response: httpx.Response, parser: Callable[[httpx.Response], T], operation: str
    ) -> None:
        self.http_response = http_response
        self.operation = operation
        self._parser = parser
        self._parsed: object = _NOT_PARSED

    def __repr__(self) -> str:
        return f"<RawResponse {self.operation} [{self.status_code}]>"

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's id for this request (``x-request-id``), to quote to support."""
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    @property
    def content(self) -> bytes:
        """The body as received (decompressed), whatever the spec says it should be."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body decoded as text (the charset the response declares, else UTF-8)."""
        return self.http_response.text

    def json(self) -> Any:
        """The body as plain JSON (dicts and lists), without the model.

        Raises :class:`ResponseValidationError` when the body is not JSON, as ``parse()`` does.
        """
        try:
            return json.loads(self.http_response.content)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise ResponseValidationError(
                response=self.http_response,
                field="",
                reason=f"body is not valid JSON: {type(exc).__name__}: {exc}",
                operation=self.operation,
            ) from exc

    def parse(self) -> T:
        """The body as the documented model (None for an operation without a response body).

        Raises :class:`ResponseValidationError` when the body does not match the spec.
        """
        if self._parsed is _NOT_PARSED:
            self._parsed = self._parse()
        return self._parsed  # type: ignore[return-value]

    def _parse(self) -> T:
        response, name = self.http_response, self.operation
        try:
            return self._parser(response)
        except gen.DecodeError as exc:
            raise ResponseValidationError(
                response=response, field=exc.location, reason=exc.reason, operation=name
            ) from exc
        except json.JSONDecodeError as exc:
            raise ResponseValidationError(
                response=response,
                field="",
                reason=f"body is not valid JSON ({exc.msg} at position {exc.pos})",
                operation=name,
            ) from exc
        except RecursionError as exc:
            raise ResponseValidationError(
                response=response, field="", reason="body is nested too deeply", operation=name
            ) from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ResponseValidationError(
                response=response, field="", reason=f"{type(exc).__name__}: {exc}", operation=name
            ) from exc
