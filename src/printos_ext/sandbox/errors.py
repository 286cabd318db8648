"""The sandbox's single error shape, so clients can be tested against one predictable contract.

Every error the sandbox produces, whether from validation, lookup, authentication, routing or an
injected fault, has the body::

    {"error": {"code": "<snake_case>", "message": "<human readable>", "field": "<path> | null"}}

``field`` names the offending JSON path (``metrics.inkLevel``) or query parameter (``limit``), and
is ``null`` when the error is not about one field.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

__all__ = [
    "ApiError",
    "DeviceNotFound",
    "DuplicateSerialNumber",
    "error_body",
    "error_response",
]


class ApiError(Exception):
    """An error that becomes an HTTP response; raised anywhere below the ASGI layers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        return error_response(
            self.status, self.code, self.message, field=self.field, headers=self.headers
        )


class DeviceNotFound(ApiError):
    """No device has this id; a 404, like the real platform's answer for a stale id."""

    def __init__(self, device_id: str) -> None:
        super().__init__(404, "device_not_found", f"no device with id {device_id!r}")
        self.device_id = device_id


class DuplicateSerialNumber(ApiError):
    """A serial number identifies one physical device, so provisioning it twice conflicts."""

    def __init__(self, serial_number: str, existing_id: str) -> None:
        super().__init__(
            409,
            "duplicate_serial_number",
            f"serial number {serial_number!r} is already provisioned as device {existing_id!r}",
            field="serialNumber",
        )
        self.serial_number = serial_number
        self.existing_id = existing_id


def error_body(code: str, message: str, field: str | None = None) -> dict[str, object]:
    """The JSON document of an error; kept separate so tests and docs can build the same shape."""
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, field), status_code=status, headers=dict(headers or {})
    )
