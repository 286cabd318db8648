"""printos_ext: the async PrintOS Device API client you import.

``PrintOSClient`` wraps the generated ``printos_api_client`` package with authentication, retries,
typed errors and pagination; the request and response models are the generated attrs classes,
re-exported here so one import is enough.
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import models
from ._generated import (
    DeviceProvisionRequest,
    Devices,
    DeviceStatusUpdate,
    DeviceStatusUpdateMetrics,
    DevicesWithRawResponse,
    PrintDevice,
    PrintDeviceList,
)
from ._response import RawResponse
from .auth import BearerTokenAuth, PrintOSHmacAuth
from .client import PrintOSClient
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    EventLoopError,
    InternalServerError,
    InvalidArgumentError,
    NotAuthorizedError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    PrintOSError,
    RateLimitError,
    RedirectError,
    ResponseDecodingError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnexpectedError,
    UnprocessableEntityError,
)
from .pagination import Page, paginate
from .retries import RetryPolicy
from .version import __version__

# The device-workflow helpers load on first use: most programs never touch them, and importing
# them (with the task-group machinery they bring) would add to every program's start-up time.
_LAZY = {
    "BulkResult": "bulk",
    "ProvisionRequest": "bulk",
    "StatusUpdate": "bulk",
    "FlushTimeoutError": "reporter",
    "ReporterClosedError": "reporter",
    "ReporterError": "reporter",
    "ReporterFullError": "reporter",
    "ReporterStats": "reporter",
    "StatusReporter": "reporter",
}

if TYPE_CHECKING:
    from .bulk import BulkResult, ProvisionRequest, StatusUpdate
    from .reporter import (
        FlushTimeoutError,
        ReporterClosedError,
        ReporterError,
        ReporterFullError,
        ReporterStats,
        StatusReporter,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "BulkResult",
    "ClientClosedError",
    "ConflictError",
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "Devices",
    "DevicesWithRawResponse",
    "EventLoopError",
    "FlushTimeoutError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotAuthorizedError",
    "NotFoundError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "PrintDevice",
    "PrintDeviceList",
    "PrintOSClient",
    "PrintOSError",
    "PrintOSHmacAuth",
    "ProvisionRequest",
    "RateLimitError",
    "RawResponse",
    "RedirectError",
    "ReporterClosedError",
    "ReporterError",
    "ReporterFullError",
    "ReporterStats",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "StatusReporter",
    "StatusUpdate",
    "UnexpectedError",
    "UnprocessableEntityError",
    "__version__",
    "models",
    "paginate",
]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
