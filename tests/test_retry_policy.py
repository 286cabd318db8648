"""RetryPolicy and Retry-After parsing: pure functions, no network, no clock."""

from __future__ import annotations

import datetime as dt
import random

import httpx
import pytest

from printos_ext import InvalidArgumentError, RetryPolicy
from printos_ext.retries import parse_retry_after

NOW = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)


def test_backoff_doubles_and_is_capped_without_jitter() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=3.0, jitter=0)
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_only_shortens_the_delay_within_its_fraction() -> None:
    policy = RetryPolicy(initial_delay=1.0, max_delay=1.0, jitter=0.25)
    rng = random.Random(7)
    delays = [policy.backoff(1, rng) for _ in range(500)]
    assert all(0.75 <= delay <= 1.0 for delay in delays)
    assert len(set(delays)) > 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"initial_delay": -1},
        {"jitter": 2},
        {"max_delay": "x"},
        {"initial_delay": float("nan")},
        {"jitter": float("nan")},
        {"max_retry_after": True},
        {"max_retries": -(10**5000)},
    ],
)
def test_invalid_policy_values_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgumentError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [408, 429])
@pytest.mark.parametrize("method", ["GET", "PUT", "POST"])
def test_408_and_429_are_retried_for_every_method(status: int, method: str) -> None:
    assert RetryPolicy().retryable_status(status, method)


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_5xx_is_retried_for_idempotent_methods(method: str) -> None:
    assert RetryPolicy().retryable_status(503, method)


def test_5xx_is_not_retried_for_post_unless_opted_in() -> None:
    assert not RetryPolicy().retryable_status(500, "POST")
    assert RetryPolicy(retry_non_idempotent=True).retryable_status(500, "POST")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    assert not RetryPolicy().retryable_status(status, "GET")


def test_connect_errors_are_retried_even_for_post() -> None:
    assert RetryPolicy().retryable_exception(httpx.ConnectError("refused"), "POST")
    assert RetryPolicy().retryable_exception(httpx.ConnectTimeout("slow"), "POST")


def test_errors_after_sending_are_not_retried_for_post() -> None:
    assert not RetryPolicy().retryable_exception(httpx.ReadError("reset"), "POST")
    assert not RetryPolicy().retryable_exception(httpx.ReadTimeout("slow"), "POST")
    assert RetryPolicy().retryable_exception(httpx.ReadError("reset"), "PUT")


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 15 ") == 15.0


def test_retry_after_as_an_http_date() -> None:
    value = "Tue, 24 Nov 2026 10:00:07 GMT"
    assert parse_retry_after(value, now=lambda: NOW) == 7.0


def test_retry_after_date_in_the_past_means_now() -> None:
    assert parse_retry_after("Tue, 24 Nov 2026 09:00:00 GMT", now=lambda: NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "nan", " 1.5 ", "-4"])
def test_unreadable_retry_after_is_ignored(value: str | None) -> None:
    assert parse_retry_after(value) is None
