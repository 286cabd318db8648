"""The one place where printos_ext reaches into the generated package.

Vendoring is the reason to funnel every use through here: when both packages are copied under
another package (``acme._vendor.printos_ext`` beside ``acme._vendor.printos_api_client``), the
generated package is found as a sibling of this one; installed normally, it is the top-level
``printos_api_client``. Static types always come from the installed name.

printos_ext overrides no operation: it needs only what every generated package has (the
``Transport`` seam, ``APIResources``, the errors) and the models its demo and tables show. If a
regenerated package lacks one, importing printos_ext fails here, naming it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = [
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


if TYPE_CHECKING:
    from printos_api_client.api import APIResources
    from printos_api_client.api.devices import Devices, DevicesWithRawResponse
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
    _models = _module(
        "models",
        "DeviceProvisionRequest",
        "DeviceStatusUpdate",
        "DeviceStatusUpdateMetrics",
        "PrintDevice",
        "PrintDeviceList",
    )
    DeviceProvisionRequest = _models.DeviceProvisionRequest
    DeviceStatusUpdate = _models.DeviceStatusUpdate
    DeviceStatusUpdateMetrics = _models.DeviceStatusUpdateMetrics
    PrintDevice = _models.PrintDevice
    PrintDeviceList = _models.PrintDeviceList
    _errors = _module("errors", "ArgumentError", "DecodeError")
    ArgumentError = _errors.ArgumentError
    DecodeError = _errors.DecodeError
    Operation = _module("client", "Operation").Operation
    APIResources = _module("api", "APIResources").APIResources
    _devices = _module("api.devices", "Devices", "DevicesWithRawResponse")
    Devices = _devices.Devices
    DevicesWithRawResponse = _devices.DevicesWithRawResponse
