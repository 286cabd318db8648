"""When to retry a failed request, and how long to wait first.

The loop itself lives in :mod:`printos_ext._client`; this module is pure policy so it can be
tested without a network or a clock.

What is retried:

* connection failures before the request was sent (refused, DNS, connect timeout): always;
* ``408``, ``429``: always; the server says it did not process the request;
* ``5xx``, read timeouts, dropped connections: only when the request is idempotent (GET, PUT,
  DELETE...) or the caller opted in with ``retry_non_idempotent=True``, because a POST that
  reached the server may already have had its effect (a second provision would be a 409).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import attrs
import httpx

from .errors import InvalidArgumentError

__all__ = ["RetryPolicy", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
ALWAYS_RETRIED_STATUSES = frozenset({408, 429})


def _check_non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidArgumentError(
            f"RetryPolicy.{attribute.name} must be a number >= 0, got {value!r}"
        )


def _check_max_retries(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(f"RetryPolicy.max_retries must be an int >= 0, got {value!r}")


def _check_jitter(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    _check_non_negative(instance, attribute, value)
    if value > 1:
        raise InvalidArgumentError(f"RetryPolicy.jitter must be between 0 and 1, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter.

    The n-th retry (n = 1, 2, ...) waits ``min(max_delay, initial_delay * 2 ** (n - 1))``, reduced
    by up to ``jitter`` of itself at random so that many clients do not retry in lockstep. A
    ``Retry-After`` header up to ``max_retry_after`` seconds replaces that computed delay; a longer
    one is not waited for: the error is raised so the caller can decide.
    """

    max_retries: int = attrs.field(default=2, validator=_check_max_retries)
    initial_delay: float = attrs.field(default=0.5, validator=_check_non_negative)
    max_delay: float = attrs.field(default=8.0, validator=_check_non_negative)
    jitter: float = attrs.field(default=0.25, validator=_check_jitter)
    max_retry_after: float = attrs.field(default=60.0, validator=_check_non_negative)
    retry_non_idempotent: bool = False

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based) when the server named none."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** (retry_number - 1))
        draw = rng.random() if rng is not None else random.random()
        return base * (1 - self.jitter * draw)

    def retryable_status(self, status_code: int, method: str) -> bool:
        if status_code in ALWAYS_RETRIED_STATUSES:
            return True
        return status_code >= 500 and self.may_repeat(method)

    def retryable_exception(self, exc: httpx.TransportError, method: str) -> bool:
        # A connect-phase failure means no byte of the request reached the server.
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return True
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
            return False  # a bug on our side; repeating cannot help
        return self.may_repeat(method)

    def may_repeat(self, method: str) -> bool:
        """Whether a request that may have reached the server can be sent again."""
        return self.retry_non_idempotent or method.upper() in IDEMPOTENT_METHODS


def parse_retry_after(
    value: str | None, *, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP-date.

    Returns None when the header is absent or unreadable (the caller then uses its own backoff);
    a date in the past means "now" (0 seconds).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable
    from dateutil.parser import parse as parse_http_date  # slow to import; rarely needed

    try:
        when = parse_http_date(text)
    except (ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)  # HTTP-dates are GMT by definition
    return max(0.0, (when - now()).total_seconds())
