"""The one place where printos_ext reaches into the generated package.

Two reasons to funnel every use through here:

* Vendoring. When both packages are copied under another package (``acme._vendor.printos_ext``
  beside ``acme._vendor.printos_api_client``), the generated package is found as a sibling of this
  one; installed normally, it is the top-level ``printos_api_client``. Static types always come
  from the installed name.
* Regeneration. The generated package gives printos_ext the resource base classes
  (``APIResources`` and its sync twin ``SyncAPIResources``, one class per tag) and, for the
  methods printos_ext overrides, each operation's ``OPERATION`` and ``_get_kwargs`` (the request
  as httpx keyword arguments), called with the argument shapes in ``_CALLS``; and the model
  fields in ``_MODEL_FIELDS``. If a regenerated package lacks a piece (a spec change removed a
  field, added a required parameter, ...),
  importing printos_ext fails here, naming it, instead of failing later at run time. Operations
  printos_ext does not override need nothing here: they reach users through the generated
  resources alone. When printos_ext starts using another field or passes another argument, add
  it to these tables.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

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


_SEAM = ("_get_kwargs", "OPERATION")

# The hand-written code that relies on each operation and model, named in the ImportError (and so
# in the message with which scripts/regenerate.py refuses a spec that drops or renames one).
_USED_BY: dict[str, str] = {
    "list_devices": "src/printos_ext/devices.py (client.devices.list, iter)",
    "provision_device": "src/printos_ext/devices.py (client.devices.provision, provision_many)",
    "update_device_status": (
        "src/printos_ext/devices.py (client.devices.update_status, update_status_many)"
    ),
    "PrintDevice": "src/printos_ext/devices.py, bulk.py, _table.py",
    "PrintDeviceList": "src/printos_ext/devices.py (client.devices.list, iter)",
    "DeviceProvisionRequest": "src/printos_ext/devices.py (client.devices.provision)",
    "DeviceStatusUpdate": "src/printos_ext/devices.py (client.devices.update_status)",
    "DeviceStatusUpdateMetrics": "src/printos_ext/devices.py (client.devices.update_status)",
}

# How printos_ext calls each operation's seam: how many positional arguments, which keywords.
# A renamed path parameter still binds (it is passed positionally); a new required parameter or
# a removed body does not.
_CALLS: dict[str, tuple[int, tuple[str, ...]]] = {
    "list_devices": (0, ()),
    "provision_device": (0, ("body",)),
    "update_device_status": (1, ("body",)),
}

# The attrs fields of the generated models that printos_ext reads or sets.
_MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "PrintDevice": (
        "id",
        "model",
        "serial_number",
        "status",
        "registered_at",
        "additional_properties",
    ),
    "PrintDeviceList": ("devices",),
    "DeviceProvisionRequest": ("model", "serial_number", "location"),
    "DeviceStatusUpdate": ("status", "metrics"),
    "DeviceStatusUpdateMetrics": ("pages_total", "ink_level"),
}


def _operation(name: str) -> ModuleType:
    """The endpoint module ``api.devices.<name>``, checked to accept the calls printos_ext makes."""
    try:
        module = _module(f"api.devices.{name}", *_SEAM)
        positional, keywords = _CALLS[name]
        _check_call(module, "_get_kwargs", positional, keywords)
    except ImportError as exc:
        raise ImportError(f"{exc}; used by {_USED_BY[name]}") from exc.__cause__
    return module


def _check_call(
    module: ModuleType, function: str, positional: int, keywords: tuple[str, ...]
) -> None:
    signature = inspect.signature(getattr(module, function))
    try:
        signature.bind(*[None] * positional, **dict.fromkeys(keywords))
    except TypeError as exc:
        shape = ", ".join([*["<arg>"] * positional, *(f"{k}=..." for k in keywords)])
        raise ImportError(
            f"printos_ext calls {module.__name__}.{function}({shape}), which the generated "
            f"signature {function}{signature} does not accept ({exc}); was the spec changed "
            "without updating printos_ext?"
        ) from None


def _check_fields(models: ModuleType) -> None:
    missing = [
        f"{model}.{name}"
        for model, names in _MODEL_FIELDS.items()
        for name in names
        if name not in _fields(getattr(models, model))
    ]
    if missing:
        users = sorted({_USED_BY[name.partition(".")[0]] for name in missing})
        raise ImportError(
            f"printos_ext needs the field(s) {', '.join(missing)} of the generated models in "
            f"{models.__name__}, which lack them (was the spec changed without updating "
            f"printos_ext?); used by {'; '.join(users)}"
        )


def _fields(model: Any) -> dict[str, Any]:
    return dict(attrs.fields_dict(model)) if attrs.has(model) else {}


UNAVAILABLE: str | None = None
"""Why the Devices conveniences (``client.devices``, bulk, reporter) cannot work with the
generated package, naming what it lacks and the code that needs it; None when they can."""


def _unavailable(name: str) -> type:
    """A stand-in for the generated ``name`` when the package lacks it: using it raises."""

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        raise ImportError(
            f"printos_ext cannot use {name}: the generated package {package_name} lacks what "
            f"the Devices conveniences need: {UNAVAILABLE}"
        )

    return type(name, (), {"__init__": refuse, "__doc__": f"Unavailable: see {__name__}."})


if TYPE_CHECKING:
    from printos_api_client.api import APIResources, SyncAPIResources
    from printos_api_client.api.devices import (
        Devices,
        DevicesWithRawResponse,
        SyncDevices,
        SyncDevicesWithRawResponse,
        list_devices,
        provision_device,
        update_device_status,
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
        list_devices = _operation("list_devices")
        provision_device = _operation("provision_device")
        update_device_status = _operation("update_device_status")
        _models = _module("models", *_MODEL_FIELDS)
        _check_fields(_models)
        _devices = _module(
            "api.devices",
            "Devices",
            "DevicesWithRawResponse",
            "SyncDevices",
            "SyncDevicesWithRawResponse",
        )
    except ImportError as exc:
        # A package without what the Devices conveniences need (another API's spec, vendored
        # or in the conformance corpus): everything else works; those raise when used.
        # scripts/regenerate.py refuses to write such a package over the committed one.
        UNAVAILABLE = str(exc)
        list_devices = provision_device = update_device_status = None
        DeviceProvisionRequest = _unavailable("DeviceProvisionRequest")
        DeviceStatusUpdate = _unavailable("DeviceStatusUpdate")
        DeviceStatusUpdateMetrics = _unavailable("DeviceStatusUpdateMetrics")
        PrintDevice = _unavailable("PrintDevice")
        PrintDeviceList = _unavailable("PrintDeviceList")
        Devices = _unavailable("Devices")
        DevicesWithRawResponse = _unavailable("DevicesWithRawResponse")
        SyncDevices = _unavailable("SyncDevices")
        SyncDevicesWithRawResponse = _unavailable("SyncDevicesWithRawResponse")
    else:
        DeviceProvisionRequest = _models.DeviceProvisionRequest
        DeviceStatusUpdate = _models.DeviceStatusUpdate
        DeviceStatusUpdateMetrics = _models.DeviceStatusUpdateMetrics
        PrintDevice = _models.PrintDevice
        PrintDeviceList = _models.PrintDeviceList
        Devices = _devices.Devices
        DevicesWithRawResponse = _devices.DevicesWithRawResponse
        SyncDevices = _devices.SyncDevices
        SyncDevicesWithRawResponse = _devices.SyncDevicesWithRawResponse
