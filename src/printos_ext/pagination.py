"""Iterate over every item of a list operation, page by page, safely.

The paging contract the SDK speaks (the PrintOS spec declares no paging today, so this is the
contract a paging server is expected to follow, and the one the sandbox implements):

* Request: with a page size, the first request carries ``limit=<page size>&offset=0``.
* Response: more items are announced by an RFC 8288 header ``Link: <url>; rel="next"``. ``rel``
  is a space-separated list of relation types, compared case-insensitively, so
  ``rel="prev next"`` announces a next page too. The SDK requests that URL as given (a relative
  URL is resolved against the request), and only on the same origin, so credentials never travel
  to another host. A next link that is not a valid URL is a :class:`PaginationError`.
* No ``rel="next"`` link means the last page. A server that ignores ``limit``/``offset`` answers
  everything at once with no link, which is simply one page. An empty page is the last page too,
  whatever links it carries.

Defences against servers that page badly: an item already yielded on an earlier page (same key,
as happens when offset paging meets inserts) is not yielded again; a next link already visited, or
a page that adds no new item, ends the iteration (with a warning in the log) instead of looping
forever. ``max_pages`` bounds the number of requests: a server still announcing a next page after
that many raises :class:`PaginationError` (nothing is cut short silently; the items of the pages
fetched have been yielded). Within one page every item is yielded as the server sent it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

import attrs
import httpx

from ._text import server_text
from .errors import PaginationError

__all__ = ["Page", "next_link", "paginate"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_MAX_PAGES = 10_000


@attrs.frozen
class Page(Generic[T]):
    """One page: its items, the URL it was fetched from, and the next page's URL if any."""

    items: Sequence[T]
    url: httpx.URL
    next_url: httpx.URL | None = None


def next_link(response: httpx.Response) -> httpx.URL | None:
    """The absolute URL of the first ``Link`` whose ``rel`` list contains ``next``, or None.

    Raises :class:`PaginationError` when that link is not a valid URL.
    """
    if "link" not in response.headers:
        return None
    for link in response.links.values():
        rel = next((value for key, value in link.items() if key.lower() == "rel"), "")
        relations = rel.lower().split()
        if "next" not in relations:
            continue
        target = link.get("url", "")
        try:
            return response.request.url.join(target)
        except httpx.InvalidURL as exc:
            raise PaginationError(
                f"the next link is not a valid URL ({server_text(exc)}): {server_text(target)}"
            ) from exc
    return None


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


async def paginate(
    fetch_page: Callable[[httpx.URL | None], Awaitable[Page[T]]],
    *,
    key: Callable[[T], Hashable | None] | None = None,
    max_items: int | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    first: Page[T] | None = None,
) -> AsyncIterator[T]:
    """Yield the items of every page.

    ``fetch_page(None)`` fetches the first page, ``fetch_page(url)`` the page at a next link;
    ``first`` is a first page the caller already has. ``key`` identifies an item so that one seen
    on an earlier page is skipped (None from it means "cannot tell": always yielded). Stops after
    ``max_items`` items.
    """
    if max_items is not None and max_items <= 0:
        return
    seen: set[Hashable] = set()
    visited: set[str] = set()
    yielded = 0
    url: httpx.URL | None = None
    origin: httpx.URL | None = None
    for page_number in range(1, max_pages + 1):
        page = first if page_number == 1 and first is not None else await fetch_page(url)
        visited.add(str(page.url))
        origin = origin or page.url
        fresh = 0
        keys: list[Hashable] = []
        for item in page.items:
            identity = key(item) if key is not None else None
            if identity is not None:
                if identity in seen:
                    continue
                keys.append(identity)
            fresh += 1
            yield item
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        seen.update(keys)
        if fresh < len(page.items):
            logger.debug("pagination: skipped %d item(s) already seen", len(page.items) - fresh)
        url = page.next_url
        if url is None:
            return
        if not page.items:
            logger.debug("pagination: page %d is empty; stopping", page_number)
            return
        if not _same_origin(url, origin):
            raise PaginationError(
                "refusing to follow a next link to another origin: "
                f"{server_text(url.scheme)}://{server_text(url.host)}"
            )
        if str(url) in visited:
            logger.warning("pagination: next link %s was already fetched; stopping", url.path)
            return
        if page_number > 1 and page.items and fresh == 0:
            logger.warning("pagination: page %d added no new items; stopping", page_number)
            return
    raise PaginationError(
        f"stopped after max_pages={max_pages} pages: the server still announces a next page"
    )
