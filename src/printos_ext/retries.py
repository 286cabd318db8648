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
import re
from collections.abc import Callable

import attrs
import httpx

from .errors import InvalidArgumentError

__all__ = ["RetryPolicy", "parse_http_date", "parse_retry_after"]

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


_DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_LONG_DAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = f"(?P<month>{'|'.join(_MONTHS)})"
_TIME = "(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
_DELAY_SECONDS = re.compile("[0-9]+")
# The three forms of RFC 9110 section 5.6.7, exactly (names are case-sensitive there).
_IMF_FIXDATE = re.compile(f"{_DAYS}, (?P<day>[0-9]{{2}}) {_MONTH} (?P<year>[0-9]{{4}}) {_TIME} GMT")
_RFC850_DATE = re.compile(
    f"{_LONG_DAYS}, (?P<day>[0-9]{{2}})-{_MONTH}-(?P<year>[0-9]{{2}}) {_TIME} GMT"
)
_ASCTIME_DATE = re.compile(
    f"{_DAYS} {_MONTH} (?P<day>[0-9]{{2}}| [0-9]) {_TIME} (?P<year>[0-9]{{4}})"
)


def parse_http_date(text: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """An RFC 9110 HTTP-date (IMF-fixdate, rfc850-date or asctime-date) as an aware UTC datetime.

    Strict: anything else, or a date that does not exist, is None. A two-digit rfc850 year that
    would be more than 50 years ahead of ``now`` is the most recent past year with those digits,
    as RFC 9110 requires. A leap second (``:60``) reads as ``:59``.
    """
    for pattern in (_IMF_FIXDATE, _RFC850_DATE, _ASCTIME_DATE):
        match = pattern.fullmatch(text)
        if match is not None:
            break
    else:
        return None
    year = int(match["year"])
    if pattern is _RFC850_DATE:
        current = (now or dt.datetime.now(dt.UTC)).year
        year += current - current % 100
        if year > current + 50:
            year -= 100
    try:
        return dt.datetime(
            year,
            _MONTHS.index(match["month"]) + 1,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            min(int(match["second"]), 59),
            tzinfo=dt.UTC,
        )
    except ValueError:  # 31 Feb, 25:00...
        return None


def parse_retry_after(
    value: str | None, *, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP-date.

    Only what RFC 9110 allows is read: delay-seconds (ASCII digits and nothing else, so not
    ``1.5``, ``-4``, ``3_0`` or non-ASCII digits) and the three HTTP-date forms (see
    :func:`parse_http_date`), with surrounding spaces or tabs. Anything else returns None, as
    does an absent header (the caller then uses its own backoff); a date in the past means
    "now" (0 seconds). A delay too long to represent is ``inf`` (longer than any limit).
    """
    if value is None:
        return None
    text = value.strip(" \t")
    if _DELAY_SECONDS.fullmatch(text):
        return float(text)
    current = now()
    when = parse_http_date(text, now=current)
    if when is None:
        return None
    return max(0.0, (when - current).total_seconds())
