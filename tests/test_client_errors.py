"""Typed errors: each failure mode ends in the right PrintOSError subclass (respx)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from printos_ext import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PrintOSClient,
    PrintOSError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnprocessableEntityError,
)

BASE = "https://printos.api.hp.com"


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[PrintOSClient]:
    async with PrintOSClient(
        allow_unauthenticated=True, base_url=BASE, max_retries=0, environ={}
    ) as c:
        yield c


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
@pytest.mark.anyio
async def test_status_maps_to_its_error_type(
    mock: respx.MockRouter, client: PrintOSClient, status: int, error_type: type[APIStatusError]
) -> None:
    mock.get("/devices").respond(status, json={"error": {"code": "x", "message": "went wrong"}})
    with pytest.raises(error_type) as info:
        await client.devices.list()
    error = info.value
    assert type(error) is error_type
    assert isinstance(error, PrintOSError)
    assert error.status_code == status
    assert error.body == {"error": {"code": "x", "message": "went wrong"}}
    assert f"{status}" in str(error)
    assert "GET /devices" in str(error)
    assert "went wrong" in str(error)


@pytest.mark.anyio
async def test_status_error_carries_the_request_id(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.put("/devices/d/status").respond(
        404,
        json={"error": {"message": "unknown device", "field": None}},
        headers={"x-request-id": "req-42"},
    )
    with pytest.raises(NotFoundError) as info:
        await client.devices.update_status("d", status="IDLE")
    assert info.value.request_id == "req-42"
    assert "req-42" in str(info.value)


@pytest.mark.anyio
async def test_html_error_page_is_kept_as_text(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    mock.get("/devices").respond(502, text=page, headers={"content-type": "text/html"})
    with pytest.raises(InternalServerError) as info:
        await client.devices.list()
    assert info.value.body == page
    assert "502 Bad Gateway" in str(info.value)


@pytest.mark.anyio
async def test_field_named_by_the_server_appears_in_the_message(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    body = {"error": {"code": "invalid", "message": "must be 0..100", "field": "metrics.inkLevel"}}
    mock.put("/devices/d/status").respond(422, json=body)
    with pytest.raises(UnprocessableEntityError, match=r"metrics\.inkLevel"):
        await client.devices.update_status("d", ink_level=50)


@pytest.mark.anyio
async def test_connection_refused_is_an_api_connection_error(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        await client.devices.list()
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


@pytest.mark.anyio
async def test_read_timeout_is_an_api_timeout_error(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError, match="timed out"):
        await client.devices.list()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"devices": "not-a-list"}, "devices"),
        ({"devices": [{"id": "a"}, {"id": 5}]}, "devices[1].id"),
        ({"devices": [{"registeredAt": "yesterday"}]}, "devices[0].registeredAt"),
        ([1, 2, 3], ""),
    ],
)
@pytest.mark.anyio
async def test_body_of_the_wrong_shape_names_the_field(
    mock: respx.MockRouter, client: PrintOSClient, body: object, field: str
) -> None:
    mock.get("/devices").respond(200, json=body)
    with pytest.raises(ResponseValidationError) as info:
        await client.devices.list()
    assert info.value.field == field
    assert info.value.reason
    assert "listDevices" in str(info.value) or "list_devices" in str(info.value)


@pytest.mark.anyio
async def test_invalid_json_is_a_response_validation_error(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").respond(
        200, content=b'{"devices": [', headers={"content-type": "application/json"}
    )
    with pytest.raises(ResponseValidationError, match="not valid JSON"):
        await client.devices.list()


@pytest.mark.anyio
async def test_undocumented_success_status_for_provision_is_reported(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.post("/devices").respond(200, json={"id": "d"})
    with pytest.raises(ResponseValidationError, match="201"):
        await client.devices.provision(model="M", serial_number="S")


@pytest.mark.anyio
async def test_body_larger_than_the_limit_is_refused(mock: respx.MockRouter) -> None:
    big = json.dumps({"devices": [{"id": str(i)} for i in range(5000)]}).encode()
    mock.get("/devices").respond(200, content=big)
    async with PrintOSClient(
        allow_unauthenticated=True, base_url=BASE, max_response_bytes=10_000, environ={}
    ) as client:
        with pytest.raises(ResponseTooLargeError, match="10000 bytes"):
            await client.devices.list()


@pytest.mark.anyio
async def test_gzip_bodies_are_decoded(mock: respx.MockRouter, client: PrintOSClient) -> None:
    import gzip

    payload = gzip.compress(json.dumps({"devices": [{"id": "z"}]}).encode())
    mock.get("/devices").respond(
        200,
        content=payload,
        headers={"content-encoding": "gzip", "content-type": "application/json"},
    )
    assert [d.id for d in await client.devices.list()] == ["z"]
