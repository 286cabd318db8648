"""When to retry a failed request and how long to wait: pure policy (docs/auth-and-retries.md)."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Callable

import attrs
import httpx

from ._validate import count, number

__all__ = ["RetryPolicy", "parse_http_date", "parse_retry_after"]


def _count(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    count(f"RetryPolicy.{attribute.name}", value)


def _number(maximum: float = math.inf) -> Callable[[object, attrs.Attribute[float], float], None]:
    def check(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
        number(f"RetryPolicy.{attribute.name}", value, maximum=maximum, finite=False)

    return check


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter, capped, and which failures to retry (see the docs)."""

    max_retries: int = attrs.field(default=2, validator=_count)
    initial_delay: float = attrs.field(default=0.5, validator=_number())
    max_delay: float = attrs.field(default=8.0, validator=_number())
    jitter: float = attrs.field(default=0.25, validator=_number(1))
    max_retry_after: float = attrs.field(default=60.0, validator=_number())
    retry_non_idempotent: bool = False

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based) when the server named none."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** (retry_number - 1))
        draw = rng.random() if rng is not None else random.random()
        return base * (1 - self.jitter * draw)

    def retryable_status(self, status_code: int, method: str) -> bool:
        if status_code in (408, 429):  # the server says it did not process the request
            return True
        return status_code >= 500 and self.may_repeat(method)

    def retryable_exception(self, exc: Exception, method: str) -> bool:
        # A connect-phase failure means no byte of the request reached the server.
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return True
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
            return False  # a bug on our side; repeating cannot help
        return self.may_repeat(method)

    def may_repeat(self, method: str) -> bool:
        """Whether a request that may have reached the server can be sent again."""
        idempotent = method.upper() in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}
        return self.retry_non_idempotent or idempotent


_DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_LONG_DAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = f"(?P<month>{'|'.join(_MONTHS)})"
_TIME = "(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
# The three forms of RFC 9110 section 5.6.7, exactly (names are case-sensitive there).
_IMF_FIXDATE = re.compile(f"{_DAYS}, (?P<day>[0-9]{{2}}) {_MONTH} (?P<year>[0-9]{{4}}) {_TIME} GMT")
_RFC850_DATE = re.compile(
    f"{_LONG_DAYS}, (?P<day>[0-9]{{2}})-{_MONTH}-(?P<year>[0-9]{{2}}) {_TIME} GMT"
)
_ASCTIME_DATE = re.compile(
    f"{_DAYS} {_MONTH} (?P<day>[0-9]{{2}}| [0-9]) {_TIME} (?P<year>[0-9]{{4}})"
)
_HTTP_DATE_FORMS = (_IMF_FIXDATE, _RFC850_DATE, _ASCTIME_DATE)


def parse_http_date(text: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """An RFC 9110 HTTP-date as an aware UTC datetime, strictly: anything else is None."""
    match = next(filter(None, (form.fullmatch(text) for form in _HTTP_DATE_FORMS)), None)
    if match is None:
        return None
    year = int(match["year"])
    if len(match["year"]) == 2:  # rfc850-date: the most recent such year at most 50 years ahead
        current = (now or dt.datetime.now(dt.UTC)).year
        year += current - current % 100
        if year > current + 50:
            year -= 100
    month = _MONTHS.index(match["month"]) + 1
    day, hour, minute, second = (int(match[name]) for name in ("day", "hour", "minute", "second"))
    try:  # a leap second (:60) reads as :59
        return dt.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=dt.UTC)
    except ValueError:  # 31 Feb, 25:00...
        return None


def parse_retry_after(
    value: str | None, *, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip(" \t")
    if text.isascii() and text.isdigit():  # delay-seconds: ASCII digits only
        return float(text)
    current = now()
    when = parse_http_date(text, now=current)
    return None if when is None else max(0.0, (when - current).total_seconds())
