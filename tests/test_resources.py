"""The generated resources behind client.devices: raw responses, per-call options, with_options,
path parameters that cannot leave their segment, the method naming rule, and the Transport seam."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jinja2
import pytest
import respx
from openapi_python_client import TEMPLATE_FILTERS
from openapi_python_client.strings import PythonIdentifier

from printos_api_client.api import APIResources
from printos_api_client.api.devices import Devices as GeneratedDevices
from printos_api_client.client import APIResponse, Operation
from printos_ext import (
    Devices,
    InvalidArgumentError,
    NotFoundError,
    PrintDevice,
    PrintOSClient,
    RawResponse,
    ResponseValidationError,
)
from printos_ext.models import DeviceProvisionRequest, DeviceStatusUpdate

from scriptload import load_script

BASE = "https://printos.api.hp.com"
DEVICE = {"id": "dev-1", "model": "HP Indigo 7K", "serialNumber": "SN-1"}
TEMPLATES = Path(__file__).resolve().parent.parent / "openapi" / "templates"


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[PrintOSClient]:
    async with PrintOSClient(
        allow_unauthenticated=True, base_url=BASE, environ={}, max_retries=0
    ) as c:
        yield c


@pytest.mark.anyio
async def test_client_devices_is_the_generated_resource_with_the_sdk_conventions(
    client: PrintOSClient,
) -> None:
    assert isinstance(client, APIResources)
    assert isinstance(client.devices, GeneratedDevices)
    assert isinstance(client.devices, Devices)
    assert client.devices is client.devices
    assert type(client).RESOURCES == ("devices",)


@pytest.mark.anyio
async def test_raw_response_gives_status_headers_request_id_and_parse(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.post("/devices").respond(201, json=DEVICE, headers={"x-request-id": "req-42"})

    raw = await client.devices.with_raw_response.provision(model="M", serial_number="SN-1")

    assert isinstance(raw, RawResponse)
    assert (raw.status_code, raw.request_id, raw.headers["x-request-id"]) == (
        201,
        "req-42",
        "req-42",
    )
    assert isinstance(raw.http_response, httpx.Response)
    device = raw.parse()
    assert isinstance(device, PrintDevice)
    assert device.id == "dev-1"
    assert raw.parse() is device  # parsed once


@pytest.mark.anyio
@pytest.mark.parametrize("header", ["x-hp-request-id", "x-correlation-id"])
async def test_raw_response_reads_the_request_id_from_the_same_headers_as_errors(
    mock: respx.MockRouter, client: PrintOSClient, header: str
) -> None:
    mock.get("/devices").respond(200, json={"devices": []}, headers={header: "req-7"})
    mock.put("/devices/d1/status").respond(404, headers={header: "req-8"})

    raw = await client.devices.with_raw_response.list()
    with pytest.raises(NotFoundError) as caught:
        await client.devices.update_status("d1", status="IDLE")

    assert (raw.request_id, caught.value.request_id) == ("req-7", "req-8")


@pytest.mark.anyio
async def test_raw_parse_returns_what_the_plain_call_returns(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").respond(200, json={"devices": [DEVICE]})
    mock.put("/devices/dev-1/status").respond(200)

    plain = await client.devices.list()
    raw = await client.devices.with_raw_response.list()
    assert raw.parse() == plain
    updated = await client.devices.with_raw_response.update_status("dev-1", status="IDLE")
    assert updated.status_code == 200
    assert updated.parse() is None


@pytest.mark.anyio
async def test_raw_response_of_a_body_not_matching_the_spec_fails_only_on_parse(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").respond(200, json={"devices": "not a list"})

    raw = await client.devices.with_raw_response.list()

    assert raw.status_code == 200
    with pytest.raises(ResponseValidationError, match="devices: expected an array"):
        raw.parse()


@pytest.mark.anyio
async def test_provision_answer_without_an_id_is_a_response_validation_error(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.post("/devices").respond(201, json={"model": "M", "serialNumber": "SN-1"})

    with pytest.raises(ResponseValidationError) as caught:
        await client.devices.provision(model="M", serial_number="SN-1")

    assert caught.value.field == "id"
    assert "has no id" in str(caught.value)


@pytest.mark.anyio
async def test_undocumented_success_status_is_a_response_validation_error(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    mock.get("/devices").respond(204)

    with pytest.raises(ResponseValidationError, match="status 204 is not a documented"):
        await client.devices.list()


@pytest.mark.anyio
async def test_extra_headers_are_sent_with_one_call_only(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.put("/devices/dev-1/status").respond(200)

    await client.devices.update_status("dev-1", status="IDLE", extra_headers={"X-Trace": "t-1"})
    await client.devices.update_status("dev-1", status="IDLE")

    first, second = (call.request for call in route.calls)
    assert first.headers["x-trace"] == "t-1"
    assert "x-trace" not in second.headers


@pytest.mark.anyio
@pytest.mark.parametrize("headers", [{"X-Count": 3}, ["X-Trace"], {7: "x"}])
async def test_extra_headers_that_are_not_str_to_str_are_refused_before_sending(
    mock: respx.MockRouter, client: PrintOSClient, headers: Any
) -> None:
    route = mock.put("/devices/dev-1/status").respond(200)

    with pytest.raises(InvalidArgumentError, match="extra_headers must"):
        await client.devices.update_status("dev-1", status="IDLE", extra_headers=headers)

    assert not route.called


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("device_id", "path"),
    [
        ("..", "/devices/%2E%2E/status"),
        (".", "/devices/%2E/status"),
        ("../../admin", "/devices/..%2F..%2Fadmin/status"),
        ("a/b?c#d", "/devices/a%2Fb%3Fc%23d/status"),
        ("...", "/devices/.../status"),
    ],
)
async def test_a_path_parameter_never_leaves_its_segment(
    mock: respx.MockRouter, client: PrintOSClient, device_id: str, path: str
) -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200)

    mock.route().mock(side_effect=record)

    await client.devices.update_status(device_id, status="IDLE")

    assert seen == [path]


@pytest.mark.anyio
async def test_with_options_shares_the_pool_and_changes_only_the_copy(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.get("/devices").respond(200, json={"devices": []})

    patient = client.with_options(timeout=120, max_retries=5, headers={"X-Team": "print"})
    await patient.devices.list()
    await client.devices.list()

    assert patient.http_client is client.http_client
    assert (patient.timeout, patient.retry.max_retries) == (120.0, 5)
    assert (client.timeout, client.retry.max_retries) == (30.0, 0)
    assert patient.devices is not client.devices
    first, second = (call.request for call in route.calls)
    assert first.headers["x-team"] == "print"
    assert "x-team" not in second.headers
    await patient.aclose()
    assert not client.http_client.is_closed


@pytest.mark.anyio
async def test_with_options_checks_its_arguments(client: PrintOSClient) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout"):
        client.with_options(timeout=-1)
    with pytest.raises(InvalidArgumentError, match="headers must"):
        client.with_options(headers={"X-A": 1})  # type: ignore[dict-item]


class RecordingTransport:
    """The smallest Transport: records the request a generated method builds, answers 200."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def request(
        self,
        operation: Operation[Any],
        build: Callable[[], dict[str, Any]],
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> APIResponse[Any]:
        kwargs = build()
        self.sent.append((operation.name, kwargs))
        response = httpx.Response(200, request=httpx.Request(operation.method, kwargs["url"]))
        return RawResponse(response, operation.parse, operation.name)


@pytest.mark.anyio
async def test_generated_method_flattens_the_body_into_keywords() -> None:
    transport = RecordingTransport()

    await GeneratedDevices(transport).update_status("d-1", status="IDLE")

    assert transport.sent == [
        (
            "update_device_status",
            {
                "method": "put",
                "url": "/devices/d-1/status",
                "json": {"status": "IDLE"},
                "headers": {"Content-Type": "application/json"},
            },
        )
    ]


@pytest.mark.anyio
async def test_generated_method_takes_the_body_model_instead() -> None:
    transport = RecordingTransport()

    await GeneratedDevices(transport).update_status("d-1", body=DeviceStatusUpdate(status="X"))

    assert transport.sent[0][1]["json"] == {"status": "X"}


@pytest.mark.anyio
async def test_generated_method_refuses_both_body_and_keywords() -> None:
    from printos_api_client.errors import ArgumentError

    with pytest.raises(ArgumentError, match="either body= or the keyword arguments status="):
        await GeneratedDevices(RecordingTransport()).update_status(
            "d-1", status="IDLE", body=DeviceStatusUpdate(status="X")
        )


@pytest.mark.anyio
async def test_both_body_and_keywords_through_the_client_is_an_invalid_argument(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.post("/devices").respond(201, json=DEVICE)

    with pytest.raises(InvalidArgumentError, match="provision_device: pass either body="):
        await GeneratedDevices.provision(
            client.devices, model="M", body=DeviceProvisionRequest(model="M", serial_number="S")
        )

    assert not route.called


@pytest.mark.anyio
async def test_an_empty_path_parameter_is_refused_before_sending() -> None:
    from printos_api_client.errors import ArgumentError

    with pytest.raises(ArgumentError, match="device_id must not be empty"):
        await GeneratedDevices(RecordingTransport()).update_status("", status="IDLE")


def _method_name(tag: str, operation_id: str, siblings: list[str]) -> str:
    """Render the template macro that names resource methods, for one operation of a tag."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES))
    env.filters.update(TEMPLATE_FILTERS)
    env.globals["python_identifier"] = lambda name: PythonIdentifier(name, "field_")
    template = env.from_string(
        '{% from "resource_helpers.jinja" import method_name %}{{ method_name(tag, e, es) }}'
    )
    # As the generator gives them to the templates: an operation's name is its Python identifier.
    endpoints = [
        SimpleNamespace(name=PythonIdentifier(name, "field_")) for name in [operation_id, *siblings]
    ]
    return template.render(tag=tag, e=endpoints[0], es=endpoints).strip()


@pytest.mark.parametrize(
    ("tag", "operation_id", "siblings", "method"),
    [
        ("devices", "listDevices", [], "list"),
        ("devices", "provisionDevice", [], "provision"),
        ("devices", "updateDeviceStatus", [], "update_status"),
        ("devices", "getDevice", [], "get"),
        ("devices", "decommissionDevice", [], "decommission"),
        ("sites", "listSites", [], "list"),
        ("sites", "createSite", [], "create"),
        ("device_groups", "listDeviceGroups", [], "list"),
        ("categories", "getCategory", [], "get"),
        ("devices", "devices", [], "devices"),  # nothing left: the whole name
        ("devices", "importDevices", [], "import_devices"),  # a keyword: the whole name
        ("devices", "getDevice", ["getDevices"], "get_device"),  # a collision: whole names
        ("devices", "device2fa", [], "device2fa"),  # starts with a digit: the whole name
        ("data", "import", [], "import_"),  # the whole name, as a Python name
        ("data", "str", [], "str_"),  # a name the module's annotations need
        ("data", "getHttpx", [], "get_httpx"),
        ("data", "httpx", [], "httpx_"),  # the whole name is needed too: "_" appended
        ("devices", "withRawResponse", [], "with_raw_response_"),
    ],
)
def test_method_name_is_the_operation_id_without_the_tag_words(
    tag: str, operation_id: str, siblings: list[str], method: str
) -> None:
    assert _method_name(tag, operation_id, siblings) == method


@pytest.mark.parametrize(
    ("tag", "operation_id", "siblings"),
    [
        ("devices", "listDevices", []),
        ("devices", "updateDeviceStatus", []),
        ("device_groups", "listDeviceGroups", []),
        ("categories", "getCategory", []),
        ("devices", "devices", []),
        ("devices", "importDevices", []),
        ("devices", "getDevice", ["getDevices"]),
        ("devices", "device2fa", []),
        ("devices", "withRawResponse", []),
        ("print_jobs", "cancelPrintJob", ["listPrintJobs"]),
        ("data", "import", []),
        ("data", "str", []),
        ("data", "httpx", []),
        ("true", "getTrue", []),
    ],
)
def test_the_change_report_names_methods_as_the_templates_do(
    tag: str, operation_id: str, siblings: list[str]
) -> None:
    spec_diff = load_script("spec_diff")
    expected = spec_diff.method_name(tag, operation_id, [operation_id, *siblings])
    assert _method_name(tag, operation_id, siblings) == expected


def test_every_generated_model_is_importable_from_printos_ext_models() -> None:
    import printos_api_client.models as generated_models
    import printos_ext.models

    assert printos_ext.models.__all__ == list(generated_models.__all__)
    for name in generated_models.__all__:
        assert getattr(printos_ext.models, name) is getattr(generated_models, name)


@pytest.mark.anyio
async def test_provision_many_reports_an_answer_without_id_as_that_items_error(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    answers = iter([DEVICE, {"model": "M", "serialNumber": "SN-2"}])
    mock.post("/devices").mock(side_effect=lambda request: httpx.Response(201, json=next(answers)))

    results = await client.devices.provision_many(
        [{"model": "M", "serial_number": "SN-1"}, {"model": "M", "serial_number": "SN-2"}],
        concurrency=1,
    )

    assert [r.ok for r in results] == [True, False]
    assert isinstance(results[1].error, ResponseValidationError)
    assert results[1].error.field == "id"
    assert [r.value.id for r in results if r.value] == ["dev-1"]


@pytest.mark.anyio
async def test_a_lone_surrogate_in_a_path_parameter_is_an_invalid_argument(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.route().respond(200)

    with pytest.raises(InvalidArgumentError, match="device_id is not valid Unicode text"):
        await GeneratedDevices(client).update_status("dev-\ud800", status="IDLE")

    assert not route.called


@pytest.mark.anyio
async def test_an_id_too_long_for_a_url_is_an_invalid_argument_that_is_not_its_own_cause(
    mock: respx.MockRouter, client: PrintOSClient
) -> None:
    route = mock.route().respond(200)

    with pytest.raises(InvalidArgumentError, match="70016-character path") as caught:
        await client.devices.update_status("x" * 70_000, status="IDLE")

    assert caught.value.__cause__ is not caught.value
    assert not route.called
