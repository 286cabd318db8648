"""printos_ext: the async PrintOS Device API client you import.

``PrintOSClient`` wraps the generated ``printos_api_client`` package with authentication, retries,
typed errors and pagination; the request and response models are the generated attrs classes,
re-exported here so one import is enough.
"""

from ._generated import (
    UNSET,
    DeviceProvisionRequest,
    DeviceStatusUpdate,
    DeviceStatusUpdateMetrics,
    PrintDevice,
    PrintDeviceList,
    Unset,
)
from .auth import BearerTokenAuth, PrintOSHmacAuth
from .bulk import BulkResult, ProvisionRequest, StatusUpdate
from .client import PrintOSClient
from .devices import Devices
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    PrintOSError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnprocessableEntityError,
)
from .pagination import Page, paginate
from .reporter import (
    FlushTimeoutError,
    ReporterClosedError,
    ReporterError,
    ReporterFullError,
    ReporterStats,
    StatusReporter,
)
from .retries import RetryPolicy
from .version import __version__

__all__ = [
    "UNSET",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "BulkResult",
    "ConflictError",
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "Devices",
    "FlushTimeoutError",
    "InternalServerError",
    "InvalidArgumentError",
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
    "ReporterClosedError",
    "ReporterError",
    "ReporterFullError",
    "ReporterStats",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "StatusReporter",
    "StatusUpdate",
    "UnprocessableEntityError",
    "Unset",
    "__version__",
    "paginate",
]
