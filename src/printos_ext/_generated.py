"""The one place where printos_ext reaches into the generated package.

Vendored, the generated package is found as a sibling of this one (docs/vendoring.md); installed,
it is the top-level ``printos_api_client``. Static types always come from the installed name.
printos_ext needs only what every generated package has (the ``Transport`` seam, the resource
containers, the errors) and re-exports the device models and resources (``__all__``). A package
without those (another API's spec, vendored or in the conformance corpus) still imports: they
become stand-ins that raise when used, and ``UNAVAILABLE`` says why (scripts/regenerate.py
refuses to write such a package over the committed one).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "Devices",
    "DevicesWithRawResponse",
    "PrintDevice",
    "PrintDeviceList",
    "SyncDevices",
    "SyncDevicesWithRawResponse",
]

_GENERATED = "printos_api_client"
_RESOURCES = ("Devices", "DevicesWithRawResponse", "SyncDevices", "SyncDevicesWithRawResponse")
_DEVICE_MODELS = [name for name in __all__ if name not in _RESOURCES]


def _locate() -> str:
    """The import name of the generated package: a sibling when vendored, else top-level."""
    parent = __name__.rpartition(".")[0].rpartition(".")[0]
    if parent:
        candidate = f"{parent}.{_GENERATED}"
        try:
            importlib.import_module(candidate)
        except ModuleNotFoundError as exc:
            if exc.name != candidate:
                raise
        else:
            return candidate
    return _GENERATED


package_name = _locate()


def _attributes(relative: str, *names: str) -> dict[str, Any]:
    """``names`` from the generated module ``relative``; an ImportError saying what is missing."""
    module_name = f"{package_name}.{relative}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ImportError(
            f"printos_ext needs the generated module {module_name}, which is missing "
            f"(was the spec changed without updating printos_ext?): {exc}"
        ) from exc
    missing = [name for name in names if not hasattr(module, name)]
    if missing:
        raise ImportError(
            f"printos_ext needs {', '.join(missing)} in the generated module {module_name}; "
            "regenerate with the pinned openapi-python-client (scripts/regenerate.sh)"
        )
    return {name: getattr(module, name) for name in names}


UNAVAILABLE: str | None = None
"""Why the device models and resources are not in the generated package; None when they are."""


def _unavailable(name: str) -> type:
    """A stand-in for the generated ``name`` when the package lacks it: using it raises."""

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        raise ImportError(f"printos_ext cannot use {name}: {UNAVAILABLE}")

    return type(name, (), {"__init__": refuse, "__doc__": f"Unavailable: see {__name__}."})


if TYPE_CHECKING:
    from printos_api_client.api import APIResources as APIResources
    from printos_api_client.api import SyncAPIResources as SyncAPIResources
    from printos_api_client.api.devices import (
        Devices,
        DevicesWithRawResponse,
        SyncDevices,
        SyncDevicesWithRawResponse,
    )
    from printos_api_client.client import Operation as Operation
    from printos_api_client.errors import ArgumentError as ArgumentError
    from printos_api_client.errors import DecodeError as DecodeError
    from printos_api_client.models import (
        DeviceProvisionRequest,
        DeviceStatusUpdate,
        DeviceStatusUpdateMetrics,
        PrintDevice,
        PrintDeviceList,
    )
else:
    # The names imported above for type checkers, taken from the package _locate() found.
    globals().update(_attributes("errors", "ArgumentError", "DecodeError"))
    globals().update(_attributes("client", "Operation"))
    globals().update(_attributes("api", "APIResources", "SyncAPIResources"))
    try:
        _found = _attributes("models", *_DEVICE_MODELS) | _attributes("api.devices", *_RESOURCES)
    except ImportError as exc:
        UNAVAILABLE = f"the generated package {package_name} has no Devices tag: {exc}"
        _found = {name: _unavailable(name) for name in __all__}
    globals().update(_found)
