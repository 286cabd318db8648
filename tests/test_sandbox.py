"""printos_ext.sandbox in process: the spec's operations, errors, paging, auth and fault knobs.

Requests go through ``httpx.ASGITransport``, so no socket is involved; the socket-level behaviour
(dropped connections, the CLI) is in ``test_sandbox_server.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from printos_ext.sandbox import Faults, Sandbox, SandboxState, create_app

BASE_URL = "http://sandbox"
NOW = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)
NOW_TEXT = "2026-11-24T10:00:00.000Z"
KEY = "sandbox-key"
SECRET = "s3cret-value-never-echoed"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def fixed_clock() -> dt.datetime:
    return NOW


def signed_headers(
    method: str, path: str, *, date: str = NOW_TEXT, key: str = KEY, secret: str = SECRET
) -> dict[str, str]:
    """PrintOS HMAC headers computed here from the definition, not with the SDK's code."""
    message = f"{method} {path}{date}".encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return {
        "x-hp-hmac-date": date,
        "x-hp-hmac-authentication": f"{key}:{signature}",
        "x-hp-hmac-algorithm": "SHA256",
    }


SMS_ERROR_KEYS = {"statusCode", "message", "subCode", "developerInfo", "moreInfoUrl", "serviceName"}


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``smsError`` object of an error response, checked to be HP's shape (plus ``field``,
    and ``existingId`` on a 409 for a duplicate serial number: issue 18)."""
    body = response.json()
    assert set(body) == {"smsError"}
    error: dict[str, Any] = body["smsError"]
    extra = {"existingId"} if response.status_code == 409 else set()
    assert set(error) == SMS_ERROR_KEYS | {"field"} | extra
    assert error["statusCode"] == response.status_code
    return error


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(clock=fixed_clock)


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sandbox)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def secured() -> Sandbox:
    return Sandbox(key=KEY, secret=SECRET, clock=fixed_clock)


@pytest.fixture
async def secured_client(secured: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=secured)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


async def provision(client: httpx.AsyncClient, serial: str, **extra: str) -> dict[str, Any]:
    response = await client.post(
        "/devices", json={"model": "HP Indigo 7K", "serialNumber": serial, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# Operations


@pytest.mark.anyio
async def test_provision_returns_201_with_a_registered_device(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/devices", json={"model": "HP Indigo 7K", "serialNumber": "SN-1", "location": "Hall A"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "model", "serialNumber", "status", "registeredAt", "location"}
    assert re.fullmatch(r"dev-[0-9a-f]{12}", body["id"])
    assert (body["model"], body["serialNumber"], body["location"]) == (
        "HP Indigo 7K",
        "SN-1",
        "Hall A",
    )
    assert body["status"] == "REGISTERED"
    assert body["registeredAt"] == NOW_TEXT


@pytest.mark.anyio
async def test_provision_without_location_omits_it(client: httpx.AsyncClient) -> None:
    body = await provision(client, "SN-1")
    assert "location" not in body
    assert TIMESTAMP.fullmatch(body["registeredAt"])


@pytest.mark.anyio
async def test_list_returns_devices_in_registration_order(client: httpx.AsyncClient) -> None:
    ids = [(await provision(client, f"SN-{n}"))["id"] for n in range(3)]
    response = await client.get("/devices")
    assert response.status_code == 200
    assert [d["id"] for d in response.json()["devices"]] == ids


@pytest.mark.anyio
async def test_list_of_an_empty_sandbox_is_an_empty_array(client: httpx.AsyncClient) -> None:
    response = await client.get("/devices")
    assert response.json() == {"devices": []}


@pytest.mark.anyio
async def test_status_update_answers_200_with_an_empty_body(client: httpx.AsyncClient) -> None:
    device = await provision(client, "SN-1")
    response = await client.put(f"/devices/{device['id']}/status", json={"status": "PRINTING"})
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.anyio
async def test_status_update_is_reflected_in_the_list(client: httpx.AsyncClient) -> None:
    device = await provision(client, "SN-1", location="Hall A")
    await client.put(
        f"/devices/{device['id']}/status",
        json={"status": "PRINTING", "metrics": {"pagesTotal": 10, "inkLevel": 80.5}},
    )
    (listed,) = (await client.get("/devices")).json()["devices"]
    assert listed["status"] == "PRINTING"
    assert listed["metrics"] == {"pagesTotal": 10, "inkLevel": 80.5}
    assert listed["location"] == "Hall A"
    assert listed["statusUpdatedAt"] == NOW_TEXT


@pytest.mark.anyio
async def test_metrics_merge_key_by_key(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    device = await provision(client, "SN-1")
    path = f"/devices/{device['id']}/status"
    await client.put(path, json={"metrics": {"pagesTotal": 10, "inkLevel": 80}})
    await client.put(path, json={"metrics": {"inkLevel": 60}})
    final = sandbox.state.devices[device["id"]]
    assert dict(final.metrics) == {"pagesTotal": 10, "inkLevel": 60}
    assert final.status == "REGISTERED"


@pytest.mark.anyio
async def test_state_exposes_devices_by_id(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    device = await provision(client, "SN-1")
    stored = sandbox.state.devices[device["id"]]
    assert (stored.serial_number, stored.status, stored.registered_at) == (
        "SN-1",
        "REGISTERED",
        NOW,
    )


# Errors


@pytest.mark.anyio
async def test_status_update_of_an_unknown_device_is_404(client: httpx.AsyncClient) -> None:
    response = await client.put("/devices/dev-missing/status", json={"status": "OK"})
    assert response.status_code == 404
    assert error_of(response)["subCode"] == "device_not_found"
    assert "dev-missing" in error_of(response)["message"]


@pytest.mark.anyio
async def test_duplicate_serial_number_is_409(client: httpx.AsyncClient) -> None:
    await provision(client, "SN-1")
    response = await client.post("/devices", json={"model": "Other", "serialNumber": "SN-1"})
    assert response.status_code == 409
    error = error_of(response)
    assert (error["subCode"], error["field"]) == ("duplicate_serial_number", "serialNumber")
    assert "SN-1" in error["message"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"model": ', "malformed_json"),
        (b"", "malformed_json"),
        (b'{"model": NaN}', "malformed_json"),
        (b'{"model": "a", "model": "b"}', "malformed_json"),
        (b"\xff\xfe\x00", "malformed_json"),
        (b'[{"model": "m"}]', "invalid_body"),
        (b'"text"', "invalid_body"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_400(
    client: httpx.AsyncClient, content: bytes, code: str
) -> None:
    response = await client.post(
        "/devices", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["subCode"] == code
    assert error_of(response)["field"] is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"serialNumber": "SN-9"}, "model", "missing_field"),
        ({"model": "m"}, "serialNumber", "missing_field"),
        ({"model": 5, "serialNumber": "SN-9"}, "model", "invalid_type"),
        ({"model": "  ", "serialNumber": "SN-9"}, "model", "invalid_value"),
        ({"model": "m", "serialNumber": None}, "serialNumber", "invalid_type"),
        ({"model": "m", "serialNumber": ""}, "serialNumber", "invalid_value"),
        ({"model": "m", "serialNumber": "SN-9", "location": 3}, "location", "invalid_type"),
    ],
)
async def test_a_bad_provision_field_is_422_naming_it(
    client: httpx.AsyncClient, body: dict[str, Any], field: str, code: str
) -> None:
    response = await client.post("/devices", json=body)
    assert response.status_code == 422
    error = error_of(response)
    assert (error["field"], error["subCode"]) == (field, code)
    assert field in error["message"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"status": ""}, "status", "invalid_value"),
        ({"status": 1}, "status", "invalid_type"),
        ({"status": None}, "status", "invalid_type"),
        ({"metrics": [1]}, "metrics", "invalid_type"),
        ({"metrics": {"pagesTotal": True}}, "metrics.pagesTotal", "invalid_type"),
        ({"metrics": {"pagesTotal": "5"}}, "metrics.pagesTotal", "invalid_type"),
        ({"metrics": {"pagesTotal": 1.5}}, "metrics.pagesTotal", "invalid_type"),
        ({"metrics": {"pagesTotal": -1}}, "metrics.pagesTotal", "invalid_value"),
        ({"metrics": {"inkLevel": 101}}, "metrics.inkLevel", "invalid_value"),
        ({"metrics": {"inkLevel": -0.5}}, "metrics.inkLevel", "invalid_value"),
        ({"metrics": {"inkLevel": "50"}}, "metrics.inkLevel", "invalid_type"),
        ({"metrics": {"inkLevel": False}}, "metrics.inkLevel", "invalid_type"),
    ],
)
async def test_a_bad_status_update_field_is_422_naming_it(
    client: httpx.AsyncClient, body: dict[str, Any], field: str, code: str
) -> None:
    device = await provision(client, "SN-1")
    response = await client.put(f"/devices/{device['id']}/status", json=body)
    assert response.status_code == 422
    error = error_of(response)
    assert (error["field"], error["subCode"]) == (field, code)


@pytest.mark.anyio
async def test_rejected_update_leaves_the_device_unchanged(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    device = await provision(client, "SN-1")
    await client.put(
        f"/devices/{device['id']}/status", json={"status": "X", "metrics": {"inkLevel": 500}}
    )
    assert sandbox.state.devices[device["id"]].status == "REGISTERED"


@pytest.mark.anyio
async def test_integral_float_page_count_is_accepted_as_an_integer(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    device = await provision(client, "SN-1")
    response = await client.put(
        f"/devices/{device['id']}/status", json={"metrics": {"pagesTotal": 5.0}}
    )
    assert response.status_code == 200
    assert sandbox.state.devices[device["id"]].metrics["pagesTotal"] == 5


@pytest.mark.anyio
async def test_unknown_route_is_404_in_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/printers")
    assert response.status_code == 404
    assert error_of(response)["subCode"] == "not_found"


@pytest.mark.anyio
async def test_trailing_slash_is_not_redirected(client: httpx.AsyncClient) -> None:
    response = await client.get("/devices/")
    assert response.status_code == 404


@pytest.mark.anyio
async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/devices")
    assert response.status_code == 405
    assert error_of(response)["subCode"] == "method_not_allowed"
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "POST"}


@pytest.mark.anyio
async def test_get_on_the_status_route_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/devices/dev-1/status")
    assert response.status_code == 405


@pytest.mark.anyio
async def test_every_response_carries_a_unique_request_id(client: httpx.AsyncClient) -> None:
    responses = [
        await client.post("/devices", json={"model": "m", "serialNumber": "SN-1"}),
        await client.get("/devices"),
        await client.post("/devices", content=b"{"),
        await client.get("/nowhere"),
    ]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(ids)
    assert len(set(ids)) == len(ids)


# Paging


@pytest.mark.anyio
async def test_limit_returns_a_slice_and_a_next_link(client: httpx.AsyncClient) -> None:
    ids = [(await provision(client, f"SN-{n}"))["id"] for n in range(5)]
    response = await client.get("/devices", params={"limit": 2})
    assert [d["id"] for d in response.json()["devices"]] == ids[:2]
    assert response.headers["link"] == '</devices?limit=2&offset=2>; rel="next"'


@pytest.mark.anyio
async def test_following_next_links_visits_every_device_once(client: httpx.AsyncClient) -> None:
    ids = [(await provision(client, f"SN-{n}"))["id"] for n in range(5)]
    seen: list[str] = []
    url: str | None = "/devices?limit=2&offset=0"
    while url is not None:
        response = await client.get(url)
        seen += [d["id"] for d in response.json()["devices"]]
        url = response.links.get("next", {}).get("url")
    assert seen == ids


@pytest.mark.anyio
async def test_last_page_has_no_link(client: httpx.AsyncClient) -> None:
    for n in range(4):
        await provision(client, f"SN-{n}")
    response = await client.get("/devices", params={"limit": 2, "offset": 2})
    assert len(response.json()["devices"]) == 2
    assert "link" not in response.headers


@pytest.mark.anyio
async def test_offset_past_the_end_is_an_empty_page(client: httpx.AsyncClient) -> None:
    await provision(client, "SN-1")
    response = await client.get("/devices", params={"limit": 10, "offset": 5})
    assert response.status_code == 200
    assert response.json() == {"devices": []}
    assert "link" not in response.headers


@pytest.mark.anyio
async def test_without_paging_params_everything_is_returned_without_link(
    client: httpx.AsyncClient,
) -> None:
    for n in range(3):
        await provision(client, f"SN-{n}")
    response = await client.get("/devices")
    assert len(response.json()["devices"]) == 3
    assert "link" not in response.headers


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=abc", "limit"),
        ("limit=", "limit"),
        ("limit=+5", "limit"),
        ("limit=1&limit=2", "limit"),
        ("offset=-1", "offset"),
        ("limit=5&offset=x", "offset"),
    ],
)
async def test_invalid_paging_parameter_is_400_naming_it(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/devices?{query}")
    assert response.status_code == 400
    error = error_of(response)
    assert (error["subCode"], error["field"]) == ("invalid_query_parameter", field)


# Authentication


@pytest.mark.anyio
async def test_correct_signature_is_accepted(secured_client: httpx.AsyncClient) -> None:
    response = await secured_client.post(
        "/devices",
        json={"model": "m", "serialNumber": "SN-1"},
        headers=signed_headers("POST", "/devices"),
    )
    assert response.status_code == 201


@pytest.mark.anyio
async def test_query_string_is_not_part_of_the_signature(secured_client: httpx.AsyncClient) -> None:
    response = await secured_client.get(
        "/devices", params={"limit": 1}, headers=signed_headers("GET", "/devices")
    )
    assert response.status_code == 200


@pytest.mark.anyio
async def test_wrong_signature_is_400_not_authorized_without_echoing_the_secret(
    secured_client: httpx.AsyncClient,
) -> None:
    response = await secured_client.get(
        "/devices", headers=signed_headers("GET", "/devices", secret="wrong")
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["message"], error["subCode"]) == ("Not Authorized", "invalid_signature")
    assert "GET /devices" in error["developerInfo"]
    assert SECRET not in response.text


@pytest.mark.anyio
async def test_signature_for_another_method_is_not_authorized(
    secured_client: httpx.AsyncClient,
) -> None:
    response = await secured_client.get("/devices", headers=signed_headers("POST", "/devices"))
    assert response.status_code == 400
    assert error_of(response)["message"] == "Not Authorized"


@pytest.mark.anyio
async def test_missing_auth_headers_are_not_authorized(secured_client: httpx.AsyncClient) -> None:
    response = await secured_client.get("/devices")
    assert response.status_code == 400
    error = error_of(response)
    assert (error["message"], error["subCode"]) == ("Not Authorized", "missing_credentials")
    assert "x-hp-hmac-date" in error["developerInfo"]
    assert "x-hp-hmac-algorithm" not in error["developerInfo"]  # optional


@pytest.mark.anyio
async def test_unknown_key_is_not_authorized(secured_client: httpx.AsyncClient) -> None:
    headers = signed_headers("GET", "/devices", key="someone-else")
    response = await secured_client.get("/devices", headers=headers)
    assert response.status_code == 400
    assert error_of(response)["subCode"] == "unknown_key"


@pytest.mark.anyio
async def test_unsupported_algorithm_is_not_authorized(secured_client: httpx.AsyncClient) -> None:
    headers = signed_headers("GET", "/devices") | {"x-hp-hmac-algorithm": "MD5"}
    response = await secured_client.get("/devices", headers=headers)
    assert response.status_code == 400
    assert error_of(response)["subCode"] == "unsupported_algorithm"


@pytest.mark.anyio
@pytest.mark.parametrize("date", ["2026-11-24T09:54:59.000Z", "2026-11-24T10:05:01.000Z"])
async def test_date_beyond_the_allowed_skew_is_not_authorized(
    secured_client: httpx.AsyncClient, date: str
) -> None:
    response = await secured_client.get(
        "/devices", headers=signed_headers("GET", "/devices", date=date)
    )
    assert response.status_code == 400
    assert error_of(response)["subCode"] == "stale_date"


@pytest.mark.anyio
async def test_date_within_the_allowed_skew_is_accepted(secured_client: httpx.AsyncClient) -> None:
    headers = signed_headers("GET", "/devices", date="2026-11-24T09:55:01.000Z")
    response = await secured_client.get("/devices", headers=headers)
    assert response.status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize(
    "date",
    [
        "Tue, 24 Nov 2026 10:00:00 GMT",
        "2026-13-24T10:00:00.000Z",
        "2026-11-24T10:00:00.0Z",
        "2026-11-24T10:00:00+00:00",
    ],
)
async def test_unparsable_date_is_not_authorized(
    secured_client: httpx.AsyncClient, date: str
) -> None:
    response = await secured_client.get(
        "/devices", headers=signed_headers("GET", "/devices", date=date)
    )
    assert response.status_code == 400
    assert error_of(response)["subCode"] == "invalid_date"


@pytest.mark.anyio
async def test_percent_encoded_device_id_is_signed_over_the_raw_path(
    secured: Sandbox, secured_client: httpx.AsyncClient
) -> None:
    secured.state.provision(model="m", serial_number="SN-1", device_id="line 1/A")
    raw_path = "/devices/line%201%2FA/status"
    response = await secured_client.put(
        raw_path, json={"status": "READY"}, headers=signed_headers("PUT", raw_path)
    )
    assert response.status_code == 200
    assert secured.state.devices["line 1/A"].status == "READY"


@pytest.mark.anyio
async def test_signature_over_the_decoded_path_is_not_authorized(
    secured: Sandbox, secured_client: httpx.AsyncClient
) -> None:
    secured.state.provision(model="m", serial_number="SN-1", device_id="line 1/A")
    response = await secured_client.put(
        "/devices/line%201%2FA/status",
        json={"status": "READY"},
        headers=signed_headers("PUT", "/devices/line 1/A/status"),
    )
    assert response.status_code == 400


@pytest.mark.anyio
async def test_auth_failures_carry_a_request_id(secured_client: httpx.AsyncClient) -> None:
    response = await secured_client.get("/devices")
    assert response.headers["x-request-id"]


def test_key_without_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="both key and secret"):
        Sandbox(key=KEY)


# Fault injection


@pytest.mark.anyio
async def test_latency_waits_through_the_sleep_function() -> None:
    sleep = RecordingSleep()
    sandbox = Sandbox(faults=Faults(latency=0.25), sleep=sleep)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url=BASE_URL
    ) as c:
        response = await c.get("/devices")
    assert response.status_code == 200
    assert sleep.calls == [0.25]


@pytest.mark.anyio
async def test_no_latency_means_no_sleep() -> None:
    sleep = RecordingSleep()
    sandbox = Sandbox(sleep=sleep)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url=BASE_URL
    ) as c:
        await c.get("/devices")
    assert sleep.calls == []


@pytest.mark.anyio
async def test_fail_next_answers_503_then_recovers(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.fail_next(2)
    first = await client.post("/devices", json={"model": "m", "serialNumber": "SN-1"})
    second = await client.get("/devices")
    third = await client.get("/devices")
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert error_of(first)["subCode"] == "service_unavailable"
    assert sandbox.state.devices == {}


@pytest.mark.anyio
async def test_fail_next_uses_the_given_status(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.fail_next(1, status=500)
    response = await client.get("/devices")
    assert response.status_code == 500
    assert error_of(response)["subCode"] == "internal_error"


@pytest.mark.anyio
async def test_rate_limit_burst_answers_429_with_retry_after_then_recovers(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.rate_limit_burst(2, retry_after=3)
    responses = [await client.get("/devices") for _ in range(3)]
    assert [r.status_code for r in responses] == [429, 429, 200]
    assert [r.headers.get("retry-after") for r in responses] == ["3", "3", None]
    assert error_of(responses[0])["subCode"] == "rate_limited"


@pytest.mark.anyio
async def test_rate_limit_retry_after_can_be_an_http_date(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.rate_limit_burst(
        1, retry_after=dt.datetime(2026, 11, 24, 10, 0, 5, tzinfo=dt.UTC)
    )
    response = await client.get("/devices")
    assert response.headers["retry-after"] == "Tue, 24 Nov 2026 10:00:05 GMT"


@pytest.mark.anyio
async def test_error_rate_one_fails_every_request(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.error_rate = 1.0
    statuses = [(await client.get("/devices")).status_code for _ in range(5)]
    assert statuses == [503] * 5


@pytest.mark.anyio
async def test_error_rate_uses_the_configured_status(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.error_rate = 1.0
    sandbox.faults.error_status = 502
    assert (await client.get("/devices")).status_code == 502


@pytest.mark.anyio
async def test_scripted_faults_are_consumed_in_call_order(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.rate_limit_burst(1)
    sandbox.faults.fail_next(1)
    statuses = [(await client.get("/devices")).status_code for _ in range(3)]
    assert statuses == [429, 503, 200]
    assert sandbox.faults.pending == 0


@pytest.mark.anyio
async def test_faults_apply_before_authentication(
    secured: Sandbox, secured_client: httpx.AsyncClient
) -> None:
    secured.faults.fail_next(1)
    assert (await secured_client.get("/devices")).status_code == 503


@pytest.mark.anyio
async def test_drop_next_raises_a_transport_error_in_process(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.drop_next(1)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get("/devices")
    assert (await client.get("/devices")).status_code == 200


@pytest.mark.anyio
async def test_drop_after_processing_applies_the_request(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.drop_next(1, after_processing=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/devices", json={"model": "m", "serialNumber": "SN-1"})
    assert [d.serial_number for d in sandbox.state.devices.values()] == ["SN-1"]


@pytest.mark.anyio
async def test_request_counts_group_by_route_and_status(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    device = await provision(client, "SN-1")
    await client.put(f"/devices/{device['id']}/status", json={"status": "OK"})
    sandbox.faults.fail_next(1)
    await client.put(f"/devices/{device['id']}/status", json={"status": "OK"})
    sandbox.faults.drop_next(1)
    with pytest.raises(httpx.TransportError):
        await client.get("/devices")
    assert sandbox.state.request_counts == {
        ("POST /devices", 201): 1,
        ("PUT /devices/{deviceId}/status", 200): 1,
        ("PUT /devices/{deviceId}/status", 503): 1,
        ("GET /devices", None): 1,
    }
    assert sandbox.state.count("PUT /devices/{deviceId}/status") == 2


@pytest.mark.anyio
async def test_drop_rate_one_drops_every_request(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.drop_rate = 1.0
    for _ in range(3):
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/devices")


def test_seeded_error_rate_is_reproducible() -> None:
    def pattern() -> list[bool]:
        faults = Faults(error_rate=0.5, seed=1234)
        return [faults.next_fault() is None for _ in range(32)]

    first = pattern()
    assert first == pattern()
    assert True in first
    assert False in first


def test_reset_turns_every_fault_off() -> None:
    faults = Faults(latency=1.0, error_rate=1.0, drop_rate=0.5)
    faults.fail_next(3)
    faults.reset()
    assert (faults.latency, faults.error_rate, faults.drop_rate, faults.pending) == (0, 0, 0, 0)
    assert faults.next_fault() is None


@pytest.mark.parametrize(
    ("knob", "value"),
    [("error_rate", 1.5), ("drop_rate", -0.1), ("latency", -1.0), ("error_status", 200)],
)
def test_invalid_fault_knob_is_refused(knob: str, value: float) -> None:
    with pytest.raises(ValueError, match=knob.split("_")[0]):
        setattr(Faults(), knob, value)


@pytest.mark.anyio
async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    padding = "x" * (1024 * 1024)
    response = await client.post(
        "/devices", json={"model": "m", "serialNumber": "SN-1", "location": padding}
    )
    assert response.status_code == 413
    assert error_of(response)["subCode"] == "body_too_large"


@pytest.mark.anyio
async def test_create_app_serves_the_state_it_is_given() -> None:
    state = SandboxState()
    state.provision(model="m", serial_number="SN-1", device_id="dev-preloaded")
    app = create_app(state=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as c:
        response = await c.get("/devices")
    assert [d["id"] for d in response.json()["devices"]] == ["dev-preloaded"]
    assert app.state.sandbox.state is state


def test_state_reset_forgets_devices_and_requests() -> None:
    state = SandboxState()
    state.provision(model="m", serial_number="SN-1")
    state.reset()
    assert (state.devices, state.requests) == ({}, [])


def test_seeded_state_generates_the_same_ids() -> None:
    def ids() -> list[str]:
        state = SandboxState(seed=7)
        return [state.provision(model="m", serial_number=f"SN-{n}").id for n in range(3)]

    assert ids() == ids()


def test_importing_printos_ext_does_not_import_the_server_stack() -> None:
    code = (
        "import sys, printos_ext, printos_ext.auth; "
        "assert not {'starlette', 'uvicorn'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
