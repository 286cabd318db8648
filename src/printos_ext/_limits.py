"""A guard on the requests in flight: never more inside httpx than its pool can serve at once.

httpcore's connection pool re-examines every waiting request against every connection each time
one finishes: work proportional to waiters x connections. With 2,000 requests started at once on
a 100-connection pool that is ~200,000 steps per completion; the event loop spends its time
scheduling, the requests' deadlines run out while they wait for a connection, and nothing is
delivered (raw httpx collapses the same way; see ``benchmarks/bench_in_flight.py``).

So the client lets at most :func:`in_flight_limit` attempts into httpx at once, as many as the
pool has connections; the others wait their turn here, in first-come order, where waiting costs
nothing per completion. Waiting for a slot is not part of an attempt's deadline: the ``timeout``
of a call bounds each attempt once it has a slot, so a burst of calls is delivered instead of
timing out in a queue. The wait itself has no limit of its own; it ends when an attempt ahead of
it ends, and each of those is bounded by its own deadline (cancel the caller to give up sooner).
A retry's backoff sleep holds no slot. The semaphore itself is made by ``_async_io.slots`` (an
anyio one) or ``_sync_io.slots`` (a thread one), for the async and the sync client.
"""

from __future__ import annotations

import sys

import httpx

__all__ = ["DEFAULT_IN_FLIGHT", "in_flight_limit"]

DEFAULT_IN_FLIGHT = 100
"""Used when the pool's size cannot be read (a custom transport) or is unlimited."""


def in_flight_limit(http: httpx.AsyncClient | httpx.Client) -> int:
    """The most connections ``http``'s pool opens at once (httpx's own default is 100)."""
    pool = getattr(getattr(http, "_transport", None), "_pool", None)
    size = getattr(pool, "_max_connections", None)
    # httpcore stores "no limit" as sys.maxsize.
    if isinstance(size, int) and not isinstance(size, bool) and 0 < size < sys.maxsize:
        return size
    return DEFAULT_IN_FLIGHT
