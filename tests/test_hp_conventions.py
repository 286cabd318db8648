"""The SDK and the sandbox speak PrintOS as HP's services do (issue 12).

* HMAC signs the path relative to the service base URL (``/printbeat`` is not signed); every
  expected signature here is computed in the test from HP's definition with :mod:`hmac`.
* The sandbox accepts what HP accepts (dates without milliseconds, no algorithm header: a request
  built exactly as HP's Python samples build it) and answers errors as HP does (``smsError``;
  a rejected signature is 400 "Not Authorized").
* ``StatusReporter`` keeps to HP's status cadence by default.
* Configuration mistakes are :class:`InvalidArgumentError`, never a traceback from below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from printos_ext import InvalidArgumentError, PrintOSClient, PrintOSHmacAuth, StatusReporter
from printos_ext.auth import signed_path
from printos_ext.sandbox import Sandbox, SandboxServer, serve_sandbox

KEY, SECRET = "hp-key-1", "hp-secret-1"
NOW = dt.datetime(2026, 11, 24, 10, 0, 0, 123_000, tzinfo=dt.UTC)
NOW_TEXT = "2026-11-24T10:00:00.123Z"
PRINTBEAT = "https://printos.api.hp.com/printbeat"


def expected_signature(method: str, path: str, date: str, secret: str = SECRET) -> str:
    """HP's definition: hex HMAC-SHA256 of "{METHOD} {path}{date}" keyed with the secret."""
    return hmac.new(secret.encode(), f"{method} {path}{date}".encode(), hashlib.sha256).hexdigest()


class Recorder:
    """A transport answering every request with ``answer``, keeping the requests it saw."""

    def __init__(self, answer: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            return self.answer
        return httpx.Response(200, json={"devices": []})


def pinned_auth(**kwargs: Any) -> PrintOSHmacAuth:
    return PrintOSHmacAuth(KEY, SECRET, clock=lambda: NOW, **kwargs)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def printbeat(recorder: Recorder) -> AsyncIterator[PrintOSClient]:
    async with PrintOSClient(
        base_url=PRINTBEAT,
        auth=pinned_auth(),
        transport=httpx.MockTransport(recorder),
        environ={},
        max_retries=0,
    ) as client:
        yield client


# HMAC relative to the service base URL


@pytest.mark.anyio
async def test_a_prefixed_base_url_signs_the_path_relative_to_it(
    printbeat: PrintOSClient, recorder: Recorder
) -> None:
    await printbeat.devices.list()
    (request,) = recorder.requests
    assert request.url.path == "/printbeat/devices"  # requested under the prefix...
    signature = expected_signature("GET", "/devices", NOW_TEXT)  # ...signed without it
    assert request.headers["x-hp-hmac-authentication"] == f"{KEY}:{signature}"
    assert request.headers["x-hp-hmac-date"] == NOW_TEXT
    assert request.headers["x-hp-hmac-algorithm"] == "SHA256"


@pytest.mark.anyio
async def test_the_hmac_vector_for_a_prefixed_base_url(recorder: Recorder) -> None:
    # One fixed vector, spelled out: the value any PrintOS implementation must produce.
    auth = PrintOSHmacAuth(
        "key", "secret", clock=lambda: dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    )
    async with PrintOSClient(
        base_url="https://printos.api.hp.com/printbeat/",
        auth=auth,
        transport=httpx.MockTransport(recorder),
        environ={},
    ) as client:
        await client.devices.list()
    message = b"GET /devices2026-01-02T03:04:05.000Z"
    digest = hmac.new(b"secret", message, hashlib.sha256).hexdigest()
    assert recorder.requests[0].headers["x-hp-hmac-authentication"] == f"key:{digest}"


@pytest.mark.anyio
async def test_under_a_prefix_the_query_stays_unsigned(
    printbeat: PrintOSClient, recorder: Recorder
) -> None:
    [device async for device in printbeat.devices.iter(page_size=5)]
    (request,) = recorder.requests
    assert request.url.query == b"limit=5&offset=0"
    signature = expected_signature("GET", "/devices", NOW_TEXT)
    assert request.headers["x-hp-hmac-authentication"] == f"{KEY}:{signature}"


@pytest.mark.anyio
async def test_under_a_prefix_an_encoded_id_is_signed_as_sent(recorder: Recorder) -> None:
    recorder.answer = httpx.Response(200)
    async with PrintOSClient(
        base_url=PRINTBEAT, auth=pinned_auth(), transport=httpx.MockTransport(recorder), environ={}
    ) as client:
        await client.devices.update_status("bay 3/A", status="IDLE")
    (request,) = recorder.requests
    assert request.url.raw_path == b"/printbeat/devices/bay%203%2FA/status"
    signature = expected_signature("PUT", "/devices/bay%203%2FA/status", NOW_TEXT)
    assert request.headers["x-hp-hmac-authentication"] == f"{KEY}:{signature}"


@pytest.mark.anyio
async def test_a_base_url_without_a_path_signs_the_whole_path(recorder: Recorder) -> None:
    async with PrintOSClient(
        base_url="https://printos.api.hp.com",
        auth=pinned_auth(),
        transport=httpx.MockTransport(recorder),
        environ={},
    ) as client:
        await client.devices.list()
    signature = expected_signature("GET", "/devices", NOW_TEXT)
    assert recorder.requests[0].headers["x-hp-hmac-authentication"] == f"{KEY}:{signature}"


@pytest.mark.anyio
async def test_the_auth_alone_signs_relative_to_its_own_base_url(recorder: Recorder) -> None:
    # For a plain httpx client, which cannot tell the auth where the service starts.
    async with httpx.AsyncClient(
        base_url=PRINTBEAT,
        auth=pinned_auth(base_url=PRINTBEAT),
        transport=httpx.MockTransport(recorder),
    ) as client:
        await client.get("/externalApi/v1/RealTimeData", params={"devices": "a"})
    (request,) = recorder.requests
    assert request.url.path == "/printbeat/externalApi/v1/RealTimeData"
    signature = expected_signature("GET", "/externalApi/v1/RealTimeData", NOW_TEXT)
    assert request.headers["x-hp-hmac-authentication"] == f"{KEY}:{signature}"


@pytest.mark.parametrize(
    ("wire_path", "base_path", "signed"),
    [
        ("/printbeat/devices", "/printbeat", "/devices"),
        ("/printbeat/devices", "/printbeat/", "/devices"),
        ("/printbeat", "/printbeat", "/"),
        ("/printbeatx/devices", "/printbeat", "/printbeatx/devices"),  # not under the prefix
        ("/siteflow/devices", "/printbeat", "/siteflow/devices"),
        ("/devices", "", "/devices"),
        ("/a/b/devices", "/a/b", "/devices"),
    ],
)
def test_signed_path_is_relative_to_the_base_path_only_when_under_it(
    wire_path: str, base_path: str, signed: str
) -> None:
    assert signed_path(wire_path, base_path) == signed


def test_an_invalid_base_url_for_the_auth_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        PrintOSHmacAuth(KEY, SECRET, base_url="http://[::1")


# The SDK against a sandbox mounted under a service prefix


@pytest.mark.anyio
async def test_the_sdk_works_against_a_sandbox_mounted_under_a_prefix() -> None:
    sandbox = Sandbox(key=KEY, secret=SECRET)
    app = Starlette(routes=[Mount("/printbeat", app=sandbox)])
    async with PrintOSClient(
        base_url="http://sandbox.test/printbeat",
        auth=PrintOSHmacAuth(KEY, SECRET),
        transport=httpx.ASGITransport(app=app),
        environ={},
    ) as client:
        for serial in ("SN-1", "SN-2", "SN-3"):
            await client.devices.provision(model="HP Indigo 7K", serial_number=serial)
        devices = [device async for device in client.devices.iter(page_size=2)]
        await client.devices.update_status(str(devices[0].id), status="PRINTING")
    assert [d.serial_number for d in devices] == ["SN-1", "SN-2", "SN-3"]
    routes = [(r.route, r.status) for r in sandbox.state.requests]
    assert routes == [
        ("POST /devices", 201),
        ("POST /devices", 201),
        ("POST /devices", 201),
        ("GET /devices", 200),
        ("GET /devices", 200),  # the next link, under the prefix, signed relative to it
        ("PUT /devices/{deviceId}/status", 200),
    ]


@pytest.mark.anyio
async def test_a_mounted_sandbox_refuses_a_signature_over_the_prefixed_path() -> None:
    sandbox = Sandbox(key=KEY, secret=SECRET)
    app = Starlette(routes=[Mount("/printbeat", app=sandbox)])
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = expected_signature("GET", "/printbeat/devices", date)
    headers = {"x-hp-hmac-date": date, "x-hp-hmac-authentication": f"{KEY}:{signature}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        response = await client.get("http://sandbox.test/printbeat/devices", headers=headers)
    assert response.status_code == 400
    assert response.json()["smsError"]["message"] == "Not Authorized"


# The sandbox accepts what HP accepts, and answers as HP does


@pytest.fixture(scope="module")
def secured_server() -> Iterator[SandboxServer]:
    with serve_sandbox(key=KEY, secret=SECRET) as server:
        yield server


def hp_python_sample_headers(method: str, path: str) -> dict[str, str]:
    """Built exactly as HP's public Python samples build them: second precision, no
    milliseconds, ``method + ' ' + path + timestamp``, and a JSON content type on every call."""
    timestamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    string_to_sign = method + " " + path + timestamp
    signature = hmac.new(
        SECRET.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return {
        "content-type": "application/json",
        "x-hp-hmac-authentication": KEY + ":" + signature,
        "x-hp-hmac-date": timestamp,
        "x-hp-hmac-algorithm": "SHA256",
    }


def test_a_request_signed_as_hps_python_samples_sign_is_accepted(
    secured_server: SandboxServer,
) -> None:
    secured_server.state.reset()
    body = json.dumps({"model": "HP Latex 800", "serialNumber": "SN-HP-1"})
    with httpx.Client(base_url=secured_server.url) as client:
        created = client.post(
            "/devices", content=body, headers=hp_python_sample_headers("POST", "/devices")
        )
        listed = client.get("/devices", headers=hp_python_sample_headers("GET", "/devices"))
    assert created.status_code == 201, created.text
    assert listed.status_code == 200, listed.text
    assert [d["serialNumber"] for d in listed.json()["devices"]] == ["SN-HP-1"]


def test_the_algorithm_header_is_optional(secured_server: SandboxServer) -> None:
    headers = hp_python_sample_headers("GET", "/devices")
    del headers["x-hp-hmac-algorithm"]  # as HP's PHP and Ruby samples send it
    response = httpx.get(f"{secured_server.url}/devices", headers=headers)
    assert response.status_code == 200, response.text


def test_a_rejected_signature_is_400_not_authorized_in_an_sms_error(
    secured_server: SandboxServer,
) -> None:
    headers = hp_python_sample_headers("GET", "/devices")
    headers["x-hp-hmac-authentication"] = f"{KEY}:{'0' * 64}"
    response = httpx.get(f"{secured_server.url}/devices", headers=headers)
    assert response.status_code == 400
    error = response.json()["smsError"]
    assert error["statusCode"] == 400
    assert error["message"] == "Not Authorized"
    assert error["subCode"] == "invalid_signature"
    assert "www-authenticate" not in response.headers


def test_other_sandbox_errors_come_in_the_sms_error_shape(secured_server: SandboxServer) -> None:
    path = "/devices/dev-missing/status"
    response = httpx.put(
        f"{secured_server.url}{path}",
        content=b'{"status": "IDLE"}',
        headers=hp_python_sample_headers("PUT", path),
    )
    assert response.status_code == 404
    assert set(response.json()) == {"smsError"}
    error = response.json()["smsError"]
    assert {k: error[k] for k in ("statusCode", "subCode", "field", "moreInfoUrl")} == {
        "statusCode": 404,
        "subCode": "device_not_found",
        "field": None,
        "moreInfoUrl": None,
    }
    assert "dev-missing" in error["message"]
    assert error["serviceName"]


# StatusReporter cadence


@pytest.mark.anyio
async def test_the_reporter_sends_a_device_at_most_once_a_minute_by_default() -> None:
    sent: list[float] = []
    now = [0.0]
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(now[0])
        return httpx.Response(200)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        await anyio.lowlevel.checkpoint()

    async with PrintOSClient(
        allow_unauthenticated=True,
        base_url="http://sdk.test",
        transport=httpx.MockTransport(handler),
        environ={},
    ) as client:
        with anyio.fail_after(10):
            async with StatusReporter(client, clock=lambda: now[0], sleep=sleep) as reporter:
                reporter.report("dev-1", status="IDLE")
                for _ in range(100):
                    await anyio.lowlevel.checkpoint()
                reporter.report("dev-1", status="PRINTING")
                while len(sent) < 2:
                    await anyio.lowlevel.checkpoint()
    assert sent == [0.0, 60.0]


# Configuration mistakes are typed errors


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PRINTOS_KEY": "k"}, "PRINTOS_KEY is set but PRINTOS_SECRET is not"),
        ({"PRINTOS_SECRET": "s"}, "PRINTOS_SECRET is set but PRINTOS_KEY is not"),
        ({"PRINTOS_KEY": "k", "PRINTOS_SECRET": ""}, "PRINTOS_SECRET is not"),
    ],
)
def test_half_of_the_credentials_in_the_environment_is_a_configuration_error(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        PrintOSClient(allow_unauthenticated=True, environ=environ)


def test_no_credentials_in_the_environment_means_no_auth() -> None:
    assert PrintOSClient(allow_unauthenticated=True, environ={}).auth is None


@pytest.mark.parametrize("key", ["clé", "key with space", "key\n", "k\x00"])
def test_a_key_that_cannot_go_in_a_header_is_an_invalid_argument(key: str) -> None:
    with pytest.raises(InvalidArgumentError, match="key must be printable ASCII"):
        PrintOSHmacAuth(key, SECRET)


def test_a_non_ascii_key_from_the_environment_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="printable ASCII"):
        PrintOSClient(
            allow_unauthenticated=True, environ={"PRINTOS_KEY": "clé", "PRINTOS_SECRET": "s"}
        )


@pytest.mark.parametrize("base_url", ["http://[::1", "http://host:port", "http://h:99999"])
def test_an_unparseable_base_url_is_an_invalid_argument(base_url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        PrintOSClient(base_url=base_url, environ={})


@pytest.mark.anyio
async def test_an_id_too_long_for_a_url_is_an_invalid_argument(recorder: Recorder) -> None:
    async with PrintOSClient(
        allow_unauthenticated=True,
        base_url="http://sdk.test",
        transport=httpx.MockTransport(recorder),
        environ={},
    ) as client:
        with pytest.raises(InvalidArgumentError, match="100016-character path"):
            await client.devices.update_status("x" * 100_000, status="IDLE")
    assert recorder.requests == []
