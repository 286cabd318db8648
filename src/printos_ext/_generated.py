"""The one place where printos_ext reaches into the generated package.

Two reasons to funnel every use through here:

* Vendoring. When both packages are copied under another package (``acme._vendor.printos_ext``
  beside ``acme._vendor.printos_api_client``), the generated package is found as a sibling of this
  one; installed normally, it is the top-level ``printos_api_client``. Static types always come
  from the installed name.
* Regeneration. The ext layer relies on a small seam of each endpoint module: ``_get_kwargs`` (the
  request as httpx keyword arguments) and ``_parse_response`` (the spec's success bodies into
  models). If a regenerated package lacks a piece, importing printos_ext fails here, naming it,
  instead of failing later at run time.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = [
    "UNSET",
    "Client",
    "DecodeError",
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "PrintDevice",
    "PrintDeviceList",
    "Unset",
    "list_devices",
    "package_name",
    "provision_device",
    "update_device_status",
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


_SEAM = ("_get_kwargs", "_parse_response")

if TYPE_CHECKING:
    from printos_api_client.api.devices import (
        list_devices,
        provision_device,
        update_device_status,
    )
    from printos_api_client.client import Client
    from printos_api_client.errors import DecodeError
    from printos_api_client.models import (
        DeviceProvisionRequest,
        DeviceStatusUpdate,
        DeviceStatusUpdateMetrics,
        PrintDevice,
        PrintDeviceList,
    )
    from printos_api_client.types import UNSET, Unset
else:
    list_devices = _module("api.devices.list_devices", *_SEAM)
    provision_device = _module("api.devices.provision_device", *_SEAM)
    update_device_status = _module("api.devices.update_device_status", *_SEAM)
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
    _types = _module("types", "UNSET", "Unset")
    UNSET = _types.UNSET
    Unset = _types.Unset
    DecodeError = _module("errors", "DecodeError").DecodeError
    Client = _module("client", "Client").Client
