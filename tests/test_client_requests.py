"""client.devices: the requests it sends and the models it returns (respx)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from printos_ext import (
    InvalidArgumentError,
    PrintDevice,
    PrintOSClient,
)

BASE = "https://printos.api.hp.com"
DEVICE = {
    "id": "dev-1",
    "model": "HP Indigo 7K",
    "serialNumber": "SN-1",
    "status": "READY",
    "registeredAt": "2026-11-24T10:00:00.000Z",
    "location": "Hall A",
}


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[PrintOSClient]:
    async with PrintOSClient(allow_unauthenticated=True, base_url=BASE, environ={}) as c:
        yield c


@pytest.mark.anyio
async def test_list_sends_get_devices_and_returns_models(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.get("/devices").respond(200, json={"devices": [DEVICE]})
    devices = await client.devices.list()
    request = route.calls.last.request
    assert (request.method, request.url.path, request.url.query) == ("GET", "/devices", b"")
    assert len(devices) == 1
    device = devices[0]
    assert isinstance(device, PrintDevice)
    assert (device.id, device.model, device.serial_number, device.status) == (
        "dev-1",
        "HP Indigo 7K",
        "SN-1",
        "READY",
    )
    assert device.registered_at == dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)
    assert device.additional_properties == {"location": "Hall A"}


@pytest.mark.anyio
async def test_list_of_an_empty_fleet_is_an_empty_list(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").respond(200, json={})
    assert await client.devices.list() == []


@pytest.mark.anyio
async def test_provision_posts_the_camel_case_body(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.post("/devices").respond(201, json=DEVICE)
    device = await client.devices.provision(
        model="HP Indigo 7K", serial_number="SN-1", location="Hall A"
    )
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "model": "HP Indigo 7K",
        "serialNumber": "SN-1",
        "location": "Hall A",
    }
    assert device.id == "dev-1"


@pytest.mark.anyio
async def test_provision_omits_location_when_not_given(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.post("/devices").respond(201, json=DEVICE)
    await client.devices.provision(model="M", serial_number="S")
    assert json.loads(route.calls.last.request.content) == {"model": "M", "serialNumber": "S"}


@pytest.mark.anyio
async def test_update_status_puts_status_and_nested_metrics(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.put("/devices/dev-1/status").respond(200)
    result = await client.devices.update_status(
        "dev-1", status="PRINTING", pages_total=1200, ink_level=42.5
    )
    assert result is None
    assert json.loads(route.calls.last.request.content) == {
        "status": "PRINTING",
        "metrics": {"pagesTotal": 1200, "inkLevel": 42.5},
    }


@pytest.mark.anyio
async def test_update_status_sends_only_what_was_given(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.put("/devices/dev-1/status").respond(200)
    await client.devices.update_status("dev-1", ink_level=0)
    assert json.loads(route.calls.last.request.content) == {"metrics": {"inkLevel": 0}}


@pytest.mark.anyio
async def test_device_id_is_percent_encoded_into_one_path_segment(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.put(url__regex=r".*/status$").respond(200)
    await client.devices.update_status("a/b c?", status="IDLE")
    assert route.calls.last.request.url.raw_path == b"/devices/a%2Fb%20c%3F/status"


@pytest.mark.anyio
async def test_requests_carry_user_agent_and_custom_headers(mock: respx.MockRouter) -> None:
    route = mock.get("/devices").respond(200, json={"devices": []})
    async with PrintOSClient(
        allow_unauthenticated=True, base_url=BASE, headers={"X-Tenant": "acme"}, environ={}
    ) as client:
        await client.devices.list()
    headers = route.calls.last.request.headers
    assert headers["user-agent"].startswith("printos-sdk/")
    assert headers["x-tenant"] == "acme"


@pytest.mark.anyio
async def test_base_url_with_a_path_prefix_is_kept(mock: respx.MockRouter) -> None:
    route = mock.get("https://gw.example/printos/devices").respond(200, json={"devices": []})
    async with PrintOSClient(
        allow_unauthenticated=True, base_url="https://gw.example/printos/", environ={}
    ) as client:
        await client.devices.list()
    assert route.called


@pytest.mark.anyio
async def test_base_url_and_credentials_come_from_the_environment(mock: respx.MockRouter) -> None:
    route = mock.get("https://env.example/devices").respond(200, json={"devices": []})
    environ = {"PRINTOS_BASE_URL": "https://env.example", "PRINTOS_KEY": "k", "PRINTOS_SECRET": "s"}
    async with PrintOSClient(allow_unauthenticated=True, environ=environ) as client:
        await client.devices.list()
    assert route.calls.last.request.headers["x-hp-hmac-authentication"].startswith("k:")


@pytest.mark.anyio
async def test_own_http_client_is_used_and_left_open(mock: respx.MockRouter) -> None:
    route = mock.get("/devices").respond(200, json={"devices": []})
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(request.url.path)

    own = httpx.AsyncClient(event_hooks={"request": [hook]})
    async with PrintOSClient(
        allow_unauthenticated=True, base_url=BASE, http_client=own, environ={}
    ) as client:
        await client.devices.list()
    assert route.called
    assert seen == ["/devices"]
    assert not own.is_closed
    await own.aclose()


@pytest.mark.anyio
async def test_custom_transport_and_event_hooks_are_used() -> None:
    seen: list[int] = []

    async def on_response(response: httpx.Response) -> None:
        seen.append(response.status_code)

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"devices": [DEVICE]}))
    async with PrintOSClient(
        allow_unauthenticated=True,
        base_url=BASE,
        transport=transport,
        event_hooks={"response": [on_response]},
        environ={},
    ) as client:
        devices = await client.devices.list()
    assert [d.id for d in devices] == ["dev-1"]
    assert seen == [200]


def test_configuring_both_http_client_and_transport_is_an_error() -> None:
    with pytest.raises(InvalidArgumentError, match="http_client"):
        PrintOSClient(
            allow_unauthenticated=True,
            http_client=httpx.AsyncClient(),
            transport=httpx.MockTransport(print),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "ftp://x"}, "base_url"),
        ({"base_url": "devices"}, "base_url"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": "30"}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"auth": "key:secret"}, "auth"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
    ],
)
def test_bad_client_configuration_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        PrintOSClient(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "", "serial_number": "S"}, "model must not be empty"),
        ({"model": "M", "serial_number": "  "}, "serial_number must not be empty"),
        ({"model": 5, "serial_number": "S"}, "model must be a str"),
        ({"model": "M", "serial_number": "S", "location": 3}, "location must be a str"),
    ],
)
@pytest.mark.anyio
async def test_provision_arguments_are_checked_before_sending(
    mock: respx.MockRouter, client: PrintOSClient, kwargs: dict[str, object], message: str
) -> None:
    route = mock.post("/devices").respond(201, json=DEVICE)
    with pytest.raises(InvalidArgumentError, match=message):
        await client.devices.provision(**kwargs)  # type: ignore[arg-type]
    assert not route.called


@pytest.mark.parametrize(
    ("device_id", "kwargs", "message"),
    [
        ("", {"status": "IDLE"}, "device_id must not be empty"),
        (7, {"status": "IDLE"}, "device_id must be a str"),
        ("d", {}, "nothing to send: give at least one of status=, pages_total=, ink_level="),
        ("d", {"status": ""}, "status must not be empty"),
        ("d", {"pages_total": -1}, "pages_total must be >= 0"),
        ("d", {"pages_total": True}, "pages_total must be an int"),
        ("d", {"pages_total": 1.5}, "pages_total must be an int"),
        ("d", {"ink_level": 100.5}, "ink_level must be between 0 and 100"),
        ("d", {"ink_level": -0.1}, "ink_level must be between 0 and 100"),
        ("d", {"ink_level": float("nan")}, "ink_level must be between 0 and 100"),
        ("d", {"ink_level": "50"}, "ink_level must be a number"),
    ],
)
@pytest.mark.anyio
async def test_update_status_arguments_are_checked_before_sending(
    mock: respx.MockRouter,
    client: PrintOSClient,
    device_id: object,
    kwargs: dict[str, object],
    message: str,
) -> None:
    route = mock.put(url__regex=r".*/status$").respond(200)
    with pytest.raises(InvalidArgumentError, match=message):
        await client.devices.update_status(device_id, **kwargs)  # type: ignore[arg-type]
    assert not route.called


def test_absent_fields_are_none() -> None:
    assert PrintDevice.from_dict({"id": "x"}).model is None
