"""printos_ext: the PrintOS Device API client you import (async, and its sync twin): the generated
package with auth, retries, typed errors and pagination, and its models, in one import."""

from typing import TYPE_CHECKING, Any

from . import _generated, errors, models, reporter
from ._generated import *  # noqa: F403 (the device models and resources: _generated.__all__)
from ._response import RawResponse
from .auth import BearerTokenAuth, PrintOSHmacAuth
from .bulk import BulkResult, ProvisionRequest, StatusUpdate
from .client import PrintOSClient
from .errors import *  # noqa: F403 (every error class: errors.__all__)
from .pagination import Page, paginate
from .reporter import *  # noqa: F403 (StatusReporter, ReporterStats and its errors: reporter.__all__)
from .retries import RetryPolicy
from .version import __version__

if TYPE_CHECKING:
    from ._sync.client import SyncPrintOSClient as SyncPrintOSClient


def __getattr__(name: str) -> Any:
    # The sync twin loads when a program first names it: an async program never pays for it.
    if name != "SyncPrintOSClient":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._sync.client import SyncPrintOSClient

    globals()[name] = SyncPrintOSClient  # cached: later lookups do not come here
    return SyncPrintOSClient


__all__ = [
    "BearerTokenAuth",
    "BulkResult",
    "Page",
    "PrintOSClient",
    "PrintOSHmacAuth",
    "ProvisionRequest",
    "RawResponse",
    "RetryPolicy",
    "StatusUpdate",
    "SyncPrintOSClient",
    "__version__",
    "models",
    "paginate",
]
__all__ += _generated.__all__
__all__ += errors.__all__
__all__ += reporter.__all__


def __dir__() -> list[str]:
    return sorted({*globals(), "SyncPrintOSClient"})
