"""PrintOS HMAC and bearer-token authentication.

Expected signatures are computed here with the hmac module from the documented scheme, never by
calling the code under test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging

import httpx
import pytest
import respx

from printos_ext import (
    BearerTokenAuth,
    InvalidArgumentError,
    NotFoundError,
    PrintOSClient,
    PrintOSHmacAuth,
)

KEY = "key-123"
SECRET = "top-secret-value-9f8e7d"
FIXED = dt.datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=dt.UTC)
FIXED_TEXT = "2026-11-24T10:00:00.123Z"


def expected_signature(method: str, path: str, timestamp: str, secret: str = SECRET) -> str:
    return hmac.new(
        secret.encode(), f"{method} {path}{timestamp}".encode(), hashlib.sha256
    ).hexdigest()


def signed(request: httpx.Request, auth: httpx.Auth) -> httpx.Request:
    flow = auth.sync_auth_flow(request)
    return next(flow)


def test_hmac_headers_match_the_documented_scheme() -> None:
    auth = PrintOSHmacAuth(KEY, SECRET, clock=lambda: FIXED)
    request = signed(httpx.Request("GET", "https://printos.api.hp.com/devices?limit=5"), auth)
    assert request.headers["x-hp-hmac-date"] == FIXED_TEXT
    assert request.headers["x-hp-hmac-algorithm"] == "SHA256"
    assert request.headers["x-hp-hmac-authentication"] == (
        f"{KEY}:{expected_signature('GET', '/devices', FIXED_TEXT)}"
    )


def test_known_vector_for_a_status_update() -> None:
    # A vector computed once with the hmac module and written down.
    auth = PrintOSHmacAuth("k", "s", clock=lambda: dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    request = signed(httpx.Request("PUT", "https://h/devices/d1/status"), auth)
    assert request.headers["x-hp-hmac-date"] == "2026-01-02T03:04:05.000Z"
    assert request.headers["x-hp-hmac-authentication"] == "k:" + expected_signature(
        "PUT", "/devices/d1/status", "2026-01-02T03:04:05.000Z", secret="s"
    )


def test_signature_covers_the_percent_encoded_path_as_sent() -> None:
    auth = PrintOSHmacAuth(KEY, SECRET, clock=lambda: FIXED)
    request = signed(httpx.Request("PUT", "https://h/devices/a%2Fb%20c/status"), auth)
    assert request.headers["x-hp-hmac-authentication"].endswith(
        expected_signature("PUT", "/devices/a%2Fb%20c/status", FIXED_TEXT)
    )


def test_timestamp_is_converted_to_utc() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    auth = PrintOSHmacAuth(
        KEY, SECRET, clock=lambda: dt.datetime(2026, 11, 24, 12, 0, tzinfo=plus_two)
    )
    request = signed(httpx.Request("GET", "https://h/devices"), auth)
    assert request.headers["x-hp-hmac-date"] == "2026-11-24T10:00:00.000Z"


def test_naive_clock_is_rejected() -> None:
    auth = PrintOSHmacAuth(KEY, SECRET, clock=lambda: dt.datetime(2026, 11, 24))
    with pytest.raises(InvalidArgumentError, match="aware"):
        signed(httpx.Request("GET", "https://h/devices"), auth)


def test_credentials_come_from_the_environment() -> None:
    auth = PrintOSHmacAuth(environ={"PRINTOS_KEY": KEY, "PRINTOS_SECRET": SECRET})
    assert auth.key == KEY


@pytest.mark.parametrize(
    ("environ", "missing"),
    [({"PRINTOS_SECRET": SECRET}, "PRINTOS_KEY"), ({"PRINTOS_KEY": KEY}, "PRINTOS_SECRET")],
)
def test_missing_credentials_name_the_variable(environ: dict[str, str], missing: str) -> None:
    with pytest.raises(InvalidArgumentError, match=missing):
        PrintOSHmacAuth(environ=environ)


@pytest.mark.parametrize(("key", "secret"), [("", SECRET), (KEY, " "), (KEY, 5), ("a:b", SECRET)])
def test_bad_credentials_are_rejected_without_echoing_the_secret(
    key: object, secret: object
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        PrintOSHmacAuth(key, secret)  # type: ignore[arg-type]
    assert SECRET not in str(info.value)


def test_secret_is_not_in_repr() -> None:
    auth = PrintOSHmacAuth(KEY, SECRET)
    assert SECRET not in repr(auth)
    assert KEY in repr(auth)
    assert SECRET not in repr(PrintOSClient(auth=auth))


def test_bearer_token_sets_authorization_and_hides_the_token() -> None:
    auth = BearerTokenAuth("tok-abc")
    request = signed(httpx.Request("GET", "https://h/devices"), auth)
    assert request.headers["Authorization"] == "Bearer tok-abc"
    assert "tok-abc" not in repr(auth)


@pytest.mark.anyio
async def test_secret_never_appears_in_debug_logs_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = PrintOSHmacAuth(KEY, SECRET, clock=lambda: FIXED)
    with respx.mock(base_url="https://printos.api.hp.com") as mock:
        mock.put("/devices/nope/status").respond(404, json={"error": {"message": "no such device"}})
        async with PrintOSClient(auth=auth) as client:
            with pytest.raises(NotFoundError) as info:
                await client.devices.update_status("nope", status="IDLE")
    assert caplog.records, "expected DEBUG records from the SDK"
    assert SECRET not in caplog.text
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)


@pytest.mark.anyio
async def test_each_retry_is_signed_again_with_a_fresh_date() -> None:
    moments = iter([FIXED, FIXED + dt.timedelta(seconds=1)])
    auth = PrintOSHmacAuth(KEY, SECRET, clock=lambda: next(moments))

    async def no_sleep(_: float) -> None:
        return None

    with respx.mock(base_url="https://printos.api.hp.com") as mock:
        route = mock.get("/devices").mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json={"devices": []})]
        )
        async with PrintOSClient(auth=auth, sleep=no_sleep) as client:
            await client.devices.list()
    dates = [call.request.headers["x-hp-hmac-date"] for call in route.calls]
    assert dates == [FIXED_TEXT, "2026-11-24T10:00:01.123Z"]
