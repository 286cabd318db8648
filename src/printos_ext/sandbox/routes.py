"""The three operations of the PrintOS Device API, as Starlette endpoints over ``SandboxState``.

Request bodies are read defensively, as a long-running server must: the body must be declared
JSON (415 otherwise), fit in ``MAX_BODY_BYTES`` (413) and arrive completely within the body
timeout (408), and those three answers close the connection, so a client cannot hold one open by
stalling or make the server drain a body it refused. A client that disconnects mid-body is
recorded as status 499 (no one is left to answer), not logged as a server failure.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import ApiError, DeviceNotFound
from .hmac_guard import raw_path_of
from .paging import parse_page
from .state import SandboxState
from .validation import parse_json_object, validate_provision, validate_status_update

__all__ = ["DEFAULT_BODY_TIMEOUT", "MAX_BODY_BYTES", "build_routes"]

MAX_BODY_BYTES = 1024 * 1024
"""Bodies are tiny in this API; a cap keeps a runaway client from exhausting memory."""
DEFAULT_BODY_TIMEOUT = 10.0
"""Seconds a request body may take to arrive, in total (a trickle does not reset it)."""
CLIENT_CLOSED_REQUEST = 499
"""nginx's status for "the client went away before the request was complete"."""

_JSON_MEDIA_TYPE = re.compile(r"application/(?:[a-z0-9.!#$&^_-]+\+)?json", re.IGNORECASE)
_CLOSE = {"Connection": "close"}


def _require_json(request: Request) -> None:
    """415 unless the body is declared ``application/json`` (or ``application/*+json``), as the
    spec declares every request body; parameters such as ``charset`` are allowed."""
    declared = request.headers.get("content-type")
    media_type = (declared or "").split(";", 1)[0].strip()
    if not _JSON_MEDIA_TYPE.fullmatch(media_type):
        shown = "none" if declared is None else repr(declared)
        raise ApiError(
            415,
            "unsupported_media_type",
            f"request body must be application/json, got Content-Type {shown}",
            headers=_CLOSE,
        )


async def _json_object(request: Request, body_timeout: float) -> dict[str, Any]:
    _require_json(request)
    body = bytearray()
    try:
        with anyio.fail_after(body_timeout):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise ApiError(
                        413,
                        "body_too_large",
                        f"request body exceeds {MAX_BODY_BYTES} bytes",
                        headers=_CLOSE,
                    )
    except TimeoutError:
        raise ApiError(
            408,
            "body_timeout",
            f"the request body did not arrive within {body_timeout:g} s",
            headers=_CLOSE,
        ) from None
    except ClientDisconnect:
        raise ApiError(
            CLIENT_CLOSED_REQUEST,
            "client_closed_request",
            "the client closed the connection before sending the whole body",
        ) from None
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


def build_routes(state: SandboxState, *, body_timeout: float = DEFAULT_BODY_TIMEOUT) -> list[Route]:
    async def list_devices(request: Request) -> Response:
        page = parse_page(request.query_params.multi_items())
        path = request.scope.get("root_path", "") + "/devices"
        devices, next_link = page.slice(state.list_devices(), path)
        headers = {"Link": next_link} if next_link else {}
        return JSONResponse({"devices": [d.to_json() for d in devices]}, headers=headers)

    async def provision_device(request: Request) -> Response:
        provision = validate_provision(await _json_object(request, body_timeout))
        device = state.provision(
            model=provision.model,
            serial_number=provision.serial_number,
            location=provision.location,
        )
        return JSONResponse(device.to_json(), status_code=201)

    async def update_device_status(request: Request) -> Response:
        device_id = _device_id(request)
        update = validate_status_update(await _json_object(request, body_timeout))
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
