"""printos_ext: the PrintOS Device API client you import (async, and its sync twin).

``PrintOSClient`` wraps the generated ``printos_api_client`` package with authentication, retries,
typed errors and pagination; the request and response models are the generated attrs classes,
re-exported here so one import is enough."""

import importlib
from typing import TYPE_CHECKING, Any

from . import _generated, errors, models
from ._generated import *  # noqa: F403 (the device models and resources: _generated.__all__)
from ._response import RawResponse
from .auth import BearerTokenAuth, PrintOSHmacAuth
from .client import PrintOSClient
from .errors import *  # noqa: F403 (every error class: errors.__all__)
from .pagination import Page, paginate
from .retries import RetryPolicy
from .version import __version__

# The device-workflow helpers load on first use: most programs never touch them, and importing
# them (with the task-group machinery they bring) would add to every program's start-up time.
_LAZY = {
    # The sync twin loads when a program first names it: an async program never pays for it.
    "SyncPrintOSClient": "_sync.client",
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

if TYPE_CHECKING:  # "as": exported for type checkers, which do not read __all__'s lazy part
    from ._sync.client import SyncPrintOSClient as SyncPrintOSClient
    from .bulk import BulkResult as BulkResult
    from .bulk import ProvisionRequest as ProvisionRequest
    from .bulk import StatusUpdate as StatusUpdate
    from .reporter import FlushTimeoutError as FlushTimeoutError
    from .reporter import ReporterClosedError as ReporterClosedError
    from .reporter import ReporterError as ReporterError
    from .reporter import ReporterFullError as ReporterFullError
    from .reporter import ReporterStats as ReporterStats
    from .reporter import StatusReporter as StatusReporter


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "BearerTokenAuth",
    "Page",
    "PrintOSClient",
    "PrintOSHmacAuth",
    "RawResponse",
    "RetryPolicy",
    "__version__",
    "models",
    "paginate",
]
__all__ += list(_LAZY)
__all__ += _generated.__all__
__all__ += errors.__all__


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
