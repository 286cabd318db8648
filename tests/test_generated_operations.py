"""The generated client on its own: each operation's request and parsed response (respx).

These pin what the generator produces from the spec, independently of printos_ext.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from http import HTTPStatus

import httpx
import pytest
import respx

from printos_api_client import Client
from printos_api_client.api.devices import list_devices, provision_device, update_device_status
from printos_api_client.models import (
    DeviceProvisionRequest,
    DeviceStatusUpdate,
    DeviceStatusUpdateMetrics,
    PrintDevice,
    PrintDeviceList,
    SmsError,
)

BASE = "https://printos.api.hp.com"


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with Client(base_url=BASE) as c:
        yield c


@pytest.mark.anyio
async def test_list_devices_parses_nested_models_and_datetimes(
    mock: respx.MockRouter, client: Client
) -> None:
    route = mock.get("/devices").respond(
        200,
        json={
            "devices": [
                {
                    "id": "d1",
                    "model": "HP Indigo 7K",
                    "serialNumber": "SN1",
                    "status": "READY",
                    "registeredAt": "2026-11-24T10:00:00.250+02:00",
                    "firmware": "4.2",
                }
            ]
        },
    )
    response = await list_devices.asyncio_detailed(client=client)
    assert route.calls.last.request.method == "GET"
    assert response.status_code == HTTPStatus.OK
    parsed = response.parsed
    assert isinstance(parsed, PrintDeviceList)
    assert isinstance(parsed.devices, list)
    device = parsed.devices[0]
    assert isinstance(device, PrintDevice)
    assert device.serial_number == "SN1"
    assert device.registered_at == dt.datetime(2026, 11, 24, 8, 0, 0, 250000, tzinfo=dt.UTC)
    assert device.additional_properties == {"firmware": "4.2"}


@pytest.mark.anyio
async def test_provision_device_posts_the_body_and_parses_201(
    mock: respx.MockRouter, client: Client
) -> None:
    route = mock.post("/devices").respond(201, json={"id": "d9", "serialNumber": "SN9"})
    body = DeviceProvisionRequest(model="M", serial_number="SN9", location="Hall C")
    device = await provision_device.asyncio(client=client, body=body)
    request = route.calls.last.request
    assert (request.method, request.url.path) == ("POST", "/devices")
    assert json.loads(request.content) == {
        "model": "M",
        "serialNumber": "SN9",
        "location": "Hall C",
    }
    assert isinstance(device, PrintDevice)
    assert device.id == "d9"
    assert device.model is None


@pytest.mark.anyio
async def test_update_device_status_puts_metrics_and_accepts_an_empty_200(
    mock: respx.MockRouter, client: Client
) -> None:
    route = mock.put("/devices/d%2F1/status").respond(200)
    body = DeviceStatusUpdate(
        status="PRINTING", metrics=DeviceStatusUpdateMetrics(pages_total=10, ink_level=55.5)
    )
    response = await update_device_status.asyncio_detailed("d/1", client=client, body=body)
    request = route.calls.last.request
    assert request.method == "PUT"
    assert json.loads(request.content) == {
        "status": "PRINTING",
        "metrics": {"pagesTotal": 10, "inkLevel": 55.5},
    }
    assert response.status_code == HTTPStatus.OK
    assert response.parsed is None
    assert response.content == b""


@pytest.mark.anyio
async def test_undocumented_status_is_returned_unparsed(
    mock: respx.MockRouter, client: Client
) -> None:
    # The effective spec documents 4xx errors and every 5XX; a teapot is none of them.
    mock.get("/devices").respond(418, text="teapot")
    response = await list_devices.asyncio_detailed(client=client)
    assert response.status_code == 418
    assert response.parsed is None


@pytest.mark.anyio
async def test_a_documented_error_status_is_parsed_as_sms_error(
    mock: respx.MockRouter, client: Client
) -> None:
    body = {"smsError": {"statusCode": 503, "message": "down", "subCode": None}}
    mock.get("/devices").respond(503, json=body)
    response = await list_devices.asyncio_detailed(client=client)
    assert isinstance(response.parsed, SmsError)
    assert response.parsed.sms_error.message == "down"
    assert response.parsed.sms_error.status_code == 503


def test_generated_functions_exist_for_every_operation() -> None:
    for module in (list_devices, provision_device, update_device_status):
        for name in ("sync_detailed", "asyncio_detailed"):
            assert callable(getattr(module, name, None)), f"{module.__name__}.{name}"
    # Operations with a response body also get the parsed-only shortcuts.
    for module in (list_devices, provision_device):
        for name in ("sync", "asyncio"):
            assert callable(getattr(module, name, None)), f"{module.__name__}.{name}"


def test_every_generated_file_says_it_is_generated() -> None:
    import pathlib

    import printos_api_client

    root = pathlib.Path(printos_api_client.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files
    for path in files:
        head = path.read_text().splitlines()[:3]
        assert any("Generated by openapi-python-client" in line for line in head), path
        assert any("scripts/regenerate.sh" in line for line in head), path


def test_httpx_is_the_transport() -> None:
    assert isinstance(Client(base_url=BASE).get_async_httpx_client(), httpx.AsyncClient)
