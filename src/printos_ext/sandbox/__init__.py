"""An in-memory PrintOS Device API, for testing clients without the real platform.

``Sandbox`` holds the devices (``.state``) and the fault knobs (``.faults``) and is an ASGI app:
use it in process with ``httpx.ASGITransport(app=sandbox)``, or on a real socket with
``serve_sandbox()``. Needs the ``sandbox`` extra (Starlette and uvicorn); the core SDK never
imports this package.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "printos_ext.sandbox needs Starlette and uvicorn: pip install 'printos-sdk[sandbox]'"
    ) from exc

from .app import DEFAULT_MAX_SKEW, Sandbox, create_app
from .errors import ApiError, error_body
from .fault_injection import ConnectionDropped
from .faults import Faults
from .server import SandboxServer, serve_sandbox
from .state import Device, RequestRecord, SandboxState

__all__ = [
    "DEFAULT_MAX_SKEW",
    "ApiError",
    "ConnectionDropped",
    "Device",
    "Faults",
    "RequestRecord",
    "Sandbox",
    "SandboxServer",
    "SandboxState",
    "create_app",
    "error_body",
    "serve_sandbox",
]
