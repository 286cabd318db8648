"""Fault-injection knobs, changeable while the sandbox runs, so clients can be tested against
the failures a real network and a real platform produce: slowness, 5xx, 429 and dropped
connections.

Everything defaults to off. Scripted faults (``fail_next``, ``rate_limit_burst``, ``drop_next``)
form one queue consumed in call order, one fault per request, so a test can script an exact
sequence ("429, then 503, then success"). Random faults (``error_rate``, ``drop_rate``) use a
seedable ``random.Random`` and apply only when no scripted fault is pending. Latency applies to
every request. All methods are thread-safe: tests change knobs from their own thread while the
server thread consumes them.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import email.utils
import random
import threading

__all__ = ["Drop", "Faults", "Reject"]


@dataclasses.dataclass(frozen=True)
class Reject:
    """Answer with an error status instead of handling the request."""

    status: int
    retry_after: str | None = None


@dataclasses.dataclass(frozen=True)
class Drop:
    """Cut the connection mid-response. ``after_processing``: the request takes effect first,
    the case that makes non-idempotent retries dangerous."""

    after_processing: bool = False


Fault = Reject | Drop


def _check_rate(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return float(value)


def _check_error_status(name: str, status: int) -> int:
    if isinstance(status, bool) or not 400 <= status <= 599:
        raise ValueError(
            f"{name} must be a 4xx or 5xx status for an injected failure, got {status}"
        )
    return status


def _check_count(n: int) -> int:
    if isinstance(n, bool) or n < 0:
        raise ValueError(f"the number of requests must be >= 0, got {n}")
    return n


def format_retry_after(value: str | int | float | dt.datetime) -> str:
    """``Retry-After`` is either delta-seconds or an HTTP-date; accept both, plus raw strings
    (possibly malformed on purpose, to test how a client copes)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a Retry-After date must be timezone-aware")
        return email.utils.format_datetime(value.astimezone(dt.UTC), usegmt=True)
    if isinstance(value, bool):
        raise TypeError("retry_after must be seconds, an HTTP-date string or a datetime")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"retry_after must be >= 0 seconds, got {value}")
        return str(int(value))
    return value


class Faults:
    """The knobs. Read them as attributes; set them as attributes or through the methods."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        error_rate: float = 0.0,
        error_status: int = 503,
        drop_rate: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._queue: collections.deque[Fault] = collections.deque()
        self._rng = random.Random(seed)
        self.latency = latency
        self.error_rate = error_rate
        self.error_status = error_status
        self.drop_rate = drop_rate

    # Continuous knobs, validated on every assignment.

    @property
    def latency(self) -> float:
        """Seconds added before every request is handled."""
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {seconds}")
        self._latency = float(seconds)

    @property
    def error_rate(self) -> float:
        """Probability that a request is answered with ``error_status`` instead."""
        return self._error_rate

    @error_rate.setter
    def error_rate(self, probability: float) -> None:
        self._error_rate = _check_rate("error_rate", probability)

    @property
    def error_status(self) -> int:
        """The status ``error_rate`` answers with (default 503)."""
        return self._error_status

    @error_status.setter
    def error_status(self, status: int) -> None:
        self._error_status = _check_error_status("error_status", status)

    @property
    def drop_rate(self) -> float:
        """Probability that a request's connection is dropped (before processing)."""
        return self._drop_rate

    @drop_rate.setter
    def drop_rate(self, probability: float) -> None:
        self._drop_rate = _check_rate("drop_rate", probability)

    def seed(self, seed: int | None) -> None:
        """Restart the random sequence, to replay the same random faults."""
        with self._lock:
            self._rng.seed(seed)

    # Scripted faults.

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        """The next ``n`` requests get ``status`` (default 503) and are not processed."""
        self._enqueue(_check_count(n), Reject(_check_error_status("status", status)))

    def rate_limit_burst(
        self, n: int = 1, retry_after: str | int | float | dt.datetime = "1"
    ) -> None:
        """The next ``n`` requests get 429 with ``Retry-After`` (seconds or an HTTP-date)."""
        self._enqueue(_check_count(n), Reject(429, format_retry_after(retry_after)))

    def drop_next(self, n: int = 1, *, after_processing: bool = False) -> None:
        """The next ``n`` requests see their connection dropped without a complete response."""
        self._enqueue(_check_count(n), Drop(after_processing=after_processing))

    def _enqueue(self, n: int, fault: Fault) -> None:
        with self._lock:
            self._queue.extend([fault] * n)

    @property
    def pending(self) -> int:
        """Scripted faults not yet consumed."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Everything off: no latency, no random faults, nothing scripted."""
        with self._lock:
            self._queue.clear()
        self.latency = 0.0
        self.error_rate = 0.0
        self.error_status = 503
        self.drop_rate = 0.0

    def next_fault(self) -> Fault | None:
        """The fault for the request being handled now, if any; called once per request."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            # Roll only for enabled knobs: the sequence depends on the seed and the knobs in use.
            if self._drop_rate and self._rng.random() < self._drop_rate:
                return Drop()
            if self._error_rate and self._rng.random() < self._error_rate:
                return Reject(self._error_status)
            return None
