"""Optional paging for ``GET /devices``: ``limit``/``offset`` in, an RFC 8288 ``Link`` out.

The spec has no paging, so without the parameters the whole list is returned. With them, the
response holds ``devices[offset:offset + limit]`` and, when items remain, a header
``Link: </devices?limit=L&offset=O>; rel="next"`` pointing at the following slice; its absence
means this was the last page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from .errors import ApiError

__all__ = ["MAX_DIGITS", "MAX_LIMIT", "Page", "parse_page"]

MAX_LIMIT = 1000
MAX_DIGITS = 18
"""The most digits ``limit`` or ``offset`` may have (an offset up to 10**18 - 1)."""
_DIGITS = re.compile(r"[0-9]+")

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Page:
    """Which slice to return; both ``None`` means the unpaged, spec-only behaviour."""

    limit: int | None = None
    offset: int | None = None

    def slice(self, items: Sequence[T], path: str = "/devices") -> tuple[list[T], str | None]:
        """The items of this page and the ``Link`` header value for the next one, if any.

        ``path`` is where the list is served (it includes any mount prefix), so the relative
        link resolves to the same list.
        """
        start = self.offset or 0
        if self.limit is None:
            return list(items[start:]), None
        end = start + self.limit
        link = None
        if end < len(items):
            link = f'<{path}?limit={self.limit}&offset={end}>; rel="next"'
        return list(items[start:end]), link


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_query_parameter", f"{name} {message}", field=name)


def _integer(name: str, values: list[str], minimum: int, maximum: int | None) -> int | None:
    if not values:
        return None
    if len(values) > 1:
        raise _bad(name, "must be given at most once")
    text = values[0]
    # Digits only: int() would also take "+5", " 5" and "5_0", which a strict server refuses.
    if not _DIGITS.fullmatch(text):
        raise _bad(name, f"must be a non-negative integer, got {text[:40]!r}")
    if len(text) > MAX_DIGITS:
        # Checked before int(): a number of thousands of digits is refused by Python (and would
        # be slow to convert); no list is that long, so say so without converting it.
        bounds = f"at most {maximum}" if maximum is not None else f"at most {MAX_DIGITS} digits"
        raise _bad(name, f"must be {bounds}, got a number of {len(text)} digits")
    value = int(text)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise _bad(name, f"must be {bounds}, got {value}")
    return value


def parse_page(query: Iterable[tuple[str, str]]) -> Page:
    """Read ``limit`` (1..1000) and ``offset`` (>= 0) from query pairs; 400 naming a bad one."""
    pairs = list(query)
    limit = _integer("limit", [v for k, v in pairs if k == "limit"], 1, MAX_LIMIT)
    offset = _integer("offset", [v for k, v in pairs if k == "offset"], 0, None)
    return Page(limit=limit, offset=offset)
