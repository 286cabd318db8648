"""The sandbox's single error shape: HP's ``smsError`` body, as PrintOS services answer errors.

Every error the sandbox produces, whether from validation, lookup, authentication, routing or an
injected fault, has the body::

    {"smsError": {
        "statusCode": 404,                    # the HTTP status, repeated
        "message": "<human readable>",
        "subCode": "<snake_case>",            # what went wrong, for programs to branch on
        "developerInfo": "<detail> | null",   # more detail when there is some
        "moreInfoUrl": null,
        "serviceName": "printos-device-api-sandbox",
        "field": "<path> | null",             # sandbox extra: the offending field, if one is
        "existingId": "<device id>"           # sandbox extra, on a 409 only: what already exists
    }}

The first six keys are HP's. ``field`` is the sandbox's own addition: the offending JSON path
(``metrics.inkLevel``) or query parameter (``limit``), ``null`` when the error is not about one
field. ``existingId`` is another: a 409 for a serial number already provisioned names that device,
so a client whose provision answer was lost can repeat it and learn the id (the SDK reads it as
``ConflictError.existing_id``). As on PrintOS, a rejected signature is a 400 whose message is ``Not
Authorized``; the reason is in ``subCode`` and ``developerInfo``.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

__all__ = [
    "SERVICE_NAME",
    "ApiError",
    "DeviceNotFound",
    "DuplicateSerialNumber",
    "error_body",
    "error_response",
]


SERVICE_NAME = "printos-device-api-sandbox"


class ApiError(Exception):
    """An error that becomes an HTTP response; raised anywhere below the ASGI layers.

    ``code`` becomes ``subCode``, ``developer_info`` ``developerInfo``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        developer_info: str | None = None,
        headers: Mapping[str, str] | None = None,
        existing_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.existing_id = existing_id
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.developer_info = developer_info
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        return error_response(
            self.status,
            self.code,
            self.message,
            field=self.field,
            developer_info=self.developer_info,
            headers=self.headers,
            existing_id=self.existing_id,
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
            existing_id=existing_id,
        )
        self.serial_number = serial_number


def error_body(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    developer_info: str | None = None,
    existing_id: str | None = None,
) -> dict[str, object]:
    """The JSON document of an error; kept separate so tests and docs can build the same shape."""
    body: dict[str, object] = {
        "statusCode": status,
        "message": message,
        "subCode": code,
        "developerInfo": developer_info,
        "moreInfoUrl": None,
        "serviceName": SERVICE_NAME,
        "field": field,
    }
    if existing_id is not None:
        body["existingId"] = existing_id
    return {"smsError": body}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    developer_info: str | None = None,
    headers: Mapping[str, str] | None = None,
    existing_id: str | None = None,
) -> JSONResponse:
    body = error_body(
        status, code, message, field=field, developer_info=developer_info, existing_id=existing_id
    )
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))
