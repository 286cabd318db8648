"""A spec that gains operations and a tag reaches users by regeneration alone.

tests/fixtures/specs/new_resources.yml is the committed spec plus getDevice, decommissionDevice
(DELETE with an optional query parameter, 204) and a second tag, Sites, with listSites and
createSite (a body with a required property). It is regenerated into a temporary tree beside an
unmodified copy of src/printos_ext, and a fresh interpreter calls every new method through
PrintOSClient: signed with PrintOS HMAC (checked by the fake server with the hmac module), a 503
retried, a 404 raised as NotFoundError, a body given as keywords.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from regen_probe import regenerate_and_probe

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "specs" / "new_resources.yml"

pytestmark = pytest.mark.e2e

PROBE = textwrap.dedent(
    """
    import asyncio, hashlib, hmac, inspect, json, sys
    import httpx
    from printos_ext import InvalidArgumentError, NotFoundError, PrintOSClient, PrintOSHmacAuth
    from printos_ext.models import SiteCreateRequest

    SECRET = "s3cret"
    DEVICE = {"id": "dev-1", "model": "HP Latex 800", "serialNumber": "LX-1"}
    sent = []
    outages = {"GET /devices/dev-1": 1}

    def handler(request):
        path = request.url.raw_path.split(b"?")[0].decode()
        date = request.headers.get("x-hp-hmac-date", "")
        key, _, signature = request.headers.get("x-hp-hmac-authentication", "").partition(":")
        message = f"{request.method} {path}{date}".encode()
        expected = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
        body = json.loads(request.content) if request.content else None
        sent.append([request.method, request.url.raw_path.decode(), body,
                     key == "demo" and hmac.compare_digest(signature, expected)])
        route = f"{request.method} {path}"
        if outages.get(route):
            outages[route] -= 1
            return httpx.Response(503, json={"error": {"message": "busy"}})
        if route == "GET /devices/dev-1":
            return httpx.Response(200, json=DEVICE)
        if route == "DELETE /devices/dev-1":
            return httpx.Response(204)
        if request.method == "DELETE":
            return httpx.Response(404, json={"error": {"message": "no such device"}})
        if route == "GET /sites":
            return httpx.Response(200, json={"sites": [{"id": "s-1", "name": "Hall A"}]})
        if route == "POST /sites":
            return httpx.Response(201, json={"id": "s-2", **body})
        return httpx.Response(500)

    async def no_sleep(delay):
        pass

    async def main():
        out = {}
        async with PrintOSClient(
            base_url="https://printos.test", auth=PrintOSHmacAuth("demo", SECRET), environ={},
            transport=httpx.MockTransport(handler), sleep=no_sleep,
        ) as client:
            out["resources"] = list(type(client).RESOURCES)
            device = await client.devices.get("dev-1")
            out["device"] = [type(device).__name__, device.id, device.serial_number]
            out["decommissioned"] = await client.devices.decommission("dev-1", reason="end of life")
            try:
                await client.devices.decommission("dev-9")
            except NotFoundError as error:
                out["not_found"] = [type(error).__name__, error.status_code]
            out["sites"] = [site.name for site in await client.sites.list()]
            site = await client.sites.create(name="Hall B", address="Main St 1")
            out["created"] = [type(site).__name__, site.id, site.name]
            raw = await client.sites.with_raw_response.create(body=SiteCreateRequest(name="Hall C"))
            out["raw"] = [raw.status_code, raw.parse().id]
            try:
                await client.sites.create(address="nowhere")
            except InvalidArgumentError as error:
                out["missing_name"] = str(error)
            out["signatures"] = {
                name: [
                    f"{p.name}{'' if p.kind == p.POSITIONAL_OR_KEYWORD else ' (keyword)'}"
                    f"{'' if p.default is p.empty else ' = ' + repr(p.default)}"
                    for p in inspect.signature(getattr(resource, name)).parameters.values()
                ] + [getattr(inspect.signature(getattr(resource, name)).return_annotation,
                             "__name__", "None")]
                for resource in (client.devices, client.sites)
                for name in ("get", "decommission", "create") if hasattr(resource, name)
            }
        out["sent"] = sent
        return out

    print(json.dumps(asyncio.run(main())))
    """
)


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tree = tmp_path_factory.mktemp("new_resources")
    return regenerate_and_probe(FIXTURE, tree, PROBE, "--fail-on-breaking")


def test_the_change_report_calls_new_operations_and_a_new_tag_safe(seen: dict[str, Any]) -> None:
    assert "7 changes: 0 breaking, 7 safe" in seen["report"]
    assert "safe      operation POST /sites (createSite): added" in seen["report"]


def test_a_new_tag_is_a_new_client_attribute(seen: dict[str, Any]) -> None:
    assert seen["resources"] == ["devices", "sites"]
    assert seen["sites"] == ["Hall A"]


def test_new_operations_are_methods_named_without_the_tag(seen: dict[str, Any]) -> None:
    common = [
        "extra_headers (keyword) = None",
        "timeout (keyword) = None",
        "max_retries (keyword) = None",
    ]
    assert seen["signatures"] == {
        "get": ["device_id", *common, "PrintDevice"],
        "decommission": ["device_id", "reason (keyword) = None", *common, "None"],
        "create": [
            "name (keyword) = UNSET",  # required: the overload without body= has no default
            "address (keyword) = None",
            "body (keyword) = None",
            *common,
            "Site",
        ],
    }


def test_new_get_returns_the_model_after_retrying_a_503(seen: dict[str, Any]) -> None:
    assert seen["device"] == ["PrintDevice", "dev-1", "LX-1"]
    assert [call[:2] for call in seen["sent"][:2]] == [
        ["GET", "/devices/dev-1"],
        ["GET", "/devices/dev-1"],
    ]


def test_new_delete_sends_its_query_parameter_and_returns_none(seen: dict[str, Any]) -> None:
    assert seen["decommissioned"] is None
    assert seen["sent"][2][:2] == ["DELETE", "/devices/dev-1?reason=end+of+life"]


def test_an_error_status_of_a_new_operation_is_typed(seen: dict[str, Any]) -> None:
    assert seen["not_found"] == ["NotFoundError", 404]


def test_a_body_is_flattened_into_keywords_or_taken_whole(seen: dict[str, Any]) -> None:
    posts = [call for call in seen["sent"] if call[0] == "POST"]
    assert [call[2] for call in posts] == [
        {"name": "Hall B", "address": "Main St 1"},
        {"name": "Hall C"},
    ]
    assert seen["created"] == ["Site", "s-2", "Hall B"]
    assert seen["raw"] == [201, "s-2"]


def test_a_missing_required_body_keyword_is_an_invalid_argument_and_sends_nothing(
    seen: dict[str, Any],
) -> None:
    assert seen["missing_name"] == (
        "create_site: missing required keyword argument(s) name= (or pass body=)"
    )
    assert len([call for call in seen["sent"] if call[0] == "POST"]) == 2


def test_every_request_of_a_new_operation_is_hmac_signed(seen: dict[str, Any]) -> None:
    assert len(seen["sent"]) == 7
    assert all(call[3] for call in seen["sent"]), seen["sent"]
