"""The one place where printos_ext reaches into the generated package.

Vendoring is the reason to funnel every use through here: when both packages are copied under
another package (``acme._vendor.printos_ext`` beside ``acme._vendor.printos_api_client``), the
generated package is found as a sibling of this one; installed normally, it is the top-level
``printos_api_client``. Static types always come from the installed name.

printos_ext overrides no operation: it needs only what every generated package has (the
``Transport`` seam, ``APIResources`` and its sync twin ``SyncAPIResources``, the errors), and
re-exports the device models and resource classes for ``from printos_ext import PrintDevice``.
A package without those (another API's spec, vendored or in the conformance corpus) still
works: they become stand-ins that raise when used, and ``UNAVAILABLE`` says why
(scripts/regenerate.py refuses to write such a package over the committed one).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = [
    "UNAVAILABLE",
    "APIResources",
    "ArgumentError",
    "DecodeError",
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "Devices",
    "DevicesWithRawResponse",
    "Operation",
    "PrintDevice",
    "PrintDeviceList",
    "SyncAPIResources",
    "SyncDevices",
    "SyncDevicesWithRawResponse",
    "package_name",
]

_GENERATED = "printos_api_client"


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


def _module(relative: str, *required: str) -> ModuleType:
    name = f"{package_name}.{relative}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise ImportError(
            f"printos_ext needs the generated module {name}, which is missing "
            f"(was the spec changed without updating printos_ext?): {exc}"
        ) from exc
    missing = [attr for attr in required if not hasattr(module, attr)]
    if missing:
        raise ImportError(
            f"printos_ext needs {', '.join(missing)} in the generated module {name}; "
            "regenerate with the pinned openapi-python-client (scripts/regenerate.sh)"
        )
    return module


UNAVAILABLE: str | None = None
"""Why the device models and resources are not in the generated package; None when they are."""


def _unavailable(name: str) -> type:
    """A stand-in for the generated ``name`` when the package lacks it: using it raises."""

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        raise ImportError(f"printos_ext cannot use {name}: {UNAVAILABLE}")

    return type(name, (), {"__init__": refuse, "__doc__": f"Unavailable: see {__name__}."})


_DEVICE_MODELS = (
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "PrintDevice",
    "PrintDeviceList",
)

_RESOURCES = ("Devices", "DevicesWithRawResponse", "SyncDevices", "SyncDevicesWithRawResponse")

if TYPE_CHECKING:
    from printos_api_client.api import APIResources, SyncAPIResources
    from printos_api_client.api.devices import (
        Devices,
        DevicesWithRawResponse,
        SyncDevices,
        SyncDevicesWithRawResponse,
    )
    from printos_api_client.client import Operation
    from printos_api_client.errors import ArgumentError, DecodeError
    from printos_api_client.models import (
        DeviceProvisionRequest,
        DeviceStatusUpdate,
        DeviceStatusUpdateMetrics,
        PrintDevice,
        PrintDeviceList,
    )
else:
    _errors = _module("errors", "ArgumentError", "DecodeError")
    ArgumentError = _errors.ArgumentError
    DecodeError = _errors.DecodeError
    Operation = _module("client", "Operation").Operation
    _api = _module("api", "APIResources", "SyncAPIResources")
    APIResources = _api.APIResources
    SyncAPIResources = _api.SyncAPIResources
    try:
        _models = _module("models", *_DEVICE_MODELS)
        _devices = _module("api.devices", *_RESOURCES)
    except ImportError as exc:
        UNAVAILABLE = f"the generated package {package_name} has no Devices tag: {exc}"
        _found = {name: _unavailable(name) for name in (*_DEVICE_MODELS, *_RESOURCES)}
    else:
        _found = {name: getattr(_models, name) for name in _DEVICE_MODELS}
        _found |= {name: getattr(_devices, name) for name in _RESOURCES}
    DeviceProvisionRequest = _found["DeviceProvisionRequest"]
    DeviceStatusUpdate = _found["DeviceStatusUpdate"]
    DeviceStatusUpdateMetrics = _found["DeviceStatusUpdateMetrics"]
    PrintDevice = _found["PrintDevice"]
    PrintDeviceList = _found["PrintDeviceList"]
    Devices = _found["Devices"]
    DevicesWithRawResponse = _found["DevicesWithRawResponse"]
    SyncDevices = _found["SyncDevices"]
    SyncDevicesWithRawResponse = _found["SyncDevicesWithRawResponse"]
