"""``RawResponse``: what ``with_raw_response`` methods return; see docs/client.md."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import httpx

from . import _generated as gen
from .errors import ResponseValidationError, request_id

__all__ = ["RawResponse"]

T = TypeVar("T")

_NOT_PARSED: object = object()


class RawResponse(Generic[T]):
    """One HTTP exchange of an operation; ``parse()`` gives what the plain method returns."""

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
        """The server's id for this request, as an error would name it: quote it to support."""
        return request_id(self.http_response.headers)

    @property
    def content(self) -> bytes:
        """The body as received (decompressed), whatever the spec says it should be."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body decoded as text (the charset the response declares, else UTF-8)."""
        return self.http_response.text

    def json(self) -> Any:
        """The body as plain JSON, without the model (ResponseValidationError if it is not JSON)."""
        try:
            return json.loads(self.http_response.content)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise self._invalid(f"body is not valid JSON: {type(exc).__name__}: {exc}") from exc

    def parse(self) -> T:
        """The body as the documented model, parsed on first use; ResponseValidationError when
        it does not match the spec."""
        if self._parsed is _NOT_PARSED:
            try:
                self._parsed = self._parser(self.http_response)
            except gen.DecodeError as exc:
                raise self._invalid(exc.reason, field=exc.location) from exc
            except json.JSONDecodeError as exc:
                raise self._invalid(
                    f"body is not valid JSON ({exc.msg} at position {exc.pos})"
                ) from exc
            except RecursionError as exc:
                raise self._invalid("body is nested too deeply") from exc
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise self._invalid(f"{type(exc).__name__}: {exc}") from exc
        return self._parsed  # type: ignore[return-value]

    def _invalid(self, reason: str, *, field: str = "") -> ResponseValidationError:
        return ResponseValidationError(
            response=self.http_response, field=field, reason=reason, operation=self.operation
        )
