"""What an error body says reaches the error's attributes (issue 18, classes 11 and 13).

The sandbox answers in HP's ``smsError`` shape with its own ``field`` (and ``existingId`` on a
409) inside it: both are read, so ``error.field`` names the offending field and
``ConflictError.existing_id`` the device that already exists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from printos_api_client.api.devices import update_device_status
from printos_ext import ConflictError, PrintOSClient, UnprocessableEntityError
from printos_ext.errors import status_error
from printos_ext.sandbox import Sandbox


@pytest.fixture
async def client() -> AsyncIterator[PrintOSClient]:
    transport = httpx.ASGITransport(app=Sandbox())
    async with PrintOSClient(
        base_url="http://127.0.0.1", transport=transport, environ={}, max_retries=0
    ) as c:
        yield c


def _error(body: object, status: int = 409) -> object:
    request = httpx.Request("POST", "https://api.test/devices")
    return status_error(httpx.Response(status, json=body, request=request))


@pytest.mark.anyio
async def test_field_inside_sms_error_is_read_from_the_sandbox(client: PrintOSClient) -> None:
    device = await client.devices.provision(model="M", serial_number="S1")
    # Past the client-side checks (the generated method would refuse 101): the server's 422.
    request = {
        "method": "put",
        "url": f"/devices/{device.id}/status",
        "json": {"metrics": {"inkLevel": 101}},
    }
    with pytest.raises(UnprocessableEntityError) as caught:
        await client.send_operation(update_device_status.OPERATION, request)
    assert caught.value.field == "metrics.inkLevel"
    assert "field: metrics.inkLevel" in str(caught.value)


@pytest.mark.anyio
async def test_a_duplicate_serial_number_conflict_carries_the_existing_id(
    client: PrintOSClient,
) -> None:
    first = await client.devices.provision(model="M", serial_number="S1")
    with pytest.raises(ConflictError) as caught:
        await client.devices.provision(model="M", serial_number="S1")
    assert caught.value.existing_id == first.id
    assert caught.value.field == "serialNumber"


def test_existing_id_is_read_from_sms_error() -> None:
    error = _error({"smsError": {"message": "dup", "existingId": "dev-1", "field": "serialNumber"}})
    assert isinstance(error, ConflictError)
    assert (error.existing_id, error.field) == ("dev-1", "serialNumber")


def test_existing_id_is_read_from_the_error_shape_and_problem_details() -> None:
    nested = _error({"error": {"message": "dup", "existingId": "dev-2"}})
    problem = _error({"title": "Conflict", "detail": "dup", "existingId": "dev-3"})
    assert isinstance(nested, ConflictError)
    assert isinstance(problem, ConflictError)
    assert (nested.existing_id, problem.existing_id) == ("dev-2", "dev-3")


@pytest.mark.parametrize(
    "body",
    [{"smsError": {"message": "dup"}}, {"smsError": {"existingId": None}}, "not json", None],
)
def test_existing_id_is_none_when_the_server_does_not_name_one(body: object) -> None:
    error = _error(body)
    assert isinstance(error, ConflictError)
    assert error.existing_id is None
