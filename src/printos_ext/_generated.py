"""The one place where printos_ext reaches into the generated package (a vendored sibling, else
the top-level one), with stand-ins when it lacks the device API. See docs/vendoring.md."""

from __future__ import annotations

import importlib.util
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
_PARENT = __name__.rpartition(".")[0].rpartition(".")[0]  # of printos_ext: "" unless vendored
_SIBLING = f"{_PARENT}.{_GENERATED}"
package_name = _SIBLING if _PARENT and importlib.util.find_spec(_SIBLING) else _GENERATED
"""The generated package's import name: the vendored sibling if any, else the top-level one."""


def _attributes(relative: str, *names: str) -> dict[str, Any]:
    """``names`` from the generated module ``relative``; an ImportError saying what is missing."""
    module_name = f"{package_name}.{relative}"
    try:
        module = importlib.import_module(module_name)
        return {name: getattr(module, name) for name in names}
    except (ModuleNotFoundError, AttributeError) as exc:
        raise ImportError(
            f"printos_ext needs {', '.join(names)} from the generated module {module_name} "
            f"(regenerate with scripts/regenerate.sh after changing the spec): {exc}"
        ) from exc


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
    # The names imported above for type checkers, taken from the package found.
    globals().update(_attributes("errors", "ArgumentError", "DecodeError"))
    globals().update(_attributes("client", "Operation"))
    globals().update(_attributes("api", "APIResources", "SyncAPIResources"))
    try:
        globals().update(_attributes("models", *[n for n in __all__ if n not in _RESOURCES]))
        globals().update(_attributes("api.devices", *_RESOURCES))
    except ImportError as exc:
        UNAVAILABLE = f"the generated package {package_name} has no Devices tag: {exc}"
        globals().update({name: _unavailable(name) for name in __all__})
