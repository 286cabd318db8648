"""Every item of a list operation, page by page, following RFC 8288 next links on the same origin,
with defences against servers that page badly. See docs/bulk-and-paging.md."""

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


@attrs.frozen
class Page(Generic[T]):
    """One page: its items, the URL it was fetched from, and the next page's URL if any."""

    items: Sequence[T]
    url: httpx.URL
    next_url: httpx.URL | None = None


def next_link(response: httpx.Response) -> httpx.URL | None:
    """The absolute URL of the first ``Link`` whose ``rel`` list contains ``next``, or None;
    :class:`PaginationError` when that link is not a valid URL."""
    for link in response.links.values():
        rel = next((value for key, value in link.items() if key.lower() == "rel"), "")
        if "next" in rel.lower().split():
            target = link.get("url", "")
            try:
                return response.request.url.join(target)
            except httpx.InvalidURL as exc:
                raise PaginationError(
                    f"the next link is not a valid URL ({server_text(exc)}): {server_text(target)}"
                ) from exc
    return None


async def paginate(
    fetch_page: Callable[[httpx.URL | None], Awaitable[Page[T]]],
    *,
    key: Callable[[T], Hashable | None] | None = None,
    max_items: int | None = None,
    max_pages: int = 10_000,
    first: Page[T] | None = None,
) -> AsyncIterator[T]:
    """Yield the items of every page: ``fetch_page(None)`` fetches the first (unless given as
    ``first``), ``fetch_page(url)`` the one at a next link. See docs/bulk-and-paging.md."""
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
        origin = origin or page.url  # the first page's: credentials never go to another
        keys = [None if key is None else key(item) for item in page.items]
        # Skipped: items seen on an earlier page (within a page, none is); a None key cannot tell.
        new = [item for item, ident in zip(page.items, keys, strict=True) if ident not in seen]
        seen.update(ident for ident in keys if ident is not None)
        if len(new) < len(page.items):
            logger.debug("pagination: skipped %d item(s) already seen", len(page.items) - len(new))
        for item in new:
            yield item
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        url = page.next_url
        if url is None:
            return
        if not page.items:
            logger.debug("pagination: page %d is empty; stopping", page_number)
            return
        if (url.scheme, url.host, url.port) != (origin.scheme, origin.host, origin.port):
            raise PaginationError(
                "refusing to follow a next link to another origin: "
                f"{server_text(url.scheme)}://{server_text(url.host)}"
            )
        if str(url) in visited:
            logger.warning("pagination: next link %s was already fetched; stopping", url.path)
            return
        if page_number > 1 and not new:
            logger.warning("pagination: page %d added no new items; stopping", page_number)
            return
    raise PaginationError(
        f"stopped after max_pages={max_pages} pages: the server still announces a next page"
    )
