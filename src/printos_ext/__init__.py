"""printos_ext: the PrintOS Device API client you import (async, and its sync twin): the generated
package with auth, retries, typed errors and pagination, and its models, in one import."""

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

# Loaded on first use, so that programs that never touch the device-workflow helpers (and async
# programs, the sync twin) do not pay for importing them at start-up.
_LAZY = {
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
    from .reporter import *  # noqa: F403 (a star import re-exports reporter.__all__)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f".{_LAZY[name]}", __name__)
    globals()[name] = getattr(module, name)  # cached: later lookups do not come here
    return globals()[name]


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
