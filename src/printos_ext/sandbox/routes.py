"""The three operations of the PrintOS Device API, as Starlette endpoints over ``SandboxState``."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import ApiError, DeviceNotFound
from .hmac_guard import raw_path_of
from .paging import parse_page
from .state import SandboxState
from .validation import parse_json_object, validate_provision, validate_status_update

__all__ = ["MAX_BODY_BYTES", "build_routes"]

MAX_BODY_BYTES = 1024 * 1024
"""Bodies are tiny in this API; a cap keeps a runaway client from exhausting memory."""


async def _json_object(request: Request) -> dict[str, Any]:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", f"request body exceeds {MAX_BODY_BYTES} bytes")
    return parse_json_object(bytes(body))


def _device_id(request: Request) -> str:
    """The id from the path as sent: ``/devices/a%2Fb/status`` names device ``a/b``.

    Routing matches the decoded path, where an encoded slash looks like a separator, so the
    route accepts any ``{deviceId:path}`` and the id is re-read here from the raw path, where only
    a single segment is a valid id.
    """
    segments = raw_path_of(request.scope).split("/")
    if len(segments) != 4 or segments[1] != "devices" or segments[3] != "status":
        raise ApiError(404, "not_found", f"no route for {request.method} {request.url.path}")
    device_id = unquote(segments[2])
    if not device_id:
        raise DeviceNotFound(device_id)
    return device_id


def build_routes(state: SandboxState) -> list[Route]:
    async def list_devices(request: Request) -> Response:
        page = parse_page(request.query_params.multi_items())
        path = request.scope.get("root_path", "") + "/devices"
        devices, next_link = page.slice(state.list_devices(), path)
        headers = {"Link": next_link} if next_link else {}
        return JSONResponse({"devices": [d.to_json() for d in devices]}, headers=headers)

    async def provision_device(request: Request) -> Response:
        provision = validate_provision(await _json_object(request))
        device = state.provision(
            model=provision.model,
            serial_number=provision.serial_number,
            location=provision.location,
        )
        return JSONResponse(device.to_json(), status_code=201)

    async def update_device_status(request: Request) -> Response:
        device_id = _device_id(request)
        update = validate_status_update(await _json_object(request))
        state.update_status(device_id, status=update.status, metrics=update.metrics)
        # The spec documents 200 with no content, so the body is empty, not "{}" or "null".
        return Response(status_code=200)

    async def devices(request: Request) -> Response:
        # One route for both methods, so a 405 on /devices advertises both in its Allow header.
        if request.method == "POST":
            return await provision_device(request)
        return await list_devices(request)

    return [
        Route("/devices", devices, methods=["GET", "POST"], name="devices"),
        Route(
            "/devices/{deviceId:path}/status",
            update_device_status,
            methods=["PUT"],
            name="updateDeviceStatus",
        ),
    ]
